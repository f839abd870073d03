"""The grader's outputs, all rebuilt from the per-submission result files in ``results/``.

* ``gradebook.csv``: one row per submission (student, exercise, one column per question id,
  total, max_total, status, reason); plain UTF-8 CSV with a header row, ready for an LMS import.
* ``feedback/<student>/<exercise>.md``: per question, the same messages as ``check`` (hidden
  checks only say passed or failed).
* ``gradescope/<student>/<exercise>/results.json`` (optional): Gradescope's autograder format.

Only the trusted process writes here, each file atomically (temporary file + ``os.replace``).
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import tempfile
from pathlib import Path

STATUS_ICONS = {"correct": "✅", "incorrect": "❌", "missing": "✏️", "invalid": "⚠️"}


def write_atomically(path: Path, text: str) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def result_path(out_dir: Path, student: str, exercise: str) -> Path:
    return Path(out_dir) / "results" / f"{student}__{exercise}.json"


def load_results(out_dir: Path) -> list[dict]:
    results = []
    for path in sorted((Path(out_dir) / "results").glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and {"student", "exercise", "questions", "status"} <= set(data):
            results.append(data)
    return sorted(results, key=lambda r: (r["student"], r["exercise"]))


def _points(value: float) -> str:
    return f"{value:g}"


def _cell(text: str) -> str:
    """Neutralise spreadsheet formulas in free text (CSV injection)."""
    text = str(text).replace("\r", " ").replace("\n", " ")
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t") else text


def gradebook_csv(results: list[dict]) -> str:
    question_ids: list[str] = []
    for result in results:
        for question in result["questions"]:
            if question["id"] not in question_ids:
                question_ids.append(question["id"])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", "exercise", *question_ids, "total", "max_total", "status", "reason"])
    for result in results:
        points = {q["id"]: _points(q["points"]) for q in result["questions"]}
        writer.writerow([_cell(result["student"]), _cell(result["exercise"]),
                         *[points.get(q, "") for q in question_ids],
                         _points(result["total"]), _points(result["max_total"]),
                         result["status"], _cell(result.get("reason", ""))])
    return buffer.getvalue()


def feedback_markdown(result: dict) -> str:
    lines = [f"# Feedback on {result['exercise']}", "",
             f"Student: {result['student']}  ", f"Score: **{_points(result['total'])} / "
             f"{_points(result['max_total'])}**  ", f"Status: {result['status']}", ""]
    if result.get("reason"):
        lines += [html.escape(result["reason"], quote=False), ""]
    lines += ["## Questions", ""]
    for question in result["questions"]:
        score = f"{_points(question['points'])}/{_points(question['max_points'])}"
        if question.get("hidden"):
            verdict = "passed" if question["status"] == "correct" else "failed"
            lines.append(f"- **{question['id']}** (hidden check: {verdict}, {score})")
        else:
            icon = STATUS_ICONS.get(question["status"], "•")
            lines.append(f"- {icon} **{question['id']}** ({score}): {html.escape(question['message'], quote=False)}")
    if result.get("cell_errors"):
        lines += ["", "## Cells that raised an error", ""]
        for index, error in result["cell_errors"][:20]:
            lines.append(f"- code cell {index + 1}: {html.escape(str(error), quote=False)}")
    return "\n".join(lines) + "\n"


def gradescope_results(result: dict) -> dict:
    tests = []
    for question in result["questions"]:
        passed = question["status"] == "correct"
        if question.get("hidden"):
            output, visibility = f"hidden check: {'passed' if passed else 'failed'}", "after_published"
        else:
            output, visibility = question["message"], "visible"
        tests.append({"name": question["id"], "score": question["points"], "max_score": question["max_points"],
                      "status": "passed" if passed else "failed", "output": output, "visibility": visibility})
    summary = f"Status: {result['status']}." + (f" {result['reason']}" if result.get("reason") else "")
    return {"score": result["total"], "output": summary, "stdout_visibility": "hidden", "tests": tests}


def write_outputs(out_dir: Path, gradescope: bool = False) -> list[dict]:
    """Rebuild every output from ``results/``; returns the results."""
    out_dir = Path(out_dir)
    from alliances.grading.grade import sanitise_id

    results = load_results(out_dir)
    for result in results:
        student, exercise = sanitise_id(str(result["student"])), sanitise_id(str(result["exercise"]))
        write_atomically(out_dir / "feedback" / student / f"{exercise}.md", feedback_markdown(result))
        if gradescope:
            write_atomically(out_dir / "gradescope" / student / exercise / "results.json",
                             json.dumps(gradescope_results(result), indent=2) + "\n")
    write_atomically(out_dir / "gradebook.csv", gradebook_csv(results))
    return results

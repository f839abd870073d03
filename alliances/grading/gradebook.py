"""The grader's outputs, all rebuilt from the per-submission result files in ``results/``.

* ``gradebook.csv``: one row per submitted file (student, exercise, one column per question id,
  total, max_total, status, reason, file); plain UTF-8 CSV with a header row, ready for an LMS
  import. Files of one student and exercise that do not count (a conflict) have status ``conflict``.
* ``feedback/<student>/<exercise>.md``: per question, the same messages as ``check`` (hidden
  checks only say passed or failed); a file that does not count gets ``<exercise>.not-counted-<id>.md``.
* ``gradescope/<student>/<exercise>/results.json`` (optional): Gradescope's autograder format.

Only the trusted process writes here, each file atomically (temporary file + ``os.replace``).
"""

from __future__ import annotations

import csv
import html
import io
import json
from pathlib import Path

from alliances.grading.common import sanitise_id, write_atomically

STATUS_ICONS = {"correct": "✅", "incorrect": "❌", "missing": "✏️", "invalid": "⚠️"}


def result_path(out_dir: Path, key: str) -> Path:
    return Path(out_dir) / "results" / f"{key}.json"


def load_results(out_dir: Path, keys: set[str] | None = None) -> list[dict]:
    """The saved results (only those of ``keys``, the files submitted now, when given)."""
    results = []
    for path in sorted((Path(out_dir) / "results").glob("*.json")):
        if keys is not None and path.stem not in keys:
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and {"student", "exercise", "questions", "status"} <= set(data):
            results.append(data)
    return sorted(results, key=lambda r: (r["student"], r["exercise"], r.get("submission", "")))


def shown_status(result: dict) -> tuple[str, str]:
    """(status, reason) as the gradebook shows them, conflicts included."""
    status, reason = result["status"], result.get("reason", "")
    conflict = result.get("conflict")
    if not conflict:
        return status, reason
    others = ", ".join(f for f in conflict["files"] if f != result.get("submission"))
    if conflict["counts"]:
        note = (f"conflict: {len(conflict['files'])} files for this student and exercise; this one counts "
                f"(the newest); also submitted: {others}")
        return status, note + (f". {reason}" if reason else "")
    note = (f"not counted: {conflict['counting']} counts for this student and exercise (the newest of "
            f"{len(conflict['files'])} files); this file was {status}")
    return "conflict", note + (f": {reason}" if reason else "")


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
    writer.writerow(["student", "exercise", *question_ids, "total", "max_total", "status", "reason", "file"])
    for result in results:
        points = {q["id"]: _points(q["points"]) for q in result["questions"]}
        status, reason = shown_status(result)
        writer.writerow([_cell(result["student"]), _cell(result["exercise"]),
                         *[points.get(q, "") for q in question_ids],
                         _points(result["total"]), _points(result["max_total"]),
                         status, _cell(reason), _cell(result.get("submission", ""))])
    return buffer.getvalue()


def feedback_markdown(result: dict) -> str:
    status, reason = shown_status(result)
    lines = [f"# Feedback on {result['exercise']}", "",
             f"Student: {result['student']}  ", f"Score: **{_points(result['total'])} / "
             f"{_points(result['max_total'])}**  ", f"Status: {status}", ""]
    if reason:
        lines += [html.escape(reason, quote=False), ""]
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
    status, reason = shown_status(result)
    summary = f"Status: {status}." + (f" {reason}" if reason else "")
    return {"score": result["total"], "output": summary, "stdout_visibility": "hidden", "tests": tests}


def write_outputs(out_dir: Path, keys: set[str] | None = None, gradescope: bool = False) -> tuple[list[dict], dict]:
    """Rebuild every output from ``results/``; returns the results and {path: text written}."""
    out_dir = Path(out_dir)
    results = load_results(out_dir, keys)
    written: dict[Path, str] = {}

    def write(path: Path, text: str) -> None:
        write_atomically(path, text)
        written[path] = text

    for result in results:
        student, exercise = sanitise_id(str(result["student"])), sanitise_id(str(result["exercise"]))
        conflict = result.get("conflict")
        counts = not conflict or conflict["counts"]
        name = exercise if counts else f"{exercise}.not-counted-{str(result.get('key', ''))[-8:]}"
        write(out_dir / "feedback" / student / f"{name}.md", feedback_markdown(result))
        if gradescope and counts:
            write(out_dir / "gradescope" / student / exercise / "results.json",
                  json.dumps(gradescope_results(result), indent=2) + "\n")
    write(out_dir / "gradebook.csv", gradebook_csv(results))
    return results, written

"""Grading one submission in the trusted process: read the key, run the notebook, judge the answers.

The answer key is read from the instructor's source with ``answer_key_from_source`` (never run);
the sandbox is asked only for the answer variables' plain values; every question, hidden ones
included, is judged here with :func:`alliances.checking.judge`. Nothing judged inside a sandbox is
ever used.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import time
from pathlib import Path

import nbformat

from alliances.checking import Result, judge
from alliances.checking.plain import from_jsonable
from alliances.grading.notebooks import FormatError, read_answer_key
from alliances.grading.submissions import Submission, read_safely

STATUS = {"finished": "graded", "timed out": "timed out", "crashed": "crashed"}


class Exercises:
    """The instructor's answer keys, read (never executed) from the source notebooks."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.names = {p.stem for p in folder.glob("*.ipynb")}
        self._keys: dict[str, tuple[dict, str]] = {}

    def key(self, exercise: str) -> tuple[dict, str] | None:
        if exercise not in self.names:
            return None
        if exercise not in self._keys:
            key = read_answer_key(self.folder / f"{exercise}.ipynb")
            digest = hashlib.sha256(json.dumps(key, sort_keys=True, default=repr).encode()).hexdigest()
            self._keys[exercise] = (key, digest)
        return self._keys[exercise]


def parse_submission(data: bytes) -> tuple[str | None, list[str] | None, str]:
    """(notebook text, code-cell sources, problem): the trusted, non-executing read of a submission."""
    try:
        text = data.decode("utf-8")
        nb = nbformat.reads(text, as_version=4)
    except UnicodeDecodeError:
        return None, None, "the file is not UTF-8 text, so not a notebook"
    except Exception as exc:  # NotJSONError, validation or conversion errors, RecursionError...
        return None, None, f"the file is not a readable Jupyter notebook ({type(exc).__name__})"
    cells = nb.get("cells")
    if not isinstance(cells, list):
        return None, None, "the notebook has no list of cells"
    sources = []
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(s for s in source if isinstance(s, str))
        if not isinstance(source, str):
            return None, None, "a code cell's source is not text"
        sources.append(source)
    return text, sources, ""


def judge_answers(key: dict, answers: dict | None, run_status: str) -> list[dict]:
    """Judge every question of ``key`` (hidden ones included) against plain answer values."""
    questions = []
    for question_id, spec in key.items():
        name = spec["answer"]
        points = float(spec.get("points", 1))
        if answers is not None and name in answers:
            result = judge(question_id, spec, from_jsonable(answers[name]))
        elif answers is None:
            result = Result(question_id, "missing", "the notebook could not be run.", 0.0, points)
        elif run_status == "graded":
            result = Result(question_id, "missing",
                            f"no variable called `{name}` was defined when your notebook finished: store "
                            f"your answer in `{name}` (exact spelling) and run every cell.", 0.0, points)
        else:
            result = Result(question_id, "missing",
                            f"`{name}` was not defined before your notebook stopped ({run_status}).", 0.0, points)
        questions.append({"id": question_id, "status": result.status, "points": result.points,
                          "max_points": result.max_points, "message": result.message,
                          "hidden": bool(spec.get("hidden"))})
    return questions


def _stored_answers(answers: dict) -> dict:
    out = {}
    for name, value in answers.items():
        text = json.dumps(value)
        out[name] = value if len(text) <= 2000 else {"__unsupported__": "too long to store"}
    return out


def grade_submission(submission: Submission, exercises: Exercises, sandbox, slot: int) -> dict:
    """Grade one submission in the trusted process; returns the result record."""
    started = time.monotonic()
    record = {"student": submission.student, "exercise": submission.exercise, "submission": submission.label,
              "key": submission.key, "sha256": submission.sha256, "key_sha256": None,
              "status": "invalid notebook", "reason": "", "questions": [], "total": 0.0, "max_total": 0.0,
              "answers": {}, "cell_errors": [], "output_tail": "", "sandbox": sandbox.mode if sandbox else None}
    try:
        found = exercises.key(submission.exercise)
    except FormatError as exc:
        record.update(status="error", reason=f"the instructor's source notebook is malformed: {exc}")
        return finish(record, started)
    if found is not None:
        record["key_sha256"] = found[1]
    data, problem, _ = (None, submission.problem, 0) if submission.problem else read_safely(submission.path)
    if data is None:
        record.update(status="unreadable file", reason=f"{submission.label} is {problem}")
        if found is not None:
            record["questions"] = judge_answers(found[0], None, "unreadable file")
        return finish(record, started)
    record["sha256"] = hashlib.sha256(data).hexdigest()  # what was graded, even if the file changed since
    if found is None:
        record["reason"] = (f"there is no exercise called {submission.exercise!r} "
                            f"(known: {', '.join(sorted(exercises.names)) or 'none'})")
        return finish(record, started)
    key = found[0]
    text, cells, problem = parse_submission(data)
    if text is None:
        record["reason"] = problem
        record["questions"] = judge_answers(key, None, "invalid notebook")
        return finish(record, started)
    names = sorted({spec["answer"] for spec in key.values()})
    outcome = sandbox.run(cells, names, text, slot=slot)
    status = STATUS[outcome.status]
    record.update(status=status, answers=_stored_answers(outcome.answers), cell_errors=outcome.cell_errors,
                  output_tail=outcome.output_tail[-2000:])
    reason = outcome.reason
    if outcome.cell_errors and status == "graded":
        shown = ", ".join(f"cell {i + 1} ({e})" for i, e in outcome.cell_errors[:5])
        reason = f"{len(outcome.cell_errors)} code cell(s) raised an error: {shown}"
    record["reason"] = reason
    record["questions"] = judge_answers(key, outcome.answers, status)
    return finish(record, started)


def finish(record: dict, started: float) -> dict:
    record["total"] = round(sum(q["points"] for q in record["questions"]), 6)
    record["max_total"] = round(sum(q["max_points"] for q in record["questions"]), 6)
    record["duration_s"] = round(time.monotonic() - started, 3)
    record["graded_at"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    return record

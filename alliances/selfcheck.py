"""Self-check questions that work on the static website (no kernel), built on jupyterquiz.

A chapter calls ``quiz("ch01")``: the questions live in ``book/selfcheck/ch01.yml`` (a YAML list in
jupyterquiz's format), not in the notebook, so a student reading the chapter in JupyterLab does not
see the answers in the cell's source. The questions are checked here first (:func:`validate`), so
a malformed question fails the build loudly instead of rendering a broken quiz, and normalised
(:func:`normalise`) around a jupyterquiz bug that would leave a numeric question without feedback.
jupyterquiz writes the quiz as HTML and JavaScript into the cell output; the website keeps that
output, so readers can answer and get feedback without running anything.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

SELFCHECK_DIR = Path(__file__).resolve().parent.parent / "book" / "selfcheck"
TYPES = ("multiple_choice", "many_choice", "numeric")
NUMERIC_ANSWERS = ("value", "range", "default")


def _real(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _validate_numeric(number: int, question: dict[str, Any]) -> None:
    where = f"question {number} (numeric)"
    answers = question["answers"]
    precision = question.get("precision")
    if "precision" in question and not (isinstance(precision, int) and not isinstance(precision, bool)
                                        and 0 <= precision <= 21):
        raise ValueError(f"{where}: precision must be a whole number of significant digits (1-21), "
                         f"or 0 for a whole-number answer; got {precision!r}")
    for answer in answers:
        kind = answer.get("type")
        if kind not in NUMERIC_ANSWERS:
            raise ValueError(f"{where}: answer type must be one of {NUMERIC_ANSWERS}, not {kind!r}")
        if kind == "value" and not _real(answer.get("value")):
            raise ValueError(f"{where}: a value answer needs a finite number, not {answer.get('value')!r}")
        if kind == "value" and precision == 0 and not float(answer["value"]).is_integer():
            raise ValueError(f"{where}: precision 0 means a whole-number answer, but {answer['value']!r} is not one")
        if kind == "range":
            bounds = answer.get("range")
            pair = isinstance(bounds, list) and len(bounds) == 2 and all(map(_real, bounds))
            if not (pair and bounds[0] < bounds[1]):
                raise ValueError(f"{where}: a range answer needs [low, high] with low < high, not {bounds!r}")
    right = [a for a in answers if a.get("correct")]
    if "precision" not in question and not all(a.get("type") == "range" for a in right):
        raise ValueError(f"{where}: state the precision: give 'precision' (significant digits, or 0 for a "
                         "whole number) or make every correct answer a range")


def validate(questions: list[dict[str, Any]]) -> None:
    """Raise ValueError naming the question and the problem if a quiz is malformed."""
    if not isinstance(questions, list) or not questions:
        raise ValueError("a quiz needs at least one question (a YAML list)")
    for number, question in enumerate(questions, start=1):
        if not isinstance(question, dict):
            raise ValueError(f"question {number}: must be a mapping, not {type(question).__name__}")
        kind = question.get("type")
        if kind not in TYPES:
            raise ValueError(f"question {number}: type must be one of {TYPES}, not {kind!r}")
        if not str(question.get("question", "")).strip():
            raise ValueError(f"question {number}: the question text is empty")
        answers = question.get("answers") or []
        if not isinstance(answers, list) or not all(isinstance(a, dict) for a in answers):
            raise ValueError(f"question {number}: answers must be a list of mappings")
        flags = [a["correct"] for a in answers if "correct" in a]
        if not all(isinstance(f, bool) for f in flags):
            raise ValueError(f"question {number}: 'correct' must be true or false")
        if not any(a.get("correct") for a in answers):
            raise ValueError(f"question {number}: no answer is marked correct")
        missing = [a for a in answers if not str(a.get("feedback", "")).strip()]
        if missing:
            raise ValueError(f"question {number}: every answer needs feedback that explains it")
        if kind == "numeric":
            _validate_numeric(number, question)
        elif kind == "multiple_choice" and sum(bool(a.get("correct")) for a in answers) != 1:
            raise ValueError(f"question {number}: a multiple_choice question has exactly one correct answer "
                             "(use many_choice for several)")


def normalise(question: dict[str, Any]) -> dict[str, Any]:
    """The question as jupyterquiz should get it.

    jupyterquiz's browser code rounds a numeric answer with ``value.toPrecision(precision)``
    whenever a precision is given, and ``toPrecision(0)`` throws a RangeError: the quiz then never
    shows feedback. ``precision: 0`` (a whole-number answer) is therefore sent without a precision,
    so the typed answer is compared with the whole number exactly (``5`` and ``5.0`` both match).
    """
    out = copy.deepcopy(question)
    if out.get("type") == "numeric" and out.get("precision") == 0:
        del out["precision"]
    return out


def load_questions(name: str) -> list[dict[str, Any]]:
    """The questions of the quiz ``name`` (``book/selfcheck/<name>.yml``), validated and normalised."""
    import yaml

    path = SELFCHECK_DIR / f"{name}.yml"
    if not path.is_file():
        known = sorted(p.stem for p in SELFCHECK_DIR.glob("*.yml"))
        raise ValueError(f"no self-check quiz named {name!r}; known quizzes: {known}")
    questions = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        validate(questions)
    except ValueError as exc:
        raise ValueError(f"{path.name}: {exc}") from None
    return [normalise(q) for q in questions]


def quiz(questions: str | list[dict[str, Any]]) -> None:
    """Display a self-check quiz: a quiz name (``"ch01"``) or a list of questions."""
    from jupyterquiz import display_quiz

    if isinstance(questions, str):
        questions = load_questions(questions)
    else:
        validate(questions)
        questions = [normalise(q) for q in questions]
    display_quiz(questions, colors="fdsp")

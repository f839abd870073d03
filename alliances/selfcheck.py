"""Self-check questions that work on the static website (no kernel), built on jupyterquiz.

A chapter calls ``quiz("ch01")``: the questions live in ``book/selfcheck/ch01.yml`` (a YAML list in
jupyterquiz's format), not in the notebook, so a student reading the chapter in JupyterLab does not
see the answers in the cell's source. The questions are checked here first, so a malformed question fails the build loudly instead of rendering a broken
quiz. jupyterquiz writes the quiz as HTML and JavaScript into the cell output; the website keeps
that output, so readers can answer and get feedback without running anything.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

SELFCHECK_DIR = Path(__file__).resolve().parent.parent / "book" / "selfcheck"
TYPES = ("multiple_choice", "many_choice", "numeric")


def validate(questions: list[dict[str, Any]]) -> None:
    """Raise ValueError naming the problem if a question is malformed."""
    if not questions:
        raise ValueError("a quiz needs at least one question")
    for number, question in enumerate(questions, start=1):
        kind = question.get("type")
        if kind not in TYPES:
            raise ValueError(f"question {number}: type must be one of {TYPES}, not {kind!r}")
        if not str(question.get("question", "")).strip():
            raise ValueError(f"question {number}: the question text is empty")
        answers = question.get("answers") or []
        if not any(a.get("correct") for a in answers):
            raise ValueError(f"question {number}: no answer is marked correct")
        missing = [a for a in answers if not str(a.get("feedback", "")).strip()]
        if missing:
            raise ValueError(f"question {number}: every answer needs feedback that explains it")


def load_questions(name: str) -> list[dict[str, Any]]:
    """The questions of the quiz ``name`` (``book/selfcheck/<name>.yml``), validated."""
    import yaml

    path = SELFCHECK_DIR / f"{name}.yml"
    if not path.is_file():
        known = sorted(p.stem for p in SELFCHECK_DIR.glob("*.yml"))
        raise ValueError(f"no self-check quiz named {name!r}; known quizzes: {known}")
    questions = yaml.safe_load(path.read_text(encoding="utf-8"))
    validate(questions)
    return questions


def quiz(questions: str | list[dict[str, Any]]) -> None:
    """Display a self-check quiz: a quiz name (``"ch01"``) or a list of questions."""
    from jupyterquiz import display_quiz

    if isinstance(questions, str):
        questions = load_questions(questions)
    validate(questions)
    display_quiz(questions, colors="fdsp")

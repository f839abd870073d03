"""Self-check questions that work on the static website (no kernel), built on jupyterquiz.

A chapter calls ``quiz([...])`` with a list of questions in jupyterquiz's format. The questions are
checked here first, so a malformed question fails the build loudly instead of rendering a broken
quiz. jupyterquiz writes the quiz as HTML and JavaScript into the cell output; the website keeps
that output, so readers can answer and get feedback without running anything.
"""

from __future__ import annotations

from typing import Any

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


def quiz(questions: list[dict[str, Any]]) -> None:
    """Validate and display a self-check quiz."""
    from jupyterquiz import display_quiz

    validate(questions)
    display_quiz(questions, colors="fdsp")

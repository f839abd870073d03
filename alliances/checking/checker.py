"""The notebook-facing check API: ``check = Checker({...answer key...})`` then ``check("q1", value)``."""

from __future__ import annotations

import ast
from typing import Any

from alliances.checking.judge import Result, judge, validate_question


class Checker:
    """Immediate feedback on exercise answers from one notebook's answer key.

    The answer key is a dict from question id to question spec (see :mod:`alliances.checking.judge`).
    Questions marked ``"hidden": True`` are for the instructor's grader: ``check`` does not offer them.
    """

    def __init__(self, answer_key: dict[str, dict]) -> None:
        if not isinstance(answer_key, dict) or not answer_key:
            raise ValueError("the answer key must be a non-empty dict of question id -> spec")
        for question_id, question in answer_key.items():
            validate_question(question_id, question)
        self.answer_key = answer_key

    @property
    def questions(self) -> list[str]:
        return [q for q, spec in self.answer_key.items() if not spec.get("hidden")]

    def __call__(self, question_id: Any, value: Any = ...) -> Result:
        """Judge ``value`` as the answer to ``question_id``; always returns a Result, never raises."""
        key = question_id if type(question_id) is str else None
        spec = self.answer_key.get(key) if key is not None else None
        if spec is None or spec.get("hidden"):
            known = ", ".join(repr(q) for q in self.questions)
            return Result(str(question_id)[:40], "invalid",
                          f"there is no question called {str(question_id)[:40]!r} here; the questions are {known}.")
        return judge(key, spec, value)

    def __repr__(self) -> str:
        return f"Checker(questions={self.questions})"


def answer_key_from_source(source: str) -> dict[str, dict]:
    """Read the answer key from the source of an ``answer-key`` cell without running it.

    The cell must contain ``check = Checker({...})`` with a literal dict; the grader reads the key
    this way in its own (trusted) process.
    """
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "Checker":
            if len(node.args) != 1:
                break
            key = ast.literal_eval(node.args[0])
            Checker(key)  # validates
            return key
    raise ValueError("the answer-key cell must contain `check = Checker({...})` with a literal dict")

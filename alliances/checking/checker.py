"""The notebook-facing check API: ``check = Checker({...answer key...})`` then ``check("q1", value)``."""

from __future__ import annotations

import ast
from typing import Any

from alliances.checking.judge import Result, judge, public_question, validate_question


def owner(question_id: str, spec: dict, visible: set[str]) -> str | None:
    """The visible question a hidden part belongs to: ``part_of``, else the id before the first '-'."""
    named = spec.get("part_of", question_id.split("-", 1)[0])
    return named if named in visible else None


def hidden_counts(answer_key: dict[str, dict]) -> tuple[dict[str, int], int]:
    """Hidden parts per visible question, and the number of hidden parts in the whole exercise."""
    visible = {q for q, spec in answer_key.items() if not spec.get("hidden")}
    per_question: dict[str, int] = {}
    hidden = [(q, spec) for q, spec in answer_key.items() if spec.get("hidden")]
    for question_id, spec in hidden:
        parent = owner(question_id, spec, visible)
        if parent is not None:
            per_question[parent] = per_question.get(parent, 0) + 1
    return per_question, len(hidden)


def public_key(answer_key: dict[str, dict], salt: str) -> dict[str, dict]:
    """The student version of a key: visible questions only, hashed, each with the hidden-part counts."""
    per_question, total = hidden_counts(answer_key)
    out = {}
    for question_id, spec in answer_key.items():
        if spec.get("hidden"):
            continue
        public = public_question(spec, salt)
        if total:
            public["hidden_parts"], public["hidden_total"] = per_question.get(question_id, 0), total
        out[question_id] = public
    return out


def _parts(count: int) -> str:
    return "1 more part" if count == 1 else f"{count} more parts"


class Checker:
    """Immediate feedback on exercise answers from one notebook's answer key.

    The answer key is a dict from question id to question spec (see :mod:`alliances.checking.judge`);
    it is validated here, so a malformed key fails when the notebook is loaded. Questions marked
    ``"hidden": True`` are for the instructor's grader: ``check`` does not offer them, but it tells
    the student that they exist (a count, nothing more).
    """

    def __init__(self, answer_key: dict[str, dict]) -> None:
        if not isinstance(answer_key, dict) or not answer_key:
            raise ValueError("the answer key must be a non-empty dict of question id -> spec")
        for question_id, question in answer_key.items():
            validate_question(question_id, question)
        self.answer_key = answer_key
        if any(spec.get("hidden") for spec in answer_key.values()):
            self.hidden_parts, self.hidden_total = hidden_counts(answer_key)
        else:
            self.hidden_parts = {q: s.get("hidden_parts", 0) for q, s in answer_key.items()}
            self.hidden_total = max((s.get("hidden_total", 0) for s in answer_key.values()), default=0)

    @property
    def questions(self) -> list[str]:
        return [q for q, spec in self.answer_key.items() if not spec.get("hidden")]

    def note(self, question_id: str) -> str:
        """What the student should know about the parts of ``question_id`` that only the grader checks."""
        own = self.hidden_parts.get(question_id, 0)
        other = self.hidden_total - sum(self.hidden_parts.values())
        notes = []
        if own:
            notes.append(f"The grader also checks {_parts(own)} of this question that this check does not show: "
                         "make sure every answer variable in it is filled in.")
        if other > 0:
            notes.append(f"This exercise has {_parts(other)} that only the grader checks.")
        return " ".join(notes)

    def __call__(self, question_id: Any, value: Any = ...) -> Result:
        """Judge ``value`` as the answer to ``question_id``; always returns a Result, never raises."""
        key = question_id if type(question_id) is str else None
        if key is not None and key not in self.answer_key:  # "Q1" or " q1" for "q1"
            key = next((q for q in self.answer_key if q.casefold() == key.strip().casefold()), key)
        spec = self.answer_key.get(key) if key is not None else None
        if spec is None or spec.get("hidden"):
            known = ", ".join(repr(q) for q in self.questions)
            return Result(str(question_id)[:40], "invalid",
                          f"there is no question called {str(question_id)[:40]!r} here; the questions are {known}.")
        result = judge(key, spec, value)
        note = self.note(key)
        return result.with_note(note) if note else result

    def __repr__(self) -> str:
        extra = f", {self.hidden_total} checked by the grader only" if self.hidden_total else ""
        return f"Checker(questions={self.questions}{extra})"


def answer_key_from_source(source: str) -> dict[str, dict]:
    """Read the answer key from the source of an ``answer-key`` cell without running it.

    The cell must contain ``check = Checker({...})`` with a literal dict; the grader reads the key
    this way in its own (trusted) process. The key is validated (ValueError naming the question).
    """
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "Checker":
            if len(node.args) != 1:
                break
            try:
                key = ast.literal_eval(node.args[0])
            except ValueError as exc:
                raise ValueError(f"the answer key must be a literal dict (no names or calls): {exc}") from None
            Checker(key)  # validates
            return key
    raise ValueError("the answer-key cell must contain `check = Checker({...})` with a literal dict")

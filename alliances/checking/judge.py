"""Judge one plain answer against one question of an answer key.

A question is a dict in the notebook's answer key, for example::

    "q1": {"answer": "share_a", "kind": "number", "expected": 0.62, "tol": 0.005,
           "points": 2, "hint": "Start from the disagreement point."}

``kind`` is one of ``KINDS``. In a student version ``expected`` is replaced by ``digests`` (salted
SHA-256 of the canonical right answers), so the student's copy can still say right or wrong
without containing the answer in readable form. Numbers are judged on a grid of ``tol / 4`` wide
cells: an answer is right when its cell is one of the cells within ``tol`` of the expected value.
Both forms of the key use that same rule, so the live check and the grader never disagree.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Any

from alliances.checking import plain

KINDS = ("number", "integer", "numbers", "text", "choice", "set", "sequence", "bool")
GRID = 4  # cells per tolerance


@dataclass(frozen=True)
class Result:
    """The verdict on one answer: status is correct, incorrect, missing or invalid."""

    question: str
    status: str
    message: str
    points: float = 0.0
    max_points: float = 1.0

    @property
    def passed(self) -> bool:
        return self.status == "correct"

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        icon = {"correct": "✅", "incorrect": "❌", "missing": "✏️", "invalid": "⚠️"}.get(self.status, "•")
        return f"{icon} {self.question}: {self.message}"

    def _repr_html_(self) -> str:
        import html

        colour = {"correct": "#009E73", "incorrect": "#D55E00"}.get(self.status, "#E69F00")
        return (
            f"<div role='status' style='border-left:4px solid {colour};padding:0.3em 0.8em'>"
            f"{html.escape(repr(self))}</div>"
        )


def digest(salt: str, canonical: str) -> str:
    return hashlib.sha256(f"{salt}|{canonical}".encode()).hexdigest()[:32]


def number_cells(expected: float, tol: float) -> list[int]:
    step = tol / GRID
    return list(range(math.floor((expected - tol) / step), math.floor((expected + tol) / step) + 1))


def number_cell(value: float, tol: float) -> int:
    return math.floor(value / (tol / GRID))


def canonical_forms(question: dict) -> list[Any]:
    """The canonical right answers of a question with a plain ``expected``.

    For ``number`` a list of grid cells, for ``numbers`` a list (one per item) of lists of cells,
    otherwise a list of canonical strings (several where more than one text answer is accepted).
    """
    kind, expected = question["kind"], question["expected"]
    if kind == "number":
        return [f"cell:{c}" for c in number_cells(float(expected), float(question["tol"]))]
    if kind == "numbers":
        return [[f"cell:{c}" for c in number_cells(float(e), float(question["tol"]))] for e in expected]
    if kind == "integer":
        return [f"int:{int(expected)}"]
    if kind == "bool":
        return [f"bool:{bool(expected)}"]
    if kind in ("text", "choice"):
        accepted = expected if isinstance(expected, list) else [expected]
        return [f"text:{plain.normalise_text(a)}" for a in accepted]
    if kind == "set":
        return ["set:" + "\x1f".join(sorted(plain.normalise_text(a) for a in expected))]
    if kind == "sequence":
        return ["seq:" + "\x1f".join(plain.normalise_text(a) for a in expected)]
    raise ValueError(f"unknown kind {kind!r}; use one of {KINDS}")


def canonical_answer(question: dict, value: Any) -> Any:
    """The student's answer in the same canonical form (raises AnswerTypeError / MissingAnswer)."""
    kind = question["kind"]
    if kind == "number":
        return f"cell:{number_cell(plain.to_number(value), float(question['tol']))}"
    if kind == "numbers":
        numbers = plain.to_items(value, plain.to_number)
        return [f"cell:{number_cell(v, float(question['tol']))}" for v in numbers]
    if kind == "integer":
        return f"int:{plain.to_integer(value)}"
    if kind == "bool":
        return f"bool:{plain.to_bool(value)}"
    if kind in ("text", "choice"):
        text = plain.to_text(value)
        options = question.get("options")
        if kind == "choice" and options and text not in {plain.normalise_text(o) for o in options}:
            raise plain.AnswerTypeError(f"{value!r} is not one of the options: {', '.join(map(repr, options))}.")
        return f"text:{text}"
    if kind == "set":
        return "set:" + "\x1f".join(sorted(set(plain.to_items(value, plain.to_text))))
    if kind == "sequence":
        return "seq:" + "\x1f".join(plain.to_items(value, plain.to_text))
    raise ValueError(f"unknown kind {kind!r}")


def _matches(question: dict, answer: Any) -> bool:
    kind = question["kind"]
    if "expected" in question:
        right = canonical_forms(question)
        if kind == "numbers":
            return len(answer) == len(right) and all(a in r for a, r in zip(answer, right))
        return answer in right
    salt, digests = question["salt"], question["digests"]
    if kind == "numbers":
        return len(answer) == len(digests) and all(digest(salt, a) in d for a, d in zip(answer, digests))
    return digest(salt, answer) in digests


def judge(question_id: str, question: dict, value: Any) -> Result:
    """Judge ``value`` against ``question``. Never raises; never passes a wrong or odd answer."""
    points = float(question.get("points", 1))
    hint = question.get("hint", "")
    try:
        answer = canonical_answer(question, value)
        if question["kind"] == "numbers" and "expected" in question and len(answer) != len(question["expected"]):
            return Result(question_id, "incorrect",
                          f"not yet: expected {len(question['expected'])} numbers, got {len(answer)}.", 0.0, points)
        if _matches(question, answer):
            return Result(question_id, "correct", "correct, well done!", points, points)
        message = "not yet." + (f" Hint: {hint}" if hint else " Check your working and try again.")
        return Result(question_id, "incorrect", message, 0.0, points)
    except plain.MissingAnswer:
        return Result(question_id, "missing",
                      "no answer yet: replace the ... with your answer and run the cell again.", 0.0, points)
    except plain.AnswerTypeError as exc:
        return Result(question_id, "invalid", str(exc), 0.0, points)
    except Exception as exc:  # a rigged object may raise anything while being read
        return Result(question_id, "invalid",
                      f"this answer could not be read ({type(exc).__name__}); give a plain number, text or list.",
                      0.0, points)


def public_question(question: dict, salt: str) -> dict:
    """The student-version form of a question: ``expected`` replaced by salted digests."""
    out = {k: v for k, v in question.items() if k not in ("expected", "hidden")}
    forms = canonical_forms(question)
    if question["kind"] == "numbers":
        out["digests"] = [[digest(salt, c) for c in cells] for cells in forms]
    else:
        out["digests"] = [digest(salt, c) for c in forms]
    out["salt"] = salt
    return out


def validate_question(question_id: str, question: dict) -> None:
    """Raise ValueError with a clear message if an answer-key entry is malformed (instructor error)."""
    if not isinstance(question, dict):
        raise ValueError(f"question {question_id!r}: must be a dict")
    kind = question.get("kind")
    if kind not in KINDS:
        raise ValueError(f"question {question_id!r}: kind must be one of {KINDS}, not {kind!r}")
    if not isinstance(question.get("answer"), str) or not question["answer"].isidentifier():
        raise ValueError(f"question {question_id!r}: 'answer' must name the variable that holds the answer")
    if "expected" not in question and not ("digests" in question and "salt" in question):
        raise ValueError(f"question {question_id!r}: needs 'expected' (or 'digests' and 'salt')")
    if kind in ("number", "numbers") and not float(question.get("tol", 0)) > 0:
        raise ValueError(f"question {question_id!r}: numeric questions need a positive 'tol'")
    if "expected" in question:
        canonical_forms(question)

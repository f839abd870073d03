"""Judge one plain answer against one question of an answer key.

A question is a dict in the notebook's answer key, for example::

    "q1": {"answer": "share_a", "kind": "number", "expected": 0.62, "decimals": 2,
           "points": 2, "hint": "Start from the disagreement point.",
           "mistakes": [{"answer": 0.38, "hint": "That is B's share, not A's."}]}

``kind`` is one of ``KINDS``; the fields a question may have are ``FIELDS`` (see
``exercises/README.md``). In a student version ``expected`` (and each mistake's ``answer``) is
replaced by ``digests``, salted SHA-256 of the canonical forms of every accepted answer, so the
student's copy says right or wrong without holding the answer in readable form.

The rule for numbers, the same for both forms of the key: with ``tol`` (or ``decimals`` d, meaning
``tol = 0.5 * 10**-d``) and the grid step ``s = tol / STEPS``, an answer ``a`` is right when
``|round(a / s) * s - expected| <= tol + s / 2``. Every answer within ``tol`` of the expected value,
on either side, is right; nothing further than ``tol + s`` (1% beyond the stated precision) is.
The full key is judged by first turning it into its public form (with a fixed salt), so the
student's check and the instructor's grader agree on every answer by construction.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import numbers as _numbers
from dataclasses import dataclass
from typing import Any

from alliances.checking import plain

KINDS = ("number", "integer", "numbers", "text", "choice", "set", "sequence", "bool")
FIELDS = ("answer", "kind", "expected", "tol", "decimals", "percent", "points", "hint", "options",
          "aliases", "mistakes", "hidden", "part_of", "digests", "salt", "rule", "hidden_parts", "hidden_total")
RULE = 2  # version of the canonical forms hashed into public keys (1: the tol/4 floor grid, plain case folding)
NUMERIC = ("number", "numbers")
TEXTUAL = ("text", "choice", "set", "sequence")
STEPS = 100  # grid steps per tolerance
_SLACK = 1e-6  # in grid steps: absorbs float rounding in a / s
_GRADER_SALT = "grader"


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

    def with_note(self, note: str) -> Result:
        return dataclasses.replace(self, message=f"{self.message} {note}")


def digest(salt: str, canonical: str) -> str:
    return hashlib.sha256(f"{salt}|{canonical}".encode()).hexdigest()[:20]


def tolerance(question: dict) -> float:
    """The question's tolerance: ``tol``, or ``0.5 * 10**-decimals``."""
    if "decimals" in question:
        return 0.5 * 10.0 ** -int(question["decimals"])
    return float(question["tol"])


def number_cells(expected: float, tol: float) -> range:
    """The grid cells (multiples of tol / STEPS) whose rounding cell meets [expected - tol, expected + tol]."""
    step = tol / STEPS
    low = math.ceil((expected - tol) / step - 0.5 - _SLACK)
    high = math.floor((expected + tol) / step + 0.5 + _SLACK)
    return range(low, high + 1)


def number_cell(value: float, tol: float) -> int:
    return round(value / (tol / STEPS))


def _text_forms(values) -> list[str]:
    return sorted({f"text:{plain.normalise_text(v)}" for v in values})


def canonical_forms(question: dict, value: Any = ...) -> list:
    """The canonical forms of the right answers (or of ``value``, e.g. a mistake, judged the same way).

    For ``number`` a list of grid cells, for ``numbers`` a list (one per item) of lists of cells,
    otherwise a list of canonical strings (several where more than one text answer is accepted).
    """
    kind = question["kind"]
    mistake = value is not ...
    expected = value if mistake else question["expected"]
    if kind == "number":
        return [f"cell:{c}" for c in number_cells(float(expected), tolerance(question))]
    if kind == "numbers":
        return [[f"cell:{c}" for c in number_cells(float(e), tolerance(question))] for e in expected]
    if kind == "integer":
        return [f"int:{int(expected)}"]
    if kind == "bool":
        return [f"bool:{bool(expected)}"]
    if kind in ("text", "choice"):
        accepted = list(expected) if isinstance(expected, (list, tuple)) else [expected]
        return _text_forms(accepted + ([] if mistake else list(question.get("aliases", []))))
    if kind == "set":
        return ["set:" + "\x1f".join(sorted({plain.normalise_text(a) for a in expected}))]
    if kind == "sequence":
        return ["seq:" + "\x1f".join(plain.normalise_text(a) for a in expected)]
    raise ValueError(f"unknown kind {kind!r}; use one of {KINDS}")


def canonical_answer(question: dict, value: Any) -> Any:
    """The student's answer in the same canonical form (raises AnswerTypeError / MissingAnswer)."""
    kind = question["kind"]
    if kind == "number":
        return f"cell:{number_cell(plain.to_number(value), tolerance(question))}"
    if kind == "numbers":
        return [f"cell:{number_cell(v, tolerance(question))}" for v in plain.to_items(value, plain.to_number)]
    if kind == "integer":
        return f"int:{plain.to_integer(value)}"
    if kind == "bool":
        return f"bool:{plain.to_bool(value)}"
    if kind in ("text", "choice"):
        return f"text:{plain.to_text(value)}"
    if kind == "set":
        return "set:" + "\x1f".join(sorted(set(plain.to_items(value, plain.to_text))))
    if kind == "sequence":
        return "seq:" + "\x1f".join(plain.to_items(value, plain.to_text))
    raise ValueError(f"unknown kind {kind!r}")


def _hash_forms(forms: list, salt: str) -> list:
    return [[digest(salt, c) for c in cells] if isinstance(cells, list) else digest(salt, cells) for cells in forms]


def _matches(kind: str, answer: Any, digests: list, salt: str) -> bool:
    if kind == "numbers":
        return len(answer) == len(digests) and all(digest(salt, a) in d for a, d in zip(answer, digests))
    return digest(salt, answer) in digests


def public_question(question: dict, salt: str) -> dict:
    """The student-version form of a question: expected values and mistakes replaced by salted digests."""
    if "digests" in question:
        return dict(question)
    out = {k: v for k, v in question.items() if k not in ("expected", "aliases", "hidden", "part_of", "mistakes")}
    out["digests"] = _hash_forms(canonical_forms(question), salt)
    if question.get("mistakes"):
        out["mistakes"] = [{"digests": _hash_forms(canonical_forms(question, m["answer"]), salt), "hint": m["hint"]}
                           for m in question["mistakes"]]
    out["salt"] = salt
    out["rule"] = RULE
    return out


def _judged_form(question: dict) -> dict:
    return public_question(question, _GRADER_SALT) if "expected" in question else question


def _folded_options(question: dict) -> set[str]:
    return {plain.normalise_text(o) for o in question.get("options") or ()}


def judge(question_id: str, question: dict, value: Any) -> Result:
    """Judge ``value`` against ``question`` (full or public form). Never raises; never passes a wrong or odd answer."""
    points = float(question.get("points", 1))
    hint = question.get("hint", "")
    try:
        public = _judged_form(question)
        kind, salt, digests = public["kind"], public["salt"], public["digests"]
        answer = canonical_answer(public, value)
        if kind == "numbers" and len(answer) != len(digests):
            return Result(question_id, "incorrect",
                          f"not yet: expected {len(digests)} numbers, got {len(answer)}.", 0.0, points)
        if _matches(kind, answer, digests, salt):
            return Result(question_id, "correct", "correct, well done!", points, points)
        for mistake in public.get("mistakes", ()):
            if _matches(kind, answer, mistake["digests"], salt):
                return Result(question_id, "incorrect", f"not yet. {mistake['hint']}", 0.0, points)
        if kind == "number":
            number = plain.to_number(value)
            if public.get("percent"):
                if 0.0 <= number <= 1.0 and _matches(kind, canonical_answer(public, 100.0 * number), digests, salt):
                    return Result(question_id, "incorrect",
                                  f"not yet: this question asks for a percentage, and {number:g} looks like the "
                                  f"same share as a fraction. Give it per cent ({100 * number:g}, not {number:g}).",
                                  0.0, points)
            elif 1.0 < number <= 100.0 and _matches(kind, canonical_answer(public, number / 100.0), digests, salt):
                return Result(question_id, "incorrect",
                              f"not yet: {number:g} looks like a percentage, but this question asks for a share "
                              f"between 0 and 1. Give it as a fraction ({number / 100:g}, not {number:g}).",
                              0.0, points)
        if kind == "choice" and answer[len("text:"):] not in _folded_options(public):
            options = ", ".join(map(repr, public.get("options") or ()))
            return Result(question_id, "invalid", f"{plain.describe(value)} is not one of the options: {options}.",
                          0.0, points)
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


# --- validating an answer key (instructor errors, reported when the notebook is loaded) ---------

def _real(value: Any) -> bool:
    return isinstance(value, _numbers.Real) and not isinstance(value, bool) and math.isfinite(float(value))


def _strings(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)


def _check_value(kind: str, question: dict, value: Any, what: str) -> str | None:
    """Why ``value`` cannot be a ``what`` of this question, or None."""
    if kind == "number" and not _real(value):
        return f"{what} must be a finite number, not {value!r}"
    if kind == "numbers" and not (isinstance(value, (list, tuple)) and value and all(_real(v) for v in value)):
        return f"{what} must be a non-empty list of finite numbers, not {value!r}"
    if kind == "integer" and not (_real(value) and float(value).is_integer()):
        return f"{what} must be a whole number, not {value!r}"
    if kind == "bool" and not isinstance(value, bool):
        return f"{what} must be True or False, not {value!r}"
    if kind == "text" and not (isinstance(value, str) or (_strings(value) and value)):
        return f"{what} must be a string (or a list of accepted strings), not {value!r}"
    if kind == "choice":
        if not isinstance(value, str):
            return f"{what} must be one of the options as a string, not {value!r}"
        if plain.normalise_text(value) not in _folded_options(question):
            return f"{what} {value!r} is not among the options {question.get('options')!r}"
    if kind in ("set", "sequence") and not (_strings(value) and value):
        hint = " (write it as a list of strings, e.g. ['a', 'b'], not one string)" if isinstance(value, str) else ""
        return f"{what} must be a non-empty list of strings{hint}, not {value!r}"
    return None


def validate_question(question_id: str, question: dict) -> None:
    """Raise ValueError naming the question if an answer-key entry is malformed (an instructor's error)."""
    name = f"answer key, question {question_id!r}"
    if not isinstance(question_id, str) or not question_id:
        raise ValueError(f"{name}: question ids must be non-empty strings")
    if not isinstance(question, dict):
        raise ValueError(f"{name}: must be a dict, not {type(question).__name__}")
    unknown = sorted(set(question) - set(FIELDS), key=str)
    if unknown:
        raise ValueError(f"{name}: unknown field(s) {unknown}; the fields are {list(FIELDS)}")
    kind = question.get("kind")
    if kind not in KINDS:
        raise ValueError(f"{name}: kind must be one of {KINDS}, not {kind!r}")
    if not isinstance(question.get("answer"), str) or not question["answer"].isidentifier():
        raise ValueError(f"{name}: 'answer' must name the variable that holds the answer")
    if "expected" not in question and not ("digests" in question and "salt" in question):
        raise ValueError(f"{name}: needs 'expected' (or 'digests' and 'salt')")
    if "expected" not in question and question.get("rule") != RULE:
        raise ValueError(f"{name}: this student version was made by an older version of the course, whose "
                         "check would misjudge answers; make a new one with alliances-assign")
    if "points" in question and not (_real(question["points"]) and question["points"] >= 0):
        raise ValueError(f"{name}: 'points' must be a non-negative number, not {question['points']!r}")
    for field in ("hint",):
        if field in question and not isinstance(question[field], str):
            raise ValueError(f"{name}: {field!r} must be a string")
    for field in ("hidden", "percent"):
        if field in question and not isinstance(question[field], bool):
            raise ValueError(f"{name}: {field!r} must be True or False, not {question[field]!r}")
    for field in ("hidden_parts", "hidden_total"):
        if field in question and not (isinstance(question[field], int) and not isinstance(question[field], bool)
                                      and question[field] >= 0):
            raise ValueError(f"{name}: {field!r} must be a count")
    if "part_of" in question and not isinstance(question["part_of"], str):
        raise ValueError(f"{name}: 'part_of' must name the question this hidden part belongs to")
    if kind in NUMERIC:
        if ("tol" in question) == ("decimals" in question):
            raise ValueError(f"{name}: a numeric question needs exactly one of 'tol' and 'decimals' "
                             "(its stated precision)")
        if "tol" in question and not (_real(question["tol"]) and question["tol"] > 0):
            raise ValueError(f"{name}: 'tol' must be a positive number, not {question['tol']!r}")
        decimals = question.get("decimals", 0)
        if not (isinstance(decimals, int) and not isinstance(decimals, bool) and 0 <= decimals <= 12):
            raise ValueError(f"{name}: 'decimals' must be a whole number from 0 to 12, not {decimals!r}")
    else:
        for field in ("tol", "decimals", "percent"):
            if field in question:
                raise ValueError(f"{name}: {field!r} applies to numeric questions only, not to kind {kind!r}")
    if question.get("percent") and kind != "number":
        raise ValueError(f"{name}: 'percent' applies to kind 'number' only")
    if kind == "choice":
        options = question.get("options")
        if not (_strings(options) and len(options) >= 2):
            raise ValueError(f"{name}: a choice question needs 'options', a list of at least two strings")
        if len({plain.normalise_text(o) for o in options}) != len(options):
            raise ValueError(f"{name}: two options read the same once case, accents and spelling are folded")
    elif "options" in question:
        raise ValueError(f"{name}: 'options' applies to choice questions only")
    if "aliases" in question:
        if kind not in ("text", "choice") or not _strings(question["aliases"]):
            raise ValueError(f"{name}: 'aliases' is a list of strings for text and choice questions")
    mistakes = question.get("mistakes", [])
    if not isinstance(mistakes, list) or not all(
            isinstance(m, dict) and set(m) <= {"answer", "hint", "digests"} and isinstance(m.get("hint"), str)
            and m["hint"].strip() and ("answer" in m or "digests" in m) for m in mistakes):
        raise ValueError(f"{name}: 'mistakes' is a list of {{'answer': ..., 'hint': '...'}} with a non-empty hint")
    if "expected" not in question:
        return
    problem = _check_value(kind, question, question["expected"], "'expected'")
    if problem:
        raise ValueError(f"{name}: {problem}")
    right = canonical_forms(question)
    for number, mistake in enumerate(mistakes, start=1):
        if "answer" not in mistake:
            raise ValueError(f"{name}: mistake {number} needs an 'answer'")
        problem = _check_value("text" if kind == "choice" else kind, question, mistake["answer"], f"mistake {number}")
        if problem:
            raise ValueError(f"{name}: {problem}")
        if _overlap(kind, canonical_forms(question, mistake["answer"]), right):
            raise ValueError(f"{name}: mistake {number} ({mistake['answer']!r}) would also be judged right")


def _overlap(kind: str, forms: list, right: list) -> bool:
    """Whether some answer would match both sets of canonical forms."""
    if kind == "numbers":
        return len(forms) == len(right) and all(set(a) & set(b) for a, b in zip(forms, right))
    return bool(set(forms) & set(right))

"""Probe every exercise's answer key with answers a good student could plausibly type.

The exercise notebooks are discovered (chapters are added over time) and their keys read from the
source. For each question, right answers in other formats (rounded to the stated precision, at
the edge of the tolerance, numpy scalars, other case, accents, hyphenation and spelling, sets in
another order) must be accepted, by the instructor's key and by the student version's hashed key;
wrong and odd answers (another value, NaN, infinity, None, the wrong type, an object with a rigged
``__eq__``) must get feedback, never "correct" and never an exception.
"""

from __future__ import annotations

import math
import re
import unicodedata
from pathlib import Path

import nbformat
import numpy as np
import pytest

from alliances.checking import Checker, answer_key_from_source, public_key

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = sorted((ROOT / "exercises").glob("*.ipynb"))
PRECISION_WORDS = re.compile(
    r"decimal place|decimals|\bnearest\b|within\s*(?:±|\$?\\pm)?\s*\$?[\d.]|whole number|per ?cent|"
    r"significant (?:figure|digit)|\bround(?:ed)? to\b|±|\\pm",
    re.IGNORECASE)


def key_of(path: Path) -> dict:
    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if "answer-key" in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"{path.name}: exactly one cell tagged answer-key"
    return answer_key_from_source(cells[0].source)


def questions():
    for path in EXERCISES:
        for question_id, spec in key_of(path).items():
            yield pytest.param(path, question_id, spec, id=f"{path.stem}-{question_id}")


def tolerance(spec) -> float:
    return spec["tol"] if "tol" in spec else 0.5 * 10.0 ** -spec["decimals"]


def stated_decimals(tol: float) -> int:
    """The fewest decimal places whose rounding error (half a unit) is within the tolerance."""
    d = 0
    while 0.5 * 10.0 ** -d > tol * (1 + 1e-9):
        d += 1
    return d


# --- plausible right answers -------------------------------------------------------------------

def strip_accents(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


US_SPELLING = [("defence", "defense"), ("offence", "offense"), ("centre", "center"), ("programme", "program"),
               ("-", " "), (" ", "-")]
# Word-aware US forms of real UK spellings: -ise/-isation after a stem of at least two letters
# ("organise", not "rises"), and the -our words that have an -or spelling.
US_PATTERNS = [(re.compile(r"\b(\w{2,}?)is(e|es|ed|ing|ation|ations)\b"), r"\1iz\2"),
               (re.compile(r"\b(behavi|col|fav|hon|lab|neighb|arm|harb|rum|vig)our"), r"\1or")]


def text_variants(text: str) -> list[str]:
    out = {text, text.upper(), text.lower(), text.title(), f"  {text} ", strip_accents(text),
           strip_accents(text).upper(), text.replace(" ", "  ")}
    for uk, us in US_SPELLING:
        out.add(text.replace(uk, us))
    for pattern, us in US_PATTERNS:
        out.add(pattern.sub(us, text))
    if text.lower().startswith("the "):
        out.add(text[4:])
    return sorted(out)


def number_variants(expected: float, tol: float) -> list:
    d = stated_decimals(tol)
    out = [expected, round(expected, d), expected + 0.99 * tol, expected - 0.99 * tol,
           round(expected + 0.99 * tol, d + 2), np.float64(expected), np.array(expected)]
    if abs(float(np.float32(expected)) - expected) <= 0.99 * tol:
        out.append(np.float32(expected))
    if float(expected).is_integer():
        out += [int(expected), np.int64(int(expected))]
    return out


def right_answers(spec) -> list:
    kind, expected = spec["kind"], spec["expected"]
    if kind == "number":
        return number_variants(float(expected), tolerance(spec))
    if kind == "numbers":
        tol = tolerance(spec)
        return [list(expected), tuple(expected), np.array(expected, dtype=float),
                [e + 0.99 * tol for e in expected], [round(e, stated_decimals(tol)) for e in expected]]
    if kind == "integer":
        return [int(expected), float(expected), np.int64(expected), np.float64(expected), np.int32(expected)]
    if kind == "bool":
        return [bool(expected), np.bool_(expected)]
    if kind in ("text", "choice"):
        names = [expected] if isinstance(expected, str) else list(expected)
        names += spec.get("aliases", [])
        return [v for name in names for v in text_variants(name)] + [np.str_(names[0])]
    if kind == "set":
        items = list(expected)
        return [items, items[::-1], tuple(items), set(items), frozenset(items), np.array(items[::-1]),
                [i.upper() for i in items], [strip_accents(i).replace("-", " ") for i in items]]
    if kind == "sequence":
        items = list(expected)
        return [items, tuple(items), np.array(items), [i.upper() for i in items], [f" {i} " for i in items]]
    raise AssertionError(f"unknown kind {kind}")


# --- wrong and odd answers ---------------------------------------------------------------------

class AlwaysEqual:
    def __eq__(self, other):
        return True

    def __hash__(self):
        return 0


class RiggedStr(str):
    def __eq__(self, other):
        return True

    __hash__ = str.__hash__


ODD = [math.nan, math.inf, -math.inf, None, ..., AlwaysEqual(), object(), {"answer": 1}, b"bytes"]


def wrong_answers(spec) -> list:
    kind, expected = spec["kind"], spec["expected"]
    if kind == "number":
        tol, e = tolerance(spec), float(expected)
        return [e + 3 * tol, e - 3 * tol, e + 1.02 * tol, e - 1.02 * tol, str(e), [e], True, RiggedStr("x")]
    if kind == "numbers":
        tol = tolerance(spec)
        return [[e + 3 * tol for e in expected], list(expected)[:-1], list(expected) + [0.0], str(expected)]
    if kind == "integer":
        return [int(expected) + 1, int(expected) - 1, expected + 0.5, str(expected), True]
    if kind == "bool":
        return [not expected, int(expected), str(expected)]
    if kind in ("text", "choice"):
        others = [o for o in spec.get("options", []) if o not in ([expected] + spec.get("aliases", []))]
        return others + ["zzz not it", 42, [expected], RiggedStr("zzz")]
    if kind == "set":
        items = list(expected)
        return [items + ["zzz"], items[:-1] if len(items) > 1 else ["zzz"], " ".join(items), [items], 3]
    if kind == "sequence":
        items = list(expected)
        out = [items + ["zzz"], " ".join(items), 3]
        if len(items) > 1 and items[::-1] != items:
            out.append(items[::-1])
        return out
    raise AssertionError(f"unknown kind {kind}")


def student_key(path: Path) -> dict:
    """The key of the student version that ``alliances-assign`` writes, read back from its cell."""
    from alliances.grading.notebooks import student_version

    nb = student_version(nbformat.read(path, as_version=4), path.stem, salt="probe-salt")
    return key_of_cells(nb)


def key_of_cells(nb) -> dict:
    cells = [c for c in nb.cells if "answer-key" in c.metadata.get("tags", [])]
    return answer_key_from_source(cells[0].source)


def checkers(path, question_id, spec):
    key = key_of(path)
    out = {"full": Checker(key)}
    if not spec.get("hidden"):
        out["public"] = Checker(public_key(key, "probe-salt"))
        out["student version"] = Checker(student_key(path))
    return out


def judge(check, question_id, spec, value):
    """``check(...)`` for visible questions; the grader's call for hidden ones (check does not offer them)."""
    if spec.get("hidden"):
        from alliances.checking import judge as grader_judge

        return grader_judge(question_id, spec, value)
    return check(question_id, value)


def test_there_are_exercise_notebooks():
    assert EXERCISES


@pytest.mark.parametrize("path,question_id,spec", questions())
def test_plausible_right_answers_are_accepted(path, question_id, spec):
    for form, check in checkers(path, question_id, spec).items():
        for value in right_answers(spec):
            result = judge(check, question_id, spec, value)
            assert result.status == "correct", f"{form} key rejects {value!r}: {result.message}"


@pytest.mark.parametrize("path,question_id,spec", questions())
def test_wrong_and_odd_answers_get_feedback(path, question_id, spec):
    for form, check in checkers(path, question_id, spec).items():
        for value in wrong_answers(spec) + ODD:
            result = judge(check, question_id, spec, value)
            assert result.status != "correct", f"{form} key accepts {value!r}"
            assert result.message and result.points == 0.0


def statement_of(path: Path, question_id: str) -> str | None:
    """The markdown cell that states the question: a heading or bold label naming its id (Q1)."""
    label = re.escape(question_id.split("-")[0].upper())
    pattern = re.compile(rf"^\s*#+\s*{label}\b|\*\*{label}\b", re.MULTILINE)
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown" and pattern.search(cell.source):
            return cell.source
    return None


def numeric_visible():
    for path in EXERCISES:
        for question_id, spec in key_of(path).items():
            if spec["kind"] in ("number", "numbers", "integer") and not spec.get("hidden"):
                yield pytest.param(path, question_id, spec, id=f"{path.stem}-{question_id}")


@pytest.mark.xfail(strict=False, reason="chapters 1-5 exercise statements are being rewritten to state their "
                                        "precision in words (issue 9 item 13); several do not yet")
@pytest.mark.parametrize("path,question_id,spec", numeric_visible())
def test_numeric_statements_say_their_precision(path, question_id, spec):
    statement = statement_of(path, question_id)
    assert statement, f"no markdown cell names {question_id.upper()}"
    assert PRECISION_WORDS.search(statement), f"{question_id.upper()} does not say how precise the answer must be"

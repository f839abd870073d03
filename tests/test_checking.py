"""The check API: friendly feedback for any input, never an exception, never a false pass."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliances.checking import Checker, answer_key_from_source, public_question

KEY = {
    "num": {"answer": "x", "kind": "number", "expected": 0.62, "tol": 0.005, "hint": "Use the closed form."},
    "int": {"answer": "n", "kind": "integer", "expected": 12},
    "txt": {"answer": "t", "kind": "text", "expected": ["Warsaw Pact", "Warsaw Treaty Organization"]},
    "pick": {"answer": "c", "kind": "choice", "options": ["balance of power", "balance of threat"], "expected": "balance of threat"},
    "set": {"answer": "s", "kind": "set", "expected": ["USA", "FRA", "GBR"]},
    "seq": {"answer": "q", "kind": "sequence", "expected": ["a", "b"]},
    "nums": {"answer": "v", "kind": "numbers", "expected": [0.5, 0.25], "tol": 0.01},
    "yes": {"answer": "b", "kind": "bool", "expected": True},
    "secret": {"answer": "h", "kind": "number", "expected": 1.0, "tol": 0.1, "hidden": True},
}
RIGHT = {"num": 0.62, "int": 12, "txt": " warsaw  pact", "pick": "Balance of Threat", "set": {"GBR", "USA", "FRA"},
         "seq": ["a", "b"], "nums": [0.5, 0.25], "yes": True}
CHECKERS = {"plain": Checker(KEY), "public": Checker({q: public_question(s, "salt") for q, s in KEY.items() if not s.get("hidden")})}


class AlwaysEqual:
    def __eq__(self, other):
        return True

    __hash__ = object.__hash__


class SneakyFloat(float):
    def __eq__(self, other):
        return True

    def __sub__(self, other):
        return 0.0

    def __abs__(self):
        return 0.0


class FakeClass:
    @property
    def __class__(self):
        return float


@pytest.mark.parametrize("form", CHECKERS)
@pytest.mark.parametrize("question", RIGHT)
def test_right_answers_pass(form, question):
    assert CHECKERS[form](question, RIGHT[question]).status == "correct"


@pytest.mark.parametrize("form", CHECKERS)
def test_numeric_edge_of_tolerance(form):
    check = CHECKERS[form]
    assert check("num", np.array(0.62)).passed, "a 0-d array holds one plain number"
    assert check("num", 0.62 + 0.0049).passed and check("num", 0.62 - 0.0049).passed
    assert not check("num", 0.62 + 0.0075).passed and not check("num", 0.62 - 0.0075).passed
    assert check("num", np.float64(0.621)).passed and check("int", np.int64(12)).passed and check("int", 12.0).passed


@pytest.mark.parametrize("form", CHECKERS)
@pytest.mark.parametrize("value,status", [
    (..., "missing"), (None, "missing"), (float("nan"), "invalid"), (math.inf, "invalid"), ("0.62", "invalid"),
    (True, "invalid"), ([0.62], "invalid"), (AlwaysEqual(), "invalid"), (SneakyFloat(0.1), "incorrect"),
    (FakeClass(), "invalid"), (0.7, "incorrect"), (pd.Series([0.62]), "invalid"), (np.array([0.62, 0.1]), "invalid"),
])
def test_odd_answers_get_feedback_not_a_pass(form, value, status):
    result = CHECKERS[form]("num", value)
    assert result.status == status, result
    assert not result.passed and result.message


@pytest.mark.parametrize("form", CHECKERS)
def test_wrong_answers_in_other_kinds(form):
    check = CHECKERS[form]
    assert check("set", ["USA", "FRA"]).status == "incorrect"
    assert check("set", ["USA", "FRA", "GBR", AlwaysEqual()]).status == "invalid"
    assert check("seq", ["b", "a"]).status == "incorrect"
    assert check("pick", "neither").status == "invalid"
    assert check("nums", [0.5]).status == "incorrect"
    assert check("nums", [0.5, float("nan")]).status == "invalid"
    assert check("yes", 1).status == "invalid"
    assert check("txt", AlwaysEqual()).status == "invalid"


def test_hints_and_unknown_questions():
    check = CHECKERS["plain"]
    assert "Use the closed form" in check("num", 0.9).message
    unknown = check("nope", 1)
    assert unknown.status == "invalid" and "'num'" in unknown.message
    assert check("secret", 1.0).status == "invalid", "hidden questions are not offered to students"
    assert check(AlwaysEqual(), 1).status == "invalid"


def test_public_key_holds_no_plain_answers():
    public = {q: public_question(s, "salt") for q, s in KEY.items() if not s.get("hidden")}
    text = repr(public)
    for needle in ("0.62", "Warsaw", "GBR", "'expected'", "hidden", "'secret'"):
        assert needle not in text


def test_answer_key_parsed_without_running():
    source = "from alliances.checking import Checker\ncheck = Checker({'q1': {'answer': 'x', 'kind': 'integer', 'expected': 3}})"
    assert answer_key_from_source(source)["q1"]["expected"] == 3
    with pytest.raises(ValueError):
        answer_key_from_source("check = Checker(make_key())")
    with pytest.raises(ValueError):
        answer_key_from_source("import os")


anything = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.text()
    | st.binary() | st.just(...) | st.builds(AlwaysEqual) | st.builds(SneakyFloat, st.floats()),
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    | st.frozensets(st.integers(), max_size=3),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(question=st.sampled_from(sorted(RIGHT)), value=anything, form=st.sampled_from(sorted(CHECKERS)))
def test_fuzz_never_raises_and_never_passes_a_wrong_value(question, value, form):
    result = CHECKERS[form](question, value)
    assert result.status in {"correct", "incorrect", "missing", "invalid"} and result.message
    if result.passed:
        # a pass is only possible for a plain value the plain key also accepts
        assert CHECKERS["plain"](question, value).passed
        assert type(value) is not AlwaysEqual and not isinstance(value, SneakyFloat) or float.__float__(value) == pytest.approx(RIGHT[question], abs=0.01)


@settings(max_examples=200, deadline=None)
@given(x=st.floats(-10, 10))
def test_fuzz_plain_and_public_agree_on_numbers(x):
    assert CHECKERS["plain"]("num", x).status == CHECKERS["public"]("num", x).status

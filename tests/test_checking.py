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
    assert check("NUM", 0.62).passed and check(" Num ", 0.62).passed, "the id as printed in the statement (Q1) works"
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


# --- key fields: decimals, tol, aliases, mistakes, percent ---------------------------------------

def both(key):
    """The instructor's checker and a student version's checker for the same key."""
    from alliances.checking import public_key

    return {"full": Checker(key), "public": Checker(public_key(key, "pepper"))}


FIELDS_KEY = {
    "two": {"answer": "x", "kind": "number", "expected": 0.62, "decimals": 2,
            "mistakes": [{"answer": 0.38, "hint": "That is B's share, not A's."}]},
    "ten": {"answer": "y", "kind": "number", "expected": 10, "tol": 0.5},
    "pct": {"answer": "p", "kind": "number", "expected": 52.5, "decimals": 1, "percent": True},
    "who": {"answer": "w", "kind": "choice", "options": ["the challenger", "the protégé", "the ally", "no one"],
            "expected": "the protégé", "aliases": ["the client"],
            "mistakes": [{"answer": "the ally", "hint": "The ally is the insurer, not the insured."}]},
    "reg": {"answer": "r", "kind": "text", "expected": "Asia-Pacific"},
    "obl": {"answer": "o", "kind": "set", "expected": ["defence", "non-aggression"]},
    "n": {"answer": "n", "kind": "integer", "expected": 7, "mistakes": [{"answer": 9, "hint": "You counted requests, not states."}]},
}


@pytest.mark.parametrize("form", ["full", "public"])
def test_decimals_accept_every_answer_within_half_a_unit_on_both_sides(form):
    check = both(FIELDS_KEY)[form]
    # two decimals: tol = 0.005, so 0.615 .. 0.625 inclusive are right, a two-decimal answer included
    for right in (0.62, 0.615, 0.625, 0.6249, 0.6151, np.float32(0.62), np.float64(0.6237)):
        assert check("two", right).passed, right
    # beyond 0.005 + 1% of it (0.00505) nothing passes, on either side
    for wrong in (0.6262, 0.6149, 0.63, 0.61, 0.62506, 0.61494):
        assert not check("two", wrong).passed, wrong


@pytest.mark.parametrize("form", ["full", "public"])
def test_tol_is_symmetric_and_inclusive(form):
    check = both(FIELDS_KEY)[form]
    for right in (10, 9.5, 10.5, 10.499999, 9.5000001, np.int64(10)):
        assert check("ten", right).passed, right
    for wrong in (10.51, 9.49, 11, 9):
        assert not check("ten", wrong).passed, wrong


@settings(max_examples=400, deadline=None)
@given(offset=st.floats(-2, 2), expected=st.floats(-1e4, 1e4), tol_exp=st.integers(-6, 2))
def test_grid_rule_against_brute_force(offset, expected, tol_exp):
    """Within tol: right; beyond tol * 1.01: wrong; the two forms of the key always agree."""
    tol = 10.0 ** tol_exp
    key = {"q": {"answer": "x", "kind": "number", "expected": expected, "tol": tol}}
    checks = both(key)
    value = expected + offset * tol
    full, public = checks["full"]("q", value).passed, checks["public"]("q", value).passed
    assert full == public
    distance = abs(value - expected)
    if distance <= tol * (1 - 1e-9):
        assert full
    if distance > tol * 1.01 * (1 + 1e-9):
        assert not full


@pytest.mark.parametrize("form", ["full", "public"])
def test_mistakes_get_their_own_hint(form):
    check = both(FIELDS_KEY)[form]
    result = check("two", 0.381)
    assert result.status == "incorrect" and "B's share" in result.message
    assert "B's share" not in check("two", 0.5).message
    assert "insurer" in check("who", "The Ally").message
    assert "requests" in check("n", 9).message and "requests" not in check("n", 8).message


@pytest.mark.parametrize("form", ["full", "public"])
def test_percent_question_hints_at_a_fraction(form):
    check = both(FIELDS_KEY)[form]
    assert check("pct", 52.5).passed and check("pct", 52.46).passed
    fraction = check("pct", 0.525)
    assert fraction.status == "incorrect" and "per cent" in fraction.message
    assert "per cent" not in check("pct", 0.3).message
    share = check("two", 62)  # 0.62 asked as a share between 0 and 1
    assert share.status == "incorrect" and "as a fraction (0.62" in share.message
    assert "fraction" not in check("two", 63).message and "fraction" not in check("ten", 1000).message


@pytest.mark.parametrize("form", ["full", "public"])
def test_text_folding_and_aliases(form):
    check = both(FIELDS_KEY)[form]
    for right in ("the protege", "The Protégé", "protégé", "THE  PROTEGE", "the client", "The Client"):
        assert check("who", right).passed, right
    for right in ("Asia Pacific", "asia-pacific", "Asia–Pacific", "asia_pacific", " ASIA PACIFIC "):
        assert check("reg", right).passed, right
    assert check("obl", ["Non_Aggression", "defense"]).passed
    assert check("obl", ("defence", "non aggression")).passed
    assert check("who", "the enemy").status == "invalid", "not one of the options"
    assert not check("reg", "Asia").passed and not check("obl", ["defence"]).passed


def test_public_key_hides_expected_values_and_mistakes():
    from alliances.checking import public_key

    text = repr(public_key(FIELDS_KEY, "pepper"))
    for needle in ("0.62", "0.38", "52.5", "client", "Asia", "non-aggression", "'expected'", "'answer': 9"):
        assert needle not in text, needle
    assert "B's share" in text, "the hint itself is shown to the student"


@pytest.mark.parametrize("spec,words", [
    ({"kind": "integer", "expected": 1.5}, "whole number"),
    ({"kind": "choice", "options": ["a", "b"], "expected": "c"}, "not among the options"),
    ({"kind": "set", "expected": "defence"}, "list of strings"),
    ({"kind": "integer", "expected": 3, "points": "two"}, "points"),
    ({"kind": "number", "expected": float("nan"), "tol": 0.1}, "finite number"),
    ({"kind": "number", "expected": 1.0, "tol": 0.1, "tolerance": 0.1}, "unknown field"),
    ({"kind": "number", "expected": 1.0}, "exactly one of 'tol' and 'decimals'"),
    ({"kind": "number", "expected": 1.0, "tol": 0.1, "decimals": 1}, "exactly one of 'tol' and 'decimals'"),
    ({"kind": "number", "expected": 1.0, "decimals": 1.5}, "decimals"),
    ({"kind": "number", "expected": 1.0, "tol": -0.1}, "positive"),
    ({"kind": "integer", "expected": True}, "whole number"),
    ({"kind": "bool", "expected": 1}, "True or False"),
    ({"kind": "text", "expected": "x", "percent": True}, "numeric questions only"),
    ({"kind": "number", "expected": 1.0, "tol": 0.1, "mistakes": [{"answer": 1.05, "hint": "h"}]}, "also be judged right"),
    ({"kind": "integer", "expected": 3, "mistakes": [{"answer": 4}]}, "non-empty hint"),
    ({"kind": "numbers", "expected": [0.5, 0.25], "decimals": 2, "mistakes": [{"answer": [0.5, 0.251], "hint": "h"}]},
     "also be judged right"),
    ({"kind": "text", "expected": "x", "aliases": "y"}, "aliases"),
    ({"kind": "choice", "options": ["a"], "expected": "a"}, "at least two"),
    ({"kind": "choice", "options": ["Asia-Pacific", "asia pacific"], "expected": "Asia-Pacific"}, "read the same"),
    ({"kind": "integer", "expected": 3, "points": float("nan")}, "points"),
])
def test_bad_keys_fail_on_load_naming_the_question(spec, words):
    """Loading the notebook runs Checker(key); the grader reads the same key from the cell's source."""
    with pytest.raises(ValueError) as info:
        Checker({"q1": {"answer": "a", "kind": "integer", "expected": 1}, "q7": {"answer": "x", **spec}})
    assert "'q7'" in str(info.value) and words in str(info.value), str(info.value)
    if all(not isinstance(v, float) or math.isfinite(v) for v in spec.values()):
        with pytest.raises(ValueError, match="'q7'"):
            answer_key_from_source("check = Checker({'q7': %r})" % {"answer": "x", **spec})


def test_hidden_parts_are_announced_but_not_revealed():
    from alliances.checking import public_key

    key = {"q1": {"answer": "a", "kind": "integer", "expected": 3},
           "q1-count": {"answer": "b", "kind": "integer", "expected": 17, "hidden": True},
           "q2": {"answer": "c", "kind": "integer", "expected": 5},
           "extra": {"answer": "d", "kind": "integer", "expected": 8, "hidden": True}}
    for check in (Checker(key), Checker(public_key(key, "s"))):
        first, second = check("q1", 3), check("q2", 5)
        assert first.passed and "1 more part of this question" in first.message
        assert "of this question" not in second.message
        assert "1 more part that only the grader checks" in second.message, "the unattached hidden part"
        assert "17" not in first.message and "count" not in first.message
        assert check("q1-count", 17).status == "invalid"
    public = public_key(key, "s")
    assert set(public) == {"q1", "q2"} and public["q1"]["hidden_parts"] == 1 and public["q2"]["hidden_total"] == 2
    plain_key = {"q1": key["q1"]}
    assert Checker(plain_key)("q1", 3).message == "correct, well done!"


@pytest.mark.parametrize("form", ["full", "public"])
def test_exact_and_computed_numbers_are_read_fairly(form):
    from decimal import Decimal
    from fractions import Fraction

    check = both({"share": {"answer": "x", "kind": "number", "expected": 1 / 13, "decimals": 4},
                  "count": {"answer": "n", "kind": "integer", "expected": 12}})[form]
    assert check("share", Fraction(1, 13)).passed and check("share", Decimal("0.0769")).passed
    assert not check("share", Fraction(1, 12)).passed
    assert check("count", sum([0.1] * 120)).passed, "11.999999999999998 from a float sum is 12"
    assert check("count", 12.5).status == "invalid" and check("count", 12.001).status == "invalid"
    one = check("share", pd.Series([0.0769]))
    assert one.status == "invalid" and "take the value out" in one.message


def test_the_grader_sees_the_same_value_as_the_check():
    """Answers travel from the sandbox as plain data; the verdict must not change on the way."""
    from decimal import Decimal
    from fractions import Fraction

    from alliances.checking import judge
    from alliances.checking.plain import from_jsonable, to_jsonable

    spec = {"answer": "x", "kind": "number", "expected": 1 / 13, "decimals": 4}
    for value in (Fraction(1, 13), Decimal("0.0769"), np.float32(0.0769), 0.0769, np.array(0.0769), 0.5, [0.0769]):
        direct = judge("q", spec, value).status
        assert judge("q", spec, from_jsonable(to_jsonable(value))).status == direct, value


def test_a_student_version_from_an_older_rule_fails_loudly_not_wrongly():
    old = {"answer": "x", "kind": "number", "tol": 0.005, "digests": ["0" * 32], "salt": "s"}
    with pytest.raises(ValueError, match="older version of the course"):
        Checker({"q1": old})
    assert Checker({"q1": public_question(KEY["num"], "s")})("q1", 0.62).passed

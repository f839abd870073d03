"""Chapter 5 model (extended deterrence) against values worked out by hand or by a grid search here."""

import math
from fractions import Fraction

import pytest

from alliances.models.deterrence import (
    NEVER_DETERRED,
    analyse,
    attacks,
    expected_gain,
    reliability_threshold,
    win_probability,
)

# A worked example, by hand: c = 1, d = 1, a = 2, V = 100, k = 20, e = 10.
# p0 = 1/2, p1 = 1/4; E0 = 50 - 20 = 30; E1 = 25 - 20 - 10 = -5; r* = 30 / 35 = 6/7.
EXAMPLE = dict(challenger=1.0, protege=1.0, ally=2.0, stakes=100.0, cost=20.0, extra_cost=10.0)


def test_win_probability_by_hand():
    assert win_probability(3, 1) == pytest.approx(0.75)
    assert win_probability(3, 1, 2) == pytest.approx(0.5)
    assert win_probability(1, 0) == 1.0  # a protégé with no strength of its own cannot resist alone


def test_expected_gain_worked_example():
    assert expected_gain(0.0, **EXAMPLE) == pytest.approx(30.0)
    assert expected_gain(1.0, **EXAMPLE) == pytest.approx(-5.0)
    assert expected_gain(0.5, **EXAMPLE) == pytest.approx(0.5 * 30 + 0.5 * -5)  # 12.5
    # At the Leeds, Long and Mitchell (2000) figure of 74.5%: 0.255 * 30 - 0.745 * 5 = 3.925
    assert expected_gain(0.745, **EXAMPLE) == pytest.approx(3.925)


def test_expected_gain_exact_fractions():
    # c = 2, d = 1, a = 3, V = 60, k = 5, e = 4, r = 1/3, all by hand with exact fractions:
    # p0 = 2/3 -> E0 = 40 - 5 = 35; p1 = 2/6 -> E1 = 20 - 9 = 11; E = 2/3*35 + 1/3*11 = 81/3 = 27
    r = Fraction(1, 3)
    by_hand = (1 - r) * (Fraction(2, 3) * 60 - 5) + r * (Fraction(2, 6) * 60 - 5 - 4)
    assert by_hand == 27
    assert expected_gain(1 / 3, 2, 1, 3, 60, 5, 4) == pytest.approx(27.0)


def test_threshold_worked_example():
    assert reliability_threshold(**EXAMPLE) == pytest.approx(6 / 7)
    r_star = 6 / 7
    assert attacks(r_star - 1e-6, **EXAMPLE)
    assert not attacks(min(1.0, r_star + 1e-6), **EXAMPLE)
    assert attacks(0.745, **EXAMPLE)  # 74.5% reliability is not enough here
    assert not attacks(0.9, **EXAMPLE)


def test_deterred_without_the_ally_gives_zero():
    # c = 1, d = 4, V = 50, k = 20: p0 = 1/5, E0 = 10 - 20 = -10 < 0, so r* = 0 and no attack at any r.
    setting = dict(challenger=1, protege=4, ally=1, stakes=50, cost=20)
    assert reliability_threshold(**setting) == 0.0
    assert not any(attacks(r / 10, **setting) for r in range(11))


def test_tie_keeps_the_status_quo():
    # c = 1, d = 2, V = 30, k = 10: p0 = 1/3, E0 = 10 - 10 = 0 exactly -> no attack, r* = 0.
    setting = dict(challenger=1, protege=2, ally=0, stakes=30, cost=10)
    assert expected_gain(0.0, **setting) == pytest.approx(0.0)
    assert not attacks(0.0, **setting)
    assert reliability_threshold(**setting) == 0.0


def test_never_deterred_gives_infinity():
    # c = 4, d = 1, a = 1, V = 100, k = 10, e = 0: p1 = 4/6, E1 = 66.7 - 10 > 0 even with a certain ally.
    setting = dict(challenger=4, protege=1, ally=1, stakes=100, cost=10)
    assert reliability_threshold(**setting) == NEVER_DETERRED == math.inf
    assert attacks(1.0, **setting)


def test_threshold_of_exactly_one():
    # c = 1, d = 1, a = 2, V = 100, k = 20, e = 5: E1 = 25 - 25 = 0, E0 = 30 -> r* = 30 / 30 = 1.
    setting = dict(EXAMPLE, extra_cost=5.0)
    assert reliability_threshold(**setting) == pytest.approx(1.0)
    assert not attacks(1.0, **setting)
    assert attacks(0.99, **setting)


def test_a_useless_ally_changes_nothing():
    # a = 0 and e = 0: the ally adds no strength and no cost, so E does not depend on r.
    setting = dict(challenger=2, protege=1, ally=0, stakes=90, cost=15)  # E = 60 - 15 = 45 for every r
    assert {round(expected_gain(r / 4, **setting), 9) for r in range(5)} == {45.0}
    assert reliability_threshold(**setting) == math.inf


@pytest.mark.parametrize(
    "c,d,a,V,k,e",
    [(1, 1, 2, 100, 20, 10), (2, 1, 3, 80, 10, 5), (1.5, 0.5, 1, 40, 3, 12), (3, 2, 6, 120, 30, 0), (1, 3, 1, 10, 0, 1)],
)
def test_threshold_matches_a_grid_search(c, d, a, V, k, e):
    """Smallest r on a fine grid at which an independently written E(r) is <= 0, against the closed form."""

    def gain(r):
        p0, p1 = c / (c + d), c / (c + d + a)
        return (1 - r) * (p0 * V - k) + r * (p1 * V - k - e)

    grid = [i / 10_000 for i in range(10_001)]
    deterred = [r for r in grid if gain(r) <= 1e-12]
    r_star = reliability_threshold(c, d, a, V, k, e)
    if not deterred:
        assert r_star == math.inf
    else:
        assert r_star == pytest.approx(deterred[0], abs=1e-4)
        for r in (0.0, 0.37, 0.745, 1.0):
            assert attacks(r, c, d, a, V, k, e) == (gain(r) > 1e-12)
            assert expected_gain(r, c, d, a, V, k, e) == pytest.approx(gain(r))


def test_more_reliability_never_helps_the_challenger():
    for setting in (EXAMPLE, dict(challenger=3, protege=1, ally=0.5, stakes=70, cost=4, extra_cost=2)):
        gains = [expected_gain(r / 20, **setting) for r in range(21)]
        assert all(later <= earlier + 1e-12 for earlier, later in zip(gains, gains[1:]))


def test_analyse_reports_both_branches():
    result = analyse(**EXAMPLE)
    assert (result.p_alone, result.p_with_ally) == pytest.approx((0.5, 0.25))
    assert (result.gain_alone, result.gain_with_ally) == pytest.approx((30.0, -5.0))
    assert result.gain(0.2) == pytest.approx(0.8 * 30 - 0.2 * 5)


@pytest.mark.parametrize(
    "kwargs,message",
    [
        (dict(reliability=-0.1), "reliability"),
        (dict(reliability=1.1), "reliability .*at most 1"),
        (dict(reliability=float("nan")), "finite"),
        (dict(challenger=0), "challenger"),
        (dict(protege=-1), "protege"),
        (dict(ally=-2), r"ally \(strength\)"),
        (dict(stakes=0), "stakes"),
        (dict(cost=-5), r"cost \(of war\)"),
        (dict(extra_cost=-1), "extra_cost"),
        (dict(stakes=True), "stakes must be a finite number, got True"),
        (dict(cost=float("inf")), "finite"),
    ],
)
def test_impossible_inputs_raise(kwargs, message):
    args = dict(EXAMPLE, reliability=0.5)
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        expected_gain(**args)


def test_threshold_validates_too():
    with pytest.raises(ValueError, match="stakes"):
        reliability_threshold(1, 1, 1, -10, 5)

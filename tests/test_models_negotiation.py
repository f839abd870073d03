"""Chapter 3 models against values worked out by hand or by brute force written here."""

from fractions import Fraction
from itertools import combinations, permutations
from math import comb

import pytest

from alliances.models.bargaining import nash_split, win_probability
from alliances.models.voting import voting_power, weight_shares


def brute_force_banzhaf(weights, quota):
    n = len(weights)
    swings = [0] * n
    for size in range(n + 1):
        for coalition in combinations(range(n), size):
            total = sum(weights[i] for i in coalition)
            if total >= quota:
                for i in coalition:
                    if total - weights[i] < quota:
                        swings[i] += 1
    return swings


def brute_force_shapley(weights, quota):
    n = len(weights)
    pivots = [0] * n
    orders = list(permutations(range(n)))
    for order in orders:
        running = 0
        for i in order:
            running += weights[i]
            if running >= quota:
                pivots[i] += 1
                break
    return [Fraction(p, len(orders)) for p in pivots]


@pytest.mark.parametrize("weights,quota", [([4, 3, 2, 1, 1], 6), ([3, 2, 2], 4), ([5, 1, 1, 1], 5), ([2, 2, 1, 1, 1, 0], 5)])
def test_voting_power_matches_brute_force(weights, quota):
    power = voting_power(weights, quota)
    assert list(power.swings) == brute_force_banzhaf(weights, quota)
    expected = brute_force_shapley(weights, quota)
    assert power.shapley_shubik == pytest.approx([float(x) for x in expected])


def test_security_council_known_values():
    # Art. 27(3): nine votes including the five permanent members. A permanent member swings when
    # the other four and at least four of ten elected members vote yes: sum_{k>=4} C(10, k).
    p5_swings = sum(comb(10, k) for k in range(4, 11))
    elected_swings = comb(9, 3)  # all five P5 plus exactly three of the other nine elected
    power = voting_power([7] * 5 + [1] * 10, 39)
    assert power.swings[0] == p5_swings == 848
    assert power.swings[-1] == elected_swings == 84
    assert power.banzhaf[0] == pytest.approx(848 / (5 * 848 + 10 * 84))
    # Shapley-Shubik: an elected member is pivotal when it comes ninth, after all P5 and three of the
    # other nine elected members: C(9,3) * 8! * 6! / 15!
    from math import factorial

    elected_ss = comb(9, 3) * factorial(8) * factorial(6) / factorial(15)
    assert power.shapley_shubik[-1] == pytest.approx(elected_ss)
    assert power.shapley_shubik[0] == pytest.approx((1 - 10 * elected_ss) / 5)


def test_unanimity_gives_equal_power_and_a_dictator_gets_all():
    assert voting_power([5, 1, 1], 7).banzhaf == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    power = voting_power([6, 1, 1, 1], 6)
    assert power.banzhaf == (1.0, 0.0, 0.0, 0.0)
    assert power.shapley_shubik == pytest.approx((1.0, 0.0, 0.0, 0.0))


@pytest.mark.parametrize("weights,quota", [([1, 2], 0), ([1, 2], 4), ([1.5, 2], 2), ([-1, 2], 1), ([], 1), ([1, True], 1)])
def test_voting_power_rejects_bad_games(weights, quota):
    with pytest.raises(ValueError):
        voting_power(weights, quota)


def test_weight_shares():
    assert weight_shares([1, 3]) == (0.25, 0.75)
    with pytest.raises(ValueError):
        weight_shares([0, 0])


def test_win_probability_by_hand():
    assert win_probability(1, 1) == 0.5
    # ally of strength 2 joins with probability 0.5: 0.5 * 3/4 + 0.5 * 1/2
    assert win_probability(1, 1, ally=2, reliability=0.5) == pytest.approx(0.625)
    assert win_probability(1, 3, ally=5, reliability=0) == pytest.approx(0.25)


def test_nash_split_closed_form():
    # x_A = p * V + (c_B - c_A) / 2 with p = 1/3, V = 90, c_A = 10, c_B = 4
    outcome = nash_split(90, own=1, opponent=2, cost_a=10, cost_b=4)
    assert outcome.share_a == pytest.approx(90 / 3 + (4 - 10) / 2)
    assert outcome.share_a + outcome.share_b == pytest.approx(90)
    assert outcome.disagreement_a == pytest.approx(30 - 10)


def test_backing_raises_the_share_monotonically():
    shares = [nash_split(100, 1, 2, ally=2, reliability=r / 10, cost_a=5, cost_b=5).share_a for r in range(11)]
    assert all(a < b for a, b in zip(shares, shares[1:]))


def test_equal_costs_do_not_change_the_split():
    assert nash_split(100, 1, 2, cost_a=0, cost_b=0).share_a == pytest.approx(nash_split(100, 1, 2, cost_a=30, cost_b=30).share_a)


@pytest.mark.parametrize("kwargs", [dict(stakes=0), dict(own=0), dict(reliability=1.5), dict(ally=-1), dict(cost_a=-2)])
def test_nash_split_rejects_impossible_inputs(kwargs):
    args = dict(stakes=100, own=1, opponent=1, ally=1, reliability=0.5, cost_a=1, cost_b=1) | kwargs
    with pytest.raises(ValueError):
        nash_split(**args)


def test_power_to_act_by_brute_force():
    from alliances.models.voting import power_to_act

    for weights, quota in (([4, 3, 2, 1, 1], 6), ([1, 1, 1], 3), ([2, 1, 1], 2)):
        n = len(weights)
        winning = sum(sum(weights[i] for i in c) >= quota for k in range(n + 1) for c in combinations(range(n), k))
        assert power_to_act(weights, quota) == pytest.approx(winning / 2 ** n)
    assert power_to_act([1] * 12, 12) == 1 / 4096

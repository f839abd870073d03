"""Chapter 8 model against hand-worked equilibria, a brute-force best-response search and a hand Spearman."""

import pytest

from alliances.models.economics import nash_contributions, rank_correlation


def best_response_iteration(incomes, b, rounds=5000):
    """Each ally in turn maximises (1-b) ln(Y - q) + b ln(q + Q_others) over q >= 0: q = max(0, bY - (1-b) Q_others)."""
    q = [0.0] * len(incomes)
    for _ in range(rounds):
        for i, y in enumerate(incomes):
            others = sum(q) - q[i]
            q[i] = max(0.0, b * y - (1 - b) * others)
    return q


def test_two_equal_allies_by_hand():
    # b = 1/2, k = 1: both give, Q = (1 + 1) / (1 + 2) = 2/3, each q = 1 - 2/3 = 1/3; optimum 1/2 * 2 = 1.
    eq = nash_contributions([1, 1], 0.5)
    assert eq.contributions == pytest.approx((1 / 3, 1 / 3))
    assert eq.nash_total == pytest.approx(2 / 3) and eq.optimal_total == pytest.approx(1.0)
    assert eq.gap == pytest.approx(1 / 3)


def test_small_ally_free_rides_by_hand():
    # b = 1/2: the rich ally alone gives Q = 4/2 = 2; the poor one (income 1 < k Q = 2) gives nothing.
    eq = nash_contributions([1, 4], 0.5)
    assert eq.contributions == pytest.approx((0.0, 2.0))
    assert eq.burdens == pytest.approx((0.0, 0.5))
    assert eq.contributors == 1 and eq.gap == pytest.approx(2.5 - 2.0)


def test_one_ally_reaches_the_optimum():
    eq = nash_contributions([7.0], 0.3)
    assert eq.nash_total == pytest.approx(0.3 * 7.0) == pytest.approx(eq.optimal_total)


@pytest.mark.parametrize("incomes,b", [([5, 3, 2, 1, 1], 0.2), ([10, 1, 1, 1], 0.5), ([3, 3, 3], 0.1), ([8, 6, 1], 0.7)])
def test_matches_best_response_iteration(incomes, b):
    assert nash_contributions(incomes, b).contributions == pytest.approx(best_response_iteration(incomes, b), abs=1e-6)


def test_exploitation_burden_rises_with_income_and_gap_with_size():
    eq = nash_contributions([1, 2, 3, 4, 5], 0.3)
    burdens = eq.burdens
    assert all(a <= b for a, b in zip(burdens, burdens[1:]))
    gaps = [nash_contributions([1.0] * n, 0.3).gap for n in (1, 2, 5, 10)]
    assert gaps[0] == pytest.approx(0) and all(a < b for a, b in zip(gaps, gaps[1:]))


def test_rank_correlation_by_hand():
    # ranks of y: 1, 3, 2, 4; d = 0, -1, 1, 0; rho = 1 - 6 * 2 / (4 * 15) = 0.8
    assert rank_correlation([1, 2, 3, 4], [10, 30, 20, 40]) == pytest.approx(0.8)
    assert rank_correlation([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    # ties get average ranks: x ranks 1, 2.5, 2.5, 4 against y ranks 1, 2, 3, 4 -> Pearson of ranks
    assert rank_correlation([1, 2, 2, 3], [1, 2, 3, 4]) == pytest.approx(0.9486833, abs=1e-6)


@pytest.mark.parametrize("incomes,b", [([], 0.5), ([1, -1], 0.5), ([1, float("nan")], 0.5), ([1, 2], 0), ([1, 2], 1),
                                        ([1, 2], True), ("ab", 0.5), ([1, True], 0.5)])
def test_bad_inputs_are_rejected(incomes, b):
    with pytest.raises(ValueError):
        nash_contributions(incomes, b)


@pytest.mark.parametrize("x,y", [([1, 2], [1, 2]), ([1, 2, 3], [1, 2]), ([1, 1, 1], [1, 2, 3]), ([1, 2, float("inf")], [1, 2, 3])])
def test_rank_correlation_rejects_bad_input(x, y):
    with pytest.raises(ValueError):
        rank_correlation(x, y)


def test_burden_and_size_joins_by_hand():
    import pandas as pd

    from alliances.models.economics import burden_and_size

    spend = pd.DataFrame({"iso3": ["AAA", "BBB", "CCC", "AAA"], "state": ["A", "B", "C", "A"], "year": [2014, 2014, 2014, 2015],
                          "share_gdp_pct": [2.0, 1.0, 3.0, 9.0]})
    cow = pd.DataFrame({"ccode": [1, 2, 3, 1], "year": [2014, 2014, 2014, 2015], "primary_energy": [10.0, 30.0, 0.0, 5.0]})
    codes = pd.DataFrame({"ccode": [1, 2, 3], "iso3": ["AAA", "BBB", "CCC"]})
    table = burden_and_size(spend, cow, codes, 2014)
    # CCC has no positive energy figure and is left out; rows come largest first
    assert table["iso3"].tolist() == ["BBB", "AAA"] and table["burden_pct"].tolist() == [1.0, 2.0]
    with pytest.raises(ValueError):
        burden_and_size(spend.drop(columns="share_gdp_pct"), cow, codes, 2014)


def test_try_this_steps_are_true_of_the_widget():
    """Each step of chapter 8's "Try this" box, checked against the model and the course data."""
    from alliances.data import load
    from alliances.models.economics import burden_and_size
    from alliances.widgets.economics import model_incomes

    def share_of_optimum(allies, inequality, taste=0.1):
        eq = nash_contributions(model_incomes(allies, inequality), taste)
        return eq, round(100 * eq.nash_total / eq.optimal_total)

    eq, share = share_of_optimum(5, 4.0)  # 1
    assert eq.contributors == 1 and eq.burdens[0] == pytest.approx(0.1) and share == 36
    eq, share = share_of_optimum(5, 1.0)  # 2
    assert eq.contributors == 5 and round(100 * eq.burdens[0], 1) == 2.2 and share == 22
    assert share_of_optimum(1, 1.0)[1] == 100 and share_of_optimum(12, 1.0)[1] == 9  # 3
    expenditure, capabilities, codes = load("nato_defence_expenditure"), load("cow_capabilities"), load("state_codes")
    rho = {y: rank_correlation(t["size"], t["burden_pct"])
           for y in (2014, 2022) for t in [burden_and_size(expenditure, capabilities, codes, y)]}
    assert round(rho[2014], 2) == 0.24 and round(rho[2022], 2) == 0.07  # 4
    import numpy as np

    for year in (2014, 2022):  # independently: Pearson correlation of average ranks (no scipy)
        t = burden_and_size(expenditure, capabilities, codes, year)
        assert len(t) == 31
        assert rho[year] == pytest.approx(np.corrcoef(t["size"].rank(), t["burden_pct"].rank())[0, 1])
    t14, t22 = (burden_and_size(expenditure, capabilities, codes, y).set_index("iso3") for y in (2014, 2022))
    assert (t14.loc["LTU", "burden_pct"], t22.loc["LTU", "burden_pct"]) == (0.88, 2.44)  # the narrative's figures
    assert (t14.loc["LVA", "burden_pct"], t22.loc["LVA", "burden_pct"]) == (0.97, 2.25)

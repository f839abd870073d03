"""Chapter 11 model (Snyder's alliance security dilemma) against hand-worked optima and a brute-force grid."""

import numpy as np
import pytest

from alliances.models.security_dilemma import (
    abandonment_risk,
    best_commitment,
    entrapment_risk,
    weighted_risk,
)


def test_risks_by_hand():
    assert abandonment_risk(0.0, 0.6, 2) == pytest.approx(0.6)
    assert abandonment_risk(0.5, 0.6, 2) == pytest.approx(0.15)
    assert entrapment_risk(0.5, 0.4, 3) == pytest.approx(0.05)
    assert entrapment_risk(0.0, 0.4, 2) == 0.0
    # weight 0.25 on abandonment: 0.25 * 0.15 + 0.75 * 0.4 * 0.25 = 0.1125
    assert weighted_risk(0.5, 0.25, 0.6, 0.4, 2) == pytest.approx(0.1125)


@pytest.mark.parametrize("weight,a,e,s,expected", [
    (0.5, 0.5, 0.5, 2, 0.5),        # symmetric: the middle
    (0.75, 1.0, 1.0, 2, 0.75),      # s = 2: c* = wA / (wA + (1 - w)E) = 0.75 / 1
    (0.5, 0.6, 0.4, 2, 0.6),        # 0.3 / (0.3 + 0.2)
    (0.75, 1.0, 1.0, 3, 1 / (1 + (1 / 3) ** 0.5)),   # ratio 1/3, square root for s = 3
    (0.0, 0.6, 0.4, 2, 0.0),        # no fear of abandonment: commit nothing
    (1.0, 0.6, 0.4, 2, 1.0),        # no fear of entrapment: commit fully
])
def test_optimum_by_hand(weight, a, e, s, expected):
    assert best_commitment(weight, a, e, s).commitment == pytest.approx(expected)


@pytest.mark.parametrize("weight,a,e,s", [(0.3, 0.6, 0.4, 2.0), (0.6, 0.9, 0.2, 1.5), (0.5, 0.3, 0.8, 4.0),
                                          (0.9, 0.1, 0.1, 2.5)])
def test_optimum_beats_a_fine_grid(weight, a, e, s):
    grid = np.linspace(0, 1, 100_001)
    losses = weight * a * (1 - grid) ** s + (1 - weight) * e * grid ** s
    best = best_commitment(weight, a, e, s)
    assert best.commitment == pytest.approx(grid[losses.argmin()], abs=2e-5)
    assert best.weighted == pytest.approx(losses.min(), abs=1e-9)
    assert best.weighted == pytest.approx(best.abandonment * weight + best.entrapment * (1 - weight))


def test_more_fear_of_abandonment_means_firmer_commitment():
    commitments = [best_commitment(w / 10).commitment for w in range(1, 10)]
    assert all(x < y for x, y in zip(commitments, commitments[1:]))


def test_at_the_optimum_the_weighted_slopes_balance():
    # first-order condition: w A s (1 - c)^(s-1) = (1 - w) E s c^(s-1)
    w, a, e, s = 0.4, 0.7, 0.3, 2.5
    c = best_commitment(w, a, e, s).commitment
    assert w * a * (1 - c) ** (s - 1) == pytest.approx((1 - w) * e * c ** (s - 1))


@pytest.mark.parametrize("kwargs", [dict(weight=1.5), dict(abandonment=-0.1), dict(entrapment=2), dict(curvature=1.0),
                                    dict(curvature=float("nan")), dict(weight="half"), dict(weight=True)])
def test_rejects_impossible_inputs(kwargs):
    args = dict(weight=0.5, abandonment=0.6, entrapment=0.4, curvature=2.0) | kwargs
    with pytest.raises(ValueError):
        best_commitment(**args)


def test_try_this_steps():
    # widget defaults: weight 0.5, abandonment 0.6, entrapment 0.4, curvature 2
    assert best_commitment(0.5).commitment == pytest.approx(0.60)                       # step 1
    assert weighted_risk(0.6, 0.5) == pytest.approx(best_commitment(0.5).weighted)
    assert round(best_commitment(0.8).commitment, 2) == 0.86                            # step 2: 0.48 / 0.56
    for s in (1.5, 2.0, 3.0, 4.0):                                                      # step 3
        assert best_commitment(0.5, 0.6, 0.6, s).commitment == pytest.approx(0.5)
    assert round(best_commitment(0.5, 0.6, 0.4, 4).commitment, 2) == 0.53              # step 4: 1 / (1 + (2/3)^(1/3))
    assert abs(best_commitment(0.5, 0.6, 0.4, 4).commitment - 0.5) < abs(0.6 - 0.5)


def test_chapter_11_spending_figures_match_the_data():
    """Chapter 11: 3 of 31 allies at 2% or more in 2014, 18 of 31 in 2024, all 15 with a 2025 estimate."""
    from alliances.data import load

    spending = load("nato_defence_expenditure")
    for year, allies, at_two in ((2014, 31, 3), (2024, 31, 18), (2025, 15, 15)):
        rows = spending[spending["year"] == year]
        assert (len(rows), int((rows["share_gdp_pct"] >= 2).sum())) == (allies, at_two)

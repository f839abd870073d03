"""Chapter 12 spending scenarios against hand-worked values and a year-by-year brute force."""

import math

import pandas as pd
import pytest

from alliances.models.scenarios import share_path, spending_scenario, years_to_target


def brute_force_years(share, target, gd, gy, limit=500):
    level, t = share, 0
    while level < target:
        level *= (1 + gd / 100) / (1 + gy / 100)
        t += 1
        if t > limit:
            return None
    return t


def test_share_path_by_hand():
    path = share_path(2.0, 2, 10.0, 0.0)
    assert path == pytest.approx([2.0, 2.2, 2.42])
    assert share_path(1.5, 3, 2.0, 2.0) == pytest.approx([1.5] * 4)   # equal growth keeps the share


def test_years_to_target_by_hand():
    # ratio 1.10 / 1.02; log(1.75) / log(1.0784) = 7.4..., so 8 years
    assert years_to_target(2.0, 3.5, 10.0, 2.0) == 8
    assert math.log(1.75) / math.log(1.10 / 1.02) == pytest.approx(7.4, abs=0.05)
    assert years_to_target(3.6, 3.5, 0.0, 5.0) == 0       # already above
    assert years_to_target(2.0, 3.5, 2.0, 2.0) is None    # share frozen below the target
    assert years_to_target(2.0, 3.5, 1.0, 3.0) is None    # share falling
    assert years_to_target(2.0, 2.2, 10.0, 0.0) == 1      # 2.0 * 1.1 = 2.2 reaches exactly


@pytest.mark.parametrize("share,target,gd,gy", [(1.2, 2.0, 6, 1.5), (2.0, 3.5, 5, 1.5), (3.2, 5.0, 4, 2), (1.01, 3.5, 12, 0.5),
                                                 (2.5, 2.5001, 0.1, 0.0)])
def test_years_to_target_matches_brute_force(share, target, gd, gy):
    assert years_to_target(share, target, gd, gy) == brute_force_years(share, target, gd, gy)


def test_scenario_uses_each_allys_latest_figure():
    frame = pd.DataFrame({
        "iso3": ["AAA", "AAA", "BBB", "CCC", "DDD"],
        "state": ["A", "A", "B", "C", "D"],
        "year": [2024, 2025, 2025, 2024, 2025],
        "share_gdp_pct": [1.0, 2.0, 3.6, 2.0, None],
    })
    out = spending_scenario(frame, 3.5, 10.0, 2.0, last_year=2035).set_index("iso3")
    assert "DDD" not in out.index                       # no figure, no row
    assert out.loc["AAA", "year"] == 2025 and out.loc["AAA", "share_gdp_pct"] == 2.0
    assert out.loc["AAA", "reached"] == 2033            # 8 years after 2025
    assert out.loc["BBB", "reached"] == 2025            # already there
    assert out.loc["CCC", "reached"] == 2032            # 8 years after 2024
    late = spending_scenario(frame, 3.5, 10.0, 2.0, last_year=2032).set_index("iso3")
    assert pd.isna(late.loc["AAA", "reached"]) and late.loc["CCC", "reached"] == 2032


@pytest.mark.parametrize("args", [(0.0, 3.5, 5, 2), (2.0, -1, 5, 2), (2.0, 3.5, float("nan"), 2), (2.0, 3.5, 5, "fast")])
def test_rejects_impossible_inputs(args):
    with pytest.raises(ValueError):
        years_to_target(*args)


def test_try_this_steps_on_the_course_data():
    from alliances.data import load

    spending = load("nato_defence_expenditure")
    default = spending_scenario(spending, 3.5, 5.0, 1.5, 2035)
    reached = default[default["reached"].notna()]
    assert len(default) == 31 and len(reached) == 7                                              # step 1
    assert set(reached["state"]) == {"Latvia", "Lithuania", "Poland", "Estonia", "Norway", "United States", "Greece"}
    assert reached.set_index("state").loc["Greece", "reached"] == 2032
    fast = spending_scenario(spending, 3.5, 10.0, 1.5, 2035)                                     # step 2
    assert list(fast.loc[fast["reached"].isna(), "state"]) == ["Slovenia"]
    flat = spending_scenario(spending, 3.5, 1.5, 1.5, 2035)                                      # step 3
    assert set(flat.loc[flat["reached"].notna(), "state"]) == {"Latvia", "Lithuania", "Poland"}
    low = spending_scenario(spending, 2.0, 5.0, 1.5, 2035).set_index("state")                    # step 4
    below = low[low["share_gdp_pct"] < 2]
    assert set(below.index) == {"Bulgaria", "Slovakia", "Croatia", "Montenegro", "Slovenia"}
    assert (below["year"] == 2024).all()
    assert below.loc[["Bulgaria", "Slovakia", "Croatia", "Montenegro"], "reached"].max() == 2029
    assert pd.isna(below.loc["Slovenia", "reached"])

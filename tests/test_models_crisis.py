"""Chapter 10 models against values worked out by hand, by exact sums and by simulation written here."""

from fractions import Fraction
from math import comb

import numpy as np
import pytest

from alliances.models.crisis import (
    commitment_thresholds,
    consensus_probability,
    escalation_game,
    expected_rounds,
    outcome_regions,
)


def simulate(n, p, q, rho, trials, rng, max_rounds=400):
    """Monte Carlo of the consultation process: returns (first-meeting consensus share, mean rounds)."""
    together = rng.random(trials) < rho  # trials in which all members share member 0's path
    # a member's round of first support: 0 with probability p, else the round of its first persuasion (1, 2, ...)
    first_support = np.where(rng.random((trials, n)) < p, 0, rng.geometric(q, size=(trials, n)))
    first_support = np.where(together[:, None], first_support[:, :1], first_support)
    rounds = first_support.max(axis=1)
    return float((rounds == 0).mean()), float(rounds.mean())


def inclusion_exclusion(n, p, q):
    """E[max of n waiting times] = sum_k C(n,k) (-1)^(k+1) a^k / (1 - r^k), exactly in fractions."""
    a, r = 1 - Fraction(p), 1 - Fraction(q)
    return float(sum(comb(n, k) * (-1) ** (k + 1) * a**k / (1 - r**k) for k in range(1, n + 1)))


def test_consensus_by_hand():
    assert consensus_probability(3, 0.9) == pytest.approx(0.729)
    # after two rounds with q = 0.5 one member supports with 1 - 0.1 * 0.25 = 0.975
    assert consensus_probability(2, 0.9, q=0.5, rounds=2) == pytest.approx(0.975**2)
    # perfectly correlated members behave like one member
    assert consensus_probability(30, 0.8, rho=1.0) == pytest.approx(0.8)
    # half-correlated: 0.5 * 0.8 + 0.5 * 0.8**2
    assert consensus_probability(2, 0.8, rho=0.5) == pytest.approx(0.72)


def test_correlation_parameter_is_the_pairwise_correlation():
    p, rho = 0.7, 0.35
    both = consensus_probability(2, p, rho=rho)
    assert (both - p * p) / (p * (1 - p)) == pytest.approx(rho)


@pytest.mark.parametrize("n,p,q", [(1, 0.5, 0.5), (2, 0.9, 0.3), (5, 0.8, 0.25), (12, 0.9, 0.3), (20, 0.6, 0.1)])
def test_expected_rounds_matches_exact_inclusion_exclusion(n, p, q):
    assert expected_rounds(n, p, q) == pytest.approx(inclusion_exclusion(n, p, q), rel=1e-10)


def test_expected_rounds_by_hand():
    # one member: 0 with prob p, else a geometric wait with mean 1/q: (1 - p) / q
    assert expected_rounds(1, 0.6, 0.2) == pytest.approx(2.0)
    # two members, p = 0, q = 1/2: E[max of two geometric(1/2)] = 2 + 2 - 1/(1 - 1/4) = 8/3
    assert expected_rounds(2, 0.0, 0.5) == pytest.approx(8 / 3)
    assert expected_rounds(7, 1.0, 0.5) == 0.0
    # q = 1: everyone who was not on board joins in round 1
    assert expected_rounds(4, 0.9, 1.0) == pytest.approx(1 - 0.9**4)


@pytest.mark.parametrize("n,p,q,rho", [(6, 0.8, 0.3, 0.0), (15, 0.9, 0.2, 0.4), (3, 0.5, 0.6, 1.0)])
def test_monte_carlo_agrees(n, p, q, rho):
    rng = np.random.default_rng(20261201)
    trials = 200_000
    first, mean_rounds = simulate(n, p, q, rho, trials, rng)
    assert first == pytest.approx(consensus_probability(n, p, q, 0, rho), abs=0.005)
    assert mean_rounds == pytest.approx(expected_rounds(n, p, q, rho), rel=0.02)


def test_consensus_falls_with_members_and_rises_with_rounds():
    chances = [consensus_probability(n, 0.9, 0.3, 0) for n in range(1, 30)]
    assert all(a > b for a, b in zip(chances, chances[1:]))
    waits = [expected_rounds(n, 0.9, 0.3) for n in range(1, 30)]
    assert all(a < b for a, b in zip(waits, waits[1:]))
    assert consensus_probability(10, 0.9, 0.3, 5) > consensus_probability(10, 0.9, 0.3, 1)


@pytest.mark.parametrize("kwargs", [dict(n=0), dict(n=2.5), dict(n=True), dict(p=1.2), dict(q=-0.1), dict(rho=float("nan")),
                                    dict(rounds=-1), dict(p="high")])
def test_consensus_rejects_impossible_inputs(kwargs):
    args = dict(n=5, p=0.9, q=0.3, rounds=1, rho=0.0) | kwargs
    with pytest.raises(ValueError):
        consensus_probability(**args)


def test_expected_rounds_needs_persuasion():
    for q in (0.0, 1e-9):
        with pytest.raises(ValueError):
            expected_rounds(5, 0.9, q)
    # the smallest accepted persuasion still converges: one member waits (1 - p) / q rounds
    assert expected_rounds(1, 0.5, 1e-4) == pytest.approx(0.5 / 1e-4)


# Escalation game. Defaults: C strength 2, D 1, ally 3, prize 1, C's war cost 0.5, D's 0.4, audience cost 0.1.
# C's chance of winning w(r) = r * 2/6 + (1 - r) * 2/3 = 2/3 - r/3.
# C fights iff w - 0.5 > -0.1 (w > 0.4, r < 0.8); D stands firm iff -w - 0.4 > -1 (w < 0.6, r > 0.2);
# C demands, if resisted and fighting, iff w - 0.5 > 0 (w > 0.5, r < 0.5).

@pytest.mark.parametrize("commitment,outcome", [(0.0, "defender concedes"), (0.1, "defender concedes"),
                                                (0.3, "war"), (0.45, "war"), (0.6, "status quo"), (0.9, "status quo")])
def test_escalation_by_hand(commitment, outcome):
    result = escalation_game(commitment)
    assert result.challenger_win == pytest.approx(2 / 3 - commitment / 3)
    assert result.outcome == outcome


def test_escalation_payoffs_and_choices_by_hand():
    war = escalation_game(0.3)
    assert war.payoffs == pytest.approx((0.5667 - 0.5, -0.5667 - 0.4), abs=1e-3)
    assert (war.challenges, war.resists, war.fights) == (True, True, True)
    deterred = escalation_game(0.9)  # C would back down if resisted, so D resists, so C does not demand
    assert (deterred.challenges, deterred.resists, deterred.fights) == (False, True, False)
    assert deterred.payoffs == (0.0, 0.0)
    conceded = escalation_game(0.0)
    assert conceded.payoffs == (1.0, -1.0)


def test_backing_down_is_the_outcome_only_without_audience_costs_ties_go_to_no_demand():
    # with no audience cost, backing down gives C 0, the same as the status quo: C does not demand
    assert escalation_game(0.9, audience_cost=0.0).outcome == "status quo"


def test_thresholds_by_hand():
    cuts = commitment_thresholds()
    assert cuts["defender resists"] == pytest.approx(0.2)
    assert cuts["challenger fights"] == pytest.approx(0.8)
    assert cuts["challenger starts a war"] == pytest.approx(0.5)
    assert commitment_thresholds(ally=0.0) == {"defender resists": None, "challenger fights": None,
                                               "challenger starts a war": None}


def test_regions_match_a_fine_grid():
    for params in (dict(), dict(cost_challenger=0.2), dict(ally=1.0, cost_defender=0.6), dict(cost_defender=0.9)):
        regions = outcome_regions(**params)
        assert regions[0][1] == 0.0 and regions[-1][2] == 1.0
        for c in np.linspace(0.0005, 0.9995, 400):
            inside = [name for name, lo, hi in regions if lo < c < hi]
            if inside:
                assert escalation_game(c, **params).outcome == inside[0]


def test_regions_by_hand():
    names = [name for name, _, _ in outcome_regions()]
    assert names == ["defender concedes", "war", "status quo"]
    # a cheap war for C (cost 0.2): C fights and demands at every commitment (w >= 1/3 > 0.2), so war once D resists
    assert [n for n, _, _ in outcome_regions(cost_challenger=0.2)] == ["defender concedes", "war"]


@pytest.mark.parametrize("kwargs", [dict(commitment=1.5), dict(stakes=0), dict(cost_defender=-1), dict(ally=-1),
                                    dict(audience_cost=float("inf")), dict(challenger=float("inf")), dict(defender=0)])
def test_escalation_rejects_impossible_inputs(kwargs):
    args = dict(commitment=0.5) | kwargs
    with pytest.raises(ValueError):
        escalation_game(**args)


def test_escalation_by_pledge_by_hand():
    import pandas as pd

    from alliances.models.crisis import escalation_by_pledge

    # Dispute 1: state 2 vs 20 in 1950 (20 has a pledge with 30): war. Its reverse row and a later year are ignored.
    # Dispute 2: 2 vs 40 in 1950; 40's only pledge is with 2 itself, so it counts as no pledge: display (3).
    # Dispute 3: 50 vs 60 in 1900, 60 has no pledge: use of force (4).
    # Dispute 4: 70 vs 20 in 1930 (20 pledged to 30 then too): threat (2).
    dyads = pd.DataFrame([
        (1, 2, 20, 1950, 1, 1, 4, 5), (1, 20, 2, 1950, 1, 0, 5, 4), (1, 2, 20, 1951, 0, 1, 4, 5),
        (2, 2, 40, 1950, 1, 1, 3, 1), (2, 40, 2, 1950, 1, 0, 1, 3),
        (3, 50, 60, 1900, 1, 1, 4, 1),
        (4, 70, 20, 1930, 1, 1, 2, 1),
    ], columns=["dispute", "ccode1", "ccode2", "year", "onset", "side_a1", "hostility_level1", "hostility_level2"])
    pledges = pd.DataFrame([
        (20, 30, 1950, 1), (30, 20, 1950, 1), (20, 30, 1930, 1), (30, 20, 1930, 1),
        (40, 2, 1950, 1), (2, 40, 1950, 1), (60, 80, 1900, 0), (80, 60, 1900, 0),
    ], columns=["ccode1", "ccode2", "year", "defence"])
    out = escalation_by_pledge(dyads, pledges).set_index("target_pledge")
    # with a pledge: disputes 1 (war) and 4 (threat); without: disputes 2 (display) and 3 (force)
    assert out.loc[True, ["disputes", "escalated", "wars"]].tolist() == [2, 1, 1]
    assert out.loc[False, ["disputes", "escalated", "wars"]].tolist() == [2, 1, 0]
    assert out.loc[True, "share_war"] == 0.5
    split = escalation_by_pledge(dyads, pledges, split_year=1946).set_index(["period", "target_pledge"])
    assert split.loc[("before 1946", True), "disputes"] == 1
    assert split.loc[("1946 on", True), "wars"] == 1
    assert split.loc[("before 1946", False), "escalated"] == 1
    with pytest.raises(ValueError):
        escalation_by_pledge(dyads.drop(columns="side_a1"), pledges)


# The chapter's "Try this" steps, each checked against the models behind the widgets.

def test_try_this_consensus_steps():
    assert 0.275 < consensus_probability(12, 0.9) < 0.285          # step 1: about 28% at 12 members
    assert consensus_probability(40, 0.9) < 0.02                   # ... below 2% at 40
    for n in (1, 12, 40):                                          # step 2: ten rounds beat three at every size
        assert consensus_probability(n, 0.9, 0.3, 10) > consensus_probability(n, 0.9, 0.3, 3)
    waits = [expected_rounds(n, 0.9, 0.3) for n in range(1, 41)]
    assert all(a < b for a, b in zip(waits, waits[1:]))
    assert {round(consensus_probability(n, 0.9, 0.3, 0, 1.0), 12) for n in range(1, 41)} == {0.9}  # step 3
    assert {round(expected_rounds(n, 0.9, 0.3, 1.0), 12) for n in range(1, 41)} == {round(0.1 / 0.3, 12)}
    assert expected_rounds(12, 0.9, 0.05) > 15                     # step 4: many rounds


def test_try_this_escalation_steps():
    names = lambda **kw: [(n, round(lo, 6), round(hi, 6)) for n, lo, hi in outcome_regions(**kw)]  # noqa: E731
    assert names() == [("defender concedes", 0.0, 0.2), ("war", 0.2, 0.5), ("status quo", 0.5, 1.0)]  # step 1
    assert names(cost_challenger=0.7) == [("defender concedes", 0.0, 0.2), ("status quo", 0.2, 1.0)]  # step 2
    assert names(cost_defender=0.1) == [("war", 0.0, 0.5), ("status quo", 0.5, 1.0)]  # step 3
    assert [n for n, _, _ in outcome_regions(ally=0.0)] == ["defender concedes"]  # step 4
    # a lower audience cost makes backing down more attractive: C would fight only below a lower commitment
    # (b = 0: w > 0.5 means r < 0.5; b = 0.2: w > 0.3 holds for every r, so no switch inside [0, 1])
    assert commitment_thresholds(audience_cost=0.0)["challenger fights"] == pytest.approx(0.5)
    assert commitment_thresholds(audience_cost=0.2)["challenger fights"] is None


def test_chapter_figures_match_the_research_data():
    """The percentages chapter 10 states about COW disputes and ATOP pledges, 1816-2014."""
    from alliances.data import load
    from alliances.models.crisis import escalation_by_pledge

    dyads, pledges = load("mid_dyad_years"), load("atop_dyad_years")
    whole = escalation_by_pledge(dyads, pledges).set_index("target_pledge")
    assert round(100 * whole.loc[True, "share_escalated"]) == 71 and round(100 * whole.loc[True, "share_war"]) == 14
    assert round(100 * whole.loc[False, "share_escalated"]) == 70 and round(100 * whole.loc[False, "share_war"]) == 13
    split = escalation_by_pledge(dyads, pledges, split_year=1946).set_index(["period", "target_pledge"])
    assert round(100 * split.loc[("before 1946", True), "share_war"]) == 39
    assert round(100 * split.loc[("before 1946", False), "share_war"]) == 20
    assert round(100 * split.loc[("1946 on", True), "share_war"]) == 6
    assert round(100 * split.loc[("1946 on", False), "share_war"]) == 7
    assert whole["disputes"].sum() == split["disputes"].sum()


def test_widget_descriptions_state_the_models_values():
    """What the chapter 10 views say they show, worked by hand at the defaults and at an extreme."""
    from alliances.widgets.crisis import consensus_simulator, escalation_explorer

    view = consensus_simulator()  # 12 members, p 0.9, q 0.3, no correlation, 3 rounds
    assert f"{0.9 ** 12:.1%}" in view.summary                          # 28.2% at the first meeting
    s3 = 1 - 0.1 * 0.7 ** 3                                             # one member's support after 3 rounds
    assert f"{s3 ** 12:.1%}" in view.summary
    view.update(rho=1.0)                                                # members move as one: no fall with size
    assert f"first-meeting chance stays at 90.0% and the expected wait stays at {0.1 / 0.3:.2f} rounds" in view.summary
    game = escalation_explorer()                                        # commitment 0.3, defaults
    assert "equilibrium outcome is: war" in game.summary
    assert "defender concedes from 0.00 to 0.20; war from 0.20 to 0.50; status quo from 0.50 to 1.00" in game.summary
    assert f"chance of winning a war is {2 / 3 - 0.3 / 3:.2f}" in game.summary      # 0.57


@pytest.mark.parametrize("kwargs", [dict(stakes=0), dict(cost_defender=-1), dict(ally=-1), dict(defender=0),
                                    dict(audience_cost=float("nan")), dict(stakes="1")])
def test_thresholds_and_regions_reject_impossible_inputs_with_a_clear_error(kwargs):
    for function in (commitment_thresholds, outcome_regions):
        with pytest.raises(ValueError):
            function(**kwargs)


def test_an_unknown_setting_is_refused_not_ignored():
    for call in (lambda: escalation_game(0.5, stake=2.0), lambda: commitment_thresholds(cost=0.1)):
        with pytest.raises(TypeError):
            call()

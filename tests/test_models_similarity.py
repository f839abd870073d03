"""Chapter 4 model (alliance-portfolio similarity) against values worked out by hand.

The toy world (levels: 3 defence, 2 neutrality/non-aggression, 1 entente/consultation):

    N  defence, multilateral   USA, GBR, FRA from 1949-04-04
    W  defence                 SUN, POL 1955-05-14 to 1991-07-01
    E  entente                 FRA, SUN from 1944-12-10
    X  consultation            USA, FRA from 1950-01-01 (overlaps N: the stronger tie, 3, counts)
    K  non-aggression          DEU, SUN 1939-08-23, alliance ended 1941-06-22

In 1960 the portfolios (rows, columns in the order FRA, GBR, POL, SUN, USA) are

    FRA  3 3 0 1 3
    GBR  3 3 0 0 3
    POL  0 0 3 3 0
    SUN  1 0 3 3 0
    USA  3 3 0 0 3
"""

import itertools
import random
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from alliances.models.similarity import (
    active_ties,
    alliance_levels,
    cohen_kappa,
    portfolios,
    s_score,
    scott_pi,
    similarity_matrix,
    tie_level,
)

FLAGS = ("defence", "offence", "neutrality", "non_aggression", "consultation", "entente")


def _alliance(aid, ended=None, **flags):
    row = {"alliance_id": aid, "ended": ended, **{f: False for f in FLAGS}}
    row.update(flags)
    return row


@pytest.fixture
def alliances():
    frame = pd.DataFrame([
        _alliance("N", defence=True, consultation=True),
        _alliance("W", ended="1991-07-01", defence=True),
        _alliance("E", entente=True),
        _alliance("X", consultation=True),
        _alliance("K", ended="1941-06-22", non_aggression=True),
    ])
    frame["ended"] = pd.to_datetime(frame["ended"])
    return frame


@pytest.fixture
def members():
    rows = [
        ("N", "USA", "1949-04-04", None), ("N", "GBR", "1949-04-04", None), ("N", "FRA", "1949-04-04", None),
        ("W", "SUN", "1955-05-14", "1991-07-01"), ("W", "POL", "1955-05-14", "1991-07-01"),
        ("E", "FRA", "1944-12-10", None), ("E", "SUN", "1944-12-10", None),
        ("X", "USA", "1950-01-01", None), ("X", "FRA", "1950-01-01", None),
        ("K", "DEU", "1939-08-23", None), ("K", "SUN", "1939-08-23", None),
    ]
    frame = pd.DataFrame(rows, columns=["alliance_id", "iso3", "joined", "left"])
    frame["joined"] = pd.to_datetime(frame["joined"])
    frame["left"] = pd.to_datetime(frame["left"])
    return frame


ORDER = ["FRA", "GBR", "POL", "SUN", "USA"]
HAND_1960 = [
    [3, 3, 0, 1, 3],
    [3, 3, 0, 0, 3],
    [0, 0, 3, 3, 0],
    [1, 0, 3, 3, 0],
    [3, 3, 0, 0, 3],
]


# --- coding rule ---------------------------------------------------------------------------------

def test_strongest_obligation_decides_the_level():
    assert tie_level(defence=True, consultation=True) == 3
    assert tie_level(offence=True) == 3
    assert tie_level(neutrality=True, entente=True) == 2
    assert tie_level(non_aggression=True) == 2
    assert tie_level(entente=True) == 1
    assert tie_level(consultation=True) == 1
    assert tie_level() == 0
    assert tie_level(defence="True") == 3 and tie_level(defence=float("nan"), entente=1) == 1


def test_alliance_levels_and_missing_columns(alliances):
    assert alliance_levels(alliances).to_dict() == {"N": 3, "W": 3, "E": 1, "X": 1, "K": 2}
    with pytest.raises(ValueError, match="missing"):
        alliance_levels(alliances.drop(columns=["entente"]))
    with pytest.raises(ValueError, match="DataFrame"):
        alliance_levels([1, 2])


# --- portfolios ----------------------------------------------------------------------------------

def test_portfolios_1960_match_the_hand_table(alliances, members):
    table = portfolios(alliances, members, 1960)
    assert list(table.index) == ORDER and list(table.columns) == ORDER
    assert table.to_numpy().tolist() == HAND_1960


def test_portfolio_is_symmetric_with_three_on_the_diagonal(alliances, members):
    table = portfolios(alliances, members, 1960).to_numpy()
    assert (table == table.T).all()
    assert (np.diag(table) == 3).all()


def test_overlapping_ties_keep_the_strongest(alliances, members):
    # USA-FRA share a defence pact (3) and a consultation pact (1): the portfolio records 3.
    assert portfolios(alliances, members, 1960).loc["USA", "FRA"] == 3
    # Without N, only the consultation pact remains.
    assert portfolios(alliances, members[members["alliance_id"] != "N"], 1960).loc["USA", "FRA"] == 1


def test_year_boundaries_and_ended_alliances(alliances, members):
    # W ends on 1 July 1991: it counts in 1991 but not in 1992.
    assert portfolios(alliances, members, 1991).loc["SUN", "POL"] == 3
    assert "POL" not in portfolios(alliances, members, 1992).index
    # K is in force in 1940 (neutrality level 2) and its alliance ended in 1941: nothing in 1942.
    assert portfolios(alliances, members, 1940).to_numpy().tolist() == [[3, 2], [2, 3]]
    assert "DEU" not in portfolios(alliances, members, 1942, states=["USA"]).index
    assert set(active_ties(alliances, members, 1942)["alliance_id"]) == set()


def test_a_state_without_alliances_can_be_added(alliances, members):
    table = portfolios(alliances, members, 1960, states=["CHE"])
    assert table.loc["CHE"].sum() == 3 and table.loc["CHE", "CHE"] == 3
    assert portfolios(alliances, members, 1942, states=["USA"]).to_numpy().tolist() == [[3]]


def test_portfolio_errors(alliances, members):
    with pytest.raises(ValueError, match="no state"):
        portfolios(alliances, members, 1942)
    for bad in (1960.5, "1960", True, 99):
        with pytest.raises(ValueError, match="year"):
            portfolios(alliances, members, bad)
    with pytest.raises(ValueError, match="missing"):
        portfolios(alliances, members.drop(columns=["left"]), 1960)
    with pytest.raises(ValueError, match="unique"):
        portfolios(pd.concat([alliances, alliances]), members, 1960)


# --- S -------------------------------------------------------------------------------------------

def test_s_by_hand():
    # |3-3| + |0-2| + |1-1| = 2 over 3 partners: S = 1 - 2*2/(3*3) = 5/9
    assert s_score([3, 0, 1], [3, 2, 1]) == pytest.approx(5 / 9)
    assert s_score([3, 0, 1], [3, 0, 1]) == 1.0
    assert s_score([3, 3], [0, 0]) == -1.0
    # on a 0/1 scale with d_max = 1 S = 1 - 2 * (share of disagreements)
    assert s_score([1, 0, 0, 1], [1, 1, 0, 0], d_max=1) == pytest.approx(0.0)


def test_s_on_the_toy_world(alliances, members):
    table = portfolios(alliances, members, 1960)
    assert s_score(table.loc["FRA"], table.loc["GBR"]) == pytest.approx(1 - Fraction(2, 15))  # one step apart
    assert s_score(table.loc["GBR"], table.loc["USA"]) == 1.0
    assert s_score(table.loc["GBR"], table.loc["POL"]) == -1.0  # every entry 3 apart


def test_weighted_s():
    # weights 1 and 3: distance 3 on the first partner only -> 1 - 2*(1*3)/(4*3) = 0.5
    assert s_score([3, 0], [0, 0], weights=[1, 3]) == pytest.approx(0.5)
    # a zero weight ignores that partner completely
    assert s_score([3, 0], [0, 0], weights=[0, 1]) == 1.0


def test_s_is_symmetric_and_bounded_by_brute_force():
    rng = random.Random(4)
    for _ in range(200):
        n = rng.randint(1, 8)
        x = [rng.randint(0, 3) for _ in range(n)]
        y = [rng.randint(0, 3) for _ in range(n)]
        s = s_score(x, y)
        assert -1.0 <= s <= 1.0
        assert s == pytest.approx(s_score(y, x))
        mean_distance = sum(abs(a - b) for a, b in zip(x, y)) / n
        assert s == pytest.approx(1 - 2 * mean_distance / 3)


def test_s_errors():
    with pytest.raises(ValueError, match="same length"):
        s_score([1, 2], [1])
    with pytest.raises(ValueError, match="empty"):
        s_score([], [])
    with pytest.raises(ValueError, match="d_max"):
        s_score([1], [1], d_max=0)
    with pytest.raises(ValueError, match="d_max"):
        s_score([5], [0])  # differ by 5 on a scale whose range is 3
    with pytest.raises(ValueError, match="weights"):
        s_score([1, 2], [1, 2], weights=[1])
    with pytest.raises(ValueError, match="negative"):
        s_score([1, 2], [1, 2], weights=[1, -1])
    with pytest.raises(ValueError, match="positive"):
        s_score([1, 2], [1, 2], weights=[0, 0])
    with pytest.raises(ValueError, match="NaN"):
        s_score([1, float("nan")], [1, 2])


# --- kappa and pi --------------------------------------------------------------------------------

def test_kappa_textbook_example():
    # Two raters, 50 items: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no.
    # p_o = 35/50 = 0.7; p_e = 0.5*0.6 + 0.5*0.4 = 0.5; kappa = 0.2/0.5 = 0.4
    x = [1] * 20 + [1] * 5 + [0] * 10 + [0] * 15
    y = [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15
    assert cohen_kappa(x, y) == pytest.approx(0.4)
    # Scott's pi pools the marginals: yes = 55/100, p_e = 0.55^2 + 0.45^2 = 0.505
    assert scott_pi(x, y) == pytest.approx((0.7 - 0.505) / (1 - 0.505))


def test_kappa_and_pi_on_the_toy_world(alliances, members):
    table = portfolios(alliances, members, 1960)
    fra, gbr = table.loc["FRA"], table.loc["GBR"]
    # p_o = 4/5; FRA uses 3,3,0,1,3 and GBR 3,3,0,0,3: p_e = (3/5)(3/5) + (1/5)(2/5) = 11/25
    assert cohen_kappa(fra, gbr) == pytest.approx((4 / 5 - 11 / 25) / (1 - 11 / 25))  # 9/14
    # pooled: 3 -> 6/10, 0 -> 3/10, 1 -> 1/10, p_e = 0.46
    assert scott_pi(fra, gbr) == pytest.approx((0.8 - 0.46) / 0.54)  # 17/27


def test_kappa_ignores_agreement_expected_by_chance():
    # Two states with one ally each (different allies) among many states with no tie at all:
    # S calls them very similar, kappa says they agree no more than chance would predict.
    x = [3, 3, 0] + [0] * 17   # the state itself (3), its ally (3), the other state (0), 17 zeros
    y = [0, 0, 3] + [3] + [0] * 16
    assert s_score(x, y) == pytest.approx(1 - 2 * 12 / (20 * 3))  # = 0.6
    p_o = 16 / 20
    p_e = (2 / 20) * (2 / 20) + (18 / 20) * (18 / 20)
    assert cohen_kappa(x, y) == pytest.approx((p_o - p_e) / (1 - p_e))
    assert cohen_kappa(x, y) < 0 < s_score(x, y)


def test_kappa_is_one_for_identical_and_minus_one_for_swapped():
    assert cohen_kappa([3, 0, 1, 2], [3, 0, 1, 2]) == pytest.approx(1.0)
    assert cohen_kappa([3, 2], [2, 3]) == pytest.approx(-1.0)  # p_o = 0, p_e = 1/2


def test_kappa_brute_force_against_a_contingency_table():
    rng = random.Random(7)
    for _ in range(100):
        n = rng.randint(2, 9)
        x = [rng.randint(0, 3) for _ in range(n)]
        y = [rng.randint(0, 3) for _ in range(n)]
        table = {(a, b): 0 for a, b in itertools.product(range(4), repeat=2)}
        for a, b in zip(x, y):
            table[a, b] += 1
        p_o = sum(table[k, k] for k in range(4)) / n
        rows = [sum(table[k, j] for j in range(4)) / n for k in range(4)]
        cols = [sum(table[j, k] for j in range(4)) / n for k in range(4)]
        p_e = sum(r * c for r, c in zip(rows, cols))
        if p_e == 1:
            with pytest.raises(ValueError, match="undefined"):
                cohen_kappa(x, y)
            continue
        assert cohen_kappa(x, y) == pytest.approx((p_o - p_e) / (1 - p_e))


def test_kappa_undefined_for_one_shared_category():
    with pytest.raises(ValueError, match="undefined"):
        cohen_kappa([3, 3], [3, 3])
    with pytest.raises(ValueError, match="undefined"):
        scott_pi([0, 0, 0], [0, 0, 0])
    with pytest.raises(ValueError, match="same length"):
        cohen_kappa([1, 2, 3], [1, 2])


# --- similarity matrix ---------------------------------------------------------------------------

def test_similarity_matrix(alliances, members):
    table = portfolios(alliances, members, 1960)
    m = similarity_matrix(table, ["USA", "GBR", "POL"], "s")
    assert list(m.index) == ["USA", "GBR", "POL"] and list(m.columns) == ["USA", "GBR", "POL"]
    assert np.allclose(np.diag(m), 1.0)
    assert m.loc["USA", "GBR"] == 1.0 and m.loc["USA", "POL"] == -1.0
    assert np.allclose(m.to_numpy(), m.to_numpy().T)
    k = similarity_matrix(table, ["FRA", "GBR"], "kappa")
    assert k.loc["FRA", "GBR"] == pytest.approx(9 / 14)
    custom = similarity_matrix(table, ["FRA", "GBR"], lambda a, b: float((a == b).sum()))
    assert custom.loc["FRA", "GBR"] == 4.0


def test_similarity_matrix_marks_undefined_kappa_as_nan():
    frame = pd.DataFrame([[3, 3], [3, 3]], index=["A", "B"], columns=["A", "B"])
    m = similarity_matrix(frame, ["A", "B"], "kappa")
    assert m.isna().all().all()
    assert similarity_matrix(frame, ["A", "B"], "s").loc["A", "B"] == 1.0


def test_similarity_matrix_errors(alliances, members):
    table = portfolios(alliances, members, 1960)
    with pytest.raises(ValueError, match="not in the portfolio"):
        similarity_matrix(table, ["USA", "CHN"])
    with pytest.raises(ValueError, match="measure"):
        similarity_matrix(table, ["USA"], "tau")
    with pytest.raises(ValueError, match="at least one"):
        similarity_matrix(table, [])
    with pytest.raises(ValueError, match="repeat"):
        similarity_matrix(table, ["USA", "USA"])
    with pytest.raises(ValueError, match="DataFrame"):
        similarity_matrix([[3]], ["USA"])


# --- distance-weighted kappa (Häge's ordinal version) against a hand-worked example ---------------

def test_weighted_kappa_hand_worked():
    """x = 3 3 0 0 0, y = 3 0 0 0 1.

    Linear distances |x_i - y_i| = 0 3 0 0 1, so D_o = 4/5. Margins: x has 3 with 2/5, 0 with 3/5;
    y has 3, 0, 1 with 1/5, 3/5, 1/5. D_e = 2/5 * (3/5*3 + 1/5*2) + 3/5 * (1/5*3 + 1/5*1)
    = 22/25 + 12/25 = 34/25, so kappa_w = 1 - (4/5)/(34/25) = 7/17.
    Quadratic: D_o = (9 + 1)/5 = 2, D_e = 2/5 * (3/5*9 + 1/5*4) + 3/5 * (1/5*9 + 1/5*1) = 92/25,
    kappa_w = 1 - 50/92 = 21/46. Unweighted: p_o = 3/5, p_e = 2/5*1/5 + 3/5*3/5 = 11/25, kappa = 2/7.
    """
    from alliances.models.similarity import weighted_kappa

    x, y = [3, 3, 0, 0, 0], [3, 0, 0, 0, 1]
    assert weighted_kappa(x, y) == pytest.approx(7 / 17)
    assert weighted_kappa(x, y, power=2) == pytest.approx(21 / 46)
    assert cohen_kappa(x, y) == pytest.approx(2 / 7)
    # a near miss (3 against 2) costs less than a far one (3 against 0) only in the weighted version
    assert weighted_kappa(x, x) == 1.0
    assert weighted_kappa([3, 3, 0, 0, 2], [3, 2, 0, 0, 2]) > weighted_kappa([3, 3, 0, 0, 2], [3, 0, 0, 0, 2])


def test_weighted_kappa_with_two_levels_equals_cohen_kappa():
    """With only two levels every disagreement has the same distance, so weighting changes nothing."""
    from alliances.models.similarity import weighted_kappa

    rng = random.Random(7)
    for _ in range(50):
        x = [rng.choice([0, 3]) for _ in range(12)]
        y = [rng.choice([0, 3]) for _ in range(12)]
        if len(set(x)) == 1 and set(x) == set(y):
            continue
        assert weighted_kappa(x, y) == pytest.approx(cohen_kappa(x, y))


@pytest.mark.parametrize("power", [0, -1, float("nan"), True, "2"])
def test_weighted_kappa_rejects_bad_power(power):
    from alliances.models.similarity import weighted_kappa

    with pytest.raises(ValueError, match="power"):
        weighted_kappa([3, 0], [0, 3], power=power)


def test_weighted_kappa_undefined_for_one_identical_level():
    from alliances.models.similarity import weighted_kappa

    with pytest.raises(ValueError, match="undefined"):
        weighted_kappa([0, 0, 0], [0, 0, 0])

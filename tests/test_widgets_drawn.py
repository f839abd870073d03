"""What each widget draws is right (issue 9.20, 16.7): the plotted data and the numbers in its title
and description match values worked out here by hand, by closed form or by brute force, at the
default setting and at the ends of the controls that matter."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection
from matplotlib.patches import Rectangle

from alliances.data import load


def _title(view) -> str:
    fig = view._figure
    parts = [fig._suptitle.get_text() if fig._suptitle else ""] + [ax.get_title() for ax in fig.axes]
    return " | ".join(parts)


# --- chapter 3: bargaining --------------------------------------------------------------------

def test_bargaining_bars_are_the_nash_split():
    from alliances.widgets.negotiation import bargaining_explorer

    view = bargaining_explorer()  # A 1, B 2, ally 2 joining with probability 0.75, stakes 100, cost 10 each
    p_alone = 1 / 3
    p_backed = 0.75 * 3 / 5 + 0.25 * 1 / 3  # 0.5333...
    # equal costs cancel: Nash's split gives A p * stakes
    bars = [p for p in view._figure.axes[1].patches if isinstance(p, Rectangle)][:2]
    assert [b.get_width() for b in bars] == pytest.approx([100 * p_alone, 100 * p_backed])
    assert "from 33% to 53%" in _title(view)
    assert "rises to 53.3" in view.summary

    view.update(reliability=0.0)
    bars = [p for p in view._figure.axes[1].patches if isinstance(p, Rectangle)][:2]
    assert [b.get_width() for b in bars] == pytest.approx([100 / 3, 100 / 3])
    assert "does not change" in _title(view) and "raises" not in _title(view)
    assert "stays at 33.3" in view.summary and "rises" not in view.summary

    view.update(reliability=1.0, ally=0.0)
    assert "does not change" in _title(view) and "adds no strength" in view.summary


def _banzhaf(weights, quota):
    """Normalised Banzhaf index by enumerating every coalition."""
    n = len(weights)
    swings = [0] * n
    for members in itertools.product((0, 1), repeat=n):
        total = sum(w for w, m in zip(weights, members) if m)
        if total < quota:
            continue
        for i in range(n):
            if members[i] and total - weights[i] < quota:
                swings[i] += 1
    return [s / sum(swings) for s in swings]


def test_voting_power_bars_match_brute_force_banzhaf():
    from alliances.widgets.negotiation import voting_power_calculator

    view = voting_power_calculator()  # votes 4, 3, 2, 1, 1; quota 51% of 11 -> 6 votes
    expected = _banzhaf([4, 3, 2, 1, 1], 6)
    ax = view._figure.axes[0]
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert [b.get_height() for b in bars[:5]] == pytest.approx([w / 11 for w in (4, 3, 2, 1, 1)])
    assert [b.get_height() for b in bars[5:10]] == pytest.approx(expected)
    assert "quota of 6 out of 11" in view.summary

    view.update(quota_pct=100)  # unanimity: every member with votes is equally pivotal
    bars = [p for p in view._figure.axes[0].patches if isinstance(p, Rectangle)]
    assert [b.get_height() for b in bars[5:10]] == pytest.approx([0.2] * 5)


# --- chapter 5: deterrence --------------------------------------------------------------------

def test_deterrence_line_threshold_and_verdict():
    from alliances.widgets.deterrence import deterrence_calculator

    view = deterrence_calculator()  # c 1, d 1, a 2, V 100, k 20, e 10, r 0.5
    e0 = 1 / 2 * 100 - 20  # 30: the protégé alone
    e1 = 1 / 4 * 100 - 20 - 10  # -5: the ally fights
    r_star = e0 / (e0 - e1)
    line = next(l for l in view._figure.axes[0].lines if len(l.get_xdata()) > 10)
    assert line.get_ydata()[0] == pytest.approx(e0) and line.get_ydata()[-1] == pytest.approx(e1)
    assert f"r* = {r_star:.2f}" in view.summary
    assert "ATTACKS (E = 12.5)" in _title(view)

    view.update(reliability=1.0)
    assert "DETERRED (E = -5.0)" in _title(view) and "is deterred" in view.summary
    view.update(reliability=0.0)
    assert "ATTACKS (E = 30.0)" in _title(view)


# --- chapter 1: explorer ----------------------------------------------------------------------

def _in_force(frame, year, start="signed"):
    """In force on some day of ``year``, end date exclusive (worked out here with plain dates)."""
    first, last = pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)
    starts = frame[start].where(frame[start].notna(), frame["signed"]) if start in frame else frame["signed"]
    return [s <= last and (pd.isna(e) or e > first) for s, e in zip(starts, frame["ended"])]


PLEDGES = ("defence", "offence", "neutrality", "non_aggression", "consultation", "entente")


def test_explorer_counts_what_it_draws():
    from alliances.widgets.explorer import alliance_explorer

    alliances = load("alliances")
    # chapter 1's definition: a treaty with at least one pledge (AUKUS, with none, is not drawn)
    pledged = alliances[[any(row.get(p) is True or row.get(p) == 1 for p in PLEDGES)
                         for row in alliances.to_dict("records")]]
    view = alliance_explorer(year=1960)
    drawn = [p for p in view._figure.axes[0].patches if isinstance(p, Rectangle) and math.isclose(p.get_height(), 0.7)]
    active = sum(_in_force(pledged, 1960, start="in_force"))
    assert len(drawn) == len(pledged)  # the full range of years: every alliance is shown
    assert f"{active} of {len(pledged)} alliances shown were active in 1960" in _title(view)
    outlined = [p for p in drawn if p.get_linewidth() == 1.0]
    assert len(outlined) == active


# --- chapter 2: network -----------------------------------------------------------------------

def test_network_nodes_and_ties_match_the_memberships():
    from alliances.widgets.network import alliance_network

    members = load("alliance_members")
    view = alliance_network(year=1960)
    rows = members[_in_force(members.rename(columns={"joined": "signed", "left": "ended"}), 1960)]
    by_alliance = rows.groupby("alliance_id")["iso3"].apply(set)
    states = set(rows["iso3"])
    ties = {frozenset(p) for group in by_alliance for p in itertools.combinations(sorted(group), 2)}
    drawn = sum(len(c.get_offsets()) for c in view._figure.axes[0].collections if isinstance(c, PathCollection))
    assert drawn == len(states)
    assert f"{len(states)} states" in _title(view)
    assert f"joined by {len(ties)} alliance tie" in view.summary


# --- chapter 4: similarity --------------------------------------------------------------------

def _s(x, y):
    """Signorino and Ritter's S with tie levels 0..3: 1 - 2 * (mean absolute difference) / 3."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    return 1 - 2 * np.abs(x - y).sum() / (3 * len(x))


def test_portfolio_table_and_s_match_the_portfolios():
    from alliances.models.similarity import portfolios
    from alliances.widgets.similarity import portfolio_comparison

    view = portfolio_comparison(state_a="USA", state_b="TUR", year=1980)
    table = portfolios(load("alliances"), load("alliance_members"), 1980, states=("USA", "TUR"))
    x, y = table.loc["USA"].to_numpy(), table.loc["TUR"].to_numpy()
    counts = [[int(((x == i) & (y == j)).sum()) for j in range(4)] for i in range(4)]
    cells = [t for t in view._figure.axes[0].texts]
    drawn = {(round(t.get_position()[1]), round(t.get_position()[0])): int(t.get_text()) for t in cells}
    assert drawn == {(i, j): counts[i][j] for i in range(4) for j in range(4)}
    assert f"S = {_s(x, y):+.2f}" in _title(view)


def test_heatmap_cells_are_pairwise_s():
    from alliances.models.similarity import portfolios
    from alliances.widgets.similarity import groups_from_data, similarity_heatmap

    alliances, members = load("alliances"), load("alliance_members")
    view = similarity_heatmap(year=1985)
    group = view.controls["group"].value
    states = list(groups_from_data(alliances, members)[group])
    table = portfolios(alliances, members, 1985, states=tuple(states))
    texts = {(round(t.get_position()[1]), round(t.get_position()[0])): t.get_text() for t in view._figure.axes[0].texts}
    assert len(texts) == len(states) * (len(states) - 1) // 2  # each pair once
    for (i, j), text in texts.items():
        assert i > j
        s = _s(table.loc[states[i]], table.loc[states[j]])
        assert text == ("n/a" if math.isnan(s) else f"{s:.2f}"), (states[i], states[j])

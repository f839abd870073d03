"""Chapters 1-2 ATOP views: what is drawn and described matches a hand-made set of dyad-years."""

import pandas as pd
import pytest
from matplotlib.figure import Figure

from alliances.widgets.atop import (
    atop_network,
    draw_atop_network,
    draw_pledged_pairs,
    pledged_pairs_over_time,
)
from alliances.models.atop import pledged_pairs_by_year

COLUMNS = ["ccode1", "ccode2", "year", "defence", "offence", "neutrality", "non_aggression", "consultation"]


def directed(rows):
    """Both orders of each pair, as ATOP's dyad-years list them."""
    both = rows + [(b, a, *rest) for a, b, *rest in rows]
    return pd.DataFrame(both, columns=COLUMNS)


# 1950: USA(2)-Canada(20) defence; Russia(365)-China(710) defence and consultation;
# USA(2)-Russia(365) consultation only. 1951: only USA-Canada defence.
TOY = directed([
    (2, 20, 1950, 1, 0, 0, 0, 0),
    (365, 710, 1950, 1, 0, 0, 0, 1),
    (2, 365, 1950, 0, 0, 0, 0, 1),
    (2, 20, 1951, 1, 0, 0, 0, 0),
])


def test_defence_network_by_hand():
    fig = Figure()
    text = draw_atop_network(fig, 1950, "defence", dyads=TOY)
    # two defence pairs, four states, two blocs of two; every state has one partner
    assert "the 4 states that shared a defence pledge" in text
    assert "2 pairs, in 2 blocs" in text
    assert "The largest bloc has 2 states" in text
    assert "with 1 partner." in text
    ax = fig.axes[0]
    assert len(ax.collections[0].get_segments()) == 2          # one line per pair
    assert len(ax.collections[1].get_offsets()) == 4          # one dot per state


def test_consultation_network_joins_the_blocs():
    text = draw_atop_network(Figure(), 1950, "consultation", dyads=TOY)
    # consultation pairs: 365-710 and 2-365, a single chain of three states
    assert "the 3 states" in text and "2 pairs, in 1 bloc " in text
    assert "The best-connected state is RUS, with 2 partners." in text


def test_empty_year_says_so():
    text = draw_atop_network(Figure(), 1951, "neutrality", dyads=TOY)
    assert text.startswith("In 1951 no pair of states shared a neutrality pledge")


def test_pledged_pairs_description_matches_counts():
    counts = pledged_pairs_by_year(TOY)
    assert counts.loc[1950, "defence"] == 2 and counts.loc[1950, "any_pledge"] == 3   # by hand above
    text = draw_pledged_pairs(Figure(), "defence", counts=counts)
    assert "peaks at 2 pairs in 1950" in text
    assert "stands at 1 in 1951" in text
    assert "In 1951, 100% of allied pairs shared a defence pledge" in text


def test_factories_use_the_given_data():
    view = atop_network(TOY)
    assert (view.controls["year"].min, view.controls["year"].max) == (1950, 1951)
    view.update(year=1950, obligation="consultation")
    assert "the 3 states" in view.summary
    assert "peaks at 2 pairs" in pledged_pairs_over_time(TOY).summary

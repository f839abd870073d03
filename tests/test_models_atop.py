"""alliances.models.atop on tiny hand-made dyad-year frames (expected values worked out by hand)."""

from __future__ import annotations

import pandas as pd
import pytest

from alliances.models import atop

COLS = ["ccode1", "ccode2", "year", "defence", "offence", "neutrality", "non_aggression", "consultation"]


def directed(rows):
    """Both orders of each undirected row (ATOP's layout)."""
    frame = pd.DataFrame(rows, columns=COLS)
    flipped = frame.rename(columns={"ccode1": "ccode2", "ccode2": "ccode1"})[COLS]
    return pd.concat([frame, flipped], ignore_index=True)


@pytest.fixture
def dyads():
    # 1900: 2-200 defence+consultation; 2-365 non-aggression only. 1901: nothing.
    # 1902: 2-200 defence again (a new spell); 200-365 defence (new). 1903: 200-365 defence (continues).
    return directed([
        (2, 200, 1900, 1, 0, 0, 0, 1),
        (2, 365, 1900, 0, 0, 0, 1, 0),
        (2, 200, 1902, 1, 0, 0, 0, 0),
        (200, 365, 1902, 1, 1, 0, 0, 0),
        (200, 365, 1903, 1, 0, 0, 0, 0),
    ])


def test_undirected_keeps_each_pair_once(dyads):
    assert len(dyads) == 10
    pairs = atop.undirected(dyads)
    assert len(pairs) == 5 and (pairs["ccode1"] < pairs["ccode2"]).all()


def test_pledged_pairs_by_year(dyads):
    table = atop.pledged_pairs_by_year(dyads)
    assert list(table.index) == [1900, 1901, 1902, 1903]
    assert table["defence"].tolist() == [1, 0, 2, 1]
    assert table["non_aggression"].tolist() == [1, 0, 0, 0]
    assert table["offence"].tolist() == [0, 0, 1, 0]
    assert table["any_pledge"].tolist() == [2, 0, 2, 1]


def test_pledged_pairs_period_and_subset(dyads):
    table = atop.pledged_pairs_by_year(dyads, obligations=["defence"], first_year=1899, last_year=1900)
    assert table.to_dict("list") == {"defence": [0, 1], "any_pledge": [0, 2]}


def test_pledge_edges_and_graph(dyads):
    assert atop.pledge_edges(dyads, 1902).values.tolist() == [[2, 200], [200, 365]]
    assert atop.pledge_edges(dyads, 1900, "non_aggression").values.tolist() == [[2, 365]]
    assert atop.pledge_edges(dyads, 1901).empty
    graph = atop.pledge_graph(dyads, 1902)
    assert set(graph.nodes) == {2, 200, 365} and graph.number_of_edges() == 2


def test_pairs_formed_by_decade(dyads):
    # defence spells: 2-200 from 1900, 2-200 again from 1902, 200-365 from 1902 -> 3 in the 1900s
    formed = atop.pairs_formed_by_decade(dyads)
    assert formed.to_dict() == {1900: 3}
    assert atop.pairs_formed_by_decade(dyads, "non_aggression").to_dict() == {1900: 1}


def test_decades_without_formation_are_zero():
    frame = directed([(2, 200, 1815, 1, 0, 0, 0, 0), (2, 200, 1816, 1, 0, 0, 0, 0), (2, 20, 1832, 1, 0, 0, 0, 0)])
    assert atop.pairs_formed_by_decade(frame).to_dict() == {1810: 1, 1820: 0, 1830: 1}


@pytest.mark.parametrize("bad", ["defense", "alliance", 3])
def test_unknown_obligation(dyads, bad):
    with pytest.raises(ValueError, match="obligation"):
        atop.pledge_edges(dyads, 1900, bad)


def test_bad_inputs(dyads):
    with pytest.raises(ValueError):
        atop.pledge_edges(dyads, "1900x")
    with pytest.raises(ValueError):
        atop.undirected([1, 2, 3])
    with pytest.raises(ValueError, match="backwards"):
        atop.pledged_pairs_by_year(dyads, first_year=1903, last_year=1900)


def test_on_the_research_data_1815():
    from alliances.data import load

    dyads = load("atop_dyad_years")
    table = atop.pledged_pairs_by_year(dyads, first_year=1815, last_year=1815)
    # counted directly: rows of 1815 with ccode1 < ccode2 and defence == 1
    rows = dyads[(dyads.year == 1815) & (dyads.ccode1 < dyads.ccode2)]
    assert table.loc[1815, "defence"] == int(rows["defence"].sum()) == 63

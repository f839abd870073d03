"""Chapter 2 model (alliance network) against a small hand-made membership table worked out by hand.

The toy world (dates chosen to sit on the edges of calendar years):

    A  (multilateral)  USA, GBR, FRA from 1949-04-04; DEU from 1955-05-06
    B  (multilateral)  SUN, POL, CZE from 1955-05-14, left 1991-07-01; ALB 1955-05-14 to 1968-09-13
    C  (bilateral)     USA, GBR from 1950-01-01, left 1959-12-31
    D  (bilateral)     USA, JPN from 1960-06-23
    E  (bilateral)     GBR, POL from 1992-03-01
"""

from itertools import combinations

import networkx as nx
import pandas as pd
import pytest

from alliances.models.network import (
    alliance_graph,
    alliance_members,
    bloc_of,
    blocs,
    degree_table,
    members_in_year,
    network_by_year,
    network_summary,
)

ROWS = [
    ("A", "USA", "1949-04-04", None), ("A", "GBR", "1949-04-04", None), ("A", "FRA", "1949-04-04", None),
    ("A", "DEU", "1955-05-06", None),
    ("B", "SUN", "1955-05-14", "1991-07-01"), ("B", "POL", "1955-05-14", "1991-07-01"),
    ("B", "CZE", "1955-05-14", "1991-07-01"), ("B", "ALB", "1955-05-14", "1968-09-13"),
    ("C", "USA", "1950-01-01", "1959-12-31"), ("C", "GBR", "1950-01-01", "1959-12-31"),
    ("D", "USA", "1960-06-23", None), ("D", "JPN", "1960-06-23", None),
    ("E", "GBR", "1992-03-01", None), ("E", "POL", "1992-03-01", None),
]


@pytest.fixture
def members():
    frame = pd.DataFrame(ROWS, columns=["alliance_id", "iso3", "joined", "left"])
    frame["joined"] = pd.to_datetime(frame["joined"])
    frame["left"] = pd.to_datetime(frame["left"])
    frame["state"] = frame["iso3"].map({"USA": "United States", "GBR": "United Kingdom"}).fillna(frame["iso3"])
    return frame


WEST = {"USA", "GBR", "FRA", "DEU", "JPN"}
EAST = {"SUN", "POL", "CZE", "ALB"}


def test_memberships_in_a_year_count_any_overlap(members):
    # 1959: C ends on 31 Dec 1959, so it still counts; D starts in 1960, so it does not.
    ids_1959 = set(members_in_year(members, 1959)["alliance_id"])
    assert ids_1959 == {"A", "B", "C"}
    assert set(members_in_year(members, 1960)["alliance_id"]) == {"A", "B", "D"}
    # Albania leaves B in September 1968: a member in 1968, not in 1969.
    assert "ALB" in alliance_members(members, "B", 1968)
    assert alliance_members(members, "B", 1969) == {"SUN", "POL", "CZE"}
    # B dissolves on 1 July 1991: active in 1991, gone in 1992.
    assert alliance_members(members, "B", 1991) == {"SUN", "POL", "CZE"}
    assert alliance_members(members, "B", 1992) == set()


def test_graph_1960_by_hand(members):
    g = alliance_graph(members, 1960)
    assert set(g.nodes) == WEST | EAST
    # A is a 4-clique (6 edges), B a 4-clique (6 edges), D one edge: 13 edges in all.
    assert g.number_of_edges() == 6 + 6 + 1
    assert all(d["weight"] == 1 for _, _, d in g.edges(data=True))  # C has ended, no pair shares two
    assert g["USA"]["JPN"]["alliances"] == ["D"]
    assert not g.has_edge("USA", "SUN")
    assert g.nodes["USA"]["state"] == "United States"
    assert g.nodes["USA"]["alliances"] == ["A", "D"]


def test_edge_weight_counts_shared_alliances(members):
    # 1959: USA and GBR share A and C.
    g = alliance_graph(members, 1959)
    assert g["USA"]["GBR"]["weight"] == 2
    assert sorted(g["USA"]["GBR"]["alliances"]) == ["A", "C"]
    assert g["USA"]["FRA"]["weight"] == 1


def test_blocs_1960_are_two_components(members):
    groups = blocs(alliance_graph(members, 1960))
    assert groups == [WEST, EAST]  # largest first
    assert bloc_of(alliance_graph(members, 1960), "JPN") == WEST


def test_a_bridging_alliance_merges_the_blocs(members):
    # 1992: B has gone, E links GBR to POL; SUN and CZE have no active alliance and drop out.
    g = alliance_graph(members, 1992)
    assert set(g.nodes) == WEST | {"POL"}
    assert blocs(g) == [WEST | {"POL"}]
    assert network_summary(g)["blocs"] == 1
    # 1991: B still active and E not yet signed: two blocs, West (5) and East (3).
    assert [len(b) for b in blocs(alliance_graph(members, 1991))] == [5, 3]


def test_degree_table_by_hand(members):
    table = degree_table(alliance_graph(members, 1959)).set_index("iso3")
    # 1959: USA's partners GBR, FRA, DEU (3); ties: GBR twice (A, C), FRA, DEU once -> 4.
    assert table.loc["USA", "degree"] == 3
    assert table.loc["USA", "weighted_degree"] == 4
    assert table.loc["FRA", "weighted_degree"] == 3
    assert table.loc["ALB", "degree"] == 3
    assert table.loc["USA", "state"] == "United States"
    # 1960: USA has four partners (GBR, FRA, DEU, JPN) and tops the table; JPN has one.
    t60 = degree_table(alliance_graph(members, 1960))
    assert t60.iloc[0]["iso3"] == "USA" and t60.iloc[0]["degree"] == 4
    assert t60.set_index("iso3").loc["JPN", "degree"] == 1
    assert list(t60.columns) == ["iso3", "state", "degree", "weighted_degree", "bloc"]
    assert set(t60.loc[t60["bloc"] == 2, "iso3"]) == EAST


def test_degree_sums_equal_twice_the_edges(members):
    for year in (1950, 1959, 1960, 1968, 1992):
        g = alliance_graph(members, year)
        table = degree_table(g)
        assert table["degree"].sum() == 2 * g.number_of_edges()
        assert table["weighted_degree"].sum() == 2 * sum(d["weight"] for _, _, d in g.edges(data=True))


def test_summary_density_by_hand(members):
    s = network_summary(alliance_graph(members, 1960))
    # 9 states, 13 ties: density = 2 * 13 / (9 * 8) = 26 / 72.
    assert s == {"states": 9, "ties": 13, "blocs": 2, "largest_bloc": 5, "density": pytest.approx(26 / 72)}


def test_year_with_no_alliances_gives_an_empty_graph(members):
    g = alliance_graph(members, 1900)
    assert g.number_of_nodes() == 0
    assert blocs(g) == [] and blocs(g, "communities") == []
    assert degree_table(g).empty
    assert network_summary(g) == {"states": 0, "ties": 0, "blocs": 0, "largest_bloc": 0, "density": 0.0}


def test_lone_member_is_an_isolated_node():
    frame = pd.DataFrame({"alliance_id": ["X"], "iso3": ["ISL"], "joined": ["1950-01-01"], "left": [None]})
    g = alliance_graph(frame, 1960)
    assert list(g.nodes) == ["ISL"] and g.number_of_edges() == 0
    assert blocs(g) == [{"ISL"}] and blocs(g, "communities") == [{"ISL"}]


def _modularity_by_hand(g: nx.Graph, part: list[set]) -> float:
    """Q = sum over groups of [L_c / m - (d_c / 2m)^2], unweighted here (all weights are 1)."""
    m = g.number_of_edges()
    q = 0.0
    for group in part:
        inside = sum(1 for a, b in g.edges if a in group and b in group)
        degree = sum(g.degree(n) for n in group)
        q += inside / m - (degree / (2 * m)) ** 2
    return q


def test_communities_split_two_cliques_joined_by_one_alliance():
    # Two four-member alliances and one bilateral alliance linking them: one component,
    # but the best two-way split (by brute force over all bipartitions) is the two alliances.
    rows = [("P", s, "1950-01-01", None) for s in "abcd"] + [("Q", s, "1950-01-01", None) for s in "efgh"]
    rows += [("R", "d", "1950-01-01", None), ("R", "e", "1950-01-01", None)]
    frame = pd.DataFrame(rows, columns=["alliance_id", "iso3", "joined", "left"])
    g = alliance_graph(frame, 1960)
    assert blocs(g) == [set("abcdefgh")]
    nodes = sorted(g.nodes)
    best = max(
        ([set(c), set(nodes) - set(c)] for k in range(1, 8) for c in combinations(nodes, k)),
        key=lambda part: _modularity_by_hand(g, part),
    )
    assert sorted(map(sorted, best)) == [list("abcd"), list("efgh")]
    assert blocs(g, "communities") == [set("abcd"), set("efgh")]


def test_string_dates_are_accepted():
    frame = pd.DataFrame({"alliance_id": ["X", "X"], "iso3": ["AAA", "BBB"],
                          "joined": ["1950-01-01", "1950-01-01"], "left": [None, "1955-06-30"]})
    assert alliance_graph(frame, 1955).has_edge("AAA", "BBB")
    assert not alliance_graph(frame, 1956).has_edge("AAA", "BBB")


@pytest.mark.parametrize("year", ["1960", 1960.5, True, None, 50])
def test_bad_years_raise(members, year):
    with pytest.raises(ValueError, match="year"):
        alliance_graph(members, year)


def test_bad_inputs_raise(members):
    with pytest.raises(ValueError, match="missing the column"):
        alliance_graph(members.drop(columns=["left"]), 1960)
    with pytest.raises(ValueError, match="DataFrame"):
        alliance_graph([("A", "USA")], 1960)
    backwards = members.copy()
    backwards.loc[0, "left"] = pd.Timestamp("1940-01-01")
    with pytest.raises(ValueError, match="before it joins"):
        alliance_graph(backwards, 1960)
    no_start = members.copy()
    no_start.loc[0, "joined"] = pd.NaT
    with pytest.raises(ValueError, match="joined"):
        alliance_graph(no_start, 1960)
    g = alliance_graph(members, 1960)
    with pytest.raises(ValueError, match="method"):
        blocs(g, "cliques")
    with pytest.raises(ValueError, match="not in the network"):
        bloc_of(g, "CHN")
    with pytest.raises(ValueError, match="networkx Graph"):
        blocs({"USA": ["GBR"]})
    with pytest.raises(ValueError, match="networkx Graph"):
        degree_table(None)


def test_network_by_year_by_hand(members):
    table = network_by_year(members, [1900, 1960, 1992]).set_index("year")
    assert list(table.index) == [1900, 1960, 1992]
    # 1900: nothing; 1960: 9 states, 2 blocs, largest 5 -> share 5/9; 1992: 6 states, 1 bloc -> share 1.
    assert table.loc[1900, "states"] == 0 and table.loc[1900, "largest_share"] == 0.0
    assert table.loc[1960, "blocs"] == 2 and table.loc[1960, "largest_share"] == pytest.approx(5 / 9)
    assert table.loc[1992, "blocs"] == 1 and table.loc[1992, "largest_share"] == 1.0
    with pytest.raises(ValueError, match="at least one year"):
        network_by_year(members, [])
    with pytest.raises(ValueError, match="year"):
        network_by_year(members, [1960, "1961"])


def test_leaving_and_rejoining_in_one_year_counts_once():
    # GRC leaves alliance X in March 1974 and rejoins in 1980: two rows, one shared alliance in 1974.
    frame = pd.DataFrame({"alliance_id": ["X", "X", "X"], "iso3": ["GRC", "GRC", "TUR"],
                          "joined": ["1952-02-18", "1980-10-20", "1952-02-18"], "left": ["1974-03-01", None, None]})
    assert alliance_graph(frame, 1974)["GRC"]["TUR"]["weight"] == 1
    assert not alliance_graph(frame, 1975).has_edge("GRC", "TUR")
    assert alliance_graph(frame, 1980)["GRC"]["TUR"]["weight"] == 1


def test_leaving_on_new_years_day_does_not_count_for_that_year():
    # A treaty that terminates on 1 January 1980 is not in force on any day of 1980.
    frame = pd.DataFrame({"alliance_id": ["T", "T"], "iso3": ["USA", "TWN"],
                          "joined": ["1955-03-03", "1955-03-03"], "left": ["1980-01-01", "1980-01-01"]})
    assert alliance_graph(frame, 1979).has_edge("USA", "TWN")
    assert alliance_graph(frame, 1980).number_of_nodes() == 0
    # Joining on 31 December is enough to count for that year.
    late = pd.DataFrame({"alliance_id": ["L", "L"], "iso3": ["AAA", "BBB"],
                         "joined": ["1990-12-31", "1990-12-31"], "left": [None, None]})
    assert alliance_graph(late, 1990).has_edge("AAA", "BBB")
    assert alliance_graph(late, 1989).number_of_nodes() == 0

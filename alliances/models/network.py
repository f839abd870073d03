"""The alliance network in one year: who is tied to whom, how strongly, and which blocs form.

States are nodes. Two states are joined by an edge when they are members of at least one alliance
that is active in the chosen year, and the edge's weight is the number of alliances they share:

    w(i, j) = | A_i(y) ∩ A_j(y) |,

where ``A_i(y)`` is the set of alliances state ``i`` belongs to in year ``y``. A state's *degree*
is its number of partners, ``deg(i) = |{j : w(i, j) > 0}|``; its *weighted degree* (strength) is
``s(i) = sum_j w(i, j)``, the number of (partner, alliance) ties it has. *Blocs* are the connected
components of the graph (states linked by any chain of alliances) or, optionally, communities
found by greedy modularity maximisation, which can split a component where it is loosely knit.

A membership counts in year ``y`` by the course's one rule,
:func:`alliances.models.common.in_force_during`: from ``joined`` up to, but not including, ``left``,
on at least one day of the year. Pass the alliance list (``alliances=load("alliances")``) to apply
the course's definition of an alliance (:func:`alliances.models.common.is_alliance`: AUKUS, with
no pledge, draws no edge) and to drop memberships of treaties that had already ended. The functions
are pure: no I/O, no state, no plotting.
"""

from __future__ import annotations

from itertools import combinations

import networkx as nx
import pandas as pd

from alliances.models.common import alliances_in_force, check_table, check_year, check_years, in_force_during

MEMBER_COLUMNS = ("alliance_id", "iso3", "joined", "left")
BLOC_METHODS = ("components", "communities")




def _check_members(members: pd.DataFrame) -> pd.DataFrame:
    check_table(members, MEMBER_COLUMNS, "members", "alliance_members")
    frame = members.copy()
    frame["joined"] = pd.to_datetime(frame["joined"])
    frame["left"] = pd.to_datetime(frame["left"])
    if frame["joined"].isna().any():
        raise ValueError("every membership needs a 'joined' date")
    if frame["iso3"].isna().any() or frame["alliance_id"].isna().any():
        raise ValueError("every membership needs an 'alliance_id' and an 'iso3' code")
    backwards = frame["left"].notna() & (frame["left"] < frame["joined"])
    if backwards.any():
        row = frame[backwards].iloc[0]
        raise ValueError(f"{row['iso3']} leaves {row['alliance_id']} before it joins")
    return frame


def members_in_year(members: pd.DataFrame, year: int, alliances: pd.DataFrame | None = None) -> pd.DataFrame:
    """The memberships in force on at least one day of ``year`` (rows of ``members``, same columns).

    Counting any overlap with the calendar year follows the state-year convention of annual alliance
    data: the year a state joins counts, and so does the year it leaves unless it leaves on 1 January
    (the end date is exclusive). With ``alliances`` (like ``load("alliances")``), only memberships of
    treaties that are alliances and in force that year are kept.
    """
    year = check_year(year)
    frame = _check_members(members)
    active = in_force_during(frame["joined"], frame["left"], year)
    if alliances is not None:
        active &= frame["alliance_id"].isin(alliances_in_force(alliances, year))
    return members.loc[active[active].index]


def alliance_graph(members: pd.DataFrame, year: int, alliances: pd.DataFrame | None = None) -> nx.Graph:
    """The alliance network in ``year``: states as nodes, edge weight = number of shared alliances.

    Every state with an active membership is a node (a state whose only alliance has no other
    active member is an isolated node). Nodes carry ``state`` (name, if ``members`` has a ``state``
    column) and ``alliances`` (sorted ids); edges carry ``weight`` and ``alliances`` (sorted ids).
    ``alliances`` applies the course's definition of an alliance (see :func:`members_in_year`).
    """
    active = members_in_year(members, year, alliances)
    graph = nx.Graph(year=check_year(year))
    by_state: dict[str, set] = {}
    names: dict[str, str] = {}
    for row in active.itertuples(index=False):
        by_state.setdefault(row.iso3, set()).add(row.alliance_id)
        if "state" in active.columns and isinstance(getattr(row, "state"), str):
            names.setdefault(row.iso3, row.state)
    for iso3 in sorted(by_state):
        graph.add_node(iso3, state=names.get(iso3, iso3), alliances=sorted(by_state[iso3]))
    by_alliance: dict = {}
    for iso3, ids in by_state.items():
        for alliance_id in ids:
            by_alliance.setdefault(alliance_id, set()).add(iso3)
    for alliance_id in sorted(by_alliance, key=str):
        for a, b in combinations(sorted(by_alliance[alliance_id]), 2):
            if graph.has_edge(a, b):
                graph[a][b]["weight"] += 1
                graph[a][b]["alliances"].append(alliance_id)
            else:
                graph.add_edge(a, b, weight=1, alliances=[alliance_id])
    return graph


def _order(groups) -> list[set]:
    """Largest bloc first; ties broken alphabetically by the bloc's first member, so output is stable."""
    return sorted((set(g) for g in groups), key=lambda g: (-len(g), min(g)))


def blocs(graph: nx.Graph, method: str = "components") -> list[set]:
    """The blocs of the network, largest first.

    ``"components"``: connected components, the states linked by any chain of alliances.
    ``"communities"``: greedy modularity communities (Clauset-Newman-Moore, using edge weights),
    a deterministic partition that can split a component into more tightly knit groups.
    """
    if not isinstance(graph, nx.Graph):
        raise ValueError("graph must be a networkx Graph such as alliance_graph(...) returns")
    if method not in BLOC_METHODS:
        raise ValueError(f"method must be one of {BLOC_METHODS}, not {method!r}")
    if graph.number_of_nodes() == 0:
        return []
    if method == "components":
        return _order(nx.connected_components(graph))
    if graph.number_of_edges() == 0:
        return _order({n} for n in graph.nodes)
    return _order(nx.community.greedy_modularity_communities(graph, weight="weight"))


def bloc_of(graph: nx.Graph, state: str, method: str = "components") -> set:
    """The bloc (set of iso3 codes) that contains ``state``."""
    if state not in graph:
        raise ValueError(f"{state!r} is not in the network for this year")
    return next(b for b in blocs(graph, method) if state in b)


def degree_table(graph: nx.Graph, method: str = "components") -> pd.DataFrame:
    """One row per state: iso3, state, degree, weighted_degree and bloc number (1 = largest).

    Sorted by degree, then weighted degree (both descending), then iso3.
    """
    if not isinstance(graph, nx.Graph):
        raise ValueError("graph must be a networkx Graph such as alliance_graph(...) returns")
    bloc_number = {n: k for k, bloc in enumerate(blocs(graph, method), start=1) for n in bloc}
    rows = [
        {
            "iso3": n,
            "state": graph.nodes[n].get("state", n),
            "degree": graph.degree(n),
            "weighted_degree": int(graph.degree(n, weight="weight")),
            "bloc": bloc_number[n],
        }
        for n in graph.nodes
    ]
    table = pd.DataFrame(rows, columns=["iso3", "state", "degree", "weighted_degree", "bloc"])
    table = table.sort_values(["degree", "weighted_degree", "iso3"], ascending=[False, False, True])
    return table.reset_index(drop=True)


def alliance_members(members: pd.DataFrame, alliance_id, year: int, alliances: pd.DataFrame | None = None) -> set:
    """The iso3 codes of the members of one alliance in ``year`` (empty if it was not active)."""
    active = members_in_year(members, year, alliances)
    return set(active.loc[active["alliance_id"] == alliance_id, "iso3"])


def network_summary(graph: nx.Graph, method: str = "components") -> dict:
    """Headline numbers: states, ties (edges), blocs, the largest bloc's size and the density.

    Density is ``2 E / (N (N - 1))``, the share of possible pairs that are allied (0 for N < 2).
    """
    groups = blocs(graph, method)
    n, e = graph.number_of_nodes(), graph.number_of_edges()
    return {
        "states": n,
        "ties": e,
        "blocs": len(groups),
        "largest_bloc": len(groups[0]) if groups else 0,
        "density": 2 * e / (n * (n - 1)) if n > 1 else 0.0,
    }


def network_by_year(members: pd.DataFrame, years, method: str = "components",
                    alliances: pd.DataFrame | None = None) -> pd.DataFrame:
    """The headline numbers of :func:`network_summary` for each year, one row per year.

    Adds ``largest_share``, the share of allied states that sit in the largest bloc
    (``largest_bloc / states``; 0 when no state has an alliance that year).
    """
    years = check_years(years)
    if not years:
        raise ValueError("years must list at least one year")
    rows = []
    for year in years:
        summary = network_summary(alliance_graph(members, year, alliances), method)
        share = summary["largest_bloc"] / summary["states"] if summary["states"] else 0.0
        rows.append({"year": year, **summary, "largest_share": share})
    return pd.DataFrame(rows)

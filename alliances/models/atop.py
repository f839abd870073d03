"""Alliance pledges between pairs of states, from ATOP's dyad-years (``load("atop_dyad_years")``).

ATOP lists *directed* dyad-years: a row (i, j, y) for every ordered pair of states that shared at
least one alliance in year y, with a 0/1 flag per obligation. Each undirected pair appears twice,
as (i, j) and (j, i); these functions count each pair once, as the row with ``ccode1 < ccode2``.
A flag says that the pair shared *some* alliance with that pledge that year, not which treaty.

A *spell* of a pledge is a run of consecutive years in which a pair shares it; the pledge is
*formed* in the spell's first year. The functions are pure: no I/O, no state, no plotting.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from alliances.models.common import check_table, check_year

OBLIGATIONS = ("defence", "offence", "neutrality", "non_aggression", "consultation")
DYAD_COLUMNS = ("ccode1", "ccode2", "year")

__all__ = ["OBLIGATIONS", "undirected", "pledged_pairs_by_year", "pledge_edges", "pledge_graph",
           "pairs_formed_by_decade"]


def _check_obligation(obligation: str) -> str:
    if obligation not in OBLIGATIONS:
        raise ValueError(f"obligation must be one of {', '.join(OBLIGATIONS)}; got {obligation!r}")
    return obligation


def undirected(dyads: pd.DataFrame) -> pd.DataFrame:
    """One row per unordered pair and year: the rows of ``dyads`` with ``ccode1 < ccode2``.

    Parameters
    ----------
    dyads : DataFrame like ``load("atop_dyad_years")`` (columns ccode1, ccode2, year, ...),
        directed (both orders of each pair present).

    Returns
    -------
    DataFrame with the same columns and a fresh index.
    """
    check_table(dyads, DYAD_COLUMNS, "dyads", "atop_dyad_years")
    return dyads[dyads["ccode1"] < dyads["ccode2"]].reset_index(drop=True)


def pledged_pairs_by_year(dyads: pd.DataFrame, obligations=OBLIGATIONS,
                          first_year: int | None = None, last_year: int | None = None) -> pd.DataFrame:
    """Number of unordered pairs of states sharing each kind of pledge, per year.

    Parameters
    ----------
    dyads : DataFrame like ``load("atop_dyad_years")`` (directed; 0/1 obligation columns).
    obligations : sequence of str, columns to count (default: all five ATOP obligations).
    first_year, last_year : int, optional; the years to report (default: the years in ``dyads``).
        Years with no allied pair give 0.

    Returns
    -------
    DataFrame indexed by ``year`` with one int column per obligation and ``any_pledge`` (pairs
    sharing at least one alliance of any kind, i.e. every undirected row).
    """
    obligations = [_check_obligation(o) for o in obligations]
    check_table(dyads, [*DYAD_COLUMNS, *obligations], "dyads", "atop_dyad_years")
    pairs = undirected(dyads)
    first = check_year(first_year if first_year is not None else int(dyads["year"].min()), "first_year")
    last = check_year(last_year if last_year is not None else int(dyads["year"].max()), "last_year")
    if last < first:
        raise ValueError(f"the period runs backwards: {first} to {last}")
    counts = pairs.groupby("year")[obligations].sum()
    counts["any_pledge"] = pairs.groupby("year").size()
    years = pd.RangeIndex(first, last + 1, name="year")
    return counts.reindex(years, fill_value=0).astype("int64")


def pledge_edges(dyads: pd.DataFrame, year: int, obligation: str = "defence") -> pd.DataFrame:
    """The pairs of states that shared a pledge of kind ``obligation`` in ``year``.

    Parameters
    ----------
    dyads : DataFrame like ``load("atop_dyad_years")``.
    year : int, calendar year (ATOP covers 1815-2018).
    obligation : str, one of ``OBLIGATIONS`` (default ``"defence"``).

    Returns
    -------
    DataFrame with columns ``ccode1 < ccode2``, one row per edge, sorted.
    """
    year = check_year(year)
    _check_obligation(obligation)
    check_table(dyads, [*DYAD_COLUMNS, obligation], "dyads", "atop_dyad_years")
    pairs = undirected(dyads)
    edges = pairs[(pairs["year"] == year) & (pairs[obligation] == 1)][["ccode1", "ccode2"]]
    return edges.sort_values(["ccode1", "ccode2"]).reset_index(drop=True)


def pledge_graph(dyads: pd.DataFrame, year: int, obligation: str = "defence") -> nx.Graph:
    """``pledge_edges`` as an undirected networkx graph whose nodes are COW codes.

    Only states with at least one such pledge that year are nodes.
    """
    graph = nx.Graph()
    graph.add_edges_from(pledge_edges(dyads, year, obligation).itertuples(index=False, name=None))
    return graph


def pairs_formed_by_decade(dyads: pd.DataFrame, obligation: str = "defence") -> pd.Series:
    """Number of new pledge spells between pairs of states, by decade of the spell's first year.

    A spell starts in year y when a pair shares the pledge in y but not in y - 1. A pair whose
    pledge lapses and returns later starts a new spell. Spells running in the first year of the
    data (1815 for ATOP) count as formed that year: ATOP begins with the 1815 settlement.

    Parameters
    ----------
    dyads : DataFrame like ``load("atop_dyad_years")``.
    obligation : str, one of ``OBLIGATIONS`` (default ``"defence"``).

    Returns
    -------
    Series of int indexed by ``decade`` (1810, 1820, ...), covering every decade from the first to
    the last in ``dyads`` (0 where no spell started).
    """
    _check_obligation(obligation)
    check_table(dyads, [*DYAD_COLUMNS, obligation], "dyads", "atop_dyad_years")
    pairs = undirected(dyads)
    pledged = pairs.loc[pairs[obligation] == 1, ["ccode1", "ccode2", "year"]]
    pledged = pledged.sort_values(["ccode1", "ccode2", "year"])
    same_pair = (pledged["ccode1"].eq(pledged["ccode1"].shift())
                 & pledged["ccode2"].eq(pledged["ccode2"].shift()))
    starts = pledged.loc[~(same_pair & pledged["year"].sub(1).eq(pledged["year"].shift())), "year"]
    decades = (starts // 10 * 10).value_counts()
    first, last = int(dyads["year"].min()) // 10 * 10, int(dyads["year"].max()) // 10 * 10
    index = pd.RangeIndex(first, last + 1, 10, name="decade")
    return decades.reindex(index, fill_value=0).astype("int64").rename(f"{obligation}_spells_formed")

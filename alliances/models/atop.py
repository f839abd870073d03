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

from alliances.models.common import check_names, check_period, check_table, check_year

OBLIGATIONS = ("defence", "offence", "neutrality", "non_aggression", "consultation")
DYAD_COLUMNS = ("ccode1", "ccode2", "year")

__all__ = ["OBLIGATIONS", "undirected", "pledged_pairs_by_year", "pledge_edges", "pledge_graph",
           "pairs_formed_by_decade", "member_pair_years", "main_obligation", "crosscheck_members"]


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
    obligations = [_check_obligation(o) for o in check_names(obligations, "obligations")]
    check_table(dyads, [*DYAD_COLUMNS, *obligations], "dyads", "atop_dyad_years")
    pairs = undirected(dyads)
    first, last = check_period(first_year if first_year is not None else int(dyads["year"].min()),
                               last_year if last_year is not None else int(dyads["year"].max()))
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


# COW codes that changed while a membership continued: (old code, first year of the new code, new code).
SUCCESSOR_CODES = ((260, 1991, 255),)  # West Germany -> Germany: COW dates unified Germany from 3 Oct 1990


def _code_in_year(code: int, year: int) -> int:
    for old, first, new in SUCCESSOR_CODES:
        if code == old and year >= first:
            return new
    return code


def member_pair_years(members: pd.DataFrame, first_year: int = 1815, last_year: int = 2018) -> pd.DataFrame:
    """Every pair of members of the same alliance in every year both were members.

    A membership counts in year y if in force on at least one day of y (the course's one rule,
    ``in_force_during``; ``left`` is exclusive). West Germany's code (260) becomes 255 from 1991.

    Parameters
    ----------
    members : DataFrame like ``load("alliance_members")`` (alliance_id, cow_code, joined, left).
    first_year, last_year : int, the years to cover (default ATOP's 1815-2018).

    Returns
    -------
    DataFrame with columns alliance_id, ccode1 < ccode2 (int), year (int), one row per pair-year.
    """
    from alliances.models.common import in_force_during

    check_table(members, ("alliance_id", "cow_code", "joined", "left"), "members", "alliance_members")
    first, last = check_period(first_year, last_year)
    rows = []
    coded = members.dropna(subset=["cow_code"])
    for year in range(first, last + 1):
        active = coded[in_force_during(coded["joined"], coded["left"], year)]
        for alliance, group in active.groupby("alliance_id"):
            codes = sorted({_code_in_year(int(c), year) for c in group["cow_code"]})
            rows += [(alliance, a, b, year) for i, a in enumerate(codes) for b in codes[i + 1:]]
    return pd.DataFrame(rows, columns=["alliance_id", "ccode1", "ccode2", "year"]).astype(
        {"ccode1": "int64", "ccode2": "int64", "year": "int64"})


def main_obligation(alliances: pd.DataFrame) -> pd.Series:
    """The strongest obligation each alliance carries, in ATOP's order defence, offence,
    neutrality, non-aggression, consultation (index alliance_id; alliances with none left out).

    Parameters
    ----------
    alliances : DataFrame like ``load("alliances")`` with bool obligation columns.
    """
    check_table(alliances, ("alliance_id", *OBLIGATIONS), "alliances", "alliances")
    flags = alliances.set_index("alliance_id")[list(OBLIGATIONS)].astype(bool)
    flagged = flags[flags.any(axis=1)]
    return flagged.idxmax(axis=1).rename("obligation")


def crosscheck_members(members: pd.DataFrame, dyads: pd.DataFrame, obligation="defence",
                       first_year: int = 1815, last_year: int = 2018) -> pd.DataFrame:
    """Pair-years of the course's alliance tables compared with ATOP's pledges.

    Parameters
    ----------
    members : DataFrame like ``load("alliance_members")``.
    dyads : DataFrame like ``load("atop_dyad_years")``.
    obligation : str, the ATOP pledge to look for in every alliance (default ``"defence"``), or a
        Series alliance_id -> obligation such as ``main_obligation(load("alliances"))``;
        alliances missing from the Series are left out.
    first_year, last_year : int, the years compared (default 1815-2018, ATOP's coverage).

    Returns
    -------
    DataFrame with one row per alliance and pair: alliance_id, obligation, ccode1, ccode2, first
    and last year of membership overlap, ``pair_years``, ``atop_years`` (years ATOP shows the
    pledge) and ``missing_years`` (years it does not), sorted by alliance and pair.
    """
    pairs = member_pair_years(members, first_year, last_year)
    if isinstance(obligation, str):
        pairs["obligation"] = _check_obligation(obligation)
    else:
        pairs["obligation"] = pairs["alliance_id"].map(obligation)
        pairs = pairs.dropna(subset=["obligation"])
    wanted = sorted(set(pairs["obligation"]))
    for ob in wanted:
        _check_obligation(ob)
    pledged = undirected(dyads).melt(id_vars=["ccode1", "ccode2", "year"], value_vars=wanted,
                                     var_name="obligation", value_name="atop")
    pledged = pledged[pledged["atop"] == 1].assign(atop=True)
    joined = pairs.merge(pledged, on=["ccode1", "ccode2", "year", "obligation"], how="left")
    joined["atop"] = joined["atop"].fillna(False).astype(bool)
    out = joined.groupby(["alliance_id", "obligation", "ccode1", "ccode2"]).agg(
        first_year=("year", "min"), last_year=("year", "max"), pair_years=("year", "size"),
        atop_years=("atop", "sum"))
    out["missing_years"] = out["pair_years"] - out["atop_years"]
    return out.reset_index().astype({"atop_years": "int64", "missing_years": "int64"})

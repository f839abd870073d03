"""Dispute onset between pairs of states with and without a shared defence pledge.

The unit is the *undirected pair-year*: every unordered pair of states that were both members of
the interstate system (COW, ``load("states")``) on at least one day of a year. In the spirit of
peacesciencer's one-call joins, :func:`pair_years` builds that universe and :func:`join_pledges`
and :func:`join_onsets` add ATOP's pledges (``load("atop_dyad_years")``) and MID onsets
(``load("mid_dyad_years")``) to it. A pair-year has an *onset* when at least one militarized
interstate dispute between the two states began that year (MID ``onset == 1`` for the pair).

Onsets of pairs not both in the system that year are outside the unit and not counted (in MID 5.0
one such pair-year: Canada and Russia in 1918, before Canada's entry in 1920).
The comparison is descriptive: allies differ from other pairs in distance, power and interests,
so a difference in rates is not the effect of the pledge. The functions are pure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from alliances.models.common import check_period, check_table, in_force_during

__all__ = ["pair_years", "join_pledges", "join_onsets", "onset_rates"]

PERIOD = (1816, 2014)  # years covered by both the state list and MID 5.0


def pair_years(states: pd.DataFrame, first_year: int = PERIOD[0], last_year: int = PERIOD[1]) -> pd.DataFrame:
    """Every unordered pair of system members in every year of the period.

    Parameters
    ----------
    states : DataFrame like ``load("states")`` (ccode, start, end; ``end`` is the last day of
        membership, so a state is a member in year y if its spell covers at least one day of y).
    first_year, last_year : int, the period (default 1816-2014, the years MID 5.0 covers).

    Returns
    -------
    DataFrame with int columns ``ccode1 < ccode2`` and ``year``.
    """
    check_table(states, ("ccode", "start", "end"), "states", "states")
    first, last = check_period(first_year, last_year)
    # The shared rule takes an exclusive end date: the day after the last day of membership.
    after_end = pd.to_datetime(states["end"]) + pd.Timedelta(days=1)
    blocks = []
    for year in range(first, last + 1):
        members = np.unique(states.loc[in_force_during(states["start"], after_end, year), "ccode"]
                            .to_numpy(dtype="int64"))
        i, j = np.triu_indices(len(members), k=1)
        blocks.append(pd.DataFrame({"ccode1": members[i], "ccode2": members[j],
                                    "year": np.full(len(i), year, dtype="int64")}))
    return pd.concat(blocks, ignore_index=True)


def _undirected_flags(frame: pd.DataFrame, flag: str) -> pd.DataFrame:
    """Unordered pair-years (ccode1 < ccode2) where ``flag`` is 1 in either order."""
    hit = frame.loc[frame[flag] == 1, ["ccode1", "ccode2", "year"]]
    low = np.minimum(hit["ccode1"], hit["ccode2"])
    high = np.maximum(hit["ccode1"], hit["ccode2"])
    return pd.DataFrame({"ccode1": low, "ccode2": high, "year": hit["year"]}).drop_duplicates()


def _join_flag(pairs: pd.DataFrame, flagged: pd.DataFrame, name: str) -> pd.DataFrame:
    marked = flagged.assign(**{name: True})
    out = pairs.merge(marked, on=["ccode1", "ccode2", "year"], how="left")
    out[name] = out[name].fillna(False).astype(bool)
    return out


def join_pledges(pairs: pd.DataFrame, atop: pd.DataFrame, obligation: str = "defence") -> pd.DataFrame:
    """``pairs`` with a bool column ``shared_<obligation>``: the pair shared that pledge that year.

    Parameters
    ----------
    pairs : DataFrame of unordered pair-years (ccode1 < ccode2, year), e.g. from ``pair_years``.
    atop : DataFrame like ``load("atop_dyad_years")`` (directed or not).
    obligation : str, an ATOP obligation column (default ``"defence"``).
    """
    check_table(pairs, ("ccode1", "ccode2", "year"), "pairs", "atop_dyad_years")
    check_table(atop, ("ccode1", "ccode2", "year", obligation), "atop", "atop_dyad_years")
    return _join_flag(pairs, _undirected_flags(atop, obligation), f"shared_{obligation}")


def join_onsets(pairs: pd.DataFrame, mid_dyads: pd.DataFrame) -> pd.DataFrame:
    """``pairs`` with a bool column ``onset``: at least one MID between the pair began that year.

    Parameters
    ----------
    pairs : DataFrame of unordered pair-years (ccode1 < ccode2, year).
    mid_dyads : DataFrame like ``load("mid_dyad_years")`` (ccode1, ccode2, year, onset).
    """
    check_table(pairs, ("ccode1", "ccode2", "year"), "pairs", "mid_dyad_years")
    check_table(mid_dyads, ("ccode1", "ccode2", "year", "onset"), "mid_dyads", "mid_dyad_years")
    return _join_flag(pairs, _undirected_flags(mid_dyads, "onset"), "onset")


def onset_rates(pairs: pd.DataFrame, atop: pd.DataFrame, mid_dyads: pd.DataFrame,
                first_year: int = PERIOD[0], last_year: int = PERIOD[1]) -> pd.DataFrame:
    """Dispute onset rates per pair-year for pairs with and without a shared defence pledge.

    Parameters
    ----------
    pairs : DataFrame of unordered pair-years (``pair_years(load("states"))``).
    atop : DataFrame like ``load("atop_dyad_years")``.
    mid_dyads : DataFrame like ``load("mid_dyad_years")``.
    first_year, last_year : int, the period (default 1816-2014); ATOP ends in 2018, MID in 2014.

    Returns
    -------
    DataFrame indexed by ``shared_defence`` (False, True) with ``pair_years`` (int), ``onsets``
    (int, pair-years with at least one MID onset) and ``rate`` (onsets per pair-year, float).
    """
    first, last = check_period(first_year, last_year)
    check_table(pairs, ("ccode1", "ccode2", "year"), "pairs", "states")
    window = pairs[(pairs["year"] >= first) & (pairs["year"] <= last)][["ccode1", "ccode2", "year"]]
    joined = join_onsets(join_pledges(window, atop, "defence"), mid_dyads)
    table = joined.groupby("shared_defence").agg(pair_years=("onset", "size"), onsets=("onset", "sum"))
    table = table.reindex([False, True], fill_value=0).astype("int64")
    table["rate"] = table["onsets"] / table["pair_years"].where(table["pair_years"] > 0)
    return table

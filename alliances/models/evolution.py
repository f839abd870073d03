"""Chapter 9: how alliance commitments have changed, by decade and obligation, from ATOP.

Builds on the shared ATOP functions in :mod:`alliances.models.atop` (pairs of states sharing a pledge
in a year; pledge spells formed by decade) and adds the decade summaries the chapter compares: pairs
*formed* in each decade and pairs *in force*, as the average number of allied pairs per year of the
decade. It also splits the pairs formed by where the two states are, using the regional blocks of the
Correlates of War state codes. Pure functions: no I/O, no plotting.
"""

from __future__ import annotations

import pandas as pd

from alliances.models.atop import DYAD_COLUMNS, OBLIGATIONS, pairs_formed_by_decade, pledged_pairs_by_year
from alliances.models.common import check_number, check_table

MEASURES = ("formed", "in force")

# COW state codes come in regional blocks; these are the ranges Our World in Data uses to map COW codes
# to regions ("States in regions (COW)", 2023), given as (region, first code, last code).
REGIONS = (("Americas", 2, 165), ("Europe", 200, 399), ("Africa", 402, 626), ("Middle East", 630, 698),
           ("Asia and Oceania", 700, 999))
ACROSS = "across regions"


def cow_region(ccode) -> str:
    """The region of a COW state code (one of the names in ``REGIONS``); ValueError outside every block."""
    code = check_number(ccode, "ccode", whole=True)
    for name, first, last in REGIONS:
        if first <= code <= last:
            return name
    raise ValueError(f"COW code {code} is in none of the regional blocks {REGIONS}")


def in_force_by_decade(per_year: pd.DataFrame) -> pd.DataFrame:
    """Average number of allied pairs per year within each decade, for every column of ``per_year``.

    Parameters
    ----------
    per_year : DataFrame indexed by ``year`` (e.g. :func:`pledged_pairs_by_year`), one column per obligation.

    Returns
    -------
    DataFrame indexed by ``decade`` (1810, 1820, ...) with the mean of each column over the decade's
    years present in ``per_year`` (a decade cut short by the data, like 2010-2018, averages the years it has).
    """
    if not isinstance(per_year, pd.DataFrame) or per_year.empty:
        raise ValueError("per_year must be a non-empty DataFrame indexed by year, like pledged_pairs_by_year(...)")
    decades = pd.Index(per_year.index // 10 * 10, name="decade")
    return per_year.groupby(decades).mean()


def decade_table(dyads: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Both measures for every obligation: ``{"formed": ..., "in force": ...}``, each indexed by decade.

    Parameters
    ----------
    dyads : DataFrame like ``load("atop_dyad_years")``.

    Returns
    -------
    dict of DataFrames with one column per ATOP obligation (``"in force"`` also has ``any_pledge``).
    """
    formed = pd.DataFrame({o: pairs_formed_by_decade(dyads, o) for o in OBLIGATIONS})
    formed.index.name = "decade"
    return {"formed": formed, "in force": in_force_by_decade(pledged_pairs_by_year(dyads))}


def pairs_formed_by_region(dyads: pd.DataFrame, obligation: str = "defence") -> pd.DataFrame:
    """Pledge spells formed by decade, split by where the pair's two states are.

    Each pair is counted in its region when both states are in the same block of ``REGIONS``, and in
    ``"across regions"`` otherwise; spells are counted as in :func:`pairs_formed_by_decade`, so the
    columns add up to it.

    Parameters
    ----------
    dyads : DataFrame like ``load("atop_dyad_years")``.
    obligation : str, one of the ATOP obligations (default ``"defence"``).

    Returns
    -------
    DataFrame of int indexed by ``decade``, one column per region in ``REGIONS`` order, then ``"across regions"``.
    """
    if obligation not in OBLIGATIONS:
        raise ValueError(f"obligation must be one of {', '.join(OBLIGATIONS)}; got {obligation!r}")
    check_table(dyads, [*DYAD_COLUMNS, obligation], "dyads", "atop_dyad_years")
    codes = pd.unique(pd.concat([dyads["ccode1"], dyads["ccode2"]]))
    region = {code: cow_region(code) for code in codes}
    first, second = dyads["ccode1"].map(region), dyads["ccode2"].map(region)
    group = first.where(first == second, ACROSS)
    decades = pd.RangeIndex(int(dyads["year"].min()) // 10 * 10, int(dyads["year"].max()) // 10 * 10 + 1, 10,
                            name="decade")
    columns = [name for name, _, _ in REGIONS] + [ACROSS]
    table = {}
    for name in columns:
        subset = dyads[group == name]
        table[name] = (pairs_formed_by_decade(subset, obligation).reindex(decades, fill_value=0)
                       if (subset[obligation] == 1).any() else pd.Series(0, index=decades))
    return pd.DataFrame(table, index=decades, columns=columns).astype("int64")

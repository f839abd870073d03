"""Chapter 9: how alliance commitments have changed, by decade and obligation, from ATOP.

Builds on the shared ATOP functions in :mod:`alliances.models.atop` (pairs of states sharing a pledge
in a year; pledge spells formed by decade) and adds the decade summaries the chapter compares: pairs
*formed* in each decade and pairs *in force*, as the average number of allied pairs per year of the
decade. Pure functions: no I/O, no plotting.
"""

from __future__ import annotations

import pandas as pd

from alliances.models.atop import OBLIGATIONS, pairs_formed_by_decade, pledged_pairs_by_year

MEASURES = ("formed", "in force")


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

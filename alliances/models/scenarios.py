"""Spending scenarios: when would each ally reach a target share of GDP under stated growth assumptions?

A scenario, not a forecast. If an ally's defence spending grows by ``defence_growth`` per cent a year
in real terms and its GDP by ``gdp_growth`` per cent, its share of GDP is multiplied each year by

    ratio = (1 + defence_growth / 100) / (1 + gdp_growth / 100)

so after ``t`` years it is ``share * ratio**t``, and it first reaches ``target`` after
``ceil(log(target / share) / log(ratio))`` years (never, if ``ratio <= 1`` and it starts below).
Nothing here says what governments will do; the model only shows what given assumptions imply.
"""

from __future__ import annotations

import math

from alliances.models.common import check_number, check_table, check_year


def _ratio(defence_growth: float, gdp_growth: float) -> float:
    gd = check_number(defence_growth, "defence_growth (per cent a year)", minimum=-50, maximum=100)
    gy = check_number(gdp_growth, "gdp_growth (per cent a year)", minimum=-50, maximum=100)
    return (1.0 + gd / 100.0) / (1.0 + gy / 100.0)


def share_path(share: float, years: int, defence_growth: float, gdp_growth: float) -> list[float]:
    """Share of GDP (per cent) in each of the next ``years`` years, starting with today's ``share``.

    Parameters
    ----------
    share : float
        Defence spending as a percentage of GDP in the starting year (positive).
    years : int
        Number of years to project (0 or more); the list has ``years + 1`` entries.
    defence_growth, gdp_growth : float
        Real growth of defence spending and of GDP, in per cent a year.
    """
    share = check_number(share, "share", above=0, maximum=100)
    years = check_number(years, "years", minimum=0, maximum=500, whole=True)
    ratio = _ratio(defence_growth, gdp_growth)
    return [share * ratio**t for t in range(years + 1)]


def years_to_target(share: float, target: float, defence_growth: float, gdp_growth: float) -> int | None:
    """Whole years until the share first reaches ``target`` (0 if already there; ``None`` if never).

    ``share`` and ``target`` are percentages of GDP; growth rates are per cent a year.
    """
    share = check_number(share, "share", above=0, maximum=100)
    target = check_number(target, "target", above=0, maximum=100)
    ratio = _ratio(defence_growth, gdp_growth)
    if share >= target:
        return 0
    if ratio <= 1.0:
        return None
    t = max(1, math.ceil(math.log(target / share) / math.log(ratio)))
    while share * ratio**t < target:  # guard against rounding in the logarithms
        t += 1
    while t > 1 and share * ratio ** (t - 1) >= target:
        t -= 1
    return t


def spending_scenario(expenditure, target: float, defence_growth: float, gdp_growth: float, last_year: int = 2035):
    """Each ally's latest share of GDP and the year it would reach ``target`` under the assumptions.

    Parameters
    ----------
    expenditure : pandas.DataFrame
        Like ``load("nato_defence_expenditure")``: ``iso3``, ``state``, ``year``, ``share_gdp_pct``.
    target : float
        Target share of GDP, in per cent.
    defence_growth, gdp_growth : float
        Real growth rates, in per cent a year, applied to every ally alike.
    last_year : int
        End of the scenario; a target first reached after it counts as not reached.

    Returns
    -------
    pandas.DataFrame
        One row per ally with a figure: ``iso3``, ``state``, ``year`` (of its latest figure),
        ``share_gdp_pct``, ``reached`` (the year the target is first reached, or missing), sorted by
        ``reached`` then ``state``.
    """
    import pandas as pd

    check_table(expenditure, ["iso3", "state", "year", "share_gdp_pct"], "expenditure", "nato_defence_expenditure")
    last = check_year(last_year, "last_year")
    known = expenditure.dropna(subset=["share_gdp_pct"])
    latest = known.sort_values("year").groupby("iso3", as_index=False).tail(1)
    rows = []
    for row in latest.itertuples(index=False):
        wait = years_to_target(float(row.share_gdp_pct), target, defence_growth, gdp_growth)
        year = None if wait is None or row.year + wait > last else int(row.year + wait)
        rows.append({"iso3": row.iso3, "state": row.state, "year": int(row.year),
                     "share_gdp_pct": float(row.share_gdp_pct), "reached": year})
    out = pd.DataFrame(rows, columns=["iso3", "state", "year", "share_gdp_pct", "reached"])
    out["reached"] = out["reached"].astype("Int64")
    return out.sort_values(["reached", "state"], na_position="last").reset_index(drop=True)

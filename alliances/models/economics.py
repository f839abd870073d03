"""Chapter 8: the economic theory of alliances (Olson and Zeckhauser 1966) as an N-ally public-good game.

Each ally ``i`` has income ``Y_i`` and splits it between private consumption ``x_i`` and a contribution
``q_i >= 0`` to the common defence ``Q = sum_j q_j``, which every ally enjoys whoever pays for it. With
Cobb-Douglas preferences ``U_i = (1 - b) ln x_i + b ln Q`` (``b`` is the taste for defence, 0 < b < 1):

* **Nash equilibrium** (each ally chooses ``q_i`` taking the others' as given): an ally contributes only
  if its income exceeds ``k Q`` with ``k = (1 - b) / b``, and then gives ``q_i = Y_i - k Q``. If the ``m``
  richest allies contribute, ``Q = (Y_1 + ... + Y_m) / (1 + m k)`` (Bergstrom, Blume and Varian 1986).
  Contributors' burdens ``q_i / Y_i = 1 - k Q / Y_i`` rise with income: the large carry a
  disproportionate share, the *exploitation* of the large by the small.
* **Joint optimum** (the Samuelson condition, sum of marginal rates of substitution = 1):
  ``Q* = b * sum_i Y_i``. The *free-riding gap* is ``Q* - Q_Nash``; it is zero with one ally and grows
  with the number of allies.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


def _incomes(incomes) -> list[float]:
    try:
        values = [float(y) for y in incomes]
    except (TypeError, ValueError):
        raise ValueError(f"incomes must be a list of positive numbers, got {incomes!r}") from None
    if not values:
        raise ValueError("incomes must hold at least one ally")
    if any(isinstance(y, bool) for y in incomes) or not all(math.isfinite(y) and y > 0 for y in values):
        raise ValueError(f"every income must be a positive number, got {list(incomes)!r}")
    return values


def _taste(taste: float) -> float:
    ok = isinstance(taste, int | float) and not isinstance(taste, bool)
    if not ok or not 0 < float(taste) < 1:
        raise ValueError(f"taste for defence must be strictly between 0 and 1, got {taste!r}")
    return float(taste)


@dataclass(frozen=True)
class Equilibrium:
    """Nash contributions and the joint optimum for one alliance."""

    incomes: tuple[float, ...]
    contributions: tuple[float, ...]
    nash_total: float
    optimal_total: float

    @property
    def burdens(self) -> tuple[float, ...]:
        """Each ally's contribution as a share of its income, q_i / Y_i."""
        return tuple(q / y for q, y in zip(self.contributions, self.incomes))

    @property
    def gap(self) -> float:
        """The free-riding gap, Q* - Q_Nash (same units as incomes)."""
        return self.optimal_total - self.nash_total

    @property
    def contributors(self) -> int:
        return sum(q > 0 for q in self.contributions)


def nash_contributions(incomes, taste: float) -> Equilibrium:
    """Nash equilibrium of the voluntary-contribution game, and the joint optimum for comparison.

    Parameters
    ----------
    incomes : sequence of float > 0, each ally's income (e.g. GDP), in any one unit.
    taste : float in (0, 1), the weight ``b`` on defence in each ally's Cobb-Douglas utility.

    Returns
    -------
    Equilibrium with contributions in the allies' original order, totals ``nash_total`` and
    ``optimal_total = taste * sum(incomes)``.
    """
    values = _incomes(incomes)
    b = _taste(taste)
    k = (1.0 - b) / b
    order = sorted(range(len(values)), key=lambda i: -values[i])
    total, running = 0.0, 0.0
    for m, i in enumerate(order, start=1):
        running += values[i]
        candidate = running / (1.0 + m * k)
        if values[i] <= k * candidate:  # the m-th richest would not give at this total: stop before it
            break
        total = candidate
    contributions = tuple(max(0.0, y - k * total) for y in values)
    return Equilibrium(tuple(values), contributions, sum(contributions), b * sum(values))


def rank_correlation(x, y) -> float:
    """Spearman's rank correlation of two equal-length sequences (ties get average ranks).

    Used to test the exploitation hypothesis: is an ally's defence burden higher the larger its economy?
    Returns a float in [-1, 1]; ValueError for fewer than three pairs, unequal lengths or constant input.
    """
    from scipy.stats import spearmanr

    xs, ys = [float(v) for v in x], [float(v) for v in y]
    if len(xs) != len(ys) or len(xs) < 3:
        raise ValueError("need two sequences of the same length, with at least three pairs")
    if not all(math.isfinite(v) for v in xs + ys):
        raise ValueError("every value must be a finite number")
    if len(set(xs)) == 1 or len(set(ys)) == 1:
        raise ValueError("a rank correlation is undefined when one sequence is constant")
    return float(spearmanr(xs, ys).statistic)


def burden_and_size(expenditure, capabilities, codes, year: int, size: str = "primary_energy"):
    """One row per ally for ``year``: its defence burden (% of GDP, NATO) beside a COW measure of its size.

    Parameters
    ----------
    expenditure : DataFrame like ``load("nato_defence_expenditure")`` (``iso3``, ``state``, ``year``, ``share_gdp_pct``).
    capabilities : DataFrame like ``load("cow_capabilities")`` (``ccode``, ``year`` and the ``size`` column).
    codes : DataFrame like ``load("state_codes")`` (``ccode``, ``iso3``), to join the two.
    year : int, the year to compare.
    size : str, the COW column that stands in for economic size; the course has no GDP series in US dollars,
        so the default is primary energy consumption (thousands of coal-ton equivalents).

    Returns
    -------
    DataFrame with ``iso3``, ``state``, ``burden_pct`` and ``size``, largest first; allies without a
    COW value that year are left out.
    """
    import pandas as pd

    from alliances.models.common import check_table, check_year

    check_table(expenditure, ("iso3", "state", "year", "share_gdp_pct"), "expenditure", "nato_defence_expenditure")
    check_table(capabilities, ("ccode", "year", size), "capabilities", "cow_capabilities")
    check_table(codes, ("ccode", "iso3"), "codes", "state_codes")
    year = check_year(year)
    spend = expenditure[(expenditure["year"] == year) & expenditure["share_gdp_pct"].notna()]
    cow = capabilities.loc[capabilities["year"] == year, ["ccode", size]]
    joined = (spend[["iso3", "state", "share_gdp_pct"]]
              .merge(codes[["ccode", "iso3"]].drop_duplicates("iso3"), on="iso3")
              .merge(cow, on="ccode"))
    joined = joined[joined[size].notna() & (joined[size] > 0)]
    table = pd.DataFrame({"iso3": joined["iso3"].astype(str), "state": joined["state"].astype(str),
                          "burden_pct": joined["share_gdp_pct"].astype(float), "size": joined[size].astype(float)})
    return table.sort_values("size", ascending=False).reset_index(drop=True)

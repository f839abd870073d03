"""Chapter 1 model: select alliances by obligation, region and era, and measure how long they last.

An alliance is a row of ``load("alliances")``: a treaty with a ``signed`` date, an ``ended`` date
(missing while it is still in force) and one boolean column per obligation it contains; a row with
no obligation at all (AUKUS) is not an alliance (:func:`alliances.models.common.is_alliance`) and is
left out when ``obligation="any"``. Years are whole calendar years, and an alliance counts as
*active in year y* when it was in force on at least one day of y, by the course's one rule
(:func:`alliances.models.common.in_force_during`): from entry into force (``in_force``, or
``signed`` where the entry-into-force date is not known) up to, but not including, ``ended``:

    start <= 31 December y   and   (ended is missing  or  ended > 1 January y),

so the US-Taiwan treaty (in force 3 March 1955, ended 1 January 1980) is active from 1955 to 1979,
not in 1954 or 1980, exactly as its memberships are in the network model. It *overlaps an era*
``[start, end]`` when it was active in at least one year of the era. Its *lifespan* in years,
measured on a given date ``as_of``, is

    L = (min(ended, as_of) - signed) / 365.25 days

(``ended`` replaced by ``as_of`` while the alliance is still in force). Rows without a ``signed``
date cannot be placed in time and are left out of every selection. The functions are pure: no I/O,
no state, no plotting.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from alliances.models.common import (check_date, check_table, check_year, check_years, in_force_during, is_alliance,
                                     treaty_starts)

OBLIGATIONS = ("defence", "offence", "neutrality", "non_aggression", "consultation", "entente")
OBLIGATION_LABELS = {
    "defence": "defence",
    "offence": "offence",
    "neutrality": "neutrality",
    "non_aggression": "non-aggression",
    "consultation": "consultation",
    "entente": "entente",
}
ANY = "any"
ALL_REGIONS = "All"
REQUIRED = ("alliance_id", "signed", "ended", "region") + OBLIGATIONS
DAYS_PER_YEAR = 365.25


def _check_frame(alliances: pd.DataFrame, needed: Iterable[str] = REQUIRED) -> pd.DataFrame:
    """A copy with ``signed`` and ``ended`` as datetimes; ValueError if it cannot be an alliance list."""
    check_table(alliances, needed, "alliances", "alliances")
    frame = alliances.copy()
    frame["signed"] = pd.to_datetime(frame["signed"])
    frame["ended"] = pd.to_datetime(frame["ended"])
    backwards = frame["ended"].notna() & frame["signed"].notna() & (frame["ended"] < frame["signed"])
    if backwards.any():
        row = frame[backwards].iloc[0]
        raise ValueError(f"alliance {row['alliance_id']!r} ends before it is signed")
    return frame




def _obligation_set(obligation) -> tuple[str, ...]:
    """The obligations asked for: () means any, otherwise a tuple of known obligation names."""
    if obligation is None or obligation == ANY:
        return ()
    chosen = (obligation,) if isinstance(obligation, str) else tuple(obligation)
    if ANY in chosen:
        return ()
    unknown = [o for o in chosen if o not in OBLIGATIONS]
    if unknown:
        raise ValueError(f"unknown obligation(s) {unknown}; choose from {list(OBLIGATIONS)} or {ANY!r}")
    return chosen


def has_obligation(alliances: pd.DataFrame, obligation="any") -> pd.Series:
    """Boolean mask: rows whose treaty contains the obligation (or at least one of several given).

    ``obligation`` is ``"any"`` (at least one obligation: the alliances, see
    :func:`alliances.models.common.is_alliance`), one name from ``OBLIGATIONS`` or a list of them
    (any-of). A missing flag counts as False: the data record an obligation only where the source
    attests it.
    """
    frame = _check_frame(alliances)
    chosen = _obligation_set(obligation)
    if not chosen:
        return is_alliance(frame)
    flags = frame[list(chosen)].fillna(False).astype(bool)
    return flags.any(axis=1)


def filter_alliances(alliances: pd.DataFrame, obligation="any", region: str = ALL_REGIONS,
                     start: int | None = None, end: int | None = None) -> pd.DataFrame:
    """The alliances with the obligation, in the region, active at some time in the years start..end.

    ``region="All"`` keeps every region; ``start``/``end`` default to no limit. Rows are returned in
    the order of signature (then ``alliance_id``) with the original columns.
    """
    frame = _check_frame(alliances)
    if start is not None:
        start = check_year(start, "start")
    if end is not None:
        end = check_year(end, "end")
    if start is not None and end is not None and start > end:
        raise ValueError(f"the era must run forwards: start {start} is after end {end}")
    if not isinstance(region, str):
        raise ValueError(f"region must be a region name or {ALL_REGIONS!r}, got {region!r}")
    keep = frame["signed"].notna() & has_obligation(frame, obligation)
    if region != ALL_REGIONS:
        keep &= frame["region"] == region
    if start is not None or end is not None:
        keep &= in_force_during(treaty_starts(frame), frame["ended"], 1000 if start is None else start,
                                9999 if end is None else end)
    return frame[keep].sort_values(["signed", "alliance_id"], kind="stable")


def active_in(alliances: pd.DataFrame, year: int) -> pd.DataFrame:
    """The alliances in force on at least one day of calendar ``year`` (from entry into force; end date exclusive)."""
    year = check_year(year)
    return filter_alliances(alliances, start=year, end=year)


def count_active(alliances: pd.DataFrame, years: Iterable[int]) -> pd.Series:
    """Number of alliances active in each of ``years`` (a Series indexed by year)."""
    frame = _check_frame(alliances)
    years = check_years(years)
    return pd.Series([len(active_in(frame, y)) for y in years], index=pd.Index(years, name="year"), name="active")


def lifespan_years(alliances: pd.DataFrame, as_of) -> pd.Series:
    """Years from signature to end, or to ``as_of`` for alliances still in force (indexed like the input).

    ``as_of`` is a date (``"2025-06-30"``, a Timestamp) or a year (2025 means 1 January 2025). An
    alliance that ended after ``as_of`` is measured to ``as_of``: its lifespan *so far*. Rows without
    a signed date give NaN. ``as_of`` before an alliance's signature is impossible and raises ValueError.
    """
    frame = _check_frame(alliances, ("alliance_id", "signed", "ended"))
    as_of = check_date(as_of, "as_of")
    early = frame["signed"].notna() & (frame["signed"] > as_of)
    if early.any():
        row = frame[early].iloc[0]
        raise ValueError(f"as_of {as_of.date()} is before alliance {row['alliance_id']!r} was signed "
                         f"({row['signed'].date()})")
    stop = frame["ended"].where(frame["ended"].notna() & (frame["ended"] <= as_of), as_of)
    return ((stop - frame["signed"]).dt.days / DAYS_PER_YEAR).rename("lifespan_years")


def obligations_of(alliances: pd.DataFrame) -> pd.Series:
    """For each row, the names of its obligations in the order of ``OBLIGATIONS`` (a tuple per row)."""
    frame = _check_frame(alliances)
    flags = frame[list(OBLIGATIONS)].fillna(False).astype(bool)
    return flags.apply(lambda row: tuple(o for o in OBLIGATIONS if row[o]), axis=1).rename("obligations") \
        if len(flags) else pd.Series([], dtype=object, name="obligations")


def primary_obligation(alliances: pd.DataFrame) -> pd.Series:
    """The most demanding obligation of each row: the first present in ``OBLIGATIONS`` order, or "none".

    The order (defence, offence, neutrality, non-aggression, consultation, entente) runs from promises
    to fight to promises to talk, so the primary obligation is the strongest promise the treaty makes.
    """
    return obligations_of(alliances).map(lambda obs: obs[0] if obs else "none").rename("primary_obligation")

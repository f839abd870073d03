"""Chapter 6 case studies: who belonged to each bloc in a year, which UN missions were active, what happened.

Every "in a year" question uses the course's one rule, :func:`alliances.models.common.in_force_during`:
a membership or mission counts in year ``y`` if it was in force on at least one day of ``y`` (end
date exclusive). The functions are pure: they take the course tables (``load("alliance_members")``,
``load("un_peacekeeping_missions")``, ``load("milestones")``, ``load("nato_consultations")``,
``load("crises")``) and return new frames, with no I/O and no plotting.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from alliances.models.common import check_table, check_year, in_force_during

MEMBER_COLUMNS = ("alliance_id", "state", "joined", "left")
MISSION_COLUMNS = ("acronym", "start", "end")
EVENT_COLUMNS = ("date", "year", "alliance_id", "kind", "label")


def bloc_members(members: pd.DataFrame, alliance_id: str, year: int) -> list[str]:
    """Names of the states that belonged to ``alliance_id`` on at least one day of ``year``.

    Parameters
    ----------
    members : DataFrame like ``load("alliance_members")`` (``alliance_id``, ``state``, ``joined``, ``left``).
    alliance_id : str, e.g. ``"nato"`` or ``"warsaw_pact"``.
    year : int, a calendar year.

    Returns
    -------
    list of str, sorted alphabetically (empty if the alliance had no members that year).
    """
    check_table(members, MEMBER_COLUMNS, "members", "alliance_members")
    year = check_year(year)
    rows = members[members["alliance_id"] == alliance_id]
    active = in_force_during(rows["joined"], rows["left"], year)
    return sorted(rows.loc[active, "state"])


def bloc_sizes(members: pd.DataFrame, alliance_ids: Iterable[str], years: Iterable[int]) -> pd.DataFrame:
    """Number of members of each alliance in each year (members on at least one day of the year).

    Parameters
    ----------
    members : DataFrame like ``load("alliance_members")``.
    alliance_ids : iterable of str, the alliances to count (one column each, in this order).
    years : iterable of int, the years to count (one row each).

    Returns
    -------
    DataFrame of int, indexed by year, one column per alliance id.
    """
    check_table(members, MEMBER_COLUMNS, "members", "alliance_members")
    ids = list(alliance_ids)
    years = [check_year(y) for y in years]
    table = {}
    for alliance_id in ids:
        rows = members[members["alliance_id"] == alliance_id]
        table[alliance_id] = [int(in_force_during(rows["joined"], rows["left"], y).sum()) for y in years]
    return pd.DataFrame(table, index=pd.Index(years, name="year"), columns=ids)


def missions_active(missions: pd.DataFrame, year: int) -> pd.DataFrame:
    """The UN peacekeeping missions whose mandate ran on at least one day of ``year``, oldest first.

    Parameters
    ----------
    missions : DataFrame like ``load("un_peacekeeping_missions")`` (``acronym``, ``start``, ``end``).
    year : int, a calendar year.

    Returns
    -------
    DataFrame: the matching rows of ``missions`` sorted by ``start`` (then ``acronym``).
    """
    check_table(missions, MISSION_COLUMNS, "missions", "un_peacekeeping_missions")
    year = check_year(year)
    active = in_force_during(missions["start"], missions["end"], year)
    return missions[active].sort_values(["start", "acronym"])


def missions_by_year(missions: pd.DataFrame, years: Iterable[int]) -> pd.Series:
    """Number of missions in ``missions`` active in each year (a Series indexed by year)."""
    years = [check_year(y) for y in years]
    return pd.Series([len(missions_active(missions, y)) for y in years], index=pd.Index(years, name="year"))


EXIT_KINDS = ("withdrawal", "partial withdrawal", "suspension")


def case_events(milestones: pd.DataFrame, consultations: pd.DataFrame, crises: pd.DataFrame,
                disputes: pd.DataFrame | None = None) -> pd.DataFrame:
    """One dated timeline from the milestones, the Article 4/5 requests, the crises and (optionally) exits.

    Parameters
    ----------
    milestones : DataFrame like ``load("milestones")`` (``alliance_id``, ``date``, ``kind``, ``title``).
    consultations : DataFrame like ``load("nato_consultations")`` (``article``, ``date``, ``requesting_states``);
        every row concerns NATO. A row with no requesting state (the Council's own invocation of Article 5
        in 2001) is labelled as invoked by the Council.
    crises : DataFrame like ``load("crises")`` (``alliance_id``, ``start_year``, ``name``); a crisis has a
        year but no day, so its ``date`` is left empty.
    disputes : optional DataFrame like ``load("intra_alliance_disputes")``; its withdrawals, partial
        withdrawals and suspensions (``EXIT_KINDS``) are added at their ``start_year`` (interventions
        are left out: the crises table already holds them).

    Returns
    -------
    DataFrame with columns ``date``, ``year``, ``alliance_id``, ``kind``, ``label``, sorted by year and date.
    """
    check_table(milestones, ("alliance_id", "date", "kind", "title"), "milestones", "milestones")
    check_table(consultations, ("article", "date", "requesting_states"), "consultations", "nato_consultations")
    check_table(crises, ("alliance_id", "start_year", "name"), "crises", "crises")
    parts = [
        pd.DataFrame({
            "date": pd.to_datetime(milestones["date"]),
            "alliance_id": milestones["alliance_id"].astype(str),
            "kind": milestones["kind"].astype(str),
            "label": milestones["title"].astype(str),
        }),
        pd.DataFrame({
            "date": pd.to_datetime(consultations["date"]),
            "alliance_id": "nato",
            "kind": [f"article {int(a)}" for a in consultations["article"]],
            "label": [f"Article {int(a)}: {str(s).replace(';', ', ')}" if isinstance(s, str) and s.strip()
                      else f"Article {int(a)} invoked by the Council"
                      for a, s in zip(consultations["article"], consultations["requesting_states"])],
        }),
        pd.DataFrame({
            "date": pd.NaT,
            "alliance_id": crises["alliance_id"].astype(str),
            "kind": "crisis",
            "label": crises["name"].astype(str),
            "year": crises["start_year"].astype(int),
        }),
    ]
    if disputes is not None:
        check_table(disputes, ("alliance_id", "iso3", "start_year", "kind"), "disputes", "intra_alliance_disputes")
        exits = disputes[disputes["kind"].astype(str).isin(EXIT_KINDS)]
        parts.append(pd.DataFrame({
            "date": pd.NaT,
            "alliance_id": exits["alliance_id"].astype(str),
            "kind": exits["kind"].astype(str),
            "label": [f"{iso}: {kind}" for iso, kind in zip(exits["iso3"], exits["kind"].astype(str))],
            "year": exits["start_year"].astype(int),
        }))
    events = pd.concat(parts, ignore_index=True)
    events["year"] = events["year"].where(events["date"].isna(), events["date"].dt.year).astype(int)
    events = events.sort_values(["year", "date"], na_position="first", kind="stable").reset_index(drop=True)
    return events[list(EVENT_COLUMNS)]

"""The course's timeline of alliance history, built from the data package's case tables.

One row per event: a treaty signed or ended, states joining or leaving an alliance, a NATO
consultation (Article 4) or invocation (Article 5), a crisis, and the doctrinal milestones that
the treaty and membership tables do not already record (foundings and enlargements are read from
those tables, so they are not listed twice).
"""

from __future__ import annotations

import pandas as pd

from alliances.models.common import OBLIGATIONS, check_table, flag
COLUMNS = ["year", "date", "kind", "alliance_id", "alliance", "region", "obligations", "event"]
_DERIVED_MILESTONES = {"founding", "enlargement"}


def _obligations(row) -> str:
    return ", ".join(o.replace("_", "-") for o in OBLIGATIONS if flag(row[o]))


def _joined_list(states) -> str:
    states = sorted(states)
    return states[0] if len(states) == 1 else ", ".join(states[:-1]) + " and " + states[-1]


def timeline_events(alliances, members, milestones, consultations, crises) -> pd.DataFrame:
    """Every dated event in the case tables, oldest first.

    Parameters
    ----------
    alliances, members, milestones, consultations, crises : DataFrame
        The frames returned by ``load("alliances")``, ``load("alliance_members")``,
        ``load("milestones")``, ``load("nato_consultations")`` and ``load("crises")``.

    Returns
    -------
    DataFrame with columns ``year`` (int), ``date`` (datetime, missing where only the year is
    known), ``kind``, ``alliance_id``, ``alliance`` (short name), ``region``, ``obligations``
    (comma-separated pledge types of the alliance) and ``event`` (a sentence).
    """
    check_table(alliances, ["alliance_id", "short_name", "signed", "ended", "region", *OBLIGATIONS], "alliances", "alliances")
    check_table(members, ["alliance_id", "state", "joined", "left", "founding"], "members", "alliance_members")
    check_table(milestones, ["alliance_id", "date", "kind", "title"], "milestones", "milestones")
    check_table(consultations, ["article", "date", "requesting_states", "occasion"], "consultations", "nato_consultations")
    check_table(crises, ["name", "start_year", "alliance_id"], "crises", "crises")

    info = {
        row.alliance_id: (row.short_name, str(row.region), _obligations(row._asdict()))
        for row in alliances.itertuples(index=False)
    }
    rows: list[dict] = []

    def add(date, kind, alliance_id, event, year=None):
        name, region, obligations = info.get(alliance_id, ("", "", ""))
        rows.append({
            "year": int(year if year is not None else pd.Timestamp(date).year),
            "date": pd.Timestamp(date) if date is not None and not pd.isna(date) else pd.NaT,
            "kind": kind, "alliance_id": alliance_id, "alliance": name, "region": region,
            "obligations": obligations, "event": event,
        })

    for row in alliances.itertuples(index=False):
        if pd.notna(row.signed):
            add(row.signed, "treaty signed", row.alliance_id, f"{row.short_name}: treaty signed")
        if pd.notna(row.ended):
            add(row.ended, "treaty ended", row.alliance_id, f"{row.short_name}: treaty ended")
    for field, kind, verb in (("joined", "joined", "join"), ("left", "left", "leave")):
        moves = members[members[field].notna()]
        if field == "joined":
            moves = moves[~moves["founding"].astype(bool)]
        for (alliance_id, date), group in moves.groupby(["alliance_id", field], sort=True):
            name = info.get(alliance_id, (alliance_id,))[0]
            states = list(group["state"])
            verb_form = verb + ("s" if len(states) == 1 else "")
            add(date, kind, alliance_id, f"{_joined_list(states)} {verb_form} {name}")
    for row in milestones.itertuples(index=False):
        if str(row.kind) not in _DERIVED_MILESTONES:
            add(row.date, f"milestone: {row.kind}", row.alliance_id, row.title)
    for row in consultations.itertuples(index=False):
        what = "Article 5 invoked" if int(row.article) == 5 else f"Article 4 consultation requested by {row.requesting_states}"
        add(row.date, f"Article {int(row.article)}", "nato", f"{what}: {row.occasion}")
    for row in crises.itertuples(index=False):
        add(None, "crisis", row.alliance_id, row.name, year=row.start_year)

    events = pd.DataFrame(rows, columns=COLUMNS)
    events["year"] = events["year"].astype("int64")
    return events.sort_values(["year", "date", "kind", "event"], na_position="last", kind="stable").reset_index(drop=True)

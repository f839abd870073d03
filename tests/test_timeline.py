"""The timeline page agrees with the data package: every dated event in the case tables, once."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from alliances.data import load
from alliances.models.timeline import timeline_events
from alliances.widgets.timeline import timeline_html

DATA = Path(__file__).resolve().parent.parent / "data"


def _rows(name):
    with open(DATA / f"{name}.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def events():
    return timeline_events(load("alliances"), load("alliance_members"), load("milestones"),
                           load("nato_consultations"), load("crises"))


def _dates(events, kind, alliance_id=None):
    chosen = events[events["kind"] == kind]
    if alliance_id is not None:
        chosen = chosen[chosen["alliance_id"] == alliance_id]
    return sorted(d.strftime("%Y-%m-%d") for d in chosen["date"])


def test_every_treaty_signing_and_end_appears_once(events):
    for row in _rows("alliances"):
        assert _dates(events, "treaty signed", row["alliance_id"]) == ([row["signed"]] if row["signed"] else [])
        assert _dates(events, "treaty ended", row["alliance_id"]) == ([row["ended"]] if row["ended"] else [])


def test_every_accession_and_withdrawal_appears(events):
    for row in _rows("alliance_members"):
        for field, kind in (("joined", "joined"), ("left", "left")):
            if not row[field] or (field == "joined" and row["founding"] == "true"):
                continue
            chosen = events[(events["kind"] == kind) & (events["alliance_id"] == row["alliance_id"])
                            & (events["date"].dt.strftime("%Y-%m-%d") == row[field])]
            assert len(chosen) == 1, (row["state"], field, row[field])
            assert row["state"] in chosen["event"].iloc[0]


def test_founding_members_are_not_listed_as_joining(events):
    founders = [r for r in _rows("alliance_members") if r["founding"] == "true" and r["alliance_id"] == "nato"]
    joined = " ".join(events[(events["kind"] == "joined") & (events["alliance_id"] == "nato")]["event"])
    assert founders and not any(re.search(rf"\b{re.escape(r['state'])}\b", joined) for r in founders)


def test_consultations_crises_and_milestones(events):
    consultations = _rows("nato_consultations")
    for article in ("4", "5"):
        expected = sorted(r["date"] for r in consultations if r["article"] == article)
        assert _dates(events, f"Article {article}") == expected
    crises = _rows("crises")
    assert sorted(events[events["kind"] == "crisis"]["year"]) == sorted(int(r["start_year"]) for r in crises)
    kept = [r for r in _rows("milestones") if r["kind"] not in {"founding", "enlargement"}]
    shown = events[events["kind"].str.startswith("milestone: ")]
    assert sorted(shown["event"]) == sorted(r["title"] for r in kept)


def test_events_are_in_order(events):
    years = list(events["year"])
    assert years == sorted(years)


def test_table_has_a_row_per_event_and_labelled_filters(events):
    page = timeline_html(events)
    assert page.count("<tr data-region=") == len(events)
    for name in ("region", "obligation", "kind"):
        assert f"<label for='timeline-{name}'" in page and f"id='timeline-{name}'" in page
    assert "aria-live='polite'" in page
    nato_rows = re.findall(r"<tr data-region='Transatlantic'", page)
    assert len(nato_rows) == int((events["region"] == "Transatlantic").sum())


@pytest.mark.parametrize("chapter", ["ch01", "ch05", "ch06", "ch09", "ch10", "ch11"])
def test_chapters_that_discuss_events_link_the_timeline(chapter):
    (path,) = (Path(__file__).resolve().parent.parent / "book").glob(f"{chapter}_*.ipynb")
    assert "{doc}`timeline`" in path.read_text(encoding="utf-8")

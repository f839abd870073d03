"""Chapter 6 models against small tables worked out by hand, and against facts in the course data."""

import pandas as pd
import pytest

from alliances.models.cases import bloc_members, bloc_sizes, case_events, missions_active, missions_by_year

T = pd.Timestamp


def toy_members():
    # Bloc X: A from 1950 to 1 Jan 1960 (so not in 1960), B from 1 July 1955 to 30 June 1960, C from 1959 on.
    return pd.DataFrame({
        "alliance_id": ["x", "x", "x", "y"],
        "state": ["A", "B", "C", "A"],
        "joined": [T("1950-03-01"), T("1955-07-01"), T("1959-12-31"), T("1958-01-01")],
        "left": [T("1960-01-01"), T("1960-06-30"), pd.NaT, T("1958-01-02")],
    })


def test_bloc_members_by_hand():
    members = toy_members()
    assert bloc_members(members, "x", 1949) == []
    assert bloc_members(members, "x", 1955) == ["A", "B"]
    assert bloc_members(members, "x", 1959) == ["A", "B", "C"]
    assert bloc_members(members, "x", 1960) == ["B", "C"]  # A's end date (1 January) is exclusive
    assert bloc_members(members, "y", 1958) == ["A"]  # a one-day membership still counts in its year
    assert bloc_members(members, "z", 1958) == []


def test_bloc_sizes_by_hand():
    sizes = bloc_sizes(toy_members(), ["x", "y"], [1949, 1955, 1959, 1960, 1961])
    assert list(sizes.columns) == ["x", "y"]
    assert sizes["x"].tolist() == [0, 2, 3, 2, 1]
    assert sizes["y"].tolist() == [0, 0, 0, 0, 0]


def test_missions_active_by_hand():
    missions = pd.DataFrame({
        "acronym": ["OLD", "MID", "NEW"],
        "start": [T("1948-05-29"), T("1991-04-09"), T("2003-09-19")],
        "end": [pd.NaT, T("2003-10-06"), T("2018-03-30")],
    })
    assert missions_active(missions, 1950)["acronym"].tolist() == ["OLD"]
    assert missions_active(missions, 2003)["acronym"].tolist() == ["OLD", "MID", "NEW"]
    assert missions_active(missions, 2019)["acronym"].tolist() == ["OLD"]
    assert missions_by_year(missions, [1947, 1950, 2003, 2019]).tolist() == [0, 1, 3, 1]


def test_case_events_merges_sources_in_order():
    milestones = pd.DataFrame({"alliance_id": ["p", "p"], "date": [T("1955-05-14"), T("1991-07-01")],
                               "kind": ["founding", "dissolution"], "title": ["signed", "dissolved"]})
    consultations = pd.DataFrame({"article": [4, 5], "date": [T("2003-02-10"), T("2001-09-12")],
                                  "requesting_states": ["TUR;POL", float("nan")]})
    crises = pd.DataFrame({"alliance_id": ["p"], "start_year": [1968], "name": ["invasion"]})
    disputes = pd.DataFrame({"alliance_id": ["p", "p"], "iso3": ["ALB", "HUN"], "start_year": [1961, 1956],
                             "kind": ["withdrawal", "intervention"]})
    events = case_events(milestones, consultations, crises, disputes)
    assert events["year"].tolist() == [1955, 1961, 1968, 1991, 2001, 2003]
    assert events["label"].tolist() == ["signed", "ALB: withdrawal", "invasion", "dissolved",
                                        "Article 5 invoked by the Council", "Article 4: TUR, POL"]
    assert events.loc[events["year"] == 2003, "alliance_id"].item() == "nato"


@pytest.mark.parametrize("bad", [pd.DataFrame({"state": ["A"]}), "nato", None])
def test_bad_tables_are_rejected(bad):
    with pytest.raises(ValueError):
        bloc_members(bad, "x", 1950)


@pytest.mark.parametrize("year", [1950.5, "1950", float("nan"), True])
def test_bad_years_are_rejected(year):
    with pytest.raises(ValueError):
        bloc_sizes(toy_members(), ["x"], [year])


def test_facts_from_the_course_data():
    from alliances.data import load

    members = load("alliance_members")
    sizes = bloc_sizes(members, ["nato", "warsaw_pact"], [1949, 1968, 1969, 1991, 1992, 2024])
    # NATO: 12 founders (1949); 16 after Spain (1982); 32 with Sweden (2024).
    assert sizes["nato"].tolist() == [12, 15, 15, 16, 16, 32]
    # Warsaw Pact: eight signatories; Albania left on 13 September 1968, East Germany on 3 October 1990;
    # the Pact ended on 1 July 1991, so six members count in 1991 and none in 1992.
    assert sizes["warsaw_pact"].tolist() == [0, 8, 7, 6, 0, 0]
    assert "Albania" not in bloc_members(members, "warsaw_pact", 1969)
    missions = load("un_peacekeeping_missions")
    assert missions_active(missions, 1956)["acronym"].tolist() == ["UNTSO"]


def test_try_this_steps_are_true_of_the_widget():
    """Each step of the chapter's "Try this" box, checked against what the case timeline describes."""
    from alliances.widgets.cases import case_data, draw_cases, _plotted
    from alliances.style import new_figure

    data = case_data()

    def describe(year, case):
        return draw_cases(new_figure(), year, case, data)

    # 1. Warsaw Pact 1968 -> 1969: eight to seven, Albania gone; the invasion in 1968; Albania's exit marked at 1961.
    assert "Warsaw Pact 8" in describe(1968, "Warsaw Pact") and "invasion of Czechoslovakia" in describe(1968, "Warsaw Pact")
    assert "Warsaw Pact 7" in describe(1969, "Warsaw Pact")
    assert "Albania" not in bloc_members(data.members, "warsaw_pact", 1969)
    assert "ALB: withdrawal" in describe(1961, "Warsaw Pact")
    # 2. 1991: six members; 1992: none.
    assert "Warsaw Pact 6" in describe(1991, "Warsaw Pact") and "Warsaw Pact 0" in describe(1992, "Warsaw Pact")
    # 3. NATO 2001: nineteen, the attacks and Article 5; 2022: eight allies in one Article 4 request.
    nato_2001 = describe(2001, "NATO")
    assert "NATO 19" in nato_2001 and "11 September 2001" in nato_2001 and "Article 5" in nato_2001
    request = [e for e in describe(2022, "NATO").split("; ") if e.startswith("Article 4")][0]
    assert len(request.split(":")[1].split(",")) == 8
    # 4. Asia-Pacific: SEATO 7 -> 0 from 1977 to 1978, US bilateral treaties 4, then 3 in 1980.
    lines = _plotted("Asia-Pacific treaties", data.sizes)
    # The Sino-Soviet treaty is in force 1950-1980 (it expired on 11 April 1980), the China-North Korea treaty from 1961.
    sino = lines["Sino-Soviet treaty in force"]
    assert (sino[1949], sino[1950], sino[1980], sino[1981]) == (0, 1, 1, 0)
    assert (lines["SEATO members"][1977], lines["SEATO members"][1978]) == (7, 0)
    assert lines["US bilateral treaties in force"][1978] == 4 and lines["US bilateral treaties in force"][1980] == 3
    # 5. UN missions in the course data: four in 1990, six in 1991.
    import csv
    from alliances.data import _data_dir
    with open(_data_dir() / "un_peacekeeping_missions.csv", newline="", encoding="utf-8") as f:
        n = sum(1 for _ in csv.DictReader(f))
    assert f"4 of the {n}" in describe(1990, "UN peacekeeping") and f"6 of the {n}" in describe(1991, "UN peacekeeping")

"""Each hand-sourced alliance's member pairs and years, checked against ATOP 5.1's dyad-years; every
disagreement must be explained in the package (and shown in the data card)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from alliances.data import load
from alliances.models.atop import crosscheck_members, main_obligation, member_pair_years

PACKAGE = json.loads((Path(__file__).resolve().parents[1] / "data" / "datapackage.json").read_text(encoding="utf-8"))
EXPLAINED = next(r for r in PACKAGE["resources"] if r["name"] == "alliance_members")["x-atop-crosscheck"]


@pytest.fixture(scope="module")
def report():
    return crosscheck_members(load("alliance_members"), load("atop_dyad_years"), main_obligation(load("alliances")))


def test_every_disagreement_is_explained_and_no_stale_explanations(report):
    disagreeing = set(report.loc[report["missing_years"] > 0, "alliance_id"])
    explained = {k for k in EXPLAINED if not k.startswith("_")}
    assert disagreeing == explained


def test_known_agreements(report):
    by_alliance = report.groupby("alliance_id")[["pair_years", "missing_years"]].sum()
    # US-Taiwan: in force 3 March 1955 to 1 January 1980 (exclusive) -> 1955..1979 = 25 years, one pair
    assert by_alliance.loc["us_taiwan"].tolist() == [25, 0]
    # CST: nine parties 1994-1998 (36 pairs x 5 years, 1999 counts too: in force until 20 April),
    # ATOP agrees with every pair-year
    assert by_alliance.loc["csto", "missing_years"] == 0
    assert by_alliance.loc["nato", "missing_years"] == 0


def test_explained_disagreements_are_the_ones_described(report):
    anzus = report[(report["alliance_id"] == "anzus") & (report["missing_years"] > 0)]
    assert set(map(tuple, anzus[["ccode1", "ccode2"]].values)) == {(2, 920), (900, 920)}
    assert anzus["missing_years"].tolist() == [32, 32]  # 1987-2018
    seato = report[(report["alliance_id"] == "seato") & (report["missing_years"] > 0)]
    assert set(seato["missing_years"]) == {1, 3}  # Pakistan 1973; France 1975-1977


def test_member_pair_years_by_hand():
    members = pd.DataFrame({"alliance_id": ["a", "a", "a"], "cow_code": [2, 20, 260],
                            "joined": pd.to_datetime(["1989-06-01", "1990-01-01", "1989-01-01"]),
                            "left": pd.to_datetime([None, "1991-01-01", None])})
    got = member_pair_years(members, 1989, 1991)
    rows = sorted(map(tuple, got[["ccode1", "ccode2", "year"]].values.tolist()))
    # 1989: 2-260; 1990: 2-20, 2-260, 20-260; 1991: 2-255 (260 becomes 255; 20 left on 1 Jan 1991)
    assert rows == [(2, 20, 1990), (2, 255, 1991), (2, 260, 1989), (2, 260, 1990), (20, 260, 1990)]


def test_main_obligation():
    al = pd.DataFrame({"alliance_id": ["x", "y", "z"], "defence": [True, False, False], "offence": [False] * 3,
                       "neutrality": [False, True, False], "non_aggression": [True, True, False],
                       "consultation": [True, False, False]})
    assert main_obligation(al).to_dict() == {"x": "defence", "y": "neutrality"}

"""alliances.codes: one lookup COW code <-> name <-> ISO3, and the hand tables use the same codes."""

from __future__ import annotations

import pandas as pd
import pytest

from alliances import codes
from alliances.data import load


@pytest.mark.parametrize("ccode, name, iso", [
    (2, "United States of America", "USA"), (365, "Russia", "RUS"), (710, "China", "CHN"),
    (255, "Germany", "DEU"), (260, "German Federal Republic", None), (713, "Taiwan", "TWN"),
])
def test_known_codes(ccode, name, iso):
    assert codes.state_name(ccode) == name
    assert codes.iso3(ccode) == iso


def test_iso3_back_to_cow_is_case_insensitive():
    assert codes.ccode_from_iso3("deu") == 255
    assert codes.ccode_from_iso3(" GBR ") == 200


@pytest.mark.parametrize("bad", [999, "2", 2.5, None, True, float("nan")])
def test_bad_codes_raise_value_error(bad):
    with pytest.raises(ValueError):
        codes.state_name(bad)


def test_names_keeps_the_index_and_marks_unknown_codes():
    out = codes.names(pd.Series([2, 999], index=["a", "b"]))
    assert out["a"] == "United States of America" and pd.isna(out["b"])


def test_iso3_codes_are_unique():
    table = codes.code_table()
    assert table["iso3"].dropna().is_unique
    assert table["ccode"].is_unique and len(table) == load("states")["ccode"].nunique()


def test_hand_sourced_members_use_cow_codes_from_the_state_list():
    members = load("alliance_members")
    known = set(codes.code_table()["ccode"])
    assert set(members["cow_code"].dropna()) <= known
    germany_nato = members.query("alliance_id == 'nato' and iso3 == 'DEU'")
    assert germany_nato["cow_code"].tolist() == [260]  # joined 1955 as West Germany


def test_current_iso3_codes_agree_with_the_lookup():
    # Where the state has an ISO3 code today, the hand table's iso3 must be that code
    # (former states such as the USSR use withdrawn ISO 3166-3 codes: SUN, CSK, DDR).
    members = load("alliance_members").dropna(subset=["cow_code"])
    former = {"SUN", "CSK", "DDR"}
    for _, row in members.iterrows():
        iso = codes.iso3(int(row["cow_code"]))
        if iso is not None and row["iso3"] not in former:
            assert row["iso3"] == iso, (row["alliance_id"], row["state"])

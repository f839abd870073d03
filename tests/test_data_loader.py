"""load() enforces the schema: a damaged copy (via ALLIANCES_DATA_DIR) is rejected with the file,
column, row and rule; the intact package loads typed."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import pytest

from alliances import data as D
from alliances.data import DataError, load


def edit(path: Path, row: int, column: str, value: str) -> None:
    """Set one cell (``row`` counts data rows from 0) of a CSV or CSV.gz file."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[row + 1][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    with opener(path, "wt", encoding="utf-8", newline="") as fh:
        fh.write(out.getvalue())


def append_line(path: Path, line: str, after_row: int | None = None) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    position = len(lines) if after_row is None else after_row + 1
    lines.insert(position, line + "\n")
    path.write_text("".join(lines), encoding="utf-8")


def test_out_of_range_value(data_copy):
    edit(data_copy / "mid_disputes.csv", 2, "hostility_level", "7")
    with pytest.raises(DataError, match=r"mid_disputes\.csv.*'hostility_level'.*row 4 \(dispute=4\).*7.*at most 5"):
        load("mid_disputes")


def test_below_minimum_in_a_gzipped_table(data_copy):
    edit(data_copy / "atop_dyad_years.csv.gz", 10, "year", "1700")
    with pytest.raises(DataError, match=r"atop_dyad_years\.csv\.gz.*'year'.*row 12.*at least 1815"):
        load("atop_dyad_years")


def test_flag_outside_0_1(data_copy):
    edit(data_copy / "atop_dyad_years.csv.gz", 0, "defence", "2")
    with pytest.raises(DataError, match=r"'defence'.*row 2.*at most 1"):
        load("atop_dyad_years")


def test_pattern_violation(data_copy):
    edit(data_copy / "states.csv", 5, "abbreviation", "usa")
    with pytest.raises(DataError, match=r"states\.csv.*'abbreviation'.*row 7.*pattern"):
        load("states")


def test_duplicate_key_names_both_rows(data_copy):
    with (data_copy / "mid_disputes.csv").open(encoding="utf-8") as fh:
        second = fh.readlines()[2].rstrip("\n")  # data row 2 = line 3
    append_line(data_copy / "mid_disputes.csv", second)
    total = sum(1 for _ in (data_copy / "mid_disputes.csv").open(encoding="utf-8"))
    with pytest.raises(DataError, match=rf"mid_disputes\.csv.*'dispute'.*row {total}.*unique.*row 3 has the same key"):
        load("mid_disputes")


def test_unknown_foreign_key_to_states(data_copy):
    edit(data_copy / "wars_dyad_years.csv", 3, "ccode2", "989")
    with pytest.raises(DataError, match=r"wars_dyad_years\.csv.*'ccode2'.*row 5.*989.*ccode of states"):
        load("wars_dyad_years")


def test_unknown_alliance_in_members(data_copy):
    edit(data_copy / "alliance_members.csv", 0, "alliance_id", "no_such_alliance")
    with pytest.raises(DataError, match=r"alliance_members\.csv.*'alliance_id'.*row 2.*alliance_id of alliances"):
        load("alliance_members")


def test_joined_after_left(data_copy):
    edit(data_copy / "alliance_members.csv", 40, "left", "1900-01-01")
    with pytest.raises(DataError, match=r"alliance_members\.csv.*'joined'.*row 42.*joined is not after left"):
        load("alliance_members")


def test_extra_field_in_a_later_row(data_copy):
    edit(data_copy / "rivalries.csv", 6, "name", "Venice, Ottoman Empire")  # quoted: still one field
    load("rivalries")
    D.clear_cache()
    path = data_copy / "contiguity.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[9] += ",surplus"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"contiguity\.csv.*row 10.*6 fields.*header has 5.*extra fields"):
        load("contiguity")


def test_extra_field_in_the_first_row(data_copy):
    path = data_copy / "major_powers.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] += ",surplus"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"major_powers\.csv.*row 2.*extra fields"):
        load("major_powers")


def test_required_integer_missing(data_copy):
    edit(data_copy / "mid_dyad_years.csv.gz", 100, "year", "")
    with pytest.raises(DataError, match=r"mid_dyad_years\.csv\.gz.*'year'.*row 102.*required"):
        load("mid_dyad_years")


def test_text_in_an_integer_column_of_a_large_table(data_copy):
    edit(data_copy / "cow_capabilities.csv.gz", 7, "military_personnel", "many")
    with pytest.raises(DataError, match=r"cow_capabilities\.csv\.gz.*'military_personnel'.*row 9.*'many'.*whole number"):
        load("cow_capabilities")


def test_header_column_the_schema_does_not_know(data_copy):
    path = data_copy / "major_powers.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",extra"] + [line + ",x" for line in lines[1:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"major_powers\.csv.*'extra'"):
        load("major_powers")


def test_intact_research_tables_are_typed():
    atop = load("atop_dyad_years")
    assert str(atop["ccode1"].dtype) == "int64" and str(atop["defence"].dtype) == "int64"
    assert len(atop) == 273_296
    nmc = load("cow_capabilities")
    assert str(nmc["military_expenditure"].dtype) == "Int64"  # missing values allowed
    assert str(nmc["cinc"].dtype) == "float64"
    assert str(load("states")["start"].dtype).startswith("datetime64")
    assert load("rivalries")["type1"].dtype.name == "category"


def test_member_cow_code_must_be_a_state(data_copy):
    edit(data_copy / "alliance_members.csv", 2, "cow_code", "989")
    with pytest.raises(DataError, match=r"alliance_members\.csv.*'cow_code'.*row 4.*989.*ccode of states"):
        load("alliance_members")

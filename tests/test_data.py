"""Tests of the case-study data package and its loader.

The domain checks are written from the historical record, independently of the CSV files: they
would catch a wrong date or a missing member even if the files and the schema agreed.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from pandas.api import types as ptypes

from alliances import data as D
from alliances.data import DataError, load, resource_names, schema, sources

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
PACKAGE = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
RESOURCES = {r["name"]: r for r in PACKAGE["resources"]}

NATO_FOUNDED = pd.Timestamp("1949-08-24")
NATO_FOUNDERS = {"BEL", "CAN", "DNK", "FRA", "ISL", "ITA", "LUX", "NLD", "NOR", "PRT", "GBR", "USA"}
WARSAW_SIGNATORIES = {"SUN", "ALB", "BGR", "CSK", "DDR", "HUN", "POL", "ROU"}


@pytest.fixture(autouse=True)
def _fresh_cache():
    D.clear_cache()
    yield
    D.clear_cache()


# ---------------------------------------------------------------- the package as a whole

def test_frictionless_validates_the_package():
    import frictionless

    report = frictionless.validate(str(DATA / "datapackage.json"))
    if not report.valid:
        errors = [e.message for e in report.errors]
        errors += [f"{t.name}: {e.message}" for t in report.tasks for e in t.errors]
        print("\n".join(errors[:50]))
    assert report.valid


def test_every_resource_has_a_schema_description_and_licence():
    assert PACKAGE.get("licenses")
    for res in PACKAGE["resources"]:
        assert res.get("description"), res["name"]
        assert res["schema"]["fields"] and res["schema"].get("primaryKey"), res["name"]


@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_no_duplicated_primary_keys(name):
    pk = RESOURCES[name]["schema"]["primaryKey"]
    frame = load(name)
    assert not frame.duplicated(subset=pk if isinstance(pk, list) else [pk]).any()


HAND_SOURCED = sorted(n for n, r in RESOURCES.items()
                      if any(f["name"] == "source" for f in r["schema"]["fields"]))


@pytest.mark.parametrize("name", HAND_SOURCED)
def test_every_source_id_exists(name):
    known = set(sources()["source_id"])
    frame = load(name)
    assert "source" in frame.columns
    missing = set(frame["source"]) - known
    assert not missing, f"{name} cites unknown sources {missing}"


def test_every_url_is_http():
    for url in sources()["url"]:
        assert re.match(r"^https?://", url), url


@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_percentages_are_between_0_and_100(name):
    frame = load(name)
    for col in [c for c in frame.columns if c.endswith("_pct")]:
        values = frame[col].dropna()
        assert ((values >= 0) & (values <= 100)).all(), col


# ---------------------------------------------------------------- domain checks

def test_joined_not_after_left():
    m = load("alliance_members")
    both = m.dropna(subset=["left"])
    assert (both["joined"] <= both["left"]).all()


def test_members_only_while_the_alliance_existed():
    m = load("alliance_members").merge(load("alliances")[["alliance_id", "signed", "ended"]], on="alliance_id")
    assert (m["joined"] >= m["signed"]).all()
    both = m.dropna(subset=["left", "ended"])
    assert (both["left"] <= both["ended"]).all()
    # a member of an alliance that has ended must have left by then
    ended = m[m["ended"].notna()]
    assert ended["left"].notna().all()


def test_nato_has_32_current_members_and_12_founders():
    nato = load("alliance_members").query("alliance_id == 'nato'")
    current = nato[nato["left"].isna()]
    assert len(current) == 32
    assert current["iso3"].is_unique
    founders = nato[nato["founding"]]
    assert set(founders["iso3"]) == NATO_FOUNDERS
    assert (founders["joined"] == NATO_FOUNDED).all()
    assert set(nato.loc[nato["joined"] == NATO_FOUNDED, "iso3"]) == NATO_FOUNDERS


@pytest.mark.parametrize("iso3, date", [("GRC", "1952-02-18"), ("TUR", "1952-02-18"), ("DEU", "1955-05-06"),
                                        ("ESP", "1982-05-30"), ("POL", "1999-03-12"), ("EST", "2004-03-29"),
                                        ("HRV", "2009-04-01"), ("MNE", "2017-06-05"), ("MKD", "2020-03-27"),
                                        ("FIN", "2023-04-04"), ("SWE", "2024-03-07")])
def test_nato_accession_dates(iso3, date):
    nato = load("alliance_members").query("alliance_id == 'nato'").set_index("iso3")
    assert nato.loc[iso3, "joined"] == pd.Timestamp(date)


def test_warsaw_pact_had_8_signatories():
    wp = load("alliance_members").query("alliance_id == 'warsaw_pact'")
    assert set(wp.loc[wp["founding"], "iso3"]) == WARSAW_SIGNATORIES
    assert wp.set_index("iso3").loc["ALB", "left"] == pd.Timestamp("1968-09-13")


def test_article5_invoked_once():
    c = load("nato_consultations")
    a5 = c[c["article"] == 5]
    assert len(a5) == 1 and a5.iloc[0]["date"] == pd.Timestamp("2001-09-12")


def test_expenditure_rows_come_from_one_release():
    e = load("nato_defence_expenditure")
    assert e.groupby("source")["release"].nunique().eq(1).all()
    assert set(e["iso3"]) <= set(load("alliance_members").query("alliance_id == 'nato'")["iso3"])


# ---------------------------------------------------------------- the loader

def test_resource_names_and_schema():
    names = resource_names()
    assert names[0] == "sources" and "alliances" in names and "nato_defence_expenditure" in names
    assert [f["name"] for f in schema("alliances")][:2] == ["alliance_id", "name"]


def _expected_kind(field):
    cons = field.get("constraints", {})
    if field["type"] == "date":
        return ptypes.is_datetime64_any_dtype
    if field["type"] == "integer":
        return (lambda s: s.dtype == "int64") if cons.get("required") else (lambda s: str(s.dtype) == "Int64")
    if field["type"] == "number":
        return ptypes.is_float_dtype
    if field["type"] == "boolean":
        return ptypes.is_bool_dtype
    if "enum" in cons:
        return lambda s: isinstance(s.dtype, pd.CategoricalDtype) and list(s.cat.categories) == cons["enum"]
    return lambda s: ptypes.is_object_dtype(s) or ptypes.is_string_dtype(s)


@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_loader_returns_declared_dtypes(name):
    frame = load(name)
    fields = RESOURCES[name]["schema"]["fields"]
    assert list(frame.columns) == [f["name"] for f in fields]
    for field in fields:
        assert _expected_kind(field)(frame[field["name"]]), (name, field["name"], frame[field["name"]].dtype)


def test_load_returns_a_copy():
    first = load("alliances")
    first.loc[:, "name"] = "changed"
    assert (load("alliances")["name"] != "changed").all()


def test_unknown_name_lists_the_available_names():
    with pytest.raises(DataError) as err:
        load("no_such_dataset")
    assert isinstance(err.value, ValueError)
    for name in ("alliances", "alliance_members", "nato_defence_expenditure"):
        assert name in str(err.value)


# ---------------------------------------------------------------- corrupted copies

def _rewrite(path: Path, change):
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    header = list(rows[0].keys())
    header, rows = change(header, rows)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_missing_column_names_file_and_column(data_copy):
    def drop(header, rows):
        return [h for h in header if h != "joined"], [{k: v for k, v in r.items() if k != "joined"} for r in rows]

    _rewrite(data_copy / "alliance_members.csv", drop)
    with pytest.raises(DataError, match=r"alliance_members\.csv.*'joined'"):
        load("alliance_members")


def test_text_in_a_number_column(data_copy):
    def bad(header, rows):
        rows[3]["share_gdp_pct"] = "abc"
        return header, rows

    _rewrite(data_copy / "nato_defence_expenditure.csv", bad)
    with pytest.raises(DataError, match=r"nato_defence_expenditure\.csv.*'share_gdp_pct'.*row 5.*'abc'"):
        load("nato_defence_expenditure")


def test_bad_date(data_copy):
    def bad(header, rows):
        rows[0]["signed"] = "1949-13-45"
        return header, rows

    _rewrite(data_copy / "alliances.csv", bad)
    with pytest.raises(DataError, match=r"alliances\.csv.*'signed'.*row 2"):
        load("alliances")


def test_missing_file(data_copy):
    (data_copy / "crises.csv").unlink()
    with pytest.raises(DataError, match="crises"):
        load("crises")


def test_data_cards_render(data_copy):
    from alliances.datacards import all_datacards_markdown

    text = all_datacards_markdown()
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert all(h.startswith("## ") or h.startswith("### ") for h in headings)
    without_links = re.sub(r"\]\([^)]*\)", "]", text)
    bare = [line for line in without_links.splitlines() if "http://" in line or "https://" in line]
    assert not bare, bare[:3]

"""The research-data CSVs in data/ are exactly what data/scripts/convert_upstream.py makes from
the upstream peacesciencer files (../shared/upstream/peacesciencer next to the repository)."""

from __future__ import annotations

import gzip
import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
SCRIPT = DATA / "scripts" / "convert_upstream.py"


def _script():
    spec = importlib.util.spec_from_file_location("convert_upstream", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _upstream_or_skip():
    module = _script()
    upstream = module.find_upstream(REPO)
    if upstream is None:
        pytest.skip("no ../shared/upstream/peacesciencer next to the repository: nothing to regenerate from")
    for dependency in ("pyreadr", "countrycode"):
        if importlib.util.find_spec(dependency) is None:
            pytest.skip(f"{dependency} is not installed (pip install -r requirements-dev.txt)")
    return module, upstream


def test_regenerated_files_are_byte_identical_to_the_committed_ones():
    module, upstream = _upstream_or_skip()
    built = module.build(upstream)
    assert len(built) == 10
    for name, payload in built.items():
        committed = (DATA / name).read_bytes()
        assert payload == committed, f"data/{name} differs from what convert_upstream.py makes"


def test_every_converted_file_is_a_resource():
    package = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    paths = {r["path"] for r in package["resources"]}
    module = _script()
    outputs = {out for _, out, _, _ in module.DATASETS.values()} | {"state_codes.csv"}
    assert outputs <= paths


def test_gzip_files_carry_no_timestamp_or_name():
    for path in DATA.glob("*.csv.gz"):
        header = path.read_bytes()[:10]
        assert header[:2] == b"\x1f\x8b"
        assert header[4:8] == b"\x00\x00\x00\x00", f"{path.name} has an mtime"
        assert not header[3] & 0x08, f"{path.name} stores a file name"


def test_row_counts_match_the_upstream_readme():
    # Row counts as printed in ../shared/upstream/peacesciencer/README.md, independent of the script.
    expected = {"atop_dyad_years.csv.gz": 273_296, "cow_capabilities.csv.gz": 17_121,
                "mid_disputes.csv": 2_436, "mid_dyad_years.csv.gz": 11_390, "states.csv": 243,
                "major_powers.csv": 14, "wars_dyad_years.csv": 1_932, "rivalries.csv": 197,
                "contiguity.csv": 1_874}
    for name, rows in expected.items():
        opener = gzip.open if name.endswith(".gz") else open
        with opener(DATA / name, "rt", encoding="utf-8") as fh:
            assert sum(1 for _ in fh) - 1 == rows, name


def test_values_match_the_upstream_file_where_checked_by_hand():
    # First rows of the upstream files as printed by pyreadr (floats), read independently.
    atop = pd.read_csv(DATA / "atop_dyad_years.csv.gz", nrows=1)
    assert atop.iloc[0].tolist() == [2, 20, 1942, 1, 1, 0, 0, 0]
    nmc = pd.read_csv(DATA / "cow_capabilities.csv.gz", nrows=1)
    assert nmc.iloc[0, :6].tolist() == [2, 1816, 3823, 17, 80, 254]
    states = pd.read_csv(DATA / "states.csv")
    usa = states.iloc[0]
    assert (usa["ccode"], usa["start"], usa["end"]) == (2, "1816-01-01", "2016-12-31")
    assert len(states.query("ccode == 255")) == 2  # Germany: 1816-1945 and 1990-

"""Convert the upstream research datasets (peacesciencer's ``.rda`` files) into the CSVs in ``data/``.

Development only: needs ``pyreadr`` and ``countrycode`` (``requirements-dev.txt``), never imported by the course.
Run from the repository root::

    python data/scripts/convert_upstream.py [UPSTREAM_DIR] [OUT_DIR]

``UPSTREAM_DIR`` defaults to ``../shared/upstream/peacesciencer`` next to the repository (or a
parent folder), ``OUT_DIR``
to ``data/``. The output is byte-reproducible (fixed row order, ``\\n`` line ends, gzip with mtime 0
and no file name), so ``tests/test_data_upstream.py`` can regenerate it and compare bytes.

Every row and value is kept. The only changes are: columns renamed to plain English; codes,
years and counts written as integers (pyreadr returns floats); the state, major-power and
contiguity start/end parts (year, month, day) joined into ISO dates; the constant ``version``
column of the state and major-power lists dropped (it is 2016 in every row and is stated in the
resource's ``version``). Missing values (``NA`` in R) are empty cells.
"""

from __future__ import annotations

import gzip
import io
import sys
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[2]
UPSTREAM_PARTS = ("shared", "upstream", "peacesciencer")


def find_upstream(repo: Path = REPO) -> Path | None:
    """``../shared/upstream/peacesciencer`` next to the repository (or next to a parent folder,
    as in a worktree checkout), or None if there is none."""
    for base in (repo.parent, *repo.parent.parents):
        candidate = base.joinpath(*UPSTREAM_PARTS)
        if candidate.is_dir():
            return candidate
    return None


DEFAULT_UPSTREAM = find_upstream() or REPO.parent.joinpath(*UPSTREAM_PARTS)

# resource name -> (rda file, output file, {upstream column: course column}, sort key)
DATASETS = {
    "states": ("cow_states.rda", "states.csv", {
        "ccode": "ccode", "stateabb": "abbreviation", "statenme": "name"}, ["ccode", "start"]),
    "major_powers": ("cow_majors.rda", "major_powers.csv", {"ccode": "ccode"}, ["ccode", "start"]),
    "atop_dyad_years": ("atop_alliance.rda", "atop_dyad_years.csv.gz", {
        "ccode1": "ccode1", "ccode2": "ccode2", "year": "year",
        "atop_defense": "defence", "atop_offense": "offence", "atop_neutral": "neutrality",
        "atop_nonagg": "non_aggression", "atop_consul": "consultation"}, ["ccode1", "ccode2", "year"]),
    "cow_capabilities": ("cow_nmc.rda", "cow_capabilities.csv.gz", {
        "ccode": "ccode", "year": "year", "milex": "military_expenditure",
        "milper": "military_personnel", "irst": "iron_steel", "pec": "primary_energy",
        "tpop": "total_population", "upop": "urban_population", "cinc": "cinc"}, ["ccode", "year"]),
    "mid_disputes": ("cow_mid_disps.rda", "mid_disputes.csv", {
        "dispnum": "dispute", "styear": "start_year", "stmon": "start_month", "outcome": "outcome",
        "settle": "settlement", "fatality": "fatality", "mindur": "min_duration_days",
        "maxdur": "max_duration_days", "hiact": "highest_action", "hostlev": "hostility_level",
        "recip": "reciprocated"}, ["dispute"]),
    "mid_dyad_years": ("cow_mid_dirdisps.rda", "mid_dyad_years.csv.gz", {
        "dispnum": "dispute", "ccode1": "ccode1", "ccode2": "ccode2", "year": "year",
        "dispongoing": "ongoing", "disponset": "onset", "sidea1": "side_a1", "sidea2": "side_a2",
        "fatality1": "fatality1", "fatality2": "fatality2",
        "fatalpre1": "fatalities_precise1", "fatalpre2": "fatalities_precise2",
        "hiact1": "highest_action1", "hiact2": "highest_action2",
        "hostlev1": "hostility_level1", "hostlev2": "hostility_level2",
        "orig1": "originator1", "orig2": "originator2"}, ["dispute", "ccode1", "ccode2", "year"]),
    "wars_dyad_years": ("cow_war_inter.rda", "wars_dyad_years.csv", {
        "warnum": "war", "ccode1": "ccode1", "ccode2": "ccode2", "year": "year",
        "cowinterongoing": "ongoing", "cowinteronset": "onset", "sidea1": "side1", "sidea2": "side2",
        "initiator1": "initiator1", "initiator2": "initiator2", "outcome1": "outcome1",
        "outcome2": "outcome2", "batdeath1": "battle_deaths1", "batdeath2": "battle_deaths2",
        "resume": "resumed"}, ["war", "ccode1", "ccode2", "year", "resumed"]),
    "rivalries": ("td_rivalries.rda", "rivalries.csv", {
        "rivalryno": "rivalry", "rivalryname": "name", "ccode1": "ccode1", "ccode2": "ccode2",
        "styear": "start_year", "endyear": "end_year", "region": "region",
        "type1": "type1", "type2": "type2", "type3": "type3"}, ["rivalry"]),
    "contiguity": ("cow_contdir.rda", "contiguity.csv", {
        "ccode1": "ccode1", "ccode2": "ccode2", "conttype": "contiguity_type",
        "stdate": "start", "enddate": "end"}, ["ccode1", "ccode2", "start"]),
}

# Columns kept as decimals (everything else numeric is a whole number).
DECIMAL_COLUMNS = {"total_population", "urban_population", "cinc"}


def _date(frame: pd.DataFrame, prefix: str, year: str) -> pd.Series:
    """ISO dates from upstream year/month/day columns (``styear``/``stmonth``/``stday`` etc.)."""
    parts = frame[[year, f"{prefix}month", f"{prefix}day"]].astype("int64")
    return (parts[year].astype(str).str.zfill(4) + "-" + parts[f"{prefix}month"].astype(str).str.zfill(2)
            + "-" + parts[f"{prefix}day"].astype(str).str.zfill(2))


def convert(name: str, upstream: Path) -> tuple[str, pd.DataFrame]:
    """Dataset ``name`` read from ``upstream`` as the course frame, and its output file name."""
    import pyreadr  # development-only dependency

    rda, out, columns, key = DATASETS[name]
    raw = next(iter(pyreadr.read_r(str(upstream / rda)).values()))
    frame = raw.rename(columns=columns)
    if name in ("states", "major_powers"):
        frame["start"] = _date(raw, "st", "styear")
        frame["end"] = _date(raw, "end", "endyear")
        frame = frame[[*columns.values(), "start", "end"]]
    else:
        frame = frame[list(columns.values())]
    for col in frame.columns:
        values = frame[col]
        if values.dtype.kind == "f" and col not in DECIMAL_COLUMNS:
            whole = values.dropna()
            if not (whole % 1 == 0).all():
                raise ValueError(f"{rda}: column {col} has non-integer values")
            frame[col] = values.astype("Int64")
        elif values.dtype.kind not in "fi":
            frame[col] = values.astype(object)
    frame = frame.sort_values(key, kind="mergesort").reset_index(drop=True)
    if len(frame) != len(raw):
        raise ValueError(f"{rda}: row count changed")
    return out, frame


def csv_bytes(frame: pd.DataFrame, gzipped: bool) -> bytes:
    """The frame as UTF-8 CSV bytes; gzip without file name or timestamp when ``gzipped``."""
    text = frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    if not gzipped:
        return text
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as gz:
        gz.write(text)
    return buffer.getvalue()


def state_codes(states: pd.DataFrame) -> pd.DataFrame:
    """One row per COW code: abbreviation, name (of its latest spell) and ISO 3166-1 alpha-3 code.

    ISO3 codes come from the ``countrycode`` package (Arel-Bundock, Enevoldsen and Yetman 2018,
    its ``cown`` -> ``iso3c`` table), with no overrides: states that have no ISO3 code there
    (German states before 1871, the two Germanies 1949-1990, Austria-Hungary, Yugoslavia, Kosovo,
    the Republic of Vietnam, ...) get an empty cell.
    """
    from countrycode import countrycode  # development-only dependency

    latest = states.drop_duplicates("ccode", keep="last")[["ccode", "abbreviation", "name"]]
    iso3 = countrycode(latest["ccode"].astype(int).tolist(), origin="cown", destination="iso3c")
    latest = latest.assign(iso3=[code or None for code in iso3])
    return latest.reset_index(drop=True)


def build(upstream: Path = DEFAULT_UPSTREAM) -> dict[str, bytes]:
    """Output file name -> bytes for every dataset (and ``state_codes.csv``)."""
    files = {}
    for name in DATASETS:
        out, frame = convert(name, upstream)
        files[out] = csv_bytes(frame, out.endswith(".gz"))
        if name == "states":
            files["state_codes.csv"] = csv_bytes(state_codes(frame), False)
    return files


def main(argv: list[str]) -> None:
    upstream = Path(argv[1]) if len(argv) > 1 else DEFAULT_UPSTREAM
    out_dir = Path(argv[2]) if len(argv) > 2 else REPO / "data"
    for out, payload in build(upstream).items():
        (out_dir / out).write_bytes(payload)
        print(f"wrote {out_dir / out} ({len(payload):,} bytes)")


if __name__ == "__main__":
    main(sys.argv)

"""The one loader for the course's case-study data.

Every dataset is a CSV file in ``data/`` described by one Frictionless Data Package,
``data/datapackage.json``. The package's table schemas say what each column holds, and this module
reads the CSV files *through* those schemas, so that every chapter gets the same, typed frame:

* ``date`` fields become ``datetime64`` columns (missing dates are ``NaT``);
* ``integer`` fields become ``int64`` when required, ``"Int64"`` (nullable) otherwise;
* ``number`` fields become ``float64``;
* ``boolean`` fields become ``bool``;
* ``string`` fields with an ``enum`` constraint become ``category`` with the enum, in schema order,
  as the categories; other strings stay text (missing values are ``NaN``).

Usage::

    from alliances.data import load, resource_names, schema, sources
    members = load("alliance_members")

``load`` caches the parsed frame per dataset and hands out a copy, so changing the returned frame
never changes what the next caller sees. Problems with the files (an unknown dataset name, a file
that is missing, a column that is missing, a value of the wrong type) raise :class:`DataError` with
a plain-English message that names the file, the column and the row.

The data directory is ``data/`` next to the package (``DATA_DIR``); set the environment variable
``ALLIANCES_DATA_DIR`` to read a copy elsewhere (the environment is read on every call).
"""

from __future__ import annotations

import csv
import functools
import json
import os
from pathlib import Path

import pandas as pd

__all__ = ["DATA_DIR", "DataError", "load", "resource_names", "schema", "sources", "clear_cache"]

_DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DATA_DIR = Path(os.environ.get("ALLIANCES_DATA_DIR") or _DEFAULT_DATA_DIR)
PACKAGE_FILE = "datapackage.json"

_TRUE = {"true", "True", "TRUE", "1", "yes"}
_FALSE = {"false", "False", "FALSE", "0", "no"}


class DataError(ValueError):
    """A problem with the course data, explained in plain English."""


def _data_dir() -> Path:
    """The data directory in use now: ``$ALLIANCES_DATA_DIR`` if set, else ``DATA_DIR``."""
    env = os.environ.get("ALLIANCES_DATA_DIR")
    return Path(env) if env else DATA_DIR


@functools.lru_cache(maxsize=8)
def _package(data_dir: str) -> dict:
    path = Path(data_dir) / PACKAGE_FILE
    if not path.is_file():
        raise DataError(f"The data package description {path} does not exist. "
                        f"Is ALLIANCES_DATA_DIR pointing at the course's data/ folder?")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise DataError(f"{path} is not valid JSON (line {err.lineno}: {err.msg}).") from None


def _resources(data_dir: str) -> dict[str, dict]:
    return {res["name"]: res for res in _package(data_dir).get("resources", [])}


def resource_names() -> list[str]:
    """The names of the datasets in the data package, in package order."""
    return list(_resources(str(_data_dir())))


def _resource(name: str, data_dir: str) -> dict:
    resources = _resources(data_dir)
    if not isinstance(name, str) or name not in resources:
        available = ", ".join(sorted(resources))
        raise DataError(f"There is no dataset called {name!r}. Available datasets: {available}.")
    return resources[name]


def schema(name: str) -> list[dict]:
    """The field list (name, type, description, constraints...) of dataset ``name``."""
    res = _resource(name, str(_data_dir()))
    return [dict(field) for field in res["schema"]["fields"]]


def _fail(file: str, column: str, line: int, value: str, expected: str, key: str = "") -> DataError:
    where = f"row {line}" + (f" ({key})" if key else "")
    return DataError(f"In {file}, column {column!r}, {where}: the value {value!r} is not {expected}.")


def _row_key(raw: pd.DataFrame, index: int, pk: list[str]) -> str:
    parts = [f"{col}={raw.at[index, col]}" for col in pk if col in raw.columns and raw.at[index, col]]
    return ", ".join(parts)


def _convert(raw: pd.DataFrame, field: dict, file: str, pk: list[str]) -> pd.Series:
    """One column of strings (empty = missing) converted to the dtype the schema asks for."""
    col = field["name"]
    kind = field.get("type", "string")
    cons = field.get("constraints", {})
    values = raw[col]
    missing = values == ""
    # CSV line of each data row: the header is line 1.
    line = {idx: pos + 2 for pos, idx in enumerate(raw.index)}

    if cons.get("required") and missing.any():
        idx = missing[missing].index[0]
        raise DataError(f"In {file}, column {col!r}, row {line[idx]}"
                        f"{' (' + _row_key(raw, idx, pk) + ')' if _row_key(raw, idx, pk) else ''}: "
                        f"a value is required but the cell is empty.")

    present = values[~missing]
    if kind == "date":
        parsed = pd.to_datetime(present, format="%Y-%m-%d", errors="coerce")
        bad = parsed.isna()
        if bad.any():
            idx = bad[bad].index[0]
            raise _fail(file, col, line[idx], values[idx], "a date written YYYY-MM-DD",
                        _row_key(raw, idx, pk))
        out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
        out[~missing] = parsed.astype("datetime64[ns]")
        return out
    if kind in ("integer", "year"):
        parsed = pd.to_numeric(present, errors="coerce")
        bad = parsed.isna() | (parsed % 1 != 0)
        if bad.any():
            idx = bad[bad].index[0]
            raise _fail(file, col, line[idx], values[idx], "a whole number", _row_key(raw, idx, pk))
        if cons.get("required"):
            return parsed.astype("int64").reindex(raw.index)
        out = pd.Series(pd.NA, index=raw.index, dtype="Int64")
        out[~missing] = parsed.astype("int64")
        return out
    if kind == "number":
        parsed = pd.to_numeric(present, errors="coerce")
        bad = parsed.isna()
        if bad.any():
            idx = bad[bad].index[0]
            raise _fail(file, col, line[idx], values[idx], "a number", _row_key(raw, idx, pk))
        out = pd.Series(float("nan"), index=raw.index, dtype="float64")
        out[~missing] = parsed.astype("float64")
        return out
    if kind == "boolean":
        true_values = set(field.get("trueValues", [])) or _TRUE
        false_values = set(field.get("falseValues", [])) or _FALSE
        bad = ~present.isin(true_values | false_values)
        if bad.any():
            idx = bad[bad].index[0]
            raise _fail(file, col, line[idx], values[idx], "true or false", _row_key(raw, idx, pk))
        if missing.any():
            out = pd.Series(pd.NA, index=raw.index, dtype="boolean")
            out[~missing] = present.isin(true_values)
            return out
        return values.isin(true_values).astype(bool)
    # string
    enum = cons.get("enum")
    if enum is not None:
        bad = ~present.isin(enum)
        if bad.any():
            idx = bad[bad].index[0]
            allowed = ", ".join(repr(e) for e in enum)
            raise _fail(file, col, line[idx], values[idx], f"one of the allowed values ({allowed})",
                        _row_key(raw, idx, pk))
        return pd.Categorical(values.where(~missing), categories=list(enum))
    return values.where(~missing).astype(object)


@functools.lru_cache(maxsize=64)
def _load_cached(name: str, data_dir: str) -> pd.DataFrame:
    res = _resource(name, data_dir)
    path = Path(data_dir) / res["path"]
    file = res["path"]
    if not path.is_file():
        raise DataError(f"The data file {path} for dataset {name!r} does not exist.")
    fields = res["schema"]["fields"]
    pk = res["schema"].get("primaryKey", [])
    pk = [pk] if isinstance(pk, str) else list(pk)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8")
    except (pd.errors.ParserError, UnicodeDecodeError, csv.Error) as err:
        raise DataError(f"{file} could not be read as a CSV file: {err}") from None
    except pd.errors.EmptyDataError:
        raise DataError(f"{file} is empty: it has no header row.") from None
    missing_cols = [f["name"] for f in fields if f["name"] not in raw.columns]
    if missing_cols:
        raise DataError(f"In {file}, the column(s) {', '.join(repr(c) for c in missing_cols)} "
                        f"are missing (the header row has: {', '.join(raw.columns)}).")
    frame = pd.DataFrame(index=raw.index)
    for field in fields:
        frame[field["name"]] = _convert(raw, field, file, pk)
    return frame


def load(name: str) -> pd.DataFrame:
    """Dataset ``name`` as a typed DataFrame (a fresh copy each call); DataError if anything is wrong."""
    if not isinstance(name, str):
        hint = f" (load one at a time: load({name[0]!r}))" if isinstance(name, (list, tuple)) and name else ""
        raise DataError(f"name must be the name of one dataset as a string, got {name!r}{hint}")
    return _load_cached(name, str(_data_dir())).copy()


def clear_cache() -> None:
    """Forget every parsed dataset (use after changing the files or ``ALLIANCES_DATA_DIR``)."""
    _load_cached.cache_clear()
    _package.cache_clear()


load.cache_clear = clear_cache  # type: ignore[attr-defined]


def sources() -> pd.DataFrame:
    """The sources every row cites: the same as ``load("sources")``."""
    return load("sources")

"""One lookup between Correlates of War (COW) state codes, state names and ISO3 codes.

Built from the ``state_codes`` resource (COW State System Membership v2016 for codes and names;
ISO 3166-1 alpha-3 codes from the ``countrycode`` package, no overrides), so every table and
figure can show names instead of numbers::

    from alliances.codes import state_name, iso3, ccode_from_iso3
    state_name(260)        # 'German Federal Republic'
    iso3(2)                # 'USA'
    ccode_from_iso3("DEU") # 255 (united Germany; West Germany, COW 260, has no ISO3 code)
"""

from __future__ import annotations

import functools

import pandas as pd

from alliances.data import load

__all__ = ["state_name", "iso3", "ccode_from_iso3", "names", "code_table"]


@functools.lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    return load("state_codes").set_index("ccode")


def code_table() -> pd.DataFrame:
    """COW code, COW abbreviation, name and ISO3 code of every state in the COW list."""
    return _table().reset_index()


def _code(ccode) -> int:
    """``ccode`` as a known COW code (ValueError otherwise)."""
    if isinstance(ccode, bool) or not isinstance(ccode, (int, float)) or ccode != ccode or ccode % 1:
        raise ValueError(f"A COW state code is a whole number such as 2 or 365; got {ccode!r}.")
    code = int(ccode)
    if code not in _table().index:
        raise ValueError(f"{code} is not a COW state code in the state list (states, v2016).")
    return code


def state_name(ccode: int) -> str:
    """The COW name of state ``ccode`` (int), e.g. 365 -> 'Russia'; ValueError if unknown."""
    return str(_table().at[_code(ccode), "name"])


def iso3(ccode: int) -> str | None:
    """The ISO3 code of state ``ccode`` (int), or None for states without one (e.g. 260)."""
    value = _table().at[_code(ccode), "iso3"]
    return None if pd.isna(value) else str(value)


def ccode_from_iso3(code: str) -> int:
    """The COW code (int) whose ISO3 code is ``code`` (case-insensitive); ValueError if none."""
    if not isinstance(code, str):
        raise ValueError(f"An ISO3 code is three letters such as 'USA'; got {code!r}.")
    matches = _table().index[_table()["iso3"].fillna("") == code.strip().upper()]
    if len(matches) == 0:
        raise ValueError(f"No COW state has the ISO3 code {code!r}.")
    return int(matches[0])


def names(ccodes) -> pd.Series:
    """COW names for a sequence or Series of codes (unknown codes give NaN), index kept."""
    series = ccodes if isinstance(ccodes, pd.Series) else pd.Series(list(ccodes))
    return series.map(_table()["name"])

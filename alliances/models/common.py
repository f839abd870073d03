"""Input checks shared by the models, so every chapter rejects bad input with the same words."""

from __future__ import annotations

import math
import numbers


def check_year(year, name: str = "year") -> int:
    """A whole four-digit calendar year as an int, or ValueError saying what was wrong."""
    ok = isinstance(year, numbers.Real) and not isinstance(year, bool)
    if not ok or not math.isfinite(float(year)) or float(year) != int(year):
        raise ValueError(f"{name} must be a whole number such as 1960, got {year!r}")
    year = int(year)
    if not 1000 <= year <= 9999:
        raise ValueError(f"{name} must be a four-digit calendar year, got {year}")
    return year


def in_force_during(starts, ends, first_year: int, last_year: int | None = None):
    """Boolean mask: in force on at least one day of the years ``first_year``..``last_year``.

    ``starts`` and ``ends`` are date Series (an empty end means still in force). The end date is
    exclusive, as treaty terminations are: a treaty that ends on 1 January 1980 is in force on no
    day of 1980. Every chapter counts alliances and memberships by this one rule.
    """
    import pandas as pd

    first = check_year(first_year, "first_year")
    last = first if last_year is None else check_year(last_year, "last_year")
    if last < first:
        raise ValueError(f"the period runs backwards: {first} to {last}")
    starts, ends = pd.to_datetime(starts), pd.to_datetime(ends)
    begin, finish = pd.Timestamp(year=first, month=1, day=1), pd.Timestamp(year=last, month=12, day=31)
    return starts.notna() & (starts <= finish) & (ends.isna() | (ends > begin))


def check_table(frame, needed, name: str, resource: str) -> None:
    """ValueError unless ``frame`` is a DataFrame with the ``needed`` columns (like ``load(resource)``)."""
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"{name} must be a pandas DataFrame like load('{resource}')")
    needed = list(needed)
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} is missing the column(s) {missing}; it needs {needed}")

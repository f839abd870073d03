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

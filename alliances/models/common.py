"""Input checks and the calendar rule shared by the models, so every chapter agrees.

* One validation style: ``check_number``, ``check_numbers``, ``check_names``, ``check_year``,
  ``check_years``, ``check_date`` and ``check_table`` turn bad input into a ``ValueError`` that names the argument
  and the value it got, instead of a NaN, a silently wrong result or a TypeError deep inside.
* One rule for *in force during a year* (:func:`in_force_during`): a treaty or membership is in
  force from its start date up to, **but not including**, its end date (on the end date it no
  longer binds), and it counts in a year if it was in force on at least one day of that year.
* One rule for *what counts as an alliance* (:func:`is_alliance`).
"""

from __future__ import annotations

import math
import numbers

OBLIGATIONS = ("defence", "offence", "neutrality", "non_aggression", "consultation")
"""The formal pledges that make a treaty an alliance (chapter 1's definition, after ATOP)."""


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _real(value) -> bool:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return False
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError, OverflowError):
        return False


def check_number(value, name: str, *, minimum: float | None = None, maximum: float | None = None,
                 above: float | None = None, whole: bool = False):
    """``value`` as a finite float (an int if ``whole``), or ValueError naming ``name`` and the value.

    ``minimum``/``maximum`` are inclusive bounds, ``above`` an exclusive lower bound. Booleans,
    strings, NaN and infinity are rejected.
    """
    if not _real(value):
        raise ValueError(f"{name} must be a finite number, got {_shown(value)}")
    number = float(value)
    if whole:
        if not number.is_integer():
            raise ValueError(f"{name} must be a whole number, got {_shown(value)}")
        number = int(number)
    if above is not None and not number > above:
        raise ValueError(f"{name} must be greater than {above:g}, got {_shown(value)}")
    if minimum is not None and number < minimum:
        bound = "must not be negative" if minimum == 0 else f"must be at least {minimum:g}"
        raise ValueError(f"{name} {bound}, got {_shown(value)}")
    if maximum is not None and number > maximum:
        raise ValueError(f"{name} must be at most {maximum:g}, got {_shown(value)}")
    return number


def check_numbers(values, name: str, *, minimum: float | None = None, whole: bool = False,
                  nonempty: bool = True) -> list:
    """A list of numbers each passing :func:`check_number` (a string or a bare number is rejected)."""
    if isinstance(values, (str, bytes)) or _real(values) or values is None:
        raise ValueError(f"{name} must be a list of numbers, got {_shown(values)}")
    try:
        items = list(values)
    except TypeError:
        raise ValueError(f"{name} must be a list of numbers, got {_shown(values)}") from None
    if nonempty and not items:
        raise ValueError(f"{name} must not be empty")
    out = []
    for position, item in enumerate(items, start=1):
        try:
            out.append(check_number(item, f"{name} (item {position})", minimum=minimum, whole=whole))
        except ValueError as exc:
            raise ValueError(f"{exc}; {name} was {_shown(values)}") from None
    return out


def check_names(values, name: str) -> list[str]:
    """A list of names (e.g. ISO3 codes): a single string is rejected, not split into letters."""
    if isinstance(values, str):
        raise ValueError(f"{name} must be a list of names such as [{values!r}], not the single string {values!r}")
    try:
        items = list(values)
    except TypeError:
        raise ValueError(f"{name} must be a list of names, got {_shown(values)}") from None
    bad = [v for v in items if not isinstance(v, str) or not v]
    if bad:
        raise ValueError(f"{name} must hold non-empty strings, got {_shown(bad[0])} in {_shown(values)}")
    return items


def check_date(value, name: str = "date"):
    """A date as a pandas Timestamp: a date (or text such as "2025-06-30") or a year (= 1 January).

    A whole number is read as a calendar year, never as nanoseconds since 1970.
    """
    import pandas as pd

    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        return pd.Timestamp(year=check_year(value, name), month=1, day=1)
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{name} must be a date such as '2025-01-01' or a year, got {_shown(value)}")
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{name} must be a date such as '2025-01-01' or a year, got {_shown(value)}") from None
    if pd.isna(stamp):
        raise ValueError(f"{name} must be a date, not missing")
    return stamp


def check_year(year, name: str = "year") -> int:
    """A whole four-digit calendar year as an int, or ValueError saying what was wrong."""
    if not _real(year) or not float(year).is_integer():
        raise ValueError(f"{name} must be a whole number such as 1960, got {_shown(year)}")
    year = int(year)
    if not 1000 <= year <= 9999:
        raise ValueError(f"{name} must be a four-digit calendar year, got {year}")
    return year


def check_years(years, name: str = "years") -> list[int]:
    """A list of whole four-digit years (a range or list); a single year or a string is a clear error."""
    if isinstance(years, (str, bytes)) or isinstance(years, numbers.Number) or years is None:
        raise ValueError(f"{name} must be a list or range of years such as [1960, 1970], got {_shown(years)}")
    try:
        items = list(years)
    except TypeError:
        raise ValueError(f"{name} must be a list or range of years such as [1960, 1970], got {_shown(years)}") from None
    return [check_year(y, f"{name} (item {k})") for k, y in enumerate(items, start=1)]


def check_period(first_year, last_year, names: tuple[str, str] = ("first_year", "last_year")) -> tuple[int, int]:
    """Two years that run forwards (``first <= last``), or ValueError naming what is wrong."""
    first, last = check_year(first_year, names[0]), check_year(last_year, names[1])
    if last < first:
        raise ValueError(f"the period runs backwards: {names[0]} {first} is after {names[1]} {last}")
    return first, last


def in_force_during(starts, ends, first_year: int, last_year: int | None = None):
    """Boolean mask: in force on at least one day of the years ``first_year``..``last_year``.

    ``starts`` and ``ends`` are date Series (an empty end means still in force). A row is in force
    from its start date up to, but not including, its end date, as treaty terminations are: the
    US-Taiwan treaty, which ended on 1 January 1980, is in force in 1979 and on no day of 1980.
    So a row counts in year y when ``start <= 31 December y`` and (``end`` missing or
    ``end > 1 January y``). Every model counts alliances and memberships by this one rule.
    """
    import pandas as pd

    first, last = check_period(first_year, first_year if last_year is None else last_year)
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


def is_alliance(alliances):
    """Boolean mask: rows that are alliances by chapter 1's definition.

    An alliance is a formal agreement with at least one pledge of defence, offence, neutrality,
    non-aggression or consultation (the obligations ATOP codes; a Correlates of War *entente*, a
    promise to consult in a crisis, counts as consultation). A partnership with none of them, such
    as AUKUS (a leaders' statement on capabilities and technology), is not one. Missing flags count
    as False; an ``entente`` column is used when the table has one.
    """
    check_table(alliances, ("alliance_id", *OBLIGATIONS), "alliances", "alliances")
    pledges = list(OBLIGATIONS) + (["entente"] if "entente" in alliances.columns else [])
    flags = alliances[pledges]
    return flags.apply(lambda column: column.map(flag)).any(axis=1)


def flag(value) -> bool:
    """An obligation flag as True/False: missing (None, NaN, NA) is False; "true"/"yes"/"1" text is True."""
    if value is None or value is ... or (isinstance(value, float) and math.isnan(value)):
        return False
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "y")
    try:
        import pandas as pd

        if value is pd.NA:
            return False
    except ImportError:  # pragma: no cover
        pass
    return bool(value)


def treaty_starts(alliances):
    """When each treaty starts to bind: its ``in_force`` date where known, else its ``signed`` date.

    Memberships start at entry into force too (``joined``), so every model dates a treaty the same way.
    """
    import pandas as pd

    signed = pd.to_datetime(alliances["signed"]) if "signed" in alliances.columns else \
        pd.Series(pd.NaT, index=alliances.index, dtype="datetime64[ns]")
    if "in_force" not in alliances.columns:
        return signed
    return pd.to_datetime(alliances["in_force"]).fillna(signed)


def alliances_in_force(alliances, year: int) -> set:
    """The ids of the treaties that are alliances (:func:`is_alliance`) and in force during ``year``.

    A treaty is in force from its start (:func:`treaty_starts`) up to, not including, ``ended``
    (:func:`in_force_during`); a missing start leaves it to the memberships' ``joined`` dates, a
    missing ``ended`` means still in force. The network and similarity models keep only memberships
    of these.
    """
    import pandas as pd

    check_table(alliances, ("alliance_id", *OBLIGATIONS), "alliances", "alliances")
    never = pd.Series(pd.NaT, index=alliances.index, dtype="datetime64[ns]")
    starts = treaty_starts(alliances)
    ends = pd.to_datetime(alliances["ended"]) if "ended" in alliances.columns else never
    current = in_force_during(starts.fillna(pd.Timestamp.min.ceil("D")), ends, year)
    return set(alliances.loc[current & is_alliance(alliances), "alliance_id"])

"""Turn whatever a student typed into a plain value (float, int, str, bool, tuple) or explain why not.

Comparisons are made only on these plain values, never on the student's object, so an object
whose ``__eq__`` always returns True, a float subclass or a class that fakes ``__class__`` cannot
pass a check. Types are read with ``type()`` (which cannot be faked), and subclasses of the
built-ins are unwrapped through the built-in's own method (``float.__float__(x)``).
"""

from __future__ import annotations

import decimal
import fractions
import math
import re
import unicodedata
from typing import Any


class AnswerTypeError(Exception):
    """The answer is not of a kind this question can judge; the message is for the student."""


class MissingAnswer(Exception):
    """The answer is still the placeholder (``...``) or ``None``."""


def describe(value: Any) -> str:
    """A short, safe description of a value for feedback: its type and a truncated repr."""
    kind = type(value).__name__
    try:
        text = repr(value)
    except Exception:  # a rigged __repr__ must not break feedback
        text = "<unprintable>"
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{kind} {text}"


def _numpy_scalar(value: Any) -> Any:
    if type(value).__module__ == "numpy" and getattr(value, "ndim", None) == 0:
        return value.item()
    return value


def _sequence_items(value: Any) -> list[Any] | None:
    """The items of a list-like answer, or None if it is not one we accept."""
    kind = type(value)
    if kind in (list, tuple, set, frozenset):
        return list(value)
    module = kind.__module__.split(".")[0]
    if module in ("numpy", "pandas") and kind.__name__ in ("ndarray", "Series", "Index"):
        return list(value.tolist())
    return None


def check_missing(value: Any) -> None:
    if value is ... or value is None:
        raise MissingAnswer


def to_number(value: Any) -> float:
    check_missing(value)
    value = _numpy_scalar(value)
    kind = type(value)
    if issubclass(kind, bool):
        raise AnswerTypeError(f"expected a number, but got a True/False value ({describe(value)}).")
    if issubclass(kind, int):
        return float(int.__int__(value))
    if issubclass(kind, float):
        number = float.__float__(value)
    elif kind is fractions.Fraction:
        number = fractions.Fraction.__float__(value)
    elif kind is decimal.Decimal:
        number = decimal.Decimal.__float__(value)
    else:
        items = _sequence_items(value)
        if items is not None and len(items) == 1:
            raise AnswerTypeError(f"expected one number, but got a {kind.__name__} holding one value "
                                  f"({describe(value)}): take the value out, e.g. with float(...) or .item().")
        raise AnswerTypeError(f"expected a number, but got {describe(value)}.")
    if math.isnan(number):
        raise AnswerTypeError(
            "your answer is NaN ('not a number'): usually a sign that a calculation divided by zero "
            "or used a missing value."
        )
    if math.isinf(number):
        raise AnswerTypeError("your answer is infinite: check for a division by zero.")
    return number


def to_integer(value: Any) -> int:
    """A whole number; a float within rounding error of one (11.999999999999998 from a sum) counts."""
    number = to_number(value)
    nearest = round(number)
    if abs(number - nearest) > 1e-9 * max(1.0, abs(number)):
        raise AnswerTypeError(f"expected a whole number, but got {number!r}.")
    return int(nearest)


def to_text(value: Any) -> str:
    check_missing(value)
    value = _numpy_scalar(value)
    if not issubclass(type(value), str):
        raise AnswerTypeError(f"expected text (a string in quotes), but got {describe(value)}.")
    return normalise_text(str.__str__(value))


_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212_/]+")
_SPELLING = {
    # US -> UK spellings of words a course on alliances uses; both sides of a comparison are folded
    "defense": "defence", "defenses": "defences", "offense": "offence", "offenses": "offences",
    "pretense": "pretence", "license": "licence", "center": "centre", "centers": "centres",
    "centered": "centred", "theater": "theatre", "theaters": "theatres", "fiber": "fibre",
    "liter": "litre", "meter": "metre", "meters": "metres", "program": "programme",
    "programs": "programmes", "catalog": "catalogue", "dialog": "dialogue", "gray": "grey",
    "judgment": "judgement", "enrollment": "enrolment", "fulfill": "fulfil", "aluminum": "aluminium",
    "maneuver": "manoeuvre", "maneuvers": "manoeuvres",
}
_OUR = re.compile(r"\b(arm|behavi|col|endeav|fav|flav|harb|hon|hum|lab|neighb|rum|savi|vig|val|vap)or"
                  r"(s|ed|ing|ite|ites|able|ably|hood|hoods|ful)?\b")
_IZE = re.compile(r"\b(\w{2,}?)(i|y)z(e|es|ed|ing|ation|ations|er|ers)\b")
_LL = re.compile(r"\b(travel|cancel|model|label|level|signal|counsel|fuel|total|channel)(ed|ing|er|ers)\b")
_ARTICLE = re.compile(r"^(the|a|an) (?=\S)")


def normalise_text(text: str) -> str:
    """Fold a text answer so that only its words count, not how they were typed.

    Case, accents (NFKD: "protégé" = "protege"), hyphens, dashes, underscores and slashes (as
    spaces: "Asia-Pacific" = "Asia Pacific"), other punctuation ("U.S." = "US"), spacing, a
    leading article ("the protégé" = "protégé") and common US/UK spellings (defense/defence,
    -ize/-ise, -yze/-yse, center/centre, program/programme, -or/-our, -l-/-ll-) do not matter.
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = _SEPARATORS.sub(" ", text)
    text = "".join(ch for ch in text if ch == " " or not unicodedata.category(ch).startswith(("P", "C")))
    text = " ".join(text.split())
    text = _OUR.sub(lambda m: f"{m[1]}our{m[2] or ''}", text)
    text = _IZE.sub(lambda m: f"{m[1]}{m[2]}s{m[3]}", text)
    text = _LL.sub(lambda m: f"{m[1]}l{m[2]}", text)
    text = " ".join(_SPELLING.get(word, word) for word in text.split())
    return _ARTICLE.sub("", text)


def to_bool(value: Any) -> bool:
    check_missing(value)
    value = _numpy_scalar(value)
    if type(value) is not bool:
        raise AnswerTypeError(f"expected True or False, but got {describe(value)}.")
    return value


def to_items(value: Any, convert) -> tuple:
    """A list-like answer converted item by item with ``convert``."""
    check_missing(value)
    items = _sequence_items(value)
    if items is None:
        raise AnswerTypeError(f"expected a list, but got {describe(value)}.")
    out = []
    for position, item in enumerate(items, start=1):
        try:
            out.append(convert(item))
        except MissingAnswer:
            raise AnswerTypeError(f"item {position} of your list is empty (None or ...).") from None
        except AnswerTypeError as exc:
            raise AnswerTypeError(f"item {position} of your list: {exc}") from None
    return tuple(out)


def to_jsonable(value: Any, depth: int = 0) -> Any:
    """Plain-data form of an answer for sending from the grading sandbox (lists, dicts, scalars).

    Anything else becomes ``{"__unsupported__": "<type name>"}`` so the judge can say so.
    """
    if depth > 20:
        return {"__unsupported__": "nested too deeply"}
    value = _numpy_scalar(value)
    kind = type(value)
    if value is None or value is ...:
        return {"__missing__": True}
    if kind is bool:
        return value
    if issubclass(kind, int) and not issubclass(kind, bool):
        return int.__int__(value)
    if issubclass(kind, float):
        return float.__float__(value)
    if kind is fractions.Fraction:
        return fractions.Fraction.__float__(value)
    if kind is decimal.Decimal:
        return decimal.Decimal.__float__(value)
    if issubclass(kind, str):
        return str.__str__(value)[:10_000]
    items = _sequence_items(value)
    if items is not None:
        return {"__list__": [to_jsonable(item, depth + 1) for item in items[:10_000]]}
    return {"__unsupported__": kind.__name__[:100]}


def from_jsonable(data: Any) -> Any:
    """Inverse of :func:`to_jsonable` in the trusted process; unknown shapes become a marker object."""
    if isinstance(data, dict):
        if data.get("__missing__") is True:
            return ...
        if "__list__" in data and isinstance(data["__list__"], list):
            return [from_jsonable(item) for item in data["__list__"]]
        return Unsupported(str(data.get("__unsupported__", "unknown"))[:100])
    if type(data) in (bool, int, float, str):
        return data
    return Unsupported(type(data).__name__)


class Unsupported:
    """Stands for an answer the sandbox could not send as plain data."""

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<a {self.type_name} object>"

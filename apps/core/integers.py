"""Whole numbers from requests, bounded once: every id, number, offset or count the API reads fits a 64-bit column.

The database stores integers as signed 64-bit values (BigAutoField ids, SQLite's INTEGER, PostgreSQL's
bigint). A larger number sent as a filter, header, path segment or body field must be answered 400,
never reach a query (SQLite raises OverflowError, PostgreSQL "out of range") or Python's `int()` of a
4,300-digit string (ValueError since Python 3.11, CVE-2020-10735). Three doors, one rule:

- body fields: `IntegerField` (DRF's, with these bounds unless narrower ones are given);
- query parameters of django-filter filters: `apps.productions.filters.ScopedFilterBackend` checks them;
- anything read by hand (a header, `?from=`, a path segment): `parse_int`.
"""
from __future__ import annotations

import re
from typing import NoReturn

from rest_framework import serializers

from apps.core.errors import ApplicationError, NotFoundError

DB_INT_MIN = -(2**63)
DB_INT_MAX = 2**63 - 1  # the largest id or number a database column holds (BigAutoField / bigint)

# ASCII digits only (int() also takes "٣" and "1_000"); leading zeros do not count towards the 19 digits.
_WHOLE_NUMBER = re.compile(r"[+-]?0*([0-9]{1,19})")
_DIGITS = re.compile(r"\s*[+-]?[0-9]+\s*")


def looks_like_int(text: str) -> bool:
    """True for text that is a (signed) run of ASCII digits, whatever its length."""
    return bool(_DIGITS.fullmatch(text))


def int_in_range(text: str, *, minimum: int = DB_INT_MIN, maximum: int = DB_INT_MAX) -> int | None:
    """The whole number `text` spells (ASCII digits, optional sign, surrounding spaces) when it lies in
    [minimum, maximum]; None otherwise, without ever converting more than 19 significant digits."""
    match = _WHOLE_NUMBER.fullmatch(text.strip())
    if match is None:
        return None
    value = int(match.group(0))
    return value if minimum <= value <= maximum else None


def parse_int(raw, *, name: str, minimum: int = DB_INT_MIN, maximum: int = DB_INT_MAX) -> int:
    """`raw` (a query parameter, header or path segment) as an int in [minimum, maximum].

    Raises `ApplicationError` 400 `invalid` with `extra.fields[name]`: "<name> must be a whole
    number." for text that is not one (a fraction, letters), "<name> must be <minimum> or more." /
    "<name> must be <maximum> or less." for one out of range — thousands of digits included.
    """
    if isinstance(raw, int) and not isinstance(raw, bool):  # a JSON number (the parser refuses 4,300+ digits)
        value, negative = (raw if DB_INT_MIN <= raw <= DB_INT_MAX else None), raw < 0
    elif isinstance(raw, str) and looks_like_int(raw):
        value, negative = int_in_range(raw), raw.strip().startswith("-")  # None past the 64-bit range
    else:
        _invalid(name, "be a whole number")
    if value is not None and minimum <= value <= maximum:
        return value
    too_small = negative if value is None else value < minimum
    _invalid(name, f"be {minimum} or more" if too_small else f"be {maximum} or less")


def _invalid(name: str, must: str) -> NoReturn:
    raise ApplicationError(f"{name} must {must}.", code="invalid", extra={"fields": {name: [f"Must {must}."]}})


class IntegerField(serializers.IntegerField):
    """DRF's IntegerField, never wider than the database: `min_value`/`max_value` default to the
    signed 64-bit range, and narrower bounds given by the caller are kept. Use it for every integer
    a request body carries, nested ones included (`ListField(child=IntegerField())`)."""

    def __init__(self, **kwargs):
        low, high = kwargs.get("min_value"), kwargs.get("max_value")
        kwargs["min_value"] = DB_INT_MIN if low is None else max(low, DB_INT_MIN)
        kwargs["max_value"] = DB_INT_MAX if high is None else min(high, DB_INT_MAX)
        super().__init__(**kwargs)


def path_id(raw) -> int:
    """An id read from the URL path (`productions/{production_pk}/members/`): 1 to 2**63 - 1.

    Raises `NotFoundError` (404) otherwise: no row can have such an id.
    """
    value = int_in_range(str(raw), minimum=1) if isinstance(raw, (str, int)) else None
    if value is None:
        raise NotFoundError()
    return value


class IdConverter:
    """The `<id:pk>` path converter: an id the database can hold (1 to 2**63 - 1), else the URL does not match (404)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int_in_range(value, minimum=1)
        if number is None:
            raise ValueError(value)  # Django: this pattern does not match
        return number

    def to_url(self, value) -> str:
        return str(int(value))

"""Times of day as the crew writes them: "HH:MM", 24-hour (call times, quiet hours)."""
from __future__ import annotations

import datetime as dt
import re

from apps.core.errors import ApplicationError

HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def parse_time(value, *, field: str) -> dt.time | None:
    """A time of day from "HH:MM" (24-hour; "7:05" is accepted), a `datetime.time`, or None/"" (→ None).

    Seconds are dropped. Raises `ApplicationError` 400 `invalid` naming `field` for anything else
    ("25:00", "noon", 7), with `extra.fields` keyed by the first part of `field` ("weather" for
    "weather.sunrise").
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    match = HHMM.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise ApplicationError(f'{field} must be a time of day "HH:MM" (24-hour), not {value!r}.', code="invalid",
                               extra={"fields": {field.split(".")[0]: [f'{field}: "HH:MM" (24-hour).']}})
    return dt.time(int(match.group(1)), int(match.group(2)))

"""Call times of a shoot day, night shoots included: minutes after the day's midnight, as the trade writes them.

A day's calls, meals and wrap may fall after midnight. They are kept as minutes after the shoot
day's midnight, 0 ≤ m < 48*60 (`MAX_MINUTES`), so that the natural order of numbers is the order
of the day: a crew call 22:30 (1350) comes before a shooting call "00:15 (+1)" (1455).

Read (`parse_call_time`): "HH:MM" 24-hour with HH up to 47 ("25:30" = 01:30 the next day, the
trade's way of writing it), or a time of the next day marked "(+1)" ("00:15 (+1)", "00:15+1"),
"H:MM" accepted; a `datetime.time` (same day); an int of minutes; None/"" (no time).
Written (`call_time_text`): the one canonical form of the API and of the JSON rows, "HH:MM" with
HH from 00 to 47 ("24:15"). For people (`call_time_display`): "00:15 (+1)" past midnight, as
printed on the sheet, in mails and pushes and in the UI.
"""
from __future__ import annotations

import datetime as dt
import re

from apps.core.errors import ApplicationError

DAY_MINUTES = 24 * 60
#: Call times run from the day's midnight to the end of the next day (exclusive).
MAX_MINUTES = 2 * DAY_MINUTES
CALL_TIME = re.compile(r"^(\d{1,2}):([0-5]\d)\s*(\(\s*\+\s*1\s*\)|\+\s*1)?$")


def parse_call_time(value, *, field: str) -> int | None:
    """Minutes after the shoot day's midnight (0..2879) of a call time; None for None or "".

    Accepts "HH:MM" (HH 0..47), "HH:MM (+1)"/"HH:MM+1" (HH 0..23, the next day), a
    `datetime.time` (seconds dropped) or an int of minutes. Raises `ApplicationError` 400
    `invalid` naming `field` for anything else ("48:00", "24:10 (+1)", "noon", True), with
    `extra.fields` keyed by the first part of `field` ("crew_calls" for "crew_calls.call").
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.time):
        return value.hour * 60 + value.minute
    minutes = None
    if isinstance(value, int) and not isinstance(value, bool):
        minutes = value
    elif isinstance(value, str):
        match = CALL_TIME.match(value.strip())
        if match is not None:
            hours, next_day = int(match.group(1)), bool(match.group(3))
            if not (next_day and hours >= 24):
                minutes = (hours + (24 if next_day else 0)) * 60 + int(match.group(2))
    if minutes is None or not 0 <= minutes < MAX_MINUTES:
        raise ApplicationError(
            f'{field} must be a time "HH:MM" (24-hour; after midnight "00:15 (+1)" or "24:15", up to "47:59"), not {value!r}.',
            code="invalid", extra={"fields": {field.split(".")[0]: [f'{field}: "HH:MM", "HH:MM (+1)" or up to "47:59".']}})
    return minutes


def call_time_text(value) -> str | None:
    """The canonical "HH:MM" (HH 00..47) of a call time given as minutes or any form `parse_call_time` reads; None for none."""
    minutes = parse_call_time(value, field="time")
    if minutes is None:
        return None
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def call_time_display(value) -> str:
    """A call time for people: "06:30", or "00:15 (+1)" past midnight; "" for none. Takes what `parse_call_time` reads."""
    minutes = parse_call_time(value, field="time")
    if minutes is None:
        return ""
    days, rest = divmod(minutes, DAY_MINUTES)
    return f"{rest // 60:02d}:{rest % 60:02d}" + (f" (+{days})" if days else "")


def call_datetime(date: dt.date, minutes: int | None) -> dt.datetime:
    """The naive wall-clock moment of a call on shoot day `date` (midnight when `minutes` is None): 1455 on 1 May → 2 May 00:15."""
    return dt.datetime.combine(date, dt.time(0)) + dt.timedelta(minutes=minutes or 0)


def offset_text(minutes: int) -> str:
    """An offset from the general call for people: -15 → "15 min before", 90 → "1 h 30 min after", 0 → "at the general call"."""
    if minutes == 0:
        return "at the general call"
    hours, rest = divmod(abs(minutes), 60)
    amount = " ".join(p for p in (f"{hours} h" if hours else "", f"{rest} min" if rest else "") if p)
    return f"{amount} {'before' if minutes < 0 else 'after'}"

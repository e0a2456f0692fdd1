"""Writes on the schedule (shoot days, strips) and call sheets (edit, publish, seen, confirm).

Every function takes keyword arguments, runs in one transaction and publishes its events
(apps.realtime.services). Schedule writes of one production are serialised by locking the
production row, so day numbers and strip positions stay a clean 1..n / 0..n-1 under concurrency.

- `days`: `shoot_day_create`, `shoot_day_update`, `shoot_day_delete` (and the days' numbering).
- `strips`: the stripboard — `strip_create`, `strip_update`, `strip_move`, `strip_delete`.
- `sheets`: call sheets — `call_sheet_prefill`, `call_sheet_validate`, `call_sheet_create`,
  `call_sheet_update`, `call_sheet_publish` (a revision to the crew), `call_sheet_delete`, and
  `call_sheets_refresh`, which schedule writes call for the sheets of the days they touched.
- `recipients`: the distribution — `call_sheet_mark_seen`, `call_sheet_confirm`.
- `rows`: what they share — `stale_error` (409/404 for a stale version), `rows_delete`.
"""
from apps.callsheets.services.days import shoot_day_create, shoot_day_delete, shoot_day_update
from apps.callsheets.services.recipients import call_sheet_confirm, call_sheet_mark_seen
from apps.callsheets.services.sheets import (
    DEPARTMENT_OF_ROLE,
    call_sheet_create,
    call_sheet_delete,
    call_sheet_prefill,
    call_sheet_publish,
    call_sheet_update,
    call_sheet_validate,
)
from apps.callsheets.services.strips import strip_create, strip_delete, strip_move, strip_update

__all__ = [
    "DEPARTMENT_OF_ROLE", "call_sheet_confirm", "call_sheet_create", "call_sheet_delete", "call_sheet_mark_seen", "call_sheet_prefill",
    "call_sheet_publish", "call_sheet_update", "call_sheet_validate", "shoot_day_create", "shoot_day_delete", "shoot_day_update",
    "strip_create", "strip_delete", "strip_move", "strip_update",
]

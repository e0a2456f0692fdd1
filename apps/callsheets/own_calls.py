"""Each person's own call on a published call sheet: the time and place the call-sheet email and push name for them.

Whose call is whose (the order an AD reads the sheet in): a crew member's own `crew_calls` row (by
user); else the row of their department (a row without a user whose department is the one their
role puts them in, DEPARTMENT_OF_ROLE); else the general crew call. A cast member (a CastMember
linked to the user, on the sheet's `cast_calls`) is told their pickup, hair/makeup and on-set
times. The place is the sheet's first location (the unit base): name and address.
"""
from __future__ import annotations

from apps.callsheets.calltimes import call_time_display, offset_text


def _place(sheet) -> str:
    first = (sheet.locations or [{}])[0]
    return ", ".join(p for p in (first.get("name"), first.get("address")) if p)


def own_call(sheet, *, user_id: int, department: str, cast_call: dict | None = None) -> dict:
    """`{"time", "how", "place"}` for one person: `time` as people read it ("05:45", "00:15 (+1)"; "" without a call),
    `how` what it is ("Camera, 15 min before the general call", "general call", "pickup 21:45, on set 00:30 (+1)"),
    `place` the unit base ("LIBRARY, 1 Main St"; "" without locations). `department`: the one their role puts them in."""
    general = call_time_display(sheet.crew_call)
    if cast_call is not None and any(cast_call.get(k) for k in ("pickup", "hair_makeup", "on_set")):
        steps = [(k, label) for k, label in (("pickup", "pickup"), ("hair_makeup", "hair/makeup"), ("on_set", "on set")) if cast_call.get(k)]
        how = ", ".join(f"{label} {call_time_display(cast_call[k])}" for k, label in steps)
        return {"time": call_time_display(cast_call[steps[0][0]]), "how": how, "place": _place(sheet)}
    rows = [r for r in sheet.crew_calls or [] if r.get("user") == user_id]
    rows = rows or [r for r in sheet.crew_calls or [] if r.get("user") is None and (r.get("department") or "") == department]
    row = next((r for r in rows if r.get("call")), None)
    if row is None:
        return {"time": general, "how": "general call", "place": _place(sheet)}
    label = row.get("department") or row.get("role") or "your call"
    if row.get("offset") is not None:
        how = f"{label}, {offset_text(row['offset'])}" + ("" if row["offset"] == 0 else f" the general call {general}")
    else:
        how = f"{label}, set by hand"
    return {"time": call_time_display(row["call"]), "how": how, "place": _place(sheet)}


def own_call_text(call: dict, *, pdf_url: str) -> str:
    """The lines that open a person's call-sheet email and push: "Your call: 05:45 (Camera, 15 min before the general
    call 06:00) at LIBRARY, 1 Main St." and "Call sheet PDF: <pdf_url>"."""
    where = f" at {call['place']}" if call["place"] else ""
    time = f"Your call: {call['time']} ({call['how']}){where}." if call["time"] else f"Your call: to be confirmed{where}."
    return f"{time}\nCall sheet PDF: {pdf_url}"

"""Times of day ("HH:MM"), the normal form of a call sheet's JSON columns, and what changed between two revisions.

Call times (the calls, meal and wrap, and those in cast and crew rows) may run past midnight: they
are read and written by apps.callsheets.calltimes ("24:15" in JSON, "00:15 (+1)" for people).
"""
from __future__ import annotations

from apps.callsheets.calltimes import call_time_display, call_time_text, parse_call_time
from apps.core.errors import ApplicationError
from apps.core.times import parse_time

#: The largest offset of a crew row from the general call, in minutes either way.
MAX_OFFSET_MINUTES = 12 * 60


def time_text(value) -> str | None:
    """"HH:MM" of a time (or of "H:MM" text); None for None."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = parse_time(value, field="time")
    return value.strftime("%H:%M")


def _text(value, limit: int = 2000) -> str:
    return ("" if value is None else str(value)).strip()[:limit]


def _number(value, *, field: str) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ApplicationError(f"{field} must be a number (degrees Celsius).", code="invalid")
    return value


def normal_locations(value) -> list[dict]:
    """A list of `{name, address, parking, notes}` with every key present (strings)."""
    return [{k: _text(item.get(k)) for k in ("name", "address", "parking", "notes")} for item in _dicts(value, "locations")]


def normal_hospital(value) -> dict:
    """`{name, address, phone, route}` with every key present (`route`: how to get there from the set)."""
    item = value if isinstance(value, dict) else {}
    return {k: _text(item.get(k)) for k in ("name", "address", "phone", "route")}


def normal_walkie_channels(value) -> list[dict]:
    """A list of `{channel, use}` (text: "1", "Production")."""
    return [{"channel": _text(item.get("channel"), 20), "use": _text(item.get("use"), 200)} for item in _dicts(value, "walkie_channels")]


def normal_key_contacts(value) -> list[dict]:
    """A list of `{role, name, phone}` (text), the contacts typed in beyond the production's own."""
    return [{"role": _text(item.get("role"), 100), "name": _text(item.get("name"), 200), "phone": _text(item.get("phone"), 60)}
            for item in _dicts(value, "key_contacts")]


def normal_weather(value) -> dict:
    """`{summary, high_c, low_c, sunrise, sunset}`: °C numbers or null, "HH:MM" or null."""
    item = value if isinstance(value, dict) else {}
    return {"summary": _text(item.get("summary"), 200), "high_c": _number(item.get("high_c"), field="weather.high_c"),
            "low_c": _number(item.get("low_c"), field="weather.low_c"),
            "sunrise": time_text(parse_time(item.get("sunrise"), field="weather.sunrise")),
            "sunset": time_text(parse_time(item.get("sunset"), field="weather.sunset"))}


def normal_cast_calls(value) -> list[dict]:
    """A list of `{cast_member, pickup, hair_makeup, on_set, notes}` (call times "HH:MM" up to "47:59", or null);
    raises 400 without a cast_member id or for a time `parse_call_time` refuses."""
    out = []
    for i, item in enumerate(_dicts(value, "cast_calls")):
        member = item.get("cast_member")
        if isinstance(member, bool) or not isinstance(member, int):
            raise ApplicationError(f"Cast call {i + 1} needs the id of its cast member.", code="invalid")
        out.append({"cast_member": member,
                    **{k: call_time_text(parse_call_time(item.get(k), field=f"cast_calls.{k}")) for k in ("pickup", "hair_makeup", "on_set")},
                    "notes": _text(item.get("notes"), 500)})
    return out


def normal_crew_calls(value) -> list[dict]:
    """A list of `{department, name, role, user, call, offset}`: user id or null; `offset` minutes from the general
    call (-720..720) for a row that follows it, else null for a hand-set `call` ("HH:MM" up to "47:59", or null).

    A row with an `offset` keeps its `call` as given here; `follow_general_call` sets it from the crew call.
    Raises 400 `invalid` for a bad user, offset or time.
    """
    out = []
    for item in _dicts(value, "crew_calls"):
        user = item.get("user")
        if user is not None and (isinstance(user, bool) or not isinstance(user, int)):
            raise ApplicationError("A crew call's user must be a user id or null.", code="invalid")
        offset = item.get("offset")
        if offset is not None and (isinstance(offset, bool) or not isinstance(offset, int) or abs(offset) > MAX_OFFSET_MINUTES):
            raise ApplicationError(f"A crew call's offset is whole minutes from the general call, at most {MAX_OFFSET_MINUTES} either way "
                                   "(-15: 15 min before), or null for a call set by hand.", code="invalid",
                                   extra={"fields": {"crew_calls": ["crew_calls.offset: minutes from the general call, or null."]}})
        out.append({"department": _text(item.get("department"), 100), "name": _text(item.get("name"), 200),
                    "role": _text(item.get("role"), 100), "user": user,
                    "call": call_time_text(parse_call_time(item.get("call"), field="crew_calls.call")), "offset": offset})
    return out


def follow_general_call(crew_calls: list[dict], crew_call: int | None) -> list[dict]:
    """The normal crew rows with each offset row's `call` set to the general `crew_call` (minutes) plus its offset
    (null while there is no general call); hand-set rows unchanged. Raises 400 `crew_call_out_of_range` when an
    offset puts a call before the day's midnight or past "47:59"."""
    out = []
    for row in crew_calls:
        if row.get("offset") is not None:
            minutes = None if crew_call is None else crew_call + row["offset"]
            if minutes is not None and not 0 <= minutes < 48 * 60:
                who = row.get("name") or row.get("role") or row.get("department") or "A crew row"
                raise ApplicationError(f"{who}: {row['offset']} min from the general call {call_time_display(crew_call)} falls outside "
                                       "the shoot day (from its midnight to the end of the next day).", code="crew_call_out_of_range")
            row = {**row, "call": call_time_text(minutes)}
        out.append(row)
    return out


def hand_set_warnings(crew_calls: list[dict], crew_call: int | None) -> list[dict]:
    """The hand-set crew rows (no offset, a call) that are not at the general `crew_call` (minutes), for the AD to check
    after the general call moved: `[{department, name, role, user, call, relation ("earlier" | "later"), minutes
    (how far from the general call, > 0), message}]`, in sheet order. Empty without a general call."""
    if crew_call is None:
        return []
    out = []
    for row in crew_calls:
        if row.get("offset") is not None or not row.get("call"):
            continue
        minutes = parse_call_time(row["call"], field="crew_calls.call") - crew_call
        if minutes == 0:
            continue
        who = row.get("name") or row.get("role") or "Crew"
        who = f"{who} ({row['department']})" if row.get("department") else who
        relation = "earlier" if minutes < 0 else "later"
        out.append({**{k: row.get(k) for k in ("department", "name", "role", "user", "call")}, "relation": relation, "minutes": abs(minutes),
                    "message": f"{who} is called by hand at {call_time_display(row['call'])}, {abs(minutes)} min {relation} than the "
                               f"general call {call_time_display(crew_call)}."})
    return out


def _dicts(value, field: str) -> list[dict]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ApplicationError(f"{field} must be a list of objects.", code="invalid")
    return value


# --- what changed between two published revisions --------------------------------------------

TIME_LABELS = (("crew_call", "Crew call"), ("shooting_call", "Shooting call"), ("first_meal", "First meal"), ("wrap", "Estimated wrap"))
CAST_TIME_LABELS = (("pickup", "pickup"), ("hair_makeup", "hair/makeup"), ("on_set", "on set"), ("notes", "notes"))


def eighths_text(eighths: int | None) -> str:
    """Page length as printed on strips and call sheets: 11 → "1 3/8", 8 → "1", 3 → "3/8", 0 → "0"."""
    eighths = eighths or 0
    whole, rest = divmod(eighths, 8)
    if not rest:
        return str(whole)
    return f"{whole} {rest}/8" if whole else f"{rest}/8"


def _slug(scene: dict) -> str:
    parts = [scene.get("int_ext") or "", scene.get("location") or "", scene.get("time_of_day") or ""]
    head = " ".join(p for p in parts[:2] if p)
    return f"{head} - {parts[2]}" if parts[2] else head


def _who(call: dict) -> str:
    cast_id = call.get("cast_id")
    name = call.get("name") or f"cast member {call.get('cast_member')}"
    return f"{cast_id} {name}" if cast_id is not None else name


def _cast_summary(call: dict) -> str:
    parts = [f"{label} {call_time_display(call[k])}" for k, label in CAST_TIME_LABELS[:3] if call.get(k)]
    return ", ".join(parts) or "called"


def _hospital_text(h: dict) -> str:
    return ", ".join(v for v in (h.get("name"), h.get("address"), h.get("phone")) if v)


def _weather_text(w: dict) -> str:
    parts = [w.get("summary") or ""]
    if w.get("low_c") is not None or w.get("high_c") is not None:
        parts.append(f"{_deg(w.get('low_c'))}-{_deg(w.get('high_c'))} C")
    if w.get("sunrise"):
        parts.append(f"sunrise {w['sunrise']}")
    if w.get("sunset"):
        parts.append(f"sunset {w['sunset']}")
    return ", ".join(p for p in parts if p)


def _deg(value) -> str:
    if value is None:
        return "?"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def sheet_changes(before: dict, after: dict) -> list[dict]:
    """What changed from one published snapshot of a call sheet to the next, for the crew to read.

    Both are CallSheetSerializer representations. Returns `[{"field", "label", "before",
    "after"}]` in sheet order: date and unit, crew/shooting call and first meal ("HH:MM"), scenes
    added or removed (by number; `before`/`after` the slugline, null when absent) and their order,
    cast calls added/removed/changed per time, crew calls, locations, hospital, weather, notes.
    `change_text` turns one into a line like "Crew call 07:00 → 06:30".
    """
    changes: list[dict] = []

    def add(field: str, label: str, b, a) -> None:
        if b != a:
            changes.append({"field": field, "label": label, "before": b, "after": a})

    add("date", "Date", before.get("date"), after.get("date"))
    add("unit", "Unit", before.get("unit"), after.get("unit"))
    for field, label in TIME_LABELS:
        add(field, label, before.get(field), after.get(field))

    b_scenes = {s["number"]: s for s in before.get("scenes") or []}
    a_scenes = {s["number"]: s for s in after.get("scenes") or []}
    for number, scene in b_scenes.items():
        if number not in a_scenes:
            add(f"scenes.{number}", f"Scene {number}", _slug(scene), None)
    for number, scene in a_scenes.items():
        if number not in b_scenes:
            add(f"scenes.{number}", f"Scene {number}", None, _slug(scene))
    kept_before = [n for n in b_scenes if n in a_scenes]
    kept_after = [n for n in a_scenes if n in b_scenes]
    if kept_before != kept_after:
        add("scenes", "Scene order", ", ".join(kept_before), ", ".join(kept_after))

    b_cast = {c["cast_member"]: c for c in before.get("cast_calls") or []}
    a_cast = {c["cast_member"]: c for c in after.get("cast_calls") or []}
    for member, call in b_cast.items():
        if member not in a_cast:
            add(f"cast_calls.{member}", _who(call), _cast_summary(call), None)
    for member, call in a_cast.items():
        if member not in b_cast:
            add(f"cast_calls.{member}", _who(call), None, _cast_summary(call))
            continue
        for key, label in CAST_TIME_LABELS:
            add(f"cast_calls.{member}.{key}", f"{_who(call)} {label}", b_cast[member].get(key) or None, call.get(key) or None)

    def crew_key(c: dict) -> tuple:
        return (c.get("department") or "", c.get("user") or c.get("name") or c.get("role") or "")

    b_crew = {crew_key(c): c for c in before.get("crew_calls") or []}
    a_crew = {crew_key(c): c for c in after.get("crew_calls") or []}
    for key in [*b_crew, *[k for k in a_crew if k not in b_crew]]:
        b, a = b_crew.get(key), a_crew.get(key)
        who = (a or b).get("name") or (a or b).get("role") or "Crew"
        dept = (a or b).get("department")
        label = f"{who} ({dept}) call" if dept else f"{who} call"
        if b is None:
            add("crew_calls", label, None, a.get("call") or "called")
        elif a is None:
            add("crew_calls", label, b.get("call") or "called", None)
        elif not (b.get("offset") is not None and b.get("offset") == a.get("offset")):
            add("crew_calls", label, b.get("call"), a.get("call"))  # rows that still follow the general call move with it

    b_locs = {loc.get("name"): loc for loc in before.get("locations") or []}
    a_locs = {loc.get("name"): loc for loc in after.get("locations") or []}
    for name in [*b_locs, *[n for n in a_locs if n not in b_locs]]:
        b, a = b_locs.get(name), a_locs.get(name)
        if b is None or a is None:
            add("locations", f"Location {name}", b and (b.get("address") or name), a and (a.get("address") or name))
            continue
        for key in ("address", "parking", "notes"):
            add(f"locations.{key}", f"Location {name} {key}", b.get(key) or None, a.get(key) or None)

    add("hospital", "Hospital", _hospital_text(before.get("hospital") or {}) or None, _hospital_text(after.get("hospital") or {}) or None)
    add("walkie_channels", "Walkie channels", _walkie_text(before.get("walkie_channels")) or None,
        _walkie_text(after.get("walkie_channels")) or None)
    add("safety_notes", "Safety notes", before.get("safety_notes") or None, after.get("safety_notes") or None)
    add("weather", "Weather", _weather_text(before.get("weather") or {}) or None, _weather_text(after.get("weather") or {}) or None)
    add("notes", "Notes", before.get("notes") or None, after.get("notes") or None)
    return changes


def _walkie_text(channels) -> str:
    return ", ".join(f"{c.get('channel')}: {c.get('use')}" for c in channels or [] if isinstance(c, dict))


def _is_time_change(field: str) -> bool:
    parts = field.split(".")
    return field in {name for name, _ in TIME_LABELS} or field == "crew_calls" or (
        parts[0] == "cast_calls" and len(parts) == 3 and parts[2] in ("pickup", "hair_makeup", "on_set"))


def _shown(value, *, is_time: bool):
    """A change's value for people: a call time ("24:15") as "00:15 (+1)", anything else as it is."""
    if not is_time or not isinstance(value, str):
        return value
    try:
        return call_time_display(value)
    except ApplicationError:
        return value  # "called": a crew row without a time


def change_text(change: dict) -> str:
    """One change as a line for people: "Crew call 07:00 → 06:30", "Shooting call 23:45 → 00:15 (+1)" (call times as
    `call_time_display`), "Scene 12 added: INT. PIER - NIGHT", "Scene 4 removed (…)"."""
    is_time = _is_time_change(change["field"])
    label, before, after = change["label"], _shown(change["before"], is_time=is_time), _shown(change["after"], is_time=is_time)
    if before is None:
        return f"{label} added: {after}"
    if after is None:
        return f"{label} removed (was {before})"
    return f"{label} {before} \u2192 {after}"

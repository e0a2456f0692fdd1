"""Times of day ("HH:MM"), the normal form of a call sheet's JSON columns, and what changed between two revisions."""
from __future__ import annotations

from apps.core.errors import ApplicationError
from apps.core.times import parse_time


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
    """`{name, address, phone}` with every key present."""
    item = value if isinstance(value, dict) else {}
    return {k: _text(item.get(k)) for k in ("name", "address", "phone")}


def normal_weather(value) -> dict:
    """`{summary, high_c, low_c, sunrise, sunset}`: °C numbers or null, "HH:MM" or null."""
    item = value if isinstance(value, dict) else {}
    return {"summary": _text(item.get("summary"), 200), "high_c": _number(item.get("high_c"), field="weather.high_c"),
            "low_c": _number(item.get("low_c"), field="weather.low_c"),
            "sunrise": time_text(parse_time(item.get("sunrise"), field="weather.sunrise")),
            "sunset": time_text(parse_time(item.get("sunset"), field="weather.sunset"))}


def normal_cast_calls(value) -> list[dict]:
    """A list of `{cast_member, pickup, hair_makeup, on_set, notes}` ("HH:MM" or null); raises 400 without a cast_member id."""
    out = []
    for i, item in enumerate(_dicts(value, "cast_calls")):
        member = item.get("cast_member")
        if isinstance(member, bool) or not isinstance(member, int):
            raise ApplicationError(f"Cast call {i + 1} needs the id of its cast member.", code="invalid")
        out.append({"cast_member": member,
                    **{k: time_text(parse_time(item.get(k), field=f"cast_calls.{k}")) for k in ("pickup", "hair_makeup", "on_set")},
                    "notes": _text(item.get("notes"), 500)})
    return out


def normal_crew_calls(value) -> list[dict]:
    """A list of `{department, name, role, user, call}` (user id or null, call "HH:MM" or null)."""
    out = []
    for item in _dicts(value, "crew_calls"):
        user = item.get("user")
        if user is not None and (isinstance(user, bool) or not isinstance(user, int)):
            raise ApplicationError("A crew call's user must be a user id or null.", code="invalid")
        out.append({"department": _text(item.get("department"), 100), "name": _text(item.get("name"), 200),
                    "role": _text(item.get("role"), 100), "user": user,
                    "call": time_text(parse_time(item.get("call"), field="crew_calls.call"))})
    return out


def _dicts(value, field: str) -> list[dict]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ApplicationError(f"{field} must be a list of objects.", code="invalid")
    return value


# --- what changed between two published revisions --------------------------------------------

TIME_LABELS = (("crew_call", "Crew call"), ("shooting_call", "Shooting call"), ("first_meal", "First meal"))
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
    parts = [f"{label} {call[k]}" for k, label in CAST_TIME_LABELS[:3] if call.get(k)]
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
        else:
            add("crew_calls", label, b.get("call"), a.get("call"))

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
    add("weather", "Weather", _weather_text(before.get("weather") or {}) or None, _weather_text(after.get("weather") or {}) or None)
    add("notes", "Notes", before.get("notes") or None, after.get("notes") or None)
    return changes


def change_text(change: dict) -> str:
    """One change as a line for people: "Crew call 07:00 → 06:30", "Scene 12 added: INT. PIER - NIGHT", "Scene 4 removed (…)"."""
    label, before, after = change["label"], change["before"], change["after"]
    if before is None:
        return f"{label} added: {after}"
    if after is None:
        return f"{label} removed (was {before})"
    return f"{label} {before} \u2192 {after}"

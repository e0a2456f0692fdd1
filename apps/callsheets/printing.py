"""What a printed call sheet shows besides the sheet itself (issue 19), read when it is printed, for its reader.

- `revision_banner`: revision n's number, when it was published (in the production's time zone when it has one,
  else the server's `TIME_ZONE`), its change list (`CallSheetRevision.changes`) and which printed values changed
  (`changed_marks` against revision n-1's snapshot).
- `print_extras`: the key contacts (members in key roles and positions, then the sheet's typed-in `key_contacts`),
  each cast member's day-out-of-days code for the day (apps.callsheets.dood), and each scene's needs from the
  breakdown (props, and the accepted breakdown items: wardrobe, vehicles, stunts, special effects, background).

Contact details follow `apps.productions.permissions.sees_contacts`: a member's email only for who may see it, a
typed-in phone only for the roles that see everyone's; names and roles are printed for everyone.
"""
from __future__ import annotations

import re
import zoneinfo
from collections import defaultdict

from django.conf import settings
from django.utils import timezone

# Members whose role makes them a key contact, with the line the sheet prints for them (an owner runs the production: a producer).
KEY_ROLES = (("production_coordinator", "Production office"), ("owner", "Producer"), ("producer", "Producer"), ("director", "Director"),
             ("assistant_director", "1st AD"))
# Positions typed on crew call rows (their `role` text) that make a key contact, matched case-insensitively.
KEY_POSITIONS = (
    (re.compile(r"\b(upm|unit production manager|production manager)\b", re.I), "UPM"),
    (re.compile(r"\blocation", re.I), "Locations"),
    (re.compile(r"\b(transport|transportation)\b", re.I), "Transport"),
)
# Breakdown categories printed as a scene's needs, in this order (apps.breakdown.models.BreakdownCategory).
NEED_CATEGORIES = (("props", "Props"), ("wardrobe", "Wardrobe"), ("vehicles", "Vehicles"), ("stunts", "Stunts"),
                   ("special_effects", "SFX"), ("extras", "Background"))
TIME_FIELDS = ("crew_call", "shooting_call", "first_meal", "wrap")
WHOLE_FIELDS = ("date", "unit", "hospital", "weather", "notes", "walkie_channels", "safety_notes", "key_contacts")


def crew_key(call: dict) -> str:
    """The identity of a crew call row across revisions (department and person), as apps.callsheets.changes pairs them."""
    return f"{call.get('department') or ''}|{call.get('user') or call.get('name') or call.get('role') or ''}"


def changed_marks(before: dict | None, after: dict) -> set[str]:
    """Which printed values of snapshot `after` differ from `before` (None: nothing is marked).

    Keys: a time field's name ("crew_call", "wrap"...), a whole block's name (`WHOLE_FIELDS`), "scene:<number>" for
    a scene added, "cast:<cast_member>" for a cast call added and "cast:<cast_member>:<key>" for a changed pickup,
    hair_makeup, on_set or notes, "crew:<crew_key>" for a crew call added or changed, "location:<name>" for a
    location added and "location:<name>:<key>" for a changed address, parking or notes.
    """
    if before is None:
        return set()
    marks = {f for f in (*TIME_FIELDS, *WHOLE_FIELDS) if (before.get(f) or None) != (after.get(f) or None)}
    old_scenes = {s.get("number") for s in before.get("scenes") or []}
    marks |= {f"scene:{s.get('number')}" for s in after.get("scenes") or [] if s.get("number") not in old_scenes}
    marks |= _row_marks(before.get("cast_calls"), after.get("cast_calls"), "cast_member", ("pickup", "hair_makeup", "on_set", "notes"), "cast")
    old_crew = {crew_key(c): c for c in before.get("crew_calls") or []}
    marks |= {f"crew:{crew_key(c)}" for c in after.get("crew_calls") or [] if _crew_call_changed(old_crew.get(crew_key(c)), c)}
    marks |= _row_marks(before.get("locations"), after.get("locations"), "name", ("address", "parking", "notes"), "location")
    return marks


def _crew_call_changed(before: dict | None, after: dict) -> bool:
    """A crew row is marked when it is new or its call changed, except a row that still follows the general call by the
    same offset: the general call's own mark says it moved (as apps.callsheets.changes.sheet_changes lists it)."""
    if before is None:
        return True
    if before.get("offset") is not None and before.get("offset") == after.get("offset"):
        return False
    return (before.get("call") or None) != (after.get("call") or None)


def _row_marks(before: list | None, after: list | None, identity: str, keys: tuple, prefix: str) -> set[str]:
    """Marks of rows (dicts told apart by their `identity` key): "<prefix>:<id>" for a row added, "<prefix>:<id>:<key>" for a changed key."""
    old = {row.get(identity): row for row in before or []}
    marks = set()
    for row in after or []:
        was = old.get(row.get(identity))
        if was is None:
            marks.add(f"{prefix}:{row.get(identity)}")
        else:
            marks |= {f"{prefix}:{row.get(identity)}:{k}" for k in keys if (was.get(k) or None) != (row.get(k) or None)}
    return marks


def production_time_zone(production) -> zoneinfo.ZoneInfo:
    """The production's time zone (its `time_zone`, an IANA name, when it has one), else the server's `TIME_ZONE`."""
    name = getattr(production, "time_zone", "") or settings.TIME_ZONE
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def revision_banner(revision, *, production) -> dict:
    """What a published revision's PDF says about itself: `{"number", "published" ("2 Dec 2026 18:40" in the
    production's time zone), "time_zone" (its name), "changes" (the revision's change list), "marks"
    (`changed_marks` against the previous revision; empty for revision 1)}`. One query (the previous revision)."""
    from apps.callsheets.models import CallSheetRevision

    zone = production_time_zone(production)
    when = timezone.localtime(revision.published_at, zone)
    previous = (CallSheetRevision.objects.filter(call_sheet_id=revision.call_sheet_id, revision__lt=revision.revision)
                .order_by("-revision").values_list("snapshot", flat=True).first())
    return {"number": revision.revision, "published": f"{when.day} {when:%b %Y %H:%M}", "time_zone": str(zone.key),
            "changes": list(revision.changes or []), "marks": changed_marks(previous, revision.snapshot or {})}


def key_contacts(*, user, production_id: int, sheet: dict, role: str) -> list[dict]:
    """The sheet's key contacts as `[{"role", "name", "phone"}]`: members in `KEY_ROLES` ("phone / email" from their
    membership and account, only for who may see them), then crew call rows whose position is in `KEY_POSITIONS`, then
    the sheet's typed-in `key_contacts` (their phone only for the roles that see everyone's contacts). `role`: the
    reader's role."""
    from apps.productions.models import Membership
    from apps.productions.permissions import sees_contacts

    sees_all = sees_contacts(user=user, production=production_id, role=role)
    rows, seen = [], set()
    members = {m.user_id: m for m in Membership.objects.filter(production_id=production_id).select_related("user")}
    for key, label in KEY_ROLES:
        for m in sorted((m for m in members.values() if m.role == key), key=lambda m: m.user.display_name.lower()):
            visible = sees_contacts(user=user, production=production_id, person_user_id=m.user_id, role=role)
            rows.append({"role": label, "name": m.user.display_name, "phone": _member_contact(m) if visible else ""})
            seen.add((label, m.user_id))
    for call in sheet.get("crew_calls") or []:
        label = next((label for pattern, label in KEY_POSITIONS if pattern.search(call.get("role") or "")), None)
        if label is None or (label, call.get("user")) in seen:
            continue
        member = members.get(call.get("user"))
        visible = member is not None and sees_contacts(user=user, production=production_id, person_user_id=member.user_id, role=role)
        rows.append({"role": call.get("role") or label, "name": call.get("name") or (member.user.display_name if member else ""),
                     "phone": _member_contact(member) if visible else ""})
        seen.add((label, call.get("user")))
    for item in sheet.get("key_contacts") or []:
        if isinstance(item, dict):
            rows.append({"role": item.get("role") or "", "name": item.get("name") or "", "phone": (item.get("phone") or "") if sees_all else ""})
    return rows


def _member_contact(membership) -> str:
    return " / ".join(p for p in (membership.phone, membership.user.email) if p)


def day_dood(*, production_id: int, shoot_day_id: int | None) -> dict[int, str]:
    """Each cast member's day-out-of-days code on shoot day `shoot_day_id` (`{cast_member id: "SW"}`; "" when not engaged)."""
    from apps.callsheets.dood import production_dood

    dood = production_dood(production_id=production_id)
    column = next((i for i, d in enumerate(dood["days"]) if d["id"] == shoot_day_id), None)
    if column is None:
        return {}
    return {row["cast_member"]: row["codes"][column] for row in dood["cast"]}


def scene_needs(*, production_id: int, scene_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """Each scene's needs from the breakdown, `{scene id: [(label, "item, item x2")]}` in `NEED_CATEGORIES` order:
    the props linked to the scene (with their quantity when more than one) and its accepted breakdown items. Two queries."""
    from apps.breakdown.models import BreakdownSuggestion, Prop, SuggestionStatus

    items: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for scene_id, name, quantity in Prop.objects.filter(production_id=production_id, scenes__in=scene_ids).values_list(
            "scenes", "name", "quantity").order_by("name"):
        items[scene_id]["props"].append(f"{name} x{quantity}" if quantity and quantity > 1 else name)
    accepted = BreakdownSuggestion.objects.filter(production_id=production_id, scene_id__in=scene_ids, status=SuggestionStatus.ACCEPTED,
                                                  category__in=[c for c, _ in NEED_CATEGORIES]).order_by("id")
    for scene_id, category, name in accepted.values_list("scene_id", "category", "name"):
        if name not in items[scene_id][category]:
            items[scene_id][category].append(name)
    return {scene: [(label, ", ".join(found[c])) for c, label in NEED_CATEGORIES if found.get(c)] for scene, found in items.items()}


def print_extras(*, user, production_id: int, shoot_day_id: int | None, sheet: dict) -> dict:
    """Everything `call_sheet_pdf` prints beyond `sheet`, for reader `user`: `{"key_contacts", "dood", "needs"}`
    (see `key_contacts`, `day_dood`, `scene_needs`). About ten queries whatever the size of the sheet."""
    from apps.productions.selectors import membership_role

    role = membership_role(user=user, production_id=production_id) or ""
    scene_ids = [s["scene"] for s in sheet.get("scenes") or [] if isinstance(s.get("scene"), int)]
    return {"key_contacts": key_contacts(user=user, production_id=production_id, sheet=sheet, role=role),
            "dood": day_dood(production_id=production_id, shoot_day_id=shoot_day_id),
            "needs": scene_needs(production_id=production_id, scene_ids=scene_ids)}

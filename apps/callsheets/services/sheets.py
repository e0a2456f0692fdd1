"""Call sheets: the prefilled draft, edits checked against each other, publishing a revision to the
crew (snapshot, changes, distribution rows, notifications), deletion, and the refresh a schedule write
sends to the sheets of the days it touched.

Publishing creates the distribution rows; what each recipient then does (seen, confirmed) is in
apps.callsheets.services.recipients. The snapshot's change list and texts: apps.callsheets.changes.
"""
from __future__ import annotations

import copy
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.callsheets import changes as ch
from apps.callsheets.calltimes import call_time_display, parse_call_time
from apps.callsheets.models import CallSheet, CallSheetRecipient, CallSheetRevision, CallSheetStatus, ShootDay, Strip, StripKind
from apps.callsheets.own_calls import own_call, own_call_text
from apps.callsheets.selectors import forget_sheet_extras
from apps.callsheets.services.rows import rows_delete, stale_error
from apps.core.errors import ApplicationError
from apps.productions.entities import entity_create, entity_delete, entity_update
from apps.productions.services import production_lock
from apps.realtime.events import serialize_entity
from apps.realtime.services import publish, publish_entity

# The department a member's role puts them in on a prefilled call sheet.
DEPARTMENT_OF_ROLE = {
    "owner": "Production", "producer": "Production", "production_coordinator": "Production", "director": "Direction", "assistant_director": "Assistant Directors",
    "script_supervisor": "Script", "camera": "Camera", "editor": "Editorial", "crew": "Crew",
}


def call_sheets_refresh(*, day_ids, actor, mark_changed: bool) -> None:
    """Publish `callsheet.updated` for the call sheets of `day_ids` (their scenes, banners or day number
    changed); with `mark_changed`, a published one becomes "changed" (publish again to send a revision)."""
    for sheet in CallSheet.objects.select_related("shoot_day").filter(shoot_day_id__in=set(day_ids)):
        if mark_changed and sheet.status == CallSheetStatus.PUBLISHED:
            CallSheet.objects.filter(pk=sheet.pk).update(status=CallSheetStatus.CHANGED)
            sheet.status = CallSheetStatus.CHANGED
        publish_entity(sheet, "updated", actor=actor)


def call_sheet_refresh_previous(*, day: ShootDay, actor) -> None:
    """The sheet of the day before `day` shows `day` as its advance schedule: refresh it (`callsheet.updated`,
    status unchanged). Nothing when `day` is the first."""
    previous = ShootDay.objects.filter(production_id=day.production_id, number=day.number - 1).values_list("pk", flat=True).first()
    if previous:
        call_sheets_refresh(day_ids=[previous], actor=actor, mark_changed=False)


def call_sheet_prefill(*, shoot_day: ShootDay) -> dict:
    """The fields of a new call sheet, filled from the day and the production.

    `locations`: the day's base location, then the Location rows of the day's scenes (in strip
    order); `cast_calls`: every cast member whose character speaks in one of the day's scenes (by
    cast id), times empty; `crew_calls`: every member but viewers, by role, department from the
    role (DEPARTMENT_OF_ROLE), each following the general call (offset 0); `hospital` and
    `walkie_channels`: copied from the production's latest call sheet.
    """
    from apps.breakdown.models import CastMember, Location
    from apps.productions.models import Membership, Role

    scene_ids = list(Strip.objects.filter(shoot_day=shoot_day, kind=StripKind.SCENE).order_by("position", "id").values_list("scene_id", flat=True))
    seen: dict[int, Location] = {}
    if shoot_day.location_id:
        seen[shoot_day.location_id] = shoot_day.location
    by_scene = {}
    for location in Location.objects.filter(scenes__in=scene_ids).annotate(_scene=F("scenes")).order_by("name", "id"):
        by_scene.setdefault(location._scene, []).append(location)
    for scene_id in scene_ids:
        for location in by_scene.get(scene_id, []):
            seen.setdefault(location.pk, location)
    cast = CastMember.objects.filter(characters__scenes__in=scene_ids, production_id=shoot_day.production_id).distinct()
    cast = sorted(cast, key=lambda c: (c.cast_id is None, c.cast_id or 0, c.name.lower()))
    order = list(Role.values)
    members = sorted(Membership.objects.filter(production_id=shoot_day.production_id, user__is_active=True).exclude(role=Role.VIEWER)
                     .select_related("user"), key=lambda m: (order.index(m.role), m.user.display_name.lower()))
    latest = (CallSheet.objects.filter(production_id=shoot_day.production_id).order_by("-updated_at")
              .values("hospital", "walkie_channels").first() or {})
    return {
        "locations": [{"name": loc.name, "address": loc.address, "parking": loc.parking, "notes": loc.notes} for loc in seen.values()],
        "hospital": ch.normal_hospital(latest.get("hospital") or {}),
        "walkie_channels": ch.normal_walkie_channels(latest.get("walkie_channels") or []),
        "weather": ch.normal_weather({}),
        "cast_calls": [{"cast_member": c.pk, "pickup": None, "hair_makeup": None, "on_set": None, "notes": ""} for c in cast],
        "crew_calls": [{"department": DEPARTMENT_OF_ROLE.get(m.role, "Crew"), "name": m.user.display_name,
                        "role": Role(m.role).label, "user": m.user_id, "call": None, "offset": 0} for m in members],
    }


#: The sheet's call times, kept as minutes after the shoot day's midnight (apps.callsheets.calltimes).
CALL_TIME_FIELDS = ("crew_call", "shooting_call", "first_meal", "wrap")


def _normalize(fields: dict) -> dict:
    """Sheet fields as stored: call times as minutes after the day's midnight, JSON columns in their full normal form
    (see apps.callsheets.changes)."""
    out = dict(fields)
    for name in CALL_TIME_FIELDS:
        if name in out:
            out[name] = parse_call_time(out[name], field=name)
    normalizers = {"locations": ch.normal_locations, "hospital": ch.normal_hospital, "weather": ch.normal_weather,
                   "cast_calls": ch.normal_cast_calls, "crew_calls": ch.normal_crew_calls,
                   "walkie_channels": ch.normal_walkie_channels, "key_contacts": ch.normal_key_contacts}
    for name, normal in normalizers.items():
        if name in out:
            out[name] = json.loads(json.dumps(normal(out[name]), cls=DjangoJSONEncoder))
    for name in ("notes", "safety_notes"):
        if name in out:
            out[name] = (out[name] or "").strip()
    return out


def _minutes(text: str | None) -> int | None:
    return parse_call_time(text, field="time")


def call_sheet_validate(sheet: CallSheet) -> None:
    """Check a call sheet's calls against each other; raises `ApplicationError` (400) naming who is wrong.

    Times are compared as minutes after the day's midnight, so a night shoot's "00:15 (+1)" comes
    after a 22:30 crew call. Codes: `shooting_call_before_crew_call`; `meal_before_crew_call`
    (first meal not after the crew call); `wrap_before_shooting_call` (wrap not after the shooting
    call, or the crew call when there is none); `unknown_cast_member` (not a cast member of this
    production); `duplicate_cast_call`; `cast_call_out_of_order` (pickup ≤ hair/makeup ≤ on set
    broken); `cast_call_before_crew_call` (on set before the general crew call); `unknown_user`
    (a crew call names someone not on the production).
    """
    from apps.breakdown.models import CastMember
    from apps.productions.models import Membership

    crew_call, shown = sheet.crew_call, call_time_display
    if crew_call is not None and sheet.shooting_call is not None and sheet.shooting_call < crew_call:
        raise ApplicationError(f"Shooting call {shown(sheet.shooting_call)} is before the crew call {shown(crew_call)}.",
                               code="shooting_call_before_crew_call")
    if crew_call is not None and sheet.first_meal is not None and sheet.first_meal <= crew_call:
        raise ApplicationError(f"First meal {shown(sheet.first_meal)} is not after the crew call {shown(crew_call)}.",
                               code="meal_before_crew_call")
    start, start_label = (sheet.shooting_call, "shooting call") if sheet.shooting_call is not None else (crew_call, "crew call")
    if start is not None and sheet.wrap is not None and sheet.wrap <= start:
        raise ApplicationError(f"Estimated wrap {shown(sheet.wrap)} is not after the {start_label} {shown(start)}.",
                               code="wrap_before_shooting_call")
    ids = [c["cast_member"] for c in sheet.cast_calls]
    cast = {m.pk: m for m in CastMember.objects.filter(production_id=sheet.production_id, pk__in=ids)}
    for member_id in ids:
        if member_id not in cast:
            raise ApplicationError(f"Cast member {member_id} is not in this production's cast.", code="unknown_cast_member",
                                   extra={"cast_member": member_id})
    seen = set()
    for call in sheet.cast_calls:
        member = cast[call["cast_member"]]
        who = f"{member.cast_id} {member.name}" if member.cast_id is not None else member.name
        if member.pk in seen:
            raise ApplicationError(f"{who} has two cast calls on this sheet.", code="duplicate_cast_call", extra={"cast_member": member.pk})
        seen.add(member.pk)
        steps = [(_minutes(call[k]), label) for k, label in (("pickup", "pickup"), ("hair_makeup", "hair/makeup"), ("on_set", "on set"))
                 if call[k]]
        for (earlier, earlier_label), (later, later_label) in zip(steps, steps[1:]):
            if later < earlier:
                raise ApplicationError(f"{who}: {later_label} {shown(later)} is before {earlier_label} {shown(earlier)}.",
                                       code="cast_call_out_of_order", extra={"cast_member": member.pk})
        if crew_call is not None and call["on_set"] and _minutes(call["on_set"]) < crew_call:
            raise ApplicationError(f"{who} is called on set at {shown(call['on_set'])}, before the crew call at {shown(crew_call)}.",
                                   code="cast_call_before_crew_call", extra={"cast_member": member.pk})
    user_ids = {c["user"] for c in sheet.crew_calls if c["user"] is not None}
    members = set(Membership.objects.filter(production_id=sheet.production_id, user_id__in=user_ids).values_list("user_id", flat=True))
    for call in sheet.crew_calls:
        if call["user"] is not None and call["user"] not in members:
            raise ApplicationError(f"The crew call for {call['name'] or call['role'] or call['department'] or 'someone'} names a user "
                                   "who is not on this production.", code="unknown_user")


@transaction.atomic
def call_sheet_create(*, actor, shoot_day: ShootDay, production=None, **fields) -> CallSheet:
    """Make the draft call sheet of a day, prefilled (`call_sheet_prefill`) and overridden by `fields`.

    Raises 400 `exists` (the day has one), `no_scenes` (no scene strips on the day), or a
    validation code of `call_sheet_validate`. Publishes `callsheet.created`.
    """
    production_lock(production_id=shoot_day.production_id)
    if CallSheet.objects.filter(shoot_day=shoot_day).exists():
        raise ApplicationError(f"Day {shoot_day.number} already has a call sheet.", code="exists")
    if not Strip.objects.filter(shoot_day=shoot_day, kind=StripKind.SCENE).exists():
        raise ApplicationError(f"Day {shoot_day.number} has no scenes scheduled: put scenes on it before making its call sheet.",
                               code="no_scenes")
    values = call_sheet_prefill(shoot_day=shoot_day) | _normalize(fields)
    values["crew_calls"] = ch.follow_general_call(values["crew_calls"], values.get("crew_call"))
    sheet = CallSheet(production_id=shoot_day.production_id, shoot_day=shoot_day, **values)
    call_sheet_validate(sheet)
    return entity_create(instance=sheet, actor=actor)


@transaction.atomic
def call_sheet_update(*, instance: CallSheet, actor, version: int, **changes) -> CallSheet:
    """Edit a call sheet (call times as `parse_call_time` reads them, locations, hospital, weather, cast and crew calls,
    walkie channels, key contacts, safety notes, notes); 409 when stale.

    Crew rows with an `offset` follow the general call: their `call` is set from it whenever either
    changes. When the general call moves, the returned sheet's `call_warnings` lists the hand-set
    rows that are now earlier or later than it (`apps.callsheets.changes.hand_set_warnings`; empty
    otherwise). A real change to a published sheet makes it "changed". Raises 400 `invalid` for
    moving it to another day, `crew_call_out_of_range`, or a validation code of `call_sheet_validate`.
    """
    changes.pop("production", None)
    day = changes.pop("shoot_day", None)
    if day is not None and day.pk != instance.shoot_day_id:
        raise ApplicationError("A call sheet stays with its shoot day.", code="invalid")
    if instance.version != version:
        raise stale_error(instance)
    changes = _normalize(changes)
    if "crew_call" in changes or "crew_calls" in changes:
        general = changes.get("crew_call", instance.crew_call)
        changes["crew_calls"] = ch.follow_general_call(changes.get("crew_calls", instance.crew_calls), general)
    moved = "crew_call" in changes and changes["crew_call"] != instance.crew_call
    changes = {k: v for k, v in changes.items() if getattr(instance, k) != v}
    if not changes:
        instance.call_warnings = []
        return instance
    candidate = copy.copy(instance)
    for name, value in changes.items():
        setattr(candidate, name, value)
    call_sheet_validate(candidate)
    if instance.status == CallSheetStatus.PUBLISHED:
        changes["status"] = CallSheetStatus.CHANGED
    sheet = entity_update(instance=forget_sheet_extras(instance), actor=actor, version=version, **changes)
    sheet.call_warnings = ch.hand_set_warnings(sheet.crew_calls, sheet.crew_call) if moved else []
    return sheet


def _title(sheet: CallSheet) -> str:
    day = sheet.shoot_day
    when = f"{day.date:%a} {day.date.day} {day.date:%b}"
    head = "Call sheet" if sheet.revision == 1 else f"Call sheet revised (rev {sheet.revision})"
    return f"{head}: Day {day.number} \u2014 {when}, crew call {call_time_display(sheet.crew_call)}"


@transaction.atomic
def call_sheet_publish(*, sheet: CallSheet, actor, version: int) -> CallSheet:
    """Publish the sheet to the whole crew: revision+1, a CallSheetRevision (snapshot + changes), recipients, notifications.

    Recipients are the active members of the production at this moment but viewers, and the viewers
    the sheet calls by hand (a `crew_calls` row naming them, or their linked cast member on
    `cast_calls`); rows of the others are removed. Each gets `revision`, `notified_at` = now, and
    `seen_at`/`confirmed_at` reset (the publisher counts as having seen it). Publishes
    `callsheet.published` (data = the sheet) and `callsheet_recipient.updated` per row, then
    notifies them all but the publisher: `callsheet_published` for revision 1,
    `callsheet_revised` after, whose body lists the changes one per line. Each person's body opens
    with their own call, place and the PDF's link (apps.callsheets.own_calls). Raises 409 for a stale `version`, 400 `no_scenes` for a day without scenes,
    400 `crew_call_required` without a crew call, or a validation code of `call_sheet_validate`.
    """
    from apps.breakdown.models import CastMember
    from apps.notifications.delivery import absolute_url
    from apps.notifications.services import notify
    from apps.productions.models import Membership, Role

    sheet = CallSheet.objects.select_for_update().select_related("shoot_day", "production").filter(pk=sheet.pk).first() or sheet
    if sheet.version != version:
        raise stale_error(sheet)
    day = sheet.shoot_day
    if not Strip.objects.filter(shoot_day=day, kind=StripKind.SCENE).exists():
        raise ApplicationError(f"Day {day.number} has no scenes scheduled: there is nothing to call the crew for.", code="no_scenes")
    if sheet.crew_call is None:
        raise ApplicationError("Set the general crew call before publishing.", code="crew_call_required")
    call_sheet_validate(sheet)
    now = timezone.now()
    sheet.revision += 1
    sheet.status = CallSheetStatus.PUBLISHED
    sheet.published_at, sheet.published_by = now, actor
    sheet.version = version + 1
    sheet.updated_at = now
    CallSheet.objects.filter(pk=sheet.pk).update(revision=sheet.revision, status=sheet.status, published_at=now, published_by=actor,
                                                 version=sheet.version, updated_at=now)

    rows, departments = [], {}
    existing = {r.user_id: r for r in CallSheetRecipient.objects.filter(call_sheet=sheet).select_related("user")}
    cast_calls = {c["cast_member"]: c for c in sheet.cast_calls}
    cast_of_user = {m.user_id: cast_calls[m.pk] for m in CastMember.objects.filter(production_id=sheet.production_id, pk__in=cast_calls,
                                                                                     user__isnull=False)}
    called = {c["user"] for c in sheet.crew_calls if c.get("user") is not None} | set(cast_of_user)
    for membership in Membership.objects.filter(production_id=sheet.production_id, user__is_active=True).select_related("user").order_by("id"):
        if membership.role == Role.VIEWER and membership.user_id not in called:
            continue
        departments[membership.user_id] = DEPARTMENT_OF_ROLE.get(membership.role, "Crew")
        row = existing.pop(membership.user_id, None) or CallSheetRecipient(production_id=sheet.production_id, call_sheet=sheet,
                                                                            user=membership.user)
        row.role, row.revision, row.notified_at = membership.role, sheet.revision, now
        row.seen_at = now if membership.user_id == actor.pk else None
        row.confirmed_at = None
        row.save()
        rows.append(row)
    for gone in existing.values():
        entity_delete(instance=gone, actor=actor)

    sent = json.loads(json.dumps(serialize_entity("callsheet", forget_sheet_extras(sheet)), cls=DjangoJSONEncoder))
    # The revision keeps the key contacts' phones (the event leaves them out): its PDF prints them for those who may see them.
    snapshot = {k: v for k, v in sent.items() if k != "distribution"} | {"key_contacts": [dict(row) for row in sheet.key_contacts or []]}
    previous = CallSheetRevision.objects.filter(call_sheet=sheet).order_by("-revision").first()
    found = ch.sheet_changes(previous.snapshot, snapshot) if previous else []
    CallSheetRevision.objects.create(production_id=sheet.production_id, call_sheet=sheet, revision=sheet.revision, snapshot=snapshot,
                                     changes=found, published_by=actor, published_at=now)
    publish(production_id=sheet.production_id, type="callsheet.published", entity="callsheet", entity_id=sheet.pk,
            data=serialize_entity("callsheet", forget_sheet_extras(sheet)), actor=actor)
    for row in rows:
        publish_entity(row, "updated", actor=actor)

    if sheet.revision == 1:
        scenes = snapshot.get("scenes", [])
        pages = ch.eighths_text(sum(s["page_eighths"] for s in scenes))
        unit = "page" if sum(s["page_eighths"] for s in scenes) == 8 else "pages"
        body = f"{len(scenes)} scene{'s' if len(scenes) != 1 else ''}, {pages} {unit}. Please confirm you have it."
    else:
        body = "\n".join(ch.change_text(c) for c in found) or "Republished with no changes."
    pdf_url = absolute_url(f"/api/call-sheets/{sheet.pk}/pdf/")
    bodies = {row.user_id: own_call_text(own_call(sheet, user_id=row.user_id, department=departments[row.user_id],
                                                  cast_call=cast_of_user.get(row.user_id)), pdf_url=pdf_url) + "\n\n" + body
              for row in rows}
    notify(recipients=[row.user for row in rows], production=sheet.production, kind="callsheet_published" if sheet.revision == 1
           else "callsheet_revised", title=_title(sheet), body=body, url=f"/productions/{sheet.production_id}/call-sheets/{sheet.pk}",
           entity="callsheet", entity_id=sheet.pk, actor=actor, bodies=bodies)
    return sheet


@transaction.atomic
def call_sheet_delete(*, instance: CallSheet, actor) -> None:
    """Delete a call sheet with its revisions and distribution (`callsheet_recipient.deleted` each, then `callsheet.deleted`)."""
    rows_delete(list(CallSheetRecipient.objects.filter(call_sheet=instance).select_related("user")), actor=actor)
    entity_delete(instance=forget_sheet_extras(instance), actor=actor)

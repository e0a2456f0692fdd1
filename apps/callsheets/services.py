"""Writes on the schedule (shoot days, strips) and call sheets (edit, publish, seen, confirm).

Every function takes keyword arguments, runs in one transaction and publishes its events
(apps.realtime.services). Schedule writes of one production are serialised by locking the
production row, so day numbers and strip positions stay a clean 1..n / 0..n-1 under concurrency.
"""
from __future__ import annotations

import copy
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.callsheets import changes as ch
from apps.callsheets.models import CallSheet, CallSheetRecipient, CallSheetRevision, CallSheetStatus, ShootDay, Strip, StripKind
from apps.callsheets.selectors import shoot_day_queryset, strip_queryset
from apps.core.errors import ApplicationError, ConflictError, NotFoundError
from apps.productions.entities import entity_create, entity_delete, entity_update
from apps.productions.services import production_lock
from apps.realtime.events import serialize_entity
from apps.realtime.services import publish, publish_entity

# The department a member's role puts them in on a prefilled call sheet.
DEPARTMENT_OF_ROLE = {
    "owner": "Production", "producer": "Production", "director": "Direction", "assistant_director": "Assistant Directors",
    "script_supervisor": "Script", "camera": "Camera", "editor": "Editorial", "crew": "Crew",
}


def _stale(instance) -> ConflictError | NotFoundError:
    current = type(instance).objects.filter(pk=instance.pk).first()
    if current is None:
        return NotFoundError(f"This {instance.EVENT_ENTITY.replace('_', ' ')} was deleted by someone else.")
    return ConflictError(f"Someone else changed this {instance.EVENT_ENTITY.replace('_', ' ')} (now version {current.version}). "
                         "Review their change and save again.", current=serialize_entity(instance.EVENT_ENTITY, current))


# --- shoot days ------------------------------------------------------------------------------

def _renumber_days(*, production_id: int, actor, skip: int | None = None) -> None:
    """Give the production's days numbers 1..n in (date, id) order; publish `shoot_day.updated` for each
    day whose number changed (but `skip`, whose own event the caller sends) and refresh their call sheets."""
    moved = []
    for index, day in enumerate(shoot_day_queryset().filter(production_id=production_id).order_by("date", "id"), start=1):
        if day.number != index:
            ShootDay.objects.filter(pk=day.pk).update(number=index)
            day.number = index
            moved.append(day.pk)
            if day.pk != skip:
                publish_entity(day, "updated", actor=actor)
    if moved:
        _refresh_sheets(day_ids=moved, actor=actor, mark_changed=False)


def _day_number_for(*, production_id: int, date, pk: int | None) -> int:
    """The number a day on `date` gets among the production's other days (a new day sorts after those of its date)."""
    from django.db.models import Q

    before = Q(date__lt=date) if pk is None else Q(date__lt=date) | Q(date=date, pk__lt=pk)
    if pk is None:
        before |= Q(date=date)
    return ShootDay.objects.filter(production_id=production_id).filter(before).exclude(pk=pk).count() + 1


@transaction.atomic
def shoot_day_create(*, actor, production, date, unit: str = "Main Unit", location=None, notes: str = "") -> ShootDay:
    """Add a shoot day on `date` (a `datetime.date`); the days after it are renumbered.

    Publishes `shoot_day.created`, and `shoot_day.updated` for every other day whose number changed.
    Raises 400 for a blank unit or a location of another production.
    """
    production_lock(production_id=production.pk)
    day = ShootDay(production=production, date=date, unit=unit, location=location, notes=notes,
                   number=_day_number_for(production_id=production.pk, date=date, pk=None))
    entity_create(instance=day, actor=actor)
    _renumber_days(production_id=production.pk, actor=actor, skip=day.pk)
    _refresh_previous_sheet(day=day, actor=actor)
    return day


@transaction.atomic
def shoot_day_update(*, instance: ShootDay, actor, version: int, **changes) -> ShootDay:
    """Change a day's date, unit, base location or notes (409 when `version` is stale).

    A new date renumbers the days (`shoot_day.updated` for each whose number changed). A new date
    or unit marks a published call sheet of the day "changed".
    """
    changes.pop("production", None)
    production_lock(production_id=instance.production_id)
    redated = "date" in changes and changes["date"] != instance.date
    if redated:
        changes["number"] = _day_number_for(production_id=instance.production_id, date=changes["date"], pk=instance.pk)
    sheet_visible = any(k in changes and changes[k] != getattr(instance, k) for k in ("date", "unit"))
    day = entity_update(instance=instance, actor=actor, version=version, **changes)
    if redated:
        _renumber_days(production_id=day.production_id, actor=actor, skip=day.pk)
    if sheet_visible:
        _refresh_sheets(day_ids=[day.pk], actor=actor, mark_changed=True)
    return day


@transaction.atomic
def shoot_day_delete(*, instance: ShootDay, actor) -> None:
    """Remove a day: its strips go back to unscheduled and its call sheet is deleted (each with its
    `.deleted` event); the days after it are renumbered."""
    production_lock(production_id=instance.production_id)
    production_id = instance.production_id
    sheet = CallSheet.objects.filter(shoot_day=instance).first()
    if sheet is not None:
        call_sheet_delete(instance=sheet, actor=actor)
    _delete_publishing(list(strip_queryset().filter(shoot_day=instance)), actor=actor)
    entity_delete(instance=instance, actor=actor)
    _renumber_days(production_id=production_id, actor=actor)


def _delete_publishing(rows: list, *, actor) -> None:
    """Delete rows and publish `<entity>.deleted` with each one's last state (Django deletes such
    leaf rows in bulk without telling `entity_delete`'s collector)."""
    departing = [(row, serialize_entity(row.EVENT_ENTITY, row)) for row in rows]
    for row, data in departing:
        pk = row.pk
        row.delete()
        publish_entity(row, "deleted", actor=actor, data=data, entity_id=pk)


# --- strips ----------------------------------------------------------------------------------

def _day_strips(day_id: int) -> list[Strip]:
    return list(strip_queryset().filter(shoot_day_id=day_id).order_by("position", "id"))


def _place(strips: list[Strip], *, day: ShootDay, actor, quiet: set[int] = frozenset()) -> None:
    """Give `strips` positions 0..n-1 on `day`; publish `strip.updated` for each one that moved (but those in `quiet`)."""
    for index, strip in enumerate(strips):
        if strip.position != index or strip.shoot_day_id != day.pk:
            Strip.objects.filter(pk=strip.pk).update(position=index, shoot_day=day)
            strip.position, strip.shoot_day = index, day
            if strip.pk not in quiet:
                publish_entity(strip, "updated", actor=actor)


def _publish_days(day_ids, *, actor) -> None:
    """`shoot_day.updated` for each day (its page total and scene count changed)."""
    for day in shoot_day_queryset().filter(pk__in=set(day_ids)).order_by("date", "id"):
        publish_entity(day, "updated", actor=actor)


@transaction.atomic
def strip_create(*, actor, shoot_day: ShootDay, kind: str = StripKind.SCENE, scene=None, text: str = "", position: int | None = None,
                 production=None) -> Strip:
    """Put a scene (or a banner with `text`) on a day at 0-based `position` (default: the end; clamped to 0..n).

    The day's later strips move down one (`strip.updated` each), the day's totals change
    (`shoot_day.updated`). Raises 400 `invalid` for a scene strip without a scene, a banner without
    text or with a scene, a scene of another production; 400 `already_scheduled` when the scene
    already has a strip.
    """
    production_lock(production_id=shoot_day.production_id)
    if kind == StripKind.SCENE:
        if scene is None:
            raise ApplicationError("Say which scene this strip is.", code="invalid", extra={"fields": {"scene": ["Required for a scene strip."]}})
        if scene.production_id != shoot_day.production_id:
            raise ApplicationError("That scene belongs to another production.", code="invalid")
        existing = Strip.objects.filter(scene=scene).select_related("shoot_day").first()
        if existing is not None:
            raise ApplicationError(f"Scene {scene.number} is already on day {existing.shoot_day.number}; move its strip instead.",
                                   code="already_scheduled", extra={"strip": existing.pk})
        text = ""
    else:
        if scene is not None:
            raise ApplicationError("A banner is not a scene: leave `scene` out.", code="invalid")
        text = (text or "").strip()
        if not text:
            raise ApplicationError("A banner needs its text, e.g. COMPANY MOVE.", code="invalid", extra={"fields": {"text": ["Required for a banner."]}})
    siblings = _day_strips(shoot_day.pk)
    index = len(siblings) if position is None else max(0, min(int(position), len(siblings)))
    strip = Strip(production_id=shoot_day.production_id, shoot_day=shoot_day, kind=kind, scene=scene, text=text, position=index)
    entity_create(instance=strip, actor=actor)
    _place([*siblings[:index], strip, *siblings[index:]], day=shoot_day, actor=actor)
    _publish_days([shoot_day.pk], actor=actor)
    _refresh_sheets(day_ids=[shoot_day.pk], actor=actor, mark_changed=True)
    return strip


@transaction.atomic
def strip_move(*, strip: Strip, actor, version: int, shoot_day: ShootDay, position: int) -> Strip:
    """Move a strip to 0-based `position` on `shoot_day` (clamped to the day's length); 409 when `version` is stale.

    The strips of the old and new day are renumbered 0..n-1; publishes `strip.updated` for every
    strip whose day or position changed (the moved one last, at version+1) and `shoot_day.updated`
    for both days (page totals). Published call sheets of both days become "changed". A move to
    where the strip already is changes nothing and publishes nothing.
    """
    production_lock(production_id=strip.production_id)
    if shoot_day.production_id != strip.production_id:
        raise ApplicationError("That shoot day belongs to another production.", code="invalid")
    current = Strip.objects.filter(pk=strip.pk).first()
    if current is None or current.version != version:
        raise _stale(strip)
    source_id = current.shoot_day_id
    source = [s for s in _day_strips(source_id) if s.pk != strip.pk]
    target = source if source_id == shoot_day.pk else _day_strips(shoot_day.pk)
    index = max(0, min(int(position), len(target)))
    if source_id == shoot_day.pk and [s.pk for s in _day_strips(source_id)].index(strip.pk) == index:
        return strip
    moved = strip_queryset().get(pk=strip.pk)
    target.insert(index, moved)
    Strip.objects.filter(pk=moved.pk).update(version=F("version") + 1, updated_at=timezone.now())
    moved.version = version + 1
    if source_id != shoot_day.pk:
        _place(source, day=ShootDay.objects.get(pk=source_id), actor=actor)
    moved.position = -1  # so that _place writes its new place
    _place(target, day=shoot_day, actor=actor, quiet={moved.pk})
    moved.refresh_from_db(fields=["updated_at"])
    publish_entity(moved, "updated", actor=actor)
    _publish_days([source_id, shoot_day.pk], actor=actor)
    _refresh_sheets(day_ids=[source_id, shoot_day.pk], actor=actor, mark_changed=True)
    strip.shoot_day, strip.position, strip.version, strip.updated_at = shoot_day, moved.position, moved.version, moved.updated_at
    return strip


@transaction.atomic
def strip_update(*, instance: Strip, actor, version: int, **changes) -> Strip:
    """Change a banner's `text`, or move the strip (`shoot_day` and/or `position`, as `strip_move`); 409 when stale.

    A strip's `kind` and `scene` are fixed (400 `invalid`: remove it and add another); a scene strip has no text.
    """
    changes.pop("production", None)
    for field in ("kind", "scene"):
        if field in changes and changes.pop(field) != getattr(instance, field):
            raise ApplicationError("A strip's kind and scene are fixed: remove the strip and add another.", code="invalid")
    day, position = changes.pop("shoot_day", None), changes.pop("position", None)
    if "text" in changes:
        changes["text"] = (changes["text"] or "").strip()
        if instance.kind == StripKind.SCENE and changes["text"]:
            raise ApplicationError("Only a banner has text.", code="invalid")
        if instance.kind == StripKind.BANNER and not changes["text"]:
            raise ApplicationError("A banner needs its text, e.g. COMPANY MOVE.", code="invalid")
    strip = entity_update(instance=instance, actor=actor, version=version, **changes)
    if strip.kind == StripKind.BANNER and changes:
        _refresh_sheets(day_ids=[strip.shoot_day_id], actor=actor, mark_changed=False)
    if day is not None or position is not None:
        target = day or strip.shoot_day
        count = Strip.objects.filter(shoot_day=target).exclude(pk=strip.pk).count()
        strip = strip_move(strip=strip, actor=actor, version=strip.version, shoot_day=target,
                           position=count if position is None else position)
    return strip


@transaction.atomic
def strip_delete(*, instance: Strip, actor) -> None:
    """Take a strip off the board (its scene becomes unscheduled); the day's later strips move up."""
    production_lock(production_id=instance.production_id)
    day = instance.shoot_day
    entity_delete(instance=instance, actor=actor)
    _place(_day_strips(day.pk), day=day, actor=actor)
    _publish_days([day.pk], actor=actor)
    _refresh_sheets(day_ids=[day.pk], actor=actor, mark_changed=True)


# --- call sheets -----------------------------------------------------------------------------

def _forget(sheet: CallSheet) -> CallSheet:
    sheet.__dict__.pop("_extras", None)
    return sheet


def _refresh_sheets(*, day_ids, actor, mark_changed: bool) -> None:
    """Publish `callsheet.updated` for the call sheets of `day_ids` (their scenes, banners or day number
    changed); with `mark_changed`, a published one becomes "changed" (publish again to send a revision)."""
    for sheet in CallSheet.objects.select_related("shoot_day").filter(shoot_day_id__in=set(day_ids)):
        if mark_changed and sheet.status == CallSheetStatus.PUBLISHED:
            CallSheet.objects.filter(pk=sheet.pk).update(status=CallSheetStatus.CHANGED)
            sheet.status = CallSheetStatus.CHANGED
        publish_entity(sheet, "updated", actor=actor)


def _refresh_previous_sheet(*, day: ShootDay, actor) -> None:
    """The sheet of the day before `day` shows `day` as its advance schedule: refresh it."""
    previous = ShootDay.objects.filter(production_id=day.production_id, number=day.number - 1).values_list("pk", flat=True).first()
    if previous:
        _refresh_sheets(day_ids=[previous], actor=actor, mark_changed=False)


def call_sheet_prefill(*, shoot_day: ShootDay) -> dict:
    """The fields of a new call sheet, filled from the day and the production.

    `locations`: the day's base location, then the Location rows of the day's scenes (in strip
    order); `cast_calls`: every cast member whose character speaks in one of the day's scenes (by
    cast id), times empty; `crew_calls`: every member but viewers, by role, department from the
    role (DEPARTMENT_OF_ROLE); `hospital`: copied from the production's latest call sheet.
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
    latest = CallSheet.objects.filter(production_id=shoot_day.production_id).order_by("-updated_at").values_list("hospital", flat=True).first()
    return {
        "locations": [{"name": loc.name, "address": loc.address, "parking": loc.parking, "notes": loc.notes} for loc in seen.values()],
        "hospital": ch.normal_hospital(latest or {}),
        "weather": ch.normal_weather({}),
        "cast_calls": [{"cast_member": c.pk, "pickup": None, "hair_makeup": None, "on_set": None, "notes": ""} for c in cast],
        "crew_calls": [{"department": DEPARTMENT_OF_ROLE.get(m.role, "Crew"), "name": m.user.display_name,
                        "role": Role(m.role).label, "user": m.user_id, "call": None} for m in members],
    }


def _normalize(fields: dict) -> dict:
    """Sheet fields as stored: times as `datetime.time`, JSON columns in their full normal form (see apps.callsheets.changes)."""
    out = dict(fields)
    for name in ("crew_call", "shooting_call", "first_meal"):
        if name in out:
            out[name] = ch.parse_time(out[name], field=name)
    normalizers = {"locations": ch.normal_locations, "hospital": ch.normal_hospital, "weather": ch.normal_weather,
                   "cast_calls": ch.normal_cast_calls, "crew_calls": ch.normal_crew_calls}
    for name, normal in normalizers.items():
        if name in out:
            out[name] = json.loads(json.dumps(normal(out[name]), cls=DjangoJSONEncoder))
    if "notes" in out:
        out["notes"] = (out["notes"] or "").strip()
    return out


def call_sheet_validate(sheet: CallSheet) -> None:
    """Check a call sheet's calls against each other; raises `ApplicationError` (400) naming who is wrong.

    Codes: `shooting_call_before_crew_call`; `unknown_cast_member` (not a cast member of this
    production); `duplicate_cast_call`; `cast_call_out_of_order` (pickup ≤ hair/makeup ≤ on set
    broken); `cast_call_before_crew_call` (on set before the general crew call); `unknown_user`
    (a crew call names someone not on the production).
    """
    from apps.breakdown.models import CastMember
    from apps.productions.models import Membership

    crew_call = sheet.crew_call
    if crew_call and sheet.shooting_call and sheet.shooting_call < crew_call:
        raise ApplicationError(f"Shooting call {ch.time_text(sheet.shooting_call)} is before the crew call {ch.time_text(crew_call)}.",
                               code="shooting_call_before_crew_call")
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
        steps = [(call[k], label) for k, label in (("pickup", "pickup"), ("hair_makeup", "hair/makeup"), ("on_set", "on set")) if call[k]]
        for (earlier, earlier_label), (later, later_label) in zip(steps, steps[1:]):
            if later < earlier:
                raise ApplicationError(f"{who}: {later_label} {later} is before {earlier_label} {earlier}.", code="cast_call_out_of_order",
                                       extra={"cast_member": member.pk})
        if crew_call and call["on_set"] and call["on_set"] < ch.time_text(crew_call):
            raise ApplicationError(f"{who} is called on set at {call['on_set']}, before the crew call at {ch.time_text(crew_call)}.",
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
    sheet = CallSheet(production_id=shoot_day.production_id, shoot_day=shoot_day, **values)
    call_sheet_validate(sheet)
    return entity_create(instance=sheet, actor=actor)


@transaction.atomic
def call_sheet_update(*, instance: CallSheet, actor, version: int, **changes) -> CallSheet:
    """Edit a call sheet (times "HH:MM", locations, hospital, weather, cast and crew calls, notes); 409 when stale.

    A real change to a published sheet makes it "changed". Raises 400 `invalid` for moving it to
    another day, or a validation code of `call_sheet_validate`.
    """
    changes.pop("production", None)
    day = changes.pop("shoot_day", None)
    if day is not None and day.pk != instance.shoot_day_id:
        raise ApplicationError("A call sheet stays with its shoot day.", code="invalid")
    if instance.version != version:
        raise _stale(instance)
    changes = {k: v for k, v in _normalize(changes).items() if getattr(instance, k) != v}
    if not changes:
        return instance
    candidate = copy.copy(instance)
    for name, value in changes.items():
        setattr(candidate, name, value)
    call_sheet_validate(candidate)
    if instance.status == CallSheetStatus.PUBLISHED:
        changes["status"] = CallSheetStatus.CHANGED
    return entity_update(instance=_forget(instance), actor=actor, version=version, **changes)


def _title(sheet: CallSheet) -> str:
    day = sheet.shoot_day
    when = f"{day.date:%a} {day.date.day} {day.date:%b}"
    head = "Call sheet" if sheet.revision == 1 else f"Call sheet revised (rev {sheet.revision})"
    return f"{head}: Day {day.number} \u2014 {when}, crew call {ch.time_text(sheet.crew_call)}"


@transaction.atomic
def call_sheet_publish(*, sheet: CallSheet, actor, version: int) -> CallSheet:
    """Publish the sheet to the whole crew: revision+1, a CallSheetRevision (snapshot + changes), recipients, notifications.

    Recipients are every active member of the production at this moment (rows of people who left
    are removed); each gets `revision`, `notified_at` = now, and `seen_at`/`confirmed_at` reset
    (the publisher counts as having seen it). Publishes `callsheet.published` (data = the sheet)
    and `callsheet_recipient.updated` per row, then notifies them all but the publisher:
    `callsheet_published` for revision 1, `callsheet_revised` after, whose body lists the changes
    one per line. Raises 409 for a stale `version`, 400 `no_scenes` for a day without scenes,
    400 `crew_call_required` without a crew call, or a validation code of `call_sheet_validate`.
    """
    from apps.notifications.services import notify
    from apps.productions.models import Membership

    sheet = CallSheet.objects.select_for_update().select_related("shoot_day", "production").filter(pk=sheet.pk).first() or sheet
    if sheet.version != version:
        raise _stale(sheet)
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

    rows = []
    existing = {r.user_id: r for r in CallSheetRecipient.objects.filter(call_sheet=sheet).select_related("user")}
    for membership in Membership.objects.filter(production_id=sheet.production_id, user__is_active=True).select_related("user").order_by("id"):
        row = existing.pop(membership.user_id, None) or CallSheetRecipient(production_id=sheet.production_id, call_sheet=sheet,
                                                                            user=membership.user)
        row.role, row.revision, row.notified_at = membership.role, sheet.revision, now
        row.seen_at = now if membership.user_id == actor.pk else None
        row.confirmed_at = None
        row.save()
        rows.append(row)
    for gone in existing.values():
        entity_delete(instance=gone, actor=actor)

    snapshot = {k: v for k, v in json.loads(json.dumps(serialize_entity("callsheet", _forget(sheet)), cls=DjangoJSONEncoder)).items()
                if k != "distribution"}
    previous = CallSheetRevision.objects.filter(call_sheet=sheet).order_by("-revision").first()
    found = ch.sheet_changes(previous.snapshot, snapshot) if previous else []
    CallSheetRevision.objects.create(production_id=sheet.production_id, call_sheet=sheet, revision=sheet.revision, snapshot=snapshot,
                                     changes=found, published_by=actor, published_at=now)
    publish(production_id=sheet.production_id, type="callsheet.published", entity="callsheet", entity_id=sheet.pk,
            data=serialize_entity("callsheet", _forget(sheet)), actor=actor)
    for row in rows:
        publish_entity(row, "updated", actor=actor)

    if sheet.revision == 1:
        scenes = snapshot.get("scenes", [])
        pages = ch.eighths_text(sum(s["page_eighths"] for s in scenes))
        unit = "page" if sum(s["page_eighths"] for s in scenes) == 8 else "pages"
        body = f"{len(scenes)} scene{'s' if len(scenes) != 1 else ''}, {pages} {unit}. Please confirm you have it."
    else:
        body = "\n".join(ch.change_text(c) for c in found) or "Republished with no changes."
    notify(recipients=[row.user for row in rows], production=sheet.production, kind="callsheet_published" if sheet.revision == 1
           else "callsheet_revised", title=_title(sheet), body=body, url=f"/productions/{sheet.production_id}/call-sheets/{sheet.pk}",
           entity="callsheet", entity_id=sheet.pk, actor=actor)
    return sheet


def _recipient_row(*, sheet: CallSheet, user) -> CallSheetRecipient:
    if sheet.revision == 0:
        raise ApplicationError("This call sheet has not been published yet.", code="not_published")
    row = CallSheetRecipient.objects.select_for_update().select_related("user").filter(call_sheet=sheet, user=user).first()
    if row is None:
        raise ApplicationError("You are not on this call sheet's distribution list.", code="not_a_recipient")
    return row


def _distribution_changed(*, row: CallSheetRecipient, sheet: CallSheet, actor) -> None:
    publish_entity(row, "updated", actor=actor)
    publish_entity(_forget(sheet), "updated", actor=actor)  # its `distribution` counts


@transaction.atomic
def call_sheet_mark_seen(*, sheet: CallSheet, user) -> CallSheetRecipient:
    """Record that `user` opened the published sheet (once per revision); publishes `callsheet_recipient.updated`.

    Raises 400 `not_published` for a never-published sheet, 400 `not_a_recipient` for someone not on its distribution.
    """
    row = _recipient_row(sheet=sheet, user=user)
    if row.seen_at is None:
        row.seen_at = timezone.now()
        row.save(update_fields=["seen_at", "updated_at"])
        _distribution_changed(row=row, sheet=sheet, actor=user)
    return row


@transaction.atomic
def call_sheet_confirm(*, sheet: CallSheet, user) -> CallSheetRecipient:
    """Record that `user` confirms receipt of the current revision (implies seen); publishes `callsheet_recipient.updated`.

    Confirming again the same revision changes nothing. Raises 400 `not_published` / `not_a_recipient`.
    """
    row = _recipient_row(sheet=sheet, user=user)
    if row.confirmed_at is not None and row.confirmed_revision == row.revision:
        return row
    now = timezone.now()
    row.seen_at = row.seen_at or now
    row.confirmed_at, row.confirmed_revision = now, row.revision
    row.save(update_fields=["seen_at", "confirmed_at", "confirmed_revision", "updated_at"])
    _distribution_changed(row=row, sheet=sheet, actor=user)
    return row


@transaction.atomic
def call_sheet_delete(*, instance: CallSheet, actor) -> None:
    """Delete a call sheet with its revisions and distribution (`callsheet_recipient.deleted` each, then `callsheet.deleted`)."""
    _delete_publishing(list(CallSheetRecipient.objects.filter(call_sheet=instance).select_related("user")), actor=actor)
    entity_delete(instance=_forget(instance), actor=actor)

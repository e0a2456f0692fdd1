"""The stripboard: put a scene (or a banner) on a shoot day, move, edit and remove strips.

A day's strips keep positions 0..n-1; every write publishes the strips that moved, the days whose
totals changed (`shoot_day.updated`) and refreshes their call sheets.
"""
from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.callsheets.models import ShootDay, Strip, StripKind
from apps.callsheets.selectors import shoot_day_queryset, strip_queryset
from apps.callsheets.services.rows import stale_error
from apps.callsheets.services.sheets import call_sheets_refresh
from apps.core.errors import ApplicationError
from apps.productions.entities import entity_create, entity_delete, entity_update
from apps.productions.services import production_lock
from apps.realtime.services import publish_entity


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
    call_sheets_refresh(day_ids=[shoot_day.pk], actor=actor, mark_changed=True)
    return strip


@transaction.atomic
def strip_move(*, strip: Strip, actor, version: int, shoot_day: ShootDay, position: int | None = None) -> Strip:
    """Move a strip to 0-based `position` on `shoot_day` (clamped to the day's length; None: its end); 409 when `version` is stale.

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
        raise stale_error(strip)
    source_id = current.shoot_day_id
    source = [s for s in _day_strips(source_id) if s.pk != strip.pk]
    target = source if source_id == shoot_day.pk else _day_strips(shoot_day.pk)
    index = len(target) if position is None else max(0, min(int(position), len(target)))
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
    call_sheets_refresh(day_ids=[source_id, shoot_day.pk], actor=actor, mark_changed=True)
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
        call_sheets_refresh(day_ids=[strip.shoot_day_id], actor=actor, mark_changed=False)
    if day is not None or position is not None:
        strip = strip_move(strip=strip, actor=actor, version=strip.version, shoot_day=day or strip.shoot_day, position=position)
    return strip


@transaction.atomic
def strip_delete(*, instance: Strip, actor) -> None:
    """Take a strip off the board (its scene becomes unscheduled); the day's later strips move up."""
    production_lock(production_id=instance.production_id)
    day = instance.shoot_day
    entity_delete(instance=instance, actor=actor)
    _place(_day_strips(day.pk), day=day, actor=actor)
    _publish_days([day.pk], actor=actor)
    call_sheets_refresh(day_ids=[day.pk], actor=actor, mark_changed=True)

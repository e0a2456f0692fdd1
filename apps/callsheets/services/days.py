"""Shoot days: add, change and remove the days of the schedule, numbered 1..n in (date, id) order.

A day's strips are in apps.callsheets.services.strips, its call sheet in apps.callsheets.services.sheets.
"""
from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from apps.callsheets.models import CallSheet, ShootDay
from apps.callsheets.selectors import shoot_day_queryset, strip_queryset
from apps.callsheets.services.rows import rows_delete
from apps.callsheets.services.sheets import call_sheet_delete, call_sheet_refresh_previous, call_sheets_refresh
from apps.productions.entities import entity_create, entity_delete, entity_update
from apps.productions.services import production_lock
from apps.realtime.services import publish_entity


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
        call_sheets_refresh(day_ids=moved, actor=actor, mark_changed=False)


def _day_number_for(*, production_id: int, date, pk: int | None) -> int:
    """The number a day on `date` gets among the production's other days (a new day sorts after those of its date)."""
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
    call_sheet_refresh_previous(day=day, actor=actor)
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
        call_sheets_refresh(day_ids=[day.pk], actor=actor, mark_changed=True)
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
    rows_delete(list(strip_queryset().filter(shoot_day=instance)), actor=actor)
    entity_delete(instance=instance, actor=actor)
    _renumber_days(production_id=production_id, actor=actor)

"""Reads of the schedule and call sheets, with the related rows their serializers need (no query per row)."""
from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from apps.callsheets.models import CallSheet, CallSheetRecipient, ShootDay, Strip, StripKind


def strip_queryset() -> QuerySet[Strip]:
    """Strips with their scene and the scene's characters and cast members (for `cast_ids`), in board order."""
    from apps.breakdown.models import Character

    return Strip.objects.select_related("scene").prefetch_related(
        Prefetch("scene__characters", queryset=Character.objects.select_related("cast_member"))
    )


def shoot_day_queryset() -> QuerySet[ShootDay]:
    """Shoot days with their base location and two annotations the serializer reads:
    `total_eighths` (sum of the scene strips' page eighths) and `scene_total` (number of scene strips)."""
    return ShootDay.objects.select_related("location").annotate(
        total_eighths=Coalesce(Sum("strips__scene__page_eighths"), 0),
        scene_total=Count("strips__scene"),
    )


def call_sheet_queryset() -> QuerySet[CallSheet]:
    """Call sheets with their shoot day (the rest comes from `attach_sheet_extras`)."""
    return CallSheet.objects.select_related("shoot_day")


def recipient_queryset() -> QuerySet[CallSheetRecipient]:
    """Distribution rows with their users (for `name`)."""
    return CallSheetRecipient.objects.select_related("user").order_by("call_sheet_id", "user__name", "user__username", "id")


def cast_ids(scene) -> list[int]:
    """Sorted cast ids of the cast members whose characters speak in `scene` (uses prefetched characters)."""
    return sorted({c.cast_member.cast_id for c in scene.characters.all() if c.cast_member is not None and c.cast_member.cast_id is not None})


def scene_row(scene) -> dict:
    """A scene as the call sheet lists it: `{scene, number, int_ext, location, time_of_day, synopsis, page_eighths, cast_ids}`."""
    return {"scene": scene.pk, "number": scene.number, "int_ext": scene.int_ext, "location": scene.location,
            "time_of_day": scene.time_of_day, "synopsis": scene.synopsis, "page_eighths": scene.page_eighths,
            "cast_ids": cast_ids(scene)}


def attach_sheet_extras(sheets: list[CallSheet]) -> None:
    """Compute, for each sheet, what its serializer shows besides its own columns, in a fixed number of queries.

    Sets `sheet._extras = {"day_count", "scenes", "banners", "advance", "cast", "day_characters",
    "distribution"}` (see CallSheetSerializer). Sheets that already have extras are skipped.
    """
    from apps.breakdown.models import CastMember

    sheets = [s for s in sheets if not hasattr(s, "_extras")]
    if not sheets:
        return
    production_ids = {s.production_id for s in sheets}
    by_production: dict[int, list[dict]] = defaultdict(list)
    for day in ShootDay.objects.filter(production_id__in=production_ids).order_by("date", "id").values("id", "production_id", "number", "date"):
        by_production[day["production_id"]].append(day)
    following: dict[int, dict | None] = {}
    for days in by_production.values():
        for this, after in zip(days, [*days[1:], None]):
            following[this["id"]] = after
    wanted = {s.shoot_day_id for s in sheets} | {following[s.shoot_day_id]["id"] for s in sheets if following.get(s.shoot_day_id)}
    strips_by_day: dict[int, list[Strip]] = defaultdict(list)
    for strip in strip_queryset().filter(shoot_day_id__in=wanted).order_by("shoot_day_id", "position", "id"):
        strips_by_day[strip.shoot_day_id].append(strip)
    cast_member_ids = {c.get("cast_member") for s in sheets for c in (s.cast_calls or []) if isinstance(c, dict)}
    cast = {m.pk: m for m in CastMember.objects.filter(pk__in=[i for i in cast_member_ids if isinstance(i, int)],
                                                       production_id__in=production_ids).prefetch_related("characters")}
    counts = {row["call_sheet"]: row for row in CallSheetRecipient.objects.filter(call_sheet__in=[s.pk for s in sheets if s.pk])
              .values("call_sheet").annotate(recipients=Count("id"), seen=Count("id", filter=Q(seen_at__isnull=False)),
                                             confirmed=Count("id", filter=Q(confirmed_at__isnull=False)))}
    for sheet in sheets:
        strips = strips_by_day[sheet.shoot_day_id]
        day_characters: dict[int, list[str]] = defaultdict(list)
        for strip in strips:
            if strip.kind == StripKind.SCENE:
                for character in strip.scene.characters.all():
                    if character.cast_member_id and character.name not in day_characters[character.cast_member_id]:
                        day_characters[character.cast_member_id].append(character.name)
        nxt = following.get(sheet.shoot_day_id)
        count = counts.get(sheet.pk, {})
        sheet._extras = {
            "day_count": len(by_production[sheet.production_id]),
            "scenes": [scene_row(s.scene) for s in strips if s.kind == StripKind.SCENE],
            "banners": [{"id": s.pk, "position": s.position, "text": s.text} for s in strips if s.kind == StripKind.BANNER],
            "advance": None if nxt is None else {
                "shoot_day": nxt["id"], "number": nxt["number"], "date": nxt["date"].isoformat(),
                "scenes": [scene_row(s.scene) for s in strips_by_day[nxt["id"]] if s.kind == StripKind.SCENE],
            },
            "cast": cast,
            "day_characters": day_characters,
            "distribution": {"recipients": count.get("recipients", 0), "seen": count.get("seen", 0),
                             "confirmed": count.get("confirmed", 0)},
        }


def sheet_extras(sheet: CallSheet) -> dict:
    """`sheet._extras`, computed now if the sheet came without them (a single sheet, an event)."""
    attach_sheet_extras([sheet])
    return sheet._extras


def forget_sheet_extras(sheet: CallSheet) -> CallSheet:
    """Drop what `attach_sheet_extras` computed for `sheet`, so that its next serialization reads them afresh
    (after a write changed its day, strips or distribution); returns the same sheet."""
    sheet.__dict__.pop("_extras", None)
    return sheet

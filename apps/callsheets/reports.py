"""A shoot day's daily reports: the script supervisor's report (every take rolled) and the production report (the day's
totals beside the production's to date), computed from the takes, the scenes and the schedule.

Which takes belong to a shoot day — the rule, as the script supervisor keeps the log:

- A take belongs to the shoot day during which it was rolled (`Take.recorded_at`), not to the day its scene
  was scheduled on: scenes are shot ahead of or behind the stripboard, a scene is often shot over several
  days (pickups), and the daily reports record what was shot, not what was planned.
- A shoot day runs from its call — the crew call on its call sheet, else midnight — for 24 hours, or until the
  next shoot day of the same unit is called, whichever comes first (times in settings.TIME_ZONE). So a night
  shoot's takes after midnight stay on the day that called them.
- Where two units' days overlap (main and second unit on one date), a take goes to the day whose stripboard
  has its scene, else to the first of them in (date, id) order.

What is counted, and where:

- takes: picture takes (sync and MOS); wild tracks (sound only) are listed and counted apart — they make no
  setup and no minutes.
- setups: shots whose first picture take was rolled that day (a setup is counted once, on the day it was lit).
- minutes: the picture takes' durations (timecode out minus in, at each take's rate) added up; a take without
  both timecodes is counted in `untimed_takes` instead.
- scenes completed and pages shot: a scene whose status is completed is credited, with its page eighths, to the
  day of its last take (a scene finished by a pickup counts on the pickup's day). Scenes worked but not
  completed are "part" scenes.
- to date: everything rolled before the day's end (every unit); previously = to date minus the day.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from fractions import Fraction

from django.db.models import Count, Max, Min, Q, Sum
from django.utils import timezone

from apps.callsheets.calltimes import call_datetime
from apps.callsheets.models import ShootDay, Strip, StripKind
from apps.core.timecode import TIMECODE_RATES
from apps.scenes.models import Scene, SceneStatus, Take, TakeSound

DAY = dt.timedelta(hours=24)
PICTURE = ~Q(sound=TakeSound.WILD_TRACK)


def _seconds(frames: int | None, rate: str) -> float | None:
    fps = TIMECODE_RATES.get(rate)
    return None if frames is None or fps is None else float(Fraction(frames) / fps)


def day_windows(production_id: int) -> list[tuple[ShootDay, dt.datetime, dt.datetime]]:
    """Every shoot day of the production with the time it runs from (its call) and to, in (date, id) order (see the module's rule).

    Aware datetimes in settings.TIME_ZONE; the call is the call sheet's crew call, else midnight. One query.
    """
    zone = timezone.get_default_timezone()
    days = list(ShootDay.objects.filter(production_id=production_id).select_related("call_sheet").order_by("date", "id"))
    starts = []
    for day in days:
        sheet = getattr(day, "call_sheet", None)
        call = sheet.crew_call if sheet is not None else None  # minutes after the day's midnight, may be past 24:00
        starts.append(timezone.make_aware(call_datetime(day.date, call), zone))
    windows = []
    for day, start in zip(days, starts):
        later = [s for other, s in zip(days, starts) if other.unit == day.unit and s > start]
        windows.append((day, start, min([start + DAY, *later])))
    return windows


def _day_of(when: dt.datetime, scene_id: int, candidates: list[tuple[ShootDay, dt.datetime, dt.datetime]], scheduled: dict[int, set[int]]) -> int:
    """The id of the shoot day a take rolled at `when` of scene `scene_id` belongs to, among the days whose windows hold it."""
    holding = [day for day, start, end in candidates if start <= when < end]
    with_scene = [day for day in holding if scene_id in scheduled.get(day.pk, set())]
    return (with_scene or holding)[0].pk


def _totals_to(production_id: int, end: dt.datetime) -> dict:
    """Scenes completed, page eighths, setups, takes and picture seconds of everything rolled before `end` (five queries)."""
    before = Take.objects.filter(production_id=production_id, recorded_at__lt=end)
    pictures = before.filter(PICTURE)
    seconds = sum(_seconds(row["frames"], row["timecode_rate"]) or 0.0
                  for row in pictures.values("timecode_rate").annotate(frames=Sum("duration_frames")))
    last = Take.objects.filter(production_id=production_id).values("shot__scene").annotate(last=Max("recorded_at")).filter(last__lt=end)
    done = Scene.objects.filter(production_id=production_id, status=SceneStatus.COMPLETED, pk__in=last.values("shot__scene"))
    agg = done.aggregate(n=Count("id"), eighths=Sum("page_eighths"))
    return {"scenes_completed": agg["n"], "page_eighths": agg["eighths"] or 0,
            "setups": pictures.values("shot").distinct().count(), "takes": pictures.count(),
            "duration_s": round(seconds, 3), "minutes": round(seconds / 60, 2)}


def _difference(total: dict, today: dict) -> dict:
    previously = {key: total[key] - today[key] for key in ("scenes_completed", "page_eighths", "setups", "takes")}
    seconds = max(0.0, total["duration_s"] - today["duration_s"])
    return {**previously, "duration_s": round(seconds, 3), "minutes": round(seconds / 60, 2)}


def _take_row(take: Take) -> dict:
    cameras = take.cameras or []
    return {
        "id": take.pk, "scene": take.shot.scene_id, "scene_number": take.shot.scene.number, "shot": take.shot_id,
        "shot_number": take.shot.number, "number": take.number, "recorded_at": timezone.localtime(take.recorded_at).isoformat(),
        "sound": take.sound, "cameras": cameras, "camera_rolls": " ".join(c["roll"] for c in cameras if c.get("roll")),
        "lens": " / ".join(f"{c['camera']} {c['lens']}" if len(cameras) > 1 else c["lens"] for c in cameras if c.get("lens")),
        "sound_roll": take.sound_roll, "timecode_in": take.timecode_in, "timecode_out": take.timecode_out,
        "timecode_rate": take.timecode_rate, "duration_frames": take.duration_frames,
        "duration_s": None if take.duration_frames is None else round(_seconds(take.duration_frames, take.timecode_rate), 3),
        "circled": take.circled, "no_good": take.no_good, "notes": take.notes,
    }


def shoot_day_report(*, shoot_day: ShootDay) -> dict:
    """Both daily reports of `shoot_day` as one dict (the REST shape of `GET /api/shoot-days/{id}/report/`).

    Keys: `production` {id, title, code, timecode_rate}; `shoot_day` {id, number, date, unit, notes, day_count};
    `window` {start, end} (ISO, when the day runs, see the module's rule); `takes`: every take of the day in
    the order rolled (scene/shot numbers, sound, cameras, camera_rolls, lens, sound_roll, timecodes, rate,
    duration_frames, duration_s, circled, no_good, notes); `wild_tracks`: the same rows of the wild tracks;
    `scenes`: scheduled and worked scenes {scene, number, slugline, page_eighths, scheduled, worked, status,
    completed (credited to this day), takes, setups}; `totals` (the day: scheduled_scenes, scheduled_eighths,
    scenes_worked, scenes_completed, completed_scenes (numbers), page_eighths (completed), part_scenes,
    setups, takes, circled, no_good, mos, wild_tracks, untimed_takes, duration_s, minutes); `previously` and
    `to_date` (scenes_completed, page_eighths, setups, takes, duration_s, minutes); `script` {scenes,
    page_eighths}; `camera_rolls` and `sound_rolls` used (sorted). About fifteen queries whatever the size.
    """
    production = shoot_day.production
    windows = day_windows(production.pk)
    _day, start, end = next(w for w in windows if w[0].pk == shoot_day.pk)
    overlapping = [w for w in windows if w[1] < end and start < w[2]]
    scheduled: dict[int, set[int]] = defaultdict(set)
    for day_id, scene_id in Strip.objects.filter(shoot_day_id__in=[w[0].pk for w in overlapping], kind=StripKind.SCENE).values_list("shoot_day_id", "scene_id"):
        scheduled[day_id].add(scene_id)
    rolled = Take.objects.filter(production=production, recorded_at__gte=start, recorded_at__lt=end).select_related("shot__scene")
    takes = [t for t in rolled.order_by("recorded_at", "id")
             if len(overlapping) == 1 or _day_of(t.recorded_at, t.shot.scene_id, overlapping, scheduled) == shoot_day.pk]
    pictures = [t for t in takes if t.sound != TakeSound.WILD_TRACK]
    wild = [t for t in takes if t.sound == TakeSound.WILD_TRACK]

    first_picture = dict(Take.objects.filter(PICTURE, shot_id__in={t.shot_id for t in pictures}).values("shot")
                         .annotate(first=Min("recorded_at")).values_list("shot", "first"))
    setups = {t.shot_id for t in pictures if first_picture.get(t.shot_id) == t.recorded_at}
    last_take = dict(Take.objects.filter(shot__scene_id__in={t.shot.scene_id for t in takes}).values("shot__scene")
                     .annotate(last=Max("recorded_at")).values_list("shot__scene", "last"))
    worked = {t.shot.scene_id for t in takes}
    scene_ids = worked | scheduled[shoot_day.pk]
    scenes = {s.pk: s for s in Scene.objects.filter(pk__in=scene_ids)}
    day_last = {scene_id: max(t.recorded_at for t in takes if t.shot.scene_id == scene_id) for scene_id in worked}
    credited = {s for s in worked if scenes[s].status == SceneStatus.COMPLETED and last_take.get(s) == day_last[s]}

    scene_rows = []
    for scene in sorted(scenes.values(), key=lambda s: (s.script_order, s.pk)):
        of_scene = [t for t in pictures if t.shot.scene_id == scene.pk]
        scene_rows.append({"scene": scene.pk, "number": scene.number, "slugline": scene.slugline, "page_eighths": scene.page_eighths,
                           "scheduled": scene.pk in scheduled[shoot_day.pk], "worked": scene.pk in worked, "status": scene.status,
                           "completed": scene.pk in credited, "takes": len(of_scene),
                           "setups": len({t.shot_id for t in of_scene if t.shot_id in setups})})
    seconds = sum(_seconds(t.duration_frames, t.timecode_rate) or 0.0 for t in pictures)
    today = {
        "scheduled_scenes": len(scheduled[shoot_day.pk]),
        "scheduled_eighths": sum(scenes[s].page_eighths for s in scheduled[shoot_day.pk]),
        "scenes_worked": len(worked), "scenes_completed": len(credited),
        "completed_scenes": [r["number"] for r in scene_rows if r["completed"]],
        "part_scenes": [r["number"] for r in scene_rows if r["worked"] and not r["completed"]],
        "page_eighths": sum(scenes[s].page_eighths for s in credited),
        "setups": len(setups), "takes": len(pictures), "circled": sum(t.circled for t in pictures),
        "no_good": sum(t.no_good for t in pictures), "mos": sum(t.sound == TakeSound.MOS for t in pictures),
        "wild_tracks": len(wild), "untimed_takes": sum(t.duration_frames is None for t in pictures),
        "duration_s": round(seconds, 3), "minutes": round(seconds / 60, 2),
    }
    to_date = _totals_to(production.pk, end)
    script = Scene.objects.filter(production=production).aggregate(n=Count("id"), eighths=Sum("page_eighths"))
    return {
        "production": {"id": production.pk, "title": production.title, "code": production.code, "timecode_rate": production.timecode_rate},
        "shoot_day": {"id": shoot_day.pk, "number": shoot_day.number, "date": shoot_day.date.isoformat(), "unit": shoot_day.unit,
                      "notes": shoot_day.notes, "day_count": len(windows)},
        "window": {"start": timezone.localtime(start).isoformat(), "end": timezone.localtime(end).isoformat()},
        "takes": [_take_row(t) for t in pictures],
        "wild_tracks": [_take_row(t) for t in wild],
        "scenes": scene_rows,
        "totals": today,
        "previously": _difference(to_date, today),
        "to_date": to_date,
        "script": {"scenes": script["n"], "page_eighths": script["eighths"] or 0},
        "camera_rolls": sorted({c["roll"] for t in pictures for c in t.cameras or [] if c.get("roll")}),
        "sound_rolls": sorted({t.sound_roll for t in takes if t.sound_roll}),
    }


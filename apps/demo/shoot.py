"""The demo's first shoot day, already shot: three scenes on its stripboard, their setups and takes as a script
supervisor logged them (camera and sound rolls, lenses, time-of-day timecode at 23.976, circled and NG takes, an
MOS insert, a B camera, a wild track of room tone), so that the take log and the daily reports show a real day.

Everything goes through the services, as on a real set. The plan below is fixed (no randomness): tests check
the reports against the takes it makes.
"""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

# Per scene: its setups, each (shot number, type, lens_mm, [cameras], [takes]); a take is (seconds, circled, no_good,
# sound, notes). The first two scenes are completed, the third is a part scene (the light went).
PLAN = [
    [("1", "WS", 32, ["A"], [(74, False, True, "sync", "Boom in frame at the end."), (71, False, False, "sync", ""),
                             (69, True, False, "sync", "Best performance.")]),
     ("2", "MS", 50, ["A", "B"], [(52, False, False, "sync", "B camera 85mm on the reverse."), (49, True, False, "sync", "")])],
    [("1", "WS", 24, ["A"], [(88, False, True, "sync", "Plane overhead."), (84, True, False, "sync", "")]),
     ("2", "INSERT", 100, ["A"], [(12, True, False, "mos", "Hands on the map.")]),
     ("1", None, None, [], [(30, False, False, "wild_track", "Room tone, 30 seconds.")])],
    [("1", "WS", 28, ["A"], [(95, False, False, "sync", ""), (91, True, False, "sync", "Lost the light after this one.")])],
]
LENS = {"B": "85mm"}
RATE = "23.976"


def previous_weekday(day: dt.date) -> dt.date:
    """The weekday before `day` (Friday before a Monday)."""
    day -= dt.timedelta(days=1)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def _tc(at: dt.datetime, seconds: int = 0) -> str:
    """Time-of-day timecode at 24 frames a second (23.976 counts 24): the clock time the take rolled, plus `seconds`."""
    moment = at + dt.timedelta(seconds=seconds)
    return f"{moment:%H:%M:%S}:00"


def shoot_first_day(*, production, actor) -> None:
    """Add the demo's first shoot day on the weekday before today, call it at 07:00, put the first three scenes of the
    screenplay on it and log their takes (PLAN) from 08:00 on; the production's timecode runs at 23.976."""
    from apps.callsheets.services import call_sheet_create, shoot_day_create, strip_create
    from apps.productions.services import production_update
    from apps.scenes.services import scene_update, shot_create, take_create

    production.refresh_from_db()
    production_update(instance=production, actor=actor, version=production.version, timecode_rate=RATE)
    day = shoot_day_create(actor=actor, production=production, date=previous_weekday(timezone.localdate()), unit="Main Unit",
                           notes="Rain delay of 20 minutes before the first shot. Wrapped on time.")
    scenes = list(production.scenes.order_by("script_order", "id")[: len(PLAN)])
    for scene in scenes:
        strip_create(actor=actor, shoot_day=day, scene=scene)
    call_sheet_create(actor=actor, shoot_day=day, crew_call="07:00", shooting_call="08:00")
    clock = timezone.make_aware(dt.datetime.combine(day.date, dt.time(8, 0)), timezone.get_default_timezone())
    rolls = {"A": 1, "B": 1}
    sound_roll = 1
    for index, (scene, setups) in enumerate(zip(scenes, PLAN)):
        shots = {}
        for number, kind, lens_mm, letters, takes in setups:
            if kind is not None:
                shots[number] = shot_create(actor=actor, scene=scene, number=number, type=kind, lens_mm=lens_mm, status="shot")
            shot = shots[number]
            for seconds, circled, no_good, sound, notes in takes:
                cameras = [{"camera": c, "roll": f"{c}{rolls[c]:03d}", "lens": f"{lens_mm}mm" if c == "A" else LENS[c]} for c in letters]
                take_create(actor=actor, shot=shot, recorded_at=clock, cameras=cameras, sound=sound, circled=circled, no_good=no_good,
                            notes=notes, sound_roll="" if sound == "mos" else f"S{sound_roll:03d}",
                            timecode_in=_tc(clock), timecode_out=_tc(clock, seconds))
                clock += dt.timedelta(seconds=seconds + 240)
            clock += dt.timedelta(minutes=40)  # the next setup is lit
        if index == 0:
            rolls["A"] += 1  # A camera reloads after the first scene
            clock += dt.timedelta(minutes=60)  # lunch
            sound_roll += 1
        scene.refresh_from_db()
        scene_update(instance=scene, actor=actor, version=scene.version, status="completed" if index < 2 else "in_progress")

"""A shoot day's daily reports: which takes are the day's (rolled between its call and the next call, a night
shoot's takes after midnight included), what they add up to (setups, takes, circled, wild tracks, minutes, scenes
completed and their pages, previously and to date), and the same as CSV (parsed) and PDF (read with pdftotext).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess

import pytest
from django.utils import timezone

from apps.callsheets.models import CallSheet
from apps.scenes.services import take_create
from tests.callsheets.conftest import make_day, put
from tests.factories import SceneFactory, ShotFactory

pytestmark = pytest.mark.django_db


def at(day: str, hhmm: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day}T{hhmm}"), timezone.get_default_timezone())


def roll(user, shot, when: dt.datetime, seconds: int | None = None, **fields):
    """A take rolled at `when` lasting `seconds` (timecode from 10:00:00:00 at the production's 25 fps)."""
    if seconds is not None:
        fields |= {"timecode_in": "10:00:00:00", "timecode_out": f"10:{seconds // 60:02d}:{seconds % 60:02d}:00"}
    return take_create(actor=user, shot=shot, recorded_at=when, **fields)


@pytest.fixture
def shoot(production, user):
    """Two days. Day 1 (24 Nov 2026, crew call 07:00) schedules scenes 1 (11/8) and 2 (4/8); day 2 (25 Nov, a
    night: crew call 18:00) schedules scene 3 (8/8). Scene 4 (6/8) is shot ahead of schedule on day 1 and
    finished by a pickup after midnight on day 2, with scene 3. Scenes 1, 3 and 4 are completed."""
    production.timecode_rate = "25"
    production.save(update_fields=["timecode_rate"])
    s1 = SceneFactory(production=production, number="1", location="LIBRARY", page_eighths=11, status="completed")
    s2 = SceneFactory(production=production, number="2", location="LIBRARY", page_eighths=4, status="in_progress")
    s3 = SceneFactory(production=production, number="3", int_ext="EXT", location="PIER", time_of_day="NIGHT", page_eighths=8, status="completed")
    s4 = SceneFactory(production=production, number="4", location="ATTIC", page_eighths=6, status="completed")
    d1, d2 = make_day(production, user, "2026-11-24", notes="Lost 20 min to rain."), make_day(production, user, "2026-11-25")
    put(d1, user, s1)
    put(d1, user, s2)
    put(d2, user, s3)
    CallSheet.objects.create(production=production, shoot_day=d1, crew_call=7 * 60)
    CallSheet.objects.create(production=production, shoot_day=d2, crew_call=18 * 60)
    s1a, s1b, s2a, s4a, s3a, s4b = (ShotFactory(scene=s, number=n) for s, n in ((s1, "1"), (s1, "2"), (s2, "1"), (s4, "1"), (s3, "1"), (s4, "2")))
    a = [{"camera": "A", "roll": "A001", "lens": "35mm"}]
    # day 1
    roll(user, s1a, at("2026-11-24", "09:00"), 10, no_good=True, cameras=a, sound_roll="S001")
    roll(user, s1a, at("2026-11-24", "09:05"), 12, circled=True, cameras=a, sound_roll="S001", notes="=HYPERLINK(\"x\")")
    roll(user, s1b, at("2026-11-24", "10:30"), 8, circled=True, cameras=[{"camera": "A", "roll": "A002", "lens": "85mm"}], sound_roll="S001")
    roll(user, s2a, at("2026-11-24", "14:00"), cameras=a, sound_roll="S002")                      # no timecode
    roll(user, s2a, at("2026-11-24", "14:10"), 30, sound="wild_track", sound_roll="S002", notes="Room tone")
    roll(user, s4a, at("2026-11-24", "16:00"), 6, sound="mos", cameras=a)
    # day 2, a night: after midnight is still day 2
    roll(user, s3a, at("2026-11-25", "22:00"), 20, cameras=a, sound_roll="S003")
    roll(user, s3a, at("2026-11-26", "01:30"), 20, circled=True, cameras=a, sound_roll="S003")
    roll(user, s4b, at("2026-11-26", "02:00"), 5, circled=True, cameras=a, sound_roll="S003")
    return d1, d2


def test_day_one_counts_what_was_rolled_between_its_call_and_the_next(api, shoot):
    d1, _ = shoot

    report = api.get(f"/api/shoot-days/{d1.pk}/report/").json()

    assert report["shoot_day"] == {"id": d1.pk, "number": 1, "date": "2026-11-24", "unit": "Main Unit", "notes": "Lost 20 min to rain.",
                                   "day_count": 2}
    assert report["window"]["start"].startswith("2026-11-24T07:00") and report["window"]["end"].startswith("2026-11-25T07:00")
    assert [(t["scene_number"], t["shot_number"], t["number"]) for t in report["takes"]] == [("1", "1", 1), ("1", "1", 2), ("1", "2", 1), ("2", "1", 1), ("4", "1", 1)]
    assert [(t["scene_number"], t["notes"]) for t in report["wild_tracks"]] == [("2", "Room tone")]
    assert report["totals"] == {
        "scheduled_scenes": 2, "scheduled_eighths": 15, "scenes_worked": 3, "scenes_completed": 1, "completed_scenes": ["1"],
        "part_scenes": ["2", "4"],  # 4 was completed by a pickup on day 2: its pages are day 2's
        "page_eighths": 11, "setups": 4, "takes": 5, "circled": 2, "no_good": 1, "mos": 1, "wild_tracks": 1, "untimed_takes": 1,
        "duration_s": 36.0, "minutes": 0.6,
    }
    assert report["previously"] == {"scenes_completed": 0, "page_eighths": 0, "setups": 0, "takes": 0, "duration_s": 0.0, "minutes": 0.0}
    assert report["camera_rolls"] == ["A001", "A002"] and report["sound_rolls"] == ["S001", "S002"]
    assert [(s["number"], s["scheduled"], s["worked"], s["completed"]) for s in report["scenes"]] == [
        ("1", True, True, True), ("2", True, True, False), ("4", False, True, False)]


def test_a_night_shoot_keeps_its_takes_after_midnight_and_credits_a_pickup_there(api, shoot):
    _, d2 = shoot

    report = api.get(f"/api/shoot-days/{d2.pk}/report/").json()

    assert [(t["scene_number"], t["number"], t["recorded_at"][:16]) for t in report["takes"]] == [
        ("3", 1, "2026-11-25T22:00"), ("3", 2, "2026-11-26T01:30"), ("4", 1, "2026-11-26T02:00")]
    today = report["totals"]
    assert (today["setups"], today["takes"], today["circled"], today["duration_s"], today["minutes"]) == (2, 3, 2, 45.0, 0.75)
    assert (today["completed_scenes"], today["page_eighths"], today["scheduled_eighths"]) == (["3", "4"], 14, 8)
    assert report["previously"] == {"scenes_completed": 1, "page_eighths": 11, "setups": 4, "takes": 5, "duration_s": 36.0, "minutes": 0.6}
    assert report["to_date"] == {"scenes_completed": 3, "page_eighths": 25, "setups": 6, "takes": 8, "duration_s": 81.0, "minutes": 1.35}
    assert report["script"] == {"scenes": 4, "page_eighths": 29}


def test_without_a_call_sheet_a_day_is_its_date_and_two_units_share_a_date_by_their_strips(api, production, user):
    s5, s6 = SceneFactory(production=production, number="5"), SceneFactory(production=production, number="6")
    main, second = make_day(production, user, "2026-12-01"), make_day(production, user, "2026-12-01", unit="Second Unit")
    put(second, user, s5)
    before, on_five, on_six = ShotFactory(scene=s6), ShotFactory(scene=s5), ShotFactory(scene=s6)
    roll(user, before, at("2026-11-30", "23:59"))
    five = roll(user, on_five, at("2026-12-01", "12:00"))
    six = roll(user, on_six, at("2026-12-01", "12:01"))

    main_report = api.get(f"/api/shoot-days/{main.pk}/report/").json()
    second_report = api.get(f"/api/shoot-days/{second.pk}/report/").json()

    assert main_report["window"]["start"].startswith("2026-12-01T00:00") and main_report["window"]["end"].startswith("2026-12-02T00:00")
    assert [t["id"] for t in main_report["takes"]] == [six.pk]
    assert [t["id"] for t in second_report["takes"]] == [five.pk]


def test_the_script_supervisors_report_as_csv_has_a_row_per_take_and_wild_track(api, shoot):
    d1, _ = shoot

    response = api.get(f"/api/shoot-days/{d1.pk}/report/script.csv")

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="script-report-day-1-2026-11-24.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["Scene"], r["Shot"], r["Take"], r["Sound"]) for r in rows] == [
        ("1", "1", "1", "Sync"), ("1", "1", "2", "Sync"), ("1", "2", "1", "Sync"), ("2", "1", "1", "Sync"), ("4", "1", "1", "MOS"), ("2", "1", "2", "Wild track")]
    assert rows[1].items() >= {"Rolled": "09:05", "Camera rolls": "A001", "Lens": "35mm", "Sound roll": "S001", "TC in": "10:00:00:00",
                               "TC out": "10:00:12:00", "TC rate": "25", "Duration (s)": "12.000", "Circled": "yes", "NG": ""}.items()
    assert rows[1]["Notes"] == "'=HYPERLINK(\"x\")"  # a spreadsheet must not run it
    assert rows[3]["Duration (s)"] == "" and sum(float(r["Duration (s)"] or 0) for r in rows[:5]) == 36.0


def test_the_production_report_as_csv_reads_today_previously_and_to_date(api, shoot):
    _, d2 = shoot

    response = api.get(f"/api/shoot-days/{d2.pk}/report/production.csv")

    rows = {r["Item"]: r for r in csv.DictReader(io.StringIO(response.content.decode()))}
    assert {k: (rows[k]["Today"], rows[k]["Previously"], rows[k]["To date"]) for k in ("Scenes completed", "Page eighths", "Pages", "Setups", "Takes", "Minutes")} == {
        "Scenes completed": ("2", "1", "3"), "Page eighths": ("14", "11", "25"), "Pages": ("1 6/8", "1 3/8", "3 1/8"),
        "Setups": ("2", "4", "6"), "Takes": ("3", "5", "8"), "Minutes": ("0.75", "0.60", "1.35")}
    assert (rows["Completed scenes"]["Today"], rows["Circled takes"]["Today"], rows["Sound rolls"]["Today"]) == ("3, 4", "2", "S003")


def _pdf_text(content: bytes, tmp_path) -> str:
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is needed: `make test` installs it"
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True, timeout=60).stdout


def test_the_reports_as_pdf_say_the_day_and_its_figures(api, shoot, production, tmp_path):
    d1, _ = shoot

    script = api.get(f"/api/shoot-days/{d1.pk}/report/script.pdf")
    daily = api.get(f"/api/shoot-days/{d1.pk}/report/production.pdf")

    assert (script.status_code, script["Content-Type"], daily["Content-Type"]) == (200, "application/pdf", "application/pdf")
    text = _pdf_text(script.content, tmp_path)
    assert "Script supervisor's daily report" in text and "Day 1 of 2" in text and "Tuesday 24 November 2026" in text
    assert "A001" in text and "10:00:12:00" in text and "Room tone" in text and "0:36" in text
    text = _pdf_text(daily.content, tmp_path)
    assert production.title in text and "Daily production report" in text
    assert "1 3/8" in text and "LIBRARY" in text and "Lost 20 min to rain." in text and "part" in text


def test_reports_are_for_members_only_and_name_what_exists(api, api_for, outsider, shoot):
    d1, _ = shoot

    assert api_for(outsider).get(f"/api/shoot-days/{d1.pk}/report/").status_code == 404
    assert api_for(outsider).get(f"/api/shoot-days/{d1.pk}/report/script.csv").status_code == 404
    assert api.get(f"/api/shoot-days/{d1.pk}/report/dailies.csv").status_code == 404
    assert api.get(f"/api/shoot-days/{d1.pk}/report/script.xlsx").status_code == 404
    assert api.get("/api/shoot-days/999999/report/").status_code == 404


def test_a_report_takes_a_fixed_number_of_queries_whatever_the_number_of_takes(api, production, user, django_assert_max_num_queries):
    day = make_day(production, user, "2026-11-24")
    for n in range(10):
        scene = SceneFactory(production=production, status="completed" if n % 2 else "in_progress")
        put(day, user, scene)
        shot = ShotFactory(scene=scene)
        for k in range(6):
            roll(user, shot, at("2026-11-24", f"{8 + n:02d}:{10 * k:02d}"), 7, circled=k == 5)

    with django_assert_max_num_queries(14):
        report = api.get(f"/api/shoot-days/{day.pk}/report/").json()

    assert (report["totals"]["takes"], report["totals"]["setups"], report["totals"]["scenes_completed"]) == (60, 10, 5)

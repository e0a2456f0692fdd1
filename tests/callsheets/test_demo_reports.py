"""The demo production's day already shot (`manage.py load_demo`, apps/demo/shoot.py): its daily reports — JSON,
CSV and PDF — agree with the takes in the database, counted here on their own: the day's takes by the date they
were rolled, minutes from their timecode labels read by a small parser of this test, pages from the completed
scenes' page eighths.
"""
from __future__ import annotations

import csv
import io
import shutil
import subprocess
from fractions import Fraction

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.callsheets.models import ShootDay
from apps.productions.models import Production
from apps.scenes.models import Take

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def seconds_between(tc_in: str, tc_out: str) -> Fraction:
    """Non-drop timecode at 23.976 (a 24-frame count; each frame lasts 1001/24000 s)."""
    def frames(label: str) -> int:
        hh, mm, ss, ff = (int(part) for part in label.split(":"))
        return ((hh * 60 + mm) * 60 + ss) * 24 + ff
    return (frames(tc_out) - frames(tc_in)) * Fraction(1001, 24000)


@pytest.fixture
def demo(shared_data, api_for):
    if not (shared_data / "fountain" / "public-domain" / "ASCENT_TO_GURU_PEAK.fountain").exists():
        pytest.fail(f"the demo screenplay is missing from {shared_data}")
    call_command("load_demo", "--no-media", stdout=io.StringIO())
    production = Production.objects.get(code="DEMO-GURU")
    day = ShootDay.objects.filter(production=production).order_by("date").first()
    from django.contrib.auth import get_user_model

    return production, day, api_for(get_user_model().objects.get(username="ana"))


def test_the_demo_days_reports_agree_with_its_takes(demo, tmp_path):
    production, day, api = demo
    takes = [t for t in Take.objects.filter(production=production).select_related("shot__scene")
             if timezone.localtime(t.recorded_at).date() == day.date]
    pictures = [t for t in takes if t.sound != "wild_track"]
    wild = [t for t in takes if t.sound == "wild_track"]
    completed = {t.shot.scene for t in takes if t.shot.scene.status == "completed"}
    seconds = sum(seconds_between(t.timecode_in, t.timecode_out) for t in pictures)
    assert production.timecode_rate == "23.976" and len(pictures) >= 8 and wild and completed  # the demo shot a real day

    report = api.get(f"/api/shoot-days/{day.pk}/report/").json()

    totals = report["totals"]
    assert (report["shoot_day"]["number"], report["shoot_day"]["date"]) == (1, day.date.isoformat())
    assert totals["takes"] == len(pictures)
    assert totals["wild_tracks"] == len(wild)
    assert totals["circled"] == sum(t.circled for t in pictures)
    assert totals["no_good"] == sum(t.no_good for t in pictures)
    assert totals["setups"] == len({t.shot_id for t in pictures})
    assert totals["scenes_completed"] == len(completed)
    assert totals["page_eighths"] == sum(s.page_eighths for s in completed)
    assert totals["scenes_worked"] == len({t.shot.scene_id for t in takes})
    assert totals["duration_s"] == pytest.approx(float(seconds), abs=0.001)
    assert totals["minutes"] == round(float(seconds) / 60, 2)
    assert report["to_date"]["takes"] == len(pictures) and report["previously"]["takes"] == 0
    assert sorted(report["camera_rolls"]) == sorted({c["roll"] for t in pictures for c in t.cameras})

    rows = list(csv.DictReader(io.StringIO(api.get(f"/api/shoot-days/{day.pk}/report/script.csv").content.decode())))
    assert len(rows) == len(takes)
    assert sum(r["Circled"] == "yes" for r in rows) == sum(t.circled for t in takes)
    assert float(sum(Fraction(r["Duration (s)"]) for r in rows if r["Sound"] != "Wild track")) == pytest.approx(float(seconds), abs=0.01)
    daily = {r["Item"]: r["Today"] for r in csv.DictReader(io.StringIO(api.get(f"/api/shoot-days/{day.pk}/report/production.csv").content.decode()))}
    assert (int(daily["Takes"]), int(daily["Page eighths"]), float(daily["Minutes"])) == (len(pictures), totals["page_eighths"], totals["minutes"])

    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is needed: `make test` installs it"
    pdf = tmp_path / "production.pdf"
    pdf.write_bytes(api.get(f"/api/shoot-days/{day.pk}/report/production.pdf").content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True, timeout=60).stdout
    whole = round(float(seconds))
    assert "Ascent to Guru Peak" in text and f"{whole // 60}:{whole % 60:02d}" in text
    for scene in completed:
        assert scene.slugline in text

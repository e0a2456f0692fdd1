"""Selects reel: POST /api/media/selects-reel/ and the media.selects_reel job, on proxies made by ffmpeg."""
from __future__ import annotations

import datetime as dt
import zoneinfo
from fractions import Fraction

import pytest
from django.utils import timezone

from apps.jobs.models import Job, JobStatus
from apps.jobs.services import job_run
from apps.media.models import MediaAsset
from tests.factories import SceneFactory, ShotFactory, TakeFactory
from tests.media.test_clips import count_frames, make_video, ready_asset


@pytest.fixture
def shoot_day(production, media_root, tmp_path):
    """Scene 10 (first in the script) shot 1 takes 1 (NG) and 2 (circled), scene 2 shot A take 3 (circled), and a circled
    take of yesterday: proxies of different sizes and rates, one without sound."""
    scene10 = SceneFactory(production=production, number="10", script_order=0)
    scene2 = SceneFactory(production=production, number="2", script_order=1)
    shot1, shot_a = ShotFactory(scene=scene10, number="1"), ShotFactory(scene=scene2, number="A")
    ng = TakeFactory(shot=shot1, number=1, no_good=True)
    circled_late = TakeFactory(shot=shot_a, number=3, circled=True)
    circled_first = TakeFactory(shot=shot1, number=2, circled=True)
    yesterday = TakeFactory(shot=shot_a, number=1, circled=True)
    now = timezone.now()
    assets = {
        # made in this order, so creation order is not the reel's order
        "2/A/3": ready_asset(production, make_video(tmp_path / "a.mov", size="320x240", rate="25", seconds=2, timecode="02:00:00:00"),
                             media_root, take=circled_late, recorded_at=now),
        "10/1/1": ready_asset(production, make_video(tmp_path / "b.mov", seconds=1), media_root, take=ng),
        "10/1/2": ready_asset(production, make_video(tmp_path / "c.mov", size="640x360", rate="24", seconds=2, audio=False,
                                                     timecode="01:00:00:00"), media_root, take=circled_first),
        "2/A/1": ready_asset(production, make_video(tmp_path / "d.mov", seconds=1), media_root, take=yesterday,
                             recorded_at=now - dt.timedelta(days=1)),
    }
    return assets


def test_selects_reel_concatenates_the_days_circled_takes_in_scene_shot_take_order(api, production, shoot_day, media_root,
                                                                                   captured_events, settings):
    today = timezone.localdate(timezone.now(), timezone=zoneinfo.ZoneInfo(settings.TIME_ZONE))

    with captured_events() as events:
        response = api.post("/api/media/selects-reel/", {"production": production.pk, "date": today.isoformat()}, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["asset"]["kind"] == "reel" and body["asset"]["status"] == "uploaded"
    assert body["job"]["kind"] == "media.selects_reel" and body["job"]["params"] == {"asset_id": body["asset"]["id"]}
    takes = body["asset"]["generation"]["selects_reel"]["takes"]
    assert body["asset"]["generation"]["selects_reel"]["date"] == today.isoformat()
    assert [(t["scene_number"], t["shot_number"], t["take_number"]) for t in takes] == [("10", "1", 2), ("2", "A", 3)]
    assert [t["asset"] for t in takes] == [shoot_day["10/1/2"].pk, shoot_day["2/A/3"].pk]
    assert {e["type"] for e in events} == {"media_asset.created", "job.created"}

    job = job_run(body["job"]["id"])

    assert job.status == JobStatus.SUCCEEDED, job.error
    reel = MediaAsset.objects.get(pk=body["asset"]["id"])
    assert reel.original.name and reel.size_bytes == (media_root / reel.original.name).stat().st_size and len(reel.sha256) == 64
    frames, _, probe = count_frames(media_root / reel.original.name)
    video = next(s for s in probe["streams"] if s["codec_type"] == "video")
    audio = next(s for s in probe["streams"] if s["codec_type"] == "audio")
    assert (video["width"], video["height"]) == (640, 360)  # the largest proxy
    assert Fraction(video["r_frame_rate"]) == 24  # 24 and 25 once each: the first take's rate
    assert float(probe["format"]["duration"]) == pytest.approx(4.0, abs=0.1)  # 2 s + 2 s of circled proxies
    assert frames == pytest.approx(4.0 * Fraction(video["r_frame_rate"]), abs=2)
    assert (int(audio["sample_rate"]), audio["channels"]) == (48000, 2)
    process = Job.objects.get(pk=job.result["process_job"])
    assert process.kind == "media.process" and process.status == JobStatus.PENDING and process.params == {"asset_id": reel.pk}
    assert reel.job_id == process.pk


def test_no_circled_take_that_day_is_400_and_creates_nothing(api, production, shoot_day):
    response = api.post("/api/media/selects-reel/", {"production": production.pk, "date": "2001-01-01"}, format="json")

    assert response.status_code == 400 and response.json()["code"] == "no_selects"
    assert MediaAsset.objects.filter(kind="reel").count() == 0 and Job.objects.count() == 0


def test_a_take_without_a_ready_proxy_is_left_out(api, production, shoot_day, settings):
    shoot_day["2/A/3"].renditions.update(status="failed")
    today = timezone.localdate(timezone.now(), timezone=zoneinfo.ZoneInfo(settings.TIME_ZONE))

    response = api.post("/api/media/selects-reel/", {"production": production.pk, "date": today.isoformat()}, format="json")

    assert [t["take_number"] for t in response.json()["asset"]["generation"]["selects_reel"]["takes"]] == [2]


def test_viewer_and_stranger_cannot_make_a_reel(api_for, viewer, other_user, production, shoot_day):
    body = {"production": production.pk, "date": "2001-01-01"}
    assert api_for(viewer).post("/api/media/selects-reel/", body, format="json").status_code == 403
    assert api_for(other_user).post("/api/media/selects-reel/", body, format="json").status_code == 400  # not among theirs


def test_a_reel_cancelled_before_a_worker_starts_it_is_failed_not_left_waiting(api, production, shoot_day, settings):
    today = timezone.localdate(timezone.now(), timezone=zoneinfo.ZoneInfo(settings.TIME_ZONE))
    body = api.post("/api/media/selects-reel/", {"production": production.pk, "date": today.isoformat()}, format="json").json()

    response = api.post(f"/api/jobs/{body['job']['id']}/cancel/", format="json")

    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    reel = api.get(f"/api/media/{body['asset']['id']}/").json()
    assert (reel["status"], reel["error"]) == ("failed", "The reel was cancelled before it started.")

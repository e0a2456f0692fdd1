"""Retrying the media jobs (`POST /api/jobs/{id}/retry/`): media.process, media.clip, media.selects_reel and
media.ingest_card, each failed for real (a damaged file ffmpeg cannot read, a worker that stopped), retried through
the API and run again by `job_run` as the worker does — and refused with the reason when its inputs are gone.

Real ffmpeg on short files made by ffmpeg (one or two seconds, 160x90), a private MEDIA_ROOT per test.
"""
from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.utils import timezone

from apps.jobs.models import Job, JobStatus
from apps.jobs.services import job_reap_stale, job_run
from apps.media.models import Clip, MediaAsset, MediaStatus, Rendition
from apps.media.services import clips
from apps.realtime.models import Event
from tests.factories import SceneFactory, ShotFactory, TakeFactory
from tests.media.helpers import files_under
from tests.media.test_clips import count_frames, make_video, ready_asset
from tests.media.test_ingest import SIDECAR, card, jpeg, upload_card

RENDITIONS = {"poster": "ready", "proxy": "ready", "filmstrip": "ready", "waveform": "ready"}


def retry(api, job_id):
    return api.post(f"/api/jobs/{job_id}/retry/")


def swap_in(path: Path, damaged: bytes) -> bytes:
    """Put `damaged` where the file at `path` was; returns the good bytes, to put back later."""
    good = path.read_bytes()
    path.write_bytes(damaged)
    return good


def faststart_clip(path: Path, seconds: float = 2) -> Path:
    """A clip with its index first, so ffprobe reads a cut-off copy of it (as a camera file cut off in transfer)."""
    plain = make_video(path.with_name("plain.mp4"), seconds=seconds)
    subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-y", "-i", str(plain), "-c", "copy", "-movflags", "+faststart", str(path)],
                   check=True)
    return path


def snapshot(*rows) -> list[dict]:
    """The stored columns of these rows now (to show a refused retry changed nothing)."""
    return [type(row).objects.values().get(pk=row.pk) for row in rows]


def assert_refused(api, job: Job, reason: str, *rows) -> None:
    """The retry answers 400 not_retryable with `reason`; the job and `rows` are as they were, and no event went out."""
    before, events = snapshot(job, *rows), Event.objects.count()

    response = retry(api, job.pk)

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "not_retryable"
    assert reason in response.json()["message"], response.json()["message"]
    assert snapshot(job, *rows) == before
    assert Event.objects.count() == events


def job_events(events) -> list[str]:
    return [e["data"]["status"] for e in events if e["type"] == "job.updated"]


# --- media.process ---------------------------------------------------------------------------------------

@pytest.fixture
def uploaded(api, production, tmp_path):
    """A 2 s clip uploaded through the API (`POST /api/media/`); its processing job not run yet."""
    data = faststart_clip(tmp_path / "A001C004.mp4").read_bytes()
    response = api.post("/api/media/", {"production": production.pk, "file": SimpleUploadedFile("A001C004.mp4", data)},
                        format="multipart")
    assert response.status_code == 201, response.content
    return MediaAsset.objects.get(pk=response.json()["id"])


def test_a_clip_cut_off_in_transfer_is_processed_again_once_the_whole_file_is_back(api, uploaded, media_root, captured_events):
    original = media_root / uploaded.original.name
    good = swap_in(original, original.read_bytes()[: original.stat().st_size * 40 // 100])
    failed = job_run(uploaded.job_id)
    assert failed.status == JobStatus.FAILED and failed.error.startswith("This clip is damaged or incomplete"), failed.error
    assert api.get(f"/api/jobs/{failed.pk}/").json()["retryable"] is True
    original.write_bytes(good)

    with captured_events() as events:
        response = retry(api, failed.pk)

    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["error"]) == ("pending", "")
    asset_events = [e for e in events if e["type"] == "media_asset.updated"]
    assert [(e["data"]["status"], e["data"]["error"], e["data"]["renditions"]) for e in asset_events] == [("uploaded", "", [])]
    assert job_events(events) == ["pending"]

    with captured_events() as events:
        job = job_run(failed.pk)

    assert (job.status, job.attempts, job.error) == (JobStatus.SUCCEEDED, 2, "")
    uploaded.refresh_from_db()
    assert (uploaded.status, uploaded.error) == (MediaStatus.READY, "")
    rows = list(Rendition.objects.filter(asset=uploaded))
    assert {r.kind: r.status for r in rows} == RENDITIONS == job.result["renditions"]
    assert files_under(media_root / "media" / "renditions") == sorted(media_root / r.file.name for r in rows)  # nothing stale
    assert job_events(events) == ["running", "succeeded"]
    assert [e["data"]["status"] for e in events if e["type"] == "media_asset.updated"][-1] == "ready"
    assert Job.objects.count() == 1 and MediaAsset.objects.count() == 1


def test_a_clip_whose_worker_stopped_mid_run_starts_again_clean(api, uploaded, media_root, settings, captured_events):
    # The worker stopped after the poster: the asset processing, a poster stored, the proxy under way; the reaper
    # then fails the job, as after its last attempt.
    stale = media_root / "media" / "renditions" / "stale-poster.jpg"
    stale.parent.mkdir(parents=True, exist_ok=True)
    stale.write_bytes(jpeg(160, 90))
    Rendition.objects.create(asset=uploaded, kind="poster", status="ready", file="media/renditions/stale-poster.jpg")
    Rendition.objects.create(asset=uploaded, kind="proxy", status="processing")
    MediaAsset.objects.filter(pk=uploaded.pk).update(status=MediaStatus.PROCESSING)
    Job.objects.filter(pk=uploaded.job_id).update(
        status=JobStatus.RUNNING, attempts=settings.SLATE_JOB_MAX_ATTEMPTS, worker="render-box-7:4242",
        heartbeat_at=timezone.now() - dt.timedelta(seconds=settings.SLATE_JOB_STALE_AFTER_S + 60))
    assert [j.pk for j in job_reap_stale()] == [uploaded.job_id]

    with captured_events() as events:
        response = retry(api, uploaded.job_id)

    assert response.status_code == 200, response.content
    assert [(e["data"]["status"], e["data"]["renditions"]) for e in events if e["type"] == "media_asset.updated"] == [("uploaded", [])]
    assert not stale.exists() and not Rendition.objects.exists()  # the file went once the retry committed
    job = job_run(uploaded.job_id)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert {r.kind: r.status for r in Rendition.objects.filter(asset=uploaded)} == RENDITIONS
    assert len(files_under(media_root / "media" / "renditions")) == 4


@pytest.mark.parametrize("gone", ["deleted", "original missing"])
def test_processing_is_not_retried_when_the_clip_or_its_original_is_gone(api, uploaded, media_root, gone):
    original = media_root / uploaded.original.name
    swap_in(original, b"INT. KITCHEN - NIGHT")
    job = job_run(uploaded.job_id)
    assert job.status == JobStatus.FAILED
    if gone == "deleted":
        assert api.delete(f"/api/media/{uploaded.pk}/").status_code == 204
        assert_refused(api, job, "The clip was deleted: there is nothing to process.")
    else:
        original.unlink()
        uploaded.refresh_from_db()
        assert_refused(api, job, "The original file of A001C004.mp4 is missing from storage: upload the camera file again.", uploaded)


# --- media.clip ------------------------------------------------------------------------------------------

@pytest.fixture
def cut(api, production, media_root, tmp_path):
    """A clip of frames 12–36 cut through the API from a processed 2 s asset at 01:00:00:00; its render not run yet."""
    asset = ready_asset(production, make_video(tmp_path / "A001C001.mov", seconds=2, timecode="01:00:00:00"), media_root)
    response = api.post(f"/api/media/{asset.pk}/clips/", {"in": 12, "out": 36}, format="json")
    assert response.status_code == 201, response.content
    return Clip.objects.select_related("asset").get(pk=response.json()["id"])


def test_a_clip_whose_source_was_unreadable_renders_once_retried(api, cut, media_root, captured_events):
    original = media_root / cut.asset.original.name
    good = swap_in(original, b"not a movie")
    failed = job_run(cut.job_id)
    cut.refresh_from_db()
    assert failed.status == JobStatus.FAILED and failed.error.startswith("Could not render the clip: "), failed.error
    assert (cut.status, cut.error) == ("failed", failed.error)
    original.write_bytes(good)

    with captured_events() as events:
        response = retry(api, failed.pk)

    assert response.status_code == 200, response.content
    clip_events = [(e["data"]["status"], e["data"]["error"], e["data"]["url"]) for e in events if e["type"] == "clip.updated"]
    assert clip_events == [("pending", "", None)]
    assert job_events(events) == ["pending"]

    with captured_events() as events:
        job = job_run(failed.pk)

    assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, 2), job.error
    cut.refresh_from_db()
    assert (cut.status, cut.error) == ("ready", "")
    assert files_under(media_root / "media" / "clips") == [media_root / cut.file.name]
    frames, timecode, _ = count_frames(media_root / cut.file.name)
    assert (frames, timecode) == (24, "01:00:00:12")
    assert [e["data"]["status"] for e in events if e["type"] == "clip.updated"] == ["processing", "ready"]
    assert job_events(events) == ["running", "succeeded"]
    assert Clip.objects.count() == 1 and Job.objects.filter(kind="media.clip").count() == 1


def test_a_render_whose_recording_failed_keeps_no_file_and_renders_once_retried(api, cut, media_root, monkeypatch):
    real = clips._set_clip

    def database_gone_when_ready(clip, **fields):
        if fields.get("status") == "ready":
            raise OperationalError("server closed the connection unexpectedly")
        return real(clip, **fields)

    monkeypatch.setattr(clips, "_set_clip", database_gone_when_ready)
    failed = job_run(cut.job_id)
    assert failed.status == JobStatus.FAILED and "server closed the connection" in failed.error
    assert files_under(media_root / "media" / "clips") == []  # the stored render was deleted again
    monkeypatch.setattr(clips, "_set_clip", real)

    assert retry(api, failed.pk).status_code == 200
    job = job_run(failed.pk)

    assert job.status == JobStatus.SUCCEEDED, job.error
    cut.refresh_from_db()
    assert cut.status == "ready" and files_under(media_root / "media" / "clips") == [media_root / cut.file.name]


@pytest.mark.parametrize(("gone", "reason"), [
    ("deleted", "The clip was deleted: there is nothing to render."),
    ("original missing", "The original file of A001C001.mov is missing from storage: the clip cannot be rendered without it."),
    ("source failed", "A001C001.mov, which the clip is cut from, is not processed now (failed): retry once it is ready."),
])
def test_a_clip_render_is_not_retried_when_its_inputs_are_gone(api, cut, media_root, gone, reason):
    original = media_root / cut.asset.original.name
    swap_in(original, b"not a movie")
    job = job_run(cut.job_id)
    assert job.status == JobStatus.FAILED
    if gone == "deleted":
        assert api.delete(f"/api/clips/{cut.pk}/").status_code == 204
        assert_refused(api, job, reason)
        return
    if gone == "original missing":
        original.unlink()
    else:
        MediaAsset.objects.filter(pk=cut.asset_id).update(status=MediaStatus.FAILED)
    cut.refresh_from_db()
    assert_refused(api, job, reason, cut, cut.asset)


# --- media.selects_reel ----------------------------------------------------------------------------------

@pytest.fixture
def reel(api, production, media_root, tmp_path, settings):
    """A selects reel of today's two circled takes (scene 10 shot 1 take 2, scene 2 shot A take 3; 1 s each), asked
    for through the API; its render not run yet."""
    scene10 = SceneFactory(production=production, number="10", script_order=0)
    scene2 = SceneFactory(production=production, number="2", script_order=1)
    now = timezone.now()
    for scene, shot, take, name in ((scene10, "1", 2, "a.mov"), (scene2, "A", 3, "b.mov")):
        circled = TakeFactory(shot=ShotFactory(scene=scene, number=shot), number=take, circled=True)
        ready_asset(production, make_video(tmp_path / name, seconds=1), media_root, take=circled, recorded_at=now)
    day = timezone.localdate(now).isoformat()
    response = api.post("/api/media/selects-reel/", {"production": production.pk, "date": day}, format="json")
    assert response.status_code == 201, response.content
    return MediaAsset.objects.get(pk=response.json()["asset"]["id"])


def take_proxy(reel: MediaAsset, index: int) -> Rendition:
    return Rendition.objects.get(asset_id=reel.generation["selects_reel"]["takes"][index]["asset"], kind="proxy")


def test_a_reel_whose_take_was_unreadable_renders_and_is_processed_once_retried(api, reel, media_root, captured_events):
    proxy = media_root / take_proxy(reel, 1).file.name
    good = swap_in(proxy, b"not a movie")
    failed = job_run(reel.job_id)
    reel.refresh_from_db()
    assert failed.status == JobStatus.FAILED and failed.error.startswith("The proxy of SC 2  SH A  TK 3 cannot be read"), failed.error
    assert (reel.status, reel.error, reel.original.name) == (MediaStatus.FAILED, failed.error, "")
    proxy.write_bytes(good)

    with captured_events() as events:
        response = retry(api, failed.pk)

    assert response.status_code == 200, response.content
    assert [(e["data"]["status"], e["data"]["error"]) for e in events if e["type"] == "media_asset.updated"] == [("uploaded", "")]
    assert job_events(events) == ["pending"]

    job = job_run(failed.pk)

    assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, 2), job.error
    reel.refresh_from_db()
    assert reel.original.name and reel.status == MediaStatus.UPLOADED
    assert float(count_frames(media_root / reel.original.name)[2]["format"]["duration"]) == pytest.approx(2.0, abs=0.1)
    process = Job.objects.get(pk=job.result["process_job"])
    assert reel.job_id == process.pk and Job.objects.filter(kind="media.process").count() == 1

    with captured_events() as events:
        processed = job_run(process.pk)

    assert processed.status == JobStatus.SUCCEEDED, processed.error
    reel.refresh_from_db()
    assert reel.status == MediaStatus.READY
    assert {r.kind: r.status for r in Rendition.objects.filter(asset=reel)} == RENDITIONS
    assert [e["data"]["status"] for e in events if e["type"] == "media_asset.updated"][-1] == "ready"
    assert len(files_under(media_root / "media" / "originals")) == 3  # the two takes and the one reel
    assert MediaAsset.objects.filter(kind="reel").count() == 1


@pytest.mark.parametrize("gone", ["take deleted", "proxy missing", "reel deleted"])
def test_a_reel_is_not_retried_when_a_take_is_gone(api, reel, media_root, gone):
    proxy = media_root / take_proxy(reel, 0).file.name
    good = swap_in(proxy, b"not a movie")
    job = job_run(reel.job_id)
    assert job.status == JobStatus.FAILED
    proxy.write_bytes(good)
    day = reel.generation["selects_reel"]["date"]
    if gone == "take deleted":
        assert api.delete(f"/api/media/{take_proxy(reel, 0).asset_id}/").status_code == 204
        reason = f"The clip of SC 10  SH 1  TK 2 was deleted: make a new selects reel for {day}."
    elif gone == "proxy missing":
        proxy.unlink()
        reason = f"The proxy of SC 10  SH 1  TK 2 is gone: make a new selects reel for {day}."
    else:
        assert api.delete(f"/api/media/{reel.pk}/").status_code == 204
        assert_refused(api, job, "The selects reel was deleted: there is nothing to render.")
        return
    reel.refresh_from_db()
    assert_refused(api, job, reason, reel)


# --- media.ingest_card -----------------------------------------------------------------------------------

def test_a_card_whose_ingest_failed_is_refused_as_its_zip_is_gone(api, production, user, media_root):
    job = job_run(upload_card(production, user, card([("A001C001.xml", SIDECAR)])).pk)
    assert job.status == JobStatus.FAILED and "holds no clip or still" in job.error
    assert api.get(f"/api/jobs/{job.pk}/").json()["retryable"] is True

    assert_refused(api, job, "The ZIP of the card A001.zip is no longer on the server (a card's ZIP is deleted when its "
                             "ingest ends): upload the card again.")
    assert files_under(media_root) == []


def test_a_card_whose_worker_stopped_is_unpacked_once_retried(api, production, user, media_root, tmp_path, settings,
                                                             captured_events):
    clip = make_video(tmp_path / "A001C001.mp4", seconds=1).read_bytes()
    queued = upload_card(production, user, card([("A001/CLIPS/A001C001.mp4", clip), ("A001/STILLS/f1.jpg", jpeg())]))
    # The worker unpacked part of the card and stopped; the reaper failed the job after its last attempt.
    attempts = settings.SLATE_JOB_MAX_ATTEMPTS
    partial = media_root / "uploads" / "cards" / f"{queued.pk.hex}.{attempts}.d"
    partial.mkdir(parents=True)
    (partial / "00000.bin").write_bytes(clip[:1000])
    Job.objects.filter(pk=queued.pk).update(
        status=JobStatus.RUNNING, attempts=attempts, worker="render-box-7:4242",
        heartbeat_at=timezone.now() - dt.timedelta(seconds=settings.SLATE_JOB_STALE_AFTER_S + 60))
    job_reap_stale()
    queued.refresh_from_db()
    assert queued.status == JobStatus.FAILED and queued.error.startswith("The worker running this job stopped")

    with captured_events() as events:
        response = retry(api, queued.pk)

    assert response.status_code == 200, response.content
    assert [e["type"] for e in events] == ["job.updated"] and job_events(events) == ["pending"]

    with captured_events() as events:
        job = job_run(queued.pk)

    assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, attempts + 1), job.error
    assets = {a.original_name: a for a in MediaAsset.objects.all()}
    assert sorted(assets) == ["A001C001.mp4", "f1.jpg"] and sorted(job.result["assets"]) == sorted(a.pk for a in assets.values())
    assert assets["f1.jpg"].status == MediaStatus.READY and assets["A001C001.mp4"].status == MediaStatus.UPLOADED
    assert sorted(e["type"] for e in events if e["entity"] == "media_asset") == ["media_asset.created"] * 2
    assert list((media_root / "uploads" / "cards").iterdir()) == []  # the ZIP, this run's folder and the stopped one's

    processed = job_run(assets["A001C001.mp4"].job_id)  # the clip's own processing, as the worker runs it next

    assert processed.status == JobStatus.SUCCEEDED, processed.error
    assert {r.kind: r.status for r in Rendition.objects.filter(asset=assets["A001C001.mp4"])} == RENDITIONS
    stored = sorted(str(p.relative_to(media_root).parent) for p in files_under(media_root))
    assert stored == ["media/originals"] * 2 + ["media/renditions"] * 5  # the still's poster and the clip's four


def test_a_card_whose_zip_changed_on_the_server_is_refused(api, production, user, media_root, settings):
    queued = upload_card(production, user, card([("A001/STILLS/f1.jpg", jpeg())]))
    Job.objects.filter(pk=queued.pk).update(status=JobStatus.FAILED, error="The worker running this job stopped.")
    zip_path = media_root / queued.params["path"]
    zip_path.write_bytes(zip_path.read_bytes()[:100])
    queued.refresh_from_db()

    assert_refused(api, queued, f"The ZIP of the card A001.zip on the server is not the one uploaded (100 bytes, not "
                                f"{queued.params['size_bytes']}): upload the card again.")
    assert MediaAsset.objects.count() == 0 and zip_path.exists()

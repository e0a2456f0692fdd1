"""Clips: POST /api/media/{id}/clips/ with in/out as frames or SMPTE, the media.clip render job, /api/clips/.

Real ffmpeg on real and generated files, a private MEDIA_ROOT per test. The asset rows are made
from ffprobe's reading of the file (`ready_asset`), so these tests do not depend on the
processing pipeline; the render job runs through `job_run`, the wrapper the worker uses.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from fractions import Fraction
from pathlib import Path

import pytest

from apps.jobs.models import Job, JobStatus
from apps.jobs.services import job_run
from apps.media import ffmpeg
from apps.media.models import Clip, MediaAsset, MediaStatus, Rendition, RenditionKind
from tests.factories import MediaAssetFactory
# Fixtures of the upload tests: a private MEDIA_ROOT per test (autouse), a production with a viewer.
from tests.media.helpers import content_of, files_under


def make_video(path: Path, *, size: str = "160x90", rate: str = "24", seconds: float = 3, timecode: str | None = None,
               audio: bool = True, numbered: bool = False) -> Path:
    """An H.264 (+AAC) file made by ffmpeg; `numbered` makes frame n's luma n*3 (to find which frame a picture is)."""
    video = f"color=black:s={size}:r={rate}:d={seconds},geq=lum='mod(N*3\\,250)':cb=128:cr=128" if numbered else \
        f"testsrc2=s={size}:r={rate}:d={seconds}"
    args = ["ffmpeg", "-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", video]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    if audio:
        args += ["-c:a", "aac"]
    if timecode:
        args += ["-timecode", timecode]
    subprocess.run([*args, str(path)], check=True)
    return path


def ready_asset(production, source: Path, media_root: Path, *, take=None, proxy: Path | None = None, **fields) -> MediaAsset:
    """A processed asset: `source` stored as its original (and `proxy`, default the same file, as its ready proxy), metadata from ffprobe."""
    info = ffmpeg.probe(source)
    stored = {}
    for kind, path in (("originals", source), ("renditions", proxy or source)):
        folder = media_root / "media" / kind
        folder.mkdir(parents=True, exist_ok=True)
        name = f"media/{kind}/{MediaAsset.objects.count():04d}{path.name}"
        shutil.copyfile(path, media_root / name)
        stored[kind] = name
    asset = MediaAsset.objects.create(
        production=production, take=take, original=stored["originals"], original_name=source.name, size_bytes=source.stat().st_size,
        status=MediaStatus.READY, duration_s=info.duration_s, frame_rate=info.frame_rate, frame_rate_fps=info.frame_rate_fps,
        width=info.width, height=info.height, video_codec=info.video_codec, audio_codec=info.audio_codec or "",
        audio_channels=info.audio_channels, start_timecode=info.start_timecode or "", format_name=info.format_name, **fields)
    proxy_info = ffmpeg.probe(proxy or source)
    Rendition.objects.create(asset=asset, kind=RenditionKind.PROXY, file=stored["renditions"], content_type="video/mp4",
                             width=proxy_info.width, height=proxy_info.height, size_bytes=(proxy or source).stat().st_size)
    return asset


def count_frames(path: Path) -> tuple[int, str | None, dict]:
    """(decoded video frames, the timecode tag of the file, the video stream) as ffprobe -count_frames reads them."""
    out = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-print_format", "json", "-show_streams", "-show_format", str(path)],
                         check=True, capture_output=True, text=True).stdout
    probe = json.loads(out)
    video = next(s for s in probe["streams"] if s["codec_type"] == "video")
    tags = [s.get("tags", {}).get("timecode") for s in probe["streams"]] + [probe["format"].get("tags", {}).get("timecode")]
    return int(video["nb_read_frames"]), next((t for t in tags if t), None), probe


def luma_of_frames(path: Path) -> list[float]:
    """Average luma of each decoded picture (ffmpeg signalstats YAVG)."""
    out = subprocess.run(["ffmpeg", "-hide_banner", "-nostdin", "-i", str(path), "-vf",
                          "signalstats,metadata=print:key=lavfi.signalstats.YAVG:file=-", "-f", "null", "-"],
                         check=True, capture_output=True, text=True).stdout
    return [float(line.split("=")[1]) for line in out.splitlines() if "YAVG" in line]


def stored_clip_path(clip: Clip, media_root: Path) -> Path:
    return media_root / clip.file.name


# --- frames and SMPTE, rendered exactly -----------------------------------------------------------

def test_clip_in_frames_renders_exactly_those_frames_with_the_source_timecode(api, production, media_root, tmp_path, captured_events):
    source = make_video(tmp_path / "A001C001.mov", seconds=3, timecode="01:00:00:00", numbered=True)
    asset = ready_asset(production, source, media_root)
    assert asset.frame_count == 72

    with captured_events() as events:
        response = api.post(f"/api/media/{asset.pk}/clips/", {"in": 10, "out": 34, "name": "Eyeline"}, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["in_frame"], body["out_frame"], body["duration_frames"]) == (10, 34, 24)
    assert (body["in_timecode"], body["out_timecode"]) == ("01:00:00:10", "01:00:01:10")
    assert body["status"] == "pending" and body["url"] is None and body["name"] == "Eyeline"
    assert body["job"]["kind"] == "media.clip" and body["job"]["params"] == {"clip_id": body["id"]}
    assert [e["type"] for e in events] == ["job.created", "clip.created"]
    assert events[1]["data"]["in_timecode"] == "01:00:00:10"

    with captured_events() as events:
        job = job_run(body["job"]["id"])

    assert job.status == JobStatus.SUCCEEDED, job.error
    clip = Clip.objects.get(pk=body["id"])
    assert clip.status == "ready" and clip.error == ""
    path = stored_clip_path(clip, media_root)
    frames, timecode, probe = count_frames(path)
    assert frames == 24
    assert timecode == "01:00:00:10"
    assert Fraction(next(s for s in probe["streams"] if s["codec_type"] == "video")["r_frame_rate"]) == 24
    assert [s["codec_name"] for s in probe["streams"] if s["codec_type"] in ("video", "audio")] == ["h264", "aac"]
    lumas = luma_of_frames(path)
    assert lumas[0] == pytest.approx(30, abs=1.5) and lumas[-1] == pytest.approx(33 * 3, abs=1.5)  # frames 10 and 33 of the source
    assert clip.size_bytes == path.stat().st_size
    clip_events = [(e["type"], e["data"]["status"]) for e in events if e["entity"] == "clip"]
    assert clip_events == [("clip.updated", "processing"), ("clip.updated", "ready")]

    detail = api.get(f"/api/clips/{clip.pk}/").json()
    assert detail["url"] == f"/api/clips/{clip.pk}/file/" and detail["size_bytes"] == clip.size_bytes
    ranged = api.get(detail["url"], HTTP_RANGE="bytes=0-99")
    assert ranged.status_code == 206 and ranged["Content-Type"] == "video/mp4"
    assert content_of(ranged) == path.read_bytes()[:100]
    assert [c["id"] for c in api.get(f"/api/media/{asset.pk}/clips/").json()["results"]] == [clip.pk]


def test_clip_in_smpte_is_read_relative_to_the_start_timecode(api, production, media_root, shared_data):
    asset = ready_asset(production, shared_data / "video" / "derived_tos_prores_proxy_tc_01000000.mov", media_root)
    assert asset.start_timecode == "01:00:00:00" and asset.frame_count == 72

    response = api.post(f"/api/media/{asset.pk}/clips/", {"in": "01:00:01:00", "out": "01:00:02:00"}, format="json")

    assert response.status_code == 201, response.content
    assert (response.json()["in_frame"], response.json()["out_frame"]) == (24, 48)
    job = job_run(response.json()["job"]["id"])
    assert job.status == JobStatus.SUCCEEDED, job.error
    frames, timecode, _ = count_frames(stored_clip_path(Clip.objects.get(), media_root))
    assert (frames, timecode) == (24, "01:00:01:00")


def test_clip_of_a_drop_frame_asset_counts_drop_frame_timecode(api, production, media_root, tmp_path):
    # 01:00:59;28 + 2 frames = 01:01:00;02: labels ;00 and ;01 of minute 1 do not exist in drop-frame.
    source = make_video(tmp_path / "df.mov", rate="30000/1001", seconds=3, timecode="01:00:59;28", numbered=True)
    asset = ready_asset(production, source, media_root)
    assert asset.frame_rate == "30000/1001" and asset.start_timecode == "01:00:59;28"

    response = api.post(f"/api/media/{asset.pk}/clips/", {"in": "01:01:00;02", "out": "01:01:01:02"}, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["in_frame"], body["out_frame"]) == (2, 32)  # a typed ':' is read in the asset's drop-frame count
    assert (body["in_timecode"], body["out_timecode"]) == ("01:01:00;02", "01:01:01;02")
    job = job_run(body["job"]["id"])
    assert job.status == JobStatus.SUCCEEDED, job.error
    path = stored_clip_path(Clip.objects.get(), media_root)
    frames, timecode, probe = count_frames(path)
    assert (frames, timecode) == (30, "01:01:00;02")
    assert Fraction(next(s for s in probe["streams"] if s["codec_type"] == "video")["r_frame_rate"]) == Fraction(30000, 1001)
    assert luma_of_frames(path)[0] == pytest.approx(6, abs=1.5)


# --- refused: nothing created -----------------------------------------------------------------------

@pytest.mark.parametrize("points, code", [
    ({"in": -1, "out": 10}, "out_of_range"),
    ({"in": 10, "out": 10}, "out_of_range"),
    ({"in": 20, "out": 10}, "out_of_range"),
    ({"in": 0, "out": 241}, "out_of_range"),
    ({"in": "00:59:59:00", "out": "01:00:01:00"}, "out_of_range"),  # before the start timecode
    ({"in": "01:00:00:00", "out": "01:00:10:01"}, "out_of_range"),  # one frame past the end
    ({"in": "01:00:00:24", "out": "01:00:01:00"}, "invalid_timecode"),  # 24 fps has frames 00-23
    ({"in": "1 hour", "out": 10}, "invalid_timecode"),
    ({"in": "01:00:00;00", "out": "01:00:01:00"}, None),  # a ';' on a 24 fps asset is read as ':'
])
def test_clip_range_is_checked_and_a_refusal_creates_nothing(api, production, points, code, captured_events):
    asset = MediaAssetFactory(production=production, start_timecode="01:00:00:00")  # 240 frames at 24 fps

    with captured_events() as events:
        response = api.post(f"/api/media/{asset.pk}/clips/", points, format="json")

    if code is None:
        assert response.status_code == 201 and response.json()["in_frame"] == 0
        return
    assert response.status_code == 400, response.content
    assert response.json()["code"] == code
    if code == "out_of_range":
        assert "the last frame is 239 (01:00:09:23)" in response.json()["message"]
    assert Clip.objects.count() == 0 and Job.objects.count() == 0 and events == []


@pytest.mark.parametrize("status", [MediaStatus.UPLOADED, MediaStatus.PROCESSING, MediaStatus.FAILED])
def test_clip_of_an_unprocessed_asset_is_refused_with_409(api, production, status):
    asset = MediaAssetFactory(production=production, status=status)

    response = api.post(f"/api/media/{asset.pk}/clips/", {"in": 0, "out": 10}, format="json")

    assert response.status_code == 409 and response.json()["code"] == "not_ready"
    assert Clip.objects.count() == 0 and Job.objects.count() == 0


def test_missing_or_malformed_points_are_400(api, production):
    asset = MediaAssetFactory(production=production)
    for body in ({"out": 10}, {"in": True, "out": 10}, {"in": [1], "out": 10}, {"in": "", "out": 3}):
        response = api.post(f"/api/media/{asset.pk}/clips/", body, format="json")
        assert response.status_code == 400 and response.json()["code"] == "invalid", body
    assert Clip.objects.count() == 0


# --- cancel, failure, delete -----------------------------------------------------------------------

def test_cancelled_render_leaves_a_failed_clip_and_no_file(api, production, media_root, tmp_path, monkeypatch, settings):
    from apps.jobs import running as jobs

    settings.SLATE_JOB_PROGRESS_INTERVAL_S = 0.0
    monkeypatch.setattr(jobs, "DB_PROGRESS_EVERY_S", 0.0)
    asset = ready_asset(production, make_video(tmp_path / "long.mov", size="640x360", seconds=8), media_root)
    clip_id = api.post(f"/api/media/{asset.pk}/clips/", {"in": 0, "out": 190}, format="json").json()["id"]
    job_id = Clip.objects.get(pk=clip_id).job_id
    real_progress = jobs.JobContext.progress

    def progress_then_cancel(self, fraction, message=None, **kwargs):
        if fraction > 0:  # ffmpeg is encoding: someone presses cancel
            Job.objects.filter(pk=job_id).update(cancel_requested=True)
        return real_progress(self, fraction, message, **kwargs)

    monkeypatch.setattr(jobs.JobContext, "progress", progress_then_cancel)

    job = job_run(job_id)

    assert job.status == JobStatus.CANCELLED
    clip = Clip.objects.get(pk=clip_id)
    assert clip.status == "failed" and clip.error == "The render was cancelled." and clip.file.name in ("", None)
    assert not (media_root / "media" / "clips").exists() or files_under(media_root / "media" / "clips") == []
    assert api.get(f"/api/clips/{clip_id}/file/").json()["code"] == "not_ready"


def test_render_of_a_damaged_original_fails_readably(api, production, media_root, tmp_path):
    asset = ready_asset(production, make_video(tmp_path / "a.mov"), media_root)
    (media_root / asset.original.name).write_bytes(b"not a video any more")
    clip_id = api.post(f"/api/media/{asset.pk}/clips/", {"in": 0, "out": 10}, format="json").json()["id"]

    job = job_run(Clip.objects.get(pk=clip_id).job_id)

    assert job.status == JobStatus.FAILED and "ffprobe could not read the file" in job.error
    clip = Clip.objects.get(pk=clip_id)
    assert clip.status == "failed" and clip.error == job.error
    assert not (media_root / "media" / "clips").exists()


def test_deleting_a_clip_removes_its_file(api, production, media_root, tmp_path, captured_events):
    asset = ready_asset(production, make_video(tmp_path / "a.mov"), media_root)
    clip_id = api.post(f"/api/media/{asset.pk}/clips/", {"in": 0, "out": 10}, format="json").json()["id"]
    job_run(Clip.objects.get(pk=clip_id).job_id)
    path = stored_clip_path(Clip.objects.get(pk=clip_id), media_root)
    assert path.is_file()

    with captured_events() as events:
        response = api.delete(f"/api/clips/{clip_id}/")

    assert response.status_code == 204
    assert not path.exists() and Clip.objects.count() == 0
    assert [e["type"] for e in events] == ["clip.deleted"]


# --- who may -----------------------------------------------------------------------------------------

def test_another_productions_asset_and_clips_are_404(api_for, other_user, production, make_production):
    asset = MediaAssetFactory(production=production)
    clip = Clip.objects.create(production=production, asset=asset, in_frame=0, out_frame=5)
    stranger = api_for(other_user)
    make_production(owner=other_user)

    assert stranger.post(f"/api/media/{asset.pk}/clips/", {"in": 0, "out": 10}, format="json").status_code == 404
    assert stranger.get(f"/api/clips/{clip.pk}/").status_code == 404
    assert stranger.get(f"/api/clips/{clip.pk}/file/").status_code == 404
    assert stranger.delete(f"/api/clips/{clip.pk}/").status_code == 404
    assert stranger.get("/api/clips/").json()["count"] == 0
    assert Clip.objects.count() == 1


def test_viewer_can_watch_but_not_cut_or_delete(api_for, viewer, production):
    asset = MediaAssetFactory(production=production)
    clip = Clip.objects.create(production=production, asset=asset, in_frame=0, out_frame=5)
    client = api_for(viewer)

    assert client.post(f"/api/media/{asset.pk}/clips/", {"in": 0, "out": 10}, format="json").status_code == 403
    assert client.delete(f"/api/clips/{clip.pk}/").status_code == 403
    assert client.get(f"/api/clips/?asset={asset.pk}").json()["count"] == 1
    assert Clip.objects.count() == 1 and Job.objects.count() == 0


def test_clip_list_runs_a_constant_number_of_queries(api, production, django_assert_max_num_queries):
    assets = [MediaAssetFactory(production=production, start_timecode="01:00:00:00") for _ in range(3)]
    Clip.objects.bulk_create([Clip(production=production, asset=assets[i % 3], in_frame=i, out_frame=i + 5) for i in range(5)])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert api.get("/api/clips/", {"page_size": 500}).json()["count"] == 5
    Clip.objects.bulk_create([Clip(production=production, asset=assets[i % 3], in_frame=i, out_frame=i + 5) for i in range(195)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        rows = api.get("/api/clips/", {"page_size": 500}).json()["results"]
    assert len(rows) == 200 and all(r["in_timecode"].startswith("01:00:") for r in rows)


def test_a_render_cancelled_before_a_worker_starts_it_fails_the_clip_at_once(api, production, media_root, tmp_path, captured_events):
    asset = ready_asset(production, make_video(tmp_path / "short.mov", seconds=1), media_root)
    clip_id = api.post(f"/api/media/{asset.pk}/clips/", {"in": 0, "out": 12}, format="json").json()["id"]
    job_id = Clip.objects.get(pk=clip_id).job_id

    with captured_events() as events:
        response = api.post(f"/api/jobs/{job_id}/cancel/", format="json")

    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    clip = Clip.objects.get(pk=clip_id)
    assert (clip.status, clip.error) == ("failed", "The render was cancelled before it started.")
    assert ("clip.updated", "failed") in [(e["type"], e["data"].get("status")) for e in events if e["type"] == "clip.updated"]
    assert job_run(job_id).status == JobStatus.CANCELLED  # a late delivery to a worker changes nothing
    assert Clip.objects.get(pk=clip_id).status == "failed"


def test_processing_cancelled_before_a_worker_starts_it_fails_the_asset(api, production, shared_data, media_root):
    with (shared_data / "video" / "big_buck_bunny_432_433_vp8_vorbis_1s.webm").open("rb") as handle:
        body = api.post("/api/media/", {"production": production.pk, "file": handle}, format="multipart").json()

    response = api.post(f"/api/jobs/{body['job']['id']}/cancel/", format="json")

    assert response.status_code == 200
    asset = MediaAsset.objects.get(pk=body["id"])
    assert (asset.status, asset.error) == ("failed", "Processing was cancelled before it started.")

"""media.process on real clips with the real ffmpeg: four renditions with their own statuses, live.

Every clip in the shared data folder goes through `media_asset_process` via `job_run` (the worker's
wrapper); edge cases (no sound, truncated, corrupt, a failing filmstrip) are written with ffmpeg or
forced by making one ffmpeg call fail.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from fractions import Fraction
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from PIL import Image

from apps.jobs.models import Job, JobStatus
from apps.jobs.services import job_create, job_run
from apps.media.ffmpeg import transcoding
from apps.media.models import MediaAsset, MediaKind, MediaStatus, Rendition
from apps.media.services.pipeline import NO_AUDIO, PROCESS_KIND
from apps.realtime.models import Event
from apps.scenes.models import Scene, Shot, Take
from tests.media.test_ffmpeg import top_level_boxes

VIDEO = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "video"
CLIPS = sorted(p.name for p in VIDEO.iterdir())


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    (root / "media" / "originals").mkdir(parents=True)
    settings.MEDIA_ROOT = str(root)
    return root


def make_asset(production, user, source: Path, *, name: str | None = None, kind=MediaKind.VIDEO, **fields) -> MediaAsset:
    stored = f"media/originals/{hashlib.md5(str(source).encode()).hexdigest()}{source.suffix}"
    shutil.copyfile(source, Path(django_settings.MEDIA_ROOT) / stored)
    asset = MediaAsset.objects.create(production=production, original=stored, original_name=name or source.name, kind=kind,
                                      size_bytes=source.stat().st_size, uploaded_by=user, **fields)
    asset.job = job_create(production_id=production.pk, kind=PROCESS_KIND, actor=user, params={"asset_id": asset.pk})
    asset.save(update_fields=["job"])
    return asset


def ffprobe(path: Path) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", "-of", "json", "-show_streams", "-show_format", str(path)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def rendition_files(media_root: Path) -> list[Path]:
    folder = media_root / "media" / "renditions"
    return sorted(folder.iterdir()) if folder.exists() else []


def statuses_seen(asset: MediaAsset) -> dict[str, list[str]]:
    """For each rendition kind, its statuses in the order media_asset events carried them (repeats collapsed)."""
    seen: dict[str, list[str]] = {}
    for event in Event.objects.filter(entity="media_asset", entity_id=str(asset.pk)).order_by("id"):
        for rendition in event.data["renditions"]:
            history = seen.setdefault(rendition["kind"], [])
            if not history or history[-1] != rendition["status"]:
                history.append(rendition["status"])
    return seen


@pytest.mark.parametrize("clip", CLIPS)
def test_every_shared_clip_gets_four_renditions_each_with_its_status(clip, production, user, media_root):
    source = VIDEO / clip
    original = ffprobe(source)
    has_audio = any(s["codec_type"] == "audio" for s in original["streams"])
    asset = make_asset(production, user, source)

    job = job_run(asset.job_id)

    assert job.status == JobStatus.SUCCEEDED, job.error
    asset.refresh_from_db()
    assert asset.status == MediaStatus.READY and asset.error == ""
    assert asset.sha256 == hashlib.sha256(source.read_bytes()).hexdigest()
    rows = {r.kind: r for r in asset.renditions.all()}
    expected = {"poster": "ready", "proxy": "ready", "filmstrip": "ready", "waveform": "ready" if has_audio else "skipped"}
    assert {kind: r.status for kind, r in rows.items()} == expected
    assert job.result == {"asset_id": asset.pk, "duration_s": asset.duration_s, "renditions": expected}

    # live: each rendition went pending -> processing -> ready (or straight to skipped), the asset ended ready
    seen = statuses_seen(asset)
    for kind in ("poster", "proxy", "filmstrip"):
        assert seen[kind] == ["pending", "processing", "ready"], (kind, seen)
    assert seen["waveform"] == (["pending", "processing", "ready"] if has_audio else ["pending", "skipped"])
    last = Event.objects.filter(entity="media_asset", entity_id=str(asset.pk)).order_by("id").last()
    assert last.data["status"] == "ready" and last.data["sha256"] == asset.sha256

    # proxy: H.264 (+AAC), faststart, at most SLATE_PROXY_MAX_WIDTH wide, the source's rate, constant
    proxy_path = media_root / rows["proxy"].file.name
    proxy = ffprobe(proxy_path)
    video = next(s for s in proxy["streams"] if s["codec_type"] == "video")
    audio = [s["codec_name"] for s in proxy["streams"] if s["codec_type"] == "audio"]
    assert video["codec_name"] == "h264" and video["pix_fmt"] == "yuv420p"
    assert audio == (["aac"] if has_audio else [])
    assert Fraction(video["r_frame_rate"]) == Fraction(video["avg_frame_rate"]) == Fraction(asset.frame_rate)
    source_video = next(s for s in original["streams"] if s["codec_type"] == "video")
    assert Fraction(asset.frame_rate) == Fraction(source_video["r_frame_rate"])  # every shared clip is constant-rate
    assert video["width"] == rows["proxy"].width <= 1280
    boxes = top_level_boxes(proxy_path)
    assert boxes.index("moov") < boxes.index("mdat"), boxes
    assert rows["proxy"].content_type == "video/mp4" and rows["proxy"].size_bytes == proxy_path.stat().st_size

    # poster: a JPEG of the size the row says
    with Image.open(media_root / rows["poster"].file.name) as image:
        assert image.format == "JPEG" and image.size == (rows["poster"].width, rows["poster"].height)

    # filmstrip: a JPEG of columns x rows tiles, its index naming proxy frames at even steps
    meta = rows["filmstrip"].meta
    with Image.open(media_root / rows["filmstrip"].file.name) as image:
        assert image.format == "JPEG"
        assert image.size == (meta["columns"] * meta["tile_width"], meta["rows"] * meta["tile_height"])
    assert meta["tile_width"] == 160 and meta["count"] == len(meta["frames"]) <= 100
    assert meta["columns"] * (meta["rows"] - 1) < meta["count"] <= meta["columns"] * meta["rows"]
    step = meta["frames"][1] - meta["frames"][0]
    assert meta["frames"] == list(range(0, step * meta["count"], step))
    assert meta["frames"][-1] < int(video["nb_frames"]) <= meta["frames"][-1] + step
    assert meta["interval_s"] == pytest.approx(step / float(Fraction(asset.frame_rate)))

    # waveform: a PNG at SLATE_WAVEFORM_SIZE, or skipped with the reason
    if has_audio:
        with Image.open(media_root / rows["waveform"].file.name) as image:
            assert image.format == "PNG" and image.size == (1800, 120)
        assert rows["waveform"].meta == {"width": 1800, "height": 120, "duration_s": pytest.approx(float(proxy["format"]["duration"]))}
    else:
        assert (rows["waveform"].error, rows["waveform"].file.name) == (NO_AUDIO, "")
    assert len(rendition_files(media_root)) == (4 if has_audio else 3)


def test_camera_clip_gets_timecode_reel_clip_name_recording_time_and_link_suggestion(production, user, tmp_path):
    scene = Scene.objects.create(production=production, number="12")
    shot = Shot.objects.create(production=production, scene=scene, number="A")
    take = Take.objects.create(production=production, shot=shot, number=3)
    source = tmp_path / "A001C003_12A_3.mov"
    subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30000/1001",
                    "-t", "1", "-timecode", "01:00:00;00", "-metadata:s:v:0", "reel_name=A001", "-metadata",
                    "creation_time=2025-03-04T05:06:07Z", "-metadata", "com.arri.camera.ClipName=A001C003_250304",
                    "-movflags", "use_metadata_tags", "-c:v", "libx264", "-pix_fmt", "yuv420p", str(source)], check=True)
    asset = make_asset(production, user, source)

    job = job_run(asset.job_id)

    assert job.status == JobStatus.SUCCEEDED, job.error
    asset.refresh_from_db()
    assert (asset.start_timecode, asset.frame_rate, asset.reel_name) == ("01:00:00;00", "30000/1001", "A001")
    assert asset.clip_name == "A001C003_250304"
    assert asset.recorded_at.isoformat() == "2025-03-04T05:06:07+00:00"
    assert asset.link_suggestion == {"source": "file_name", "text": "12A_3", "scene_number": "12", "shot_number": "A",
                                     "take_number": 3, "scene": scene.pk, "shot": shot.pk, "take": take.pk}
    proxy = ffprobe(Path(django_settings.MEDIA_ROOT) / asset.renditions.get(kind="proxy").file.name)
    assert next(s for s in proxy["streams"] if s["codec_type"] == "video")["tags"]["timecode"] == "01:00:00;00"


def test_a_failing_filmstrip_leaves_the_asset_ready_and_the_job_succeeded(production, user, media_root, monkeypatch):
    real_run = transcoding.run_picture

    def filmstrip_fails(args, what, src, timeout_s):
        if what == "the filmstrip":
            args = [*args[:-1], "/nonexistent-folder/filmstrip.jpg"]  # ffmpeg itself fails to write it
        return real_run(args, what, src, timeout_s)

    monkeypatch.setattr(transcoding, "run_picture", filmstrip_fails)
    asset = make_asset(production, user, VIDEO / "big_buck_bunny_720p_h264_aac51_5s.mp4")

    job = job_run(asset.job_id)

    assert job.status == JobStatus.SUCCEEDED, job.error
    asset.refresh_from_db()
    assert asset.status == MediaStatus.READY
    rows = {r.kind: r for r in asset.renditions.all()}
    assert {k: r.status for k, r in rows.items()} == {"poster": "ready", "proxy": "ready", "filmstrip": "failed",
                                                       "waveform": "ready"}
    assert rows["filmstrip"].error.startswith("The filmstrip could not be made: ")
    assert "@ 0x" not in rows["filmstrip"].error and rows["filmstrip"].file.name == ""
    assert job.result["renditions"]["filmstrip"] == "failed"
    assert statuses_seen(asset)["filmstrip"] == ["pending", "processing", "failed"]


def corrupt(path: Path, source: Path) -> None:
    data = bytearray(source.read_bytes())
    data[len(data) // 3:] = bytes(len(data) - len(data) // 3)  # the header is whole, the pictures are zeros
    path.write_bytes(bytes(data))


def truncate(path: Path, source: Path) -> None:
    faststart = path.with_name("faststart.mp4")
    subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-y", "-i", str(source), "-c", "copy", "-movflags", "+faststart",
                    str(faststart)], check=True)
    data = faststart.read_bytes()
    path.write_bytes(data[: len(data) * 40 // 100])


@pytest.mark.parametrize(("damage", "reason"), [
    (truncate, "This clip is damaged or incomplete: only "),
    (corrupt, "This clip is damaged or incomplete: only "),
    (lambda path, source: path.write_text("INT. KITCHEN - NIGHT"), "This clip cannot be read: ffprobe could not read the file"),
], ids=["truncated", "corrupt", "not-a-video"])
def test_damaged_clip_fails_readably_and_leaves_no_rendition(production, user, media_root, tmp_path, damage, reason):
    damaged = tmp_path / "A001C007.mp4"
    damage(damaged, VIDEO / "intel_car-detection_h264_aac.mp4")  # moov first: ffprobe reads the damaged file
    asset = make_asset(production, user, damaged)

    job = job_run(asset.job_id)

    assert job.status == JobStatus.FAILED
    assert job.error.startswith(reason), job.error
    assert "@ 0x" not in job.error and str(tmp_path) not in job.error
    asset.refresh_from_db()
    assert (asset.status, asset.error) == (MediaStatus.FAILED, job.error)
    assert Rendition.objects.filter(asset=asset).count() == 0
    assert rendition_files(media_root) == []
    last = Event.objects.filter(entity="media_asset", entity_id=str(asset.pk)).order_by("id").last()
    assert last.data["status"] == "failed" and last.data["renditions"] == []


def test_cancelled_job_marks_the_asset_failed_and_removes_renditions(production, user, media_root):
    asset = make_asset(production, user, VIDEO / "tears_of_steel_640x360_10s.mp4")
    Job.objects.filter(pk=asset.job_id).update(cancel_requested=True)

    job = job_run(asset.job_id)

    assert job.status == JobStatus.CANCELLED
    asset.refresh_from_db()
    assert (asset.status, asset.error) == (MediaStatus.FAILED, "Processing was cancelled.")
    assert Rendition.objects.filter(asset=asset).count() == 0 and rendition_files(media_root) == []


def test_a_known_checksum_is_kept(production, user):
    asset = make_asset(production, user, VIDEO / "big_buck_bunny_432_433_vp8_vorbis_1s.webm", sha256="ab" * 32)

    assert job_run(asset.job_id).status == JobStatus.SUCCEEDED

    asset.refresh_from_db()
    assert asset.sha256 == "ab" * 32


def test_a_selects_reel_is_processed_like_a_clip(production, user):
    asset = make_asset(production, user, VIDEO / "big_buck_bunny_432_433_vp8_vorbis_1s.webm", kind=MediaKind.REEL)

    job = job_run(asset.job_id)

    assert job.status == JobStatus.SUCCEEDED, job.error
    assert sorted(asset.renditions.values_list("kind", "status")) == [
        ("filmstrip", "ready"), ("poster", "ready"), ("proxy", "ready"), ("waveform", "ready")]


def test_a_still_is_left_alone(production, user, tmp_path):
    still = tmp_path / "frame.jpg"
    subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-y", "-i", str(VIDEO / "tears_of_steel_640x360_10s.mp4"),
                    "-frames:v", "1", str(still)], check=True)
    asset = make_asset(production, user, still, kind=MediaKind.IMAGE, status=MediaStatus.READY)
    events_before = Event.objects.filter(entity="media_asset").count()

    job = job_run(asset.job_id)

    assert job.status == JobStatus.SUCCEEDED
    assert job.result["asset_id"] == asset.pk and "skipped" in job.result
    asset.refresh_from_db()
    assert asset.status == MediaStatus.READY and asset.renditions.count() == 0
    assert Event.objects.filter(entity="media_asset").count() == events_before


@pytest.mark.django_db(transaction=True)
def test_an_attempt_that_lost_its_job_leaves_the_asset_to_the_attempt_that_owns_it(production, user, media_root, monkeypatch):
    import threading
    import time

    from apps.jobs import running

    monkeypatch.setattr(running, "DB_PROGRESS_EVERY_S", 0.0)  # every report checks who owns the job
    asset = make_asset(production, user, VIDEO / "tears_of_steel_640x360_10s.mp4")
    first = threading.Thread(target=job_run, args=(asset.job_id,))
    first.start()
    deadline = time.monotonic() + 20
    while not Rendition.objects.filter(asset=asset).exists():  # attempt 1 is making renditions
        assert time.monotonic() < deadline, "the pipeline never started"
        time.sleep(0.02)

    # The reaper gave the job to attempt 2 (its worker looked dead): attempt 1 must stop and touch nothing.
    Job.objects.filter(pk=asset.job_id).update(attempts=2)
    first.join(30)

    asset.refresh_from_db()
    assert asset.status == MediaStatus.PROCESSING and asset.error == ""  # not marked failed by the loser
    assert Rendition.objects.filter(asset=asset).exists()
    job = Job.objects.get(pk=asset.job_id)
    assert (job.status, job.attempts, job.error) == (JobStatus.RUNNING, 2, "")

"""REST: uploading dailies (POST /api/media/), their processing job, and the renditions it makes.

Real clips from the shared data folder, the real ffmpeg/ffprobe, a private MEDIA_ROOT per test.
Uploads are sent as hand-built multipart bodies so that the file name reaches the server exactly
as a client wrote it (Django's test client would strip directories from it first). The
processing job runs through `apps.jobs.services.job_run`, the wrapper the worker uses.
"""
from __future__ import annotations

import io
import json
import subprocess
from fractions import Fraction
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from apps.jobs.models import Job, JobStatus
from apps.jobs.services import job_run
from apps.media.models import MediaAsset, MediaStatus, Rendition
from apps.realtime.models import Event
from tests.media.helpers import content_of, files_under

BOUNDARY = "----SlateTestBoundary7MA4YWxkTrZu0gW"

# file: (width, height, frame_rate, video_codec, audio_codec, start_timecode), read by hand with ffprobe
CLIPS = {
    "tears_of_steel_640x360_10s.mp4": (640, 360, "24/1", "h264", "", ""),
    "big_buck_bunny_720p_h264_aac51_5s.mp4": (1280, 720, "25/1", "h264", "aac", ""),
    "derived_tos_prores_proxy_tc_01000000.mov": (640, 360, "24/1", "prores", "pcm_s24le", "01:00:00:00"),
}


@pytest.fixture
def sent(sent_envelopes):
    """Every live frame sent during the test (tests/conftest.py `sent_envelopes`)."""
    return sent_envelopes


def multipart(fields: dict, *, filename: str, content: bytes, content_type: str = "video/mp4") -> tuple[bytes, str]:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    head = (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n")
    parts.append(head.encode("utf-8") + content + b"\r\n")
    parts.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={BOUNDARY}"


def upload(client, production, *, filename: str, content: bytes, **fields):
    body, content_type = multipart({"production": production.pk, **fields}, filename=filename, content=content)
    return client.post("/api/media/", data=body, content_type=content_type)


def ffprobe(path: Path) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", "-print_format", "json", "-show_streams", "-show_format", str(path)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def assert_nothing_stored(media_root: Path) -> None:
    assert MediaAsset.objects.count() == 0
    assert Job.objects.count() == 0
    assert Event.objects.count() == 0
    assert files_under(media_root) == []


# --- the whole pipeline on real clips -------------------------------------------------------------

@pytest.mark.parametrize("clip", sorted(CLIPS))
def test_uploaded_clip_is_probed_and_gets_a_poster_and_a_proxy(clip, api, api_for, other_user, production, shared_data, media_root, sent,
                                                               settings):
    # Every report goes out, so that a fast machine still shows some during the proxy (throttling: tests/jobs).
    settings.SLATE_JOB_PROGRESS_INTERVAL_S = 0.0
    source = shared_data / "video" / clip
    width, height, frame_rate, video_codec, audio_codec, start_timecode = CLIPS[clip]

    response = upload(api, production, filename=clip, content=source.read_bytes())

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["original_name"] == clip
    assert body["size_bytes"] == source.stat().st_size
    assert body["status"] == "uploaded"
    assert body["job"]["kind"] == "media.process" and body["job"]["status"] == "pending"
    assert body["job"]["params"] == {"asset_id": body["id"]}
    asset = MediaAsset.objects.get(pk=body["id"])
    assert str(asset.job_id) == body["job"]["id"]
    stored = media_root / asset.original.name
    assert stored.read_bytes() == source.read_bytes()
    assert stored.parent == media_root / "media" / "originals"

    job = job_run(asset.job_id)

    assert job.status == JobStatus.SUCCEEDED, job.error
    asset.refresh_from_db()
    assert asset.status == MediaStatus.READY and asset.error == ""

    # the stored metadata is what ffprobe says about the original
    probe = ffprobe(source)
    video = next(s for s in probe["streams"] if s["codec_type"] == "video")
    audio = next((s for s in probe["streams"] if s["codec_type"] == "audio"), None)
    tmcd = next((s for s in probe["streams"] if s.get("codec_tag_string") == "tmcd"), {})
    assert Fraction(video["r_frame_rate"]) == Fraction(video["avg_frame_rate"])  # so either reading is the truth
    rate = Fraction(video["r_frame_rate"])
    assert asset.duration_s == float(probe["format"]["duration"])
    assert asset.frame_rate == f"{rate.numerator}/{rate.denominator}" == frame_rate
    assert asset.frame_rate_fps == pytest.approx(float(rate))
    assert (asset.width, asset.height) == (video["width"], video["height"]) == (width, height)
    assert asset.video_codec == video["codec_name"] == video_codec
    assert asset.audio_codec == (audio["codec_name"] if audio else "") == audio_codec
    assert asset.audio_channels == (audio["channels"] if audio else None)
    expected_tc = (tmcd.get("tags", {}).get("timecode") or video.get("tags", {}).get("timecode")
                   or probe["format"].get("tags", {}).get("timecode") or "")
    assert asset.start_timecode == expected_tc == start_timecode
    if start_timecode:
        assert asset.reel_name == tmcd["tags"]["reel_name"] == "A001C003"

    # the job's result and the API agree with the rows
    assert job.result["asset_id"] == asset.pk and job.result["duration_s"] == asset.duration_s
    assert job.result["renditions"]["poster"] == job.result["renditions"]["proxy"] == "ready"
    detail = api.get(f"/api/media/{asset.pk}/").json()
    assert detail["status"] == "ready"
    urls = {r["kind"]: r["url"] for r in detail["renditions"]}
    assert urls["poster"] == f"/api/media/{asset.pk}/renditions/poster/" and urls["proxy"] == f"/api/media/{asset.pk}/renditions/proxy/"
    assert all((r["url"] is None) == (r["status"] != "ready") for r in detail["renditions"])

    # poster: a JPEG Pillow can open, at most 1280 wide, the size the row says
    poster_row = asset.renditions.get(kind="poster")
    response = api.get(f"/api/media/{asset.pk}/renditions/poster/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    poster_bytes = content_of(response)
    assert len(poster_bytes) == poster_row.size_bytes > 0
    with Image.open(io.BytesIO(poster_bytes)) as image:
        image.load()
        assert image.format == "JPEG"
        assert image.size == (poster_row.width, poster_row.height)
        assert image.width <= 1280 and image.width == min(width, 1280)

    # proxy: H.264 (+ AAC when the source had sound), at most 1280 wide, the source's frame rate, downloadable
    proxy_row = asset.renditions.get(kind="proxy")
    response = api.get(f"/api/media/{asset.pk}/renditions/proxy/")
    assert response.status_code == 200 and response["Content-Type"] == "video/mp4"
    proxy_bytes = content_of(response)
    assert len(proxy_bytes) == proxy_row.size_bytes
    assert proxy_bytes == (media_root / proxy_row.file.name).read_bytes()
    proxy = ffprobe(media_root / proxy_row.file.name)
    proxy_video = next(s for s in proxy["streams"] if s["codec_type"] == "video")
    proxy_audio = [s for s in proxy["streams"] if s["codec_type"] == "audio"]
    assert proxy_video["codec_name"] == "h264"
    assert proxy_video["width"] <= 1280 and proxy_video["width"] == proxy_row.width
    assert Fraction(proxy_video["r_frame_rate"]) == rate
    assert [s["codec_name"] for s in proxy_audio] == (["aac"] if audio_codec else [])
    assert float(proxy["format"]["duration"]) == pytest.approx(asset.duration_s, abs=0.15)

    # a seeking player asks for byte ranges
    ranged = api.get(f"/api/media/{asset.pk}/renditions/proxy/", HTTP_RANGE="bytes=0-99")
    assert ranged.status_code == 206
    assert ranged["Content-Range"] == f"bytes 0-99/{proxy_row.size_bytes}"
    assert content_of(ranged) == proxy_bytes[:100]
    ranged = api.get(f"/api/media/{asset.pk}/renditions/poster/", HTTP_RANGE="bytes=0-99")
    assert ranged.status_code == 206
    assert ranged["Content-Range"] == f"bytes 0-99/{poster_row.size_bytes}"
    assert content_of(ranged) == poster_bytes[:100]

    # nobody outside the production gets anything
    stranger = api_for(other_user)
    for kind in ("poster", "proxy"):
        assert stranger.get(f"/api/media/{asset.pk}/renditions/{kind}/").status_code == 404
    assert stranger.get(f"/api/media/{asset.pk}/").status_code == 404

    # job.progress went out live while the proxy was made, going up, in this production's group only
    progress = [f for f in sent if f["type"] == "job.progress" and f["entity_id"] == str(job.pk)]
    values = [f["data"]["progress"] for f in progress]
    assert values == sorted(values)
    assert values[:3] == [0.01, 0.05, 0.1]
    assert values[-1] == 1.0
    assert any(0.1 < v <= 1.0 for v in values), values
    assert {f["_group"] for f in progress} == {f"production.{production.pk}"}
    assert all(f["id"] is None for f in progress)

    # and the stored events tell the story: created, processing, probed, ready; job running, succeeded
    asset_events = Event.objects.filter(entity="media_asset", entity_id=str(asset.pk)).order_by("id")
    assert [e.type for e in asset_events][0] == "media_asset.created"
    assert [e.data["status"] for e in asset_events][-1] == "ready"
    job_events = Event.objects.filter(entity="job", entity_id=str(job.pk)).order_by("id")
    assert [(e.type, e.data["status"]) for e in job_events] == [
        ("job.created", "pending"), ("job.updated", "running"), ("job.updated", "succeeded")]


def test_upload_can_link_the_clip_to_a_take_of_the_same_production(api, production, shared_data):
    from tests.factories import TakeFactory

    take = TakeFactory(shot__scene__production=production)

    response = upload(api, production, filename="tos.mp4", content=(shared_data / "video" / "tears_of_steel_640x360_10s.mp4").read_bytes(),
                      take=take.pk)

    assert response.status_code == 201
    assert response.json()["take"] == take.pk
    assert MediaAsset.objects.get().take_id == take.pk


# --- refused uploads leave nothing behind ---------------------------------------------------------

def test_text_file_named_mp4_is_refused_as_not_a_video(api, production, media_root):
    response = upload(api, production, filename="A001C003.mp4", content=b"INT. LIBRARY - NIGHT\n\nThis is not a video.\n" * 20)

    assert response.status_code == 400
    assert response.json()["code"] == "not_a_video"
    assert response.json()["message"].startswith("This file is not a video Slate can read")
    assert_nothing_stored(media_root)


def test_still_from_a_card_becomes_an_image_asset_whatever_its_name(api, production, media_root):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 36), "red").save(buffer, "PNG")

    response = upload(api, production, filename="frame.mp4", content=buffer.getvalue())

    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "image"
    assert MediaAsset.objects.get().kind == "image"


def test_zip_of_a_camera_card_answers_202_with_its_ingest_job(api, production, media_root, shared_data):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as card:
        card.write(shared_data / "video" / "tears_of_steel_640x360_10s.mp4", "DCIM/A001C001.mp4")

    response = upload(api, production, filename="card.zip", content=buffer.getvalue())

    assert response.status_code == 202, response.content
    assert set(response.json()) == {"job"}
    assert response.json()["job"]["kind"] == "media.ingest_card" and response.json()["job"]["status"] == "pending"
    assert MediaAsset.objects.count() == 0  # the job makes them


def test_empty_file_is_refused(api, production, media_root):
    response = upload(api, production, filename="empty.mp4", content=b"")

    assert response.status_code == 400
    assert response.json()["code"] == "empty_file"
    assert_nothing_stored(media_root)


def test_clip_over_the_size_limit_is_refused_with_413(api, production, media_root, shared_data, settings):
    content = (shared_data / "video" / "tears_of_steel_640x360_10s.mp4").read_bytes()
    settings.SLATE_MAX_MEDIA_UPLOAD_BYTES = len(content) - 1  # the body is within the request slack: the file check decides

    response = upload(api, production, filename="tos.mp4", content=content)

    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert response.json()["extra"] == {"limit_bytes": len(content) - 1}
    assert_nothing_stored(media_root)


def test_request_far_over_the_size_limit_is_refused_before_it_is_read(api, production, media_root, shared_data, settings):
    settings.SLATE_MAX_MEDIA_UPLOAD_BYTES = 1000

    response = upload(api, production, filename="tos.mp4", content=(shared_data / "video" / "tears_of_steel_640x360_10s.mp4").read_bytes())

    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert_nothing_stored(media_root)


def test_viewer_cannot_upload(api_for, viewer, production, media_root, shared_data):
    response = upload(api_for(viewer), production, filename="tos.mp4",
                      content=(shared_data / "video" / "tears_of_steel_640x360_10s.mp4").read_bytes())

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert_nothing_stored(media_root)


def test_non_member_cannot_upload_to_a_production(api_for, other_user, production, media_root, shared_data):
    response = upload(api_for(other_user), production, filename="tos.mp4",
                      content=(shared_data / "video" / "tears_of_steel_640x360_10s.mp4").read_bytes())

    assert response.status_code == 400  # the production is "not found" among theirs: nothing leaks
    assert "production" in response.json()["extra"]["fields"]
    assert_nothing_stored(media_root)


@pytest.mark.parametrize("filename, expected_name", [
    ("../../etc/passwd.mp4", "passwd.mp4"),
    ("..\\..\\windows\\evil.mp4", "evil.mp4"),
    ("clip\u202egnp.mp4", "clipgnp.mp4"),
    ("\u0645\u0634\u0647\u062f " * 80 + ".mp4", None),
    ("Tak\u0065\u0301 \u00e9t\u00e9 " * 40 + ".mp4", None),
])
def test_hostile_or_odd_file_names_are_never_used_as_paths(api, production, media_root, shared_data, filename, expected_name):
    response = upload(api, production, filename=filename, content=(shared_data / "video" / "tears_of_steel_640x360_10s.mp4").read_bytes())

    assert response.status_code == 201, response.content
    asset = MediaAsset.objects.get()
    [stored] = files_under(media_root)
    assert stored.parent == media_root / "media" / "originals"
    assert stored.resolve().is_relative_to(media_root.resolve())
    assert stored.name == Path(asset.original.name).name
    assert len(stored.stem) == 32 and all(c in "0123456789abcdef" for c in stored.stem)  # a generated name
    name = asset.original_name
    assert response.json()["original_name"] == name
    assert "/" not in name and "\\" not in name and ".." not in name
    assert not any(ord(c) < 32 or c in "\u202e\u202d\u200e\u200f\u2066\u2067\u2068\u2069" for c in name)
    assert 0 < len(name) <= 200
    if expected_name is not None:
        assert name == expected_name


def test_clip_that_ffprobe_accepts_but_cannot_be_processed_fails_readably_and_leaves_no_renditions(
        api, production, media_root, shared_data, tmp_path):
    faststart = tmp_path / "faststart.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-y", "-i", str(shared_data / "video" / "tears_of_steel_640x360_10s.mp4"),
                    "-c", "copy", "-movflags", "+faststart", str(faststart)], check=True)
    data = faststart.read_bytes()
    truncated = data[: len(data) * 40 // 100]
    (tmp_path / "truncated.mp4").write_bytes(truncated)
    assert float(ffprobe(tmp_path / "truncated.mp4")["format"]["duration"]) == 10.0  # the moov is whole: it looks fine

    response = upload(api, production, filename="A001C007_truncated.mp4", content=truncated)
    assert response.status_code == 201, response.content
    asset = MediaAsset.objects.get(pk=response.json()["id"])

    job = job_run(asset.job_id)

    assert job.status == JobStatus.FAILED
    assert "damaged or incomplete" in job.error
    assert "10.0 s" in job.error
    asset.refresh_from_db()
    assert asset.status == MediaStatus.FAILED
    assert asset.error == job.error
    assert Rendition.objects.count() == 0
    assert [p.parent.name for p in files_under(media_root)] == ["originals"]  # only the original is kept
    assert api.get(f"/api/media/{asset.pk}/renditions/proxy/").status_code == 404
    detail = api.get(f"/api/media/{asset.pk}/").json()
    assert detail["status"] == "failed" and detail["renditions"] == []


# --- list query count ---------------------------------------------------------------------------

def _assets(production, user, n, offset):
    return [MediaAsset(production=production, original=f"media/originals/{i:032x}.mov", original_name=f"A001C{i:03d}.mov",
                       size_bytes=1000 + i, status=MediaStatus.READY, duration_s=3.0, frame_rate="24/1", frame_rate_fps=24.0,
                       width=640, height=360, video_codec="prores", start_timecode="01:00:00:00", uploaded_by=user)
            for i in range(offset, offset + n)]


def _renditions(assets):
    return [Rendition(asset=a, kind=kind, file=f"media/renditions/{a.pk:032x}{kind}", content_type=ctype, width=640, height=360, size_bytes=10)
            for a in assets for kind, ctype in (("poster", "image/jpeg"), ("proxy", "video/mp4"))]


def test_media_list_runs_a_constant_number_of_queries(api, production, user, django_assert_max_num_queries):
    assets = MediaAsset.objects.bulk_create(_assets(production, user, 5, 0))
    Rendition.objects.bulk_create(_renditions(assets))
    with CaptureQueriesContext(connection) as five:
        small = api.get("/api/media/", {"page_size": 500})
    assert small.status_code == 200 and small.json()["count"] == 5
    assert len(five.captured_queries) <= 6

    assets = MediaAsset.objects.bulk_create(_assets(production, user, 195, 5))
    Rendition.objects.bulk_create(_renditions(assets))
    with django_assert_max_num_queries(len(five.captured_queries)):
        response = api.get("/api/media/", {"page_size": 500})

    body = response.json()
    assert body["count"] == 200 and len(body["results"]) == 200
    assert all(sorted(r["kind"] for r in row["renditions"]) == ["poster", "proxy"] for row in body["results"])
    first = next(row for row in body["results"] if row["original_name"] == "A001C007.mov")
    assert first["timecode_start_frames"] == 86400 and first["frame_count"] == 72


def test_upload_that_replaces_an_asset_is_its_next_version(api, production, shared_data):
    content = (shared_data / "video" / "tears_of_steel_640x360_10s.mp4").read_bytes()
    first = upload(api, production, filename="A001C001.mp4", content=content).json()

    response = upload(api, production, filename="A001C001_v2.mp4", content=content, replaces=first["id"])

    assert response.status_code == 201, response.content
    assert (response.json()["first_version"], response.json()["version_number"]) == (first["id"], 2)
    assert [r["id"] for r in api.get(f"/api/media/{first['id']}/versions/").json()["results"]] == [first["id"], response.json()["id"]]

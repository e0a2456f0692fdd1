"""Resumable uploads (tus 1.0.0; apps.media.api.uploads over apps.media.services.uploads): the protocol rule by rule, bad input, and the official Python client.

Raw requests go through DRF's test client (one process, real files under a private MEDIA_ROOT);
the client tests run `tuspy` (tusclient) against Django's live server over real HTTP, and a
broken connection is made with a raw socket. Completed files go through the real ingest
(ffprobe, Pillow, zipfile) on clips from the shared data folder.
"""
from __future__ import annotations

import base64
import hashlib
import io
import socket
import time
import zipfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.http import parse_http_date
from PIL import Image

from apps.jobs.models import Job
from apps.media.services import uploads
from apps.media.models import MediaAsset, MediaKind, Upload, UploadState
from tests.factories import TakeFactory
from tests.media.helpers import files_under

CLIP = "tears_of_steel_640x360_10s.mp4"
TUS = {"HTTP_TUS_RESUMABLE": "1.0.0"}
CHUNK = "application/offset+octet-stream"


@pytest.fixture
def clip(shared_data) -> bytes:
    return (shared_data / "video" / CLIP).read_bytes()


def b64(value) -> str:
    return base64.b64encode(str(value).encode()).decode()


def metadata(**pairs) -> str:
    return ",".join(f"{key} {b64(value)}" for key, value in pairs.items())


def create(client, production, length: int, *, filename: str = CLIP, **pairs):
    return client.post("/api/uploads/", HTTP_UPLOAD_LENGTH=str(length),
                       HTTP_UPLOAD_METADATA=metadata(production=getattr(production, "pk", production), filename=filename, **pairs),
                       **TUS)


def url_of(response) -> str:
    assert response.status_code == 201, response.content
    return response["Location"]


def send(client, url: str, offset: int, body: bytes, *, checksum: str | None = None, content_type: str = CHUNK, **headers):
    extra = {"HTTP_UPLOAD_OFFSET": str(offset), **TUS, **headers}
    if checksum:
        extra["HTTP_UPLOAD_CHECKSUM"] = checksum
    return client.generic("PATCH", url, data=body, content_type=content_type, **extra)


def digest_header(algorithm: str, body: bytes) -> str:
    return f"{algorithm} {base64.b64encode(hashlib.new(algorithm, body).digest()).decode()}"


def partial_of(media_root: Path, url: str) -> Path:
    return media_root / Upload.objects.get(pk=url.rstrip("/").rsplit("/", 1)[1]).path


def upload_whole(client, production, content: bytes, *, chunk: int = 300_000, **pairs):
    url = url_of(create(client, production, len(content), **pairs))
    response = None
    for offset in range(0, len(content), chunk):
        response = send(client, url, offset, content[offset:offset + chunk])
        if offset + chunk < len(content):
            assert response.status_code == 204, response.content
    return url, response


def assert_nothing_stored(media_root: Path) -> None:
    assert MediaAsset.objects.count() == 0
    assert Job.objects.count() == 0
    assert files_under(media_root) == []


# --- discovery and creation ---------------------------------------------------------------------------------

pytestmark = pytest.mark.django_db


def test_options_lists_version_extensions_limits_and_checksums(api, settings):
    response = api.options("/api/uploads/")

    assert response.status_code == 204
    assert response["Tus-Resumable"] == "1.0.0"
    assert response["Tus-Version"] == "1.0.0"
    assert response["Tus-Extension"] == "creation,termination,checksum,expiration"
    assert response["Tus-Max-Size"] == str(settings.SLATE_MAX_RESUMABLE_UPLOAD_BYTES)
    assert set(response["Tus-Checksum-Algorithm"].split(",")) == {"sha1", "md5", "sha256"}


def test_creation_makes_an_empty_partial_file_and_says_when_it_expires(api, production, media_root, settings):
    before = timezone.now()

    response = create(api, production, 1234, filetype="video/mp4")

    assert response.status_code == 201
    assert response["Tus-Resumable"] == "1.0.0"
    upload = Upload.objects.get()
    assert response["Location"] == f"/api/uploads/{upload.pk}/"
    expires = parse_http_date(response["Upload-Expires"])
    assert abs(expires - (before.timestamp() + settings.SLATE_UPLOAD_EXPIRY_S)) < 5
    assert (upload.length, upload.offset, upload.state, upload.filename, upload.filetype) == (1234, 0, "receiving", CLIP, "video/mp4")
    [partial] = files_under(media_root)
    assert partial == media_root / upload.path and partial.parent == media_root / "uploads" / "partial"
    assert partial.stat().st_size == 0 and len(partial.stem) == 32


def test_head_reports_offset_length_metadata_and_no_caching(api, production, clip):
    url = url_of(create(api, production, len(clip)))
    send(api, url, 0, clip[:1000])

    response = api.head(url, **TUS)

    assert response.status_code == 200
    assert response["Upload-Offset"] == "1000"
    assert response["Upload-Length"] == str(len(clip))
    assert response["Cache-Control"] == "no-store"
    assert response["Tus-Resumable"] == "1.0.0"
    assert "Upload-Expires" in response
    decoded = dict(pair.split(" ") for pair in response["Upload-Metadata"].split(","))
    assert base64.b64decode(decoded["filename"]).decode() == CLIP
    assert response.content == b""


def test_get_answers_the_upload_as_json(api, production, clip):
    url = url_of(create(api, production, len(clip)))
    send(api, url, 0, clip[:10])

    body = api.get(url).json()

    upload = Upload.objects.get()
    assert body["id"] == str(upload.pk) and body["production"] == production.pk
    assert (body["filename"], body["length"], body["offset"], body["state"]) == (CLIP, len(clip), 10, "receiving")
    assert body["asset"] is None and body["job"] is None and body["expires_at"]


# --- a whole upload: chunks with each checksum, completion = ingest ------------------------------------------

def test_chunks_with_checksums_complete_into_an_asset_with_its_processing_job(api, production, clip, media_root):
    url = url_of(create(api, production, len(clip), sha256=hashlib.sha256(clip).hexdigest()))
    pieces = [(0, 250_000, "sha1"), (250_000, 500_000, "md5"), (500_000, len(clip), "sha256")]

    answers = [send(api, url, start, clip[start:end], checksum=digest_header(alg, clip[start:end])) for start, end, alg in pieces]

    assert [a.status_code for a in answers] == [204, 204, 204]
    assert [a["Upload-Offset"] for a in answers] == ["250000", "500000", str(len(clip))]
    asset = MediaAsset.objects.get()
    assert answers[-1]["Slate-Media-Asset"] == str(asset.pk)
    assert "Slate-Media-Asset" not in answers[0]
    assert asset.kind == MediaKind.VIDEO and asset.original_name == CLIP and asset.size_bytes == len(clip)
    assert asset.sha256 == hashlib.sha256(clip).hexdigest()
    stored = media_root / asset.original.name
    assert stored.parent == media_root / "media" / "originals" and len(stored.stem) == 32
    assert stored.read_bytes() == clip
    assert asset.job.kind == "media.process" and asset.job.params == {"asset_id": asset.pk}
    upload = Upload.objects.get()
    assert (upload.state, upload.asset_id, upload.job_id, upload.offset) == ("complete", asset.pk, asset.job_id, len(clip))
    assert files_under(media_root) == [stored]  # the partial file was moved, not copied


def test_completed_upload_takes_no_more_bytes_but_head_still_answers(api, production, clip):
    url, done = upload_whole(api, production, clip)
    assert done.status_code == 204

    again = send(api, url, len(clip), b"")
    head = api.head(url, **TUS)

    assert again.status_code == 410 and again.json()["code"] == "upload_complete"
    assert head.status_code == 200 and head["Upload-Offset"] == str(len(clip))


def test_upload_linked_to_a_take_and_as_a_new_version(api, production, clip):
    take = TakeFactory(shot__scene__production=production)
    _, first = upload_whole(api, production, clip, take=take.pk)
    v1 = MediaAsset.objects.get(pk=first["Slate-Media-Asset"])

    _, second = upload_whole(api, production, clip, replaces=v1.pk)
    _, third = upload_whole(api, production, clip, replaces=second["Slate-Media-Asset"])

    v2, v3 = MediaAsset.objects.get(pk=second["Slate-Media-Asset"]), MediaAsset.objects.get(pk=third["Slate-Media-Asset"])
    assert (v1.take_id, v1.shot_id, v1.scene_id, v1.version_number, v1.first_version_id) == (take.pk, take.shot_id, take.shot.scene_id, 1, None)
    assert (v2.version_number, v2.first_version_id, v2.take_id, v2.shot_id, v2.scene_id) == (2, v1.pk, take.pk, take.shot_id, take.shot.scene_id)
    assert (v3.version_number, v3.first_version_id) == (3, v1.pk)


def test_a_zip_completes_into_a_card_ingest_job(api, production, clip, media_root):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as card:
        card.writestr("A001/A001C001.mp4", clip)
    url, done = upload_whole(api, production, buffer.getvalue(), filename="card.zip")

    assert done.status_code == 204
    job = Job.objects.get()
    assert done["Slate-Job"] == str(job.pk) and "Slate-Media-Asset" not in done
    assert job.kind == "media.ingest_card" and job.params["original_name"] == "card.zip"
    assert (media_root / job.params["path"]).read_bytes() == buffer.getvalue()
    assert MediaAsset.objects.count() == 0
    assert Upload.objects.get().state == "complete"


# --- bad chunks -----------------------------------------------------------------------------------------------

def test_wrong_checksum_is_460_and_the_chunk_is_dropped(api, production, clip, media_root):
    url = url_of(create(api, production, len(clip)))
    assert send(api, url, 0, clip[:1000]).status_code == 204

    response = send(api, url, 1000, clip[1000:2000], checksum=digest_header("sha1", b"something else"))

    assert response.status_code == 460
    assert response.json()["code"] == "checksum_mismatch"
    assert response["Tus-Resumable"] == "1.0.0"
    assert api.head(url, **TUS)["Upload-Offset"] == "1000"
    assert partial_of(media_root, url).read_bytes() == clip[:1000]
    # the same chunk sent right is taken
    assert send(api, url, 1000, clip[1000:2000], checksum=digest_header("sha1", clip[1000:2000])).status_code == 204


@pytest.mark.parametrize("header", ["crc32 AAAAAA==", "sha1 not-base64!", "sha256 " + base64.b64encode(b"short").decode()])
def test_unsupported_or_malformed_checksum_is_400(api, production, clip, header):
    url = url_of(create(api, production, len(clip)))

    response = send(api, url, 0, clip[:100], checksum=header)

    assert response.status_code == 400
    assert Upload.objects.get().offset == 0


def test_wrong_offset_is_409(api, production, clip):
    url = url_of(create(api, production, len(clip)))
    send(api, url, 0, clip[:100])

    response = send(api, url, 50, clip[50:150])

    assert response.status_code == 409
    assert response.json()["code"] == "offset_mismatch" and response.json()["extra"] == {"offset": 100}
    assert Upload.objects.get().offset == 100


def test_resuming_with_a_different_file_is_409_different_file(api, production, clip):
    url = url_of(create(api, production, len(clip), fingerprint="tos-760792-abc"))
    send(api, url, 0, clip[:100], HTTP_SLATE_UPLOAD_FINGERPRINT="tos-760792-abc")

    head = api.head(url, HTTP_SLATE_UPLOAD_FINGERPRINT="other-file", **TUS)
    patch = send(api, url, 100, b"x" * 100, HTTP_SLATE_UPLOAD_FINGERPRINT="other-file")

    assert head.status_code == 409
    assert patch.status_code == 409 and patch.json()["code"] == "different_file"
    assert Upload.objects.get().offset == 100


def test_upload_larger_than_the_limit_is_413(api, production, settings):
    settings.SLATE_MAX_RESUMABLE_UPLOAD_BYTES = 1000

    response = create(api, production, 1001)

    assert response.status_code == 413 and response.json()["code"] == "too_large"
    assert Upload.objects.count() == 0


def test_chunk_larger_than_the_chunk_limit_or_past_the_length_is_413(api, production, clip, settings, media_root):
    settings.SLATE_UPLOAD_MAX_CHUNK_BYTES = 1000
    url = url_of(create(api, production, 1500))

    too_big = send(api, url, 0, clip[:1001])
    send(api, url, 0, clip[:1000])
    past_end = send(api, url, 1000, clip[:600])

    assert too_big.status_code == 413 and past_end.status_code == 413
    assert Upload.objects.get().offset == 1000
    assert partial_of(media_root, url).stat().st_size == 1000


def test_chunk_with_another_content_type_is_415(api, production, clip):
    url = url_of(create(api, production, len(clip)))

    response = send(api, url, 0, clip[:100], content_type="application/octet-stream")

    assert response.status_code == 415
    assert Upload.objects.get().offset == 0


def test_request_without_tus_resumable_is_412_with_the_supported_version(api, production):
    response = api.post("/api/uploads/", HTTP_UPLOAD_LENGTH="10", HTTP_UPLOAD_METADATA=metadata(production=production.pk))

    assert response.status_code == 412
    assert response["Tus-Version"] == "1.0.0"
    assert Upload.objects.count() == 0


@pytest.mark.parametrize("method, path", [("PATCH", "/api/uploads/"), ("DELETE", "/api/uploads/"), ("HEAD", "/api/uploads/"),
                                          ("PUT", "/api/uploads/"), ("GET", "/api/uploads/"), ("POST", "upload"), ("PUT", "upload")])
@pytest.mark.parametrize("tus", [{}, TUS])
def test_a_method_the_url_does_not_answer_is_405_with_allow_whatever_the_tus_headers(api, production, clip, method, path, tus):
    if path == "upload":
        path = url_of(create(api, production, len(clip)))
    before = list(Upload.objects.values_list("pk", "offset"))

    response = api.generic(method, path, **tus)

    assert response.status_code == 405, response.content
    assert method not in response["Allow"] and "OPTIONS" in response["Allow"]
    if method != "HEAD":
        assert response.json()["code"] == "method_not_allowed"
    assert list(Upload.objects.values_list("pk", "offset")) == before


@pytest.mark.parametrize("raw", ["filename", "production " + b64("x"), "production !!!", "production " + b64(1) + ",production " + b64(2)])
def test_bad_metadata_is_400(api, production, raw):
    response = api.post("/api/uploads/", HTTP_UPLOAD_LENGTH="10", HTTP_UPLOAD_METADATA=raw, **TUS)

    assert response.status_code == 400
    assert Upload.objects.count() == 0


@pytest.mark.parametrize("headers", [
    {"HTTP_UPLOAD_LENGTH": "9" * 5000},
    {"HTTP_UPLOAD_LENGTH": str(2**63)},
    {"HTTP_UPLOAD_LENGTH": "-1"},
    {"HTTP_UPLOAD_LENGTH": "10", "metadata": {"take": "9" * 5000}},
    {"HTTP_UPLOAD_LENGTH": "10", "metadata": {"replaces": str(2**63)}},
    {"HTTP_UPLOAD_LENGTH": "10", "metadata": {"production": "9" * 5000}},
    {"HTTP_UPLOAD_LENGTH": "10", "metadata": {"production": "\u00b2"}},  # a superscript two: isdigit(), yet no int
])
def test_numbers_past_the_databases_range_in_headers_or_metadata_are_400(api, production, headers):
    headers = dict(headers)
    pairs = {"production": production.pk, **headers.pop("metadata", {})}

    response = api.post("/api/uploads/", HTTP_UPLOAD_METADATA=metadata(**pairs), **headers, **TUS)

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert Upload.objects.count() == 0


def test_an_offset_past_the_databases_range_is_400_and_moves_nothing(api, production, clip):
    url = url_of(create(api, production, len(clip)))

    response = send(api, url, "9" * 5000, clip[:100])

    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert Upload.objects.get().offset == 0


def test_take_of_another_production_is_refused(api, production, make_production, user, clip):
    elsewhere = TakeFactory(shot__scene__production=make_production(owner=user))

    response = create(api, production, len(clip), take=elsewhere.pk)

    assert response.status_code == 400
    assert Upload.objects.count() == 0


def test_post_with_method_override_acts_as_patch(api, production, clip):
    url = url_of(create(api, production, len(clip)))

    response = api.generic("POST", url, data=clip[:100], content_type=CHUNK, HTTP_X_HTTP_METHOD_OVERRIDE="PATCH",
                           HTTP_UPLOAD_OFFSET="0", **TUS)

    assert response.status_code == 204 and response["Upload-Offset"] == "100"


def test_concurrent_patch_waits_for_the_lock_then_is_423(api, production, clip, monkeypatch):
    url = url_of(create(api, production, len(clip)))
    upload = Upload.objects.get()
    monkeypatch.setattr(uploads, "LOCK_WAIT_S", 0.2)

    with uploads.upload_locked(upload, wait_s=0):
        response = send(api, url, 0, clip[:100])

    assert response.status_code == 423 and response.json()["code"] == "upload_locked"
    assert Upload.objects.get().offset == 0
    assert send(api, url, 0, clip[:100]).status_code == 204


# --- what completes, expiry and termination --------------------------------------------------------------------

def test_non_video_completing_is_400_the_upload_fails_and_nothing_is_stored(api, production, media_root):
    text = b"INT. LIBRARY - NIGHT\n" * 100
    url, done = upload_whole(api, production, text, filename="A001C003.mp4")

    assert done.status_code == 400
    assert done.json()["code"] == "not_a_video"
    upload = Upload.objects.get()
    assert upload.state == UploadState.FAILED and upload.error.startswith("This file is not a video")
    assert_nothing_stored(media_root)
    assert api.head(url, **TUS).status_code == 410
    assert send(api, url, len(text), b"").status_code == 410


def test_whole_file_sha256_mismatch_fails_the_upload(api, production, clip, media_root):
    _, done = upload_whole(api, production, clip, sha256="0" * 64)

    assert done.status_code == 400 and done.json()["code"] == "checksum_mismatch"
    assert Upload.objects.get().state == "failed"
    assert_nothing_stored(media_root)


def test_a_still_completes_into_a_ready_image_asset_with_a_poster(api, production, media_root):
    buffer = io.BytesIO()
    Image.new("RGB", (2000, 1000), "teal").save(buffer, "PNG")

    _, done = upload_whole(api, production, buffer.getvalue(), filename="still.png")

    asset = MediaAsset.objects.get(pk=done["Slate-Media-Asset"])
    assert (asset.kind, asset.status, asset.width, asset.height, asset.format_name) == ("image", "ready", 2000, 1000, "png")
    poster = asset.renditions.get(kind="poster")
    assert (poster.width, poster.height, poster.content_type) == (1280, 640, "image/jpeg")
    assert Job.objects.count() == 0


def test_expired_upload_is_410_and_cleanup_removes_it_and_its_bytes(api, production, clip, media_root):
    url = url_of(create(api, production, len(clip)))
    send(api, url, 0, clip[:1000])
    partial = partial_of(media_root, url)
    Upload.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    patch = send(api, url, 1000, clip[1000:2000])
    head = api.head(url, **TUS)
    call_command("cleanup_uploads", stdout=io.StringIO())

    assert patch.status_code == 410 and patch.json()["code"] == "upload_expired"
    assert head.status_code == 410
    assert not partial.exists() and Upload.objects.count() == 0
    assert api.head(url, **TUS).status_code == 404


def test_truncated_upload_never_completes_and_is_cleaned_up_once_expired(api, production, clip, media_root, settings):
    url = url_of(create(api, production, len(clip)))
    send(api, url, 0, clip[: len(clip) // 2])
    partial = partial_of(media_root, url)

    uploads.uploads_cleanup_expired()
    assert partial.exists() and Upload.objects.get().state == "receiving"  # not expired yet: kept
    assert MediaAsset.objects.count() == 0

    removed = uploads.uploads_cleanup_expired(now=timezone.now() + timedelta(seconds=settings.SLATE_UPLOAD_EXPIRY_S + 1))

    assert removed == 1
    assert not partial.exists() and Upload.objects.count() == 0
    assert files_under(media_root) == []


def test_each_chunk_extends_the_expiry(api, production, clip):
    url = url_of(create(api, production, len(clip)))
    Upload.objects.update(expires_at=timezone.now() + timedelta(seconds=30))

    response = send(api, url, 0, clip[:100])

    assert parse_http_date(response["Upload-Expires"]) > time.time() + 3600


def test_orphan_partial_files_are_swept(api, production, media_root, settings):
    orphan = media_root / "uploads" / "partial" / ("a" * 32 + ".part")
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"left by a crashed process")
    old = time.time() - settings.SLATE_UPLOAD_EXPIRY_S - 10
    import os

    os.utime(orphan, (old, old))

    assert uploads.uploads_cleanup_expired() == 1
    assert not orphan.exists()


def test_delete_terminates_the_upload_and_removes_its_bytes(api, production, clip, media_root):
    url = url_of(create(api, production, len(clip)))
    send(api, url, 0, clip[:1000])

    response = api.delete(url, **TUS)

    assert response.status_code == 204 and response["Tus-Resumable"] == "1.0.0"
    assert Upload.objects.count() == 0 and files_under(media_root) == []
    assert api.head(url, **TUS).status_code == 404


# --- who may ---------------------------------------------------------------------------------------------------

def test_upload_to_another_production_is_404(api_for, other_user, production, media_root):
    response = create(api_for(other_user), production, 100)

    assert response.status_code == 404
    assert Upload.objects.count() == 0 and files_under(media_root) == []


def test_another_productions_upload_is_404(api, api_for, other_user, production, clip):
    url = url_of(create(api, production, len(clip)))
    stranger = api_for(other_user)

    assert stranger.head(url, **TUS).status_code == 404
    assert send(stranger, url, 0, clip[:100]).status_code == 404
    assert stranger.delete(url, **TUS).status_code == 404
    assert Upload.objects.get().offset == 0


def test_viewer_cannot_upload_or_write_to_an_upload(api, api_for, viewer, production, clip):
    url = url_of(create(api, production, len(clip)))

    created = create(api_for(viewer), production, 100)
    patched = send(api_for(viewer), url, 0, clip[:100])

    assert created.status_code == 403 and created.json()["code"] == "forbidden"
    assert patched.status_code == 403
    assert Upload.objects.count() == 1 and Upload.objects.get().offset == 0


def test_anonymous_is_401(client, production):
    from rest_framework.test import APIClient

    anonymous = APIClient()
    response = create(anonymous, production, 100)

    assert response.status_code == 401
    assert response["Tus-Resumable"] == "1.0.0"
    assert Upload.objects.count() == 0


# --- over real HTTP: the official client, a broken connection --------------------------------------------------

@pytest.fixture
def bearer(transactional_db):
    from rest_framework_simplejwt.tokens import RefreshToken

    return lambda user: {"Authorization": f"Bearer {RefreshToken.for_user(user).access_token}"}


def test_tuspy_uploads_in_chunks_with_checksums_and_resumes(live_server, bearer, user, production, shared_data, media_root):
    from tusclient.client import TusClient

    path = shared_data / "video" / CLIP
    client = TusClient(f"{live_server.url}/api/uploads/", headers=bearer(user))
    meta = {"production": str(production.pk), "filename": CLIP}

    first = client.uploader(str(path), chunk_size=100_000, metadata=meta, upload_checksum=True)
    first.upload(stop_at=300_000)
    assert first.offset == 300_000
    resumed = client.uploader(str(path), url=first.url, chunk_size=100_000, metadata=meta, upload_checksum=True)
    assert resumed.offset == 300_000  # asked the server (HEAD), did not start again
    resumed.upload()

    asset = MediaAsset.objects.get()
    assert asset.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (media_root / asset.original.name).read_bytes() == path.read_bytes()
    assert Upload.objects.get().state == "complete"


def test_broken_connection_keeps_only_the_confirmed_bytes(live_server, bearer, user, production, shared_data, media_root):
    from tusclient.client import TusClient

    path = shared_data / "video" / CLIP
    content = path.read_bytes()
    client = TusClient(f"{live_server.url}/api/uploads/", headers=bearer(user))
    uploader = client.uploader(str(path), chunk_size=200_000, metadata={"production": str(production.pk), "filename": CLIP})
    uploader.upload(stop_at=200_000)
    target = urlparse(uploader.url)

    # a PATCH that promises 200,000 bytes and sends half, then the connection drops
    with socket.create_connection((target.hostname, target.port)) as raw:
        head = (f"PATCH {target.path} HTTP/1.1\r\nHost: {target.netloc}\r\nTus-Resumable: 1.0.0\r\n"
                f"Authorization: {bearer(user)['Authorization']}\r\nContent-Type: {CHUNK}\r\n"
                f"Upload-Offset: 200000\r\nContent-Length: 200000\r\nConnection: close\r\n\r\n")
        raw.sendall(head.encode() + b"\xff" * 100_000)
        raw.shutdown(socket.SHUT_WR)
        raw.settimeout(10)
        answer = b""
        while block := raw.recv(4096):
            answer += block
    assert b" 400 " in answer.split(b"\r\n")[0] and b"incomplete_chunk" in answer, answer

    deadline = time.monotonic() + 10
    while Upload.objects.get().offset != 200_000 or partial_of(media_root, uploader.url).stat().st_size != 200_000:
        assert time.monotonic() < deadline, "the dropped chunk's bytes stayed in the partial file"
        time.sleep(0.05)
    resumed = client.uploader(str(path), url=uploader.url, chunk_size=200_000, upload_checksum=True)
    assert resumed.offset == 200_000
    resumed.upload()

    asset = MediaAsset.objects.get()
    assert asset.sha256 == hashlib.sha256(content).hexdigest()

"""Serving stored files behind nginx (SLATE_MEDIA_ACCEL_REDIRECT): the view answers with an empty body and
`X-Accel-Redirect`, after the same membership check. nginx itself is in tests/e2e/test_nginx.py."""
from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.continuity.models import ContinuityPhoto
from apps.core.files import accel_redirect_uri
from tests.factories import ContinuityNoteFactory, SceneFactory, image_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo(api, production, user, settings, tmp_path) -> ContinuityPhoto:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    note = ContinuityNoteFactory(scene=SceneFactory(production=production), author=user)
    upload = SimpleUploadedFile("set still.png", image_bytes("PNG"), content_type="image/png")
    made = api.post(f"/api/continuity-notes/{note.pk}/photos/", {"file": upload}, format="multipart")
    assert made.status_code == 201, made.content
    return ContinuityPhoto.objects.get(pk=made.json()["id"])


def test_behind_nginx_a_file_is_an_empty_answer_naming_it_for_x_accel_redirect(api, photo, settings):
    settings.SLATE_MEDIA_ACCEL_REDIRECT = "/_protected/"

    response = api.get(f"/api/continuity-photos/{photo.pk}/file/", HTTP_RANGE="bytes=0-9")

    # nginx answers the range from the file; Slate only names it, with its own headers
    assert response.status_code == 200
    assert response.content == b""
    assert response["X-Accel-Redirect"] == f"/_protected/{photo.file.name}"
    assert photo.file.name.startswith("continuity/") and (Path(settings.MEDIA_ROOT) / photo.file.name).is_file()
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'inline; filename="set still.png"'
    assert response["Cache-Control"] == "private, max-age=3600"
    assert "Content-Range" not in response


def test_behind_nginx_the_membership_check_and_missing_files_are_still_slates(api, photo, other_user, settings):
    from rest_framework.test import APIClient

    settings.SLATE_MEDIA_ACCEL_REDIRECT = "/_protected/"
    outsider = APIClient()
    outsider.force_authenticate(other_user)

    refused = outsider.get(f"/api/continuity-photos/{photo.pk}/file/")
    assert refused.status_code == 404 and "X-Accel-Redirect" not in refused

    (Path(settings.MEDIA_ROOT) / photo.file.name).unlink()
    missing = api.get(f"/api/continuity-photos/{photo.pk}/file/")
    assert missing.status_code == 404 and "X-Accel-Redirect" not in missing
    assert missing.json()["code"] == "not_found"


@pytest.mark.parametrize(("name", "uri"), [
    ("continuity/0a1b.png", "/_protected/continuity/0a1b.png"),
    ("media/originals/A001 C002?.mov", "/_protected/media/originals/A001%20C002%3F.mov"),  # nginx decodes it back
    ("media/originals/été 100%.wav", "/_protected/media/originals/%C3%A9t%C3%A9%20100%25.wav"),
])
def test_the_redirect_uri_is_the_storage_name_percent_encoded(settings, name, uri):
    settings.SLATE_MEDIA_ACCEL_REDIRECT = "/_protected"  # with or without the trailing slash
    assert accel_redirect_uri(name) == uri


# --- served by an ASGI server: block by block, never on the sync-view thread -----------------------------------


async def test_an_asgi_server_gets_a_streamed_file_block_by_block_read_off_the_sync_view_thread(tmp_path):
    """Django's own `__aiter__` reads a synchronous stream whole through `sync_to_async` — on the one thread that
    runs every sync view, so a big download stalled /api/health/. Ours hands out the first block after one read."""
    import threading
    import warnings

    from apps.core.files import StreamedFileResponse, StreamedResponse

    reads: list[str] = []
    sync_view_thread = threading.main_thread().name  # what sync_to_async(thread_sensitive) runs on outside a request

    def blocks():
        for n in range(100):
            reads.append(threading.current_thread().name)
            yield bytes([n]) * 1000

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Django warns when it falls back to reading a sync iterator whole
        stream = aiter(StreamedResponse(blocks()))
        first = await anext(stream)
        assert first == bytes([0]) * 1000 and len(reads) == 1
        rest = [block async for block in stream]
    assert len(rest) == 99 and sync_view_thread not in reads

    path = tmp_path / "take.bin"
    path.write_bytes(b"x" * 300_000)
    with path.open("rb") as handle, warnings.catch_warnings():
        warnings.simplefilter("error")
        response = StreamedFileResponse(handle, content_type="application/octet-stream")
        response.block_size = 65536
        assert response["Content-Length"] == "300000"
        assert b"".join([block async for block in response]) == path.read_bytes()

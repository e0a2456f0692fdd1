"""A continuity photo sent resumably (tus, /api/uploads/ with Upload-Metadata `continuity_note`): what the tablet's offline
outbox does with a photo it kept while the Wi-Fi was down. Real files (Pillow JPEGs) under a private MEDIA_ROOT, the
real middleware (a session user, so Idempotency-Key applies to the creation), events captured on commit.
"""
from __future__ import annotations

import uuid

import pytest
from rest_framework.test import APIClient

from apps.continuity.models import ContinuityPhoto
from apps.media.models import MediaAsset, Upload, UploadState
from tests.factories import ContinuityNoteFactory, SceneFactory, TakeFactory, image_bytes
from tests.media.helpers import files_under
from tests.media.test_tus import create, metadata, send, url_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def note(production, user):
    return ContinuityNoteFactory(scene=SceneFactory(production=production), author=user)


@pytest.fixture
def session(user) -> APIClient:
    """The browser's way in (session cookie), so the Idempotency-Key middleware sees the user."""
    client = APIClient()
    client.force_login(user)
    return client


def test_a_photo_sent_in_chunks_becomes_a_photo_of_the_note(session, production, note, media_root, captured_events):
    content = image_bytes("JPEG", size=(400, 300), noise=True)
    url = url_of(create(session, production, len(content), filename="wardrobe.jpg", continuity_note=note.pk))

    first = send(session, url, 0, content[:5000])
    with captured_events() as events:
        last = send(session, url, 5000, content[5000:])

    assert (first.status_code, first["Upload-Offset"]) == (204, "5000")
    assert last.status_code == 204, last.content
    photo = ContinuityPhoto.objects.get()
    assert last["Slate-Continuity-Photo"] == str(photo.pk) and "Slate-Media-Asset" not in last
    assert (photo.note, photo.original_name, photo.width, photo.height, photo.size_bytes) == (note, "wardrobe.jpg", 400, 300, len(content))
    assert photo.file.read() == content
    upload = Upload.objects.get()
    assert (upload.state, upload.continuity_photo) == (UploadState.COMPLETE, photo)
    assert files_under(media_root) == [media_root / photo.file.name]  # the partial file is gone, no media asset made
    assert not MediaAsset.objects.exists()
    assert [(e["type"], e["entity_id"]) for e in events] == [("continuity_photo.created", str(photo.pk)), ("continuity_note.updated", str(note.pk))]
    assert [p["id"] for p in events[1]["data"]["photos"]] == [photo.pk]
    # a resume after the last answer was lost: HEAD says it is all there, GET names the photo
    head = session.head(url, HTTP_TUS_RESUMABLE="1.0.0")
    assert (head.status_code, head["Upload-Offset"], head["Upload-Length"]) == (200, str(len(content)), str(len(content)))
    assert session.get(url).json()["continuity_photo"] == photo.pk


def test_the_same_creation_sent_twice_with_one_key_is_one_upload(session, production, note, media_root):
    content = image_bytes("PNG")
    key = str(uuid.uuid4())

    answers = [session.post("/api/uploads/", HTTP_UPLOAD_LENGTH=str(len(content)), HTTP_IDEMPOTENCY_KEY=key, HTTP_TUS_RESUMABLE="1.0.0",
                            HTTP_UPLOAD_METADATA=metadata(production=production.pk, filename="a.png", continuity_note=note.pk))
               for _ in range(2)]

    assert [a.status_code for a in answers] == [201, 201]
    assert answers[1]["Location"] == answers[0]["Location"] and answers[1]["Idempotent-Replayed"] == "true"
    assert Upload.objects.count() == 1


def test_a_file_that_is_not_a_photo_fails_the_upload_and_leaves_nothing(session, production, note, media_root, captured_events):
    content = b"no pixels here\n" * 100
    url = url_of(create(session, production, len(content), filename="notes.jpg", continuity_note=note.pk))

    with captured_events() as events:
        response = send(session, url, 0, content)

    assert (response.status_code, response.json()["code"]) == (400, "not_an_image")
    assert Upload.objects.get().state == UploadState.FAILED and "not a readable photo" in Upload.objects.get().error
    assert not ContinuityPhoto.objects.exists() and files_under(media_root) == [] and events == []


def test_a_note_deleted_before_the_last_chunk_fails_the_upload(session, production, note, media_root):
    content = image_bytes("JPEG")
    url = url_of(create(session, production, len(content), filename="a.jpg", continuity_note=note.pk))
    note.delete()

    response = send(session, url, 0, content)

    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert Upload.objects.get().state == UploadState.FAILED
    assert not ContinuityPhoto.objects.exists() and files_under(media_root) == []


def test_a_photo_over_the_photo_limit_is_refused_at_creation(session, production, note, media_root, settings):
    settings.SLATE_MAX_PHOTO_UPLOAD_BYTES = 1000

    response = create(session, production, 1001, filename="big.jpg", continuity_note=note.pk)

    assert (response.status_code, response.json()["code"]) == (413, "too_large")
    assert not Upload.objects.exists() and files_under(media_root) == []


def test_a_note_of_another_production_or_with_a_take_is_refused(session, production, make_production, user, note, media_root):
    elsewhere = ContinuityNoteFactory(scene=SceneFactory(production=make_production(owner=user)), author=user)
    take = TakeFactory(shot__scene=note.scene)

    other = create(session, production, 100, filename="a.jpg", continuity_note=elsewhere.pk)
    with_take = create(session, production, 100, filename="a.jpg", continuity_note=note.pk, take=take.pk)

    assert (other.status_code, other.json()["code"]) == (400, "invalid")
    assert (with_take.status_code, with_take.json()["code"]) == (400, "invalid")
    assert not Upload.objects.exists() and files_under(media_root) == []

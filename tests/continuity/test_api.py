"""REST: continuity notes and their reference photos (upload checks, serving to members only, events)."""
from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.continuity.models import ContinuityNote, ContinuityPhoto
from apps.realtime.models import Event
from tests.factories import ContinuityNoteFactory, ContinuityPhotoFactory, SceneFactory, ShotFactory, TakeFactory, image_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    """A private, empty MEDIA_ROOT for the test (default_storage follows the setting)."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> dict:
    return {"file": SimpleUploadedFile(name, content, content_type=content_type)}


@pytest.fixture
def note(production, user):
    return ContinuityNoteFactory(scene=SceneFactory(production=production), author=user)


# --- notes ----------------------------------------------------------------------------------

def test_a_note_records_its_author(api, user, production, captured_events):
    scene = SceneFactory(production=production)

    with captured_events() as events:
        response = api.post("/api/continuity-notes/", {"scene": scene.pk, "category": "wardrobe", "body": "Top button undone",
                                                       "flagged": True}, format="json")

    assert response.status_code == 201
    data = response.json()
    assert (data["author"], data["author_name"], data["production"], data["flagged"]) == (user.pk, user.display_name, production.pk, True)
    assert ContinuityNote.objects.get().author == user
    assert [e["type"] for e in events] == ["continuity_note.created"]
    assert events[0]["data"] == data


def test_a_note_on_a_take_is_pinned_to_its_shot_too(api, production):
    scene = SceneFactory(production=production)
    take = TakeFactory(shot=ShotFactory(scene=scene))

    response = api.post("/api/continuity-notes/", {"scene": scene.pk, "take": take.pk, "body": "Glass in left hand"}, format="json")

    assert response.status_code == 201
    assert (response.json()["shot"], response.json()["take"]) == (take.shot_id, take.pk)


def test_a_note_on_a_shot_of_another_scene_is_400(api, production, captured_events):
    scene = SceneFactory(production=production)
    shot_elsewhere = ShotFactory(scene=SceneFactory(production=production))

    with captured_events() as events:
        response = api.post("/api/continuity-notes/", {"scene": scene.pk, "shot": shot_elsewhere.pk, "body": "x"}, format="json")

    assert response.status_code == 400
    assert response.json()["message"] == "That shot is not in this scene."
    assert not ContinuityNote.objects.exists()
    assert events == []


def test_a_note_on_a_take_of_another_shot_is_400(api, production):
    scene = SceneFactory(production=production)
    shot = ShotFactory(scene=scene)
    other_take = TakeFactory(shot=ShotFactory(scene=scene))

    response = api.post("/api/continuity-notes/", {"scene": scene.pk, "shot": shot.pk, "take": other_take.pk, "body": "x"}, format="json")

    assert response.status_code == 400
    assert response.json()["message"] == "That take is not of this shot."
    assert not ContinuityNote.objects.exists()


def test_a_note_whose_author_left_can_still_be_edited(api, make_user, production):
    gone = make_user()
    note = ContinuityNoteFactory(scene=SceneFactory(production=production), author=gone)
    gone.delete()

    response = api.patch(f"/api/continuity-notes/{note.pk}/", {"flagged": True, "version": 1}, format="json")

    assert response.status_code == 200, response.content
    assert (response.json()["author"], response.json()["author_name"], response.json()["flagged"]) == (None, None, True)


def test_unknown_note_category_is_400(api, production):
    scene = SceneFactory(production=production)

    response = api.post("/api/continuity-notes/", {"scene": scene.pk, "category": "catering", "body": "x"}, format="json")

    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == ["category"]


def test_notes_filter_by_flag(api, production):
    flagged = ContinuityNoteFactory(scene=SceneFactory(production=production), flagged=True)
    ContinuityNoteFactory(scene=SceneFactory(production=production))

    response = api.get("/api/continuity-notes/", {"flagged": "true"})

    assert [r["id"] for r in response.json()["results"]] == [flagged.pk]


# --- photos ---------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt, name, extension, content_type", [("JPEG", "IMG_0042.JPG", "jpg", "image/jpeg"),
                                                                 ("PNG", "ref.png", "png", "image/png")])
def test_uploading_a_real_photo_stores_it_and_serves_it_to_members_only(api, api_for, outsider, note, media_root, captured_events,
                                                                        fmt, name, extension, content_type):
    content = image_bytes(fmt, size=(64, 48))

    with captured_events() as events:
        response = api.post(f"/api/continuity-notes/{note.pk}/photos/", upload(name, content, content_type), format="multipart")

    # then the photo row describes the image, judged by its content
    assert response.status_code == 201, response.content
    data = response.json()
    photo = ContinuityPhoto.objects.get()
    assert data == api.get(f"/api/continuity-photos/{photo.pk}/").json()
    assert (data["note"], data["production"], data["width"], data["height"], data["size_bytes"], data["original_name"]) == (
        note.pk, note.production_id, 64, 48, len(content), name)
    assert data["url"] == f"/api/continuity-photos/{photo.pk}/file/"
    # stored under a generated name, not the uploaded one
    assert [p.name for p in stored_files(media_root)] == [Path(photo.file.name).name]
    assert photo.file.name.startswith("continuity/") and photo.file.name.endswith(f".{extension}") and name not in photo.file.name
    # the same bytes come back to a member; a non-member gets 404
    served = api.get(data["url"])
    assert served.status_code == 200
    assert served["Content-Type"] == content_type
    assert b"".join(served.streaming_content) == content
    assert api_for(outsider).get(data["url"]).status_code == 404
    # events: the photo, and the note that now lists it (as GET shows the note)
    assert [(e["type"], e["entity_id"]) for e in events] == [("continuity_photo.created", str(photo.pk)),
                                                            ("continuity_note.updated", str(note.pk))]
    assert events[0]["data"] == data
    note_now = api.get(f"/api/continuity-notes/{note.pk}/").json()
    assert [p["id"] for p in note_now["photos"]] == [photo.pk]
    assert events[1]["data"] == note_now


def test_a_photo_can_be_fetched_by_range(api, note, media_root):
    content = image_bytes("PNG")
    photo_id = api.post(f"/api/continuity-notes/{note.pk}/photos/", upload("a.png", content, "image/png"), format="multipart").json()["id"]

    response = api.get(f"/api/continuity-photos/{photo_id}/file/", HTTP_RANGE="bytes=0-9")

    assert response.status_code == 206
    assert b"".join(response.streaming_content) == content[:10]
    assert response["Content-Range"] == f"bytes 0-9/{len(content)}"


@pytest.mark.parametrize("header", ["bytes=" + "9" * 5000 + "-", "bytes=0-" + "9" * 5000, "bytes=-" + "9" * 5000, "bytes=" + str(2**64) + "-"])
def test_a_range_with_more_digits_than_any_file_is_unsatisfiable_or_the_whole_file(api, note, media_root, header):
    content = image_bytes("PNG")
    photo_id = api.post(f"/api/continuity-notes/{note.pk}/photos/", upload("a.png", content, "image/png"), format="multipart").json()["id"]

    response = api.get(f"/api/continuity-photos/{photo_id}/file/", HTTP_RANGE=header)

    if header.startswith("bytes=0-") or header.startswith("bytes=-"):  # up to the end / the last N bytes: all of it
        assert response.status_code == 206
        assert b"".join(response.streaming_content) == content
    else:  # starting past the end
        assert response.status_code == 416
        assert response["Content-Range"] == f"bytes */{len(content)}"


def test_a_text_file_named_jpg_is_not_an_image(api, note, media_root, captured_events):
    with captured_events() as events:
        response = api.post(f"/api/continuity-notes/{note.pk}/photos/", upload("photo.jpg", b"just some notes, not pixels\n" * 20),
                            format="multipart")

    assert response.status_code == 400
    assert response.json()["code"] == "not_an_image"
    assert set(response.json()) == {"message", "code", "extra"}
    assert not ContinuityPhoto.objects.exists()
    assert stored_files(media_root) == []
    assert events == []


def test_a_truncated_jpeg_is_not_an_image(api, note, media_root):
    content = image_bytes("JPEG", size=(200, 200))

    response = api.post(f"/api/continuity-notes/{note.pk}/photos/", upload("cut.jpg", content[: len(content) // 2]), format="multipart")

    assert response.status_code == 400
    assert response.json()["code"] == "not_an_image"
    assert not ContinuityPhoto.objects.exists()
    assert stored_files(media_root) == []


def test_a_gif_is_refused(api, note, media_root):
    response = api.post(f"/api/continuity-notes/{note.pk}/photos/", upload("anim.gif", image_bytes("GIF"), "image/gif"), format="multipart")

    assert response.status_code == 400
    assert response.json()["code"] == "not_an_image"
    assert response.json()["message"] == "Photos must be JPEG, PNG or WebP, not GIF."
    assert stored_files(media_root) == []


def test_an_oversized_photo_is_413(api, note, media_root, settings, captured_events):
    settings.SLATE_MAX_PHOTO_UPLOAD_BYTES = 1000
    content = image_bytes("PNG", size=(40, 40), noise=True)  # a valid PNG of ~4.8 kB
    assert len(content) > 1000

    with captured_events() as events:
        response = api.post(f"/api/continuity-notes/{note.pk}/photos/", upload("big.png", content, "image/png"), format="multipart")

    assert response.status_code == 413
    body = response.json()
    assert (body["code"], body["extra"]) == ("too_large", {"limit_bytes": 1000})
    assert body["message"].startswith("The photo is larger than the")
    assert not ContinuityPhoto.objects.exists()
    assert stored_files(media_root) == []
    assert events == []


def test_a_request_body_far_over_the_photo_limit_is_413_before_it_is_read(api, note, media_root, settings):
    settings.SLATE_MAX_PHOTO_UPLOAD_BYTES = 1000
    content = image_bytes("PNG", size=(200, 200), noise=True)
    assert len(content) > 1000 + 64 * 1024  # past the request allowance (limit + 64 KiB of multipart overhead)

    response = api.post(f"/api/continuity-notes/{note.pk}/photos/", upload("huge.png", content, "image/png"), format="multipart")

    assert response.status_code == 413
    assert response.json()["extra"] == {"limit_bytes": 1000}  # the real limit, not the request allowance
    assert not ContinuityPhoto.objects.exists()
    assert stored_files(media_root) == []


def test_an_empty_photo_is_400(api, note, media_root):
    response = api.post(f"/api/continuity-notes/{note.pk}/photos/", upload("empty.jpg", b""), format="multipart")

    assert response.status_code == 400
    assert not ContinuityPhoto.objects.exists()
    assert stored_files(media_root) == []


def test_an_upload_without_a_file_is_400(api, note, media_root):
    response = api.post(f"/api/continuity-notes/{note.pk}/photos/", {"other": "x"}, format="multipart")

    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == ["file"]


def test_viewers_and_outsiders_cannot_upload_photos(api_for, viewer, outsider, note, media_root, captured_events):
    with captured_events() as events:
        by_viewer = api_for(viewer).post(f"/api/continuity-notes/{note.pk}/photos/", upload("a.jpg", image_bytes()), format="multipart")
        by_outsider = api_for(outsider).post(f"/api/continuity-notes/{note.pk}/photos/", upload("a.jpg", image_bytes()), format="multipart")

    assert (by_viewer.status_code, by_outsider.status_code) == (403, 404)
    assert not ContinuityPhoto.objects.exists()
    assert stored_files(media_root) == []
    assert events == []


def test_deleting_a_photo_removes_its_file_and_updates_the_note(api, note, media_root, captured_events):
    first = api.post(f"/api/continuity-notes/{note.pk}/photos/", upload("a.jpg", image_bytes()), format="multipart").json()
    second = api.post(f"/api/continuity-notes/{note.pk}/photos/", upload("b.png", image_bytes("PNG"), "image/png"), format="multipart").json()
    assert len(stored_files(media_root)) == 2

    with captured_events() as events:
        response = api.delete(f"/api/continuity-photos/{first['id']}/")

    assert response.status_code == 204
    assert list(ContinuityPhoto.objects.values_list("pk", flat=True)) == [second["id"]]
    assert [p.name for p in stored_files(media_root)] == [Path(ContinuityPhoto.objects.get().file.name).name]
    assert [e["type"] for e in events] == ["continuity_photo.deleted", "continuity_note.updated"]
    assert events[0]["data"] == first
    assert [p["id"] for p in events[1]["data"]["photos"]] == [second["id"]]
    assert events[1]["data"] == api.get(f"/api/continuity-notes/{note.pk}/").json()


def test_viewer_cannot_delete_a_photo(api, api_for, viewer, note, media_root):
    photo = api.post(f"/api/continuity-notes/{note.pk}/photos/", upload("a.jpg", image_bytes()), format="multipart").json()

    response = api_for(viewer).delete(f"/api/continuity-photos/{photo['id']}/")

    assert response.status_code == 403
    assert ContinuityPhoto.objects.filter(pk=photo["id"]).exists()
    assert len(stored_files(media_root)) == 1


def test_deleting_a_note_removes_its_photo_files(api, note, media_root, captured_events):
    api.post(f"/api/continuity-notes/{note.pk}/photos/", upload("a.jpg", image_bytes()), format="multipart")

    with captured_events() as events:
        response = api.delete(f"/api/continuity-notes/{note.pk}/")

    assert response.status_code == 204
    assert not ContinuityPhoto.objects.exists()
    assert stored_files(media_root) == []
    assert [e["type"] for e in events] == ["continuity_note.deleted"]


def test_photos_of_another_production_are_hidden(api, production, other_production):
    mine = ContinuityPhotoFactory(note=ContinuityNoteFactory(scene=SceneFactory(production=production)))
    theirs = ContinuityPhotoFactory(note=ContinuityNoteFactory(scene=SceneFactory(production=other_production)))

    listed = api.get("/api/continuity-photos/")

    assert [r["id"] for r in listed.json()["results"]] == [mine.pk]
    assert api.get(f"/api/continuity-photos/{theirs.pk}/").status_code == 404
    assert api.get(f"/api/continuity-photos/{theirs.pk}/file/").status_code == 404
    assert api.delete(f"/api/continuity-photos/{theirs.pk}/").status_code == 404
    assert ContinuityPhoto.objects.filter(pk=theirs.pk).exists()
    assert not Event.objects.exists()


def test_photos_cannot_be_created_or_changed_through_the_photo_resource(api, note):
    photo = ContinuityPhotoFactory(note=note)

    created = api.post("/api/continuity-photos/", {"note": note.pk}, format="json")
    changed = api.patch(f"/api/continuity-photos/{photo.pk}/", {"width": 1}, format="json")

    assert (created.status_code, changed.status_code) == (405, 405)
    photo.refresh_from_db()
    assert photo.width == 4

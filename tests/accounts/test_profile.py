"""One's own time zone and avatar, through the real API."""
from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.accounts.models import User
from tests.accounts.clients import session_client

pytestmark = pytest.mark.django_db


def _image(fmt: str = "PNG", size=(640, 400), color=(200, 30, 30)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt)
    return SimpleUploadedFile(f"me.{fmt.lower()}", out.getvalue(), content_type=f"image/{fmt.lower()}")


def test_a_time_zone_is_set_validated_and_returned_in_me(make_user):
    make_user(username="marco")
    marco = session_client("marco")

    set_ = marco.patch("/api/auth/account/", {"time_zone": "Europe/Madrid"}, format="json")
    bad = marco.patch("/api/auth/account/", {"time_zone": "Mars/Olympus_Mons"}, format="json")

    assert (set_.status_code, set_.json()["time_zone"]) == (200, "Europe/Madrid")
    assert (bad.status_code, list(bad.json()["extra"]["fields"])) == (400, ["time_zone"])
    assert marco.get("/api/auth/me/").json()["time_zone"] == "Europe/Madrid"
    assert marco.patch("/api/auth/account/", {"time_zone": ""}, format="json").json()["time_zone"] == ""


def test_the_name_alone_still_changes_and_the_time_zone_stays(make_user):
    make_user(username="marco")
    marco = session_client("marco")
    marco.patch("/api/auth/account/", {"time_zone": "America/Sao_Paulo"}, format="json")

    answer = marco.patch("/api/auth/account/", {"name": "Marco R."}, format="json").json()

    assert (answer["name"], answer["time_zone"]) == ("Marco R.", "America/Sao_Paulo")


def test_an_avatar_is_stored_as_a_small_square_webp_and_served_to_the_crew(make_user, make_production):
    marco, ana = make_user(username="marco"), make_user(username="ana")
    make_user(username="stranger")
    production = make_production(owner=marco, members={ana: "viewer"})
    client = session_client("marco")

    answer = client.post("/api/me/avatar/", {"file": _image("JPEG")}, format="multipart")

    assert answer.status_code == 200
    url = answer.json()["avatar_url"]
    stored = User.objects.get(pk=marco.pk).avatar.name
    assert stored.startswith("avatars/") and stored.endswith(".webp")
    picture = session_client("ana").get(url)
    assert picture.status_code == 200
    with Image.open(io.BytesIO(b"".join(picture.streaming_content))) as image:
        assert (image.format, image.size) == ("WEBP", (256, 256))
    assert session_client("stranger").get(url).status_code == 404
    members = session_client("ana").get(f"/api/productions/{production.pk}/members/").json()
    rows = members["results"] if isinstance(members, dict) else members
    assert {m["user"]["username"]: m["user"]["avatar_url"] for m in rows} == {"marco": url, "ana": None}


def test_a_new_avatar_replaces_the_old_file_and_delete_removes_it(make_user, django_capture_on_commit_callbacks):
    make_user(username="marco")
    client = session_client("marco")
    client.post("/api/me/avatar/", {"file": _image()}, format="multipart")
    first = User.objects.get(username="marco").avatar.name

    with django_capture_on_commit_callbacks(execute=True):
        second_url = client.post("/api/me/avatar/", {"file": _image("WEBP")}, format="multipart").json()["avatar_url"]
    second = User.objects.get(username="marco").avatar.name
    with django_capture_on_commit_callbacks(execute=True):
        deleted = client.delete("/api/me/avatar/")

    assert second != first and second.rsplit("/", 1)[-1][:12] in second_url
    assert not default_storage.exists(first) and not default_storage.exists(second)
    assert (deleted.status_code, deleted.json()["avatar_url"]) == (200, None)
    assert client.get(second_url).status_code == 404


def test_a_file_that_is_not_an_image_is_refused(make_user):
    make_user(username="marco")
    fake = SimpleUploadedFile("me.png", b"%PDF-1.7 not a picture at all" * 20, content_type="image/png")

    answer = session_client("marco").post("/api/me/avatar/", {"file": fake}, format="multipart")

    assert (answer.status_code, answer.json()["code"]) == (400, "not_an_image")
    assert User.objects.get(username="marco").avatar.name == ""


def test_a_picture_over_the_limit_is_refused(make_user, settings):
    make_user(username="marco")
    settings.SLATE_MAX_AVATAR_UPLOAD_BYTES = 2_000
    noisy = io.BytesIO()
    Image.effect_noise((300, 300), 90).convert("RGB").save(noisy, format="PNG")
    answer = session_client("marco").post("/api/me/avatar/", {"file": SimpleUploadedFile("big.png", noisy.getvalue())}, format="multipart")

    assert len(noisy.getvalue()) > 2_000
    assert (answer.status_code, answer.json()["code"]) == (413, "too_large")
    assert User.objects.get(username="marco").avatar.name == ""

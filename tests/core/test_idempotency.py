"""Idempotency-Key (apps/core/idempotency.py; draft-ietf-httpapi-idempotency-key-header): a keyed write runs once
per user and key, and a repeat gets the first answer — through the whole middleware stack, with real tokens."""
from __future__ import annotations

import runpy
import threading
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework_simplejwt.tokens import AccessToken

from apps.continuity.models import ContinuityPhoto
from apps.core.idempotency import idempotency_records_delete_expired, request_fingerprint
from apps.core.models import IdempotencyRecord, IdempotencyState
from apps.scenes.models import Scene
from tests.factories import ContinuityNoteFactory, SceneFactory, image_bytes

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ("SLATE_IDEMPOTENCY_KEEP_S", "SLATE_IDEMPOTENCY_WAIT_S", "SLATE_IDEMPOTENCY_STALE_S")


def signed_in(user) -> APIClient:
    """A client that signs in as the API's clients do: `Authorization: Bearer <access token>` (not DRF's forced auth)."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
    return client


def scene_body(production, number="12A") -> dict:
    return {"production": production.pk, "number": number, "int_ext": "EXT", "location": "PIER", "time_of_day": "NIGHT"}


def keyed(key: str) -> dict:
    return {"HTTP_IDEMPOTENCY_KEY": key}


def test_the_same_post_twice_makes_one_scene_and_answers_the_first_answer_again(user, production, captured_events):
    client, key = signed_in(user), str(uuid.uuid4())

    first = client.post("/api/scenes/", scene_body(production), format="json", **keyed(key))
    with captured_events() as events:
        again = client.post("/api/scenes/", scene_body(production), format="json", **keyed(key))

    assert first.status_code == 201, first.content
    assert (again.status_code, again.content, again["Content-Type"]) == (201, first.content, first["Content-Type"])
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Scene.objects.filter(production=production).count() == 1
    assert events == []  # the view did not run again: nothing published
    record = IdempotencyRecord.objects.get(user=user, key=key)
    assert (record.state, record.status, bytes(record.body)) == (IdempotencyState.COMPLETE, 201, first.content)


def test_a_browser_session_is_the_user_too(user, production):
    client = APIClient()
    client.force_login(user)  # the session cookie, as after POST /api/auth/login/

    answers = [client.post("/api/scenes/", scene_body(production), format="json", **keyed("tablet-1")) for _ in range(2)]

    assert [a.status_code for a in answers] == [201, 201]
    assert answers[1].content == answers[0].content and answers[1]["Idempotent-Replayed"] == "true"
    assert Scene.objects.filter(production=production).count() == 1


def test_the_key_may_be_an_rfc_8941_string_and_is_the_same_key_unquoted(user, production):
    client = signed_in(user)

    first = client.post("/api/scenes/", scene_body(production), format="json", **keyed('"8e03978e-40d5-43e8-bc93-6894a57f9324"'))
    again = client.post("/api/scenes/", scene_body(production), format="json", **keyed("8e03978e-40d5-43e8-bc93-6894a57f9324"))

    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true" and again.content == first.content
    assert IdempotencyRecord.objects.get().key == "8e03978e-40d5-43e8-bc93-6894a57f9324"


def test_another_users_identical_key_is_their_own(user, crew, production):
    key = str(uuid.uuid4())

    mine = signed_in(user).post("/api/scenes/", scene_body(production, "1"), format="json", **keyed(key))
    theirs = signed_in(crew).post("/api/scenes/", scene_body(production, "2"), format="json", **keyed(key))

    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in theirs and theirs.json()["number"] == "2"
    assert sorted(Scene.objects.filter(production=production).values_list("number", flat=True)) == ["1", "2"]


@pytest.mark.parametrize("change", ["body", "path", "method"])
def test_a_key_reused_for_another_request_is_422_and_runs_nothing(user, production, change, captured_events):
    client, key = signed_in(user), str(uuid.uuid4())
    scene = SceneFactory(production=production)
    client.post("/api/scenes/", scene_body(production, "101"), format="json", **keyed(key))

    with captured_events() as events:
        if change == "body":
            response = client.post("/api/scenes/", scene_body(production, "102"), format="json", **keyed(key))
        elif change == "path":
            response = client.post("/api/shots/", {"scene": scene.pk, "type": "WS"}, format="json", **keyed(key))
        else:
            response = client.patch(f"/api/scenes/{scene.pk}/", {"synopsis": "x", "version": 1}, format="json", **keyed(key))

    assert response.status_code == 422
    assert response.json() == {"message": response.json()["message"], "code": "idempotency_key_reused", "extra": {"header": "Idempotency-Key"}}
    assert sorted(Scene.objects.filter(production=production).values_list("number", flat=True)) == sorted(["101", scene.number])
    scene.refresh_from_db()
    assert (scene.synopsis, scene.version) == ("", 1) and events == []


def test_json_key_order_and_spacing_do_not_make_another_request(user, production):
    client, key = signed_in(user), "spacing"
    client.generic("POST", "/api/scenes/", '{"production": %d, "number": "4"}' % production.pk, "application/json", **keyed(key))

    again = client.generic("POST", "/api/scenes/", '{"number":"4","production":%d}' % production.pk, "application/json", **keyed(key))

    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"


def test_an_update_replayed_with_its_now_stale_version_gets_the_first_answer_not_a_conflict(user, production):
    client, scene = signed_in(user), SceneFactory(production=production)
    change = {"synopsis": "Bob finds the book.", "version": 1}

    first = client.patch(f"/api/scenes/{scene.pk}/", change, format="json", **keyed("patch-1"))
    again = client.patch(f"/api/scenes/{scene.pk}/", change, format="json", **keyed("patch-1"))
    unkeyed = client.patch(f"/api/scenes/{scene.pk}/", change, format="json")

    assert first.status_code == 200 and first.json()["version"] == 2
    assert (again.status_code, again.content, again["Idempotent-Replayed"]) == (200, first.content, "true")
    assert unkeyed.status_code == 409  # without the key the same stale update is refused as always
    scene.refresh_from_db()
    assert scene.version == 2


def test_a_stale_update_keeps_its_409_for_the_repeat(user, crew, production):
    scene = SceneFactory(production=production)
    signed_in(crew).patch(f"/api/scenes/{scene.pk}/", {"synopsis": "Crew's", "version": 1}, format="json")
    client = signed_in(user)

    first = client.patch(f"/api/scenes/{scene.pk}/", {"synopsis": "Mine", "version": 1}, format="json", **keyed("offline-edit"))
    again = client.patch(f"/api/scenes/{scene.pk}/", {"synopsis": "Mine", "version": 1}, format="json", **keyed("offline-edit"))

    assert first.status_code == 409 and first.json()["code"] == "conflict"
    assert (again.status_code, again.content, again["Idempotent-Replayed"]) == (409, first.content, "true")


def test_a_delete_sent_twice_answers_its_first_answer(user, production, captured_events):
    client, scene = signed_in(user), SceneFactory(production=production)

    first = client.delete(f"/api/scenes/{scene.pk}/", **keyed("delete-1"))
    with captured_events() as events:
        again = client.delete(f"/api/scenes/{scene.pk}/", **keyed("delete-1"))

    assert first.status_code == 204
    assert (again.status_code, again.content, again["Idempotent-Replayed"]) == (204, first.content, "true")
    assert not Scene.objects.filter(pk=scene.pk).exists() and events == []


def test_a_created_uploads_location_is_replayed(user, production):
    import base64

    client = signed_in(user)
    meta = ",".join(f"{k} {base64.b64encode(str(v).encode()).decode()}" for k, v in {"production": production.pk, "filename": "a.mov"}.items())
    headers = {"HTTP_TUS_RESUMABLE": "1.0.0", "HTTP_UPLOAD_LENGTH": "100", "HTTP_UPLOAD_METADATA": meta, **keyed("upload-1")}

    first, again = client.post("/api/uploads/", **headers), client.post("/api/uploads/", **headers)

    assert first.status_code == 201 and first["Location"]
    assert (again.status_code, again["Location"], again["Tus-Resumable"], again["Idempotent-Replayed"]) == (201, first["Location"], "1.0.0", "true")


def test_a_tus_chunk_is_left_to_tus_own_offsets(user, production):
    import base64

    from apps.media.models import Upload

    client = signed_in(user)
    meta = f"production {base64.b64encode(str(production.pk).encode()).decode()},filename {base64.b64encode(b'a.mov').decode()}"
    created = client.post("/api/uploads/", HTTP_TUS_RESUMABLE="1.0.0", HTTP_UPLOAD_LENGTH="10", HTTP_UPLOAD_METADATA=meta)
    chunk = {"HTTP_TUS_RESUMABLE": "1.0.0", "HTTP_UPLOAD_OFFSET": "0", **keyed("chunk-1")}

    first = client.generic("PATCH", created["Location"], b"01234", "application/offset+octet-stream", **chunk)
    again = client.generic("PATCH", created["Location"], b"01234", "application/offset+octet-stream", **chunk)

    assert first.status_code == 204 and first["Upload-Offset"] == "5"
    assert again.status_code == 409 and "Idempotent-Replayed" not in again  # tus' own answer: the offset is 5 now
    assert Upload.objects.get().offset == 5
    assert not IdempotencyRecord.objects.exists()


def multipart(boundary: str, photo: bytes) -> bytes:
    return (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.png"\r\nContent-Type: image/png\r\n\r\n'
            ).encode() + photo + f"\r\n--{boundary}--\r\n".encode()


def test_an_upload_sent_again_with_a_new_multipart_boundary_is_the_same_request(user, production):
    client, note = signed_in(user), ContinuityNoteFactory(scene=SceneFactory(production=production))
    photo = image_bytes("PNG")

    answers = [client.generic("POST", f"/api/continuity-notes/{note.pk}/photos/", multipart(boundary, photo),
                              f"multipart/form-data; boundary={boundary}", **keyed("photo-1"))
               for boundary in ("----tablet0000000000000001", "----tablet0000000000000002")]

    assert [a.status_code for a in answers] == [201, 201], answers[0].content
    assert answers[1].content == answers[0].content and answers[1]["Idempotent-Replayed"] == "true"
    assert ContinuityPhoto.objects.filter(note=note).count() == 1


def test_a_server_error_is_not_kept_and_the_repeat_runs(user, production, monkeypatch):
    from apps.scenes.api import SceneViewSet
    from apps.scenes.services import scene_create

    calls = []

    def buggy_once(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise KeyError("a bug")
        return scene_create(**kwargs)

    monkeypatch.setattr(SceneViewSet, "create_service", buggy_once)
    client = signed_in(user)
    client.raise_request_exception = False

    first = client.post("/api/scenes/", scene_body(production), format="json", **keyed("after-a-bug"))
    assert first.status_code == 500 and first.json()["code"] == "server_error"
    assert not IdempotencyRecord.objects.exists()

    again = client.post("/api/scenes/", scene_body(production), format="json", **keyed("after-a-bug"))

    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    assert Scene.objects.filter(production=production).count() == 1 and len(calls) == 2


def test_a_locked_database_while_the_key_is_looked_up_is_503_busy_and_runs_nothing(user, production, monkeypatch):
    from django.db import OperationalError

    def locked(**fields):
        raise OperationalError("database is locked")  # SQLite: another writer held the lock past the busy timeout

    monkeypatch.setattr(IdempotencyRecord.objects, "create", locked)

    response = signed_in(user).post("/api/scenes/", scene_body(production), format="json", **keyed("locked"))

    assert response.status_code == 503 and response["Retry-After"] == "1" and response.json()["code"] == "busy"
    assert not Scene.objects.exists()


def test_a_refusal_by_role_is_not_kept_so_the_same_write_works_once_the_role_allows_it(viewer, production):
    from apps.productions.models import Membership, Role

    client = signed_in(viewer)
    refused = client.post("/api/scenes/", scene_body(production), format="json", **keyed("viewer-1"))
    assert refused.status_code == 403 and not IdempotencyRecord.objects.exists()
    Membership.objects.filter(user=viewer, production=production).update(role=Role.CREW)

    allowed = client.post("/api/scenes/", scene_body(production), format="json", **keyed("viewer-1"))

    assert allowed.status_code == 201 and "Idempotent-Replayed" not in allowed


@pytest.mark.parametrize("raw", ["", "   ", "k" * 256, "caf\u00e9", "tab\there", "bell\x07"])
def test_a_key_that_is_not_1_to_255_printable_ascii_characters_is_400(user, production, raw):
    response = signed_in(user).post("/api/scenes/", scene_body(production), format="json", **keyed(raw))

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_idempotency_key" and set(response.json()) == {"message", "code", "extra"}
    assert not Scene.objects.exists() and not IdempotencyRecord.objects.exists()


def test_a_key_of_255_printable_characters_is_taken(user, production):
    key = ("!~ " * 85)[:254] + "k"

    response = signed_in(user).post("/api/scenes/", scene_body(production), format="json", **keyed(key))

    assert len(key) == 255 and response.status_code == 201
    assert IdempotencyRecord.objects.get().key == key


def test_anonymous_requests_pass_through_without_a_record(user):
    body = {"login": user.username, "password": "correct horse battery"}

    answers = [APIClient().post("/api/auth/login/", body, format="json", **keyed("sign-in")) for _ in range(2)]

    assert [a.status_code for a in answers] == [200, 200]
    assert not any("Idempotent-Replayed" in a for a in answers) and not IdempotencyRecord.objects.exists()


def test_a_refused_token_is_left_to_the_api_to_answer_401(production):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    response = client.post("/api/scenes/", scene_body(production), format="json", **keyed("k"))

    assert response.status_code == 401 and not IdempotencyRecord.objects.exists()


def test_a_read_with_a_key_is_just_a_read(user, production):
    response = signed_in(user).get("/api/scenes/", **keyed("reading"))

    assert response.status_code == 200 and not IdempotencyRecord.objects.exists()


def test_a_repeat_while_the_first_still_runs_is_409_after_the_wait(user, production, settings):
    settings.SLATE_IDEMPOTENCY_WAIT_S = 0.2
    request = APIRequestFactory().post("/api/scenes/", scene_body(production), format="json")
    IdempotencyRecord.objects.create(user=user, key="busy", fingerprint=request_fingerprint(request))

    response = signed_in(user).post("/api/scenes/", scene_body(production), format="json", **keyed("busy"))

    assert response.status_code == 409 and response["Retry-After"] == "1"
    assert response.json()["code"] == "idempotency_in_progress" and "try again" in response.json()["message"]
    assert not Scene.objects.exists()


def test_a_run_left_unfinished_past_the_stale_limit_is_run_again(user, production, settings):
    request = APIRequestFactory().post("/api/scenes/", scene_body(production), format="json")
    record = IdempotencyRecord.objects.create(user=user, key="crashed", fingerprint=request_fingerprint(request))
    IdempotencyRecord.objects.filter(pk=record.pk).update(updated_at=timezone.now() - timedelta(seconds=settings.SLATE_IDEMPOTENCY_STALE_S + 1))

    response = signed_in(user).post("/api/scenes/", scene_body(production), format="json", **keyed("crashed"))

    assert response.status_code == 201 and Scene.objects.count() == 1
    record.refresh_from_db()
    assert (record.state, record.status) == (IdempotencyState.COMPLETE, 201)


def test_an_answer_past_its_keeping_time_is_not_replayed(user, production, settings):
    client = signed_in(user)
    client.post("/api/scenes/", scene_body(production, "1"), format="json", **keyed("yesterday"))
    IdempotencyRecord.objects.update(updated_at=timezone.now() - timedelta(seconds=settings.SLATE_IDEMPOTENCY_KEEP_S + 1))

    response = client.post("/api/scenes/", scene_body(production, "2"), format="json", **keyed("yesterday"))

    assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert IdempotencyRecord.objects.get().fingerprint != ""


def test_the_cleanup_deletes_records_past_the_keeping_time_and_keeps_younger_ones(user, settings):
    now = timezone.now()
    ages = {"old": settings.SLATE_IDEMPOTENCY_KEEP_S + 60, "young": settings.SLATE_IDEMPOTENCY_KEEP_S - 60, "new": 0}
    for key, age_s in ages.items():
        record = IdempotencyRecord.objects.create(user=user, key=key, fingerprint="0" * 64, state=IdempotencyState.COMPLETE, status=201)
        IdempotencyRecord.objects.filter(pk=record.pk).update(updated_at=now - timedelta(seconds=age_s))

    deleted = idempotency_records_delete_expired(now=now)

    assert deleted == 1
    assert sorted(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new", "young"]


def test_the_cleanup_is_an_hourly_task_of_the_worker(user, settings):
    from datetime import datetime

    from huey.contrib.djhuey import HUEY

    from apps.core.tasks import idempotency_records_cleanup

    old = IdempotencyRecord.objects.create(user=user, key="old", fingerprint="0" * 64)
    IdempotencyRecord.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(seconds=settings.SLATE_IDEMPOTENCY_KEEP_S + 1))
    IdempotencyRecord.objects.create(user=user, key="young", fingerprint="0" * 64)

    idempotency_records_cleanup.call_local()

    assert idempotency_records_cleanup.task_class in HUEY._registry._periodic_tasks
    fires = idempotency_records_cleanup.task_class().validate_datetime
    assert [hour for hour in range(24) if fires(datetime(2026, 12, 1, hour, 41))] == list(range(24))
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["young"]


def test_a_fingerprint_does_not_read_a_body_over_a_mebibyte():
    request = APIRequestFactory().generic("POST", "/api/media/", b"x" * (1024 * 1024 + 1), content_type="application/json")

    fingerprint = request_fingerprint(request)

    assert len(fingerprint) == 64 and not hasattr(request, "_body")


def test_the_schema_declares_the_header_on_every_write():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
            assert ("Idempotency-Key" in headers) == (method in ("post", "put", "patch", "delete")), (method, path)
            if method in ("post", "put", "patch", "delete"):
                assert {"400", "409", "422"} <= set(operation["responses"]), (method, path)


@pytest.mark.django_db(transaction=True)
def test_a_repeat_sent_while_the_first_runs_waits_for_it_and_gets_its_answer(user, production, monkeypatch):
    from django.db import connection

    from apps.core import idempotency
    from apps.scenes.api import SceneViewSet
    from apps.scenes.services import scene_create

    first_running, repeat_waiting, release = threading.Event(), threading.Event(), threading.Event()

    def slow_create(**kwargs):  # the first request, held inside its view until the repeat is waiting
        first_running.set()
        assert release.wait(30)
        return scene_create(**kwargs)

    real_sleep = idempotency._sleep

    def watched_sleep(seconds):
        repeat_waiting.set()
        real_sleep(seconds)

    monkeypatch.setattr(SceneViewSet, "create_service", slow_create)
    monkeypatch.setattr(idempotency, "_sleep", watched_sleep)
    answers = {}

    def send(name):
        try:
            answers[name] = signed_in(user).post("/api/scenes/", scene_body(production), format="json", **keyed("twice"))
        finally:
            connection.close()

    first = threading.Thread(target=send, args=("first",))
    first.start()
    assert first_running.wait(30)
    repeat = threading.Thread(target=send, args=("repeat",))
    repeat.start()
    assert repeat_waiting.wait(30)  # the repeat found the key running and polls
    release.set()
    first.join(30)
    repeat.join(30)

    assert answers["first"].status_code == 201, answers["first"].content
    assert (answers["repeat"].status_code, answers["repeat"].content) == (201, answers["first"].content)
    assert answers["repeat"]["Idempotent-Replayed"] == "true"
    assert Scene.objects.filter(production=production).count() == 1


def test_the_settings_are_in_env_example_and_the_readme():
    example, readme = (ROOT / ".env.example").read_text(), (ROOT / "README.md").read_text()

    assert [name for name in SETTINGS if f"\n{name}=" not in example or f"`{name}`" not in readme] == []


def test_keeping_answers_for_less_than_a_day_is_refused_at_start(monkeypatch, tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    for name, value in {"DEBUG": "false", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "slate.example.com",
                        "SLATE_VAR_DIR": str(tmp_path), "SLATE_IDEMPOTENCY_KEEP_S": "3600"}.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(ImproperlyConfigured, match="SLATE_IDEMPOTENCY_KEEP_S must be at least 86400"):
        runpy.run_path(str(ROOT / "project" / "settings.py"))

"""Bad input gets Slate's one error shape `{"message", "code", "extra"}` (apps.core.exceptions)."""
from __future__ import annotations

import json

import pytest

from apps.realtime.models import Event
from apps.scenes.models import Scene
from tests.factories import SceneFactory

pytestmark = pytest.mark.django_db


def test_malformed_json_body_is_400_in_the_error_shape(api, production):
    response = api.post("/api/scenes/", data='{"production": %d, "number": ' % production.pk, content_type="application/json")

    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"message", "code", "extra"}
    assert body["code"] == "parse_error"
    assert body["message"].startswith("JSON parse error")
    assert body["extra"] == {}
    assert not Scene.objects.exists()


def test_malformed_json_on_an_update_changes_nothing(api, production):
    scene = SceneFactory(production=production, synopsis="Before")

    response = api.patch(f"/api/scenes/{scene.pk}/", data="{'synopsis': 'After'}", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    scene.refresh_from_db()
    assert (scene.synopsis, scene.version) == ("Before", 1)


def test_unknown_scene_status_on_create_is_400_with_the_field(api, production, captured_events):
    with captured_events() as events:
        response = api.post("/api/scenes/", {"production": production.pk, "number": "1", "status": "wrapped"}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["extra"]["fields"] == {"status": ['"wrapped" is not a valid choice.']}
    assert body["message"] == 'status: "wrapped" is not a valid choice.'
    assert not Scene.objects.exists()
    assert events == []


def test_unknown_scene_status_on_update_is_400_and_changes_nothing(api, production, captured_events):
    scene = SceneFactory(production=production, status="in_progress")

    with captured_events() as events:
        response = api.patch(f"/api/scenes/{scene.pk}/", {"status": "wrapped", "version": 1}, format="json")

    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == ["status"]
    scene.refresh_from_db()
    assert (scene.status, scene.version) == ("in_progress", 1)
    assert events == []


def test_unknown_status_filter_is_400(api, production):
    SceneFactory(production=production)

    response = api.get("/api/scenes/", {"status": "wrapped"})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "status" in response.json()["extra"]["fields"]


def test_model_validation_from_the_service_is_400_with_fields(api, production, captured_events):
    """`full_clean` in the service (here: the scene number rule) is rendered like serializer errors."""
    with captured_events() as events:
        response = api.post("/api/scenes/", {"production": production.pk, "number": "12 A!"}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["extra"]["fields"]) == ["number"]
    assert body["message"].startswith("number: A scene number is letters and digits")
    assert not Scene.objects.exists()
    assert events == []


def test_duplicate_scene_number_in_a_production_is_400(api, production, captured_events):
    SceneFactory(production=production, number="12A")

    with captured_events() as events:
        response = api.post("/api/scenes/", {"production": production.pk, "number": "12A"}, format="json")

    assert response.status_code == 400
    assert response.json()["message"] == "This production already has a scene with that number."
    assert Scene.objects.filter(production=production).count() == 1
    assert events == []


def test_same_scene_number_in_another_production_is_fine(api, production, make_production, user):
    second = make_production(owner=user)
    SceneFactory(production=second, number="12A")

    response = api.post("/api/scenes/", {"production": production.pk, "number": "12A"}, format="json")

    assert response.status_code == 201
    assert Scene.objects.filter(number="12A").count() == 2


def test_a_take_both_circled_and_no_good_is_400(api, production):
    from tests.factories import ShotFactory

    shot = ShotFactory(scene=SceneFactory(production=production))

    response = api.post("/api/takes/", {"shot": shot.pk, "circled": True, "no_good": True}, format="json")

    assert response.status_code == 400
    assert response.json()["message"] == "A take cannot be both circled and NG."
    assert not shot.takes.exists()
    assert not Event.objects.exists()


def test_unknown_url_is_404_in_the_error_shape(api, production):
    response = api.get("/api/scenes/999999/")

    assert response.status_code == 404
    assert response.json() == {"message": "Not found.", "code": "not_found", "extra": {}}


def test_a_transient_database_failure_is_503_busy_with_retry_after(api, production, monkeypatch):
    import psycopg
    from django.db import OperationalError

    from apps.scenes.api import SceneViewSet
    from apps.scenes.services import scene_create

    def deadlocked(**kwargs):  # the scene is written, then PostgreSQL breaks a deadlock by aborting the transaction
        from django.db import transaction

        with transaction.atomic():
            scene_create(**kwargs)
            error = OperationalError("deadlock detected")
            error.__cause__ = psycopg.errors.DeadlockDetected("deadlock detected")
            raise error

    monkeypatch.setattr(SceneViewSet, "create_service", deadlocked)

    response = api.post("/api/scenes/", {"production": production.pk, "number": "1"}, format="json")

    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    assert response.json()["code"] == "busy"
    assert "nothing was saved" in response.json()["message"]
    assert not Scene.objects.filter(production=production).exists()


@pytest.mark.parametrize("content_type", ["application/json", "multipart/form-data; boundary=b"])
def test_a_body_past_the_servers_read_limit_is_413_and_nothing_is_written(api, production, settings, content_type, captured_events):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    synopsis = "x" * 2000
    body = (json.dumps({"production": production.pk, "number": "1", "synopsis": synopsis}) if content_type == "application/json" else
            f'--b\r\nContent-Disposition: form-data; name="synopsis"\r\n\r\n{synopsis}\r\n--b--\r\n')

    with captured_events() as events:
        response = api.generic("POST", "/api/scenes/", data=body, content_type=content_type)

    assert response.status_code == 413
    assert response.json() == {"message": "The request body is larger than the 1000 bytes this server reads.", "code": "too_large",
                               "extra": {"limit_bytes": 1000}}
    assert not Scene.objects.exists() and events == []


def test_a_form_with_more_fields_than_django_reads_is_400(api, production, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    body = "&".join(f"f{i}=1" for i in range(20))

    response = api.generic("POST", "/api/scenes/", data=body, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
    assert not Scene.objects.exists()


# --- a bug (an exception nobody expected) in an API view ----------------------------------------------

def _buggy_api_view():
    from rest_framework.views import APIView

    class Buggy(APIView):
        def get(self, request):
            return {}["missing"]  # KeyError: a bug, not bad input

    return Buggy.as_view()


def _buggy_plain_view(request):
    raise ZeroDivisionError("a bug")


def _missing_plain_view(request):
    from django.http import Http404

    raise Http404("no such thing")


def _urlpatterns():
    from django.urls import include, path

    return [path("api/test-bug/drf/", _buggy_api_view()), path("api/test-bug/plain/", _buggy_plain_view),
            path("api/test-missing/plain/", _missing_plain_view), path("outside/test-bug/", _buggy_plain_view),
            path("", include("project.urls"))]


urlpatterns = _urlpatterns()  # this module is the ROOT_URLCONF of the tests below


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize("path, exception", [("/api/test-bug/drf/", "KeyError"), ("/api/test-bug/plain/", "ZeroDivisionError")])
def test_a_bug_in_an_api_view_is_a_json_500_in_debug_too_and_is_logged_with_its_traceback(api, settings, caplog, debug, path, exception):
    settings.ROOT_URLCONF, settings.DEBUG = __name__, debug
    api.raise_request_exception = False

    with caplog.at_level("ERROR", logger="django.request"):
        response = api.get(path, HTTP_ACCEPT="text/html,application/json")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"message": "Something went wrong on the server; it has been logged.", "code": "server_error", "extra": {}}
    logged = [r for r in caplog.records if r.name == "django.request" and r.levelname == "ERROR"]
    assert len(logged) == 1 and logged[0].getMessage() == f"Internal Server Error: {path}"
    assert logged[0].exc_info[0].__name__ == exception


def test_a_bug_outside_the_api_keeps_djangos_own_500(client, settings):
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False

    response = client.get("/outside/test-bug/")

    assert response.status_code == 500
    assert not response["Content-Type"].startswith("application/json")


def test_the_test_client_still_raises_a_bug_in_an_api_view(api, settings):
    settings.ROOT_URLCONF = __name__

    with pytest.raises(KeyError):
        api.get("/api/test-bug/drf/")


@pytest.mark.parametrize("debug", [True, False])
def test_an_expected_failure_in_a_plain_api_view_is_answered_as_drf_views_answer_it(api, settings, caplog, debug):
    settings.ROOT_URLCONF, settings.DEBUG = __name__, debug

    response = api.get("/api/test-missing/plain/")

    assert response.status_code == 404
    assert response.json() == {"message": "Not found.", "code": "not_found", "extra": {}}
    assert not [r for r in caplog.records if r.levelname == "ERROR"]

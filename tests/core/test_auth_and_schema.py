"""The API through real authentication (session + CSRF, JWT bearer), and its OpenAPI schema."""
from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from apps.scenes.models import Scene
from tests.factories import SceneFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # tests.factories.UserFactory


def test_browser_session_login_then_csrf_protected_write(user, production, captured_events):
    # given a browser that signs in with its session (CSRF checks on, as in a real browser)
    browser = APIClient(enforce_csrf_checks=True)
    login = browser.post("/api/auth/login/", {"login": user.email, "password": PASSWORD}, format="json")
    assert login.status_code == 200
    assert login.json()["id"] == user.pk
    assert "sessionid" in browser.cookies
    csrf = browser.cookies["csrftoken"].value
    body = {"production": production.pk, "number": "1", "location": "LIBRARY"}

    # when it writes without the CSRF header, then with it
    with captured_events() as refused_events:
        refused = browser.post("/api/scenes/", body, format="json")
    with captured_events() as events:
        accepted = browser.post("/api/scenes/", body, format="json", HTTP_X_CSRFTOKEN=csrf)

    # then only the write carrying the token goes through, and it is the signed-in user's
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    assert "CSRF" in refused.json()["message"]
    assert refused_events == []
    assert accepted.status_code == 201, accepted.content
    assert Scene.objects.get().location == "LIBRARY"
    assert [e["type"] for e in events] == ["scene.created", "production.updated"]
    assert browser.get(f"/api/scenes/{accepted.json()['id']}/").json() == accepted.json()


def test_me_sets_the_csrf_cookie_only_when_the_browser_has_none(user):
    # given a browser signed in with its session (the sign-in set the CSRF cookie)
    browser = APIClient(enforce_csrf_checks=True)
    assert browser.post("/api/auth/login/", {"login": user.email, "password": PASSWORD}, format="json").status_code == 200
    token = browser.cookies["csrftoken"].value

    # when the app asks who is signed in, with the cookie and then without it
    with_cookie = browser.get("/api/auth/me/")
    del browser.cookies["csrftoken"]
    without = browser.get("/api/auth/me/")

    # then only the browser that had none is given one (no cookie is written on every load: apps/core/csrf.py)
    assert with_cookie.status_code == 200 and not with_cookie.cookies
    assert without.status_code == 200
    assert without.cookies["csrftoken"].value and without.cookies["csrftoken"].value != token


def test_wrong_password_does_not_sign_in(user):
    browser = APIClient()

    response = browser.post("/api/auth/login/", {"login": user.username, "password": "wrong"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"message": "Wrong username/email or password.", "code": "invalid_credentials", "extra": {}}
    assert "sessionid" not in browser.cookies
    assert browser.get("/api/productions/").status_code == 401


def test_jwt_bearer_client_reads_and_writes(user, production, captured_events):
    # given a tablet that got a JWT pair with username and password
    tablet = APIClient()
    pair = tablet.post("/api/auth/token/", {"username": user.username, "password": PASSWORD}, format="json")
    assert pair.status_code == 200
    access = pair.json()["access"]
    scene = SceneFactory(production=production, status="not_started")

    # when it sends the access token as a Bearer header (no session, no CSRF)
    tablet.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    listed = tablet.get("/api/scenes/")
    with captured_events() as events:
        moved = tablet.patch(f"/api/scenes/{scene.pk}/", {"status": "in_progress", "version": 1}, format="json")

    # then it is the user, scoped to their productions
    assert [row["id"] for row in listed.json()["results"]] == [scene.pk]
    assert moved.status_code == 200
    assert moved.json()["status"] == "in_progress"
    assert [e["type"] for e in events] == ["scene.updated", "production.updated"]
    scene.refresh_from_db()
    assert (scene.status, scene.version) == ("in_progress", 2)


def test_forged_bearer_token_is_refused(user, production):
    scene = SceneFactory(production=production, synopsis="Before")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not.a.token")

    response = client.patch(f"/api/scenes/{scene.pk}/", {"synopsis": "After", "version": 1}, format="json")

    # 401 with WWW-Authenticate: Bearer (JWT is the first authentication class), so a client refreshes its token
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json() == {"message": "Given token not valid for any token type", "code": "token_not_valid", "extra": {}}
    scene.refresh_from_db()
    assert scene.synopsis == "Before"


def test_openapi_schema_is_served_without_warnings(api):
    from drf_spectacular.drainage import GENERATOR_STATS

    GENERATOR_STATS.reset()

    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Slate API"
    for path in ["/api/productions/", "/api/productions/{production_pk}/members/", "/api/scenes/", "/api/shots/", "/api/takes/",
                 "/api/characters/", "/api/cast-members/", "/api/props/", "/api/locations/", "/api/continuity-notes/",
                 "/api/continuity-notes/{id}/photos/", "/api/continuity-photos/", "/api/continuity-photos/{id}/file/",
                 "/api/comments/"]:
        assert path in schema["paths"], path
    assert dict(GENERATOR_STATS._warn_cache) == {}
    assert dict(GENERATOR_STATS._error_cache) == {}

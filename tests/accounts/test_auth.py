"""Accounts: registration with email verification, session sign-in, JWT, sign-out."""
from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "a long crew password 42"


@pytest.fixture
def register(django_capture_on_commit_callbacks):
    """POST /api/auth/register/ and run its commit hooks (the verification email goes out on commit)."""

    def run(client, **overrides):
        body = {"username": "ana", "email": "Ana@Example.com", "password": PASSWORD, "name": "Ana Ruiz", **overrides}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/api/auth/register/", body, format="json")

    return run


def _link_parts(message) -> dict:
    return dict(re.findall(r"(uid|token)=([\w-]+)", message.body))


def test_registration_creates_an_unverified_user_and_emails_a_verification_link(register):
    client = APIClient()

    response = register(client)

    assert response.status_code == 201
    assert response.json()["email_verified"] is False
    user = User.objects.get(username="ana")
    assert user.email == "ana@example.com"
    assert user.check_password(PASSWORD)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ana@example.com"]
    assert set(_link_parts(mail.outbox[0])) == {"uid", "token"}


def test_an_unverified_user_can_neither_sign_in_nor_get_a_token(register):
    client = APIClient()
    register(client)

    session = client.post("/api/auth/login/", {"login": "ana", "password": PASSWORD}, format="json")
    token = client.post("/api/auth/token/", {"username": "ana", "password": PASSWORD}, format="json")

    assert (session.status_code, session.json()["code"]) == (403, "email_unverified")
    assert (token.status_code, token.json()["code"]) == (403, "email_unverified")
    assert "_auth_user_id" not in client.session


def test_the_emailed_link_verifies_the_address_and_then_sign_in_works_by_username_or_email(register):
    client = APIClient()
    register(client)

    verified = client.post("/api/auth/verify-email/", _link_parts(mail.outbox[0]), format="json")
    by_email = APIClient().post("/api/auth/login/", {"login": "ANA@example.com", "password": PASSWORD}, format="json")
    by_name = client.post("/api/auth/login/", {"login": "ana", "password": PASSWORD}, format="json")

    assert verified.status_code == 200
    assert verified.json()["email_verified"] is True
    assert by_email.status_code == 200
    assert by_name.status_code == 200
    assert client.get("/api/auth/me/").json()["username"] == "ana"


def test_a_forged_verification_token_or_uid_is_refused(register):
    client = APIClient()
    register(client)
    parts = _link_parts(mail.outbox[0])

    forged = client.post("/api/auth/verify-email/", {**parts, "token": "abc-123"}, format="json")
    garbage_uid = client.post("/api/auth/verify-email/", {**parts, "uid": "!!"}, format="json")

    assert (forged.status_code, forged.json()["code"]) == (400, "invalid_token")
    assert (garbage_uid.status_code, garbage_uid.json()["code"]) == (400, "invalid_token")
    assert User.objects.get(username="ana").email_verified is False


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"username": "ANA"}, "username"), ({"email": "ana@EXAMPLE.com", "username": "ana2"}, "email"), ({"username": "x y"}, "username")],
)
def test_registration_refuses_a_taken_or_invalid_username_or_email(register, overrides, field):
    register(APIClient())
    mail.outbox.clear()

    response = register(APIClient(), **overrides)

    assert response.status_code == 400
    assert field in response.json()["extra"]["fields"]
    assert User.objects.count() == 1
    assert mail.outbox == []


def test_registration_refuses_a_weak_password_with_the_validators_reason(register):
    response = register(APIClient(), password="password")

    assert response.status_code == 400
    assert "password" in response.json()["extra"]["fields"]
    assert not User.objects.filter(username="ana").exists()


def test_a_wrong_password_gets_the_same_answer_as_an_unknown_user(make_user):
    make_user(username="marco")

    wrong = APIClient().post("/api/auth/login/", {"login": "marco", "password": "nope"}, format="json")
    unknown = APIClient().post("/api/auth/login/", {"login": "nobody", "password": "nope"}, format="json")

    assert wrong.status_code == unknown.status_code == 400
    assert wrong.json() == unknown.json()
    assert wrong.json()["code"] == "invalid_credentials"


def test_sign_out_ends_the_session(make_user):
    make_user(username="marco")
    client = APIClient()
    client.post("/api/auth/login/", {"login": "marco", "password": "correct horse battery"}, format="json")
    assert client.get("/api/auth/me/").status_code == 200

    client.post("/api/auth/logout/")

    assert client.get("/api/auth/me/").status_code in (401, 403)


def test_a_refresh_token_gives_a_new_access_token(make_user):
    make_user(username="marco")
    client = APIClient()
    pair = client.post("/api/auth/token/", {"username": "marco", "password": "correct horse battery"}, format="json").json()

    refreshed = client.post("/api/auth/token/refresh/", {"refresh": pair["refresh"]}, format="json")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {refreshed.json()['access']}")

    assert refreshed.status_code == 200
    assert client.get("/api/auth/me/").json()["username"] == "marco"


@pytest.fixture
def auth_rate_of_3(monkeypatch):
    """The production-style limit, lowered to 3 a minute (tests.settings lifts it for the rest of the suite), counted
    afresh for the test client's address. Only that count is deleted: the cache is the shared Redis (no FLUSHDB)."""
    from django.core.cache import cache
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "3/min"})
    cache.delete("throttle_auth_127.0.0.1")
    yield
    cache.delete("throttle_auth_127.0.0.1")


def test_sign_in_attempts_over_the_auth_rate_are_429(make_user, auth_rate_of_3):
    make_user(username="ana", password="correct horse battery")
    client = APIClient()

    answers = [client.post("/api/auth/token/", {"username": "ana", "password": "wrong"}, format="json")
               for _ in range(4)]

    assert [a.status_code for a in answers] == [401, 401, 401, 429]
    assert answers[3].json()["code"] == "throttled"


def test_the_sign_in_rate_is_one_count_shared_by_every_web_process(make_user, auth_rate_of_3):
    # given three wrong passwords sent to this process (the whole rate)
    import json
    import os
    import subprocess
    import sys

    from django.conf import settings

    make_user(username="ana", password="correct horse battery")
    here = [APIClient().post("/api/auth/token/", {"username": "ana", "password": "wrong"}, format="json").status_code
            for _ in range(3)]

    # when a fourth arrives at another web process (its own Python, same Redis, same limit)
    other_process = (
        "import django, json; django.setup()\n"
        "from django.test import Client\n"
        "r = Client().post('/api/auth/token/', {'username': 'ana', 'password': 'wrong'}, content_type='application/json')\n"
        "print(json.dumps([r.status_code, r.json()['code']]))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "project.settings", "DEBUG": "false", "SECRET_KEY": settings.SECRET_KEY,
           "ALLOWED_HOSTS": "testserver", "REDIS_URL": settings.REDIS_URL, "SLATE_AUTH_THROTTLE": "3/min",
           "SLATE_CHANNEL_PREFIX": settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"]}
    done = subprocess.run([sys.executable, "-c", other_process], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True,
                          timeout=60)

    # then it is refused there: the count lives in Redis, not in each process
    assert here == [401, 401, 401]
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [429, "throttled"]


def test_sign_in_still_works_while_redis_does_not_answer(make_user, auth_rate_of_3, settings, caplog):
    make_user(username="ana", password="correct horse battery")
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": "unix:///nonexistent/slate-redis.sock"}}

    answers = [APIClient().post("/api/auth/token/", {"username": "ana", "password": pw}, format="json")
               for pw in ("wrong", "wrong", "wrong", "wrong", "correct horse battery")]

    assert [a.status_code for a in answers] == [401, 401, 401, 401, 200]
    assert "rate limit 'auth' not checked, Redis did not answer" in caplog.text

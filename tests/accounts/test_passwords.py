"""Self-service accounts: password reset by email, change of password and of name, and what each revokes."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient

from apps.accounts.passwords import PasswordResetTokens
from apps.accounts.services import email_verification_token

pytestmark = pytest.mark.django_db
OLD = "correct horse battery"  # tests/factories.py
NEW = "a brand new crew password 77"


@pytest.fixture
def ask_reset(django_capture_on_commit_callbacks):
    """POST /api/auth/password-reset/ and run its commit hooks (the email goes out on commit)."""

    def run(email):
        with django_capture_on_commit_callbacks(execute=True):
            return APIClient().post("/api/auth/password-reset/", {"email": email}, format="json")

    return run


def _link(message) -> dict:
    match = re.search(r"/reset-password\?uid=([\w-]+)&token=([\w-]+)", message.body)
    assert match, message.body
    return {"uid": match[1], "token": match[2]}


def _session(login: str, password: str) -> APIClient:
    client = APIClient()
    assert client.post("/api/auth/login/", {"login": login, "password": password}, format="json").status_code == 200
    return client


def _jwt(login: str, password: str) -> dict:
    response = APIClient().post("/api/auth/token/", {"username": login, "password": password}, format="json")
    assert response.status_code == 200
    return response.json()


def _bearer(access: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


def _assert_revoked(session: APIClient | None, pair: dict) -> None:
    """The browser session (if any) is signed out; the JWT pair's access token and refresh token are refused."""
    if session is not None:
        assert session.get("/api/auth/me/").status_code in (401, 403)
    assert _bearer(pair["access"]).get("/api/auth/me/").status_code == 401
    assert APIClient().post("/api/auth/token/refresh/", {"refresh": pair["refresh"]}, format="json").status_code == 401


def test_a_reset_request_answers_the_same_for_a_known_and_an_unknown_address(make_user, ask_reset):
    make_user(username="marco")

    known = ask_reset("MARCO@example.com")
    unknown = ask_reset("nobody@example.com")

    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert [m.to for m in mail.outbox] == [["marco@example.com"]]
    assert set(_link(mail.outbox[0])) == {"uid", "token"}


def test_the_emailed_link_sets_a_new_password_once_and_the_old_one_is_refused(make_user, ask_reset):
    make_user(username="marco")
    ask_reset("marco@example.com")
    link = _link(mail.outbox[0])

    first = APIClient().post("/api/auth/password-reset/confirm/", {**link, "password": NEW}, format="json")
    again = APIClient().post("/api/auth/password-reset/confirm/", {**link, "password": "yet another password 5"}, format="json")
    old = APIClient().post("/api/auth/login/", {"login": "marco", "password": OLD}, format="json")

    assert first.status_code == 200
    assert (again.status_code, again.json()["code"]) == (400, "invalid_token")
    assert (old.status_code, old.json()["code"]) == (400, "invalid_credentials")
    _session("marco", NEW)


def test_an_expired_reset_link_is_refused(make_user, settings):
    user = make_user(username="marco")
    settings.PASSWORD_RESET_TIMEOUT = 3600

    class AnHourAgo(PasswordResetTokens):
        def _now(self):
            return datetime.now() - timedelta(seconds=3601)

    token = AnHourAgo().make_token(user)

    response = APIClient().post("/api/auth/password-reset/confirm/",
                                {"uid": urlsafe_base64_encode(force_bytes(user.pk)), "token": token, "password": NEW}, format="json")

    assert (response.status_code, response.json()["code"]) == (400, "invalid_token")
    user.refresh_from_db()
    assert user.check_password(OLD)


def test_an_email_verification_token_is_not_a_reset_token(make_user):
    user = make_user(username="marco")
    uid, token = email_verification_token(user)

    response = APIClient().post("/api/auth/password-reset/confirm/", {"uid": uid, "token": token, "password": NEW}, format="json")

    assert (response.status_code, response.json()["code"]) == (400, "invalid_token")


def test_a_weak_new_password_is_refused_and_the_link_still_works(make_user, ask_reset):
    make_user(username="marco")
    ask_reset("marco@example.com")
    link = _link(mail.outbox[0])

    weak = APIClient().post("/api/auth/password-reset/confirm/", {**link, "password": "password"}, format="json")
    good = APIClient().post("/api/auth/password-reset/confirm/", {**link, "password": NEW}, format="json")

    assert (weak.status_code, list(weak.json()["extra"]["fields"])) == (400, ["password"])
    assert good.status_code == 200


def test_a_reset_signs_out_every_session_and_revokes_every_jwt(make_user, ask_reset):
    make_user(username="marco")
    browser = _session("marco", OLD)
    pair = _jwt("marco", OLD)
    ask_reset("marco@example.com")

    APIClient().post("/api/auth/password-reset/confirm/", {**_link(mail.outbox[0]), "password": NEW}, format="json")

    _assert_revoked(browser, pair)


def test_change_password_needs_the_current_one(make_user):
    make_user(username="marco")
    client = _session("marco", OLD)

    wrong = client.post("/api/auth/password/", {"current_password": "nope", "new_password": NEW}, format="json")
    weak = client.post("/api/auth/password/", {"current_password": OLD, "new_password": "password"}, format="json")

    assert (wrong.status_code, wrong.json()["code"], list(wrong.json()["extra"]["fields"])) == (400, "wrong_password", ["current_password"])
    assert (weak.status_code, list(weak.json()["extra"]["fields"])) == (400, ["new_password"])
    _session("marco", OLD)


def test_change_password_keeps_this_session_and_signs_out_the_others(make_user):
    make_user(username="marco")
    this, other = _session("marco", OLD), _session("marco", OLD)
    pair = _jwt("marco", OLD)

    changed = this.post("/api/auth/password/", {"current_password": OLD, "new_password": NEW}, format="json")

    assert changed.status_code == 200
    assert "refresh" not in changed.json()
    assert this.get("/api/auth/me/").status_code == 200
    _assert_revoked(other, pair)


def test_a_jwt_client_changing_its_password_gets_a_new_pair_and_the_old_one_is_revoked(make_user):
    make_user(username="marco")
    old = _jwt("marco", OLD)

    changed = _bearer(old["access"]).post("/api/auth/password/", {"current_password": OLD, "new_password": NEW}, format="json")

    assert changed.status_code == 200
    assert _bearer(changed.json()["access"]).get("/api/auth/me/").status_code == 200
    assert APIClient().post("/api/auth/token/refresh/", {"refresh": changed.json()["refresh"]}, format="json").status_code == 200
    _assert_revoked(None, old)


def test_change_password_and_name_need_someone_signed_in():
    assert APIClient().post("/api/auth/password/", {"current_password": OLD, "new_password": NEW}, format="json").status_code in (401, 403)
    assert APIClient().patch("/api/auth/account/", {"name": "Ana"}, format="json").status_code in (401, 403)


def test_change_name_shows_the_new_name_and_a_too_long_one_is_refused(make_user):
    make_user(username="marco", name="")
    client = _session("marco", OLD)

    renamed = client.patch("/api/auth/account/", {"name": "  Marco Bellini "}, format="json")
    too_long = client.patch("/api/auth/account/", {"name": "x" * 151}, format="json")
    cleared = client.patch("/api/auth/account/", {"name": ""}, format="json")

    assert (renamed.json()["name"], renamed.json()["display_name"]) == ("Marco Bellini", "Marco Bellini")
    assert (too_long.status_code, list(too_long.json()["extra"]["fields"])) == (400, ["name"])
    assert cleared.json()["display_name"] == "marco"

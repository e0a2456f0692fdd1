"""Changing one's email address: a link to the new address, a notice to the old one, nothing changes until the link
is followed; an address in use answers the same and never changes hands."""
from __future__ import annotations

import re

import pytest
from django.core import mail
from rest_framework.test import APIClient

from apps.accounts.models import User
from tests.accounts.clients import PASSWORD, session_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def ask(django_capture_on_commit_callbacks):
    """POST /api/me/email/ as `client` and run its commit hooks (the mails go out on commit)."""

    def run(client, email, password=PASSWORD):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/api/me/email/", {"email": email, "password": password}, format="json")

    return run


def _token(message) -> str:
    match = re.search(r"/verify-email-change\?token=([\w:.-]+)", message.body)
    assert match, message.body
    return match[1]


def _confirm(token: str):
    return APIClient().post("/api/me/email/confirm/", {"token": token}, format="json")


def test_the_new_address_gets_a_link_the_old_one_a_notice_and_nothing_changes_yet(make_user, ask):
    make_user(username="marco")
    marco = session_client("marco")

    answer = ask(marco, "Marco.New@Example.com")

    assert (answer.status_code, answer.json()) == (202, {"email": "marco@example.com", "pending_email": "marco.new@example.com"})
    assert sorted(m.to[0] for m in mail.outbox) == ["marco.new@example.com", "marco@example.com"]
    assert User.objects.get(username="marco").email == "marco@example.com"
    assert marco.get("/api/me/email/").json()["pending_email"] == "marco.new@example.com"
    notice = next(m for m in mail.outbox if m.to == ["marco@example.com"])
    assert "verify-email-change" not in notice.body


def test_following_the_link_changes_the_address_once(make_user, ask):
    make_user(username="marco")
    marco = session_client("marco")
    ask(marco, "marco.new@example.com")
    token = _token(next(m for m in mail.outbox if m.to == ["marco.new@example.com"]))

    first, again = _confirm(token), _confirm(token)

    assert (first.status_code, first.json()["email"]) == (200, "marco.new@example.com")
    assert (again.status_code, again.json()["code"]) == (400, "invalid_token")
    assert marco.get("/api/me/email/").json() == {"email": "marco.new@example.com", "pending_email": ""}
    session_client("marco.new@example.com")  # signs in with the new address


def test_a_wrong_password_changes_nothing_and_sends_nothing(make_user, ask):
    make_user(username="marco")

    answer = ask(session_client("marco"), "marco.new@example.com", password="not it")

    assert (answer.status_code, answer.json()["code"]) == (400, "wrong_password")
    assert User.objects.get(username="marco").pending_email == ""
    assert mail.outbox == []


def test_an_address_in_use_answers_the_same_and_never_changes_hands(make_user, ask):
    make_user(username="marco")
    make_user(username="ana")
    marco = session_client("marco")

    taken = ask(marco, "ana@example.com")
    to_ana = [m for m in mail.outbox if m.to == ["ana@example.com"]]
    free = ask(session_client("ana"), "ana.two@example.com")

    assert (taken.status_code, set(taken.json())) == (free.status_code, set(free.json())) == (202, {"email", "pending_email"})
    assert len(to_ana) == 1 and "nothing changed" in to_ana[0].body and "verify-email-change" not in to_ana[0].body
    assert User.objects.get(username="marco").email == "marco@example.com"
    assert User.objects.get(username="ana").email == "ana@example.com"


def test_a_link_whose_address_was_taken_meanwhile_is_refused(make_user, ask):
    make_user(username="marco")
    ask(session_client("marco"), "free@example.com")
    token = _token(next(m for m in mail.outbox if m.to == ["free@example.com"]))
    make_user(username="free")  # free@example.com

    answer = _confirm(token)

    assert (answer.status_code, answer.json()["code"]) == (400, "email_taken")
    assert User.objects.get(username="marco").email == "marco@example.com"


def test_a_later_request_or_a_cancel_spends_the_earlier_link(make_user, ask):
    make_user(username="marco")
    marco = session_client("marco")
    ask(marco, "first@example.com")
    first = _token(next(m for m in mail.outbox if m.to == ["first@example.com"]))
    ask(marco, "second@example.com")
    second = _token(next(m for m in mail.outbox if m.to == ["second@example.com"]))

    assert _confirm(first).json()["code"] == "invalid_token"
    assert marco.delete("/api/me/email/").json() == {"email": "marco@example.com", "pending_email": ""}
    assert _confirm(second).json()["code"] == "invalid_token"
    assert User.objects.get(username="marco").email == "marco@example.com"


def test_an_expired_or_tampered_link_is_refused(make_user, ask, settings):
    make_user(username="marco")
    ask(session_client("marco"), "marco.new@example.com")
    token = _token(next(m for m in mail.outbox if m.to == ["marco.new@example.com"]))

    tampered = _confirm(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    settings.SLATE_EMAIL_CHANGE_TIMEOUT_S = -1
    expired = _confirm(token)

    assert tampered.json()["code"] == expired.json()["code"] == "invalid_token"
    assert User.objects.get(username="marco").email == "marco@example.com"


def test_ones_own_address_is_refused(make_user, ask):
    make_user(username="marco")

    answer = ask(session_client("marco"), "MARCO@example.com")

    assert (answer.status_code, list(answer.json()["extra"]["fields"])) == (400, ["email"])

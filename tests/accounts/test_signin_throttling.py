"""Sign-in throttling (issue 18): per address (`auth` rate) and per account (failed sign-ins, SLATE_SIGNIN_LOCKOUT),
on the session sign-in and the JWT pair, through the real views, signals and Redis cache (apps/core/throttling.py)."""
from __future__ import annotations

import secrets

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from apps.core.throttling import failures_key

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"   # tests.factories.UserFactory's


@pytest.fixture
def ana(make_user, settings):
    """A verified user with a name of her own (the counts live in the run's shared Redis), locked after 3 failures."""
    settings.SLATE_SIGNIN_LOCKOUT = "3/hour"
    user = make_user(username=f"ana-{secrets.token_hex(4)}")
    yield user
    cache.delete_many([failures_key(user.username), failures_key(user.email)])


def sign_in(login: str, password: str, *, address: str = "10.0.0.1"):
    return APIClient(REMOTE_ADDR=address).post("/api/auth/login/", {"login": login, "password": password}, format="json")


def token(login: str, password: str, *, address: str = "10.0.0.1"):
    return APIClient(REMOTE_ADDR=address).post("/api/auth/token/", {"username": login, "password": password}, format="json")


def test_an_account_is_locked_after_its_failed_sign_ins_from_any_address(ana):
    # given three wrong passwords, each from another address
    wrong = [sign_in(ana.username, "wrong", address=f"10.0.1.{n}").status_code for n in range(3)]

    # when the right password comes from a fourth address
    locked = sign_in(ana.username, PASSWORD, address="10.0.2.1")

    # then it is refused with a clear lock-out notice and when to come back
    assert wrong == [400, 400, 400]
    assert locked.status_code == 429
    body = locked.json()
    assert body["code"] == "signin_locked"
    assert body["message"].startswith("Too many failed sign-ins for this account")
    assert "Expected available in" in body["message"]
    assert 0 < int(locked["Retry-After"]) <= 3600


def test_the_token_endpoint_shares_the_accounts_count(ana):
    answers = [token(ana.username, "wrong").status_code for _ in range(3)]
    answers += [sign_in(ana.username, PASSWORD).status_code, token(ana.username, PASSWORD).status_code]

    assert answers == [401, 401, 401, 429, 429]


def test_the_login_is_counted_trimmed_and_in_any_case(ana):
    for login in (ana.username.upper(), f" {ana.username} ", ana.username):
        sign_in(login, "wrong")

    assert sign_in(ana.username, PASSWORD).json()["code"] == "signin_locked"


def test_another_account_is_not_locked_by_anas_failures(ana, make_user):
    other = make_user()
    for _ in range(3):
        sign_in(ana.username, "wrong")

    assert sign_in(other.username, PASSWORD).status_code == 200


def test_a_successful_sign_in_forgets_the_failures(ana):
    for _ in range(2):
        sign_in(ana.username, "wrong")
    assert sign_in(ana.username, PASSWORD).status_code == 200

    answers = [sign_in(ana.username, "wrong").status_code for _ in range(2)]

    assert answers == [400, 400]
    assert sign_in(ana.username, PASSWORD).status_code == 200


def test_the_failures_are_logged(ana, caplog):
    for _ in range(4):
        sign_in(ana.username, "wrong", address="10.9.9.9")

    assert "failed sign-in for account" in caplog.text and "10.9.9.9" in caplog.text
    assert "locked after 3 failed sign-ins" in caplog.text


@pytest.fixture
def auth_rate_of_2(monkeypatch):
    """The per-address rate lowered to 2 a minute for one address of this test's own."""
    from rest_framework.throttling import ScopedRateThrottle

    address = f"10.7.{secrets.randbelow(250)}.{secrets.randbelow(250)}"
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "2/min"})
    yield address
    cache.delete(f"throttle_auth_{address}")


def test_one_address_past_the_auth_rate_gets_a_429_naming_the_address(make_user, auth_rate_of_2):
    users = [make_user() for _ in range(3)]

    answers = [sign_in(user.username, PASSWORD, address=auth_rate_of_2) for user in users]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].json()["code"] == "throttled"
    assert answers[2].json()["message"].startswith("Too many attempts to sign in or register from this address.")
    assert 0 < int(answers[2]["Retry-After"]) <= 60

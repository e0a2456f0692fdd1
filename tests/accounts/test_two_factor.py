"""Two-factor authentication (issue 18): setting it up, signing in with the app's code or a recovery code (session and
JWT), refusal without one or with a wrong one, turning it off, new recovery codes — through the real views, django-otp's
devices and the sign-in lock-out. Codes are computed from the secret the API hands out (RFC 6238, django_otp.oath);
only the clock django-otp's TOTP device reads is set by the test, so each sign-in can use the next 30-second step's code."""
from __future__ import annotations

import base64
import secrets

import pytest
from django.core.cache import cache
from django_otp.oath import TOTP
from rest_framework.test import APIClient

from apps.core.throttling import failures_key

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"  # tests.factories.UserFactory's


class Clock:
    """The time django-otp's TOTP device reads (`time.time()` in its module), moved on by whole 30-second steps."""

    def __init__(self):
        self.now = 1_800_000_000.0

    def time(self) -> float:
        return self.now

    def step(self) -> None:
        self.now += 30


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr("django_otp.plugins.otp_totp.models.time", fake)
    return fake


@pytest.fixture
def ana(make_user, settings):
    """A verified user with a login of her own (the failure counts live in the run's shared Redis)."""
    settings.SLATE_SIGNIN_LOCKOUT = "3/hour"
    user = make_user(username=f"ana-{secrets.token_hex(4)}")
    yield user
    cache.delete_many([failures_key(user.username), failures_key(user.email)])


def code_for(secret: str, clock: Clock) -> str:
    """The authenticator app's code for `secret` (base32, as the API shows it) at the clock's time."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key, step=30, t0=0, digits=6)
    totp.time = clock.now
    return f"{totp.token():06d}"


def signed_in(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def enable(user, clock: Clock) -> tuple[str, list[str]]:
    """Turn two-factor authentication on for `user` through the API; answers the secret and the recovery codes."""
    client = signed_in(user)
    secret = client.post("/api/auth/two-factor/setup/").json()["secret"]
    answer = client.post("/api/auth/two-factor/confirm/", {"code": code_for(secret, clock)}, format="json")
    assert answer.status_code == 200, answer.content
    clock.step()
    return secret, answer.json()["recovery_codes"]


def sign_in(login: str, password: str = PASSWORD, **code):
    client = APIClient(REMOTE_ADDR="10.0.3.1")
    return client, client.post("/api/auth/login/", {"login": login, "password": password, **code}, format="json")


def token(login: str, password: str = PASSWORD, **code):
    return APIClient(REMOTE_ADDR="10.0.3.2").post("/api/auth/token/", {"username": login, "password": password, **code}, format="json")


def test_setting_it_up_answers_a_secret_and_qr_code_and_turns_it_on_with_the_apps_code(ana, clock):
    client = signed_in(ana)

    setup = client.post("/api/auth/two-factor/setup/")
    assert setup.status_code == 200
    body = setup.json()
    assert body["otpauth_uri"].startswith(f"otpauth://totp/Slate%3A{ana.username}?")
    assert f"secret={body['secret']}" in body["otpauth_uri"] and "issuer=Slate" in body["otpauth_uri"]
    assert body["qr_svg"].startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(body["qr_svg"].split(",", 1)[1]).lstrip().startswith(b"<svg")
    # not on until confirmed: signing in needs no code yet
    assert client.get("/api/auth/me/").json()["two_factor"] is False
    assert sign_in(ana.username)[1].status_code == 200

    confirmed = client.post("/api/auth/two-factor/confirm/", {"code": code_for(body["secret"], clock)}, format="json")

    assert confirmed.status_code == 200
    codes = confirmed.json()["recovery_codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/api/auth/me/").json()["two_factor"] is True
    assert client.get("/api/auth/two-factor/").json() == {"enabled": True, "recovery_codes_left": 10}
    # a second set-up is refused while it is on
    assert client.post("/api/auth/two-factor/setup/").json()["code"] == "two_factor_enabled"


def test_a_wrong_code_does_not_turn_it_on(ana, clock):
    client = signed_in(ana)
    secret = client.post("/api/auth/two-factor/setup/").json()["secret"]
    wrong = f"{(int(code_for(secret, clock)) + 1) % 1_000_000:06d}"

    answer = client.post("/api/auth/two-factor/confirm/", {"code": wrong}, format="json")

    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_code"
    assert client.get("/api/auth/me/").json()["two_factor"] is False
    assert sign_in(ana.username)[1].status_code == 200


def test_signing_in_without_a_code_is_refused_and_signs_nobody_in(ana, clock):
    enable(ana, clock)

    client, answer = sign_in(ana.username)

    assert answer.status_code == 401
    assert answer.json()["code"] == "two_factor_required"
    assert "authenticator app" in answer.json()["message"]
    assert client.get("/api/auth/me/").status_code in (401, 403)
    # the wrong password is still just that: no hint that a code would be asked
    assert sign_in(ana.username, "wrong")[1].json()["code"] == "invalid_credentials"


def test_signing_in_with_the_apps_code_works_once(ana, clock):
    secret, _ = enable(ana, clock)
    code = code_for(secret, clock)

    client, answer = sign_in(ana.username, code=code)

    assert answer.status_code == 200
    assert answer.json()["two_factor"] is True
    assert client.get("/api/auth/me/").json()["username"] == ana.username
    # the same code is not accepted a second time (RFC 6238 §5.2)
    again = sign_in(ana.email, code=code)[1]
    assert again.status_code == 400 and again.json()["code"] == "invalid_code"


def test_a_recovery_code_signs_in_once(ana, clock):
    _, recovery = enable(ana, clock)

    client, answer = sign_in(ana.username, code=recovery[3].upper().replace("-", " "))  # as typed off paper

    assert answer.status_code == 200
    assert client.get("/api/auth/me/").status_code == 200
    assert signed_in(ana).get("/api/auth/two-factor/").json()["recovery_codes_left"] == 9
    assert sign_in(ana.username, code=recovery[4])[1].status_code == 200
    again = sign_in(ana.username, code=recovery[3])[1]
    assert again.status_code == 400
    assert again.json()["code"] == "invalid_code"


def test_wrong_codes_count_toward_the_accounts_lock_out(ana, clock, settings):
    # django-otp's own per-device throttle off, so each wrong code is checked (and counted) at once
    settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 0
    secret, _ = enable(ana, clock)
    wrong = [sign_in(ana.username, code=c)[1] for c in ("000000", "nope-nope", "123456")]

    locked = sign_in(ana.username, code=code_for(secret, clock))[1]

    assert [(a.status_code, a.json()["code"]) for a in wrong] == [(400, "invalid_code")] * 3
    assert locked.status_code == 429
    assert locked.json()["code"] == "signin_locked"


def test_after_a_wrong_code_the_app_refuses_codes_for_a_while_and_says_so(ana, clock, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 3600  # django-otp: 2^(n-1) hours after n failures, so no race with the clock
    secret, recovery = enable(ana, clock)
    assert sign_in(ana.username, code="000000" if code_for(secret, clock) != "000000" else "111111")[1].status_code == 400

    throttled = sign_in(ana.username, code=code_for(secret, clock))[1]

    assert (throttled.status_code, throttled.json()["code"]) == (429, "code_throttled")
    assert "wait" in throttled.json()["message"]
    assert sign_in(ana.username, code=recovery[0])[1].status_code == 200  # the recovery codes are throttled apart


def test_the_jwt_pair_asks_for_the_code_too(ana, clock):
    secret, recovery = enable(ana, clock)

    without = token(ana.username)
    with_code = token(ana.username, code=code_for(secret, clock))
    with_recovery = token(ana.username, code=recovery[0])
    recovery_again = token(ana.username, code=recovery[0])
    wrong = token(ana.username, code="999999")
    ana_signin_failures = cache.get(failures_key(ana.username), [])

    assert (without.status_code, without.json()["code"]) == (401, "two_factor_required")
    assert (wrong.status_code, wrong.json()["code"]) == (400, "invalid_code")
    assert len(ana_signin_failures) == 2  # the spent recovery code and the wrong one
    assert with_code.status_code == 200 and {"access", "refresh"} <= set(with_code.json())
    assert with_recovery.status_code == 200
    assert (recovery_again.status_code, recovery_again.json()["code"]) == (400, "invalid_code")
    bearer = APIClient()
    bearer.credentials(HTTP_AUTHORIZATION=f"Bearer {with_code.json()['access']}")
    assert bearer.get("/api/auth/me/").json()["two_factor"] is True


def test_turning_it_off_needs_the_password_and_a_code(ana, clock):
    secret, recovery = enable(ana, clock)
    client = signed_in(ana)

    wrong_password = client.post("/api/auth/two-factor/disable/", {"password": "wrong", "code": recovery[0]}, format="json")
    no_code = client.post("/api/auth/two-factor/disable/", {"password": PASSWORD}, format="json")
    assert (wrong_password.status_code, wrong_password.json()["code"]) == (400, "wrong_password")
    assert no_code.status_code == 400 and "code" in no_code.json()["extra"]["fields"]
    assert client.get("/api/auth/me/").json()["two_factor"] is True

    off = client.post("/api/auth/two-factor/disable/", {"password": PASSWORD, "code": code_for(secret, clock)}, format="json")

    assert off.status_code == 200
    assert off.json() == {"enabled": False, "recovery_codes_left": 0}
    assert sign_in(ana.username)[1].status_code == 200


def test_new_recovery_codes_replace_the_old_ones(ana, clock):
    _, old = enable(ana, clock)
    client = signed_in(ana)
    assert client.post("/api/auth/two-factor/recovery-codes/", {"password": "wrong"}, format="json").json()["code"] == "wrong_password"

    answer = client.post("/api/auth/two-factor/recovery-codes/", {"password": PASSWORD}, format="json")

    new = answer.json()["recovery_codes"]
    assert answer.status_code == 200 and len(new) == 10 and not set(new) & set(old)
    assert sign_in(ana.username, code=new[1])[1].status_code == 200
    assert sign_in(ana.username, code=old[1])[1].json()["code"] == "invalid_code"


def test_the_endpoints_need_a_signed_in_user():
    client = APIClient()
    assert client.get("/api/auth/two-factor/").status_code in (401, 403)
    assert client.post("/api/auth/two-factor/setup/").status_code in (401, 403)


# --- a production that requires two-factor authentication of its owners and producers ----------------------------

@pytest.fixture
def crew(make_user, make_production, ana):
    """Ana owns a production with a producer, a camera operator and a viewer on it."""
    from apps.productions.models import Role

    people = {"producer": make_user(), "camera": make_user(), "viewer": make_user()}
    production = make_production(owner=ana, members={people["producer"]: Role.PRODUCER, people["camera"]: Role.CAMERA,
                                                      people["viewer"]: Role.VIEWER})
    return production, people


def set_required(user, production, value: bool):
    production.refresh_from_db()
    return signed_in(user).patch(f"/api/productions/{production.pk}/", {"require_two_factor": value, "version": production.version}, format="json")


def new_scene(user, production, number: str):
    return signed_in(user).post("/api/scenes/", {"production": production.pk, "number": number}, format="json")


def test_only_an_owner_with_two_factor_turns_the_requirement_on(ana, crew, clock):
    production, people = crew

    without_2fa = set_required(ana, production, True)
    enable(people["producer"], clock)
    by_producer = set_required(people["producer"], production, True)
    enable(ana, clock)
    by_owner = set_required(ana, production, True)

    assert (without_2fa.status_code, without_2fa.json()["code"]) == (403, "two_factor_required")
    assert (by_producer.status_code, by_producer.json()["code"]) == (403, "forbidden")
    assert by_owner.status_code == 200 and by_owner.json()["require_two_factor"] is True
    production.refresh_from_db()
    assert production.require_two_factor is True


def test_owners_and_producers_without_two_factor_may_not_change_a_production_that_requires_it(ana, crew, clock):
    from apps.productions.models import Membership, Role

    production, people = crew
    enable(ana, clock)
    assert set_required(ana, production, True).status_code == 200
    second_owner = people["viewer"]
    Membership.objects.filter(production=production, user=second_owner).update(role=Role.OWNER)

    by_producer = new_scene(people["producer"], production, "1")
    by_owner = new_scene(second_owner, production, "2")
    by_camera = new_scene(people["camera"], production, "3")
    by_ana = new_scene(ana, production, "4")
    invite = signed_in(people["producer"]).post(f"/api/productions/{production.pk}/members/",
                                               {"user_login": "new@example.com", "role": "crew"}, format="json")

    for refused in (by_producer, by_owner, invite):
        assert refused.status_code == 403
        assert refused.json()["code"] == "two_factor_required"
        assert "Account settings" in refused.json()["message"]
    assert by_camera.status_code == 201  # other roles are not concerned
    assert by_ana.status_code == 201
    # reads stay open
    assert signed_in(people["producer"]).get(f"/api/productions/{production.pk}/").status_code == 200

    # once the producer turns it on, their changes go through
    enable(people["producer"], clock)
    assert new_scene(people["producer"], production, "5").status_code == 201


def test_a_production_that_does_not_require_it_lets_managers_without_it_change_things(ana, crew):
    production, people = crew

    assert new_scene(people["producer"], production, "1").status_code == 201
    assert new_scene(ana, production, "2").status_code == 201

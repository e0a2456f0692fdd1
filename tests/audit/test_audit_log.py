"""The audit log (issue 18) through the real API, signals, throttles and database: sign-ins (good, failed, refused
with 429), crew changes and exports are recorded with who and from where; owners read their production's log and
nobody else does; each user reads their own sign-ins; old entries are pruned."""
from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from apps.audit.models import AuditAction, AuditEntry
from apps.audit.services import audit_prune, audit_record
from apps.core.throttling import ScopedRateThrottle
from apps.productions.models import Membership, Role

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"   # tests.factories.UserFactory's
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


def client_from(address: str, user=None) -> APIClient:
    client = APIClient(REMOTE_ADDR=address, HTTP_USER_AGENT=BROWSER)
    if user is not None:
        client.force_authenticate(user)
    return client


def sign_in(login: str, password: str, *, address: str = "10.0.0.1"):
    return client_from(address).post("/api/auth/login/", {"login": login, "password": password}, format="json")


def entries(**filters) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(**filters).order_by("id"))


@pytest.fixture
def address() -> str:
    """An address of this test's own (the throttles count in the run's shared Redis)."""
    return f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}"


# --- sign-ins -----------------------------------------------------------------------------------

def test_a_session_sign_in_is_recorded_with_the_user_address_and_browser(user, address):
    answer = sign_in(user.username, PASSWORD, address=address)

    assert answer.status_code == 200
    [entry] = entries(action=AuditAction.SIGN_IN)
    assert (entry.actor_id, entry.target_user_id, entry.production_id) == (user.pk, user.pk, None)
    assert entry.ip_address == address
    assert entry.user_agent == BROWSER
    assert entry.detail == {"method": "session"}


def test_a_jwt_pair_is_a_sign_in(user, address):
    answer = client_from(address).post("/api/auth/token/", {"username": user.username, "password": PASSWORD}, format="json")

    assert answer.status_code == 200
    [entry] = entries(action=AuditAction.SIGN_IN)
    assert (entry.actor_id, entry.ip_address, entry.detail) == (user.pk, address, {"method": "jwt"})


def test_a_failed_sign_in_records_the_login_and_the_account_it_named_never_the_password(user, address):
    answer = sign_in(f"  {user.email.upper()} ", "not-the-password", address=address)

    assert answer.status_code == 400
    [entry] = entries(action=AuditAction.SIGN_IN_FAILED)
    assert entry.actor_id is None
    assert entry.login == user.email.upper()
    assert entry.target_user_id == user.pk
    assert entry.ip_address == address
    assert "not-the-password" not in str(AuditEntry.objects.values().get(pk=entry.pk))
    assert entries(action=AuditAction.SIGN_IN) == []


def test_a_failed_sign_in_for_no_account_names_nobody(db, address):
    sign_in("nobody-" + secrets.token_hex(3), "whatever", address=address)

    [entry] = entries(action=AuditAction.SIGN_IN_FAILED)
    assert entry.target_user_id is None and entry.login.startswith("nobody-")


@pytest.fixture
def auth_rate_of_2(monkeypatch, address):
    """The per-address rate lowered to 2 a minute (the real throttle, counting in Redis)."""
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "2/min"})
    yield address
    cache.delete(f"throttle_auth_{address}")


def test_past_the_address_rate_the_sign_in_is_answered_429_and_recorded_once_a_minute(user, auth_rate_of_2):
    answers = [sign_in(user.username, "wrong", address=auth_rate_of_2).status_code for _ in range(4)]

    assert answers == [400, 400, 429, 429]
    [entry] = entries(action=AuditAction.SIGN_IN_THROTTLED)  # the second refusal within the minute is not a new line
    assert entry.ip_address == auth_rate_of_2
    assert entry.login == user.username and entry.target_user_id == user.pk
    assert entry.detail["reason"] == "address" and entry.detail["path"] == "/api/auth/login/"
    assert len(entries(action=AuditAction.SIGN_IN_FAILED)) == 2


def test_a_locked_account_refusal_is_recorded(make_user, settings, address):
    settings.SLATE_SIGNIN_LOCKOUT = "2/hour"
    ana = make_user(username=f"ana-{secrets.token_hex(4)}")
    answers = [sign_in(ana.username, "wrong", address=address).status_code for _ in range(2)]
    answers.append(sign_in(ana.username, PASSWORD, address=address).status_code)

    assert answers == [400, 400, 429]
    [entry] = entries(action=AuditAction.SIGN_IN_THROTTLED)
    assert (entry.detail["reason"], entry.target_user_id, entry.ip_address) == ("account", ana.pk, address)
    assert entries(action=AuditAction.SIGN_IN) == []


def test_sign_out_and_a_password_change_are_recorded(user, address):
    client = client_from(address)
    assert client.post("/api/auth/login/", {"login": user.username, "password": PASSWORD}, format="json").status_code == 200
    changed = client.post("/api/auth/password/", {"current_password": PASSWORD, "new_password": "a whole new passphrase 42"},
                          format="json")
    assert changed.status_code == 200
    assert client.post("/api/auth/logout/").status_code == 204

    actions = [e.action for e in entries(actor=user)]
    assert actions == [AuditAction.SIGN_IN, AuditAction.PASSWORD_CHANGED, AuditAction.SIGN_OUT]
    assert {e.ip_address for e in entries(actor=user)} == {address}


def test_signing_out_everywhere_is_recorded(user, address):
    client = client_from(address)
    assert client.post("/api/auth/login/", {"login": user.username, "password": PASSWORD}, format="json").status_code == 200

    answer = client.post("/api/me/sign-out-everywhere/", {}, format="json")

    assert answer.status_code in (200, 204)
    [entry] = entries(action=AuditAction.SIGN_OUT)
    assert (entry.actor_id, entry.ip_address, entry.detail) == (user.pk, address, {"everywhere": True})


# --- the crew and exports ---------------------------------------------------------------------

def test_a_role_change_is_recorded_with_before_and_after(user, make_user, make_production, address):
    crew = make_user()
    production = make_production(owner=user, members={crew: Role.VIEWER})
    membership = Membership.objects.get(production=production, user=crew)

    answer = client_from(address, user).patch(f"/api/productions/{production.pk}/members/{membership.pk}/",
                                              {"role": Role.PRODUCER, "version": membership.version}, format="json")

    assert answer.status_code == 200
    [entry] = entries(action=AuditAction.ROLE_CHANGED)
    assert (entry.actor_id, entry.target_user_id, entry.production_id, entry.ip_address) == (user.pk, crew.pk, production.pk, address)
    assert entry.detail == {"from": Role.VIEWER, "to": Role.PRODUCER}


def test_a_refused_role_change_records_nothing(user, make_user, make_production, address):
    crew, viewer = make_user(), make_user()
    production = make_production(owner=user, members={crew: Role.VIEWER, viewer: Role.VIEWER})
    membership = Membership.objects.get(production=production, user=crew)

    answer = client_from(address, viewer).patch(f"/api/productions/{production.pk}/members/{membership.pk}/",
                                                {"role": Role.PRODUCER, "version": membership.version}, format="json")

    assert answer.status_code == 403
    assert entries(action=AuditAction.ROLE_CHANGED) == []


def test_a_removal_and_an_addition_are_recorded(user, make_user, make_production, address):
    crew, newcomer = make_user(), make_user()
    production = make_production(owner=user, members={crew: Role.CREW})
    membership = Membership.objects.get(production=production, user=crew)
    owner = client_from(address, user)

    removed = owner.delete(f"/api/productions/{production.pk}/members/{membership.pk}/")
    added = owner.post(f"/api/productions/{production.pk}/members/", {"user_login": newcomer.username, "role": Role.VIEWER}, format="json")

    assert (removed.status_code, added.status_code) == (204, 201)
    [gone] = entries(action=AuditAction.MEMBER_REMOVED)
    assert (gone.actor_id, gone.target_user_id, gone.production_id, gone.ip_address) == (user.pk, crew.pk, production.pk, address)
    assert gone.detail["left"] is False
    [joined] = entries(action=AuditAction.MEMBER_ADDED)
    assert (joined.target_user_id, joined.detail) == (newcomer.pk, {"role": Role.VIEWER})


def test_an_ownership_transfer_is_one_entry(user, make_user, make_production, address):
    heir = make_user()
    production = make_production(owner=user, members={heir: Role.PRODUCER})

    answer = client_from(address, user).post(f"/api/productions/{production.pk}/transfer-ownership/",
                                             {"user": heir.pk, "password": PASSWORD}, format="json")

    assert answer.status_code == 200
    [entry] = entries(production=production)
    assert (entry.action, entry.actor_id, entry.target_user_id, entry.ip_address) == (AuditAction.OWNERSHIP_TRANSFERRED, user.pk, heir.pk, address)


def test_turning_two_factor_on_is_recorded_without_its_codes(user, address, monkeypatch):
    from tests.accounts.test_two_factor import Clock, code_for

    clock = Clock()
    monkeypatch.setattr("django_otp.plugins.otp_totp.models.time", clock)
    client = client_from(address, user)
    secret = client.post("/api/auth/two-factor/setup/").json()["secret"]
    answer = client.post("/api/auth/two-factor/confirm/", {"code": code_for(secret, clock)}, format="json")

    assert answer.status_code == 200
    [entry] = entries(action=AuditAction.TWO_FACTOR_ENABLED)
    assert (entry.actor_id, entry.ip_address, entry.detail) == (user.pk, address, {})
    stored = str(AuditEntry.objects.values().get(pk=entry.pk))
    assert secret not in stored and not any(code in stored for code in answer.json()["recovery_codes"])


def test_a_contact_list_download_is_recorded(user, production, address):
    answer = client_from(address, user).get(f"/api/productions/{production.pk}/contacts.csv")

    assert answer.status_code == 200
    [entry] = entries(action=AuditAction.EXPORT)
    assert (entry.actor_id, entry.production_id, entry.ip_address) == (user.pk, production.pk, address)
    assert entry.detail == {"export": "contacts_csv"}


def test_a_call_sheet_pdf_fetched_with_a_jwt_is_recorded(user, production, address):
    from tests.callsheets.conftest import make_day, put
    from tests.factories import SceneFactory

    day = make_day(production, user, "2026-03-02")
    put(day, user, SceneFactory(production=production))
    access = client_from(address).post("/api/auth/token/", {"username": user.username, "password": PASSWORD}, format="json").json()["access"]
    client = client_from(address)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    created = client.post("/api/call-sheets/", {"shoot_day": day.pk}, format="json")
    assert created.status_code == 201, created.json()
    sheet = created.json()

    answer = client.get(f"/api/call-sheets/{sheet['id']}/pdf/")

    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    [entry] = entries(action=AuditAction.EXPORT)
    assert (entry.actor_id, entry.production_id, entry.ip_address) == (user.pk, production.pk, address)
    assert entry.detail == {"export": "call_sheet_pdf", "call_sheet": sheet["id"], "revision": "draft"}


def test_a_refused_download_is_not_an_export(user, other_user, production, address):
    answer = client_from(address, other_user).get(f"/api/productions/{production.pk}/contacts.csv")

    assert answer.status_code == 404
    assert entries(action=AuditAction.EXPORT) == []


# --- who reads the log ------------------------------------------------------------------------

@pytest.fixture
def logged(user, make_user, make_production, address):
    """A production with a producer and a viewer, two recorded exports, and another production's entry."""
    producer, viewer = make_user(), make_user()
    production = make_production(owner=user, members={producer: Role.PRODUCER, viewer: Role.VIEWER})
    other = make_production(owner=make_user())
    for who in (user, producer):
        assert client_from(address, who).get(f"/api/productions/{production.pk}/contacts.csv").status_code == 200
    audit_record(action=AuditAction.EXPORT, actor=other.memberships.get().user, production=other, detail={"export": "dood_csv"})
    return {"production": production, "producer": producer, "viewer": viewer, "other": other}


def test_an_owner_reads_the_productions_log_newest_first(user, logged):
    answer = client_from("10.0.0.9", user).get(f"/api/productions/{logged['production'].pk}/audit/")

    assert answer.status_code == 200
    rows = answer.json()["results"]
    assert answer.json()["count"] == 2
    assert [row["actor"]["id"] for row in rows] == [logged["producer"].pk, user.pk]
    assert {row["production"] for row in rows} == {logged["production"].pk}
    assert rows[0]["action"] == "export" and rows[0]["action_label"] == "Export downloaded"
    assert rows[0]["user_agent"] == BROWSER and rows[0]["ip_address"]


def test_the_log_filters_by_action(user, logged):
    client = client_from("10.0.0.9", user)
    url = f"/api/productions/{logged['production'].pk}/audit/"

    assert client.get(url, {"action": "role_changed"}).json()["count"] == 0
    assert client.get(url, {"action": "export"}).json()["count"] == 2
    assert client.get(url, {"action": "no-such-action"}).status_code == 400


@pytest.mark.parametrize("who, status", [("producer", 403), ("viewer", 403), ("outsider", 404)])
def test_nobody_but_an_owner_reads_the_log(logged, make_user, who, status):
    reader = logged[who] if who != "outsider" else make_user()

    answer = client_from("10.0.0.9", reader).get(f"/api/productions/{logged['production'].pk}/audit/")

    assert answer.status_code == status
    assert "results" not in answer.json()


def test_anonymous_is_refused(logged):
    assert APIClient().get(f"/api/productions/{logged['production'].pk}/audit/").status_code in (401, 403)


def test_each_user_reads_their_own_sign_ins_and_the_failures_on_their_account(user, other_user, address):
    sign_in(user.username, PASSWORD, address=address)
    sign_in(user.username, "wrong", address="10.66.0.1")   # someone else, trying her account
    sign_in(other_user.username, PASSWORD, address=address)

    answer = client_from(address, user).get("/api/me/audit/")

    assert answer.status_code == 200
    rows = answer.json()["results"]
    assert [(row["action"], row["ip_address"]) for row in rows] == [("sign_in_failed", "10.66.0.1"), ("sign_in", address)]
    assert client_from(address, user).get("/api/me/audit/", {"action": "sign_in"}).json()["count"] == 1


def test_ones_own_history_holds_no_productions_entries(user, logged):
    answer = client_from("10.0.0.9", user).get("/api/me/audit/")

    assert answer.json()["count"] == 0


# --- the service and retention ------------------------------------------------------------------

def test_the_record_drops_secret_keys_and_never_raises(user):
    entry = audit_record(action=AuditAction.EXPORT, actor=user, detail={"password": "x", "otp_code": "123456", "export": "a"})

    assert entry.detail == {"export": "a"}
    assert audit_record(action="not-an-action", actor=user) is None
    assert AuditEntry.objects.count() == 1


def test_entries_past_the_retention_are_pruned(user, settings):
    settings.SLATE_AUDIT_RETENTION_DAYS = 30
    old = audit_record(action=AuditAction.SIGN_IN, actor=user)
    recent = audit_record(action=AuditAction.SIGN_IN, actor=user)
    AuditEntry.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=31))
    AuditEntry.objects.filter(pk=recent.pk).update(at=timezone.now() - timedelta(days=29))

    assert audit_prune() == 1
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [recent.pk]


def test_the_daily_task_prunes_too(user, settings):
    from apps.audit.tasks import audit_entries_prune

    settings.SLATE_AUDIT_RETENTION_DAYS = 1
    old = audit_record(action=AuditAction.SIGN_IN, actor=user)
    AuditEntry.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=2))

    audit_entries_prune.call_local()

    assert not AuditEntry.objects.exists()


def test_a_page_of_the_log_costs_a_few_queries_however_many_rows(user, make_user, make_production, django_assert_max_num_queries):
    crew = [make_user() for _ in range(5)]
    production = make_production(owner=user)
    for n in range(60):
        audit_record(action=AuditAction.ROLE_CHANGED, actor=crew[n % 5], production=production, target_user=crew[(n + 1) % 5],
                     detail={"from": "viewer", "to": "crew"})
        audit_record(action=AuditAction.SIGN_IN, actor=user, target_user=user)
    client = client_from("10.0.0.9", user)

    with django_assert_max_num_queries(6):
        page = client.get(f"/api/productions/{production.pk}/audit/", {"page_size": 50}).json()
    with django_assert_max_num_queries(6):
        mine = client.get("/api/me/audit/", {"page_size": 50}).json()

    assert (page["count"], len(page["results"])) == (60, 50)
    assert (mine["count"], len(mine["results"])) == (60, 50)

"""Invitations: adding someone by the email of no Slate account emails them a link to join the crew."""
from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from apps.productions.models import Invitation, Membership, Role
from tests.productions.contacts import as_event_data

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "a long crew password 42"


def members_url(production) -> str:
    return f"/api/productions/{production.pk}/members/"


def invitations_url(production, pk=None) -> str:
    base = f"/api/productions/{production.pk}/invitations/"
    return base if pk is None else f"{base}{pk}/"


def _token_in(message) -> str:
    """The token of the /invitations/<token> link in an invitation email."""
    match = re.search(re.escape(settings.SLATE_PUBLIC_URL) + r"/invitations/([\w-]+)", message.body)
    assert match, message.body
    return match.group(1)


def _with_role(production, role, make_user, **fields):
    person = make_user(**fields)
    Membership.objects.create(production=production, user=person, role=role)
    return person


@pytest.fixture
def invite(captured_events):
    """`invite(client, production, email, role)` → (response, events, token or None), on-commit hooks run (the email goes out)."""

    def run(client, production, email="Dana.Scully@Example.com", role="script_supervisor"):
        sent_before = len(mail.outbox)
        with captured_events() as events:
            response = client.post(members_url(production), {"user_login": email, "role": role}, format="json")
        new_mail = mail.outbox[sent_before:]
        return response, events, (_token_in(new_mail[-1]) if new_mail else None)

    return run


@pytest.fixture
def invitation(api, production, invite):
    """A pending invitation of dana.scully@example.com to `production` as script supervisor, and its emailed token."""
    response, _, token = invite(api, production)
    assert response.status_code == 202, response.content
    return Invitation.objects.get(pk=response.json()["invitation"]["id"]), token


# --- sending ----------------------------------------------------------------------------------------


def test_adding_an_unknown_email_invites_them_and_emails_the_link(api, user, production, invite):
    before = timezone.now()

    response, events, token = invite(api, production, email="  Dana.Scully@Example.com ")

    assert response.status_code == 202, response.content
    body = response.json()
    assert list(body) == ["invitation"]
    data = body["invitation"]
    stored = Invitation.objects.get()
    assert (data["id"], data["production"], data["email"], data["role"], data["accepted_at"], data["expired"]) == (
        stored.pk, production.pk, "dana.scully@example.com", "script_supervisor", None, False)
    assert data["invited_by"]["id"] == user.pk
    assert (stored.email, stored.role, stored.invited_by, stored.accepted_at) == ("dana.scully@example.com", "script_supervisor", user, None)
    expected_expiry = before + timedelta(days=settings.SLATE_INVITATION_DAYS)
    assert settings.SLATE_INVITATION_DAYS == 14
    assert expected_expiry <= stored.expires_at <= timezone.now() + timedelta(days=14)
    assert data["expires_at"] == stored.expires_at.isoformat().replace("+00:00", "Z")
    # the email: to the invited address, with the link; the database keeps only the token's hash
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["dana.scully@example.com"]
    assert production.title in mail.outbox[0].subject
    assert f"{settings.SLATE_PUBLIC_URL}/invitations/{token}" in mail.outbox[0].body
    assert len(token) >= 43
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Invitation.objects.values().get())
    # nobody joined yet; the members screen hears of the invitation, without its token
    assert list(production.memberships.values_list("user_id", flat=True)) == [user.pk]
    assert [(e["type"], e["production"], e["entity"], e["entity_id"]) for e in events] == [
        ("invitation.created", production.pk, "invitation", str(stored.pk))]
    assert events[0]["data"] == as_event_data(data)
    assert token not in str(events) and stored.token_hash not in str(events)
    assert "token" not in data and "token_hash" not in data


def test_invitation_lifetime_comes_from_settings(api, production, invite, settings):
    settings.SLATE_INVITATION_DAYS = 3

    response, _, _ = invite(api, production)

    stored = Invitation.objects.get(pk=response.json()["invitation"]["id"])
    assert timedelta(days=3) - timedelta(minutes=1) < stored.expires_at - timezone.now() <= timedelta(days=3)


def test_inviting_the_same_email_again_refreshes_the_pending_invitation(api, production, invitation, invite):
    first, old_token = invitation
    Invitation.objects.filter(pk=first.pk).update(expires_at=timezone.now() + timedelta(hours=1))

    response, events, new_token = invite(api, production, email="DANA.SCULLY@example.com", role="editor")

    assert response.status_code == 202
    assert Invitation.objects.count() == 1
    refreshed = Invitation.objects.get()
    assert refreshed.pk == first.pk == response.json()["invitation"]["id"]
    assert (refreshed.role, refreshed.email) == ("editor", "dana.scully@example.com")
    assert refreshed.expires_at > timezone.now() + timedelta(days=13)
    assert new_token != old_token
    assert refreshed.token_hash == hashlib.sha256(new_token.encode()).hexdigest()
    assert [(e["type"], e["entity_id"]) for e in events] == [("invitation.updated", str(first.pk))]
    assert events[0]["data"] == as_event_data(response.json()["invitation"])
    assert len(mail.outbox) == 2
    # the old link no longer works
    assert APIClient().post("/api/invitations/preview/", {"token": old_token}, format="json").json()["code"] == "invalid_invitation"


def test_the_same_email_may_be_invited_to_two_productions(api, user, make_production, production, invite):
    second = make_production(owner=user)

    invite(api, production)
    invite(api, second, role="camera")

    assert sorted(Invitation.objects.values_list("production_id", "role")) == sorted(
        [(production.pk, "script_supervisor"), (second.pk, "camera")])


def test_producer_invites_but_not_as_owner(api_for, make_user, production, invite):
    producer = _with_role(production, Role.PRODUCER, make_user)

    as_editor, _, _ = invite(api_for(producer), production, email="editor@example.com", role="editor")
    as_owner, events, token = invite(api_for(producer), production, email="boss@example.com", role="owner")

    assert as_editor.status_code == 202
    assert (as_owner.status_code, as_owner.json()["code"]) == (403, "forbidden")
    assert list(Invitation.objects.values_list("email", flat=True)) == ["editor@example.com"]
    assert (events, token) == ([], None)


def test_owner_may_invite_an_owner(api, production, invite):
    response, _, _ = invite(api, production, role="owner")

    assert response.status_code == 202
    assert Invitation.objects.get().role == "owner"


@pytest.mark.parametrize("role", [Role.CREW, Role.DIRECTOR, Role.VIEWER])
def test_members_who_do_not_manage_cannot_invite(api_for, make_user, production, invite, role):
    member = _with_role(production, role, make_user)

    response, events, token = invite(api_for(member), production, role="crew")

    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert not Invitation.objects.exists()
    assert (events, token, mail.outbox) == ([], None, [])


def test_non_member_cannot_invite(api_for, outsider, production, invite):
    response, events, token = invite(api_for(outsider), production)

    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert not Invitation.objects.exists()
    assert (events, token, mail.outbox) == ([], None, [])


def test_inviting_with_an_unknown_role_is_400(api, production, invite):
    response, events, token = invite(api, production, role="caterer")

    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == ["role"]
    assert not Invitation.objects.exists()
    assert (events, token) == ([], None)


def test_the_email_of_an_existing_account_adds_them_directly(api, make_user, production, invite):
    existing = make_user(email="fox@example.com")

    response, events, token = invite(api, production, email="FOX@example.com", role="camera")

    assert response.status_code == 201
    assert response.json()["user"]["id"] == existing.pk
    assert not Invitation.objects.exists()
    assert [e["type"] for e in events] == ["membership.created"]
    assert token is None


# --- listing and revoking -----------------------------------------------------------------------------


def test_managers_list_pending_invitations_with_expired_ones_flagged(api, user, production, make_production, invitation, invite):
    expired_response, _, _ = invite(api, production, email="late@example.com", role="crew")
    Invitation.objects.filter(pk=expired_response.json()["invitation"]["id"]).update(expires_at=timezone.now() - timedelta(minutes=1))
    accepted_response, _, _ = invite(api, production, email="joined@example.com", role="crew")
    Invitation.objects.filter(pk=accepted_response.json()["invitation"]["id"]).update(accepted_at=timezone.now())
    invite(api, make_production(owner=user), email="elsewhere@example.com")

    rows = api.get(invitations_url(production)).json()["results"]

    assert [(r["email"], r["role"], r["expired"]) for r in rows] == [
        ("late@example.com", "crew", True), ("dana.scully@example.com", "script_supervisor", False)]
    assert rows[1]["id"] == invitation[0].pk
    assert rows[1]["invited_by"]["id"] == user.pk


def test_crew_may_not_list_invitations_and_outsiders_get_404(api_for, make_user, outsider, production, invitation):
    crew_member = _with_role(production, Role.CAMERA, make_user)

    as_crew = api_for(crew_member).get(invitations_url(production))
    as_outsider = api_for(outsider).get(invitations_url(production))

    assert (as_crew.status_code, as_crew.json()["code"]) == (403, "forbidden")
    assert (as_outsider.status_code, as_outsider.json()["code"]) == (404, "not_found")


def test_invitation_list_takes_a_constant_number_of_queries(api, production, django_assert_max_num_queries):
    now = timezone.now()
    Invitation.objects.bulk_create([
        Invitation(production=production, email=f"crew{i}@example.com", role="crew", token_hash=f"{i:064x}",
                   invited_by=production.memberships.get().user, expires_at=now + timedelta(days=1))
        for i in range(60)
    ])

    with django_assert_max_num_queries(4):  # + the role, for who sees the emails
        response = api.get(invitations_url(production), {"page_size": 100})

    assert len(response.json()["results"]) == 60


def test_owner_revokes_an_invitation_and_its_link_stops_working(api, production, invitation, captured_events):
    stored, token = invitation
    last_state = api.get(invitations_url(production)).json()["results"][0]

    with captured_events() as events:
        response = api.delete(invitations_url(production, stored.pk))

    assert response.status_code == 204
    assert not Invitation.objects.exists()
    assert [(e["type"], e["entity"], e["entity_id"]) for e in events] == [("invitation.deleted", "invitation", str(stored.pk))]
    assert events[0]["data"] == as_event_data(last_state)
    preview = APIClient().post("/api/invitations/preview/", {"token": token}, format="json")
    assert (preview.status_code, preview.json()["code"]) == (400, "invalid_invitation")


def test_who_may_not_revoke_an_invitation(api, api_for, make_user, outsider, user, make_production, production, invite, captured_events):
    producer = _with_role(production, Role.PRODUCER, make_user)
    crew_member = _with_role(production, Role.CREW, make_user)
    owner_invite = invite(api, production, email="boss@example.com", role="owner")[0].json()["invitation"]["id"]
    crew_invite = invite(api, production, email="grip@example.com", role="crew")[0].json()["invitation"]["id"]
    second = make_production(owner=user)

    with captured_events() as events:
        by_producer = api_for(producer).delete(invitations_url(production, owner_invite))
        by_crew = api_for(crew_member).delete(invitations_url(production, crew_invite))
        by_outsider = api_for(outsider).delete(invitations_url(production, crew_invite))
        under_other_production = api.delete(invitations_url(second, crew_invite))

    assert [r.status_code for r in (by_producer, by_crew, by_outsider, under_other_production)] == [403, 403, 404, 404]
    assert Invitation.objects.count() == 2
    assert events == []


# --- accepting ----------------------------------------------------------------------------------------


def test_the_invited_person_accepts_and_joins_with_the_role(api, api_for, make_user, production, invitation, captured_events):
    stored, token = invitation
    dana = make_user(email="DANA.SCULLY@example.com")

    with captured_events() as events:
        response = api_for(dana).post("/api/invitations/accept/", {"token": token}, format="json")

    assert response.status_code == 200, response.content
    membership = Membership.objects.get(production=production, user=dana)
    assert membership.role == "script_supervisor"
    assert (response.json()["id"], response.json()["production"], response.json()["role"]) == (membership.pk, production.pk, "script_supervisor")
    stored.refresh_from_db()
    assert stored.accepted_at is not None
    assert [(e["type"], e["entity_id"]) for e in events] == [
        ("membership.created", str(membership.pk)), ("invitation.deleted", str(stored.pk))]
    assert events[0]["data"] == as_event_data(response.json())
    assert events[1]["data"]["accepted_at"] is not None
    assert token not in str(events)
    assert api.get(invitations_url(production)).json()["results"] == []
    assert api_for(dana).get(f"/api/productions/{production.pk}/").json()["my_role"] == "script_supervisor"
    # a used link is spent
    again = api_for(dana).post("/api/invitations/accept/", {"token": token}, format="json")
    assert (again.status_code, again.json()["code"]) == (400, "invalid_invitation")


def test_someone_else_cannot_accept_the_invitation(api_for, make_user, production, invitation, captured_events):
    stored, token = invitation
    mallory = make_user(email="mallory@example.com")

    with captured_events() as events:
        response = api_for(mallory).post("/api/invitations/accept/", {"token": token}, format="json")

    assert (response.status_code, response.json()["code"]) == (403, "invitation_other_email")
    assert not Membership.objects.filter(user=mallory).exists()
    stored.refresh_from_db()
    assert stored.accepted_at is None
    assert events == []


@pytest.mark.parametrize("spoil", ["expired", "revoked", "unknown"])
def test_an_expired_revoked_or_unknown_token_is_invalid(api_for, make_user, production, invitation, captured_events, spoil):
    stored, token = invitation
    dana = make_user(email="dana.scully@example.com")
    if spoil == "expired":
        Invitation.objects.filter(pk=stored.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    elif spoil == "revoked":
        stored.delete()
    else:
        token = token[:-4] + "AAAA"

    with captured_events() as events:
        response = api_for(dana).post("/api/invitations/accept/", {"token": token}, format="json")

    assert (response.status_code, response.json()["code"]) == (400, "invalid_invitation")
    assert not Membership.objects.filter(user=dana).exists()
    assert events == []


def test_accepting_needs_a_signed_in_user(invitation):
    response = APIClient().post("/api/invitations/accept/", {"token": invitation[1]}, format="json")

    assert response.status_code == 401
    assert Invitation.objects.get().accepted_at is None


def test_someone_already_on_the_crew_keeps_their_role_when_accepting(api_for, make_user, production, invitation, captured_events):
    stored, token = invitation
    dana = _with_role(production, Role.CAMERA, make_user, email="dana.scully@example.com")

    with captured_events() as events:
        response = api_for(dana).post("/api/invitations/accept/", {"token": token}, format="json")

    assert response.status_code == 200
    assert response.json()["role"] == "camera"
    assert Membership.objects.get(production=production, user=dana).role == "camera"
    assert Invitation.objects.get().accepted_at is not None
    assert [e["type"] for e in events] == ["invitation.deleted"]


def test_the_landing_page_previews_an_invitation_without_signing_in(user, production, invitation):
    stored, token = invitation

    response = APIClient().post("/api/invitations/preview/", {"token": token}, format="json")

    assert response.status_code == 200
    assert response.json() == {
        "email": "dana.scully@example.com", "role": "script_supervisor",
        "production": {"id": production.pk, "title": production.title},
        "invited_by": {"id": user.pk, "name": user.display_name},
        "expires_at": stored.expires_at.isoformat().replace("+00:00", "Z"),
    }


# --- registering with an invitation --------------------------------------------------------------------


@pytest.fixture
def register(captured_events):
    """POST /api/auth/register/ as a new visitor, on-commit hooks run: (response, events)."""

    def run(**overrides):
        body = {"username": "dana", "email": "Dana.Scully@example.com", "password": PASSWORD, "name": "Dana Scully", **overrides}
        with captured_events() as events:
            response = APIClient().post("/api/auth/register/", body, format="json")
        return response, events

    return run


def test_registering_with_the_invitation_verifies_the_email_and_joins_the_crew(production, invitation, register):
    stored, token = invitation
    mail.outbox.clear()

    response, events = register(invitation=token)

    assert response.status_code == 201, response.content
    assert response.json()["email_verified"] is True
    dana = User.objects.get(username="dana")
    assert (dana.email, dana.email_verified) == ("dana.scully@example.com", True)
    membership = Membership.objects.get(production=production, user=dana)
    assert membership.role == "script_supervisor"
    stored.refresh_from_db()
    assert stored.accepted_at is not None
    assert mail.outbox == []  # no verification email: the invitation proved the address
    assert [(e["type"], e["entity_id"]) for e in events] == [
        ("membership.created", str(membership.pk)), ("invitation.deleted", str(stored.pk))]
    # and they may sign in at once, and see the production
    client = APIClient()
    assert client.post("/api/auth/login/", {"login": "dana", "password": PASSWORD}, format="json").status_code == 200
    assert client.get(f"/api/productions/{production.pk}/").json()["my_role"] == "script_supervisor"


@pytest.mark.parametrize(("overrides", "code"), [
    ({"email": "someone.else@example.com"}, "invitation_other_email"),
    ({"invitation": "not-a-real-token"}, "invalid_invitation"),
])
def test_registering_with_a_wrong_email_or_token_creates_nothing(invitation, register, overrides, code):
    stored, token = invitation
    mail.outbox.clear()

    response, events = register(**{"invitation": token, **overrides})

    assert (response.status_code, response.json()["code"]) == (400, code)
    assert not User.objects.filter(username="dana").exists()
    assert Invitation.objects.get().accepted_at is None
    assert (events, mail.outbox) == ([], [])


def test_registering_with_an_expired_invitation_creates_nothing(invitation, register):
    stored, token = invitation
    Invitation.objects.filter(pk=stored.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    response, events = register(invitation=token)

    assert (response.status_code, response.json()["code"]) == (400, "invalid_invitation")
    assert not User.objects.filter(username="dana").exists()
    assert events == []

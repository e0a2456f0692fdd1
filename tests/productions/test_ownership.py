"""Handing a production over (issue 18): `POST /api/productions/{id}/transfer-ownership/` — an owner, confirming with
their password, makes a member an owner and becomes a producer; the crew hears it live."""
from __future__ import annotations

import pytest

from apps.audit.models import AuditEntry
from apps.productions.models import Membership, Role
from tests.productions.contacts import as_event_data

PASSWORD = "correct horse battery"  # tests.factories.UserFactory's


def transfer_url(production) -> str:
    return f"/api/productions/{production.pk}/transfer-ownership/"


def roles(production) -> dict[int, str]:
    return dict(Membership.objects.filter(production=production).values_list("user_id", "role"))


def test_the_owner_hands_the_production_to_a_member_and_becomes_a_producer(api, user, crew, viewer, production, captured_events):
    with captured_events() as events:
        response = api.post(transfer_url(production), {"user": crew.pk, "password": PASSWORD}, format="json")

    assert response.status_code == 200, response.content
    assert roles(production) == {user.pk: Role.PRODUCER, crew.pk: Role.OWNER, viewer.pk: Role.VIEWER}
    body = response.json()
    assert (body["owner"]["user"]["id"], body["owner"]["role"]) == (crew.pk, "owner")
    assert (body["previous_owner"]["user"]["id"], body["previous_owner"]["role"]) == (user.pk, "producer")
    # the crew hears both changes, promotion first, as the members list shows them (less contacts)
    assert [(e["type"], e["data"]["user"]["id"], e["data"]["role"]) for e in events] == [
        ("membership.updated", crew.pk, "owner"), ("membership.updated", user.pk, "producer")]
    assert [e["data"] for e in events] == [as_event_data(body["owner"]), as_event_data(body["previous_owner"])]
    # the new owner may now do what only owners do; the old one may not
    assert api.delete(f"/api/productions/{production.pk}/").status_code == 403
    # and the audit log says who handed it to whom
    assert list(AuditEntry.objects.filter(action="ownership_transferred").values_list("actor_id", "target_user_id", "production_id")) == [
        (user.pk, crew.pk, production.pk)]


@pytest.mark.parametrize("password", ["wrong horse", ""])
def test_a_wrong_or_missing_password_changes_nothing(api, user, crew, production, captured_events, password):
    with captured_events() as events:
        response = api.post(transfer_url(production), {"user": crew.pk, "password": password}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == ("wrong_password" if password else "invalid")
    assert "password" in response.json()["extra"]["fields"]
    assert roles(production)[user.pk] == Role.OWNER and roles(production)[crew.pk] == Role.CREW
    assert events == []


def test_only_an_owner_may_hand_it_over(api_for, user, crew, production, make_user):
    producer = make_user()
    Membership.objects.create(production=production, user=producer, role=Role.PRODUCER)

    for member in (producer, crew):
        response = api_for(member).post(transfer_url(production), {"user": member.pk if member is crew else crew.pk, "password": PASSWORD},
                                        format="json")
        assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert roles(production)[user.pk] == Role.OWNER and roles(production)[crew.pk] == Role.CREW


def test_the_new_owner_must_be_on_the_crew(api, user, production, outsider, other_production):
    response = api.post(transfer_url(production), {"user": outsider.pk, "password": PASSWORD}, format="json")

    assert (response.status_code, response.json()["code"]) == (400, "not_a_member")
    assert "user" in response.json()["extra"]["fields"]
    assert roles(production) == {user.pk: Role.OWNER}
    # nor to oneself, nor on a production one is not on (404, nothing leaked)
    assert api.post(transfer_url(production), {"user": user.pk, "password": PASSWORD}, format="json").json()["code"] == "invalid"
    assert api.post(transfer_url(other_production), {"user": user.pk, "password": PASSWORD}, format="json").status_code == 404
    assert api.post(transfer_url(production), {"user": "x", "password": PASSWORD}, format="json").status_code == 400


def test_one_of_two_owners_hands_over_to_the_other(api, user, make_user, production):
    other_owner = make_user()
    Membership.objects.create(production=production, user=other_owner, role=Role.OWNER)

    response = api.post(transfer_url(production), {"user": other_owner.pk, "password": PASSWORD}, format="json")

    assert response.status_code == 200
    assert roles(production) == {user.pk: Role.PRODUCER, other_owner.pk: Role.OWNER}


def test_signed_out_is_401(client, production, user):
    response = client.post(transfer_url(production), {"user": user.pk, "password": PASSWORD}, content_type="application/json")

    assert response.status_code in (401, 403) and roles(production) == {user.pk: Role.OWNER}

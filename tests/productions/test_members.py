"""REST: `productions/{id}/members` — who is on the crew, with which role, and who may change that."""
from __future__ import annotations

import pytest

from apps.productions.models import Membership, Role
from apps.realtime.models import Event
from tests.factories import SceneFactory
from tests.productions.contacts import as_event_data

pytestmark = pytest.mark.django_db


def members_url(production, pk=None) -> str:
    base = f"/api/productions/{production.pk}/members/"
    return base if pk is None else f"{base}{pk}/"


def _member_rows(api, production) -> dict[int, dict]:
    return {row["id"]: row for row in api.get(members_url(production)).json()["results"]}


def _with_role(production, role, make_user):
    person = make_user()
    Membership.objects.create(production=production, user=person, role=role)
    return person


def test_members_list_shows_each_person_and_role(api, user, crew, viewer, production):
    rows = api.get(members_url(production)).json()["results"]

    assert [(r["user"]["id"], r["user"]["username"], r["role"]) for r in rows] == [
        (user.pk, user.username, "owner"), (crew.pk, crew.username, "crew"), (viewer.pk, viewer.username, "viewer")]
    assert all(r["production"] == production.pk for r in rows)


@pytest.mark.parametrize("login_of", [lambda u: u.email.upper(), lambda u: u.username], ids=["by-email", "by-username"])
def test_owner_adds_a_member_by_email_or_username_with_a_role(api, make_user, production, captured_events, login_of):
    newcomer = make_user()

    with captured_events() as events:
        response = api.post(members_url(production), {"user_login": login_of(newcomer), "role": "camera"}, format="json")

    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["user"]["id"], data["role"], data["production"]) == (newcomer.pk, "camera", production.pk)
    membership = Membership.objects.get(production=production, user=newcomer)
    assert membership.role == "camera"
    assert [(e["type"], e["production"], e["entity"], e["entity_id"]) for e in events] == [
        ("membership.created", production.pk, "membership", str(membership.pk))]
    assert events[0]["data"] == as_event_data(data) == as_event_data(_member_rows(api, production)[membership.pk])
    # and the newcomer now sees the production
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(newcomer)
    assert client.get(f"/api/productions/{production.pk}/").json()["my_role"] == "camera"


def test_producer_adds_a_member(api_for, make_user, production):
    producer = _with_role(production, Role.PRODUCER, make_user)
    newcomer = make_user()

    response = api_for(producer).post(members_url(production), {"user_login": newcomer.username, "role": "editor"}, format="json")

    assert response.status_code == 201
    assert Membership.objects.get(production=production, user=newcomer).role == "editor"


def test_added_member_defaults_to_crew(api, make_user, production):
    newcomer = make_user()

    response = api.post(members_url(production), {"user_login": newcomer.username}, format="json")

    assert response.status_code == 201
    assert response.json()["role"] == "crew"


@pytest.mark.parametrize("role", [Role.CREW, Role.DIRECTOR, Role.VIEWER])
def test_members_who_do_not_manage_cannot_add_anyone(api_for, make_user, production, captured_events, role):
    member = _with_role(production, role, make_user)
    newcomer = make_user()

    with captured_events() as events:
        response = api_for(member).post(members_url(production), {"user_login": newcomer.username, "role": "crew"}, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert not Membership.objects.filter(user=newcomer).exists()
    assert events == []


def test_producer_cannot_make_someone_an_owner(api_for, make_user, production, captured_events):
    producer = _with_role(production, Role.PRODUCER, make_user)
    newcomer = make_user()

    with captured_events() as events:
        response = api_for(producer).post(members_url(production), {"user_login": newcomer.username, "role": "owner"}, format="json")

    assert response.status_code == 403
    assert not Membership.objects.filter(user=newcomer).exists()
    assert events == []


def test_adding_an_unknown_person_is_400(api, production, captured_events):
    # (an unknown email address is invited instead: tests/productions/test_invitations.py)
    with captured_events() as events:
        response = api.post(members_url(production), {"user_login": "nobody", "role": "crew"}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "unknown_user"
    assert Membership.objects.filter(production=production).count() == 1
    assert events == []


def test_adding_someone_already_on_the_crew_is_400(api, crew, production):
    response = api.post(members_url(production), {"user_login": crew.username, "role": "editor"}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "already_member"
    assert Membership.objects.get(production=production, user=crew).role == "crew"


def test_adding_without_saying_who_is_400(api, production):
    response = api.post(members_url(production), {"role": "editor"}, format="json")

    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == ["user_login"]


def test_adding_with_an_unknown_role_is_400(api, make_user, production):
    newcomer = make_user()

    response = api.post(members_url(production), {"user_login": newcomer.username, "role": "caterer"}, format="json")

    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == ["role"]
    assert not Membership.objects.filter(user=newcomer).exists()


def test_owner_changes_a_members_role(api, crew, production, captured_events):
    membership = Membership.objects.get(production=production, user=crew)

    with captured_events() as events:
        response = api.patch(members_url(production, membership.pk), {"role": "script_supervisor", "version": 1}, format="json")

    assert response.status_code == 200, response.content
    assert (response.json()["role"], response.json()["version"]) == ("script_supervisor", 2)
    membership.refresh_from_db()
    assert (membership.role, membership.version) == ("script_supervisor", 2)
    assert [(e["type"], e["entity_id"]) for e in events] == [("membership.updated", str(membership.pk))]
    assert events[0]["data"] == as_event_data(response.json()) == as_event_data(_member_rows(api, production)[membership.pk])


def test_role_change_with_a_stale_version_is_409(api, crew, production):
    membership = Membership.objects.get(production=production, user=crew)
    api.patch(members_url(production, membership.pk), {"role": "camera", "version": 1}, format="json")

    response = api.patch(members_url(production, membership.pk), {"role": "editor", "version": 1}, format="json")

    assert response.status_code == 409
    assert response.json()["extra"]["current"]["role"] == "camera"
    membership.refresh_from_db()
    assert membership.role == "camera"


def test_crew_cannot_change_roles(api_for, crew, make_user, production, captured_events):
    other = _with_role(production, Role.CAMERA, make_user)
    membership = Membership.objects.get(production=production, user=other)
    own = Membership.objects.get(production=production, user=crew)

    with captured_events() as events:
        promote_other = api_for(crew).patch(members_url(production, membership.pk), {"role": "producer", "version": 1}, format="json")
        promote_self = api_for(crew).patch(members_url(production, own.pk), {"role": "owner", "version": 1}, format="json")

    assert [promote_other.status_code, promote_self.status_code] == [403, 403]
    assert Membership.objects.get(pk=membership.pk).role == "camera"
    assert Membership.objects.get(pk=own.pk).role == "crew"
    assert events == []


def test_producer_cannot_demote_an_owner(api_for, user, make_user, production):
    producer = _with_role(production, Role.PRODUCER, make_user)
    owner_membership = Membership.objects.get(production=production, user=user)

    response = api_for(producer).patch(members_url(production, owner_membership.pk), {"role": "crew", "version": 1}, format="json")

    assert response.status_code == 403
    owner_membership.refresh_from_db()
    assert owner_membership.role == "owner"


def test_the_last_owner_cannot_be_demoted(api, user, production, captured_events):
    own = Membership.objects.get(production=production, user=user)

    with captured_events() as events:
        response = api.patch(members_url(production, own.pk), {"role": "producer", "version": 1}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "last_owner"
    own.refresh_from_db()
    assert (own.role, own.version) == ("owner", 1)
    assert events == []


def test_the_last_owner_cannot_be_removed_or_leave(api, user, production, captured_events):
    own = Membership.objects.get(production=production, user=user)

    with captured_events() as events:
        response = api.delete(members_url(production, own.pk))

    assert response.status_code == 400
    assert response.json()["code"] == "last_owner"
    assert Membership.objects.filter(pk=own.pk).exists()
    assert events == []


def test_an_owner_may_step_down_when_another_owner_remains(api, user, make_user, production):
    _with_role(production, Role.OWNER, make_user)
    own = Membership.objects.get(production=production, user=user)

    response = api.patch(members_url(production, own.pk), {"role": "producer", "version": 1}, format="json")

    assert response.status_code == 200
    assert list(production.memberships.filter(role="owner").exclude(user=user).values_list("role", flat=True)) == ["owner"]
    own.refresh_from_db()
    assert own.role == "producer"


def test_owner_removes_a_member_who_then_loses_access(api, api_for, crew, production, captured_events):
    scene = SceneFactory(production=production)
    membership = Membership.objects.get(production=production, user=crew)
    last_state = _member_rows(api, production)[membership.pk]
    client = api_for(crew)
    assert client.get(f"/api/productions/{production.pk}/").status_code == 200

    with captured_events() as events:
        response = api.delete(members_url(production, membership.pk))

    assert response.status_code == 204
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert [(e["type"], e["entity_id"]) for e in events] == [("membership.deleted", str(membership.pk))]
    assert events[0]["data"] == as_event_data(last_state)
    # the removed member sees nothing of the production any more
    assert client.get(f"/api/productions/{production.pk}/").status_code == 404
    assert client.get(f"/api/scenes/{scene.pk}/").status_code == 404
    assert client.get("/api/scenes/").json()["results"] == []
    assert client.get(members_url(production)).status_code == 404


def test_crew_cannot_remove_others_but_may_leave(api_for, crew, make_user, production):
    other = _with_role(production, Role.CAMERA, make_user)
    others = Membership.objects.get(production=production, user=other)
    own = Membership.objects.get(production=production, user=crew)
    client = api_for(crew)

    remove_other = client.delete(members_url(production, others.pk))
    leave = client.delete(members_url(production, own.pk))

    assert remove_other.status_code == 403
    assert Membership.objects.filter(pk=others.pk).exists()
    assert leave.status_code == 204
    assert not Membership.objects.filter(pk=own.pk).exists()


def test_producer_cannot_remove_an_owner(api_for, user, make_user, production):
    producer = _with_role(production, Role.PRODUCER, make_user)
    _with_role(production, Role.OWNER, make_user)  # so "last owner" is not what stops it
    owner_membership = Membership.objects.get(production=production, user=user)

    response = api_for(producer).delete(members_url(production, owner_membership.pk))

    assert response.status_code == 403
    assert Membership.objects.filter(pk=owner_membership.pk).exists()


def test_non_member_cannot_see_or_change_the_crew(api_for, outsider, crew, production, captured_events):
    client = api_for(outsider)
    membership = Membership.objects.get(production=production, user=crew)

    with captured_events() as events:
        listed = client.get(members_url(production))
        added = client.post(members_url(production), {"user_login": outsider.username, "role": "owner"}, format="json")
        changed = client.patch(members_url(production, membership.pk), {"role": "viewer", "version": 1}, format="json")
        removed = client.delete(members_url(production, membership.pk))

    for response in (listed, added, changed, removed):
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert Membership.objects.get(pk=membership.pk).role == "crew"
    assert not Membership.objects.filter(user=outsider).exists()
    assert events == []


def test_a_membership_is_only_reachable_under_its_own_production(api, user, make_production, crew, production):
    second = make_production(owner=user)
    membership = Membership.objects.get(production=production, user=crew)

    response = api.patch(members_url(second, membership.pk), {"role": "viewer", "version": 1}, format="json")

    assert response.status_code == 404
    assert Membership.objects.get(pk=membership.pk).role == "crew"
    assert not Event.objects.exists()

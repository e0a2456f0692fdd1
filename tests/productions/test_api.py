"""REST: productions, their live stats, and the events their writes publish."""
from __future__ import annotations

import pytest

from apps.productions.models import Membership, Production, Role
from apps.realtime.models import Event
from apps.scenes.models import Scene
from tests.factories import SceneFactory, ShotFactory

pytestmark = pytest.mark.django_db

EMPTY_STATS = {"scene_count": 0, "completed_scene_count": 0, "shot_count": 0, "completion_percent": 0.0,
               "total_eighths": 0, "completed_eighths": 0}


def _shared(data: dict) -> dict:
    """A production as every member sees it: without `my_role`, which is per user."""
    return {k: v for k, v in data.items() if k != "my_role"}


def test_creating_a_production_makes_the_creator_its_owner(api, user, captured_events):
    body = {"title": "The Lighthouse", "code": "LH-101", "description": "Two keepers.", "start_date": "2027-03-01",
            "end_date": "2027-04-15"}

    with captured_events() as events:
        response = api.post("/api/productions/", body, format="json")

    assert response.status_code == 201, response.content
    data = response.json()
    assert {k: data[k] for k in body} == body
    assert data["my_role"] == "owner"
    assert data["stats"] == EMPTY_STATS
    assert data["version"] == 1
    production = Production.objects.get(pk=data["id"])
    assert production.created_by == user
    assert list(production.memberships.values_list("user_id", "role")) == [(user.pk, "owner")]
    assert api.get(f"/api/productions/{production.pk}/").json() == data
    # events: the production, then the owner's membership, each as its REST representation
    assert [(e["type"], e["production"], e["entity_id"]) for e in events] == [
        ("production.created", production.pk, str(production.pk)),
        ("membership.created", production.pk, str(production.memberships.get().pk)),
    ]
    assert events[0]["data"] == {**_shared(data), "my_role": None}
    member = api.get(f"/api/productions/{production.pk}/members/").json()["results"][0]
    assert member["user"]["email"] == user.email  # the owner sees it; an event goes to every member, so it never carries it
    assert events[1]["data"] == {**member, "user": {**member["user"], "email": ""}}


def test_a_production_cannot_wrap_before_its_first_shoot_day(api):
    response = api.post("/api/productions/", {"title": "Backwards", "start_date": "2027-05-01", "end_date": "2027-04-01"}, format="json")

    assert response.status_code == 400
    assert response.json()["message"] == "The wrap date cannot be before the first shoot day."
    assert not Production.objects.exists()
    assert not Event.objects.exists()


def test_stats_on_list_and_detail_count_scenes_shots_and_eighths(api, production):
    # given 4 scenes (2 completed) with 3 shots, and page eighths 8 + 3 + 13 + 1
    done_a = SceneFactory(production=production, page_eighths=8, status="completed")
    SceneFactory(production=production, page_eighths=3, status="completed")
    SceneFactory(production=production, page_eighths=13, status="in_progress")
    SceneFactory(production=production, page_eighths=1, status="not_started")
    ShotFactory.create_batch(3, scene=done_a)
    # and a scene in another production that must not count
    SceneFactory(page_eighths=40, status="completed")

    listed = api.get("/api/productions/").json()["results"]
    detail = api.get(f"/api/productions/{production.pk}/").json()

    expected = {"scene_count": 4, "completed_scene_count": 2, "shot_count": 3, "completion_percent": 50.0,
                "total_eighths": 25, "completed_eighths": 11}
    assert [p["id"] for p in listed] == [production.pk]
    assert listed[0]["stats"] == expected
    assert detail["stats"] == expected
    assert listed[0] == detail


def test_completion_percent_is_rounded_to_one_decimal(api, production):
    SceneFactory(production=production, status="completed")
    SceneFactory(production=production)
    SceneFactory(production=production)

    stats = api.get(f"/api/productions/{production.pk}/").json()["stats"]

    assert stats["completion_percent"] == 33.3
    assert (stats["scene_count"], stats["completed_scene_count"]) == (3, 1)


def test_my_role_is_the_requesting_members_own(api_for, crew, viewer, production):
    assert api_for(crew).get(f"/api/productions/{production.pk}/").json()["my_role"] == "crew"
    assert api_for(viewer).get("/api/productions/").json()["results"][0]["my_role"] == "viewer"


def test_non_member_cannot_see_a_production(api_for, outsider, production, captured_events):
    client = api_for(outsider)

    with captured_events() as events:
        listed = client.get("/api/productions/")
        got = client.get(f"/api/productions/{production.pk}/")
        patched = client.patch(f"/api/productions/{production.pk}/", {"title": "Mine now", "version": 1}, format="json")
        deleted = client.delete(f"/api/productions/{production.pk}/")

    assert listed.json()["results"] == []
    for response in (got, patched, deleted):
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    production.refresh_from_db()
    assert production.title != "Mine now"
    assert events == []


def test_owner_updates_a_production_and_members_get_the_new_state(api, production, captured_events):
    SceneFactory(production=production, status="completed", page_eighths=4)

    with captured_events() as events:
        response = api.patch(f"/api/productions/{production.pk}/", {"title": "The Lighthouse (2027)", "version": 1}, format="json")

    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["title"], data["version"], data["my_role"]) == ("The Lighthouse (2027)", 2, "owner")
    assert data["stats"]["completed_eighths"] == 4
    assert data == api.get(f"/api/productions/{production.pk}/").json()
    assert [(e["type"], e["entity_id"]) for e in events] == [("production.updated", str(production.pk))]
    # the event goes to every member: it must not carry the actor's own role
    assert events[0]["data"] == {**_shared(data), "my_role": None}


@pytest.mark.parametrize("role", [Role.PRODUCER])
def test_producer_may_update_a_production(api_for, make_user, production, role):
    producer = make_user()
    Membership.objects.create(production=production, user=producer, role=role)

    response = api_for(producer).patch(f"/api/productions/{production.pk}/", {"code": "LH-2", "version": 1}, format="json")

    assert response.status_code == 200
    production.refresh_from_db()
    assert (production.code, production.version) == ("LH-2", 2)


def test_crew_and_viewers_cannot_change_a_production(api_for, crew, viewer, production, captured_events):
    with captured_events() as events:
        responses = [api_for(u).patch(f"/api/productions/{production.pk}/", {"title": "Renamed", "version": 1}, format="json")
                     for u in (crew, viewer)]

    assert [r.status_code for r in responses] == [403, 403]
    assert all(r.json()["code"] == "forbidden" for r in responses)
    production.refresh_from_db()
    assert (production.title, production.version) != ("Renamed", 2)
    assert production.version == 1
    assert events == []


def test_production_update_needs_a_version_and_refuses_a_stale_one(api, production):
    api.patch(f"/api/productions/{production.pk}/", {"title": "First", "version": 1}, format="json")
    current = api.get(f"/api/productions/{production.pk}/").json()

    without = api.patch(f"/api/productions/{production.pk}/", {"title": "Second"}, format="json")
    stale = api.patch(f"/api/productions/{production.pk}/", {"title": "Second", "version": 1}, format="json")

    assert without.status_code == 428
    assert without.json()["code"] == "version_required"
    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict"
    assert stale.json()["extra"]["current"] == {**_shared(current), "my_role": None}
    production.refresh_from_db()
    assert (production.title, production.version) == ("First", 2)


def test_owner_deletes_a_production_with_everything_in_it(api, production, captured_events):
    SceneFactory(production=production)
    last_state = api.get(f"/api/productions/{production.pk}/").json()

    with captured_events() as events:
        response = api.delete(f"/api/productions/{production.pk}/")

    assert response.status_code == 204
    assert not Production.objects.filter(pk=production.pk).exists()
    assert not Scene.objects.filter(production_id=production.pk).exists()
    assert not Membership.objects.filter(production_id=production.pk).exists()
    assert [(e["type"], e["production"]) for e in events] == [("production.deleted", production.pk)]
    assert events[0]["data"] == {**_shared(last_state), "my_role": None}


def test_only_an_owner_deletes_a_production(api_for, make_user, production, captured_events):
    producer = make_user()
    Membership.objects.create(production=production, user=producer, role=Role.PRODUCER)

    with captured_events() as events:
        response = api_for(producer).delete(f"/api/productions/{production.pk}/")

    assert response.status_code == 403
    assert response.json() == {"message": "Only an owner can delete the production.", "code": "forbidden", "extra": {}}
    assert Production.objects.filter(pk=production.pk).exists()
    assert events == []


def test_productions_list_searches_titles(api, user, make_production):
    make_production(owner=user, title="Night Train")
    day = make_production(owner=user, title="Day Trip")

    response = api.get("/api/productions/", {"search": "trip"})

    assert [p["id"] for p in response.json()["results"]] == [day.pk]

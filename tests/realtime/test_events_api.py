"""REST: `GET /api/events/?production=<id>` — a production's activity feed, the stored envelopes newest first."""
from __future__ import annotations

import json
from urllib.parse import parse_qs, urlparse

import pytest
from rest_framework.test import APIClient

from apps.productions.models import Membership, Role
from apps.realtime import sender
from apps.realtime.models import Event
from apps.realtime.services import publish
from tests.factories import SceneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def socket_frames(monkeypatch):
    """The envelope texts handed to the channel layer (what every subscribed socket receives), in order."""
    frames: list[dict] = []
    monkeypatch.setattr(sender, "group_send", lambda group, message, **kw: frames.append(json.loads(message["text"])) or True)
    return frames


def _feed(client, production, **params):
    return client.get("/api/events/", {"production": production.pk, **params})


def test_feed_is_the_envelopes_the_socket_sent_newest_first(api, user, production, socket_frames, django_capture_on_commit_callbacks):
    # given changes made through the API, each sent to the sockets on commit
    with django_capture_on_commit_callbacks(execute=True):
        scene = api.post("/api/scenes/", {"production": production.pk, "number": "12", "int_ext": "INT",
                                           "location": "DINER", "time_of_day": "NIGHT"}, format="json").json()
        api.patch(f"/api/scenes/{scene['id']}/", {"status": "in_progress", "version": 1}, format="json")
        api.delete(f"/api/scenes/{scene['id']}/")
    assert [f["type"] for f in socket_frames] == [
        "scene.created", "production.updated", "scene.updated", "production.updated", "scene.deleted", "production.updated"]

    response = _feed(api, production)

    assert response.status_code == 200
    body = response.json()
    assert body["next"] is None
    assert body["results"] == list(reversed(socket_frames))
    newest = body["results"][0]
    assert list(newest) == ["id", "seq", "type", "production", "entity", "entity_id", "data", "actor", "at"]
    assert [e["seq"] for e in body["results"]] == [6, 5, 4, 3, 2, 1]  # the production's stream, with no gap
    assert newest["actor"] == {"id": user.pk, "name": user.display_name}
    scene_created = next(e for e in body["results"] if e["type"] == "scene.created")
    assert (scene_created["entity"], scene_created["entity_id"], scene_created["data"]["location"]) == ("scene", scene["id"], "DINER")


def test_feed_shows_only_the_requested_production(api, user, other_user, make_production, production):
    other_production = make_production(owner=other_user)
    mine = publish(production_id=production.pk, type="scene.updated", entity="scene", entity_id=1, data={"id": 1}, actor=user)
    second = make_production(owner=user)
    publish(production_id=second.pk, type="scene.updated", entity="scene", entity_id=2, data={"id": 2}, actor=user)
    publish(production_id=other_production.pk, type="scene.updated", entity="scene", entity_id=3, data={"id": 3})

    results = _feed(api, production).json()["results"]

    assert [e["id"] for e in results] == [mine.pk]


def test_system_events_and_departed_actors_have_a_null_actor(api, make_user, production):
    gone = make_user()
    Membership.objects.create(production=production, user=gone, role=Role.CREW)
    publish(production_id=production.pk, type="job.updated", entity="job", entity_id="0f7e1a5c-8d1b-4c7e-9d5e-3a1f2b4c6d8e",
            data={"id": "0f7e1a5c-8d1b-4c7e-9d5e-3a1f2b4c6d8e"})
    publish(production_id=production.pk, type="scene.updated", entity="scene", entity_id=5, data={"id": 5}, actor=gone)
    gone.delete()

    results = _feed(api, production).json()["results"]

    assert [(e["type"], e["entity_id"], e["actor"]) for e in results] == [
        ("scene.updated", 5, None), ("job.updated", "0f7e1a5c-8d1b-4c7e-9d5e-3a1f2b4c6d8e", None)]


def test_pages_go_back_in_time_by_id(api, user, production):
    ids = [publish(production_id=production.pk, type="scene.updated", entity="scene", entity_id=n, data={"id": n}, actor=user).pk
           for n in range(7)]

    seen, pages, url = [], 0, None
    response = _feed(api, production, page_size=3)
    while True:
        body = response.json()
        pages += 1
        seen += [e["id"] for e in body["results"]]
        url = body["next"]
        if url is None:
            break
        query = parse_qs(urlparse(url).query)
        assert (query["production"], query["page_size"], query["before"]) == ([str(production.pk)], ["3"], [str(seen[-1])])
        response = api.get(url)

    assert seen == sorted(ids, reverse=True)
    assert pages == 3
    assert [e["id"] for e in _feed(api, production, before=ids[3]).json()["results"]] == ids[2::-1]


def test_a_new_event_does_not_shift_the_next_page(api, user, production):
    for n in range(4):
        publish(production_id=production.pk, type="scene.updated", entity="scene", entity_id=n, data={"id": n}, actor=user)
    first = _feed(api, production, page_size=2).json()
    publish(production_id=production.pk, type="scene.updated", entity="scene", entity_id=99, data={"id": 99}, actor=user)

    second = api.get(first["next"]).json()

    assert [e["entity_id"] for e in first["results"] + second["results"]] == [3, 2, 1, 0]


def test_page_size_defaults_to_50_and_is_capped_at_200(api, user, production):
    Event.objects.bulk_create([
        Event(production=production, seq=n + 1, type="scene.updated", entity="scene", entity_id=str(n), data={"id": n}, actor=user,
              at="2026-11-20T10:00:00Z")
        for n in range(210)
    ])

    assert len(_feed(api, production).json()["results"]) == 50
    assert len(_feed(api, production, page_size=1000).json()["results"]) == 200


def test_the_feed_of_200_events_takes_a_constant_number_of_queries(api, make_user, production, django_assert_max_num_queries):
    actors = [make_user() for _ in range(10)]
    scenes = SceneFactory.create_batch(3, production=production)
    for n in range(200):
        scene = scenes[n % 3]
        publish(production_id=production.pk, type="scene.updated", entity="scene", entity_id=scene.pk,
                data={"id": scene.pk, "n": n}, actor=actors[n % 10])

    with django_assert_max_num_queries(2):
        response = _feed(api, production, page_size=200)

    results = response.json()["results"]
    assert len(results) == 200
    assert {e["actor"]["id"] for e in results} == {a.pk for a in actors}
    assert results[0]["data"]["n"] == 199


def test_production_is_required(api, production):
    response = api.get("/api/events/")

    assert response.status_code == 400
    body = response.json()
    assert (body["code"], list(body["extra"]["fields"])) == ("invalid", ["production"])
    assert "?production=" in body["message"]


@pytest.mark.parametrize("params", [{"production": "seven"}, {"production": "0"}, {"before": "x"}, {"page_size": "-1"},
                                    {"production": "9" * 20}, {"before": "1" * 5000}, {"page_size": "²"}])
def test_bad_numbers_are_400(api, production, params):
    response = api.get("/api/events/", {"production": production.pk, **params})

    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert list(response.json()["extra"]["fields"]) == [next(iter(params))]


def test_a_non_member_gets_404_and_no_events(api_for, make_user, user, production):
    publish(production_id=production.pk, type="scene.updated", entity="scene", entity_id=1, data={"id": 1}, actor=user)
    stranger = make_user()

    response = api_for(stranger).get("/api/events/", {"production": production.pk})
    missing = api_for(stranger).get("/api/events/", {"production": production.pk + 1000})

    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")


def test_a_viewer_reads_the_feed(api_for, make_user, user, production):
    viewer = make_user()
    Membership.objects.create(production=production, user=viewer, role=Role.VIEWER)
    event = publish(production_id=production.pk, type="scene.updated", entity="scene", entity_id=1, data={"id": 1}, actor=user)

    assert [e["id"] for e in _feed(api_for(viewer), production).json()["results"]] == [event.pk]


def test_signed_out_is_401(production):
    assert APIClient().get("/api/events/", {"production": production.pk}).status_code == 401

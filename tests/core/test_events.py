"""Events the shared write path publishes: `<entity>.created|updated|deleted`, after commit, with REST data."""
from __future__ import annotations

import pytest
from django.db import transaction

from apps.productions.permissions import redact_contacts
from apps.realtime.models import Event
from tests.core.resources import RESOURCE_IDS, RESOURCES, url

pytestmark = pytest.mark.django_db

by_resource = pytest.mark.parametrize("resource", RESOURCES, ids=RESOURCE_IDS)


def as_event(resource, rest: dict) -> dict:
    """What an event carries of an object the owner reads over REST: the same, less a person's contact details, which
    no event carries for anyone (apps/productions/permissions.py; tests/productions/test_contact_privacy.py). A
    location's address is a place's, not a person's: kept."""
    return redact_contacts(rest) if resource.entity == "cast_member" else rest


def _production_rest(api, production) -> dict:
    """The production as GET answers it, less `my_role` (per user, so never in a shared event)."""
    data = api.get(f"/api/productions/{production.pk}/").json()
    assert data.pop("my_role") == "owner"
    return data


def _expect_stats_event(event, api, production):
    assert event["type"] == "production.updated"
    assert (event["production"], event["entity"], event["entity_id"]) == (production.pk, "production", str(production.pk))
    assert event["data"].pop("my_role") is None
    assert event["data"] == _production_rest(api, production)


@by_resource
def test_create_publishes_created_with_the_rest_representation(resource, api, production, captured_events):
    body = resource.create_body(production)

    with captured_events() as events:
        response = api.post(url(resource), body, format="json")

    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    expected_types = [f"{resource.entity}.created"] + (["production.updated"] if resource.moves_stats else [])
    assert [e["type"] for e in events] == expected_types
    created = events[0]
    assert (created["production"], created["entity"], created["entity_id"]) == (production.pk, resource.entity, str(pk))
    assert created["data"] == as_event(resource, api.get(url(resource, pk)).json()) == as_event(resource, response.json())
    if resource.moves_stats:
        _expect_stats_event(events[1], api, production)


@by_resource
def test_update_publishes_updated_with_the_rest_representation(resource, api, production, captured_events):
    row = resource.make(production)

    with captured_events() as events:
        response = api.patch(url(resource, row.pk), {**resource.change, "version": 1}, format="json")

    assert response.status_code == 200, response.content
    assert [e["type"] for e in events] == [f"{resource.entity}.updated"]
    updated = events[0]
    assert (updated["production"], updated["entity"], updated["entity_id"]) == (production.pk, resource.entity, str(row.pk))
    assert updated["data"] == as_event(resource, api.get(url(resource, row.pk)).json()) == as_event(resource, response.json())
    assert updated["data"]["version"] == 2


@by_resource
def test_delete_publishes_deleted_with_the_last_state(resource, api, production, captured_events):
    row = resource.make(production)
    last_state = api.get(url(resource, row.pk)).json()

    with captured_events() as events:
        response = api.delete(url(resource, row.pk))

    assert response.status_code == 204
    expected_types = [f"{resource.entity}.deleted"] + (["production.updated"] if resource.moves_stats else [])
    assert [e["type"] for e in events] == expected_types
    deleted = events[0]
    assert (deleted["production"], deleted["entity"], deleted["entity_id"]) == (production.pk, resource.entity, str(row.pk))
    assert deleted["data"] == as_event(resource, last_state)
    if resource.moves_stats:
        _expect_stats_event(events[1], api, production)


def test_events_carry_the_actor(api, user, production):
    from apps.scenes.services import scene_create

    with transaction.atomic():
        scene = scene_create(actor=user, production=production, number="5")

    event = Event.objects.get(type="scene.created", entity_id=str(scene.pk))
    assert event.actor_id == user.pk


def test_a_rolled_back_write_publishes_nothing(user, production, django_capture_on_commit_callbacks):
    # given a service call inside a transaction that then fails
    from apps.scenes.models import Scene
    from apps.scenes.services import scene_create

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                scene_create(actor=user, production=production, number="9", location="CELLAR")
                raise RuntimeError("the request failed after the service")

    # then no scene, no stored event and no pending send survive
    assert not Scene.objects.filter(production=production, number="9").exists()
    assert not Event.objects.filter(production=production).exists()
    assert callbacks == []


def test_a_committed_write_sends_its_event_to_the_production_group(api, production, captured_events):
    """The on-commit callback really reaches channel-layer group `production.<id>` on the test Redis."""
    import asyncio
    import json
    import threading

    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    group = f"production.{production.pk}"
    subscribed = threading.Event()
    received: dict = {}

    async def listen():
        # one loop for subscribe and receive: the pub/sub layer keeps its connection per event loop
        channel = await layer.new_channel()
        await layer.group_add(group, channel)
        subscribed.set()
        try:
            received["message"] = await asyncio.wait_for(layer.receive(channel), timeout=5)
        finally:
            await layer.group_discard(group, channel)

    listener = threading.Thread(target=async_to_sync(listen))
    listener.start()
    assert subscribed.wait(timeout=5)
    try:
        with captured_events() as events:
            response = api.post("/api/cast-members/", {"production": production.pk, "name": "Ana Ruiz", "cast_id": 1}, format="json")
    finally:
        listener.join(timeout=10)

    assert response.status_code == 201
    message = received["message"]
    envelope = json.loads(message["text"])
    assert message["type"] == "event.message"
    assert envelope["id"] == events[0]["id"]
    assert (envelope["type"], envelope["production"], envelope["entity"], envelope["entity_id"]) == (
        "cast_member.created", production.pk, "cast_member", response.json()["id"])
    assert envelope["data"] == response.json()
    assert envelope["actor"]["id"] == production.memberships.get().user_id


def test_a_request_that_fails_after_publishing_publishes_nothing(api, production, monkeypatch, django_capture_on_commit_callbacks):
    """scene.created is stored, then the stats step fails: the whole request rolls back, events included."""
    from apps.scenes import services
    from apps.scenes.models import Scene

    def broken(**kwargs):
        raise RuntimeError("stats exploded")

    monkeypatch.setattr(services, "production_stats_publish", broken)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            api.post("/api/scenes/", {"production": production.pk, "number": "1"}, format="json")

    assert not Scene.objects.exists()
    assert not Event.objects.exists()
    assert callbacks == []

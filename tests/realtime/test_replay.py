"""Resuming a production's stream: replay from the Event table, dedupe against live events, resync.

DESIGN.md, "The write path and live updates" and "Delivery guarantees".
"""
from __future__ import annotations

import json

import pytest
from django.db import transaction

from tests.realtime.helpers import assert_nothing, receive, receive_until, run_sync, subscribe

pytestmark = pytest.mark.django_db(transaction=True)


def publish_scene_updates(scene, actor, count: int) -> list[int]:
    """`count` stored `scene.updated` events, one transaction each; returns their ids in order."""
    from apps.realtime.services import publish_entity

    ids = []
    for _ in range(count):
        with transaction.atomic():
            ids.append(publish_entity(scene, "updated", actor=actor).id)
    return ids


async def test_resume_replays_exactly_the_missed_events_in_order(crew, connect_as, scene_in):
    scene = await run_sync(scene_in, crew.production)
    ids = await run_sync(publish_scene_updates, scene, crew.owner, 5)
    socket = await connect_as(crew.member)

    replayed, subscribed = await subscribe(socket, crew.production.pk, after=ids[1])

    assert [frame["id"] for frame in replayed] == ids[2:]
    assert all(frame["type"] == "scene.updated" and frame["actor"] == {"id": crew.owner.pk, "name": "Ana Ruiz"} for frame in replayed)
    assert subscribed == {"type": "subscribed", "production": crew.production.pk, "replayed": 3, "last_id": ids[-1], "last_seq": 5}
    # then live, each event once
    later = await run_sync(publish_scene_updates, scene, crew.owner, 2)
    assert [(await receive(socket))["id"] for _ in later] == later
    await assert_nothing(socket)


async def test_resume_from_the_latest_id_replays_nothing(crew, connect_as, scene_in):
    ids = await run_sync(publish_scene_updates, await run_sync(scene_in, crew.production), crew.owner, 2)
    socket = await connect_as(crew.member)

    replayed, subscribed = await subscribe(socket, crew.production.pk, after=ids[-1])

    assert replayed == []
    assert (subscribed["replayed"], subscribed["last_id"]) == (0, ids[-1])


async def test_replay_skips_other_productions_events(crew, connect_as, scene_in):
    ours, theirs = await run_sync(scene_in, crew.production), await run_sync(scene_in, crew.elsewhere)
    first = await run_sync(publish_scene_updates, ours, crew.owner, 1)
    await run_sync(publish_scene_updates, theirs, crew.outsider, 2)
    second = await run_sync(publish_scene_updates, ours, crew.owner, 1)
    socket = await connect_as(crew.member)

    replayed, subscribed = await subscribe(socket, crew.production.pk, after=0)

    assert [frame["id"] for frame in replayed] == first + second
    assert {frame["production"] for frame in replayed} == {crew.production.pk}
    assert (subscribed["replayed"], subscribed["last_id"]) == (2, second[0])


async def test_a_replayed_envelope_equals_the_live_one(crew, connect_as, scene_in):
    scene = await run_sync(scene_in, crew.production)
    live_socket = await connect_as(crew.owner)
    await subscribe(live_socket, crew.production.pk)
    (event_id,) = await run_sync(publish_scene_updates, scene, crew.owner, 1)
    live_text = await live_socket.receive_from(timeout=3)

    resumed = await connect_as(crew.member)
    await resumed.send_json_to({"type": "subscribe", "production": crew.production.pk, "after": event_id - 1})
    replayed_text = await resumed.receive_from(timeout=3)

    # Equal as JSON; PostgreSQL's jsonb keeps no key order, so the text may differ in order only.
    assert json.loads(replayed_text) == json.loads(live_text)
    assert json.loads(replayed_text)["id"] == event_id


async def test_events_published_while_subscribing_arrive_once_in_order(crew, connect_as, scene_in):
    scene = await run_sync(scene_in, crew.production)
    before = await run_sync(publish_scene_updates, scene, crew.owner, 3)
    socket = await connect_as(crew.member)

    await socket.send_json_to({"type": "subscribe", "production": crew.production.pk, "after": before[0]})
    during = []
    for _ in range(15):  # one write per call, so the consumer's replay queries interleave with them
        during += await run_sync(publish_scene_updates, scene, crew.owner, 1)
    frames = await receive_until(socket, lambda frame: frame.get("id") == during[-1])

    received = [frame["id"] for frame in frames if frame["type"] == "scene.updated"]
    assert received == before[1:] + during
    await assert_nothing(socket)


async def test_an_event_overtaken_on_the_way_to_redis_is_still_delivered_in_order(crew, connect_as, scene_in, monkeypatch):
    # Web processes and workers each send on their own Redis connection after their own commit: a
    # writer descheduled between its commit and its send is overtaken by a later event. The consumer
    # sees the jump in seq, reads the overtaken event from the log, sends both in order, and drops
    # the late live copy.
    from apps.realtime import sender

    real_group_send, held = sender.group_send, []

    def send_overtaken(group, message, **kwargs):
        if not held:
            held.append((group, message))  # the first event's send is late...
            return True
        real_group_send(group, message, **kwargs)  # ...the second one goes first
        while held:
            real_group_send(*held.pop())
        return True

    monkeypatch.setattr(sender, "group_send", send_overtaken)
    scene = await run_sync(scene_in, crew.production)
    socket = await connect_as(crew.member)
    await subscribe(socket, crew.production.pk)

    first, second = await run_sync(publish_scene_updates, scene, crew.owner, 2)

    assert [(await receive(socket))["id"] for _ in range(2)] == [first, second]
    await assert_nothing(socket)


async def test_missing_more_than_the_replay_limit_is_answered_with_resync(crew, connect_as, scene_in, settings):
    settings.SLATE_REPLAY_LIMIT = 3
    scene = await run_sync(scene_in, crew.production)
    ids = await run_sync(publish_scene_updates, scene, crew.owner, 5)
    socket = await connect_as(crew.member)

    await socket.send_json_to({"type": "subscribe", "production": crew.production.pk, "after": ids[0]})  # 4 missed

    assert await receive(socket) == {"type": "resync", "production": crew.production.pk, "last_seq": 5}
    assert await receive(socket) == {"type": "subscribed", "production": crew.production.pk, "replayed": 0, "last_id": ids[-1], "last_seq": 5}
    assert (await receive(socket))["type"] == "presence.changed"
    # after the resync the stream goes on live from the latest id, without the missed events
    later = await run_sync(publish_scene_updates, scene, crew.owner, 1)
    assert (await receive(socket))["id"] == later[0]
    await assert_nothing(socket)


async def test_missing_exactly_the_replay_limit_is_still_replayed(crew, connect_as, scene_in, settings):
    settings.SLATE_REPLAY_LIMIT = 3
    ids = await run_sync(publish_scene_updates, await run_sync(scene_in, crew.production), crew.owner, 5)
    socket = await connect_as(crew.member)

    replayed, subscribed = await subscribe(socket, crew.production.pk, after=ids[1])

    assert [frame["id"] for frame in replayed] == ids[2:]
    assert subscribed["replayed"] == 3


async def test_an_after_beyond_any_event_id_is_answered_with_resync(crew, connect_as, scene_in):
    ids = await run_sync(publish_scene_updates, await run_sync(scene_in, crew.production), crew.owner, 2)
    socket = await connect_as(crew.member)

    await socket.send_json_to({"type": "subscribe", "production": crew.production.pk, "after": ids[-1] + 1000})

    assert await receive(socket) == {"type": "resync", "production": crew.production.pk, "last_seq": 2}
    assert await receive(socket) == {"type": "subscribed", "production": crew.production.pk, "replayed": 0, "last_id": ids[-1], "last_seq": 2}


async def test_resubscribing_does_not_send_an_event_twice(crew, connect_as, scene_in):
    scene = await run_sync(scene_in, crew.production)
    socket = await connect_as(crew.member)
    await subscribe(socket, crew.production.pk)
    (first,) = await run_sync(publish_scene_updates, scene, crew.owner, 1)
    assert (await receive(socket))["id"] == first

    replayed, subscribed = await subscribe(socket, crew.production.pk, after=first - 1)  # a client that lost track

    assert [frame["id"] for frame in replayed] == [first]
    (second,) = await run_sync(publish_scene_updates, scene, crew.owner, 1)
    assert (await receive(socket))["id"] == second
    await assert_nothing(socket)

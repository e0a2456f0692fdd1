"""The live metrics (sockets, subscriptions, frames, fan-out lag, replays, resyncs, rate limits, closes), through the
whole ASGI application and the real Redis, as tests/realtime does; read from the test process's registry as deltas.
"""
from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest
from django.db import transaction
from prometheus_client import REGISTRY

from apps.realtime import fanout
from apps.realtime.services import envelope_json
from tests.realtime.conftest import access_token, connect_as, crew, scene_in, session_cookie, sockets  # noqa: F401 (fixtures)
from tests.realtime.helpers import receive, receive_close_code, run_sync, subscribe

pytestmark = pytest.mark.django_db(transaction=True)


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def eventually(read, expected, timeout_s: float = 3.0):
    """Wait until `read()` equals `expected` (a socket's report to its fan-out tally follows its send)."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while read() != expected and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.01)
    assert read() == expected


def publish_scene_update(scene, actor) -> int:
    from apps.realtime.services import publish_entity

    with transaction.atomic():
        return publish_entity(scene, "updated", actor=actor).id


async def test_open_sockets_and_subscriptions_follow_the_sockets(crew, connect_as):
    production = str(crew.production.pk)
    opened, subscribed = sample("slate_ws_open_sockets"), sample("slate_ws_subscriptions", production=production)
    closed = sample("slate_ws_closed_total", code="1000")

    socket = await connect_as(crew.member)
    assert sample("slate_ws_open_sockets") == opened + 1
    await subscribe(socket, crew.production.pk)
    await subscribe(socket, crew.production.pk)  # again: still one subscription
    assert sample("slate_ws_subscriptions", production=production) == subscribed + 1
    await socket.send_json_to({"type": "unsubscribe", "production": crew.production.pk})
    assert (await receive(socket))["type"] == "unsubscribed"
    assert sample("slate_ws_subscriptions", production=production) == subscribed
    await subscribe(socket, crew.production.pk)
    await socket.disconnect(code=1000)

    assert sample("slate_ws_open_sockets") == opened
    assert sample("slate_ws_subscriptions", production=production) == subscribed
    assert sample("slate_ws_closed_total", code="1000") == closed + 1


async def test_an_event_to_two_sockets_counts_two_frames_and_one_lag_observation(crew, connect_as, scene_in):
    scene = await run_sync(scene_in, crew.production)
    first, second = await connect_as(crew.owner), await connect_as(crew.member)
    for socket in (first, second):
        await subscribe(socket, crew.production.pk)
    frames, lags = sample("slate_ws_frames_delivered_total"), sample("slate_fanout_lag_seconds_count")
    published = sample("slate_events_published_total", type="scene.updated")

    await run_sync(publish_scene_update, scene, crew.owner)
    for socket in (first, second):
        assert (await receive(socket))["type"] == "scene.updated"

    await eventually(lambda: sample("slate_fanout_lag_seconds_count"), lags + 1)
    assert sample("slate_ws_frames_delivered_total") == frames + 2
    assert sample("slate_events_published_total", type="scene.updated") == published + 1
    assert sample("slate_fanout_lag_seconds_bucket", le="10.0") == sample("slate_fanout_lag_seconds_count")


async def test_a_subscribe_that_replays_and_one_that_must_resync_are_counted(crew, connect_as, scene_in):
    scene = await run_sync(scene_in, crew.production)
    first = await run_sync(publish_scene_update, scene, crew.owner)
    await run_sync(publish_scene_update, scene, crew.owner)
    replays, resyncs, frames = sample("slate_ws_replays_total"), sample("slate_ws_resyncs_total"), sample("slate_ws_frames_delivered_total")

    socket = await connect_as(crew.member)
    replayed, _ = await subscribe(socket, crew.production.pk, after=first)
    other = await connect_as(crew.owner)
    await other.send_json_to({"type": "subscribe", "production": crew.production.pk, "after": 10**12})
    assert (await receive(other))["type"] == "resync"

    assert len(replayed) == 1
    assert sample("slate_ws_replays_total") == replays + 1
    assert sample("slate_ws_frames_delivered_total") == frames + 1
    assert sample("slate_ws_resyncs_total") == resyncs + 1


async def test_a_flooding_socket_is_counted_as_rate_limited(crew, connect_as, settings):
    settings.SLATE_WS_BURST = 2
    settings.SLATE_WS_RATE_PER_S = 0.01
    before = sample("slate_ws_rate_limited_total")
    socket = await connect_as(crew.owner)

    for _ in range(3):
        await socket.send_json_to({"type": "ping"})
    for _ in range(2):
        assert await receive(socket) == {"type": "pong"}
    assert (await receive(socket))["code"] == "rate_limited"
    assert await receive_close_code(socket) == 4429

    assert sample("slate_ws_rate_limited_total") == before + 1


def test_the_commit_time_is_read_from_the_envelope_as_sent():
    at = datetime(2026, 3, 4, 5, 6, 7, 891000, tzinfo=timezone.utc)
    text = envelope_json(id=1, seq=1, type="scene.updated", production_id=1, entity="scene", entity_id=1,
                         data={"at": "not this one", "nested": {"at": "nor this"}}, actor=None, at=at)

    assert fanout._committed_at(text) == at.timestamp()
    assert fanout._committed_at('{"type":"pong"}') is None

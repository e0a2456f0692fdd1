"""publish() / broadcast_now() (the transactional outbox) and the sender that hands events to Redis."""
from __future__ import annotations

import asyncio
import decimal
import json
import os
import signal
import socket
import tempfile
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from apps.realtime import sender
from apps.realtime.models import Event
from apps.realtime.services import broadcast_now, publish, publish_entity
from tests.realtime.helpers import run_sync


@pytest.fixture
def sent(monkeypatch):
    """What reaches `sender.group_send` (the process boundary to Redis): a list of `(group, message)`."""
    calls: list[tuple[str, dict]] = []

    def record(group, message, **kwargs):
        calls.append((group, message))
        return True

    monkeypatch.setattr(sender, "group_send", record)
    return calls


# --- publish: stored, sent on commit ------------------------------------------------------------


def test_publish_stores_the_event_and_sends_it_only_on_commit(user, production, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            event = publish(production_id=production.pk, type="scene.updated", entity="scene", entity_id=42,
                            data={"id": 42, "status": "in_progress"}, actor=user)
            assert Event.objects.filter(pk=event.pk).exists()  # in the caller's transaction
        assert sent == []

    assert len(callbacks) == 1
    stored = Event.objects.get(pk=event.pk)
    assert (stored.production_id, stored.type, stored.entity, stored.entity_id, stored.data, stored.actor) == (
        production.pk, "scene.updated", "scene", "42", {"id": 42, "status": "in_progress"}, user)

    callbacks[0]()

    assert len(sent) == 1
    group, message = sent[0]
    assert group == f"production.{production.pk}"
    assert {k: v for k, v in message.items() if k != "text"} == {
        "type": "event.message", "id": event.pk, "seq": 1, "production": production.pk, "event_type": "scene.updated"}
    assert json.loads(message["text"]) == {
        "id": event.pk, "seq": 1, "type": "scene.updated", "production": production.pk, "entity": "scene", "entity_id": 42,
        "data": {"id": 42, "status": "in_progress"}, "actor": {"id": user.pk, "name": user.display_name},
        "at": stored.at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }


def test_a_rolled_back_publish_stores_and_sends_nothing(production, user, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            publish(production_id=production.pk, type="scene.updated", entity="scene", entity_id=1, data={}, actor=user)
            raise RuntimeError

    assert callbacks == []
    assert sent == []
    assert not Event.objects.exists()


@pytest.mark.parametrize("event_type", ["scene.exploded", "nonsense", "job.progress", "presence.changed", ""])
def test_publish_refuses_unknown_and_ephemeral_types(production, user, sent, django_capture_on_commit_callbacks, event_type):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(ValueError):
        publish(production_id=production.pk, type=event_type, entity="scene", entity_id=1, data={}, actor=user)

    assert callbacks == [] and sent == []
    assert not Event.objects.exists()


def test_the_stored_and_the_sent_data_are_the_same_json(production, sent, django_capture_on_commit_callbacks):
    data = {"fee": decimal.Decimal("12.50"), "call": datetime(2026, 11, 20, 6, 30, tzinfo=timezone.utc), "job": uuid.UUID(int=7)}

    with django_capture_on_commit_callbacks(execute=True):
        event = publish(production_id=production.pk, type="job.updated", entity="job", entity_id=uuid.UUID(int=7), data=data)

    envelope = json.loads(sent[0][1]["text"])
    assert envelope["data"] == Event.objects.get(pk=event.pk).data == {
        "fee": "12.50", "call": "2026-11-20T06:30:00Z", "job": "00000000-0000-0000-0000-000000000007"}
    assert envelope["entity_id"] == "00000000-0000-0000-0000-000000000007"


@pytest.mark.parametrize("actor", [None, AnonymousUser()], ids=["system", "anonymous"])
def test_an_event_without_a_signed_in_actor_has_a_null_actor(production, sent, django_capture_on_commit_callbacks, actor):
    with django_capture_on_commit_callbacks(execute=True):
        event = publish(production_id=production.pk, type="production.updated", entity="production", entity_id=production.pk,
                        data={}, actor=actor)

    assert Event.objects.get(pk=event.pk).actor is None
    assert json.loads(sent[0][1]["text"])["actor"] is None


def test_publish_entity_sends_the_rest_representation(production, user, sent, django_capture_on_commit_callbacks):
    from apps.scenes.serializers import SceneSerializer
    from tests.factories import SceneFactory

    scene = SceneFactory(production=production)

    with django_capture_on_commit_callbacks(execute=True):
        event = publish_entity(scene, "updated", actor=user)

    envelope = json.loads(sent[0][1]["text"])
    assert (envelope["type"], envelope["entity"], envelope["entity_id"], envelope["production"]) == (
        "scene.updated", "scene", scene.pk, production.pk)
    assert envelope["data"] == json.loads(json.dumps(SceneSerializer(scene).data)) == event.data


def test_event_ids_grow_in_publish_order(production, user, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ids = [publish(production_id=production.pk, type="scene.updated", entity="scene", entity_id=1, data={}, actor=user).pk
               for _ in range(5)]

    assert ids == sorted(ids) and len(set(ids)) == 5
    assert [message["id"] for _, message in sent] == ids


# --- broadcast_now: ephemeral, sent at once --------------------------------------------------------


def test_broadcast_sends_at_once_and_stores_nothing(production, user, sent):
    with transaction.atomic():
        broadcast_now(production_id=production.pk, type="job.progress", entity="job", entity_id="a-job", data={"progress": 0.5}, actor=user)
        assert len(sent) == 1  # not deferred to the commit

    assert not Event.objects.exists()
    group, message = sent[0]
    assert group == f"production.{production.pk}"
    assert (message["type"], message["id"], message["production"], message["event_type"]) == (
        "event.message", None, production.pk, "job.progress")
    envelope = json.loads(message["text"])
    assert envelope["id"] is None and envelope["type"] == "job.progress" and envelope["data"] == {"progress": 0.5}
    assert envelope["actor"] == {"id": user.pk, "name": user.display_name}
    assert envelope["at"].endswith("Z")


# --- through the real Redis ---------------------------------------------------------------------


@pytest.fixture
async def group_listener():
    """`await group_listener(group)` → a channel of the real layer subscribed to `group`, and its `next()`."""
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    channels: list[tuple[str, str]] = []

    async def listen(group):
        channel = await layer.new_channel()
        await layer.group_add(group, channel)
        channels.append((group, channel))

        async def next_message(timeout=3.0):
            return await asyncio.wait_for(layer.receive(channel), timeout)

        return next_message

    yield listen
    for group, channel in channels:
        await layer.group_discard(group, channel)


@pytest.mark.django_db(transaction=True)
async def test_a_committed_publish_reaches_the_production_group_through_redis(production, user, group_listener):
    next_message = await group_listener(f"production.{production.pk}")

    def write():
        with transaction.atomic():
            return publish(production_id=production.pk, type="scene.updated", entity="scene", entity_id=5, data={"id": 5}, actor=user)

    event = await run_sync(write)

    message = await next_message()
    assert (message["type"], message["id"], message["event_type"]) == ("event.message", event.pk, "scene.updated")
    assert json.loads(message["text"])["id"] == event.pk


@pytest.mark.django_db(transaction=True)
async def test_a_rolled_back_publish_never_reaches_redis(production, user, group_listener):
    next_message = await group_listener(f"production.{production.pk}")

    def write_and_fail():
        with pytest.raises(RuntimeError), transaction.atomic():
            publish(production_id=production.pk, type="scene.updated", entity="scene", entity_id=5, data={}, actor=user)
            raise RuntimeError

    await run_sync(write_and_fail)

    with pytest.raises(asyncio.TimeoutError):
        await next_message(timeout=0.5)


@pytest.mark.django_db(transaction=True)
async def test_a_broadcast_reaches_the_production_group_through_redis(production, group_listener):
    next_message = await group_listener(f"production.{production.pk}")

    await run_sync(broadcast_now, production_id=production.pk, type="job.progress", entity="job", entity_id="j", data={"progress": 0.25})

    message = await next_message()
    assert message["id"] is None and json.loads(message["text"])["data"] == {"progress": 0.25}


# --- sender: never raises, never blocks the write -------------------------------------------------


def _layer_at(address: str) -> dict:
    return {"default": {"BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                        "CONFIG": {"hosts": [{"address": address, "socket_timeout": None}], "prefix": "slate-dead"}}}


@pytest.fixture
def silent_redis():
    """A unix socket that accepts connections and never answers (a hung Redis); yields its address."""
    path = Path(tempfile.mkdtemp()) / "silent.sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen()
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def serve():
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"unix://{path}"
    stop.set()
    thread.join(timeout=2)
    for conn in accepted:
        conn.close()
    server.close()


def _pending_sender_tasks(*, until_zero_within_s: float) -> int:
    """Tasks of the sender loop besides its relay (which always waits for work)."""
    async def pending():
        return len([t for t in asyncio.all_tasks() if t is not asyncio.current_task() and "_Relay._run" not in repr(t.get_coro())])

    deadline = time.monotonic() + until_zero_within_s
    while True:
        count = asyncio.run_coroutine_threadsafe(pending(), sender._get_loop()).result(timeout=2)
        if count == 0 or time.monotonic() > deadline:
            return count
        time.sleep(0.02)


def test_group_send_returns_at_once_while_redis_hangs(settings, silent_redis):
    settings.CHANNEL_LAYERS = _layer_at(silent_redis)
    settings.SLATE_LIVE_RETRY_S = 0.5

    started = time.monotonic()
    for n in range(200):
        sender.group_send("production.1", {"type": "event.message", "text": "{}", "id": n, "seq": n + 1, "event_type": "scene.updated"})
    queued_in_s = time.monotonic() - started

    assert queued_in_s < 0.5, queued_in_s  # a write never waits on Redis
    # and the relay gives the frames up (the subscribers read them from the log) without raising
    assert sender.flush(timeout_s=30) is True
    # the abandoned sends were cancelled, not left holding the layer's connection lock forever
    assert _pending_sender_tasks(until_zero_within_s=2) == 0


@pytest.fixture
def private_redis():
    """A real redis-server of its own on a unix socket, to pause and resume; yields `(address, process)`."""
    from apps.core.redis_server import start_redis

    path = Path(tempfile.mkdtemp(prefix="slate-paused-redis-")) / "redis.sock"
    process = start_redis(path, appendonly=False)
    yield f"unix://{path}", process
    if process.poll() is None:
        os.kill(process.pid, signal.SIGCONT)
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("durable", [False, True], ids=["stored_event", "durable_message"])
async def test_a_stored_frame_sent_while_redis_is_paused_arrives_once_redis_is_back(settings, private_redis, durable):
    """A stored event's frame (an `id`), or a message sent `durable` (a sign-out: no id, no table), is tried again."""
    from channels.layers import get_channel_layer

    address, redis_process = private_redis
    settings.CHANNEL_LAYERS = _layer_at(address)
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add("production.7", channel)

    os.kill(redis_process.pid, signal.SIGSTOP)  # Redis stops answering: every send times out
    try:
        started = time.monotonic()
        for n in (1, 2, 3):
            message = {"type": "event.message", "text": str(n), "id": None if durable else n, "seq": n, "event_type": "scene.updated"}
            sender.group_send("production.7", message, durable=durable)
        assert time.monotonic() - started < 0.1
        await asyncio.sleep(SEND_PAUSE_S)
    finally:
        os.kill(redis_process.pid, signal.SIGCONT)

    received = [await asyncio.wait_for(layer.receive(channel), 15) for _ in range(3)]
    assert [m["text"] for m in received] == ["1", "2", "3"]  # each once, in order
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(layer.receive(channel), 0.5)
    await layer.group_discard("production.7", channel)


SEND_PAUSE_S = 2.5  # longer than one send attempt (sender.SEND_TIMEOUT_S): the first attempt fails and is retried

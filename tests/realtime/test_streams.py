"""A production's stream has no silent gap: contiguous `seq`, gap repair from the log, the stream watch.

Issue 11 ("No silent gap in a stream"): each production's stored events are numbered 1, 2, 3…
in commit order; a live frame that never arrives (a send dropped while Redis was paused, a
sender that died after commit) is noticed — at the next frame, or by the process's stream watch
when it was the last one — and sent from the `Event` table, so every socket ends with every
stored event exactly once, in order.
"""
from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection, transaction

from apps.realtime import sender
from apps.realtime.models import Event
from apps.realtime.services import publish, publish_entity
from tests.realtime.helpers import assert_nothing, receive, run_sync, subscribe

pytestmark = pytest.mark.django_db(transaction=True)


def publish_scene_updates(scene, actor, count: int) -> list[Event]:
    """`count` stored `scene.updated` events, one transaction each."""
    events = []
    for _ in range(count):
        with transaction.atomic():
            events.append(publish_entity(scene, "updated", actor=actor))
    return events


@pytest.fixture
def lose_live_frames(monkeypatch):
    """`lose_live_frames(n)`: the next `n` stored frames never reach Redis (a send given up while Redis was away)."""
    real = sender.group_send
    budget = {"left": 0}

    def send(group, message, **kwargs):
        if message.get("seq") is not None and budget["left"] > 0:
            budget["left"] -= 1
            return None
        return real(group, message, **kwargs)

    monkeypatch.setattr(sender, "group_send", send)
    return lambda n: budget.__setitem__("left", n)


# --- seq: one production's stream, numbered with no gap --------------------------------------------


def test_each_production_numbers_its_events_from_one_without_gaps(production, make_production, user):
    other = make_production(owner=user)
    for n in range(3):
        publish(production_id=production.pk, type="scene.updated", entity="scene", entity_id=n, data={}, actor=user)
        publish(production_id=other.pk, type="scene.updated", entity="scene", entity_id=n, data={}, actor=user)

    for p in (production, other):
        rows = list(Event.objects.filter(production=p).order_by("id").values_list("seq", flat=True))
        assert rows == [1, 2, 3]


def test_a_rolled_back_event_leaves_no_hole_in_the_numbering(production, user):
    publish(production_id=production.pk, type="scene.updated", entity="scene", entity_id=1, data={}, actor=user)
    with pytest.raises(RuntimeError), transaction.atomic():
        publish(production_id=production.pk, type="scene.updated", entity="scene", entity_id=2, data={}, actor=user)
        raise RuntimeError
    publish(production_id=production.pk, type="scene.updated", entity="scene", entity_id=3, data={}, actor=user)

    assert list(Event.objects.filter(production=production).order_by("id").values_list("seq", "entity_id")) == [(1, "1"), (2, "3")]


def test_concurrent_writers_get_contiguous_seqs_in_commit_order(production, user):
    # Four threads, each with its own connection, publish into one production at once: the seqs
    # are 1..N with no twin, and follow the ids (both in commit order).
    errors, per_thread = [], 15

    def write(n):
        try:
            for k in range(per_thread):
                with transaction.atomic():
                    publish(production_id=production.pk, type="scene.updated", entity="scene", entity_id=n * 100 + k, data={}, actor=None)
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    rows = list(Event.objects.filter(production=production).order_by("id").values_list("seq", flat=True))
    assert rows == list(range(1, 4 * per_thread + 1))


# --- subscribing by seq ----------------------------------------------------------------------------


async def test_subscribe_after_a_seq_replays_exactly_the_later_events(crew, connect_as, scene_in):
    scene = await run_sync(scene_in, crew.production)
    events = await run_sync(publish_scene_updates, scene, crew.owner, 5)
    socket = await connect_as(crew.member)

    await socket.send_json_to({"type": "subscribe", "production": crew.production.pk, "after_seq": 2})
    replayed = [await receive(socket) for _ in range(3)]
    subscribed = await receive(socket)

    assert [(f["seq"], f["id"]) for f in replayed] == [(e.seq, e.id) for e in events[2:]]
    assert subscribed == {"type": "subscribed", "production": crew.production.pk, "replayed": 3, "last_id": events[-1].id, "last_seq": 5}


async def test_an_after_seq_beyond_the_stream_is_answered_with_resync(crew, connect_as, scene_in):
    await run_sync(publish_scene_updates, await run_sync(scene_in, crew.production), crew.owner, 2)
    socket = await connect_as(crew.member)

    await socket.send_json_to({"type": "subscribe", "production": crew.production.pk, "after_seq": 7})

    assert await receive(socket) == {"type": "resync", "production": crew.production.pk, "last_seq": 2}
    assert (await receive(socket))["last_seq"] == 2


@pytest.mark.parametrize("after_seq", [-1, "3", 1.5, True, 2**63])
async def test_subscribe_with_a_bad_after_seq_is_invalid(crew, connect_as, after_seq):
    socket = await connect_as(crew.member)

    await socket.send_json_to({"type": "subscribe", "production": crew.production.pk, "after_seq": after_seq})

    frame = await receive(socket)
    assert (frame["type"], frame["code"]) == ("error", "invalid")


# --- gap repair ------------------------------------------------------------------------------------


async def test_a_lost_live_frame_is_sent_before_the_next_one_and_only_once(crew, connect_as, scene_in, lose_live_frames):
    scene = await run_sync(scene_in, crew.production)
    socket = await connect_as(crew.member)
    await subscribe(socket, crew.production.pk)

    lose_live_frames(2)
    events = await run_sync(publish_scene_updates, scene, crew.owner, 3)  # only the third one goes out live

    frames = [await receive(socket) for _ in range(3)]
    assert [(f["id"], f["seq"]) for f in frames] == [(e.id, e.seq) for e in events]
    await assert_nothing(socket)


async def test_every_socket_of_the_process_gets_the_repaired_gap(crew, connect_as, scene_in, lose_live_frames):
    scene = await run_sync(scene_in, crew.production)
    sockets = [await connect_as(crew.member), await connect_as(crew.owner), await connect_as(crew.member)]
    for socket in sockets:
        await subscribe(socket, crew.production.pk)

    lose_live_frames(1)
    events = await run_sync(publish_scene_updates, scene, crew.owner, 2)

    for socket in sockets:
        assert [(await receive(socket))["seq"] for _ in range(2)] == [e.seq for e in events]
        await assert_nothing(socket, timeout=0.2)


async def test_a_lost_last_frame_is_caught_up_by_the_stream_watch(crew, connect_as, scene_in, lose_live_frames, settings):
    settings.SLATE_STREAM_CHECK_S = 0.2
    scene = await run_sync(scene_in, crew.production)
    socket = await connect_as(crew.member)
    await subscribe(socket, crew.production.pk)

    lose_live_frames(1)
    (event,) = await run_sync(publish_scene_updates, scene, crew.owner, 1)  # nothing follows it

    frame = await receive(socket)  # within two checks
    assert (frame["id"], frame["seq"]) == (event.id, event.seq)
    await assert_nothing(socket, timeout=0.6)  # and never twice


async def test_the_stream_watch_leaves_a_socket_that_is_up_to_date_alone(crew, connect_as, scene_in, settings):
    settings.SLATE_STREAM_CHECK_S = 0.1
    scene = await run_sync(scene_in, crew.production)
    socket = await connect_as(crew.member)
    await subscribe(socket, crew.production.pk)

    (event,) = await run_sync(publish_scene_updates, scene, crew.owner, 1)

    assert (await receive(socket))["id"] == event.id
    await assert_nothing(socket, timeout=0.5)


async def test_a_gap_longer_than_the_replay_limit_is_answered_with_resync_then_the_stream_goes_on(
        crew, connect_as, scene_in, lose_live_frames, settings):
    settings.SLATE_REPLAY_LIMIT = 2
    scene = await run_sync(scene_in, crew.production)
    socket = await connect_as(crew.member)
    await subscribe(socket, crew.production.pk)

    lose_live_frames(3)
    events = await run_sync(publish_scene_updates, scene, crew.owner, 5)

    assert await receive(socket) == {"type": "resync", "production": crew.production.pk, "last_seq": 3}
    assert [(await receive(socket))["seq"] for _ in range(2)] == [events[3].seq, events[4].seq]
    await assert_nothing(socket)


async def test_a_membership_deleted_event_repaired_from_the_log_still_ends_the_subscription(crew, connect_as, scene_in, lose_live_frames):
    from apps.productions.models import Membership
    from apps.productions.services import membership_remove

    scene = await run_sync(scene_in, crew.production)
    socket = await connect_as(crew.member)
    await subscribe(socket, crew.production.pk)
    membership = await run_sync(Membership.objects.get, production=crew.production, user=crew.member)

    lose_live_frames(1)  # the removal's event is lost on the way…
    await run_sync(membership_remove, membership=membership, actor=crew.owner)
    await run_sync(publish_scene_updates, scene, crew.owner, 1)  # …and the next one reveals the gap

    frames = []
    while True:
        frame = await receive(socket)
        frames.append(frame)
        if frame["type"] == "membership.deleted":
            break
    await assert_nothing(socket)  # nothing of the production after the removal
    assert all(f["type"] != "scene.updated" for f in frames)


async def test_a_removed_member_whose_gap_is_too_long_to_replay_gets_no_resync_and_leaves_the_stream(
        crew, connect_as, scene_in, lose_live_frames, settings):
    from apps.productions.models import Membership
    from apps.productions.services import membership_remove

    settings.SLATE_REPLAY_LIMIT = 1
    scene = await run_sync(scene_in, crew.production)
    socket = await connect_as(crew.member)
    await subscribe(socket, crew.production.pk)
    membership = await run_sync(Membership.objects.get, production=crew.production, user=crew.member)

    lose_live_frames(2)  # the removal's event and the next one are lost: a gap past the replay limit…
    await run_sync(membership_remove, membership=membership, actor=crew.owner)
    await run_sync(publish_scene_updates, scene, crew.owner, 2)  # …which the next frame reveals

    frame = await receive(socket)
    assert frame == {"type": "error", "code": "forbidden", "detail": "You are no longer a member of this production.",
                     "production": crew.production.pk}
    await run_sync(publish_scene_updates, scene, crew.owner, 1)
    await assert_nothing(socket)  # no resync (which would have the client refetch), no frame of the production after it

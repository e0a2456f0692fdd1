"""Presence: who is looking at what in a production, shared through Redis (apps.realtime.presence)."""
from __future__ import annotations

import pytest

from tests.realtime.helpers import assert_nothing, ping_pong, receive, subscribe

pytestmark = pytest.mark.django_db(transaction=True)


def entries(frame: dict) -> list[tuple[int, dict | None]]:
    """(user id, where) of each presence entry of a `presence.changed` frame."""
    return [(entry["user"]["id"], entry["where"]) for entry in frame["data"]["members"]]


async def test_presence_reaches_every_subscriber_with_everyones_entries(crew, connect_as):
    owner_socket, member_socket = await connect_as(crew.owner), await connect_as(crew.member)
    await subscribe(owner_socket, crew.production.pk)
    await subscribe(member_socket, crew.production.pk)

    await owner_socket.send_json_to({"type": "presence", "production": crew.production.pk, "where": {"scene": 42}})
    first = [await receive(owner_socket), await receive(member_socket)]
    await member_socket.send_json_to({"type": "presence", "production": crew.production.pk, "where": {"shot": 7, "page": "12A"}})
    second = [await receive(owner_socket), await receive(member_socket)]

    assert first[0] == first[1] and second[0] == second[1]  # one envelope, forwarded as is
    for frame in first:
        assert frame["type"] == "presence.changed" and frame["id"] is None
        assert (frame["production"], frame["entity"], frame["entity_id"]) == (crew.production.pk, "production", crew.production.pk)
        assert frame["actor"] == {"id": crew.owner.pk, "name": "Ana Ruiz"}
        assert entries(frame) == [(crew.owner.pk, {"scene": 42})]
    for frame in second:
        assert frame["actor"] == {"id": crew.member.pk, "name": "Bo Lind"}
        assert sorted(entries(frame), key=lambda e: e[0]) == sorted(
            [(crew.owner.pk, {"scene": 42}), (crew.member.pk, {"shot": 7, "page": "12A"})], key=lambda e: e[0])
        assert {entry["user"]["name"] for entry in frame["data"]["members"]} == {"Ana Ruiz", "Bo Lind"}
    await assert_nothing(owner_socket, timeout=0.2)
    await assert_nothing(member_socket, timeout=0.2)


async def test_a_new_subscriber_gets_the_current_presence(crew, connect_as):
    owner_socket = await connect_as(crew.owner)
    await subscribe(owner_socket, crew.production.pk)
    await owner_socket.send_json_to({"type": "presence", "production": crew.production.pk, "where": {"scene": 3}})
    await receive(owner_socket)
    member_socket = await connect_as(crew.member)

    await member_socket.send_json_to({"type": "subscribe", "production": crew.production.pk})
    subscribed, snapshot = await receive(member_socket), await receive(member_socket)

    assert subscribed["type"] == "subscribed"
    assert snapshot["type"] == "presence.changed" and snapshot["id"] is None
    assert entries(snapshot) == [(crew.owner.pk, {"scene": 3})]


async def test_disconnecting_removes_the_entry_for_the_others(crew, connect_as):
    owner_socket, member_socket = await connect_as(crew.owner), await connect_as(crew.member)
    await subscribe(owner_socket, crew.production.pk)
    await subscribe(member_socket, crew.production.pk)
    await owner_socket.send_json_to({"type": "presence", "production": crew.production.pk, "where": {"scene": 1}})
    await member_socket.send_json_to({"type": "presence", "production": crew.production.pk, "where": {"scene": 2}})
    for _ in range(2):
        await receive(owner_socket)

    await member_socket.disconnect(timeout=3)

    gone = await receive(owner_socket)
    assert gone["type"] == "presence.changed" and gone["id"] is None
    assert entries(gone) == [(crew.owner.pk, {"scene": 1})]


async def test_unsubscribing_removes_the_entry_too(crew, connect_as):
    owner_socket, member_socket = await connect_as(crew.owner), await connect_as(crew.member)
    await subscribe(owner_socket, crew.production.pk)
    await subscribe(member_socket, crew.production.pk)
    await member_socket.send_json_to({"type": "presence", "production": crew.production.pk, "where": None})
    assert entries(await receive(owner_socket)) == [(crew.member.pk, None)]

    await member_socket.send_json_to({"type": "unsubscribe", "production": crew.production.pk})

    assert entries(await receive(owner_socket)) == []


async def test_a_subscriber_that_never_sent_presence_leaves_silently(crew, connect_as):
    owner_socket, member_socket = await connect_as(crew.owner), await connect_as(crew.member)
    await subscribe(owner_socket, crew.production.pk)
    await subscribe(member_socket, crew.production.pk)

    await member_socket.disconnect(timeout=3)

    await assert_nothing(owner_socket)


@pytest.mark.parametrize(
    "where",
    [["scene", 42], "scene", 42, {"bogus": 1}, {"scene": True}, {"scene": "x" * 201}, {"scene": {"id": 4}}, {"scene": 1.5},
     {"scene": -1}, {"frame": 2**80}, {"page": 2**63}],
    ids=["list", "string", "number", "unknown-key", "bool", "long-string", "object", "float", "negative", "huge", "past-64-bit"],
)
async def test_an_invalid_where_is_refused_and_shared_with_nobody(crew, connect_as, where):
    owner_socket, member_socket = await connect_as(crew.owner), await connect_as(crew.member)
    await subscribe(owner_socket, crew.production.pk)
    await subscribe(member_socket, crew.production.pk)

    await owner_socket.send_json_to({"type": "presence", "production": crew.production.pk, "where": where})

    error = await receive(owner_socket)
    assert error["type"] == "error" and error["code"] == "invalid", error
    await assert_nothing(member_socket)
    await ping_pong(owner_socket)


async def test_presence_without_subscribing_is_refused(crew, connect_as):
    socket = await connect_as(crew.owner)

    await socket.send_json_to({"type": "presence", "production": crew.production.pk, "where": {"scene": 1}})

    error = await receive(socket)
    assert (error["type"], error["code"], error["production"]) == ("error", "not_subscribed", crew.production.pk)
    await ping_pong(socket)


async def test_a_non_member_cannot_announce_presence(crew, connect_as):
    member_socket, outsider_socket = await connect_as(crew.member), await connect_as(crew.outsider)
    await subscribe(member_socket, crew.production.pk)
    await outsider_socket.send_json_to({"type": "subscribe", "production": crew.production.pk})
    assert (await receive(outsider_socket))["code"] == "forbidden"

    await outsider_socket.send_json_to({"type": "presence", "production": crew.production.pk, "where": {"scene": 1}})

    assert (await receive(outsider_socket))["code"] == "not_subscribed"
    await assert_nothing(member_socket)


async def test_a_burst_of_presence_reaches_the_others_as_few_frames_ending_with_everyone(crew, connect_as, make_user, transactional_db):
    """A reconnect storm: many sockets re-send their presence at once. The others get a handful of
    frames (one at once, then one per coalescing window), not one per socket, and the last one
    lists everybody."""
    from channels.db import database_sync_to_async

    from apps.productions.models import Membership, Role

    crowd = []
    for n in range(12):
        user = await database_sync_to_async(make_user)(name=f"Extra {n:02d}")
        await database_sync_to_async(Membership.objects.create)(user=user, production=crew.production, role=Role.CAMERA)
        crowd.append(user)
    watcher = await connect_as(crew.owner)
    await subscribe(watcher, crew.production.pk)
    sockets = [await connect_as(user) for user in crowd]
    for socket in sockets:
        await subscribe(socket, crew.production.pk)

    for n, socket in enumerate(sockets):
        await socket.send_json_to({"type": "presence", "production": crew.production.pk, "where": {"scene": n}})

    frames = []
    while not frames or len(frames[-1]["data"]["members"]) < len(crowd):
        frames.append(await receive(watcher))
    assert all(frame["type"] == "presence.changed" for frame in frames)
    assert len(frames) < len(crowd) / 2, [len(frame["data"]["members"]) for frame in frames]
    assert sorted(entry["where"]["scene"] for entry in frames[-1]["data"]["members"]) == list(range(len(crowd)))
    await assert_nothing(watcher, timeout=0.5)


async def test_presence_re_sent_unchanged_reaches_nobody(crew, connect_as):
    owner_socket, member_socket = await connect_as(crew.owner), await connect_as(crew.member)
    await subscribe(owner_socket, crew.production.pk)
    await subscribe(member_socket, crew.production.pk)
    await owner_socket.send_json_to({"type": "presence", "production": crew.production.pk, "where": {"scene": 5}})
    await receive(member_socket)

    await owner_socket.send_json_to({"type": "presence", "production": crew.production.pk, "where": {"scene": 5}})  # the minute's refresh

    await assert_nothing(member_socket, timeout=0.5)
    await owner_socket.send_json_to({"type": "presence", "production": crew.production.pk, "where": {"scene": 6}})
    assert entries(await receive(member_socket)) == [(crew.owner.pk, {"scene": 6})]

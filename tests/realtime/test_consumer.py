"""The WebSocket consumer through the whole ASGI application (origin + auth middleware, real Redis).

Protocol: DESIGN.md, "WebSocket protocol" and "Event envelope".
"""
from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.db import transaction

from apps.realtime.models import Event
from tests.realtime.conftest import ALLOWED_ORIGIN
from tests.realtime.helpers import (
    assert_nothing,
    ping_pong,
    receive,
    receive_close_code,
    receive_until,
    run_sync,
    subscribe,
)

pytestmark = pytest.mark.django_db(transaction=True)

ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def publish_scene_update(scene, actor) -> int:
    """Store and (on commit) send one `scene.updated` for `scene`; returns the event id."""
    from apps.realtime.services import publish_entity

    with transaction.atomic():
        return publish_entity(scene, "updated", actor=actor).id


# --- authentication -------------------------------------------------------------------------


async def test_no_credentials_is_accepted_then_closed_4401(sockets):
    socket = await sockets.open([(b"origin", ALLOWED_ORIGIN)])

    assert await receive_close_code(socket) == 4401


@pytest.mark.parametrize("origin", [b"http://localhost", b"http://127.0.0.1:8000"])
async def test_session_cookie_from_allowed_origin_signs_in(crew, sockets, session_cookie, origin):
    cookie = await run_sync(session_cookie, crew.owner)

    socket = await sockets.open([(b"origin", origin), (b"cookie", f"sessionid={cookie}".encode())])

    await ping_pong(socket)
    _, subscribed = await subscribe(socket, crew.production.pk)  # only the owner may: proves who signed in
    assert subscribed["production"] == crew.production.pk


@pytest.mark.parametrize("origin", [b"https://evil.example", b"null", b"http://localhost.evil.example", b"localhost"])
async def test_session_cookie_from_foreign_origin_is_closed_4403(crew, sockets, session_cookie, origin):
    cookie = await run_sync(session_cookie, crew.owner)

    socket = await sockets.open([(b"origin", origin), (b"cookie", f"sessionid={cookie}".encode())])

    assert await receive_close_code(socket) == 4403


async def test_session_cookie_without_origin_does_not_count(crew, sockets, session_cookie):
    cookie = await run_sync(session_cookie, crew.owner)

    socket = await sockets.open([(b"cookie", f"sessionid={cookie}".encode())])

    assert await receive_close_code(socket) == 4401


async def test_bearer_access_token_signs_in_without_origin(crew, sockets, access_token):
    token = await run_sync(access_token, crew.member)

    socket = await sockets.open([(b"authorization", f"Bearer {token}".encode())])

    await ping_pong(socket)
    _, subscribed = await subscribe(socket, crew.production.pk)
    assert subscribed["production"] == crew.production.pk


async def test_bearer_token_from_foreign_origin_is_closed_4403(crew, sockets, access_token):
    token = await run_sync(access_token, crew.member)

    socket = await sockets.open([(b"origin", b"https://evil.example"), (b"authorization", f"Bearer {token}".encode())])

    assert await receive_close_code(socket) == 4403


def _expired_token(user) -> str:
    from rest_framework_simplejwt.tokens import AccessToken

    token = AccessToken.for_user(user)
    token.set_exp(lifetime=-timedelta(minutes=1))
    return str(token)


def _refresh_token(user) -> str:
    from rest_framework_simplejwt.tokens import RefreshToken

    return str(RefreshToken.for_user(user))


def _inactive_users_token(user) -> str:
    from rest_framework_simplejwt.tokens import AccessToken

    token = str(AccessToken.for_user(user))
    user.is_active = False
    user.save(update_fields=["is_active"])
    return token


@pytest.mark.parametrize(
    "make_token",
    [_expired_token, _refresh_token, _inactive_users_token, lambda user: "garbage.not.ajwt", lambda user: ""],
    ids=["expired", "refresh-not-access", "inactive-user", "garbage", "empty"],
)
async def test_unusable_bearer_token_is_closed_4401(crew, sockets, make_token):
    token = await run_sync(make_token, crew.member)

    socket = await sockets.open([(b"authorization", f"Bearer {token}".encode())])

    assert await receive_close_code(socket) == 4401


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        (lambda token: [(b"origin", ALLOWED_ORIGIN)], 4401),
        (lambda token: [(b"origin", b"https://evil.example"), (b"authorization", f"Bearer {token}".encode())], 4403),
    ],
    ids=["anonymous", "signed-in-from-foreign-origin"],
)
async def test_a_rejected_socket_ignores_frames_sent_while_it_closes(crew, sockets, access_token, headers, code):
    # The server's close frame and the client's next frames cross on the wire, and daphne (autobahn)
    # still delivers frames while closing: a rejected connection must not act on them.
    token = await run_sync(access_token, crew.owner)
    socket = await sockets.open(headers(token))
    assert await receive_close_code(socket) == code

    await socket.send_json_to({"type": "ping"})
    await socket.send_json_to({"type": "subscribe", "production": crew.production.pk})

    await assert_nothing(socket)


# --- subscribe ------------------------------------------------------------------------------


async def test_member_subscribes_and_learns_the_last_event_id(crew, connect_as, scene_in):
    scene = await run_sync(scene_in, crew.production)
    first = await run_sync(publish_scene_update, scene, crew.owner)
    last = await run_sync(publish_scene_update, scene, crew.owner)
    await run_sync(publish_scene_update, await run_sync(scene_in, crew.elsewhere), crew.outsider)  # a later id elsewhere
    socket = await connect_as(crew.member)

    before, subscribed = await subscribe(socket, crew.production.pk)

    assert first < last
    assert before == []
    assert subscribed == {"type": "subscribed", "production": crew.production.pk, "replayed": 0, "last_id": last, "last_seq": 2}


async def test_member_of_an_empty_production_starts_at_zero(crew, connect_as):
    socket = await connect_as(crew.outsider)

    _, subscribed = await subscribe(socket, crew.elsewhere.pk)

    assert subscribed == {"type": "subscribed", "production": crew.elsewhere.pk, "replayed": 0, "last_id": 0, "last_seq": 0}


async def test_non_member_cannot_subscribe_and_gets_none_of_its_events(crew, connect_as, scene_in):
    scene = await run_sync(scene_in, crew.production)
    socket = await connect_as(crew.outsider)

    await socket.send_json_to({"type": "subscribe", "production": crew.production.pk})
    error = await receive(socket)
    await run_sync(publish_scene_update, scene, crew.owner)

    assert error["type"] == "error" and error["code"] == "forbidden" and error["production"] == crew.production.pk
    assert error["detail"]
    await assert_nothing(socket)
    await ping_pong(socket)


async def test_subscribing_to_a_production_that_does_not_exist_is_forbidden(crew, connect_as):
    socket = await connect_as(crew.owner)

    await socket.send_json_to({"type": "subscribe", "production": crew.elsewhere.pk + 10_000})

    assert (await receive(socket))["code"] == "forbidden"


@pytest.mark.parametrize(
    "fields",
    [{"production": "7"}, {"production": -1}, {"production": True}, {}, {"production": None}, {"production": 7.0},
     {"production": 2**63}, {"production": [7]}],
    ids=["string", "negative", "bool", "missing", "null", "float", "beyond-int64", "list"],
)
async def test_subscribe_with_a_bad_production_is_invalid(crew, connect_as, fields):
    socket = await connect_as(crew.owner)

    await socket.send_json_to({"type": "subscribe", **fields})

    error = await receive(socket)
    assert error["type"] == "error" and error["code"] == "invalid", error
    await ping_pong(socket)


@pytest.mark.parametrize("after", ["3", -1, False, 1.5, 2**63], ids=["string", "negative", "bool", "float", "beyond-int64"])
async def test_subscribe_with_a_bad_after_is_invalid(crew, connect_as, after):
    socket = await connect_as(crew.owner)

    await socket.send_json_to({"type": "subscribe", "production": crew.production.pk, "after": after})

    assert (await receive(socket))["code"] == "invalid"
    await ping_pong(socket)


# --- live events ----------------------------------------------------------------------------


def _set_status(scene, actor, status):
    from apps.scenes.services import scene_update

    with transaction.atomic():
        return scene_update(instance=scene, actor=actor, version=scene.version, status=status)


def _set_status_then_roll_back(scene, actor):
    with pytest.raises(RuntimeError), transaction.atomic():
        _set_status(scene, actor, "completed")
        raise RuntimeError("the rest of the request failed")


async def test_a_committed_write_reaches_subscribers_as_the_design_envelope(crew, connect_as, scene_in):
    from apps.scenes.serializers import SceneSerializer

    scene = await run_sync(scene_in, crew.production)
    socket = await connect_as(crew.member)
    await subscribe(socket, crew.production.pk)

    scene = await run_sync(_set_status, scene, crew.owner, "in_progress")

    frame = await receive(socket)
    stored = await run_sync(lambda: Event.objects.get(production=crew.production, type="scene.updated"))
    expected_data = json.loads(json.dumps(await run_sync(lambda: SceneSerializer(scene).data), default=str))
    assert set(frame) == {"id", "seq", "type", "production", "entity", "entity_id", "data", "actor", "at"}
    assert frame["id"] == stored.id
    assert frame["seq"] == stored.seq == 1
    assert frame["type"] == "scene.updated"
    assert frame["production"] == crew.production.pk
    assert frame["entity"] == "scene"
    assert frame["entity_id"] == scene.pk
    assert frame["data"]["status"] == "in_progress"
    assert frame["data"]["version"] == scene.version
    assert frame["data"] == stored.data == expected_data  # the REST representation
    assert frame["actor"] == {"id": crew.owner.pk, "name": "Ana Ruiz"}
    assert ISO_Z.match(frame["at"]), frame["at"]
    assert frame["at"] == stored.at.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    # the same write also moves the production's stats
    stats = await receive(socket)
    assert (stats["type"], stats["entity"], stats["entity_id"]) == ("production.updated", "production", crew.production.pk)
    assert stats["id"] > frame["id"] and stats["seq"] == 2
    await assert_nothing(socket)


async def test_every_subscriber_gets_the_event_once(crew, connect_as, scene_in):
    scene = await run_sync(scene_in, crew.production)
    owner_socket, member_socket = await connect_as(crew.owner), await connect_as(crew.member)
    second_member_socket = await connect_as(crew.member)  # the same person on a second tablet
    for socket in (owner_socket, member_socket, second_member_socket):
        await subscribe(socket, crew.production.pk)

    event_id = await run_sync(publish_scene_update, scene, crew.owner)

    for socket in (owner_socket, member_socket, second_member_socket):
        assert (await receive(socket))["id"] == event_id
        await assert_nothing(socket, timeout=0.2)


async def test_a_rolled_back_write_sends_nothing(crew, connect_as, scene_in):
    scene = await run_sync(scene_in, crew.production)
    socket = await connect_as(crew.member)
    await subscribe(socket, crew.production.pk)

    await run_sync(_set_status_then_roll_back, scene, crew.owner)

    await assert_nothing(socket)
    assert await run_sync(lambda: Event.objects.filter(production=crew.production).count()) == 0
    # the socket was live all along: the next committed write arrives
    scene = await run_sync(type(scene).objects.get, pk=scene.pk)  # the rolled-back call bumped our copy's version
    await run_sync(_set_status, scene, crew.owner, "on_hold")
    assert (await receive(socket))["data"]["status"] == "on_hold"


async def test_events_of_other_productions_are_not_forwarded(crew, connect_as, scene_in):
    from apps.productions.models import Membership, Role

    await run_sync(Membership.objects.create, production=crew.elsewhere, user=crew.member, role=Role.CREW)
    socket = await connect_as(crew.member)
    await subscribe(socket, crew.production.pk)  # a member of both, subscribed to one

    await run_sync(publish_scene_update, await run_sync(scene_in, crew.elsewhere), crew.outsider)

    await assert_nothing(socket)


# --- unsubscribe and removal from the crew ----------------------------------------------------


async def test_unsubscribe_stops_events(crew, connect_as, scene_in):
    scene = await run_sync(scene_in, crew.production)
    socket = await connect_as(crew.member)
    await subscribe(socket, crew.production.pk)

    await socket.send_json_to({"type": "unsubscribe", "production": crew.production.pk})
    answer = await receive(socket)
    await run_sync(publish_scene_update, scene, crew.owner)

    assert answer == {"type": "unsubscribed", "production": crew.production.pk}
    await assert_nothing(socket)
    await ping_pong(socket)


async def test_a_removed_member_stops_receiving_after_membership_deleted(crew, connect_as, scene_in):
    from apps.productions.models import Membership
    from apps.productions.services import membership_remove

    scene = await run_sync(scene_in, crew.production)
    owner_socket, member_socket = await connect_as(crew.owner), await connect_as(crew.member)
    await subscribe(owner_socket, crew.production.pk)
    await subscribe(member_socket, crew.production.pk)
    membership = await run_sync(Membership.objects.get, production=crew.production, user=crew.member)

    await run_sync(membership_remove, membership=membership, actor=crew.owner)
    deleted = await receive(member_socket)
    event_id = await run_sync(publish_scene_update, scene, crew.owner)

    assert deleted["type"] == "membership.deleted" and deleted["data"]["user"]["id"] == crew.member.pk
    assert (await receive(owner_socket))["type"] == "membership.deleted"
    assert (await receive(owner_socket))["id"] == event_id
    await assert_nothing(member_socket)
    # and cannot come back
    await member_socket.send_json_to({"type": "subscribe", "production": crew.production.pk})
    assert (await receive(member_socket))["code"] == "forbidden"


async def test_a_removed_member_gets_no_ephemeral_frame_of_the_production_either(crew, connect_as):
    from apps.productions.models import Membership
    from apps.productions.services import membership_remove
    from apps.realtime.services import broadcast_now

    owner_socket, member_socket = await connect_as(crew.owner), await connect_as(crew.member)
    await subscribe(owner_socket, crew.production.pk)
    await subscribe(member_socket, crew.production.pk)
    membership = await run_sync(Membership.objects.get, production=crew.production, user=crew.member)
    await run_sync(membership_remove, membership=membership, actor=crew.owner)
    assert (await receive(member_socket))["type"] == "membership.deleted"
    assert (await receive(owner_socket))["type"] == "membership.deleted"

    await run_sync(broadcast_now, production_id=crew.production.pk, type="job.progress", entity="job", entity_id=1,
                   data={"progress": 0.5}, actor=crew.owner)

    assert (await receive_until(owner_socket, lambda f: f["type"] == "job.progress"))[-1]["data"] == {"progress": 0.5}
    await assert_nothing(member_socket)  # nor presence: the member left it with the stream


async def test_another_members_removal_does_not_unsubscribe_me(crew, connect_as, make_user, scene_in):
    from apps.productions.models import Membership, Role
    from apps.productions.services import membership_remove

    scene = await run_sync(scene_in, crew.production)
    third = await run_sync(make_user)
    membership = await run_sync(Membership.objects.create, production=crew.production, user=third, role=Role.CREW)
    socket = await connect_as(crew.member)
    await subscribe(socket, crew.production.pk)

    await run_sync(membership_remove, membership=membership, actor=crew.owner)
    event_id = await run_sync(publish_scene_update, scene, crew.owner)

    assert (await receive(socket))["type"] == "membership.deleted"
    assert (await receive(socket))["id"] == event_id


# --- frames -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("{not json", "malformed"),
        ("[1, 2, 3]", "malformed"),
        ('"ping"', "malformed"),
        ('{"type": 5}', "malformed"),
        ('{"kind": "ping"}', "malformed"),
        ("[" * 5000 + "]" * 5000, "malformed"),
        ('{"type": "dance"}', "unknown_type"),
        ('{"type": "event.message", "text": "{}"}', "unknown_type"),
    ],
    ids=["not-json", "array", "string", "type-not-string", "no-type", "deep-nesting", "unknown", "server-handler-name"],
)
async def test_a_bad_frame_gets_an_error_and_the_socket_keeps_working(crew, connect_as, frame, code):
    socket = await connect_as(crew.owner)

    await socket.send_to(text_data=frame)

    error = await receive(socket)
    assert error["type"] == "error" and error["code"] == code and error["detail"], error
    await ping_pong(socket)


async def test_a_binary_frame_is_malformed(crew, connect_as):
    socket = await connect_as(crew.owner)

    await socket.send_to(bytes_data=b'{"type": "ping"}')

    assert (await receive(socket))["code"] == "malformed"
    await ping_pong(socket)


async def test_a_frame_over_the_size_limit_is_too_large(crew, connect_as, settings):
    settings.SLATE_WS_MAX_FRAME_BYTES = 256
    socket = await connect_as(crew.owner)

    await socket.send_json_to({"type": "ping", "pad": "x" * 300})

    assert (await receive(socket))["code"] == "too_large"
    await ping_pong(socket)


async def test_a_flooding_client_is_told_and_closed_4429(crew, connect_as, scene_in, settings):
    settings.SLATE_WS_BURST = 5
    settings.SLATE_WS_RATE_PER_S = 0.01
    scene = await run_sync(scene_in, crew.production)
    socket = await connect_as(crew.owner)
    await subscribe(socket, crew.production.pk)  # one frame of the five

    for _ in range(6):
        await socket.send_json_to({"type": "ping"})

    for _ in range(4):
        assert await receive(socket) == {"type": "pong"}
    error = await receive(socket)
    assert error["type"] == "error" and error["code"] == "rate_limited" and error["detail"]
    assert await receive_close_code(socket) == 4429
    # while the close completes: later frames are ignored, and events are no longer forwarded
    await socket.send_json_to({"type": "ping"})
    await run_sync(publish_scene_update, scene, crew.member)
    await assert_nothing(socket)


async def test_frames_within_the_rate_are_all_answered(crew, connect_as, settings):
    settings.SLATE_WS_BURST = 3
    settings.SLATE_WS_RATE_PER_S = 50.0
    socket = await connect_as(crew.owner)

    for _ in range(6):  # twice the burst, but paced under the refill rate
        await ping_pong(socket)
        await assert_nothing(socket, timeout=0.05)

"""Ending a sign-in closes the WebSockets it opened, at once (issue 18: sign out everywhere, a signed-out device, a
changed password): the socket gets 4401, as one that never had a sign-in. The caller's own browser socket stays.

Through the whole ASGI app and real Redis: browser sessions made by signing in with Django's test client (which
records each as a signed-in device), a JWT pair issued as a device, the account endpoints that end them.
"""
from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from tests.realtime.conftest import ALLOWED_ORIGIN
from tests.realtime.helpers import assert_nothing, ping_pong, receive_close_code

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct horse battery"


def _browser(user):
    """A signed-in test client (a browser session, recorded as a device) and its session key."""
    from django.test import Client

    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client, client.cookies["sessionid"].value


def _jwt_device(user) -> tuple[str, int]:
    """An access token of a JWT pair recorded as a signed-in device, and the device's id."""
    from django.test import RequestFactory

    from apps.accounts.devices import DEVICE_CLAIM, device_jwt_issue

    refresh = device_jwt_issue(user=user, request=RequestFactory().post("/api/auth/token/"))
    return str(refresh.access_token), refresh[DEVICE_CLAIM]


async def _session_socket(sockets, key: str):
    return await sockets.open([(b"origin", ALLOWED_ORIGIN), (b"cookie", f"sessionid={key}".encode())])


async def test_sign_out_everywhere_closes_every_other_socket_and_keeps_the_callers(make_user, sockets):
    user = await database_sync_to_async(make_user)()
    (caller, caller_key), (_, other_key) = await database_sync_to_async(_browser)(user), await database_sync_to_async(_browser)(user)
    token, _ = await database_sync_to_async(_jwt_device)(user)
    mine, other = await _session_socket(sockets, caller_key), await _session_socket(sockets, other_key)
    tablet = await sockets.open([(b"authorization", f"Bearer {token}".encode())])
    someone_else = await _session_socket(sockets, (await database_sync_to_async(_browser)(await database_sync_to_async(make_user)()))[1])

    answer = await database_sync_to_async(caller.post)("/api/me/sign-out-everywhere/", {}, content_type="application/json")
    assert answer.status_code == 200, answer.content

    assert await receive_close_code(other) == 4401
    assert await receive_close_code(tablet) == 4401
    await ping_pong(mine)
    await ping_pong(someone_else)
    await assert_nothing(mine)


async def test_signing_out_one_device_closes_only_its_sockets(make_user, sockets):
    from apps.accounts.models import SignedInDevice

    user = await database_sync_to_async(make_user)()
    (caller, caller_key), (_, other_key) = await database_sync_to_async(_browser)(user), await database_sync_to_async(_browser)(user)
    token, tablet_id = await database_sync_to_async(_jwt_device)(user)
    mine, other = await _session_socket(sockets, caller_key), await _session_socket(sockets, other_key)
    tablet = await sockets.open([(b"authorization", f"Bearer {token}".encode())])
    other_id = await database_sync_to_async(lambda: SignedInDevice.objects.get(session_key=other_key).pk)()

    assert (await database_sync_to_async(caller.delete)(f"/api/me/devices/{tablet_id}/")).status_code in (200, 204)
    assert await receive_close_code(tablet) == 4401
    await ping_pong(other)

    assert (await database_sync_to_async(caller.delete)(f"/api/me/devices/{other_id}/")).status_code in (200, 204)
    assert await receive_close_code(other) == 4401
    await ping_pong(mine)


async def test_a_changed_password_closes_the_other_browsers_socket(make_user, sockets):
    user = await database_sync_to_async(make_user)()
    (caller, caller_key), (_, other_key) = await database_sync_to_async(_browser)(user), await database_sync_to_async(_browser)(user)
    mine, other = await _session_socket(sockets, caller_key), await _session_socket(sockets, other_key)

    answer = await database_sync_to_async(caller.post)("/api/auth/password/", {"current_password": PASSWORD, "new_password": "a new one for the shoot 42"},
                                                       content_type="application/json")
    assert answer.status_code == 200, answer.content

    assert await receive_close_code(other) == 4401
    await ping_pong(mine)


async def test_a_signed_out_devices_token_opens_no_socket_again(make_user, sockets):
    user = await database_sync_to_async(make_user)()
    caller, _ = await database_sync_to_async(_browser)(user)
    token, tablet_id = await database_sync_to_async(_jwt_device)(user)
    tablet = await sockets.open([(b"authorization", f"Bearer {token}".encode())])
    await ping_pong(tablet)

    assert (await database_sync_to_async(caller.delete)(f"/api/me/devices/{tablet_id}/")).status_code in (200, 204)
    assert await receive_close_code(tablet) == 4401

    again = await sockets.open([(b"authorization", f"Bearer {token}".encode())])  # the token has not expired
    assert await receive_close_code(again) == 4401

"""Helpers for the real-time tests: sockets through the whole ASGI app, session cookies, JWTs.

Consumer tests run against the real Redis that tests/settings.py starts (RedisPubSubChannelLayer)
and need `transactional_db`: the consumer reads the database from other threads, and
`transaction.on_commit` only fires on a real commit.
"""
from __future__ import annotations

import asyncio

import pytest
from channels.testing import WebsocketCommunicator

from tests.realtime.helpers import TIMEOUT_S

ALLOWED_ORIGIN = b"http://localhost"


@pytest.fixture
def session_cookie(transactional_db):
    """`session_cookie(user)` → the value of a signed-in `sessionid` cookie for that user."""
    from django.test import Client

    def make(user) -> str:
        client = Client()
        client.force_login(user)
        return client.cookies["sessionid"].value

    return make


@pytest.fixture
def access_token(transactional_db):
    """`access_token(user)` → a valid access JWT for that user (rest_framework_simplejwt)."""
    from rest_framework_simplejwt.tokens import RefreshToken

    return lambda user: str(RefreshToken.for_user(user).access_token)


@pytest.fixture
async def sockets():
    """`await sockets.open(headers)` → a connected `WebsocketCommunicator`; all are closed at teardown."""
    from project.asgi import application

    class Sockets:
        def __init__(self):
            self.open_ones: list[WebsocketCommunicator] = []

        async def open(self, headers: list[tuple[bytes, bytes]]) -> WebsocketCommunicator:
            communicator = WebsocketCommunicator(application, "/ws/", headers=headers)
            connected, _ = await communicator.connect(timeout=TIMEOUT_S)
            assert connected
            self.open_ones.append(communicator)
            return communicator

    pool = Sockets()
    yield pool
    for communicator in pool.open_ones:
        try:
            await communicator.disconnect(timeout=TIMEOUT_S)
        except (Exception, asyncio.CancelledError):
            # The app already finished: a timed-out receive cancels it (asgiref), and CancelledError
            # is a BaseException that would skip the other fixtures' teardown (monkeypatch, settings).
            pass


@pytest.fixture
def connect_as(sockets, session_cookie):
    """`await connect_as(user)` → a socket signed in with the user's session, from an allowed Origin."""

    async def connect(user) -> WebsocketCommunicator:
        from channels.db import database_sync_to_async

        cookie = await database_sync_to_async(session_cookie)(user)
        return await sockets.open([(b"origin", ALLOWED_ORIGIN), (b"cookie", f"sessionid={cookie}".encode())])

    return connect


@pytest.fixture
def crew(transactional_db, make_user, make_production):
    """A production with its owner and a second crew member, plus an outsider on another production."""
    from types import SimpleNamespace

    from apps.productions.models import Role

    owner, member, outsider = make_user(name="Ana Ruiz"), make_user(name="Bo Lind"), make_user(name="Cy Ott")
    production = make_production(owner=owner, members={member: Role.CAMERA})
    elsewhere = make_production(owner=outsider)
    return SimpleNamespace(owner=owner, member=member, outsider=outsider, production=production, elsewhere=elsewhere)


@pytest.fixture
def scene_in(transactional_db):
    """`scene_in(production)` → a new scene of that production (created without publishing)."""
    from tests.factories import SceneFactory

    return lambda production: SceneFactory(production=production)

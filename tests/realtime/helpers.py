"""Socket helpers for the real-time tests: every receive has a timeout, so nothing hangs."""
from __future__ import annotations

import json

import pytest
from channels.testing import WebsocketCommunicator

TIMEOUT_S = 10  # only a failing wait lasts this long: on a loaded machine a frame can take seconds


async def receive(communicator: WebsocketCommunicator) -> dict:
    """The next JSON frame (fails after TIMEOUT_S)."""
    return json.loads(await communicator.receive_from(timeout=TIMEOUT_S))


async def receive_close_code(communicator: WebsocketCommunicator) -> int:
    """The code of the close frame the server sends next (fails on anything else)."""
    output = await communicator.receive_output(timeout=TIMEOUT_S)
    assert output["type"] == "websocket.close", output
    return output["code"]


async def assert_nothing(communicator: WebsocketCommunicator, timeout: float = 0.5) -> None:
    """No frame at all arrives within `timeout` seconds."""
    nothing = await communicator.receive_nothing(timeout=timeout, interval=0.02)
    if not nothing:
        pytest.fail(f"unexpected frame: {await communicator.receive_output(timeout=0.1)}")


async def ping_pong(communicator: WebsocketCommunicator) -> None:
    """The socket still answers: ping → pong."""
    await communicator.send_json_to({"type": "ping"})
    assert await receive(communicator) == {"type": "pong"}


async def subscribe(communicator: WebsocketCommunicator, production_id: int, after: int | None = None) -> tuple[list[dict], dict]:
    """Subscribe and read up to `subscribed` and the presence snapshot that follows it.

    Returns `(frames before subscribed, the subscribed frame)`.
    """
    message = {"type": "subscribe", "production": production_id}
    if after is not None:
        message["after"] = after
    await communicator.send_json_to(message)
    before = []
    while True:
        frame = await receive(communicator)
        if frame["type"] == "subscribed":
            break
        assert frame["type"] not in ("error",), frame
        before.append(frame)
    presence = await receive(communicator)
    assert presence["type"] == "presence.changed" and presence["id"] is None, presence
    return before, frame


async def receive_until(communicator: WebsocketCommunicator, predicate, limit: int = 50) -> list[dict]:
    """Frames up to and including the first one for which `predicate(frame)` is true."""
    frames = []
    for _ in range(limit):
        frames.append(await receive(communicator))
        if predicate(frames[-1]):
            return frames
    pytest.fail(f"no matching frame among {frames}")


async def run_sync(fn, *args, **kwargs):
    """Run blocking Django code (services, ORM) from an async test, in a thread with its own connection."""
    from channels.db import database_sync_to_async

    return await database_sync_to_async(fn)(*args, **kwargs)


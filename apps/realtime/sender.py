"""Send channel-layer messages from synchronous code through one long-lived event loop.

`async_to_sync(group_send)` per event costs ~1.5 ms and builds a Redis pool per event loop
(DESIGN.md, "known pitfalls"); a Huey worker that sends many events would churn connections. Here
one daemon thread owns one loop (and so one pool) for the whole process; `group_send` hands it
a message and waits for the send, at most `timeout_s`.
"""
from __future__ import annotations

import asyncio
import logging
import threading

from channels.layers import get_channel_layer

log = logging.getLogger(__name__)

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None


def _get_loop() -> asyncio.AbstractEventLoop:
    global _loop
    with _lock:
        if _loop is None or _loop.is_closed():
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="slate-event-sender", daemon=True)
            thread.start()
            _loop = loop
        return _loop


def group_send(group: str, message: dict, *, timeout_s: float = 5.0) -> bool:
    """Send `message` to channel-layer `group`; True when Redis took it.

    Never raises: the channel layer is at-most-once anyway, and a stored event that fails to go
    out live is replayed from the `Event` table when the client resumes. Failures are logged.
    """
    layer = get_channel_layer()
    if layer is None:
        return False
    future = None
    try:
        future = asyncio.run_coroutine_threadsafe(layer.group_send(group, message), _get_loop())
        future.result(timeout=timeout_s)
        return True
    except Exception as exc:  # a lost live frame must never fail the write that produced it
        if future is not None:
            future.cancel()  # else a send stuck on a hung Redis keeps the layer's connection lock for good
        log.warning("could not send %s to %s: %r", message.get("event_type"), group, exc)
        return False

"""Hand channel-layer messages to Redis from synchronous code, off the caller's path, in order.

`group_send` queues a message and returns at once: a write's request (or a worker's job) never
waits on Redis, so a paused or restarting Redis slows nothing but the live frames themselves. One
daemon thread per process owns one event loop (and so one connection pool, DESIGN.md "known
pitfalls") and sends the queue in order. A stored event's frame that Redis does not take is tried
again with back-off for SLATE_LIVE_RETRY_S seconds; an ephemeral one (job progress, presence,
notifications) is tried once. Whatever still does not go out is not lost: the event is in the
`Event` table, and every consumer fills such a gap from there (`apps.realtime.consumers`).
Each frame keeps the id of the request that queued it (`apps.core.logs`), for the log lines about it.
"""
from __future__ import annotations

import asyncio
import atexit
import collections
import logging
import threading
import time

from channels.layers import get_channel_layer
from django.conf import settings

from apps.core.logs import bound_request_id, current_request_id

log = logging.getLogger(__name__)

SEND_TIMEOUT_S = 2.0  # one attempt at handing a frame to Redis
MAX_PENDING = 20_000  # frames waiting for Redis; past this new ones are dropped (and logged)
RETRY_DELAYS_S = (0.05, 0.1, 0.2, 0.5, 1.0, 2.0)

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
_relay: "_Relay | None" = None


def _get_loop() -> asyncio.AbstractEventLoop:
    """The process's sender loop, started in a daemon thread on first use."""
    global _loop, _relay
    with _lock:
        if _loop is None or _loop.is_closed():
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="slate-event-sender", daemon=True)
            thread.start()
            _loop, _relay = loop, _Relay(loop)
        return _loop


def group_send(group: str, message: dict, *, durable: bool = False) -> None:
    """Queue `message` for channel-layer `group` and return at once; frames go out in queue order.

    Never raises and never blocks on Redis. `message["id"]` not None marks a stored event, whose
    send is retried for SLATE_LIVE_RETRY_S (then dropped, and repaired by the consumers from the
    `Event` table); `durable` gets the same retries for a message no table keeps (a sign-out that closes
    sockets); other messages get one attempt of SEND_TIMEOUT_S.
    """
    if get_channel_layer() is None:
        return
    _get_loop()
    _relay.put(group, message, durable=durable)


def flush(timeout_s: float = 5.0) -> bool:
    """Wait until every queued frame was sent or given up on, at most `timeout_s`; True when the queue is empty."""
    relay = _relay
    return True if relay is None else relay.wait_empty(timeout_s)


async def _send(layer, group: str, message: dict, timeout_s: float, request_id: str | None = None) -> bool:
    try:
        # Each web process delivers a message to its sockets of the group it names (apps.realtime.fanout).
        await asyncio.wait_for(layer.group_send(group, {**message, "group": group}), timeout_s)
        return True
    except Exception as exc:  # noqa: BLE001 — logged; the caller decides whether to try again
        with bound_request_id(request_id):
            log.warning("could not send %s to %s: %r", message.get("event_type"), group, exc)
        return False


class _Relay:
    """The queue of frames waiting for Redis and the coroutine that sends them, oldest first.

    Each frame carries the time until which it is worth sending: SLATE_LIVE_RETRY_S after it was
    queued for a stored event, now for anything else. While Redis is failing (for DOWN_FOR_S after
    a failed attempt) frames past that time are let go without an attempt, so a hung Redis costs
    one SEND_TIMEOUT_S per retry of the oldest frame, not one per frame.
    """

    DOWN_FOR_S = 1.0

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self.pending: collections.deque[tuple[str, dict, float, str | None]] = collections.deque()  # + request id
        self.unsent = 0  # queued or in flight; guarded by `done`
        self.done = threading.Condition()
        self.wakeup: asyncio.Event | None = None
        self.down_until = 0.0
        self.dropped = 0
        asyncio.run_coroutine_threadsafe(self._run(), loop)

    def put(self, group: str, message: dict, *, durable: bool = False) -> None:
        with self.done:
            if self.unsent >= MAX_PENDING:
                self.dropped += 1
                log.warning("live frames waiting for Redis: over %d, dropping %s to %s", MAX_PENDING, message.get("event_type"), group)
                return
            self.unsent += 1
        worth_until = time.monotonic() + (settings.SLATE_LIVE_RETRY_S if durable or message.get("id") is not None else 0.0)
        self.loop.call_soon_threadsafe(self._append, group, message, worth_until, current_request_id())

    def _append(self, group: str, message: dict, worth_until: float, request_id: str | None) -> None:
        self.pending.append((group, message, worth_until, request_id))
        if self.wakeup is not None:
            self.wakeup.set()

    def wait_empty(self, timeout_s: float) -> bool:
        with self.done:
            return self.done.wait_for(lambda: self.unsent == 0, timeout=timeout_s)

    def _settled(self) -> None:
        self.pending.popleft()
        with self.done:
            self.unsent -= 1
            self.done.notify_all()

    async def _run(self) -> None:
        self.wakeup = asyncio.Event()
        attempt = 0
        while True:
            if not self.pending:
                self.wakeup.clear()
                await self.wakeup.wait()
                continue
            group, message, worth_until, request_id = self.pending[0]
            now = time.monotonic()
            layer = get_channel_layer()
            if layer is None:
                self._settled()
                continue
            if now < self.down_until and now >= worth_until:
                self._give_up(group, message, request_id)
                continue
            if await _send(layer, group, message, SEND_TIMEOUT_S, request_id):
                self._settled()
                attempt = 0
                continue
            self.down_until = time.monotonic() + self.DOWN_FOR_S
            if time.monotonic() >= worth_until:
                self._give_up(group, message, request_id)
                continue
            await asyncio.sleep(RETRY_DELAYS_S[min(attempt, len(RETRY_DELAYS_S) - 1)])
            attempt += 1

    def _give_up(self, group: str, message: dict, request_id: str | None = None) -> None:
        if message.get("id") is not None:
            with bound_request_id(request_id):
                log.warning("gave up sending %s #%s to %s; subscribers will read it from the event log",
                            message.get("event_type"), message.get("id"), group)
        self.dropped += 1
        self._settled()


@atexit.register
def _flush_at_exit() -> None:
    """A short command (load_demo, migrate) that published events lets their frames out before it exits."""
    flush(timeout_s=2.0)

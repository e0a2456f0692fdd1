"""The process's fan-out: one channel-layer subscription per group per web process, not one per socket.

Every socket of a production gets the same frames, so each web process listens to a group
(`production.<id>`, `user.<id>`) once, on one channel of its own, and hands each message to the
consumers of that group that it holds (`Receiver.deliver`). A message is read from Redis and
decoded once per process, whatever the number of sockets, and the frame text inside it was built
once by the sender (`apps.realtime.services.envelope_json`), so it is serialised once in all.

Channels' own per-consumer path — a Redis subscription, a queue and a decode per socket, then
`AsyncConsumer.dispatch`, whose `aclose_old_connections()` is a hop through the one
thread-sensitive sync thread per message — cost 1,000 thread hops per event at 1,000 sockets,
queued in front of the very write that caused them (docs/performance.md, "Live fan-out").

Messages carry their group (`apps.realtime.sender` adds `"group"`). One hub per event loop: a web
process has one; the tests run many loops.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Protocol

from channels.layers import get_channel_layer

from apps.core import metrics
from apps.realtime import presence
from apps.realtime.loops import per_loop

log = logging.getLogger(__name__)

BATCH = 100  # sockets handed a message per turn of the event loop


class Receiver(Protocol):
    """What the hub needs of a consumer."""

    def deliver(self, message: dict) -> None:
        """Take one channel-layer message (never blocks: it is queued for the socket); once done with it, sent
        or dropped, report to its tally (`tally_done`)."""


def _committed_at(text: str) -> float | None:
    """The unix time of an envelope's `at` (its last member, ISO 8601 in UTC with milliseconds); None without one."""
    start = text.rfind('"at":"')
    if start < 0:
        return None
    start += 6
    try:
        return datetime.fromisoformat(text[start:text.index('"', start)]).timestamp()
    except ValueError:
        return None


class Tally:
    """How one message's fan-out in this process goes: each of its sockets reports once (`done`), sent or not.

    When the last one has, the frames are counted and the fan-out lag observed once for the whole
    batch (`apps.core.metrics.fanout_finished`): nothing per socket costs more than two additions.
    """

    __slots__ = ("left", "frames", "committed_at")

    def __init__(self, sockets: int, committed_at: float | None):
        self.left, self.frames, self.committed_at = sockets, 0, committed_at

    def done(self, frames: int) -> None:
        """One socket is done with the message, having sent it `frames` frames (0: dropped, 1, or more with a gap filled)."""
        self.frames += frames
        self.left -= 1
        if self.left == 0:
            metrics.fanout_finished(self.frames, self.committed_at)


def tally_done(message: dict, frames: int) -> None:
    """Report a socket done with `message` to its `Tally` (under "tally", set by `Hub.dispatch`), if it has one."""
    tally = message.get("tally")
    if tally is not None:
        tally.done(frames)


class _Group:
    """The consumers of one group in this process, and whether the process's subscription to it is in place."""

    __slots__ = ("members", "ready")

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.members: set[Receiver] = set()
        self.ready: asyncio.Future = loop.create_future()


class Hub:
    """This event loop's subscriptions to channel-layer groups and the local consumers of each.

    `join` returns once the process is subscribed to the group (so a subscriber that then reads
    the event log misses nothing sent after), `leave` drops the subscription with the group's last
    local consumer. One task receives every message of the process's channel and delivers it to
    the group's consumers, in arrival order.
    """

    def __init__(self) -> None:
        self.layer = get_channel_layer()
        self.groups: dict[str, _Group] = {}
        self.channel: str | None = None
        self.task: asyncio.Task | None = None
        self._channel_lock = asyncio.Lock()

    async def join(self, group: str, consumer: Receiver) -> None:
        """Deliver `group`'s messages to `consumer` from now on; raises what the channel layer raises (Redis down)."""
        loop = asyncio.get_running_loop()
        entry = self.groups.get(group)
        if entry is None:
            entry = self.groups[group] = _Group(loop)
            entry.members.add(consumer)
            try:
                channel = await self._channel()
                await self.layer.group_add(group, channel)
            except BaseException as exc:
                if self.groups.get(group) is entry:
                    del self.groups[group]
                entry.ready.set_exception(exc)
                entry.ready.exception()  # retrieved: the joiners below raise it
                raise
            entry.ready.set_result(None)
        else:
            entry.members.add(consumer)
        await asyncio.shield(entry.ready)

    async def leave(self, group: str, consumer: Receiver) -> None:
        """Stop delivering `group` to `consumer`; the process unsubscribes with the last one. Never raises."""
        entry = self.groups.get(group)
        if entry is None or consumer not in entry.members:
            return
        entry.members.discard(consumer)
        if entry.members:
            return
        del self.groups[group]
        if self.channel is None or not entry.ready.done() or entry.ready.exception() is not None:
            return
        try:
            await self.layer.group_discard(group, self.channel)
        except Exception:  # noqa: BLE001 — an unsubscribe Redis did not take costs only stray messages, dropped above
            log.warning("could not unsubscribe this process from %s", group, exc_info=True)

    def members(self, group: str) -> int:
        """How many of this process's consumers get `group`."""
        entry = self.groups.get(group)
        return len(entry.members) if entry else 0

    async def _channel(self) -> str:
        async with self._channel_lock:
            if self.channel is None:
                self.channel = await self.layer.new_channel("fanout.")
            if self.task is None or self.task.done():
                self.task = asyncio.get_running_loop().create_task(self._receive(self.channel), name="slate-fanout")
        return self.channel

    async def _receive(self, channel: str) -> None:
        while True:
            message = await self.layer.receive(channel)
            try:
                await self.dispatch(message)
            except Exception:  # noqa: BLE001 — one bad message must not end the process's live frames
                log.exception("could not deliver %s", message.get("event_type"))

    async def dispatch(self, message: dict) -> None:
        """Hand `message` to every local consumer of its group (`message["group"]`), BATCH at a time.

        Between batches the event loop runs the sends queued so far and whatever else is ready
        (an HTTP answer, a client frame), so one event to thousands of sockets does not hold the
        loop for its whole fan-out. Each socket still gets its messages in arrival order. The message
        carries a `Tally` (under "tally") that its sockets report to, for the metrics.
        """
        entry = self.groups.get(message.get("group"))
        if entry is None:
            return
        if message.get("event_type") == "presence.changed":
            presence.for_this_loop().heard(message["production"])
        consumers = tuple(entry.members)
        if consumers:
            message["tally"] = Tally(len(consumers), _committed_at(message.get("text", "")))
        for start in range(0, len(consumers), BATCH):
            if start:
                await asyncio.sleep(0)
            for consumer in consumers[start:start + BATCH]:
                consumer.deliver(message)


# The hub of the running event loop (one per web process).
for_this_loop = per_loop(Hub)


async def group_send(group: str, message: dict) -> None:
    """Send `message` to every socket of `group` in every web process, from async code (presence)."""
    metrics.EVENTS_PUBLISHED.labels(message["event_type"]).inc()
    await get_channel_layer().group_send(group, {**message, "group": group})

"""The stream watch: each web process makes sure none of its sockets stays behind the event log.

A consumer fills a gap in its live stream when the next frame arrives (`WorkspaceConsumer.
_stream_upto`). That leaves one case: the LAST event a socket should get never arrives live — its
sender's process died between commit and send, Redis was paused or restarted and dropped the
frame, the subscriber's Redis connection was down. So, every SLATE_STREAM_CHECK_S seconds, one
task per process reads the head `seq` of every production its sockets follow (one query for all),
and every socket still behind a head that the previous check already saw — a whole period late,
so frames merely on their way are left alone — is sent what it lacks from the log.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from channels.db import database_sync_to_async
from django.conf import settings

from apps.realtime import replay
from apps.realtime.loops import per_loop

log = logging.getLogger(__name__)


class Follower(Protocol):
    """What the watch needs of a consumer."""

    def stream_position(self, production_id: int) -> int | None: ...

    async def catch_up(self, production_id: int, upto_seq: int) -> None: ...


class StreamWatch:
    """Which of this process's consumers follow which production, and the periodic check against the log."""

    def __init__(self) -> None:
        self.followers: dict[int, set[Follower]] = {}
        self.heads: dict[int, int] = {}  # the head seq each production had at the previous check
        self.task: asyncio.Task | None = None

    def follow(self, production_id: int, consumer: Follower) -> None:
        """Watch `consumer`'s stream of the production (starts the check task when needed)."""
        self.followers.setdefault(production_id, set()).add(consumer)
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self._run(), name="slate-stream-watch")

    def unfollow(self, production_id: int, consumer: Follower) -> None:
        """Stop watching `consumer`'s stream of the production."""
        followers = self.followers.get(production_id)
        if followers is not None:
            followers.discard(consumer)
            if not followers:
                del self.followers[production_id]
                self.heads.pop(production_id, None)

    def forget(self, consumer: Follower) -> None:
        """Stop watching every stream of `consumer` (it disconnected)."""
        for production_id in list(self.followers):
            self.unfollow(production_id, consumer)

    async def check(self) -> int:
        """One check: send every follower behind the previous check's head what it lacks. Returns how many were behind."""
        productions = list(self.followers)
        if not productions:
            return 0
        heads = await database_sync_to_async(replay.heads)(productions)
        behind = []
        for production_id in productions:
            previous, head = self.heads.get(production_id), heads.get(production_id, 0)
            self.heads[production_id] = head
            if previous is None:
                continue
            for consumer in list(self.followers.get(production_id, ())):
                position = consumer.stream_position(production_id)
                if position is not None and position < previous:
                    behind.append(consumer.catch_up(production_id, head))
        if behind:
            log.info("stream watch: %d socket(s) behind the event log, catching them up", len(behind))
            for outcome in await asyncio.gather(*behind, return_exceptions=True):
                if isinstance(outcome, Exception):
                    log.error("stream watch could not catch a socket up", exc_info=outcome)
        return len(behind)

    async def _run(self) -> None:
        while self.followers:
            await asyncio.sleep(settings.SLATE_STREAM_CHECK_S)
            try:
                await self.check()
            except Exception:  # noqa: BLE001 — a database hiccup must not end the watch; the next check tries again
                log.exception("stream watch check failed")


# The stream watch of the running event loop (one per web process; tests run many loops).
for_this_loop = per_loop(StreamWatch)

"""Reading a production's stream back from the `Event` table: replay on subscribe, and gap repair.

A production's stored events are numbered by `seq` (1, 2, 3…, no gaps, commit order; see
`Event`). A subscriber says what it has — `after_seq` (the last seq), or `after` (the last event
id, the older form) — and is sent everything later, in order. The consumer also fills gaps in its
live stream from here (`frames_between`): an event whose live send was lost shows as a jump in
`seq`, and every event below a committed one is committed too, so the gap is always readable.
"""
from __future__ import annotations

import asyncio
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field

from channels.db import database_sync_to_async
from django.conf import settings
from django.db.models import Max

from apps.realtime.access import is_member
from apps.realtime.models import Event
from apps.realtime.services import event_json


@dataclass
class Replay:
    """What a subscriber gets: envelope texts in seq order, or `resync` when too much was missed.

    `last_seq` is the production's stream position the client is at once it has these frames
    (0 for an empty stream); `last_id` is the highest stored event id of the production (0 for none).
    """

    frames: list[str] = field(default_factory=list)
    resync: bool = False
    last_seq: int = 0
    last_id: int = 0


def subscription(*, user, production_id: int, after: int | None = None, after_seq: int | None = None) -> Replay | None:
    """What a subscribe answers, in one trip to the database thread: None when `user` is not on the
    production's crew, else `events_after` for the client's position."""
    if not is_member(user=user, production_id=production_id):
        return None
    return events_after(production_id=production_id, after=after, after_seq=after_seq)


def head(production_id: int) -> tuple[int, int]:
    """The production's latest `(seq, id)`; `(0, 0)` for a production without events."""
    top = Event.objects.filter(production_id=production_id).aggregate(seq=Max("seq"), id=Max("id"))
    return top["seq"] or 0, top["id"] or 0


def heads(production_ids: list[int]) -> dict[int, int]:
    """The latest `seq` of each production that has events, in one query: `{production_id: seq}`."""
    rows = Event.objects.filter(production_id__in=production_ids).values("production_id").annotate(seq=Max("seq"))
    return {row["production_id"]: row["seq"] for row in rows.order_by()}


def events_after(*, production_id: int, after: int | None = None, after_seq: int | None = None, limit: int | None = None) -> Replay:
    """Stored events of the production after the client's position, oldest first, at most `limit` (SLATE_REPLAY_LIMIT).

    The position is `after_seq` (the last seq the client has) or `after` (the last event id it
    has); with neither, nothing is replayed and `last_seq` tells the client where it starts. More
    than `limit` missed events, or a position beyond anything this server ever gave (a client of
    another database), is answered with `resync`: the client refetches over REST.
    """
    limit = settings.SLATE_REPLAY_LIMIT if limit is None else limit
    latest_seq, latest_id = head(production_id)
    if after is None and after_seq is None:
        return Replay(last_seq=latest_seq, last_id=latest_id)
    events = Event.objects.filter(production_id=production_id).select_related("actor").order_by("seq")
    if after_seq is not None:
        if after_seq > latest_seq:
            return Replay(resync=True, last_seq=latest_seq, last_id=latest_id)
        events = events.filter(seq__gt=after_seq)
    else:
        if after > (Event.objects.aggregate(m=Max("id"))["m"] or 0):
            return Replay(resync=True, last_seq=latest_seq, last_id=latest_id)
        events = events.filter(id__gt=after)  # ids follow seq order within a production
    rows = list(events[: limit + 1])
    if len(rows) > limit:
        return Replay(resync=True, last_seq=latest_seq, last_id=latest_id)
    if not rows:
        return Replay(last_seq=latest_seq if after_seq is None else after_seq, last_id=latest_id)
    return Replay(frames=[event_json(e) for e in rows], last_seq=rows[-1].seq, last_id=latest_id)


def _read_range(production_id: int, after_seq: int, upto_seq: int) -> list[tuple[int, str]]:
    rows = Event.objects.filter(production_id=production_id, seq__gt=after_seq, seq__lte=upto_seq).select_related("actor").order_by("seq")
    return [(e.seq, event_json(e)) for e in rows]


class StreamFrames:
    """Envelope texts of recent stored events, read from the database once per process and shared.

    When a Redis hiccup loses a live event, every socket of the process misses the same one; the
    first consumer to notice reads the gap from the database and the others find it here. Keeps
    the last `size` frames across all productions; one read at a time per production.
    """

    def __init__(self, size: int = 5000):
        self.size = size
        self._frames: OrderedDict[tuple[int, int], str] = OrderedDict()
        # An asyncio.Lock belongs to one event loop: one set of locks per loop (tests run many loops).
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, asyncio.Lock]] = weakref.WeakKeyDictionary()

    async def between(self, production_id: int, after_seq: int, upto_seq: int) -> list[str] | None:
        """Frames of seq `after_seq`+1 … `upto_seq`, in order; None when that is more than
        SLATE_REPLAY_LIMIT (the client should `resync`) or the database no longer has them all."""
        count = upto_seq - after_seq
        if count <= 0:
            return []
        if count > settings.SLATE_REPLAY_LIMIT:
            return None
        found = self._cached(production_id, after_seq, upto_seq)
        if found is not None:
            return found
        lock = self._locks.setdefault(asyncio.get_running_loop(), {}).setdefault(production_id, asyncio.Lock())
        async with lock:
            found = self._cached(production_id, after_seq, upto_seq)
            if found is not None:
                return found
            rows = await database_sync_to_async(_read_range)(production_id, after_seq, upto_seq)
            for seq, text in rows:
                self._frames[(production_id, seq)] = text
                self._frames.move_to_end((production_id, seq))
            while len(self._frames) > self.size:
                self._frames.popitem(last=False)
        if len(rows) != count:
            return None  # deleted meanwhile (the production is gone): nothing sensible to replay
        return [text for _, text in rows]

    def _cached(self, production_id: int, after_seq: int, upto_seq: int) -> list[str] | None:
        texts = []
        for seq in range(after_seq + 1, upto_seq + 1):
            text = self._frames.get((production_id, seq))
            if text is None:
                return None
            texts.append(text)
        return texts


frames_between = StreamFrames()

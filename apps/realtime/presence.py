"""Who is looking at what in a production right now, kept in Redis for every web process to see.

One hash per production, `<prefix>:presence:<id>`, field = the connection's channel name, value =
`{"user": {...}, "where": {...}, "at": unix seconds}`. Entries older than PRESENCE_TTL_S are
ignored (a web process that died without saying goodbye); clients re-send `presence` at least
every minute while open.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time

from django.conf import settings
from django.utils import timezone
from redis import asyncio as aioredis

from apps.realtime.services import envelope_json
from apps.realtime.loops import per_loop

log = logging.getLogger(__name__)

PRESENCE_TTL_S = 300
# At most one `presence.changed` per production per this many seconds from one web process: a
# reconnect storm of N browsers each re-sending its presence would otherwise send N frames of N
# entries to N sockets. The first change goes out at once; the ones within the window after it
# go out together at its end. A subscriber's snapshot read is shared for as long.
COALESCE_S = 0.2
WHERE_KEYS = {"scene", "shot", "take", "media_asset", "continuity_note", "script", "page", "frame"}
_clients: dict[asyncio.AbstractEventLoop, aioredis.Redis] = {}


def _redis() -> aioredis.Redis:
    loop = asyncio.get_running_loop()
    client = _clients.get(loop)
    if client is None:
        client = aioredis.Redis.from_url(settings.REDIS_URL, socket_timeout=5, max_connections=settings.REDIS_MAX_CONNECTIONS)
        _clients[loop] = client
    return client


def _key(production_id: int) -> str:
    return f"{settings.CHANNEL_LAYERS['default']['CONFIG'].get('prefix', 'slate')}:presence:{int(production_id)}"


def validate_where(where) -> dict | None:
    """The `where` of a presence frame: null, or an object of known keys whose values are null, ids
    (0 to 2^63-1: ids, page and frame numbers are 64-bit and never negative) or strings of at most
    200 characters. Raises `apps.realtime.consumers.ProtocolError` (`invalid`) otherwise.
    """
    from apps.realtime.consumers import MAX_ID, ProtocolError

    if where is None:
        return None
    if not isinstance(where, dict) or not set(where) <= WHERE_KEYS:
        raise ProtocolError("invalid", f"`where` is an object with keys among {sorted(WHERE_KEYS)}.")
    for value in where.values():
        number = isinstance(value, int) and not isinstance(value, bool)
        if number and not 0 <= value <= MAX_ID:
            raise ProtocolError("invalid", "`where` numbers are ids, page or frame numbers: 0 to 2^63-1.")
        if not (value is None or number or (isinstance(value, str) and len(value) <= 200)):
            raise ProtocolError("invalid", "`where` values are ids (integers) or short strings.")
    return where


async def members(production_id: int) -> list[dict]:
    """Live entries of the production: `[{"connection": str, "user": {...}, "where": {...}|None, "at": float}]`."""
    raw = await _redis().hgetall(_key(production_id))
    now = time.time()
    result = []
    for channel, value in raw.items():
        entry = json.loads(value)
        if now - entry.get("at", 0) <= PRESENCE_TTL_S:
            result.append({"connection": channel.decode()[-8:], **entry})
    return sorted(result, key=lambda e: (e["user"] or {}).get("id", 0))


async def update(production_id: int, channel_name: str, *, user: dict | None, where: dict | None) -> bool:
    """Record where this connection's user is (and that it is still there); True when `user` or `where` changed."""
    key = _key(production_id)
    async with _redis().pipeline(transaction=True) as pipe:
        pipe.hget(key, channel_name)
        pipe.hset(key, channel_name, json.dumps({"user": user, "where": where, "at": time.time()}))
        pipe.expire(key, PRESENCE_TTL_S * 4)
        before, _, _ = await pipe.execute()
    if before is None:
        return True
    entry = json.loads(before)
    return entry.get("user") != user or entry.get("where") != where or time.time() - entry.get("at", 0) > PRESENCE_TTL_S


async def remove(production_id: int, channel_name: str) -> bool:
    """Forget this connection; True when it had an entry."""
    return bool(await _redis().hdel(_key(production_id), channel_name))


class Announcer:
    """Sends each production's `presence.changed` from this web process, at most one per COALESCE_S, and
    shares the members read for a subscriber's snapshot for as long (one per event loop: `for_this_loop`).
    """

    def __init__(self) -> None:
        self.waiting: dict[int, dict | None] = {}  # production → actor of its latest change not yet announced
        self.last_sent: dict[int, float] = {}
        self.snapshots: dict[int, tuple[float, list[dict]]] = {}

    def changed(self, production_id: int, actor: dict | None) -> None:
        """Announce the production's presence to its subscribers soon (at once if none went out lately)."""
        self.snapshots.pop(production_id, None)
        scheduled = production_id in self.waiting
        self.waiting[production_id] = actor
        if scheduled:
            return
        loop = asyncio.get_running_loop()
        wait = self.last_sent.get(production_id, 0.0) + COALESCE_S - time.monotonic()
        if wait <= 0:
            loop.create_task(self._announce(production_id))
        else:
            loop.call_later(wait, lambda: loop.create_task(self._announce(production_id)))

    def heard(self, production_id: int) -> None:
        """A `presence.changed` of the production arrived (from any process): the shared snapshot is old."""
        self.snapshots.pop(production_id, None)

    async def snapshot(self, production_id: int) -> list[dict]:
        """The production's members, read at most once per COALESCE_S for all of this process's subscribers."""
        found = self.snapshots.get(production_id)
        if found is not None and time.monotonic() - found[0] < COALESCE_S:
            return found[1]
        read_at = time.monotonic()
        entries = await members(production_id)
        self.snapshots[production_id] = (read_at, entries)
        return entries

    async def _announce(self, production_id: int) -> None:
        from apps.realtime import fanout
        from apps.realtime.services import production_group

        actor = self.waiting.pop(production_id, None)
        self.last_sent[production_id] = time.monotonic()
        try:
            entries = await members(production_id)
            await fanout.group_send(production_group(production_id), {
                "type": "event.message", "id": None, "production": production_id, "event_type": "presence.changed",
                "text": envelope(production_id, entries, actor=actor)})
        except Exception:  # noqa: BLE001 — presence is ephemeral: the next change or snapshot tells it again
            log.warning("could not announce presence of production %s", production_id, exc_info=True)


# The presence announcer of the running event loop (one per web process).
for_this_loop = per_loop(Announcer)


def envelope(production_id: int, entries: list[dict], *, actor: dict | None) -> str:
    """A `presence.changed` envelope (ephemeral, `"id": null`) carrying everyone's presence."""
    return envelope_json(id=None, type="presence.changed", production_id=production_id, entity="production",
                         entity_id=production_id, data={"members": entries}, actor=actor, at=timezone.now())

"""Who is looking at what in a production right now, kept in Redis for every web process to see.

One hash per production, `<prefix>:presence:<id>`, field = the connection's channel name, value =
`{"user": {...}, "where": {...}, "at": unix seconds}`. Entries older than PRESENCE_TTL_S are
ignored (a web process that died without saying goodbye); clients re-send `presence` at least
every minute while open.
"""
from __future__ import annotations

import asyncio
import json
import time

from django.conf import settings
from django.utils import timezone
from redis import asyncio as aioredis

from apps.realtime.services import envelope_json

PRESENCE_TTL_S = 300
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


async def update(production_id: int, channel_name: str, *, user: dict | None, where: dict | None) -> list[dict]:
    """Record where this connection's user is; returns the production's members after the change."""
    key = _key(production_id)
    client = _redis()
    await client.hset(key, channel_name, json.dumps({"user": user, "where": where, "at": time.time()}))
    await client.expire(key, PRESENCE_TTL_S * 4)
    return await members(production_id)


async def remove(production_id: int, channel_name: str) -> tuple[list[dict], bool]:
    """Forget this connection; returns `(members after, whether it was there)`."""
    removed = await _redis().hdel(_key(production_id), channel_name)
    return (await members(production_id) if removed else []), bool(removed)


def envelope(production_id: int, entries: list[dict], *, actor: dict | None) -> str:
    """A `presence.changed` envelope (ephemeral, `"id": null`) carrying everyone's presence."""
    return envelope_json(id=None, type="presence.changed", production_id=production_id, entity="production",
                         entity_id=production_id, data={"members": entries}, actor=actor, at=timezone.now())

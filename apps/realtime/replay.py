"""Replaying stored events to a client that subscribes with `after` (DESIGN.md, "The write path")."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Max

from apps.productions.models import Membership
from apps.realtime.models import Event
from apps.realtime.services import actor_json, envelope_json


@dataclass
class Replay:
    """What a subscriber gets: envelope texts in id order (`ids` theirs), or `resync` when too much was missed.

    `last_id` is the highest stored event id of the production the client now has (0 for none).
    """

    frames: list[str] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)
    resync: bool = False
    last_id: int = 0


def is_member(*, user, production_id: int) -> bool:
    """True when `user` is on the production's crew."""
    return Membership.objects.filter(user=user, production_id=production_id).exists()


def events_after(*, production_id: int, after: int | None, limit: int | None = None) -> Replay:
    """Stored events of the production with id > `after`, oldest first, at most `limit` (SLATE_REPLAY_LIMIT).

    Without `after`, nothing is replayed and `last_id` tells the client where it starts. More than
    `limit` missed events, or an `after` beyond any id this server ever gave (a client of another
    database), is answered with `resync`: the client refetches over REST.
    """
    limit = settings.SLATE_REPLAY_LIMIT if limit is None else limit
    latest = Event.objects.filter(production_id=production_id).aggregate(m=Max("id"))["m"] or 0
    if after is None:
        return Replay(last_id=latest)
    if after > (Event.objects.aggregate(m=Max("id"))["m"] or 0):
        return Replay(resync=True, last_id=latest)
    rows = list(Event.objects.filter(production_id=production_id, id__gt=after).select_related("actor").order_by("id")[: limit + 1])
    if len(rows) > limit:
        return Replay(resync=True, last_id=latest)
    frames = [
        envelope_json(id=e.id, type=e.type, production_id=production_id, entity=e.entity, entity_id=_entity_id(e.entity_id),
                      data=e.data, actor=actor_json(e.actor), at=e.at)
        for e in rows
    ]
    return Replay(frames=frames, ids=[e.id for e in rows], last_id=rows[-1].id if rows else after)


def _entity_id(raw: str):
    """Entity ids are stored as text (jobs use UUIDs); integer ids go back out as numbers."""
    return int(raw) if raw.isdigit() else raw

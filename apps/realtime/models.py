"""The event log: every stored change of a production, in the order clients replay it."""
from __future__ import annotations

from django.conf import settings
from django.db import models


class Event(models.Model):
    """One stored change in a production (the transactional outbox of DESIGN.md).

    `id` grows monotonically across all productions; `seq` counts one production's events 1, 2, 3…
    with no gap, in commit order (a stream offset, as Centrifugo's): a client that sees seq 12
    after 10 knows it missed 11. A client that reconnects sends the last seq (or id) it has and is
    replayed every later event of that production. `data` is the entity as its REST serializer
    renders it.
    """

    production = models.ForeignKey("productions.Production", on_delete=models.CASCADE, related_name="events", db_constraint=False)
    seq = models.BigIntegerField()
    type = models.CharField(max_length=64)
    entity = models.CharField(max_length=32)
    entity_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["production", "id"], name="event_production_id")]
        constraints = [models.UniqueConstraint(fields=["production", "seq"], name="event_production_seq")]

    def __str__(self) -> str:
        return f"#{self.id} {self.type} {self.entity}:{self.entity_id}"

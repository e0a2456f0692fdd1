"""What every Slate model shares: timestamps and an optimistic-concurrency version."""
from __future__ import annotations

from django.db import models


class TimeStampedModel(models.Model):
    """A row that knows when it was created and last changed (UTC, `timezone.now()`)."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(TimeStampedModel):
    """A row edited by several people at once: `version` goes up by one on every saved change.

    An update names the version it was based on; `apps.productions.entities.entity_update` refuses a
    stale one with `ConflictError` (HTTP 409) so nobody's change is silently overwritten.
    """

    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True

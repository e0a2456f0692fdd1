"""What every Slate model shares: timestamps and an optimistic-concurrency version; and core's one table,
the answers kept for `Idempotency-Key` (apps.core.idempotency)."""
from __future__ import annotations

import uuid

from django.conf import settings
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


class IdempotencyState(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETE = "complete", "Complete"


class IdempotencyRecord(TimeStampedModel):
    """A write someone sent with an `Idempotency-Key`, and the first answer it got (apps.core.idempotency).

    One row per (user, key). `fingerprint` is the SHA-256 (hex) of the request it was made for; while
    `state` is `in_progress` a request is running it (`run_id` names that run); once `complete` it holds
    the answer — `status`, `headers` (`[[name, value], …]`, Content-Type and Location among them) and the
    body bytes — replayed to every repeat. `updated_at` is when the run started or the answer was stored:
    retention and the stale-run rule count from it.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    state = models.CharField(max_length=16, choices=IdempotencyState.choices, default=IdempotencyState.IN_PROGRESS)
    run_id = models.UUIDField(default=uuid.uuid4)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    headers = models.JSONField(default=list, blank=True)
    body = models.BinaryField(default=b"", blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="core_idempotency_one_per_user_key")]
        indexes = [models.Index(fields=["updated_at"], name="core_idempotency_updated_at")]

    def __str__(self) -> str:
        return f"{self.key} ({self.state})"

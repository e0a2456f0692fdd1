"""Threaded comments on the things a crew discusses."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.core.models import VersionedModel

TARGETS = ("scene", "shot", "take", "continuity_note", "media_asset")


class Comment(VersionedModel):
    """A remark on a scene, shot, take, continuity note or media asset (at a frame, for dailies); replies nest."""

    EVENT_ENTITY = "comment"

    production = models.ForeignKey("productions.Production", on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    scene = models.ForeignKey("scenes.Scene", null=True, blank=True, on_delete=models.CASCADE, related_name="comments")
    shot = models.ForeignKey("scenes.Shot", null=True, blank=True, on_delete=models.CASCADE, related_name="comments")
    take = models.ForeignKey("scenes.Take", null=True, blank=True, on_delete=models.CASCADE, related_name="comments")
    continuity_note = models.ForeignKey("continuity.ContinuityNote", null=True, blank=True, on_delete=models.CASCADE, related_name="comments")
    media_asset = models.ForeignKey("media.MediaAsset", null=True, blank=True, on_delete=models.CASCADE, related_name="comments")
    frame = models.PositiveIntegerField(null=True, blank=True, help_text="Frame of the media asset the comment is pinned to (0-based).")
    frame_end = models.PositiveIntegerField(null=True, blank=True, help_text=(
        "Last frame (inclusive, 0-based) when the comment covers a range of frames from `frame`; null for a single frame."))
    body = models.TextField(max_length=10000)
    resolved = models.BooleanField(default=False)
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(scene__isnull=False, shot__isnull=True, take__isnull=True, continuity_note__isnull=True, media_asset__isnull=True)
                    | Q(scene__isnull=True, shot__isnull=False, take__isnull=True, continuity_note__isnull=True, media_asset__isnull=True)
                    | Q(scene__isnull=True, shot__isnull=True, take__isnull=False, continuity_note__isnull=True, media_asset__isnull=True)
                    | Q(scene__isnull=True, shot__isnull=True, take__isnull=True, continuity_note__isnull=False, media_asset__isnull=True)
                    | Q(scene__isnull=True, shot__isnull=True, take__isnull=True, continuity_note__isnull=True, media_asset__isnull=False)
                ),
                name="comment_on_exactly_one_target",
                violation_error_message="A comment is on exactly one scene, shot, take, continuity note or media asset.",
            ),
            models.CheckConstraint(condition=Q(frame__isnull=True) | Q(media_asset__isnull=False), name="comment_frame_only_on_media",
                                   violation_error_message="Only comments on media can be pinned to a frame."),
            models.CheckConstraint(condition=Q(frame_end__isnull=True) | Q(frame__isnull=False, frame_end__gte=models.F("frame")),
                                   name="comment_frame_range_ordered",
                                   violation_error_message="A frame range ends at or after its first frame."),
        ]
        indexes = [models.Index(fields=["production", "created_at"], name="comment_production_created")]

    def __str__(self) -> str:
        return self.body[:40]

    @property
    def target(self) -> tuple[str, int]:
        """`(kind, id)` of what the comment is on, e.g. `("scene", 42)`."""
        for name in TARGETS:
            value = getattr(self, f"{name}_id")
            if value is not None:
                return name, value
        return "", 0

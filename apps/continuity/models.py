"""The script supervisor's continuity notes and their reference photos."""
from __future__ import annotations

from django.conf import settings
from django.db import models

from apps.core.models import TimeStampedModel, VersionedModel


class ContinuityCategory(models.TextChoices):
    """The department a continuity note concerns.

    wardrobe, props, hair_makeup, set_dressing: what must look the same from take to take;
    action_blocking: where actors are and what they do when; dialogue: lines as actually spoken;
    camera: lens, framing and moves; other: anything else.
    """

    WARDROBE = "wardrobe", "Wardrobe"
    PROPS = "props", "Props"
    HAIR_MAKEUP = "hair_makeup", "Hair / makeup"
    SET_DRESSING = "set_dressing", "Set dressing"
    ACTION_BLOCKING = "action_blocking", "Action / blocking"
    DIALOGUE = "dialogue", "Dialogue"
    CAMERA = "camera", "Camera"
    OTHER = "other", "Other"


class ContinuityNote(VersionedModel):
    """What must match from take to take and shot to shot ('glass half full, left hand')."""

    EVENT_ENTITY = "continuity_note"

    production = models.ForeignKey("productions.Production", on_delete=models.CASCADE, related_name="continuity_notes")
    scene = models.ForeignKey("scenes.Scene", on_delete=models.CASCADE, related_name="continuity_notes")
    shot = models.ForeignKey("scenes.Shot", null=True, blank=True, on_delete=models.SET_NULL, related_name="continuity_notes")
    take = models.ForeignKey("scenes.Take", null=True, blank=True, on_delete=models.SET_NULL, related_name="continuity_notes")
    category = models.CharField(max_length=24, choices=ContinuityCategory.choices, default=ContinuityCategory.OTHER)
    body = models.TextField()
    flagged = models.BooleanField(default=False, help_text="Needs attention before the next setup.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                      help_text="Members @-mentioned in the body (others are ignored).")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.body[:40]}"


class ContinuityPhoto(TimeStampedModel):
    """A reference photo on a continuity note, stored under a generated name."""

    EVENT_ENTITY = "continuity_photo"

    production = models.ForeignKey("productions.Production", on_delete=models.CASCADE, related_name="+")
    note = models.ForeignKey(ContinuityNote, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="continuity/", max_length=200)
    original_name = models.CharField(max_length=200, blank=True)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size_bytes = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["note_id", "id"]

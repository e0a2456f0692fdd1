"""Notifications: what a crew member is told, how they like to be told, and where their devices listen."""
from __future__ import annotations

from django.conf import settings
from django.db import models

from apps.core.models import TimeStampedModel


class NotificationKind(models.TextChoices):
    """What happened that someone should know about (the contract's six kinds)."""

    MENTION = "mention", "Mention"
    CALLSHEET_PUBLISHED = "callsheet_published", "Call sheet published"
    CALLSHEET_REVISED = "callsheet_revised", "Call sheet revised"
    SCENE_STATUS = "scene_status", "Scene status changed"
    JOB_SUCCEEDED = "job_succeeded", "Job finished"
    JOB_FAILED = "job_failed", "Job failed"


class Channel(models.TextChoices):
    """Where a notification reaches someone: the bell in the app, their inbox, their phone's lock screen."""

    IN_APP = "in_app", "In the app"
    EMAIL = "email", "Email"
    PUSH = "push", "Push"


# Which channels each kind uses until the user says otherwise (contract: "Defaults").
DEFAULT_CHANNELS: dict[str, dict[str, bool]] = {
    NotificationKind.MENTION: {"in_app": True, "email": True, "push": True},
    NotificationKind.CALLSHEET_PUBLISHED: {"in_app": True, "email": True, "push": True},
    NotificationKind.CALLSHEET_REVISED: {"in_app": True, "email": True, "push": True},
    NotificationKind.SCENE_STATUS: {"in_app": True, "email": False, "push": True},
    NotificationKind.JOB_SUCCEEDED: {"in_app": True, "email": False, "push": False},
    NotificationKind.JOB_FAILED: {"in_app": True, "email": False, "push": True},
}


class Notification(TimeStampedModel):
    """One thing one crew member is told about ("Ana mentioned you on scene 12"), read or not yet."""

    EVENT_ENTITY = "notification"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    production = models.ForeignKey("productions.Production", on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, max_length=5000)
    url = models.CharField(max_length=500, blank=True, help_text="Path inside the app to open, e.g. /productions/7/scenes/42.")
    entity = models.CharField(max_length=40, blank=True, help_text="Entity it is about, e.g. 'comment'.")
    entity_id = models.CharField(max_length=64, blank=True, default="")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    in_app = models.BooleanField(default=True, help_text="Shown in the app (the user's in-app preference when it was sent).")
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_recipient_read"),
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_new"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}: {self.title}"


class NotificationPreference(TimeStampedModel):
    """A user's choices: which channels each kind uses (missing kinds take the defaults) and quiet hours for push."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference")
    kinds = models.JSONField(default=dict, blank=True, help_text='{"mention": {"in_app": true, "email": true, "push": true}, ...}')
    quiet_enabled = models.BooleanField(default=False)
    quiet_start = models.TimeField(default="22:00")
    quiet_end = models.TimeField(default="07:00")
    timezone = models.CharField(max_length=64, default="Europe/Madrid", help_text="IANA time zone name of the quiet hours.")

    class Meta:
        ordering = ["user_id"]

    def __str__(self) -> str:
        return f"notification preferences of {self.user_id}"


class PushSubscription(TimeStampedModel):
    """One browser or device that receives Web Push for a user (a W3C Push API subscription, RFC 8030 endpoint)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(max_length=1000, unique=True, help_text="The push service's URL for this device (RFC 8030 push resource).")
    p256dh = models.CharField(max_length=120, help_text="Device's P-256 public key, base64url, 65-byte uncompressed point (RFC 8291).")
    auth = models.CharField(max_length=40, help_text="Device's 16-byte authentication secret, base64url (RFC 8291).")
    expiration_time = models.DateTimeField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"push subscription {self.pk} of {self.user_id}"


class VapidKey(TimeStampedModel):
    """The server's VAPID key pair (RFC 8292), made once and shared by every web and worker process.

    Only used when the environment does not set VAPID_PRIVATE_KEY. `name` is unique so two
    processes creating it at once end up with one row.
    """

    name = models.CharField(max_length=32, unique=True, default="default")
    private_key_pem = models.TextField()
    public_key = models.CharField(max_length=120, help_text="base64url uncompressed P-256 point, as browsers take it.")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"VAPID key {self.name}"

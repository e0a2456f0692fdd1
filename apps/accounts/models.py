"""Slate's users: crew members who sign in, and the devices they are signed in on."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac


class User(AbstractUser):
    """A person on one or more productions' crews; signs in with username or email."""

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=150, blank=True, help_text="Name as the crew knows it, e.g. 'Ana Ruiz'.")
    email_verified = models.BooleanField(default=False)
    pending_email = models.EmailField(blank=True, help_text="A new address waiting for its emailed link (apps.accounts.email_change).")
    time_zone = models.CharField(max_length=64, blank=True, help_text="IANA name, e.g. 'Europe/Madrid'; blank: the browser's.")
    avatar = models.FileField(max_length=200, blank=True, help_text="A small square image under MEDIA_ROOT/avatars/ (generated name).")
    # Raised by "sign out everywhere": every session whose stored hash predates it stops working (`get_session_auth_hash`).
    session_epoch = models.PositiveIntegerField(default=0)
    # Refresh tokens issued (`iat`) before this are refused (apps.accounts.account_api.CurrentRefreshSerializer).
    tokens_valid_after = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["username"]

    def get_session_auth_hash(self) -> str:
        """Django's hash of the password kept in each session, mixed with `session_epoch` once it is raised: raising it
        ends every session made before, like a changed password does (`django.contrib.auth.get_user` drops a session
        whose hash no longer matches). Epoch 0 gives Django's own hash, so sessions made before the field stay valid."""
        base = super().get_session_auth_hash()
        if not self.session_epoch:
            return base
        return salted_hmac("apps.accounts.models.User.session_epoch", f"{base}:{self.session_epoch}", algorithm="sha256").hexdigest()

    @property
    def display_name(self) -> str:
        """The name shown to the crew: `name`, else first + last name, else the username."""
        return self.name or self.get_full_name() or self.username

    def save(self, *args, **kwargs):
        """Save with the email trimmed and lower-cased."""
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)


class DeviceKind(models.TextChoices):
    """How a device is signed in: a browser session (cookie) or a JWT refresh token."""

    SESSION = "session", "Browser session"
    JWT = "jwt", "Token"


class SignedInDevice(models.Model):
    """One sign-in of a user that is still alive: a browser session (`session_key`) or a JWT refresh token (`jti`).

    Deleting the row signs the device out (apps.accounts.devices): its session is deleted with it, and a refresh token
    whose `jti` has no row is refused.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="devices")
    kind = models.CharField(max_length=8, choices=DeviceKind.choices)
    session_key = models.CharField(max_length=40, null=True, blank=True, unique=True)
    jti = models.CharField(max_length=64, null=True, blank=True, unique=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField()

    class Meta:
        ordering = ["-last_seen_at", "-id"]
        indexes = [models.Index(fields=["user", "-last_seen_at"])]

    def __str__(self) -> str:
        return f"{self.kind} of {self.user_id} ({self.pk})"

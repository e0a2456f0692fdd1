"""The audit log's one table."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditAction(models.TextChoices):
    """What happened. Sign-in and account actions have no production; crew and export actions have one."""

    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
    SIGN_IN_THROTTLED = "sign_in_throttled", "Sign-in refused: too many attempts"
    SIGN_OUT = "sign_out", "Signed out"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_RESET = "password_reset", "Password reset by email"
    TWO_FACTOR_ENABLED = "two_factor_enabled", "Two-factor sign-in turned on"
    TWO_FACTOR_DISABLED = "two_factor_disabled", "Two-factor sign-in turned off"
    MEMBER_ADDED = "member_added", "Member added"
    MEMBER_INVITED = "member_invited", "Member invited"
    ROLE_CHANGED = "role_changed", "Role changed"
    MEMBER_REMOVED = "member_removed", "Member removed"
    OWNERSHIP_TRANSFERRED = "ownership_transferred", "Ownership transferred"
    EXPORT = "export", "Export downloaded"


class AuditEntry(models.Model):
    """One line of the audit log: who (`actor`, None for a failed or refused sign-in) did what (`action`), to whom
    (`target_user`), on which production (None for sign-ins), when (`at`) and from where (`ip_address`, `user_agent`).

    Append-only; pruned after SLATE_AUDIT_RETENTION_DAYS (apps.audit.tasks). Never holds a password or a code.
    """

    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    login = models.CharField(max_length=150, blank=True, help_text="The login typed for a failed or refused sign-in, trimmed.")
    action = models.CharField(max_length=32, choices=AuditAction.choices)
    production = models.ForeignKey("productions.Production", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    target_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=256, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["production", "-at"], name="audit_production_at"),
            models.Index(fields=["actor", "-at"], name="audit_actor_at"),
            models.Index(fields=["target_user", "-at"], name="audit_target_at"),
            models.Index(fields=["at"], name="audit_at"),  # the retention prune
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} by {self.actor_id or self.login or '-'}"

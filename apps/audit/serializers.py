"""The audit log as the API shows it."""
from __future__ import annotations

from rest_framework import serializers

from apps.audit.models import AuditEntry


class AuditUserSerializer(serializers.Serializer):
    """Who: `{"id", "username", "display_name"}`."""

    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    display_name = serializers.CharField(read_only=True)


class AuditEntrySerializer(serializers.ModelSerializer):
    """One entry: `at` (ISO 8601), `action` and its `action_label`, `actor` and `target_user` (or null), the `login`
    typed for a failed or refused sign-in, `production` (null for sign-ins), `detail`, `ip_address`, `user_agent`."""

    actor = AuditUserSerializer(read_only=True, allow_null=True)
    target_user = AuditUserSerializer(read_only=True, allow_null=True)
    action_label = serializers.CharField(source="get_action_display", read_only=True)

    class Meta:
        model = AuditEntry
        fields = ["id", "at", "action", "action_label", "actor", "target_user", "login", "production", "detail",
                  "ip_address", "user_agent"]
        read_only_fields = fields

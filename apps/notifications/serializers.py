"""Serializers of notifications (the REST shape, also the `data` of `notification.*` events), preferences, push
subscriptions, and the small bodies and answers of their commands."""
from __future__ import annotations

from rest_framework import serializers

from apps.core.integers import IntegerField
from apps.notifications.models import Notification, PushSubscription


class NotificationActorSerializer(serializers.Serializer):
    """Who caused a notification: `{id, name}`."""

    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class NotificationSerializer(serializers.ModelSerializer):
    """One notification, all read-only: `{id, production, production_title, kind, title, body, url, entity, entity_id,
    actor: {id, name} | null, created_at, read_at}`. `url` is a path inside the app; `read_at` null while unread.
    """

    production_title = serializers.CharField(source="production.title", read_only=True)
    actor = NotificationActorSerializer(read_only=True, allow_null=True)
    entity_id = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "production", "production_title", "kind", "title", "body", "url", "entity", "entity_id", "actor",
                  "created_at", "read_at"]
        read_only_fields = fields

    def get_entity_id(self, obj) -> int | str | None:
        """The id of the entity it is about: an integer when it is one, the text otherwise (job UUIDs), null when none."""
        value = obj.entity_id
        if not value:
            return None
        return int(value) if value.isdigit() else value


class UnreadCountSerializer(serializers.Serializer):
    """`{"unread": n}`: the user's unread in-app notifications."""

    unread = serializers.IntegerField()


class ReadAllSerializer(serializers.Serializer):
    """Body of read-all: optional `production` (id) to mark only that production's notifications."""

    production = IntegerField(required=False, allow_null=True, min_value=1)


class ReadAllResultSerializer(serializers.Serializer):
    """`{"marked": n}`: how many notifications were marked read."""

    marked = serializers.IntegerField()


class ChannelsSerializer(serializers.Serializer):
    """Which channels one kind uses: `{"in_app": bool, "email": bool, "push": bool}`."""

    in_app = serializers.BooleanField(required=False)
    email = serializers.BooleanField(required=False)
    push = serializers.BooleanField(required=False)


class QuietHoursSerializer(serializers.Serializer):
    """Quiet hours for push: `{"enabled": bool, "start": "HH:MM", "end": "HH:MM", "timezone": "Europe/Madrid"}` (may cross midnight)."""

    enabled = serializers.BooleanField(required=False)
    start = serializers.CharField(required=False, max_length=5)
    end = serializers.CharField(required=False, max_length=5)
    timezone = serializers.CharField(required=False, max_length=64)


class PreferencesSerializer(serializers.Serializer):
    """`{"kinds": {kind: {"in_app","email","push"}}, "quiet_hours": {...}}`; PUT may send any part of it.

    Kinds: mention, callsheet_published, callsheet_revised, scene_status, job_succeeded, job_failed.
    """

    kinds = serializers.DictField(child=ChannelsSerializer(), required=False)
    quiet_hours = QuietHoursSerializer(required=False)


class PushKeysSerializer(serializers.Serializer):
    """A subscription's keys: `p256dh` (base64url P-256 point, 65 bytes) and `auth` (base64url, 16 bytes), RFC 8291."""

    p256dh = serializers.CharField(max_length=200, trim_whitespace=True)
    auth = serializers.CharField(max_length=100, trim_whitespace=True)


class PushSubscriptionCreateSerializer(serializers.Serializer):
    """The browser's `PushSubscription.toJSON()`: `{endpoint, expirationTime (ms since the epoch) | null, keys: {p256dh, auth}}`."""

    endpoint = serializers.CharField(max_length=1000)
    expirationTime = IntegerField(required=False, allow_null=True, min_value=0, max_value=253402300799000)  # noqa: N815 — the W3C name
    keys = PushKeysSerializer()


class PushSubscriptionSerializer(serializers.ModelSerializer):
    """One of the user's devices, read-only: `{id, endpoint, expiration_time, user_agent, created_at, last_success_at, last_failure_at}`.

    The keys are never sent back.
    """

    class Meta:
        model = PushSubscription
        fields = ["id", "endpoint", "expiration_time", "user_agent", "created_at", "last_success_at", "last_failure_at"]
        read_only_fields = fields


class EndpointSerializer(serializers.Serializer):
    """`{"endpoint": url}`: which subscription to forget."""

    endpoint = serializers.CharField(max_length=1000)


class VapidPublicKeySerializer(serializers.Serializer):
    """`{"public_key": ...}`: base64url uncompressed P-256 point for `pushManager.subscribe({applicationServerKey})`."""

    public_key = serializers.CharField()


class TestPushResultSerializer(serializers.Serializer):
    """`{"queued": n}`: how many devices a test push was queued for."""

    queued = serializers.IntegerField()

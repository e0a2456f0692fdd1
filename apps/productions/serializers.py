"""Serializers of productions (with their live stats), memberships and invitations: the REST shapes, also the `data`
of their events (registered with realtime), and the bodies and answers of the invitation commands."""
from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.accounts.serializers import UserSerializer
from apps.core.api import BuiltOnceModelSerializer
from apps.productions.models import Invitation, Membership, Production, Role
from apps.productions.permissions import CONTACT_FIELDS, redact_contacts, request_sees_contacts
from apps.productions.selectors import production_stats, stats_from


class StatsSerializer(serializers.Serializer):
    """A production's live stats: counts of scenes, completed scenes and shots, and page eighths (all and completed).

    `completion_percent` is completed scenes over all scenes, 0–100 with one decimal.
    """

    scene_count = serializers.IntegerField()
    completed_scene_count = serializers.IntegerField()
    shot_count = serializers.IntegerField()
    completion_percent = serializers.FloatField(help_text="0–100.")
    total_eighths = serializers.IntegerField(help_text="Page eighths of all scenes.")
    completed_eighths = serializers.IntegerField(help_text="Page eighths of completed scenes.")


class ProductionSerializer(BuiltOnceModelSerializer):
    """A production: `title`, `code`, `description`, `start_date` (first shoot day) and `end_date` (wrap), ISO dates.

    `timecode_rate`: frames per second of its timecode as text ("23.976", "24", "25", "29.97"...; TimecodeRate),
    the rate new takes log their timecode at.

    `require_two_factor`: its owners and producers need two-factor authentication on to change anything in it (set
    by an owner only; apps.productions.permissions.require_two_factor_if_needed).

    Read-only: id, version, created_at, updated_at, `stats` (see StatsSerializer) and `my_role` (the
    requesting user's role; null in live events, which go to every member).
    """

    stats = serializers.SerializerMethodField()
    my_role = serializers.SerializerMethodField()

    class Meta:
        model = Production
        fields = ["id", "title", "code", "description", "start_date", "end_date", "timecode_rate", "require_two_factor", "version", "created_at", "updated_at", "stats", "my_role"]
        read_only_fields = ["id", "version", "created_at", "updated_at", "stats", "my_role"]

    @extend_schema_field(StatsSerializer)
    def get_stats(self, obj) -> dict:
        """The production's stats: from `production_list`'s annotations when present, else two aggregate queries."""
        # Annotated by production_list() for lists; a single production (an event) gets two aggregates.
        if hasattr(obj, "scene_count"):
            return stats_from(obj.__dict__)
        return production_stats(production_id=obj.pk)

    def get_my_role(self, obj) -> str | None:
        """The requesting user's role on the production; null outside a request (live events go to every member)."""
        # Per user: only in answers to a request. An event goes to every member, so it carries None.
        if self.context.get("request") is None:
            return None
        return getattr(obj, "my_role", None)


class MembershipSerializer(serializers.ModelSerializer):
    """A person's place on the crew: `user` (read-only, the full user), `role`, and their contact details for the
    production: `phone`, `address`, `emergency_contact` (free text: who to call, relation, number).

    To add someone, send `user_login` (write-only: username or email) and `role`; afterwards `role`
    (owners and producers) and the contact details (the person themselves and whoever sees them) change.
    The contact details and `user.email` are personal: "" for whoever may not see them (`sees_contacts`)
    and in every live event, and ignored when such a user sends them. Read-only: id, production, user,
    version, created_at.
    """

    user = UserSerializer(read_only=True)
    user_login = serializers.CharField(write_only=True, required=False, help_text="Username or email of the person to add.")

    class Meta:
        model = Membership
        fields = ["id", "production", "user", "user_login", "role", "phone", "address", "emergency_contact", "version", "created_at"]
        read_only_fields = ["id", "production", "user", "version", "created_at"]

    def validate(self, attrs):
        """Drop the contact details from a write by someone who may not see them (or from an addition: they are the person's)."""
        attrs = super().validate(attrs)
        instance = self.instance
        if instance is None or not request_sees_contacts(self.context, production_id=instance.production_id, person_user_id=instance.user_id):
            for name in CONTACT_FIELDS:
                attrs.pop(name, None)
        return attrs

    def to_representation(self, instance):
        """The membership; its contact details and the person's `user.email` are "" for whoever may not see them (`sees_contacts`), and in events."""
        data = super().to_representation(instance)
        if not request_sees_contacts(self.context, production_id=instance.production_id, person_user_id=instance.user_id):
            data = redact_contacts(data)
            if data.get("user"):
                data["user"] = redact_contacts(data["user"])
        return data


class OwnershipTransferSerializer(serializers.Serializer):
    """Body of `transfer-ownership`: `user` (id of the member who becomes an owner) and the caller's current `password`."""

    user = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class OwnershipTransferredSerializer(serializers.Serializer):
    """Answer of `transfer-ownership`: the new `owner`'s membership and the caller's (`previous_owner`, now a producer)."""

    owner = MembershipSerializer()
    previous_owner = MembershipSerializer()


class InvitationSerializer(serializers.ModelSerializer):
    """A pending invitation to join the crew: `email` (lower-cased), `role`, `invited_by` (the full user, null
    if their account is gone), `created_at`, `expires_at`, `accepted_at` (null while pending) and `expired`
    (true once `expires_at` has passed: the link no longer works; invite again to send a fresh one).

    All read-only. Never contains the emailed token.
    """

    invited_by = UserSerializer(read_only=True, allow_null=True)
    expired = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = ["id", "production", "email", "role", "invited_by", "created_at", "expires_at", "accepted_at", "expired"]
        read_only_fields = fields

    def get_expired(self, obj) -> bool:
        """True once the invitation's link has expired."""
        return obj.expires_at <= timezone.now()

    def to_representation(self, instance):
        """The invitation; `email` and `invited_by.email` are "" for whoever may not see contacts (`sees_contacts`), and in events."""
        data = super().to_representation(instance)
        if not request_sees_contacts(self.context, production_id=instance.production_id):
            data = redact_contacts(data)
            if data.get("invited_by"):
                data["invited_by"] = redact_contacts(data["invited_by"])
        return data


class InvitationSentSerializer(serializers.Serializer):
    """The answer (202) to adding someone by the email of no Slate account: `{"invitation": {...}}`."""

    invitation = InvitationSerializer()


class InvitationTokenSerializer(serializers.Serializer):
    """Body naming an emailed invitation: `{"token"}`, the last part of its `/invitations/<token>` link."""

    token = serializers.CharField(max_length=128)


class InvitationPreviewSerializer(serializers.Serializer):
    """What an invitation offers, for its landing page: `email`, `role`, `production` `{id, title}`,
    `invited_by` `{id, name}` (null if their account is gone) and `expires_at`."""

    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Role.choices)
    production = serializers.SerializerMethodField()
    invited_by = serializers.SerializerMethodField()
    expires_at = serializers.DateTimeField()

    @extend_schema_field({"type": "object", "properties": {"id": {"type": "integer"}, "title": {"type": "string"}}, "required": ["id", "title"]})
    def get_production(self, obj) -> dict:
        """`{"id", "title"}` of the production the invitation is for."""
        return {"id": obj.production_id, "title": obj.production.title}

    @extend_schema_field({"type": "object", "nullable": True, "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}})
    def get_invited_by(self, obj) -> dict | None:
        """`{"id", "name"}` of the person who sent it (null if their account is gone)."""
        from apps.realtime.services import actor_json

        return actor_json(obj.invited_by)

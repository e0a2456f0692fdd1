"""Serializers of characters, cast members, props, locations and suggested breakdown items: the REST shapes, also the
`data` of their events (registered with realtime)."""
from __future__ import annotations

from rest_framework import serializers

from apps.breakdown.models import BreakdownSuggestion, CastMember, Character, Location, Prop
from apps.productions.models import Production
from apps.productions.permissions import CONTACT_FIELDS, redact_contacts, request_sees_contacts
from apps.productions.scoped import ScopedPrimaryKeyRelatedField
from apps.scenes.models import Scene


class _BreakdownSerializer(serializers.ModelSerializer):
    production = ScopedPrimaryKeyRelatedField(queryset=Production.objects.all())

    class Meta:
        read_only_fields = ["id", "version", "created_at", "updated_at"]
        validators = []


def _scenes_field():
    return ScopedPrimaryKeyRelatedField(queryset=Scene.objects.all(), many=True, required=False)


class CastMemberSerializer(_BreakdownSerializer):
    """A cast member (actor): `name`, `cast_id` (call-sheet number, 1 = lead; unique in the production), contact details.

    `user` is their Slate account, if linked. Read-only: id, user, version, created_at, updated_at;
    `production` is fixed once created (a change is ignored).

    `email`, `phone`, `address` and `emergency_contact` (free text: who to call, relation, number) are
    personal (`CONTACT_FIELDS`): empty ("") for whoever may not see them
    (`apps.productions.permissions.sees_contacts`), always empty in live events, and ignored when
    such a user sends them (they cannot see what they would overwrite).
    """

    class Meta(_BreakdownSerializer.Meta):
        model = CastMember
        fields = ["id", "production", "name", "cast_id", "email", "phone", "address", "emergency_contact", "agent", "notes", "user", "version",
                  "created_at", "updated_at"]
        read_only_fields = _BreakdownSerializer.Meta.read_only_fields + ["user"]

    def validate(self, attrs):
        """Drop the contact fields from a write by someone who may not see them."""
        attrs = super().validate(attrs)
        production = attrs.get("production") or getattr(self.instance, "production", None)
        person = getattr(self.instance, "user_id", None)
        if production is None or not request_sees_contacts(self.context, production_id=production.pk, person_user_id=person):
            for name in CONTACT_FIELDS:
                attrs.pop(name, None)
        return attrs

    def to_representation(self, instance):
        """The cast member, its contact details emptied for whoever may not see them."""
        data = super().to_representation(instance)
        if not request_sees_contacts(self.context, production_id=instance.production_id, person_user_id=instance.user_id):
            data = redact_contacts(data)
        return data


class CharacterSerializer(_BreakdownSerializer):
    """A character: `name` (stored upper case, as in the character cues), `cast_member` playing it, `scenes` (ids) they speak in.

    The character sheet — `personality`, `goals`, `voice`, `backstory` (free text) — is what AI
    writing is told about the part. `cast_member` and `scenes` must be of the same production.
    Read-only: id, version, created_at, updated_at; `production` is fixed once created.
    """

    scenes = _scenes_field()
    cast_member = ScopedPrimaryKeyRelatedField(queryset=CastMember.objects.all(), required=False, allow_null=True)

    class Meta(_BreakdownSerializer.Meta):
        model = Character
        fields = ["id", "production", "name", "description", "personality", "goals", "voice", "backstory", "cast_member", "scenes",
                  "version", "created_at", "updated_at"]


class PropSerializer(_BreakdownSerializer):
    """A prop: `name`, `description`, `quantity` (how many, at least 1), `status` (needed/sourced/ready), `scenes` (ids) that need it.

    Read-only: id, version, created_at, updated_at; `production` is fixed once created.
    """

    scenes = _scenes_field()

    class Meta(_BreakdownSerializer.Meta):
        model = Prop
        fields = ["id", "production", "name", "description", "quantity", "status", "scenes", "version", "created_at", "updated_at"]


class LocationSerializer(_BreakdownSerializer):
    """A shooting location: `name` (the slugline location it serves), `address`, `contact`, `parking`, `notes`, `scenes` (ids) shot there.

    Read-only: id, version, created_at, updated_at; `production` is fixed once created.
    """

    scenes = _scenes_field()

    class Meta(_BreakdownSerializer.Meta):
        model = Location
        fields = ["id", "production", "name", "address", "contact", "parking", "notes", "scenes", "version", "created_at", "updated_at"]


class BreakdownSuggestionSerializer(serializers.ModelSerializer):
    """An item Claude suggested for a scene's breakdown, all read-only (it changes only by accept/reject).

    `category`: cast, extras, props, wardrobe, makeup_hair, vehicles, animals, stunts,
    special_effects, sound, set_dressing, special_equipment. `evidence` quotes the screenplay text
    that calls for it. `status`: pending, accepted, rejected (`decided_by`, `decided_at` say who and
    when). An accepted cast item links its `character`, an accepted props item its `prop`.
    """

    class Meta:
        model = BreakdownSuggestion
        fields = ["id", "production", "scene", "job", "category", "name", "description", "evidence", "status", "decided_by",
                  "decided_at", "character", "prop", "version", "created_at", "updated_at"]
        read_only_fields = fields

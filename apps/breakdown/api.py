"""REST: characters, cast members, props and locations."""
from __future__ import annotations

from rest_framework import serializers

from apps.breakdown import services
from apps.breakdown.models import CastMember, Character, Location, Prop
from apps.core.api import ProductionScopedViewSet, ScopedPrimaryKeyRelatedField
from apps.productions.models import Production
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
    """

    class Meta(_BreakdownSerializer.Meta):
        model = CastMember
        fields = ["id", "production", "name", "cast_id", "email", "phone", "agent", "notes", "user", "version", "created_at", "updated_at"]
        read_only_fields = _BreakdownSerializer.Meta.read_only_fields + ["user"]


class CharacterSerializer(_BreakdownSerializer):
    """A character: `name` (stored upper case, as in the character cues), `cast_member` playing it, `scenes` (ids) they speak in.

    `cast_member` and `scenes` must be of the same production. Read-only: id, version, created_at,
    updated_at; `production` is fixed once created.
    """

    scenes = _scenes_field()
    cast_member = ScopedPrimaryKeyRelatedField(queryset=CastMember.objects.all(), required=False, allow_null=True)

    class Meta(_BreakdownSerializer.Meta):
        model = Character
        fields = ["id", "production", "name", "description", "cast_member", "scenes", "version", "created_at", "updated_at"]


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


class CastMemberViewSet(ProductionScopedViewSet):
    """Cast members (actors) of the user's productions."""

    serializer_class = CastMemberSerializer
    filterset_fields = ["production", "cast_id"]
    search_fields = ["name", "email", "agent"]
    ordering_fields = ["cast_id", "name"]
    create_service = services.cast_member_create
    update_service = services.cast_member_update
    delete_service = services.cast_member_delete

    queryset = CastMember.objects.all()


class CharacterViewSet(ProductionScopedViewSet):
    """Characters of the user's productions, with the scenes they speak in; `?scenes=ID` filters."""

    serializer_class = CharacterSerializer
    filterset_fields = ["production", "cast_member", "scenes"]
    search_fields = ["name", "description"]
    ordering_fields = ["name"]
    create_service = services.character_create
    update_service = services.character_update
    delete_service = services.character_delete

    queryset = Character.objects.prefetch_related("scenes")


class PropViewSet(ProductionScopedViewSet):
    """Props of the user's productions, with the scenes that need them."""

    serializer_class = PropSerializer
    filterset_fields = ["production", "status", "scenes"]
    search_fields = ["name", "description"]
    ordering_fields = ["name", "status"]
    create_service = services.prop_create
    update_service = services.prop_update
    delete_service = services.prop_delete

    queryset = Prop.objects.prefetch_related("scenes")


class LocationViewSet(ProductionScopedViewSet):
    """Shooting locations of the user's productions."""

    serializer_class = LocationSerializer
    filterset_fields = ["production", "scenes"]
    search_fields = ["name", "address", "notes"]
    ordering_fields = ["name"]
    create_service = services.location_create
    update_service = services.location_update
    delete_service = services.location_delete

    queryset = Location.objects.prefetch_related("scenes")

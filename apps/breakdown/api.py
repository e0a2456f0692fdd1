"""REST: characters, cast members, props, locations, and suggested breakdown items to accept or reject."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.breakdown import services
from apps.breakdown.models import BreakdownSuggestion, CastMember, Character, Location, Prop
from apps.core.api import requested_version
from apps.productions.scoped import ProductionScopedViewSet, ScopedPrimaryKeyRelatedField
from apps.core.errors import ApplicationError
from apps.core.integers import IntegerField
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


_DECISION_BODY = inline_serializer("BreakdownDecision", {"version": IntegerField(min_value=1)})


class BreakdownSuggestionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Suggested breakdown items of the user's productions; `?scene=`, `?status=`, `?category=`, `?job=` filter.

    `POST .../{id}/accept/` and `.../{id}/reject/` with the `version` they are based on.
    """

    serializer_class = BreakdownSuggestionSerializer
    filterset_fields = ["production", "scene", "status", "category", "job"]
    error_statuses = {"accept": (428,), "reject": (428,)}  # apps.core.schema: a decision names the version it saw
    ordering_fields = ["category", "name", "created_at"]

    def get_queryset(self):
        """Suggestions of the user's productions only (other ids answer 404)."""
        from apps.productions.selectors import scope_to_user

        return scope_to_user(BreakdownSuggestion.objects.all(), user=self.request.user)

    def _decide(self, request, service):
        from apps.productions.permissions import require_write

        suggestion = self.get_object()
        require_write(user=request.user, production=suggestion.production_id)
        version = requested_version(request)
        if version is None:
            raise ApplicationError("Say which version of this item you reviewed: send `version`.", code="version_required",
                                   status=status.HTTP_428_PRECONDITION_REQUIRED)
        return Response(BreakdownSuggestionSerializer(service(suggestion=suggestion, actor=request.user, version=version)).data)

    @extend_schema(request=_DECISION_BODY, responses=BreakdownSuggestionSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept the item into the scene's breakdown: `{"version": N}`. A cast item becomes (or joins) a Character, a props item a Prop.

        Answers 200 with the item (`status: accepted`, `character`/`prop` linked). 403 for a viewer,
        409 `conflict` when stale, 428 `version_required` without a version.
        """
        return self._decide(request, services.breakdown_suggestion_accept)

    @extend_schema(request=_DECISION_BODY, responses=BreakdownSuggestionSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Dismiss the item: `{"version": N}`; nothing else changes.

        Answers 200 with the item (`status: rejected`). 400 `already_accepted`, 403 for a viewer,
        409 `conflict` when stale, 428 `version_required` without a version.
        """
        return self._decide(request, services.breakdown_suggestion_reject)


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

"""REST: characters, cast members, props, locations, and suggested breakdown items to accept or reject."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.breakdown import services
from apps.breakdown.models import BreakdownSuggestion, CastMember, Character, Location, Prop
from apps.breakdown.serializers import (BreakdownSuggestionSerializer, CastMemberSerializer, CharacterSerializer,
                                        LocationSerializer, PropSerializer)
from apps.core.api import requested_version
from apps.core.errors import ApplicationError
from apps.core.integers import IntegerField
from apps.productions.scoped import ProductionScopedViewSet


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
    search_fields = ["name", "agent"]  # not email: a search must not reveal hidden contacts (sees_contacts)
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

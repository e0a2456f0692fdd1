"""The production-scoped API: a foreign key limited to the user's productions, and the CRUD viewset of every
production-owned entity (reads need membership, writes a role that may write, every write through services).
"""
from __future__ import annotations

from typing import Callable

from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from apps.core.api import requested_version
from apps.core.errors import ApplicationError
from apps.productions.entities import published_data
from apps.productions.permissions import require_write
from apps.productions.selectors import scope_to_user


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key that only accepts objects in the requesting user's productions.

    An id from another production is answered like a missing one ("object does not exist"), so
    nothing leaks about other productions.
    """

    def get_queryset(self):
        """The field's queryset cut down to the request user's productions; empty without a signed-in user."""
        request = self.context.get("request")
        queryset = super().get_queryset()
        if request is None or not request.user.is_authenticated:
            return queryset.none()
        return scope_to_user(queryset, user=request.user)


class ProductionScopedViewSet(viewsets.ModelViewSet):
    """CRUD over one production-owned entity, every write through the app's services.

    Subclasses set `queryset` (with the `select_related`/`prefetch_related` their serializer
    needs; it is cut down to the user's productions here), `serializer_class`, and the three services `create_service(actor=, **fields)`, `update_service(instance=, actor=,
    version=, **changes)`, `delete_service(instance=, actor=)`. Reads need membership (objects of
    other productions are 404); writes need a role that may write (viewers only read: 403).
    Updates must carry the `version` they were based on (body field or `If-Match`), else 428.

    A write on one object reads it and the user's role in one query (`scope_to_user(with_role=True)`).
    `respond_with_published_data = True` (for serializers that render a row the same with or without
    a request) answers a create or update with the representation its event carried
    (`apps.productions.entities.published_data`) instead of serializing the row a second time.
    """

    create_service: Callable
    update_service: Callable
    delete_service: Callable
    respond_with_published_data = False
    http_method_names = ["get", "post", "patch", "put", "delete", "head", "options"]

    def get_queryset(self):
        """The subclass's `queryset`, cut down to the user's productions (other ids answer 404); for a write on one
        object, each row also carries `user_role`, the user's role on its production."""
        with_role = self.action in ("update", "partial_update", "destroy")
        return scope_to_user(super().get_queryset(), user=self.request.user, with_role=with_role)

    def filter_queryset(self, queryset):
        """The filter backends' queryset; for one object (a detail URL) with no query parameters, the queryset as it is:
        with nothing to filter on, the backends (django-filter's form, search, ordering) would return the same rows."""
        if (self.lookup_url_kwarg or self.lookup_field) in self.kwargs:
            if not self.request.query_params:
                return queryset
        return super().filter_queryset(queryset)

    def _production_of(self, validated: dict):
        return validated.get("production") or _parent_production(validated)

    def create(self, request, *args, **kwargs):
        """DRF's create, answered with the created event's representation when `respond_with_published_data`."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        data = self._published(serializer) or serializer.data
        return Response(data, status=status.HTTP_201_CREATED, headers=self.get_success_headers(data))

    def update(self, request, *args, **kwargs):
        """DRF's update, answered with the updated event's representation when `respond_with_published_data`."""
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        data = self._published(serializer)
        if data is None:
            if getattr(instance, "_prefetched_objects_cache", None):
                instance._prefetched_objects_cache = {}  # as DRF does: the update may have changed a prefetched relation
            data = serializer.data
        return Response(data)

    def _published(self, serializer) -> dict | None:
        if not self.respond_with_published_data or serializer.instance is None:
            return None
        return published_data(serializer.instance)

    def perform_create(self, serializer):
        """Create through `create_service`, in the production named by `production` or by the parent (take, shot, scene...).

        Raises 403 for a viewer, 400 when the body names no production or parent.
        """
        production = self._production_of(serializer.validated_data)
        require_write(user=self.request.user, production=production)
        serializer.instance = type(self).create_service(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        """Update through `update_service`, based on the version the request names (body `version` or If-Match).

        Raises 403 for a viewer, 428 `version_required` without a version, 409 `conflict` when it is stale.
        """
        instance = serializer.instance
        require_write(user=self.request.user, production=instance.production_id, role=getattr(instance, "user_role", None),
                      two_factor_rule=getattr(instance, "two_factor_rule", None))
        version = requested_version(self.request)
        if version is None:
            raise ApplicationError(
                "An update must say which version it is based on: send `version` (or If-Match).",
                code="version_required",
                status=status.HTTP_428_PRECONDITION_REQUIRED,
            )
        serializer.instance = type(self).update_service(
            instance=instance, actor=self.request.user, version=version, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        """Delete through `delete_service`; raises 403 for a viewer."""
        require_write(user=self.request.user, production=instance.production_id, role=getattr(instance, "user_role", None),
                      two_factor_rule=getattr(instance, "two_factor_rule", None))
        type(self).delete_service(instance=instance, actor=self.request.user)


def _parent_production(validated: dict):
    for key in ("take", "shot", "scene", "continuity_note", "media_asset", "script", "parent"):
        parent = validated.get(key)
        if parent is not None:
            return parent.production
    raise ApplicationError("Say which production this belongs to.", code="invalid")

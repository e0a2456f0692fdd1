"""Filtering that never tells one production's members anything about another production, and never
lets a number the database cannot hold reach a query (DRF's default filter backend, `REST_FRAMEWORK` in settings)."""
from __future__ import annotations

from django.db import models
from django_filters import ModelChoiceFilter, ModelMultipleChoiceFilter
from django_filters.filters import BaseCSVFilter
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import get_model_field

from apps.core.errors import ApplicationError
from apps.core.integers import int_in_range, looks_like_int
from apps.productions.selectors import scope_to_user


class ScopedFilterBackend(DjangoFilterBackend):
    """django-filter, with every foreign-key filter's choices cut down to the user's productions, and
    every integer filter bounded to the database's range.

    Without the scoping, `?production=<id>` or `?scene=<id>` answers 400 for an id that does not exist but
    200 (empty) for one in someone else's production — a way to probe for ids. Scoped, both are
    the same 400 "Select a valid choice". Without the bound, `?scenes=9223372036854775808` (one past
    the 64-bit range) reached SQLite's `IN (...)` and crashed with OverflowError (a 500).
    """

    def get_filterset(self, request, queryset, view):
        """django-filter's filterset, scoped to the user; raises `ApplicationError` 400 for an integer filter value out of range."""
        filterset = super().get_filterset(request, queryset, view)
        if filterset is None:
            return None
        for name, filter_ in filterset.filters.items():
            if _takes_integers(filterset._meta.model, filter_):
                _check_integers(name, filter_, request.query_params)
            if isinstance(filter_, (ModelChoiceFilter, ModelMultipleChoiceFilter)):
                choices = filter_.extra.get("queryset")
                model = getattr(choices, "model", None)
                if model is None:
                    continue
                if model._meta.model_name == "production" or any(f.name == "production" for f in model._meta.get_fields()):
                    filter_.extra["queryset"] = scope_to_user(choices, user=request.user)
        return filterset


def _takes_integers(model, filter_) -> bool:
    """True when the filter compares an integer column: an integer field, or a relation to rows with integer keys."""
    field = get_model_field(model, filter_.field_name) if model is not None else None
    if field is None:
        return False
    if field.is_relation:
        to_field = filter_.extra.get("to_field_name")
        related = field.related_model
        field = related._meta.get_field(to_field) if to_field else related._meta.pk
    return isinstance(field, (models.IntegerField, models.AutoField))


def _check_integers(name: str, filter_, params) -> None:
    values = params.getlist(name)
    if isinstance(filter_, BaseCSVFilter):
        values = [part for value in values for part in value.split(",")]
    for value in values:
        if looks_like_int(value) and int_in_range(value) is None:
            message = "Not an id or number this server holds (past the 64-bit range)."
            raise ApplicationError(f"{name}: {message}", code="invalid", extra={"fields": {name: [message]}})

"""Filtering that never tells one production's members anything about another production."""
from __future__ import annotations

from django_filters import ModelChoiceFilter, ModelMultipleChoiceFilter
from django_filters.rest_framework import DjangoFilterBackend


class ScopedFilterBackend(DjangoFilterBackend):
    """django-filter, with every foreign-key filter's choices cut down to the user's productions.

    Without this, `?production=<id>` or `?scene=<id>` answers 400 for an id that does not exist but
    200 (empty) for one in someone else's production — a way to probe for ids. Scoped, both are
    the same 400 "Select a valid choice".
    """

    def get_filterset(self, request, queryset, view):
        """django-filter's filterset, with each foreign-key filter on productions or their rows scoped to the user."""
        filterset = super().get_filterset(request, queryset, view)
        if filterset is None:
            return None
        from apps.productions.selectors import scope_to_user

        for filter_ in filterset.filters.values():
            if isinstance(filter_, (ModelChoiceFilter, ModelMultipleChoiceFilter)):
                choices = filter_.extra.get("queryset")
                model = getattr(choices, "model", None)
                if model is None:
                    continue
                if model._meta.model_name == "production" or any(f.name == "production" for f in model._meta.get_fields()):
                    filter_.extra["queryset"] = scope_to_user(choices, user=request.user)
        return filterset

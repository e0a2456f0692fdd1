"""What `OPTIONS` answers on the API: DRF's description of a view, without running what the view cannot do."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.metadata import SimpleMetadata
from rest_framework.request import clone_request

from apps.core.errors import ApplicationError


class Metadata(SimpleMetadata):
    """DRF's `SimpleMetadata` (name, description, media types, and the fields `PUT`/`POST` take when the
    user may send them), safe on every view: the object check of `PUT` runs only on URLs that name an
    object. DRF calls `get_object()` for any view that has it, so `OPTIONS` on a collection-level action
    that takes `PUT` (`/api/notifications/preferences/`) failed an assertion — a 500."""

    def determine_actions(self, request, view):
        """`{"PUT"|"POST": {field: info}}` for the methods the user may use on this URL."""
        actions = {}
        names_an_object = (getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", None)) in getattr(view, "kwargs", {})
        for method in {"PUT", "POST"} & set(view.allowed_methods):
            view.request = clone_request(request, method)
            try:
                if hasattr(view, "check_permissions"):
                    view.check_permissions(view.request)
                if method == "PUT" and names_an_object and hasattr(view, "get_object"):
                    view.get_object()
            except (exceptions.APIException, ApplicationError, PermissionDenied, Http404):
                continue
            else:
                actions[method] = self.get_serializer_info(view.get_serializer())
            finally:
                view.request = request
        return actions

"""The DRF exception handler: every expected failure in Slate's one error shape.

`{"message": str, "code": str, "extra": {...}}` (CONVENTIONS.md, "Errors"); field errors of a
serializer land in `extra["fields"]`.
"""
from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from apps.core.errors import ApplicationError, is_transient_db_error

log = logging.getLogger(__name__)


def _error(message: str, code: str, http_status: int, extra: dict | None = None, headers=None) -> Response:
    return Response({"message": message, "code": code, "extra": extra or {}}, status=http_status, headers=headers)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """Render every expected failure in Slate's one error shape; unexpected ones stay 500s (and get logged).

    Mapping: `ApplicationError` → its status and code; DRF `ValidationError` → 400 `invalid` with
    `extra.fields`; Django `ValidationError` (from `full_clean`) → 400 `invalid`; `Http404` → 404;
    an `IntegrityError` (a uniqueness race the service's own check did not see) → 409 `conflict`;
    a transient database failure (`is_transient_db_error`: a deadlock broken by PostgreSQL, a lock
    timeout) → 503 `busy` with `Retry-After: 1` (nothing was saved: the transaction rolled back);
    a body past DATA_UPLOAD_MAX_MEMORY_SIZE → 413 `too_large`; other requests Django refuses to read
    (too many fields, a bad multipart envelope: `SuspiciousOperation`, `BadRequest`) → 400 `bad_request`.
    """
    if isinstance(exc, ApplicationError):
        return _error(exc.message, exc.code, exc.status, exc.extra)
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return _error(f"The request body is larger than the {limit} bytes this server reads.", "too_large", 413, {"limit_bytes": limit})
    if isinstance(exc, (SuspiciousOperation, BadRequest)):
        return _error(str(exc) or "The request could not be read.", "bad_request", 400)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return _error(_first_message(fields), "invalid", 400, {"fields": fields})
    if isinstance(exc, IntegrityError):
        log.warning("integrity error answered as 409: %s", exc)
        return _error("That conflicts with something another person just saved. Reload and try again.", "conflict", 409)
    if is_transient_db_error(exc):
        log.warning("transient database failure answered as 503: %s", exc)
        return _error("Someone else was saving to this production at the same moment; nothing was saved. Try again.",
                      "busy", 503, headers={"Retry-After": "1"})
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = {"message": _first_message(fields), "code": "invalid", "extra": {"fields": fields}}
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        if isinstance(detail, dict):
            # simplejwt's InvalidToken carries {"detail": ..., "code": ..., "messages": [...]}.
            code = detail.get("code") or getattr(exc, "default_code", "error")
            detail = detail.get("detail") or _first_message(detail)
        else:
            code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        response.data = {"message": str(detail), "code": str(code), "extra": {}}
    return response


def _first_message(fields: Any) -> str:
    """The first readable message in a (possibly nested) DRF error structure, prefixed by its field."""
    if isinstance(fields, dict):
        for name, value in fields.items():
            inner = _first_message(value)
            return inner if name in ("non_field_errors", "__all__") else f"{name}: {inner}"
    if isinstance(fields, (list, tuple)) and fields:
        return _first_message(fields[0])
    return str(fields) if fields else "Invalid input."

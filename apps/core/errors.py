"""Slate's one application error, raised by services and rendered by the API's exception handler."""
from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A failure the user can understand and act on.

    Rendered as `{"message": ..., "code": ..., "extra": {...}}` with HTTP `status`; clients switch
    on `code`, never on the message text.
    """

    def __init__(self, message: str, *, code: str = "invalid", status: int = 400, extra: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.extra = extra or {}


class ConflictError(ApplicationError):
    """An update based on a stale `version`; `extra["current"]` is the object as it is now (HTTP 409)."""

    def __init__(self, message: str, *, current: dict[str, Any]):
        super().__init__(message, code="conflict", status=409, extra={"current": current})


class PermissionDeniedError(ApplicationError):
    """The user is a member but their role does not allow this (HTTP 403)."""

    def __init__(self, message: str = "Your role in this production does not allow this."):
        super().__init__(message, code="forbidden", status=403)


class NotFoundError(ApplicationError):
    """The object does not exist or belongs to a production the user is not in (HTTP 404)."""

    def __init__(self, message: str = "Not found."):
        super().__init__(message, code="not_found", status=404)

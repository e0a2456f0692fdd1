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


# SQLSTATEs of failures that succeed when the transaction is simply run again (PostgreSQL docs,
# Appendix A "Error Codes"): serialization_failure, deadlock_detected, lock_not_available.
_TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "55P03"})


def is_transient_db_error(exc: BaseException) -> bool:
    """True for a database failure that a retry of the whole transaction can cure.

    PostgreSQL: a deadlock the server broke by aborting this transaction (40P01), a serialization
    failure (40001) or a lock timeout (55P03), read from the driver's `sqlstate` (psycopg 3).
    PostgreSQL through psycopg's pool: no pooled connection came free within DB_POOL_TIMEOUT_S.
    SQLite: "database is locked" (another writer held the lock past the busy timeout).
    Anything else — a constraint, a syntax error, a lost connection — is not transient.
    """
    from django.db import OperationalError

    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) in _TRANSIENT_SQLSTATES:
        return True
    if type(cause).__name__ == "PoolTimeout" and type(cause).__module__.startswith("psycopg_pool"):
        return True
    return "database is locked" in str(exc)

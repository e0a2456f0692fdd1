"""Who may do what on a production, by role (apps.productions.models.Role)."""
from __future__ import annotations

from apps.core.errors import NotFoundError, PermissionDeniedError
from apps.productions.models import MANAGER_ROLES, READ_ONLY_ROLES
from apps.productions.selectors import membership_role


def require_member(*, user, production) -> str:
    """The user's role; `NotFoundError` (404, nothing leaked) when they are not on the production."""
    role = membership_role(user=user, production_id=getattr(production, "pk", production))
    if role is None:
        raise NotFoundError()
    return role


def require_write(*, user, production, role: str | None = None) -> str:
    """The user's role if it may change the production's data; viewers get 403, non-members 404.

    `role`: the user's role on the production when the caller has just read it from the database
    (`scope_to_user(..., with_role=True)`), which saves the query; None reads it here.
    """
    role = role or require_member(user=user, production=production)
    if role in READ_ONLY_ROLES:
        raise PermissionDeniedError("Viewers can look but not change anything.")
    return role


def require_manager(*, user, production) -> str:
    """The user's role if it manages the production (owner or producer); 403 for other members."""
    role = require_member(user=user, production=production)
    if role not in MANAGER_ROLES:
        raise PermissionDeniedError("Only the production's owners and producers can do this.")
    return role

"""Who may change the schedule and the call sheets: the scheduling roles (owner, producer, assistant director)."""
from __future__ import annotations

from apps.core.errors import PermissionDeniedError
from apps.productions.models import Role
from apps.productions.permissions import require_write

SCHEDULING_ROLES = frozenset({Role.OWNER, Role.PRODUCER, Role.ASSISTANT_DIRECTOR})


def require_scheduler(*, user, production) -> str:
    """The user's role if it may edit the schedule and call sheets; viewers and other roles get 403, non-members 404
    (and owners and producers without two-factor authentication where the production requires it: `require_write`)."""
    role = require_write(user=user, production=production)
    if role not in SCHEDULING_ROLES:
        raise PermissionDeniedError("Only owners, producers and assistant directors can change the schedule and call sheets.")
    return role

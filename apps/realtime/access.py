"""Who may follow a production's stream: a question realtime asks and the tenancy root answers.

Realtime sits below `apps.productions` and imports nothing of it; `ProductionsConfig.ready()` registers
the check (`register_membership_check`), and the consumer's subscribe and the event catch-up ask
`is_member`.
"""
from __future__ import annotations

from typing import Callable

from django.core.exceptions import ImproperlyConfigured

_check: Callable[..., bool] | None = None


def register_membership_check(check: Callable[..., bool]) -> None:
    """Set the function that answers `is_member`: `check(*, user, production_id: int) -> bool` (sync, queries the database)."""
    global _check
    _check = check


def is_member(*, user, production_id: int) -> bool:
    """True when `user` is on the crew of production `production_id`, as the registered check says.

    Raises ImproperlyConfigured when no check is registered (the productions app is not installed).
    """
    if _check is None:
        raise ImproperlyConfigured("No membership check is registered with apps.realtime.access (is apps.productions installed?)")
    return _check(user=user, production_id=production_id)

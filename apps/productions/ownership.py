"""Handing a production over: an owner makes another member the owner and becomes a producer (issue 18,
"Leaving a production": an owner who leaves first passes the production on)."""
from __future__ import annotations

from django.db import transaction

from apps.audit.services import AuditAction, audit_record
from apps.core.errors import ApplicationError, PermissionDeniedError
from apps.productions.entities import entity_update
from apps.productions.models import Membership, Production, Role
from apps.productions.permissions import require_manager


@transaction.atomic
def production_transfer_ownership(*, production: Production | int, actor, user_id: int, password: str) -> tuple[Membership, Membership]:
    """Make member `user_id` an owner of `production` and the acting owner a producer; returns `(new owner's, actor's)` memberships.

    The actor confirms with their current password. The new owner is promoted before the actor steps
    down, both rows locked, so the production always has an owner. Publishes `membership.updated` for
    each membership that changed (someone who is already an owner keeps their row as it is).

    Raises `NotFoundError` 404 for a non-member; 403 `forbidden` for a member who is not an owner;
    400 `wrong_password` (`extra.fields.password`) for a wrong password; 400 `not_a_member`
    (`extra.fields.user`) when `user_id` is not on the crew; 400 `invalid` (`extra.fields.user`) for
    the actor themselves.
    """
    production_id = getattr(production, "pk", production)
    if require_manager(user=actor, production=production_id) != Role.OWNER:  # a manager's write: the production's rules for them apply
        raise PermissionDeniedError("Only an owner can hand the production over.")
    if not actor.check_password(password or ""):
        message = "Your password is not right."
        raise ApplicationError(message, code="wrong_password", extra={"fields": {"password": [message]}})
    if user_id == actor.pk:
        message = "Choose another member: you own this production already."
        raise ApplicationError(message, code="invalid", extra={"fields": {"user": [message]}})
    rows = {m.user_id: m for m in Membership.objects.select_for_update().select_related("user", "production")
            .filter(production_id=production_id, user_id__in=[actor.pk, user_id]).order_by("pk")}
    mine, theirs = rows.get(actor.pk), rows.get(user_id)
    if mine is None or mine.role != Role.OWNER:  # removed or demoted meanwhile
        raise PermissionDeniedError("Only an owner can hand the production over.")
    if theirs is None:
        message = "Only a member of the crew can become its owner."
        raise ApplicationError(message, code="not_a_member", extra={"fields": {"user": [message]}})
    theirs = entity_update(instance=theirs, actor=actor, version=theirs.version, role=Role.OWNER)
    mine = entity_update(instance=mine, actor=actor, version=mine.version, role=Role.PRODUCER)
    audit_record(action=AuditAction.OWNERSHIP_TRANSFERRED, actor=actor, production=production_id, target_user=user_id)
    return theirs, mine

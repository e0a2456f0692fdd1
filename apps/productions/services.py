"""Writes on productions and their crews."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from apps.core.errors import ApplicationError, NotFoundError
from apps.core.services import entity_delete, entity_update
from apps.productions.models import MANAGER_ROLES, Membership, Production, Role
from apps.productions.permissions import require_manager
from apps.realtime.services import publish_entity


@transaction.atomic
def production_create(*, actor, **fields) -> Production:
    """Create a production with `actor` as its owner; publishes `production.created` and `membership.created`."""
    production = Production(created_by=actor, **fields)
    production.full_clean()
    production.save()
    membership = Membership.objects.create(production=production, user=actor, role=Role.OWNER)
    publish_entity(production, "created", actor=actor)
    publish_entity(membership, "created", actor=actor)
    return production


def production_update(*, instance: Production, actor, version: int, **changes) -> Production:
    """Change a production's title, code, description or dates (owners and producers); 409 when stale."""
    require_manager(user=actor, production=instance)
    return entity_update(instance=instance, actor=actor, version=version, **changes)


def production_delete(*, instance: Production, actor) -> None:
    """Delete a production and everything in it (owners only)."""
    role = require_manager(user=actor, production=instance)
    if role != Role.OWNER:
        from apps.core.errors import PermissionDeniedError

        raise PermissionDeniedError("Only an owner can delete the production.")
    entity_delete(instance=instance, actor=actor)


def production_stats_publish(*, production_id: int, actor=None) -> None:
    """Publish `production.updated` with fresh stats after scenes or shots changed (two aggregate queries)."""
    production = Production.objects.filter(pk=production_id).first()
    if production is not None:
        publish_entity(production, "updated", actor=actor)


@transaction.atomic
def membership_add(*, production: Production, actor, user_login: str, role: str) -> Membership:
    """Put an existing user (by username or email) on the crew with `role` (owners and producers).

    Raises `ApplicationError` 400 when no such user exists or they are already on the crew;
    only an owner may add another owner.
    """
    actor_role = require_manager(user=actor, production=production)
    if role == Role.OWNER and actor_role != Role.OWNER:
        raise ApplicationError("Only an owner can make someone an owner.", code="forbidden", status=403)
    User = get_user_model()
    user = User.objects.filter(email__iexact=user_login.strip()).first() or User.objects.filter(username=user_login.strip()).first()
    if user is None:
        raise ApplicationError("No Slate account has that username or email.", code="unknown_user", extra={"fields": {"user": ["No Slate account has that username or email."]}})
    if Membership.objects.filter(production=production, user=user).exists():
        raise ApplicationError(f"{user.display_name} is already on this production.", code="already_member")
    membership = Membership(production=production, user=user, role=role)
    membership.full_clean()
    membership.save()
    publish_entity(membership, "created", actor=actor)
    return membership


@transaction.atomic
def membership_set_role(*, membership: Membership, actor, role: str, version: int | None = None) -> Membership:
    """Change a member's role (owners and producers); the last owner cannot be demoted."""
    actor_role = require_manager(user=actor, production=membership.production_id)
    if Role.OWNER in (role, membership.role) and actor_role != Role.OWNER:
        raise ApplicationError("Only an owner can give or take the owner role.", code="forbidden", status=403)
    if membership.role == Role.OWNER and role != Role.OWNER:
        _keep_an_owner(membership)
    return entity_update(instance=membership, actor=actor, version=version or membership.version, role=role)


@transaction.atomic
def membership_remove(*, membership: Membership, actor) -> None:
    """Take someone off the crew (owners and producers; anyone may leave); the last owner stays."""
    if membership.user_id != actor.pk:
        actor_role = require_manager(user=actor, production=membership.production_id)
        if membership.role == Role.OWNER and actor_role != Role.OWNER:
            raise ApplicationError("Only an owner can remove an owner.", code="forbidden", status=403)
    if membership.role == Role.OWNER:
        _keep_an_owner(membership)
    entity_delete(instance=membership, actor=actor)


def _keep_an_owner(membership: Membership) -> None:
    others = Membership.objects.select_for_update().filter(production_id=membership.production_id, role=Role.OWNER).exclude(pk=membership.pk)
    if not others.exists():
        raise ApplicationError("A production needs at least one owner.", code="last_owner")


def membership_get(*, user, production_id: int, membership_id: int) -> Membership:
    """A membership of a production the user is in; `NotFoundError` otherwise."""
    membership = Membership.objects.select_related("user").filter(
        pk=membership_id, production_id=production_id, production__memberships__user=user
    ).first()
    if membership is None:
        raise NotFoundError()
    return membership


__all__ = [
    "MANAGER_ROLES",
    "membership_add",
    "membership_get",
    "membership_remove",
    "membership_set_role",
    "production_create",
    "production_delete",
    "production_stats_publish",
    "production_update",
]

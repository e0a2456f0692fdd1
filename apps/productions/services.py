"""Writes on productions and their crews."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from apps.audit.services import AuditAction, audit_record
from apps.accounts.two_factor import has_two_factor
from apps.core.errors import ApplicationError, NotFoundError
from apps.productions.entities import entity_delete, entity_representation, entity_update
from apps.productions.models import MANAGER_ROLES, Invitation, Membership, Production, Role
from apps.productions.permissions import require_manager, require_member, require_two_factor_if_needed, sees_contacts
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
    """Change a production's title, code, description, dates or timecode rate (owners and producers); 409 when stale.

    `require_two_factor` (apps.productions.permissions.require_two_factor_if_needed) only an owner changes (403
    `forbidden` for a producer), and only an owner with two-factor authentication on turns it on (403
    `two_factor_required`), so nobody locks themselves out of their own production's changes.
    """
    role = require_manager(user=actor, production=instance)
    if "require_two_factor" in changes and changes["require_two_factor"] != instance.require_two_factor:
        if role != Role.OWNER:
            raise ApplicationError("Only an owner can change whether two-factor authentication is required.", code="forbidden", status=403)
        if changes["require_two_factor"] and not has_two_factor(actor):
            raise ApplicationError("Turn on two-factor authentication for your own account first (Account settings).",
                                   code="two_factor_required", status=403)
    return entity_update(instance=instance, actor=actor, version=version, **changes)


def production_delete(*, instance: Production, actor) -> None:
    """Delete a production and everything in it (owners only)."""
    role = require_manager(user=actor, production=instance)
    if role != Role.OWNER:
        from apps.core.errors import PermissionDeniedError

        raise PermissionDeniedError("Only an owner can delete the production.")
    entity_delete(instance=instance, actor=actor)


def production_stats_publish(*, production_id: int, actor=None) -> None:
    """Publish `production.updated` with fresh stats after scenes or shots changed (the production and its stats in
    one query, `production_with_stats`)."""
    from apps.productions.selectors import production_with_stats

    production = production_with_stats(production_id=production_id)
    if production is not None:
        publish_entity(production, "updated", actor=actor, data=entity_representation(production))


@transaction.atomic
def production_lock(*, production_id: int) -> None:
    """Serialise rewrites of one production that read many rows and then write them (a script
    version renumbering scenes, a stripboard move renumbering strips). Call inside the transaction.

    PostgreSQL: a `FOR NO KEY UPDATE` lock on the production row, held to commit. Not `FOR UPDATE`:
    every insert that references the production (an event, a comment, a job) takes `FOR KEY SHARE`
    on that row, which `FOR UPDATE` blocks and `FOR NO KEY UPDATE` does not (PostgreSQL docs,
    "Explicit Locking", row-level lock conflicts). Blocking them deadlocks against a request that has
    already published an event (holding the production's event-order lock) and then inserts such a
    row. SQLite serialises writers already; there the query is a plain read. A production that does
    not exist is not an error (the caller's own query answers 404).
    """
    Production.objects.select_for_update(no_key=True).filter(pk=production_id).values_list("pk", flat=True).first()


def membership_add(*, production: Production, actor, user_login: str, role: str) -> Membership:
    """Put an existing user (by username or email) on the crew with `role` (owners and producers).

    Raises `ApplicationError` 400 when no such user exists or they are already on the crew;
    only an owner may add another owner.
    """
    _require_may_give_role(actor=actor, production=production, role=role)
    user = _user_by_login(user_login)
    if user is None:
        raise ApplicationError("No Slate account has that username or email.", code="unknown_user", extra={"fields": {"user": ["No Slate account has that username or email."]}})
    if Membership.objects.filter(production=production, user=user).exists():
        raise ApplicationError(f"{user.display_name} is already on this production.", code="already_member")
    membership = Membership(production=production, user=user, role=role)
    membership.full_clean()
    membership.save()
    publish_entity(membership, "created", actor=actor)
    audit_record(action=AuditAction.MEMBER_ADDED, actor=actor, production=production, target_user=user, detail={"role": role})
    return membership


@transaction.atomic
def membership_add_or_invite(*, production: Production, actor, user_login: str, role: str) -> Membership | Invitation:
    """Add an existing user to the crew, or — when `user_login` is the email of no Slate account — invite them.

    Returns the new `Membership` (see `membership_add`) or the sent `Invitation` (see `invitation_send`).
    A login that is neither an account nor an email address is 400 `unknown_user`.
    """
    login = user_login.strip()
    if _user_by_login(login) is None and _is_email(login):
        return invitation_send(production=production, actor=actor, email=login, role=role)
    return membership_add(production=production, actor=actor, user_login=login, role=role)


def _require_may_give_role(*, actor, production, role: str) -> str:
    """The actor's role if they may put someone on the crew with `role`: managers, and only owners make owners."""
    actor_role = require_manager(user=actor, production=production)
    if role == Role.OWNER and actor_role != Role.OWNER:
        raise ApplicationError("Only an owner can make someone an owner.", code="forbidden", status=403)
    return actor_role


def _user_by_login(login: str):
    User = get_user_model()
    login = login.strip()
    return User.objects.filter(email__iexact=login).first() or User.objects.filter(username=login).first()


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


@transaction.atomic
def membership_set_role(*, membership: Membership, actor, role: str, version: int | None = None) -> Membership:
    """Change a member's role (owners and producers); the last owner cannot be demoted."""
    actor_role = require_manager(user=actor, production=membership.production_id)
    if Role.OWNER in (role, membership.role) and actor_role != Role.OWNER:
        raise ApplicationError("Only an owner can give or take the owner role.", code="forbidden", status=403)
    if membership.role == Role.OWNER and role != Role.OWNER:
        _keep_an_owner(membership)
    audit_record(action=AuditAction.ROLE_CHANGED, actor=actor, production=membership.production_id, target_user=membership.user_id, detail={"from": membership.role, "to": role})
    return entity_update(instance=membership, actor=actor, version=version or membership.version, role=role)


@transaction.atomic
def membership_set_contacts(*, membership: Membership, actor, version: int | None = None, **contacts: str) -> Membership:
    """Change a crew member's `phone`, `address` or `emergency_contact` for the production (issue 18, contact privacy).

    The person themselves may, and whoever sees contacts (`sees_contacts`: owners, producers, production
    coordinators, assistant directors); 403 `forbidden` for other members, 404 for non-members. The
    production's two-factor rule applies to its owners and producers. Publishes `membership.updated`
    (its data carries no contacts); 409 when `version` is stale. Raises ValueError for another field name.
    """
    unknown = set(contacts) - {"phone", "address", "emergency_contact"}
    if unknown:
        raise ValueError(f"not contact fields: {sorted(unknown)}")
    role = require_member(user=actor, production=membership.production_id)
    if not sees_contacts(user=actor, production=membership.production_id, person_user_id=membership.user_id, role=role):
        raise ApplicationError("Only the person themselves and the production office can change their contact details.", code="forbidden", status=403)
    require_two_factor_if_needed(user=actor, production=membership.production_id, role=role)
    return entity_update(instance=membership, actor=actor, version=version or membership.version, **contacts)


@transaction.atomic
def membership_remove(*, membership: Membership, actor) -> None:
    """Take someone off the crew (owners and producers; anyone may leave); the last owner stays."""
    if membership.user_id != actor.pk:
        actor_role = require_manager(user=actor, production=membership.production_id)
        if membership.role == Role.OWNER and actor_role != Role.OWNER:
            raise ApplicationError("Only an owner can remove an owner.", code="forbidden", status=403)
    if membership.role == Role.OWNER:
        _keep_an_owner(membership)
    audit_record(action=AuditAction.MEMBER_REMOVED, actor=actor, production=membership.production_id, target_user=membership.user_id, detail={"role": membership.role, "left": membership.user_id == actor.pk})
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


# --- invitations ------------------------------------------------------------------------------


def invitation_token_hash(token: str) -> str:
    """SHA-256 (hex) of an emailed invitation token: what the database stores and looks tokens up by.

    The token has 256 bits of entropy (`secrets.token_urlsafe(32)`), so an unsalted hash is enough,
    and looking up by hash gives an attacker no timing signal about the stored value.
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invitation_link(token: str) -> str:
    """The browser URL an invitation email carries: `{SLATE_PUBLIC_URL}/invitations/{token}`."""
    return f"{settings.SLATE_PUBLIC_URL.rstrip('/')}/invitations/{token}"


@transaction.atomic
def invitation_send(*, production: Production, actor, email: str, role: str) -> Invitation:
    """Invite `email` (no Slate account yet) to the crew with `role`, and email them the link after commit.

    Owners and producers only (403 otherwise; only an owner invites an owner; 404 for non-members).
    A pending invitation to the same address for the production is refreshed — new token, expiry
    (`SLATE_INVITATION_DAYS` from now), role and inviter — and published as `invitation.updated`;
    otherwise a new one is published as `invitation.created`. Neither event carries the token.
    Raises 400 `invalid` for an address that is not an email.
    """
    _require_may_give_role(actor=actor, production=production, role=role)
    email = email.strip().lower()
    if not _is_email(email):
        raise ApplicationError("That is not an email address.", code="invalid", extra={"fields": {"user_login": ["Enter a valid email address."]}})
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = Invitation.objects.select_for_update().filter(production=production, email=email, accepted_at__isnull=True).first()
    verb = "updated" if invitation is not None else "created"
    if invitation is None:
        invitation = Invitation(production=production, email=email)
    invitation.role = role
    invitation.token_hash = invitation_token_hash(token)
    invitation.invited_by = actor
    invitation.expires_at = now + timedelta(days=settings.SLATE_INVITATION_DAYS)
    invitation.full_clean()
    invitation.save()
    publish_entity(invitation, verb, actor=actor)
    audit_record(action=AuditAction.MEMBER_INVITED, actor=actor, production=production, detail={"email": email, "role": role})
    transaction.on_commit(lambda: _invitation_email(invitation=invitation, production=production, actor=actor, token=token))
    return invitation


def _invitation_email(*, invitation: Invitation, production: Production, actor, token: str) -> None:
    inviter = getattr(actor, "display_name", None) or "Someone"
    role = Role(invitation.role).label.lower()
    send_mail(
        subject=f"{inviter} invited you to {production.title} on Slate",
        message=(
            f"Hello,\n\n{inviter} invited you to join the crew of {production.title} on Slate as {role}.\n\n"
            f"Accept the invitation (create your account with this email address, {invitation.email}):\n"
            f"{invitation_link(token)}\n\n"
            f"The link works until {invitation.expires_at:%Y-%m-%d %H:%M} UTC.\n"
        ),
        from_email=None,
        recipient_list=[invitation.email],
    )


def invitation_list(*, user, production_id: int):
    """Invitations of the production not yet accepted (expired ones too), with their inviters; managers only.

    Raises 404 for a non-member, 403 for a member who is not an owner or producer.
    """
    require_manager(user=user, production=production_id)
    return Invitation.objects.filter(production_id=production_id, accepted_at__isnull=True).select_related("invited_by")


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor) -> None:
    """Withdraw a pending invitation (owners and producers; only an owner revokes an owner's invitation).

    The emailed link stops working; publishes `invitation.deleted` with its last state.
    """
    _require_may_give_role(actor=actor, production=invitation.production_id, role=invitation.role)
    entity_delete(instance=invitation, actor=actor)


def invitation_find(*, token: str) -> Invitation:
    """The pending, unexpired invitation this emailed token belongs to (with its production).

    Raises `ApplicationError` 400 `invalid_invitation` for an unknown, revoked, used or expired token.
    """
    invitation = (
        Invitation.objects.select_related("production", "invited_by")
        .filter(token_hash=invitation_token_hash(token or ""), accepted_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if invitation is None:
        raise ApplicationError("This invitation is invalid, was withdrawn, was already used or has expired.", code="invalid_invitation")
    return invitation


@transaction.atomic
def user_register_invited(*, username: str, email: str, password: str, name: str = "", invitation: str):
    """Register through a crew invitation (the emailed token of `invitation_send`): the account is verified at
    once — receiving the invitation proved the address — no verification email is sent, and the user joins the
    production with the invited role (`invitation_accept`). Returns the new user.

    Raises 400 `invalid_invitation` for an unknown, withdrawn, used or expired token and 400
    `invitation_other_email` when `email` is not the invited address — checked before anything else, creating
    nothing — and whatever `apps.accounts.services.user_register` raises (a taken username or email, a weak password).
    """
    from apps.accounts.services import user_register

    invited = invitation_find(token=invitation)
    if invited.email != email.strip().lower():
        message = "Register with the email address the invitation was sent to."
        raise ApplicationError(message, code="invitation_other_email", extra={"fields": {"email": [message]}})
    user = user_register(username=username, email=email, password=password, name=name, email_verified=True)
    invitation_accept(token=invitation, user=user)
    return user


@transaction.atomic
def invitation_accept(*, token: str, user) -> Membership:
    """Put `user` on the crew with the invitation's role and mark the invitation accepted.

    The user's email must be the invited one (case-insensitive): otherwise 403
    `invitation_other_email`. 400 `invalid_invitation` for an unknown, revoked, used or expired
    token. Receiving the email proves the address, so an unverified account becomes verified.
    Publishes `membership.created` and `invitation.deleted` (it leaves the pending list; its
    `accepted_at` is set). Someone already on the crew keeps their membership and role.
    """
    invitation = invitation_find(token=token)
    invitation = Invitation.objects.select_for_update().select_related("production").get(pk=invitation.pk)
    if invitation.accepted_at is not None:  # accepted by a concurrent request meanwhile
        raise ApplicationError("This invitation was already used.", code="invalid_invitation")
    if (user.email or "").strip().lower() != invitation.email:
        raise ApplicationError(
            f"This invitation was sent to another email address than your account's ({user.email}).",
            code="invitation_other_email", status=403,
        )
    if not user.email_verified:
        user.email_verified = True
        user.save(update_fields=["email_verified"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at", "updated_at"])
    membership = Membership.objects.select_related("user").filter(production=invitation.production, user=user).first()
    if membership is None:
        membership = Membership(production=invitation.production, user=user, role=invitation.role)
        membership.full_clean()
        membership.save()
        publish_entity(membership, "created", actor=user)
        audit_record(action=AuditAction.MEMBER_ADDED, actor=user, production=invitation.production, target_user=user, detail={"role": invitation.role, "invitation": True})
    publish_entity(invitation, "deleted", actor=user)
    return membership


__all__ = [
    "MANAGER_ROLES",
    "invitation_accept",
    "invitation_find",
    "invitation_link",
    "invitation_list",
    "invitation_revoke",
    "invitation_send",
    "invitation_token_hash",
    "membership_add",
    "membership_add_or_invite",
    "membership_get",
    "membership_remove",
    "membership_set_contacts",
    "user_register_invited",
    "membership_set_role",
    "production_create",
    "production_delete",
    "production_stats_publish",
    "production_update",
]

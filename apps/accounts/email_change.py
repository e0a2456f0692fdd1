"""Changing one's email address: verified at the new address before it takes effect.

`email_change_request` (current password required) keeps the new address in `User.pending_email`, mails the NEW
address a link and the OLD one a notice. The link carries a token made with Django's signing (`TimestampSigner`
through `signing.dumps`, salted, expiring after `SLATE_EMAIL_CHANGE_TIMEOUT_S`) of the user id, the pending address
and the current one; `email_change_confirm` accepts it only while the user's current and pending addresses are still
those, so a link works once (the current address is then the new one), and asking again for another address spends
the earlier link.

An address that another account already uses: the request answers exactly as for a free one (202, the same
message, the pending address shown) so the form cannot be used to find out who has an account; that address gets a
mail saying an account already uses it and nothing changes, and no link is made. The confirmation checks again, in
case the address was taken in between (400 `email_taken`).
"""
from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction

from apps.accounts.models import User
from apps.core.errors import ApplicationError

_SALT = "apps.accounts.email_change"


def _timeout_s() -> int:
    return getattr(settings, "SLATE_EMAIL_CHANGE_TIMEOUT_S", 24 * 3600)


def _token(user: User) -> str:
    return signing.dumps({"u": user.pk, "new": user.pending_email, "old": user.email}, salt=_SALT, compress=True)


def _taken(email: str, *, by_other_than: User) -> bool:
    return User.objects.filter(email__iexact=email).exclude(pk=by_other_than.pk).exists()


@transaction.atomic
def email_change_request(*, user: User, password: str, email: str) -> User:
    """Start changing `user`'s address to `email`: it becomes `pending_email` and, after commit, the new address gets
    the confirmation link (`SLATE_PUBLIC_URL/verify-email-change?token=…`) and the current one a notice.

    Raises `ApplicationError` 400 `wrong_password` (`extra.fields.password`) for a wrong current password and 400
    `invalid` (`extra.fields.email`) for the address the user already has. An address used by another account
    answers like a free one (see the module's docstring).
    """
    if not user.check_password(password):
        message = "Your current password is not right."
        raise ApplicationError(message, code="wrong_password", extra={"fields": {"password": [message]}})
    email = email.strip().lower()
    if email == user.email:
        message = "That is already your address."
        raise ApplicationError(message, code="invalid", extra={"fields": {"email": [message]}})
    user.pending_email = email
    user.save(update_fields=["pending_email"])
    taken = _taken(email, by_other_than=user)
    transaction.on_commit(lambda: _send(user=user, taken=taken))
    return user


def _send(*, user: User, taken: bool) -> None:
    new, old = user.pending_email, user.email
    if taken:
        send_mail(
            subject="Someone tried to use this address on Slate",
            message=(f"Hello,\n\nSomeone asked to move another Slate account to this address ({new}). An account already "
                     f"uses it, so nothing changed. If that was you, sign in with this address instead.\n"),
            from_email=None, recipient_list=[new],
        )
    else:
        hours = max(1, round(_timeout_s() / 3600))
        link = f"{settings.SLATE_PUBLIC_URL}/verify-email-change?token={_token(user)}"
        send_mail(
            subject="Confirm your new email address for Slate",
            message=(f"Hello {user.display_name},\n\nConfirm that Slate should use this address ({new}) for your "
                     f"account instead of {old}. Follow this link within {hours} hour{'s' if hours != 1 else ''}:\n"
                     f"{link}\n\nThe link works once. If you did not ask for this, ignore this email.\n"),
            from_email=None, recipient_list=[new],
        )
    send_mail(
        subject="Your Slate email address is being changed",
        message=(f"Hello {user.display_name},\n\nSomeone (we hope you) asked to change the email address of your Slate "
                 f"account from {old} to {new}. Nothing changes until the link sent to the new address is followed.\n\n"
                 f"If this was not you, change your password and sign out everywhere in your account settings.\n"),
        from_email=None, recipient_list=[old],
    )


@transaction.atomic
def email_change_cancel(*, user: User) -> User:
    """Forget `user`'s pending address; a link already sent for it stops working."""
    user.pending_email = ""
    user.save(update_fields=["pending_email"])
    return user


@transaction.atomic
def email_change_confirm(*, token: str) -> User:
    """Make the pending address of the link's user their email (verified, since the link reached it).

    Raises `ApplicationError` 400 `invalid_token` for a link that is malformed, tampered with, older than
    `SLATE_EMAIL_CHANGE_TIMEOUT_S`, already used or replaced by a later request; 400 `email_taken` when another
    account took the address meanwhile. Nothing changes then.
    """
    invalid = ApplicationError("This link is invalid, used or has expired. Ask for a new one in your account settings.", code="invalid_token")
    try:
        data = signing.loads(token, salt=_SALT, max_age=_timeout_s())
    except signing.BadSignature:
        raise invalid from None
    user = User.objects.select_for_update().filter(pk=data.get("u"), is_active=True).first()
    if user is None or not user.pending_email or user.pending_email != data.get("new") or user.email != data.get("old"):
        raise invalid
    if _taken(user.pending_email, by_other_than=user):
        raise ApplicationError("Another account uses this address now.", code="email_taken")
    user.email, user.pending_email, user.email_verified = user.pending_email, "", True
    user.save(update_fields=["email", "pending_email", "email_verified"])
    return user

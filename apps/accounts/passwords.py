"""Self-service accounts: password reset by email, change of password and of display name.

Revocation: a changed password ends every other session (Django stores a hash of the password in each session and
drops a session whose hash no longer matches, `django.contrib.auth.get_user`), and every JWT issued before it
(`SIMPLE_JWT["CHECK_REVOKE_TOKEN"]` puts a hash of the password in each token; `apps.accounts.tokens` refuses a
refresh token whose hash is stale).
"""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from apps.audit.services import AuditAction, audit_record
from apps.core.errors import ApplicationError

User = get_user_model()


class PasswordResetTokens(PasswordResetTokenGenerator):
    """Django's password reset token generator with a salt of its own, so an email verification token
    (`default_token_generator`, apps.accounts.services) is not also a reset token. Tokens hash the password and the
    last sign-in, so one is spent once the password changes; they expire after `settings.PASSWORD_RESET_TIMEOUT`
    seconds (Django docs, "PASSWORD_RESET_TIMEOUT")."""

    key_salt = "apps.accounts.passwords.PasswordResetTokens"


reset_tokens = PasswordResetTokens()


def _checked_password(user: User, password: str) -> str:
    """`password` if Django's validators (AUTH_PASSWORD_VALIDATORS) accept it for `user`; else `ApplicationError`
    400 `invalid` with the validators' messages in `extra.fields.<field>`."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError(exc.messages[0], code="invalid", extra={"fields": {"password": exc.messages}}) from None
    return password


def password_reset_request(*, email: str) -> None:
    """Email a reset link to the active account with this address (case-insensitive), after commit.

    Answers nothing and raises nothing whether or not such an account exists, so the caller's answer cannot tell
    who has an account. The link is `SLATE_PUBLIC_URL/reset-password?uid=<base64 id>&token=<token>`.
    """
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is not None:
        transaction.on_commit(lambda: password_reset_send(user=user))


def password_reset_send(*, user: User) -> None:
    """Email `user` the one-time link that sets a new password (the EMAIL_* backend, like the verification mail)."""
    uid, token = urlsafe_base64_encode(force_bytes(user.pk)), reset_tokens.make_token(user)
    link = f"{settings.SLATE_PUBLIC_URL}/reset-password?uid={uid}&token={token}"
    hours = max(1, round(settings.PASSWORD_RESET_TIMEOUT / 3600))
    send_mail(
        subject="Reset your Slate password",
        message=(
            f"Hello {user.display_name},\n\nSomeone (we hope you) asked to reset your Slate password. "
            f"Choose a new one here within {hours} hour{'s' if hours != 1 else ''}:\n{link}\n\n"
            f"The link works once. If you did not ask for it, ignore this email: your password stays as it is.\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )


@transaction.atomic
def password_reset_confirm(*, uid: str, token: str, password: str) -> User:
    """Set `password` for the user of an emailed reset link; their other sessions and JWTs stop working.

    The address is then proved, so an unverified account becomes verified. Raises `ApplicationError` 400
    `invalid_token` for a link that is unknown, already used or past PASSWORD_RESET_TIMEOUT, and 400 `invalid`
    (`extra.fields.password`) for a password Django's validators refuse; nothing changes then.
    """
    try:
        user = User.objects.select_for_update().get(pk=int(force_str(urlsafe_base64_decode(uid))), is_active=True)
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    if user is None or not reset_tokens.check_token(user, token):
        raise ApplicationError("This reset link is invalid, used or has expired. Ask for a new one.", code="invalid_token")
    user.set_password(_checked_password(user, password))
    user.email_verified = True
    user.save(update_fields=["password", "email_verified"])
    audit_record(action=AuditAction.PASSWORD_RESET, actor=user, target_user=user)
    return user


@transaction.atomic
def user_change_password(*, user: User, current_password: str, new_password: str) -> User:
    """Replace `user`'s password after checking the current one; every session and JWT issued before stops working
    (the caller keeps its own with `update_session_auth_hash` or a new token pair).

    Raises `ApplicationError` 400 `wrong_password` (`extra.fields.current_password`) when the current password is
    wrong, 400 `invalid` (`extra.fields.new_password`) when Django's validators refuse the new one.
    """
    if not user.check_password(current_password):
        message = "Your current password is not right."
        raise ApplicationError(message, code="wrong_password", extra={"fields": {"current_password": [message]}})
    try:
        _checked_password(user, new_password)
    except ApplicationError as exc:
        raise ApplicationError(exc.message, code="invalid", extra={"fields": {"new_password": exc.extra["fields"]["password"]}}) from None
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit_record(action=AuditAction.PASSWORD_CHANGED, actor=user, target_user=user)
    return user


@transaction.atomic
def user_set_name(*, user: User, name: str) -> User:
    """Set the name the crew sees (`User.name`, at most 150 characters, trimmed; blank falls back to the username).

    Raises `ApplicationError` 400 `invalid` (`extra.fields.name`) for a name the model refuses.
    """
    user.name = name.strip()
    try:
        user.clean_fields(exclude=[f.name for f in User._meta.fields if f.name != "name"])
    except ValidationError as exc:
        raise ApplicationError("Check the name.", code="invalid", extra={"fields": exc.message_dict}) from None
    user.save(update_fields=["name"])
    return user

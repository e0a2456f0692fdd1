"""Accounts: registration, email verification and sign-in checks."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model, password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from apps.core.errors import ApplicationError

User = get_user_model()


@transaction.atomic
def user_register(*, username: str, email: str, password: str, name: str = "", email_verified: bool = False) -> User:
    """Create a user; unless `email_verified`, unverified and emailed a verification link (after commit).

    Raises `ApplicationError` (400) when the username or email is taken or the password is weak
    (Django's password validators). An unverified user can sign in only after `user_verify_email`.
    `email_verified=True` is for an address already proved, e.g. by a crew invitation sent to it
    (`apps.productions.services.user_register_invited`): no verification email goes out.
    """
    email = email.strip().lower()
    if User.objects.filter(username__iexact=username).exists():
        raise ApplicationError("That username is taken.", code="invalid", extra={"fields": {"username": ["That username is taken."]}})
    if User.objects.filter(email__iexact=email).exists():
        raise ApplicationError("An account with that email exists.", code="invalid", extra={"fields": {"email": ["An account with that email exists."]}})
    user = User(username=username, email=email, name=name)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError(exc.messages[0], code="invalid", extra={"fields": {"password": exc.messages}}) from None
    user.set_password(password)
    user.email_verified = email_verified
    user.full_clean()
    user.save()
    if not email_verified:
        transaction.on_commit(lambda: user_send_verification(user=user))
    return user


def email_verification_token(user: User) -> tuple[str, str]:
    """`(uid, token)` for the verification link: base64 user id and Django's one-time token."""
    return urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)


def user_send_verification(*, user: User) -> None:
    """Email `user` the link that verifies their address (console/file backend by default)."""
    uid, token = email_verification_token(user)
    link = f"{settings.SLATE_PUBLIC_URL}/verify-email?uid={uid}&token={token}"
    send_mail(
        subject="Verify your email for Slate",
        message=(
            f"Hello {user.display_name},\n\nConfirm your email address to start using Slate:\n{link}\n\n"
            f"Or send uid={uid} token={token} to POST /api/auth/verify-email/.\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )


@transaction.atomic
def user_verify_email(*, uid: str, token: str) -> User:
    """Mark the user's email verified. Raises `ApplicationError` (400 `invalid_token`) for a bad or used link."""
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uid))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        raise ApplicationError("This verification link is invalid or has expired.", code="invalid_token")
    if not user.email_verified:
        user.email_verified = True
        user.save(update_fields=["email_verified"])
    return user


def user_authenticate(request, *, login: str, password: str) -> User:
    """The user with this username or email and password, ready to sign in.

    Raises `ApplicationError` 400 `invalid_credentials` (the same answer for an unknown user and a
    wrong password) or 403 `email_unverified` for an account whose email is not yet confirmed.
    """
    user = authenticate(request, username=login, password=password)
    if user is None:
        raise ApplicationError("Wrong username/email or password.", code="invalid_credentials")
    if not user.email_verified:
        raise ApplicationError("Confirm your email address first: we sent you a link.", code="email_unverified", status=403)
    return user

"""Serializers of accounts: a user as the crew sees them (in answers and inside other apps' shapes), the sign-in,
registration and email verification bodies, and the JWT pair that refuses an unverified email."""
from __future__ import annotations

from rest_framework import serializers
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer

from apps.accounts.models import User


class UserSerializer(serializers.ModelSerializer):
    """A user as the crew sees them: `{id, username, email, name, display_name, email_verified}`, all read-only.

    `display_name` is `name`, else first + last name, else the username.
    """

    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "email", "name", "display_name", "email_verified"]
        read_only_fields = fields


class LoginSerializer(serializers.Serializer):
    """Sign-in body: `{"login": username or email, "password"}` (the password is not trimmed)."""

    login = serializers.CharField(max_length=254, help_text="Username or email.")
    password = serializers.CharField(max_length=256, trim_whitespace=False)


class RegisterSerializer(serializers.Serializer):
    """Registration body: `username` (2–150 letters, digits or `_.@+-`), `email`, `password` (write-only), optional `name`.

    Optional `invitation`: the token from an emailed crew invitation's link; the account is then
    verified at once and joins the production (the email must be the invited one).
    """

    username = serializers.RegexField(r"^[\w.@+-]{2,150}$", max_length=150)
    email = serializers.EmailField()
    password = serializers.CharField(max_length=256, trim_whitespace=False, write_only=True)
    name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    invitation = serializers.CharField(
        max_length=128, required=False, allow_blank=True, default="", write_only=True,
        help_text="Token of an emailed crew invitation (the last part of its /invitations/<token> link).",
    )


class VerifySerializer(serializers.Serializer):
    """Email verification body: `{"uid", "token"}`, both from the link in the verification email."""

    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=128)


class SlateTokenSerializer(TokenObtainPairSerializer):
    """simplejwt's pair, refused for an unverified email like the session sign-in."""

    def validate(self, attrs):
        """simplejwt's `{"access", "refresh"}` pair; raises `ApplicationError` 403 `email_unverified` for an unconfirmed email."""
        data = super().validate(attrs)
        if not self.user.email_verified:
            from apps.core.errors import ApplicationError

            raise ApplicationError("Confirm your email address first: we sent you a link.", code="email_unverified", status=403)
        return data

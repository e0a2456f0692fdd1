"""Serializers of accounts: a user as the crew sees them (in answers and inside other apps' shapes), the sign-in,
registration and email verification bodies, and the JWT pair that refuses an unverified email."""
from __future__ import annotations

from rest_framework import serializers
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer

from apps.accounts.devices import jwt_pair_signed_in
from apps.accounts.models import User
from apps.accounts.two_factor import has_two_factor, sign_in_second_factor
from apps.audit.services import AuditAction, audit_record
from apps.core.errors import ApplicationError


class UserSerializer(serializers.ModelSerializer):
    """A user as the crew sees them: `{id, username, email, name, display_name, email_verified, time_zone,
    avatar_url}`, all read-only.

    `display_name` is `name`, else first + last name, else the username. `time_zone`: an IANA name, "" for the
    browser's. `avatar_url`: the picture (`/api/users/{id}/avatar/?v=…`, a new URL for a new picture) or null.
    """

    display_name = serializers.CharField(read_only=True)
    avatar_url = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "email", "name", "display_name", "email_verified", "time_zone", "avatar_url"]
        read_only_fields = fields

    def get_avatar_url(self, user) -> str | None:
        """The picture's URL, versioned by its generated file name (a new picture, a new URL), or None."""
        if not user.avatar:
            return None
        return f"/api/users/{user.pk}/avatar/?v={user.avatar.name.rsplit('/', 1)[-1][:12]}"


class MeSerializer(UserSerializer):
    """The signed-in user as they see themselves: `UserSerializer`'s fields and `two_factor`, whether two-factor
    authentication is on for them (apps.accounts.two_factor)."""

    two_factor = serializers.SerializerMethodField()

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "two_factor"]
        read_only_fields = fields

    def get_two_factor(self, user) -> bool:
        """Whether the user has a confirmed authenticator device (one query: only the `me` answer carries it)."""
        return has_two_factor(user)


_CODE_HELP = ("For an account with two-factor authentication: the authenticator app's 6-digit code or an unused "
              "recovery code. Without it such an account is answered 401 `two_factor_required`.")


class LoginSerializer(serializers.Serializer):
    """Sign-in body: `{"login": username or email, "password", "code"?}` (the password is not trimmed; `code` only for
    an account with two-factor authentication)."""

    login = serializers.CharField(max_length=254, help_text="Username or email.")
    password = serializers.CharField(max_length=256, trim_whitespace=False)
    code = serializers.CharField(max_length=32, required=False, allow_blank=True, help_text=_CODE_HELP)


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
    """simplejwt's pair, refused for an unverified email like the session sign-in, and asking for the second factor
    of an account with two-factor authentication (`code`) like the session sign-in."""

    code = serializers.CharField(max_length=32, required=False, allow_blank=True, write_only=True, help_text=_CODE_HELP)

    def validate(self, attrs):
        """simplejwt's `{"access", "refresh"}` pair; raises `ApplicationError` 403 `email_unverified` for an unconfirmed
        email, 401 `two_factor_required` or 400 `invalid_code` (apps.accounts.two_factor.sign_in_second_factor)."""
        data = super().validate(attrs)
        if not self.user.email_verified:
            raise ApplicationError("Confirm your email address first: we sent you a link.", code="email_unverified", status=403)
        sign_in_second_factor(self.context.get("request"), user=self.user, login=attrs[self.username_field], code=attrs.get("code"))
        audit_record(action=AuditAction.SIGN_IN, actor=self.user, target_user=self.user, request=self.context.get("request"), detail={"method": "jwt"})
        return jwt_pair_signed_in(data, user=self.user, request=self.context.get("request"))  # a signed-in device

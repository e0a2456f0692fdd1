"""Self-service account endpoints: password reset by email, change of password and of name, and the JWT refresh
that refuses a refresh token issued before the password last changed (apps.accounts.passwords)."""
from __future__ import annotations

from django.contrib.auth import update_session_auth_hash
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.serializers import TokenRefreshSerializer
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.utils import get_md5_hash_password
from rest_framework_simplejwt.views import TokenRefreshView

from apps.accounts import devices, passwords, profile
from apps.accounts.api import _AuthThrottled
from apps.accounts.models import User
from apps.accounts.serializers import UserSerializer
from apps.core.errors import ApplicationError
from apps.core.throttling import ScopedRateThrottle

_PASSWORD = {"max_length": 256, "trim_whitespace": False, "write_only": True}


class PasswordResetRequestSerializer(serializers.Serializer):
    """`{"email"}`: the address of the account whose password is forgotten."""

    email = serializers.EmailField()


class PasswordResetConfirmSerializer(serializers.Serializer):
    """`{"uid", "token", "password"}`: `uid` and `token` from the emailed link, and the new password."""

    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=128)
    password = serializers.CharField(**_PASSWORD)


class PasswordChangeSerializer(serializers.Serializer):
    """`{"current_password", "new_password"}`."""

    current_password = serializers.CharField(**_PASSWORD)
    new_password = serializers.CharField(**_PASSWORD)


class PasswordChangedSerializer(UserSerializer):
    """The user; for a client signed in with a JWT also a new `{"access", "refresh"}` pair (its old pair is revoked)."""

    access = serializers.CharField(read_only=True, required=False)
    refresh = serializers.CharField(read_only=True, required=False)

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "access", "refresh"]
        read_only_fields = fields


class AccountSerializer(serializers.Serializer):
    """`{"name"?, "time_zone"?}`: the name the crew sees (blank: the username is shown) and an IANA time zone name
    (blank: the browser's). At least one of them."""

    name = serializers.CharField(max_length=150, allow_blank=True, required=False)
    time_zone = serializers.CharField(max_length=64, allow_blank=True, required=False, trim_whitespace=True)


class ResetSentSerializer(serializers.Serializer):
    """The same answer whether or not an account has that address."""

    message = serializers.CharField()


RESET_SENT = "If an account uses that address, we sent it a link to choose a new password."


class PasswordResetRequestView(_AuthThrottled):
    """Ask for a password reset link by email."""

    @extend_schema(request=PasswordResetRequestSerializer, responses={202: ResetSentSerializer})
    def post(self, request):
        """Email a reset link to the account with `{"email"}`; answers 202 `{"message"}` the same whether or not
        such an account exists. 400 `invalid` for a malformed address; 429 `throttled` over the `auth` rate."""
        data = PasswordResetRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        passwords.password_reset_request(**data.validated_data)
        return Response({"message": RESET_SENT}, status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmView(_AuthThrottled):
    """Set a new password with the `uid` and `token` of the emailed link."""

    @extend_schema(request=PasswordResetConfirmSerializer, responses=UserSerializer)
    def post(self, request):
        """Set the password from `{"uid", "token", "password"}`; answers 200 with the user, who then signs in.

        Every session and JWT of the user issued before stops working. 400 `invalid_token` for a link that is
        unknown, used or expired (PASSWORD_RESET_TIMEOUT); 400 `invalid` (`extra.fields.password`) for a password
        Django's validators refuse; 429 `throttled` over the `auth` rate.
        """
        data = PasswordResetConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = passwords.password_reset_confirm(**data.validated_data)
        devices.sockets_close_others(user=user, request=request, keep_caller=False)
        devices.devices_forget(user=user)  # their sessions and tokens are already refused: the list says so too
        return Response(UserSerializer(user).data)


class PasswordChangeView(APIView):
    """Change one's own password; this client stays signed in, every other one is signed out."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(request=PasswordChangeSerializer, responses=PasswordChangedSerializer)
    def post(self, request):
        """Change the password from `{"current_password", "new_password"}`; answers 200 with the user.

        Other sessions and every JWT issued before are revoked; a browser session stays signed in, a JWT client gets
        a new `access`/`refresh` pair in the answer. 400 `wrong_password` or `invalid` (details in
        `extra.fields`), 401 when signed out, 429 `throttled` over the `auth` rate.
        """
        data = PasswordChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = passwords.user_change_password(user=request.user, **data.validated_data)
        answer = dict(UserSerializer(user).data)
        this_device = devices.current_device_id(request)
        devices.sockets_close_others(user=user, request=request)
        devices.devices_forget(user=user, keep_id=this_device)
        if isinstance(request.successful_authenticator, JWTAuthentication):
            refresh = devices.device_jwt_issue(user=user, request=request, device=user.devices.filter(pk=this_device).first())
            answer.update(access=str(refresh.access_token), refresh=str(refresh))
        else:
            update_session_auth_hash(request, user)
        return Response(answer)


class AccountView(APIView):
    """One's own account settings: the name the crew sees and the time zone times are shown in."""

    @extend_schema(request=AccountSerializer, responses=UserSerializer)
    def patch(self, request):
        """Set `{"name"?}` (at most 150 characters; blank shows the username) and/or `{"time_zone"?}` (an IANA name
        from the tz database, e.g. "Europe/Madrid"; blank: the browser's); answers 200 with the user.
        400 `invalid` (`extra.fields.name` / `.time_zone`), 401 when signed out."""
        data = AccountSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not data.validated_data:
            raise ApplicationError("Send `name` or `time_zone`.", code="invalid")
        user = request.user
        with transaction.atomic():
            if "time_zone" in data.validated_data:
                user = profile.user_set_time_zone(user=user, time_zone=data.validated_data["time_zone"])
            if "name" in data.validated_data:
                user = passwords.user_set_name(user=user, name=data.validated_data["name"])
        return Response(UserSerializer(user).data)


class CurrentRefreshSerializer(TokenRefreshSerializer):
    """simplejwt's refresh, refused (401 `token_not_valid`) for a refresh token issued before the user's password
    last changed, i.e. whose `REVOKE_TOKEN_CLAIM` is not the hash of the current password, and for one whose device
    was signed out or issued before "sign out everywhere" (apps.accounts.devices.refresh_token_current)."""

    def validate(self, attrs):
        """simplejwt's `{"access"}`; raises `InvalidToken` (401) for a revoked or unknown user's token."""
        refresh = self.token_class(attrs["refresh"])
        user = User.objects.filter(**{jwt_settings.USER_ID_FIELD: refresh.payload.get(jwt_settings.USER_ID_CLAIM)}).first()
        if user is None or refresh.payload.get(jwt_settings.REVOKE_TOKEN_CLAIM) != get_md5_hash_password(user.password):
            raise InvalidToken("This refresh token was revoked: the password changed since. Sign in again.")
        if not devices.refresh_token_current(user=user, payload=refresh.payload):
            raise InvalidToken("This refresh token was revoked: its device was signed out. Sign in again.")
        return super().validate(attrs)


class RefreshView(TokenRefreshView):
    """A new access token for a refresh token not revoked by a password change (`CurrentRefreshSerializer`)."""

    serializer_class = CurrentRefreshSerializer

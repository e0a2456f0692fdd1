"""Two-factor authentication endpoints of one's own account (apps.accounts.two_factor): its status, setting it up
with an authenticator app, turning it off, new recovery codes. All need a signed-in user (401 otherwise) and count
toward the `auth` rate per address (429 `throttled`), as a code or a password can be guessed through them."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts import two_factor
from apps.core.throttling import ScopedRateThrottle

_PASSWORD = {"max_length": 256, "trim_whitespace": False, "write_only": True}


class TwoFactorStatusSerializer(serializers.Serializer):
    """`{"enabled": bool, "recovery_codes_left": int}`."""

    enabled = serializers.BooleanField()
    recovery_codes_left = serializers.IntegerField(min_value=0)


class TwoFactorSetupSerializer(serializers.Serializer):
    """An enrolment begun: the app's secret key (base32, to type by hand), its otpauth:// URI and the URI as a QR code
    (an SVG `data:` URI for an `<img>`)."""

    secret = serializers.CharField()
    otpauth_uri = serializers.CharField()
    qr_svg = serializers.CharField(help_text="data:image/svg+xml;base64,… of the QR code of `otpauth_uri`.")


class CodeSerializer(serializers.Serializer):
    """`{"code"}`: the authenticator app's 6-digit code."""

    code = serializers.CharField(max_length=32)


class DisableSerializer(serializers.Serializer):
    """`{"password", "code"}`: the current password and the app's code or a recovery code."""

    password = serializers.CharField(**_PASSWORD)
    code = serializers.CharField(max_length=32)


class PasswordSerializer(serializers.Serializer):
    """`{"password"}`: the current password."""

    password = serializers.CharField(**_PASSWORD)


class RecoveryCodesSerializer(serializers.Serializer):
    """`{"recovery_codes": [10 codes "xxxx-xxxx"]}`, each usable once in place of the app's code; shown only now."""

    recovery_codes = serializers.ListField(child=serializers.CharField())


def _status(user) -> dict:
    return {"enabled": two_factor.has_two_factor(user), "recovery_codes_left": two_factor.recovery_codes_left(user)}


class _TwoFactorView(APIView):
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"


class TwoFactorStatusView(_TwoFactorView):
    """Whether two-factor authentication is on, and how many recovery codes are left."""

    @extend_schema(responses=TwoFactorStatusSerializer)
    def get(self, request):
        """`{"enabled", "recovery_codes_left"}` of the signed-in user."""
        return Response(_status(request.user))


class TwoFactorSetupView(_TwoFactorView):
    """Begin setting up an authenticator app."""

    @extend_schema(request=None, responses=TwoFactorSetupSerializer)
    def post(self, request):
        """A new secret for the app (no body): `{"secret", "otpauth_uri", "qr_svg"}`; sign-in is unchanged until
        `confirm/`. Again, it replaces the secret not yet confirmed. 400 `two_factor_enabled` when it is on already."""
        return Response(two_factor.enrolment_start(user=request.user))


class TwoFactorConfirmView(_TwoFactorView):
    """Turn two-factor authentication on with the app's first code."""

    @extend_schema(request=CodeSerializer, responses=RecoveryCodesSerializer)
    def post(self, request):
        """Confirm `{"code"}` from the app set up by `setup/`; from now on signing in asks for a code. Answers the
        recovery codes (shown this once). 400 `no_enrolment`, 400 `invalid_code` (`extra.fields.code`)."""
        data = CodeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response({"recovery_codes": two_factor.enrolment_confirm(user=request.user, **data.validated_data)})


class TwoFactorDisableView(_TwoFactorView):
    """Turn two-factor authentication off."""

    @extend_schema(request=DisableSerializer, responses=TwoFactorStatusSerializer)
    def post(self, request):
        """Turn it off with `{"password", "code"}` (the app's code or a recovery code); answers the status. 400
        `wrong_password` or `invalid_code` (details in `extra.fields`), 400 `two_factor_disabled` when it is off."""
        data = DisableSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        two_factor.two_factor_disable(user=request.user, **data.validated_data)
        return Response(_status(request.user))


class RecoveryCodesView(_TwoFactorView):
    """New recovery codes; the old ones stop working."""

    @extend_schema(request=PasswordSerializer, responses=RecoveryCodesSerializer)
    def post(self, request):
        """New recovery codes with `{"password"}` (shown this once; the unused old ones stop working). 400
        `wrong_password` (`extra.fields.password`), 400 `two_factor_disabled` when it is off."""
        data = PasswordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response({"recovery_codes": two_factor.recovery_codes_regenerate(user=request.user, **data.validated_data)})

"""REST and WebSocket authentication by JWT access token, refusing the tokens of a device that was signed out."""
from __future__ import annotations

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed


class DeviceJWTAuthentication(JWTAuthentication):
    """simplejwt's `JWTAuthentication` (Bearer access token, signature, expiry, the password hash of
    `CHECK_REVOKE_TOKEN`), and the token's sign-in must still be current (`devices.access_token_current`): an access
    token of a device signed out from the devices list, or issued before "sign out everywhere", is refused at once
    instead of living on until it expires (SIMPLE_JWT ACCESS_TOKEN_LIFETIME). One primary-key query per request, beside
    simplejwt's own query for the user.

    Raises `AuthenticationFailed` (401, code "device_signed_out") for such a token.
    """

    def get_user(self, validated_token):
        from apps.accounts.devices import access_token_current

        user = super().get_user(validated_token)
        if not access_token_current(user=user, payload=validated_token.payload):
            raise AuthenticationFailed("This sign-in has ended: sign in again.", code="device_signed_out")
        return user


class DeviceJWTScheme(SimpleJWTScheme):
    """The OpenAPI security scheme of `DeviceJWTAuthentication`: drf-spectacular's own for simplejwt (`jwtAuth`, a
    Bearer JWT), which matches simplejwt's class exactly and not its subclasses. Registered by being defined."""

    target_class = "apps.accounts.authentication.DeviceJWTAuthentication"

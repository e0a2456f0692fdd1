"""Who is on the other end of a WebSocket: the session (browsers) or a Bearer JWT (other clients).

Browsers always send an `Origin` header on a WebSocket handshake, so a session cookie only counts
when the origin is one of ours; a request with no `Origin` (a tablet app, a script) must bring a
Bearer token. This stops another site from opening a socket with a crew member's cookie
(cross-site WebSocket hijacking).
"""
from __future__ import annotations

from urllib.parse import urlparse

from channels.auth import AuthMiddleware
from channels.db import database_sync_to_async
from channels.sessions import CookieMiddleware, SessionMiddleware
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http.request import validate_host


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin1")
    return None


def origin_allowed(origin: str) -> bool:
    """True when `origin` (scheme://host[:port]) is one of ALLOWED_HOSTS or CSRF_TRUSTED_ORIGINS."""
    parsed = urlparse(origin)
    if not parsed.scheme or not parsed.hostname:
        return False
    if origin.rstrip("/") in [o.rstrip("/") for o in settings.CSRF_TRUSTED_ORIGINS]:
        return True
    allowed = list(settings.ALLOWED_HOSTS)
    if settings.DEBUG and not allowed:
        allowed = ["localhost", "127.0.0.1", "[::1]"]
    return validate_host(parsed.hostname, allowed)


@database_sync_to_async
def _user_from_jwt(raw: str):
    from rest_framework.exceptions import AuthenticationFailed
    from rest_framework.settings import api_settings
    from rest_framework_simplejwt.authentication import JWTAuthentication
    from rest_framework_simplejwt.exceptions import InvalidToken, TokenError

    # The same Bearer check as REST's: the JWT class among DRF's DEFAULT_AUTHENTICATION_CLASSES (Slate's refuses a
    # signed-out device's token: apps/accounts/authentication.py, a layer above this one, so named by the setting).
    auth = next((cls for cls in api_settings.DEFAULT_AUTHENTICATION_CLASSES if issubclass(cls, JWTAuthentication)), JWTAuthentication)()
    try:
        token = auth.get_validated_token(raw.encode("latin1"))
        user = auth.get_user(token)
    except (InvalidToken, TokenError, AuthenticationFailed):
        return AnonymousUser(), None
    return (user, dict(token.payload)) if user.is_active else (AnonymousUser(), None)


class SlateAuthMiddleware:
    """Sets `scope["user"]` from a Bearer JWT, else from the session when the Origin is ours.

    Also sets `scope["origin_rejected"] = True` when an Origin header is present but not ours;
    the consumer then closes with 4403.
    """

    def __init__(self, inner):
        self.inner = inner
        self.session_auth = CookieMiddleware(SessionMiddleware(AuthMiddleware(inner)))

    async def __call__(self, scope, receive, send):
        scope = dict(scope)
        origin = _header(scope, b"origin")
        authorization = _header(scope, b"authorization") or ""
        scope["origin_rejected"] = origin is not None and not origin_allowed(origin)
        if authorization.lower().startswith("bearer "):
            # The token's claims (`iat`, `device`) say which sign-in a later sign-out ends (apps.realtime.signouts).
            scope["user"], scope["jwt_payload"] = await _user_from_jwt(authorization[7:].strip())
            return await self.inner(scope, receive, send)
        if origin is None or scope["origin_rejected"]:
            scope["user"] = AnonymousUser()
            return await self.inner(scope, receive, send)
        return await self.session_auth(scope, receive, send)

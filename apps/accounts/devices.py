"""Signed-in devices: one `SignedInDevice` per browser session sign-in and per JWT refresh token, their "last seen",
signing one out, and signing out everywhere.

- A session sign-in (`django.contrib.auth.login`, whose `user_logged_in` signal `device_session_signed_in` listens to)
  gets a row keyed by the session key; the session keeps the row's id (`SESSION_DEVICE_KEY`), so a session whose key
  is cycled (a password change) is followed.
- A JWT pair (`/api/auth/token/`) gets a row keyed by the refresh token's `jti`; the refresh token and the access
  tokens made from it carry the row's id in the `device` claim. A refresh token whose `jti` has no row is refused
  (apps.accounts.account_api.CurrentRefreshSerializer): deleting the row revokes it, no blacklist app needed.
- "Last seen" is written at most once a minute per device and web process (`SEEN_EVERY_S`): `DeviceSeenMiddleware`
  remembers the last write in the process's memory (never Redis: no request waits on it) and only then runs one UPDATE.
- Signing out everywhere reuses what a password change does (apps/accounts/passwords.py): it raises
  `User.session_epoch`, which changes the hash every session stores, so every other session ends — also one made
  before this module existed — and sets `User.tokens_valid_after`, which refuses every refresh token issued before.
  The caller's own session is kept (`update_session_auth_hash`), and a JWT caller gets a fresh pair.

An access token already issued to a signed-out device, or before "sign out everywhere", is refused at once too
(`access_token_current`, checked by `apps.accounts.authentication.DeviceJWTAuthentication` for REST and for a
WebSocket's Bearer token), as is its refresh token. WebSockets opened with an ended sign-in — a
signed-out device's, every other one after "sign out everywhere" or a password change or reset — are closed at once
with 4401 (`apps.realtime.signouts`): the caller's own browser socket stays, a JWT caller's reconnects with its new token.
"""
from __future__ import annotations

import collections
import logging
import re
import threading
import time
from datetime import timedelta

from django.contrib.auth import SESSION_KEY, update_session_auth_hash
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone
from django.utils.module_loading import import_string
from rest_framework_simplejwt.tokens import RefreshToken

from apps.accounts.models import DeviceKind, SignedInDevice, User
from apps.audit.services import AuditAction, audit_record
from apps.core.errors import ApplicationError
from apps.realtime.signouts import sockets_sign_out

log = logging.getLogger(__name__)
SESSION_DEVICE_KEY = "slate_device"
DEVICE_CLAIM = "device"
SEEN_EVERY_S = 60


def client_ip(request) -> str | None:
    """The address the request came from (`REMOTE_ADDR`: behind the proxy, daphne's `--proxy-headers` sets it from
    X-Forwarded-For), or None."""
    return (request.META.get("REMOTE_ADDR") or None) if request is not None else None


_BROWSERS = [  # order matters: Edge and Opera say "Chrome" too, Chrome says "Safari"
    ("Edge", r"Edg(?:e|A|iOS)?/"), ("Opera", r"OPR/|Opera"), ("Samsung Internet", r"SamsungBrowser/"),
    ("Firefox", r"Firefox/|FxiOS/"), ("Chrome", r"Chrome/|CriOS/"), ("Safari", r"Safari/"),
]
_SYSTEMS = [
    ("Android", r"Android"), ("iPhone", r"iPhone"), ("iPad", r"iPad"), ("ChromeOS", r"CrOS"),
    ("Windows", r"Windows"), ("macOS", r"Mac OS X|Macintosh"), ("Linux", r"Linux"),
]


def device_label(user_agent: str) -> str:
    """A person's summary of a User-Agent header: 'Chrome on Android', 'Safari on iPhone', 'Firefox on Windows',
    'python-requests' (a client's product token), or 'Unknown device'. Read from the tokens browsers send (MDN,
    "User-Agent header": browser name and version, platform in parentheses)."""
    ua = user_agent or ""
    browser = next((name for name, pattern in _BROWSERS if re.search(pattern, ua)), None)
    system = next((name for name, pattern in _SYSTEMS if re.search(pattern, ua)), None)
    if browser and system:
        return f"{browser} on {system}"
    if browser or system:
        return browser or system
    product = re.match(r"[\w.-]+", ua)
    return product[0] if product else "Unknown device"


class _SeenNotes:
    """This process's notes of when it last wrote each device's "last seen", with the session key (or "jwt") it
    wrote: `{device id: (key, time.monotonic())}`, the oldest forgotten past MAX entries.

    Kept in memory, not in Redis: the note is asked for on every API request, and a paused or restarting Redis
    must not hold a write up (tests/e2e/test_chaos.py pauses it). Each web process keeps its own, so a device
    seen by N processes gets at most N writes a minute; a note of a signed-out device only spares a write."""

    MAX = 50_000

    def __init__(self):
        self.lock = threading.Lock()
        self.notes: collections.OrderedDict[int, tuple[str, float]] = collections.OrderedDict()

    def remember(self, device_id: int, key: str | None) -> None:
        with self.lock:
            self.notes.pop(device_id, None)
            if key is not None:
                self.notes[device_id] = (key, time.monotonic())
                while len(self.notes) > self.MAX:
                    self.notes.popitem(last=False)

    def recent(self, device_id: int) -> str | None:
        """The key written for `device_id` within SEEN_EVERY_S, or None."""
        with self.lock:
            note = self.notes.get(device_id)
        if note is None or time.monotonic() - note[1] >= SEEN_EVERY_S:
            return None
        return note[0]


_seen_notes = _SeenNotes()


def _remember_seen(device_id: int, key: str | None) -> None:
    """Note that `device_id` was written now with its session key (`key`), or forget it (None)."""
    _seen_notes.remember(device_id, key)


def _remembered_seen(device_id: int) -> str | None:
    return _seen_notes.recent(device_id)


@receiver(user_logged_in, dispatch_uid="apps.accounts.devices.session_signed_in")
def device_session_signed_in(sender, request, user, **kwargs) -> None:
    """Record a browser session sign-in (Django's `user_logged_in`, after `login()` cycled the session key)."""
    session = getattr(request, "session", None)
    if session is None:
        return
    if not session.session_key:
        session.save()
    now = timezone.now()
    device = SignedInDevice.objects.create(
        user=user, kind=DeviceKind.SESSION, session_key=session.session_key, ip=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT") or "")[:400], last_seen_at=now,
    )
    session[SESSION_DEVICE_KEY] = device.pk
    _remember_seen(device.pk, session.session_key)


def device_jwt_issue(*, user: User, request, device: SignedInDevice | None = None) -> RefreshToken:
    """A new refresh token for `user` (its access token: `.access_token`) recorded as a signed-in device, or as
    `device` again (a pair renewed after a password change) with the new token's `jti`."""
    refresh = RefreshToken.for_user(user)
    now = timezone.now()
    if device is None:
        device = SignedInDevice.objects.create(
            user=user, kind=DeviceKind.JWT, jti=refresh["jti"], ip=client_ip(request),
            user_agent=(request.META.get("HTTP_USER_AGENT") or "")[:400] if request is not None else "", last_seen_at=now,
        )
    else:
        SignedInDevice.objects.filter(pk=device.pk).update(jti=refresh["jti"], last_seen_at=now)
    refresh[DEVICE_CLAIM] = device.pk
    _remember_seen(device.pk, refresh["jti"])
    return refresh


def jwt_pair_signed_in(data: dict, *, user: User, request) -> dict:
    """simplejwt's `{"access", "refresh"}` answer replaced by a pair recorded as a signed-in device (a one-line hook
    at the end of the token serializer's `validate`)."""
    refresh = device_jwt_issue(user=user, request=request)
    return {**data, "refresh": str(refresh), "access": str(refresh.access_token)}


def current_device_id(request) -> int | None:
    """The id of the device `request` is signed in with: the `device` claim of its JWT, else its session's device."""
    token = getattr(request, "auth", None)
    if token is not None and hasattr(token, "payload"):
        return token.payload.get(DEVICE_CLAIM)
    session = getattr(request, "session", None)
    return session.get(SESSION_DEVICE_KEY) if session is not None else None


def device_list(*, user: User):
    """`user`'s signed-in devices, the most recently seen first: sessions seen within SESSION_COOKIE_AGE and refresh
    tokens younger than SIMPLE_JWT's REFRESH_TOKEN_LIFETIME (older ones have expired by themselves)."""
    from django.conf import settings
    from rest_framework_simplejwt.settings import api_settings as jwt_settings

    now = timezone.now()
    sessions = Q(kind=DeviceKind.SESSION, last_seen_at__gte=now - timedelta(seconds=settings.SESSION_COOKIE_AGE))
    tokens = Q(kind=DeviceKind.JWT, created_at__gte=now - jwt_settings.REFRESH_TOKEN_LIFETIME)
    return SignedInDevice.objects.filter(sessions | tokens, user=user)


@receiver(user_logged_out, dispatch_uid="apps.accounts.devices.session_signed_out")
def device_session_signed_out(sender, request, user, **kwargs) -> None:
    """Forget the device of a session that signs out (Django's `user_logged_out`, before the session is flushed)."""
    session = getattr(request, "session", None)
    device_id = session.get(SESSION_DEVICE_KEY) if session is not None else None
    if device_id is not None:
        SignedInDevice.objects.filter(pk=device_id).delete()
        _remember_seen(device_id, None)


def _session_store(session_key: str) -> SessionBase:
    from django.conf import settings

    return import_string(f"{settings.SESSION_ENGINE}.SessionStore")(session_key)


def _end(devices) -> int:
    """Delete `devices` and the sessions they stand for; their refresh tokens are refused from now on."""
    devices = list(devices)
    for device in devices:
        if device.session_key:
            _session_store(device.session_key).delete()
        _remember_seen(device.pk, None)
    for user_id in {device.user_id for device in devices}:
        mine = [device for device in devices if device.user_id == user_id]
        sockets_sign_out(user_id=user_id, session_keys=[d.session_key for d in mine if d.session_key], devices=[d.pk for d in mine])
    SignedInDevice.objects.filter(pk__in=[d.pk for d in devices]).delete()
    return len(devices)


def sockets_close_others(*, user: User, request, keep_caller: bool = True) -> None:
    """Close `user`'s WebSockets opened before now with any sign-in but the caller's browser session (kept when
    `keep_caller`): what a password change, a reset or "sign out everywhere" ends. Call it before the caller's session
    key is cycled (`update_session_auth_hash`)."""
    session = getattr(request, "session", None)
    keep = session.session_key if keep_caller and session is not None and session.get(SESSION_KEY) else None
    sockets_sign_out(user_id=user.pk, others=True, keep_session_key=keep, tokens_issued_before=time.time())


def devices_forget(*, user: User, keep_id: int | None = None) -> int:
    """Delete `user`'s device rows (but `keep_id`) after something else already revoked them, e.g. a changed password;
    their sessions are deleted too. Returns how many."""
    return _end(SignedInDevice.objects.filter(user=user).exclude(pk=keep_id))


@transaction.atomic
def device_sign_out(*, user: User, device_id: int) -> None:
    """Sign out one of `user`'s devices: its session is deleted (the cookie stops working) or its refresh token is
    refused. Raises `ApplicationError` 404 `not_found` for a device that is not `user`'s (or is gone)."""
    devices = SignedInDevice.objects.filter(user=user, pk=device_id)
    if not _end(devices):
        raise ApplicationError("No such signed-in device.", code="not_found", status=404)
    audit_record(action=AuditAction.SIGN_OUT, actor=user, target_user=user, detail={"device": device_id})


@transaction.atomic
def user_sign_out_everywhere(*, user: User, request, include_this_device: bool = False) -> RefreshToken | None:
    """End every session and refresh token of `user` but the caller's own (all of them with `include_this_device`).

    Every other session ends (`User.session_epoch`), listed or not; every refresh token issued before now is refused
    (`User.tokens_valid_after`). The caller's session is kept with `update_session_auth_hash`; a JWT caller gets a
    new refresh token (returned; its access token: `.access_token`) on the same device. Returns None otherwise.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    this_id = None if include_this_device else current_device_id(request)
    sockets_close_others(user=user, request=request, keep_caller=not include_this_device)
    user.session_epoch += 1
    user.tokens_valid_after = timezone.now()
    user.save(update_fields=["session_epoch", "tokens_valid_after"])
    _end(SignedInDevice.objects.filter(user=user).exclude(pk=this_id))
    audit_record(action=AuditAction.SIGN_OUT, actor=user, target_user=user, request=request, detail={"everywhere": True})
    if include_this_device:
        if getattr(request, "session", None) is not None:
            request.session.flush()
        return None
    token = getattr(request, "auth", None)
    if token is not None and hasattr(token, "payload"):
        # The token's `iat` is whole seconds: one issued in this same second must still pass `tokens_valid_after`.
        User.objects.filter(pk=user.pk).update(tokens_valid_after=user.tokens_valid_after - timedelta(seconds=1))
        device = SignedInDevice.objects.filter(pk=this_id, user=user).first()
        return device_jwt_issue(user=user, request=request, device=device)
    if getattr(request, "session", None) is not None and request.session.get(SESSION_KEY):
        update_session_auth_hash(request, user)
    return None


def _issued_after_sign_out_everywhere(user: User, payload: dict) -> bool:
    """Whether a token's `iat` (whole seconds, RFC 7519 4.1.6) is not before `User.tokens_valid_after`."""
    valid_after = user.tokens_valid_after
    return valid_after is None or payload.get("iat", 0) >= valid_after.timestamp()


def refresh_token_current(*, user: User, payload: dict) -> bool:
    """Whether a refresh token (its decoded `payload`) is still alive: issued after the last "sign out everywhere",
    and, when it names a device, that device is still signed in with this very token (`jti`)."""
    if not _issued_after_sign_out_everywhere(user, payload):
        return False
    if DEVICE_CLAIM in payload:
        alive = SignedInDevice.objects.filter(pk=payload[DEVICE_CLAIM], user=user, jti=payload.get("jti")).exists()
        if alive:
            SignedInDevice.objects.filter(pk=payload[DEVICE_CLAIM]).update(last_seen_at=timezone.now())
        return alive
    return True


def access_token_current(*, user: User, payload: dict) -> bool:
    """Whether an access token (its decoded `payload`) belongs to a sign-in that is still alive: issued after the last
    "sign out everywhere" (`User.tokens_valid_after`, compared with the token's `iat` in whole seconds, RFC 7519 4.1.6),
    and, when it names a device (`DEVICE_CLAIM`), that device is still signed in. A refreshed pair keeps its device, so
    the access tokens made from an earlier refresh token of a device still signed in stay valid until they expire.
    At most one query (the device's primary key)."""
    if not _issued_after_sign_out_everywhere(user, payload):
        return False
    if DEVICE_CLAIM in payload:
        return SignedInDevice.objects.filter(pk=payload[DEVICE_CLAIM], user=user).exists()
    return True


class DeviceSeenMiddleware:
    """Keeps each signed-in device's `last_seen_at` (at most one write a minute per device) and follows a session
    whose key changed; gives a session signed in before devices were recorded a row on its first API request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/") and 200 <= response.status_code < 500:
            try:
                self._seen(request)
            except Exception:  # noqa: BLE001 — "last seen" must never turn an answer into an error
                log.exception("could not record a device as seen")
        return response

    def _seen(self, request) -> None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return
        token = getattr(request, "auth", None)
        if token is not None and hasattr(token, "payload"):
            device_id, key = token.payload.get(DEVICE_CLAIM), None
            if device_id is None:
                return
        else:
            session = getattr(request, "session", None)
            if session is None or not session.session_key or session.get(SESSION_KEY) is None:
                return
            device_id, key = session.get(SESSION_DEVICE_KEY), session.session_key
            if device_id is None:
                device_session_signed_in(None, request, user)
                return
        remembered = _remembered_seen(device_id)
        if remembered is not None and (key is None or remembered == key):
            return
        fields = {"last_seen_at": timezone.now()}
        if key is not None:
            fields["session_key"] = key
        SignedInDevice.objects.filter(pk=device_id, user=user).update(**fields)
        _remember_seen(device_id, key or "jwt")

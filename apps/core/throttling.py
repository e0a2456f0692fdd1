"""Rate limits shared by every web process: DRF's throttles count in Django's cache, which is Redis (settings.CACHES).

Sign-in (issue 18) is limited per address (`AddressThrottle`) and per account (`AccountLockout`, failures only).
"""
from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.dispatch import Signal

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rest_framework import exceptions, throttling

log = logging.getLogger(__name__)

# Sent when a sign-in is refused with 429: `request` (DRF's), `reason` ("address" or "account"), `key` (what was
# counted: the address, or the login's digest). The audit log records it (apps.audit.receivers).
sign_in_refused = Signal()


class ScopedRateThrottle(throttling.ScopedRateThrottle):
    """DRF's scoped throttle (`throttle_scope`, rates in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]), counted in
    Redis so that N web processes allow the rate once, not N times.

    While Redis does not answer (within the cache's socket timeouts) the request is let through and a
    warning logged: signing in keeps working through a Redis restart, unthrottled for those seconds.
    """

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except (RedisConnectionError, RedisTimeoutError) as exc:
            log.warning("rate limit %r not checked, Redis did not answer: %s", self.scope, exc)
            return True


class AddressThrottle(ScopedRateThrottle):
    """The `auth` scope per address (`throttle_scope = "auth"`): every sign-in, token, registration and verification
    request from one client address counts (DRF's `get_ident`: REMOTE_ADDR, or X-Forwarded-For behind
    NUM_PROXIES). Past the rate: 429 `throttled`, "Too many attempts … from this address…", with Retry-After."""

    def allow_request(self, request, view):
        """True under the rate; raises `Throttled` (429, message and Retry-After in seconds) past it."""
        if super().allow_request(request, view):
            return True
        log.warning("sign-in throttled: too many requests from address %s to %s", self.get_ident(request), request.path)
        sign_in_refused.send(sender=type(self), request=request, reason="address", key=self.get_ident(request))
        raise exceptions.Throttled(self.wait(), detail="Too many attempts to sign in or register from this address. Try again later.")


class AccountLockout(throttling.SimpleRateThrottle):
    """Per account: past SLATE_SIGNIN_LOCKOUT failed sign-ins ("10/hour": DRF's rate format) for one login, every
    further attempt for that login, right password or not, is refused with 429 `signin_locked` until the oldest
    failure in the window is older than the window (Retry-After says when), from any address.

    Failures are counted by `record_failed_sign_in`, which hears Django's `user_login_failed` signal (connected in
    apps.core.apps) (sent by
    `django.contrib.auth.authenticate` for the session sign-in and for simplejwt's token pair alike); a successful
    session sign-in clears the account's count (`clear_failed_sign_ins`). The login is the request's `login` or
    `username` field, trimmed and lower-cased (the username and the email address of one account are two counts).
    While Redis does not answer the attempt is let through, as `ScopedRateThrottle` does.
    """

    scope = "signin_account"

    def get_rate(self) -> str:
        return settings.SLATE_SIGNIN_LOCKOUT

    def get_cache_key(self, request, view) -> str | None:
        data = request.data if isinstance(request.data, dict) else {}
        return failures_key(data.get("login") or data.get("username"))

    def allow_request(self, request, view):
        """True while the login has fewer failures than the rate in the window; raises `Throttled` (429
        `signin_locked`) otherwise. Checking counts nothing: only failures do."""
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        try:
            self.history = self.cache.get(self.key, [])
        except (RedisConnectionError, RedisTimeoutError) as exc:
            log.warning("sign-in lockout not checked, Redis did not answer: %s", exc)
            return True
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        if len(self.history) < self.num_requests:
            return True
        log.warning("sign-in refused: account %s locked after %d failed sign-ins", self.key, len(self.history))
        sign_in_refused.send(sender=type(self), request=request, reason="account", key=self.key)
        raise exceptions.Throttled(self.wait(), code="signin_locked", detail=(
            "Too many failed sign-ins for this account: it is locked for a while. "
            "Try again later or reset your password."))


def failures_key(login: object) -> str | None:
    """The cache key of one login's failed sign-ins (a digest: no address or name in Redis), None without a login."""
    if not isinstance(login, str) or not login.strip():
        return None
    return "throttle_signin_account_" + hashlib.sha256(login.strip().lower().encode()).hexdigest()[:32]


def record_failed_sign_in(sender, credentials: dict, request=None, **kwargs) -> None:
    """Count one failed sign-in for `credentials["username"]` (the login as given to `authenticate`) in its window."""
    key = failures_key(credentials.get("username"))
    if key is None:
        return
    lockout = AccountLockout()
    try:
        now = lockout.timer()
        history = [t for t in lockout.cache.get(key, []) if t > now - lockout.duration]
        lockout.cache.set(key, [now, *history], lockout.duration)
    except (RedisConnectionError, RedisTimeoutError) as exc:
        log.warning("failed sign-in not counted, Redis did not answer: %s", exc)
        return
    log.warning("failed sign-in for account %s from %s", key, request.META.get("REMOTE_ADDR") if request else None)


def clear_failed_sign_ins(sender, user, request=None, **kwargs) -> None:
    """A session sign-in that succeeded forgets the account's failures (its username's and its email's)."""
    keys = [key for key in (failures_key(user.get_username()), failures_key(getattr(user, "email", ""))) if key]
    try:
        AccountLockout.cache.delete_many(keys)
    except (RedisConnectionError, RedisTimeoutError) as exc:
        log.warning("failed sign-ins not cleared, Redis did not answer: %s", exc)

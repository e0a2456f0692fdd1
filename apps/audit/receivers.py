"""Receivers that write sign-in entries: Django's auth signals (the session sign-in, sign-out, and every
`authenticate` that fails — the session and the JWT pair alike) and the sign-in throttles' refusals
(`apps.core.throttling.sign_in_refused`)."""
from __future__ import annotations

import hashlib
import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.cache import cache

from apps.audit.models import AuditAction
from apps.audit.services import LOGIN_MAX, audit_record

log = logging.getLogger(__name__)

# A flood of refused attempts is recorded once per address (or account) and minute, not once per request.
REFUSED_QUIET_S = 60


def connect() -> None:
    """Connect the receivers (called once from `AuditConfig.ready`)."""
    from apps.core.throttling import sign_in_refused

    user_logged_in.connect(signed_in, dispatch_uid="audit.signed_in")
    user_logged_out.connect(signed_out, dispatch_uid="audit.signed_out")
    user_login_failed.connect(sign_in_failed, dispatch_uid="audit.sign_in_failed")
    sign_in_refused.connect(sign_in_throttled, dispatch_uid="audit.sign_in_throttled")


def signed_in(sender, request, user, **kwargs) -> None:
    """A session sign-in (`django.contrib.auth.login`)."""
    audit_record(action=AuditAction.SIGN_IN, actor=user, target_user=user, request=request, detail={"method": "session"})


def signed_out(sender, request, user, **kwargs) -> None:
    """A sign-out (`django.contrib.auth.logout`); nothing when nobody was signed in."""
    if user is not None:
        audit_record(action=AuditAction.SIGN_OUT, actor=user, target_user=user, request=request)


def sign_in_failed(sender, credentials: dict, request=None, **kwargs) -> None:
    """A failed `authenticate`: the login typed (Django has already masked the password) and the account it names."""
    login = credentials.get("username")
    audit_record(action=AuditAction.SIGN_IN_FAILED, login=login or "", target_user=account_for_login(login), request=request)


def sign_in_throttled(sender, request, reason: str, key: str, **kwargs) -> None:
    """A sign-in refused with 429 (`reason` "address" or "account"; `key` what was counted), once per key a minute."""
    try:
        first = cache.add(f"audit-refused:{reason}:{hashlib.sha256(key.encode()).hexdigest()[:32]}", 1, REFUSED_QUIET_S)
    except Exception:  # noqa: BLE001 — Redis away: record every refusal rather than none
        log.warning("audit: the refused sign-in's quiet period could not be checked", exc_info=True)
        first = True
    if not first:
        return
    try:
        data = request.data if isinstance(request.data, dict) else {}
    except Exception:  # noqa: BLE001 — an unreadable body is answered by the view (400); here it names no login
        data = {}
    login = data.get("login") or data.get("username")
    login = login if isinstance(login, str) else ""
    audit_record(action=AuditAction.SIGN_IN_THROTTLED, login=login, target_user=account_for_login(login), request=request,
                 detail={"reason": reason, "path": request.path[:200], "quiet_s": REFUSED_QUIET_S})


def account_for_login(login) -> int | None:
    """The id of the account a typed login names (its username, or its email address case-insensitively), or None."""
    if not isinstance(login, str) or not login.strip() or len(login) > LOGIN_MAX:
        return None
    login = login.strip()
    users = get_user_model().objects
    found = users.filter(email__iexact=login).values_list("pk", flat=True).first() if "@" in login else None
    return found or users.filter(username=login).values_list("pk", flat=True).first()

"""Writes of the audit log: `audit_record` (one call at each place that does something worth recording) and the
retention prune."""
from __future__ import annotations

import ipaddress
import json
import logging
import re
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.audit.context import current_request
from apps.audit.models import AuditAction, AuditEntry

log = logging.getLogger(__name__)

LOGIN_MAX = 150
USER_AGENT_MAX = 256
DETAIL_MAX_CHARS = 1000
# Keys of `detail` never stored, whatever a caller passes: passwords, tokens, one-time and recovery codes.
_SECRET_KEY = re.compile(r"pass|token|secret|code|otp|key", re.IGNORECASE)


def audit_record(*, action: AuditAction | str, actor=None, production=None, target_user=None, login: str = "",
                 detail: dict | None = None, request=None) -> AuditEntry | None:
    """Write one audit entry and return it; None when it could not be written.

    `actor`: the user who did it (an anonymous user or None: nobody signed in, e.g. a failed sign-in).
    `production`, `target_user`: a model instance or its id, or None. `login`: the login typed for a failed or
    refused sign-in (trimmed, cut to 150 characters). `detail`: a small JSON object (what changed, which export);
    keys that look like secrets (password, token, code, otp, key, secret) are dropped and past 1,000 characters of
    JSON it is replaced by `{"truncated": true}`. `request` (Django's or DRF's): where from — REMOTE_ADDR, which the
    ASGI server has already set from X-Forwarded-For of a trusted proxy (SLATE_FORWARDED_ALLOW_IPS), and the
    User-Agent cut to 256 characters; by default the request being served (`apps.audit.context`).

    Never raises into the caller: the entry is written in a savepoint of the caller's transaction (so it is rolled
    back with the change it records), and any failure is logged with its traceback and swallowed — a sign-in or a
    download must not fail because its audit line could not be written.
    """
    try:
        request = request if request is not None else current_request.get()
        meta = getattr(request, "META", {}) if request is not None else {}
        with transaction.atomic():
            return AuditEntry.objects.create(
                action=AuditAction(action),
                actor_id=actor.pk if getattr(actor, "is_authenticated", False) else None,
                production_id=getattr(production, "pk", production),
                target_user_id=getattr(target_user, "pk", target_user),
                login=(login or "").strip()[:LOGIN_MAX] if isinstance(login, str) else "",
                detail=_safe_detail(detail),
                ip_address=_address(meta.get("REMOTE_ADDR")),
                user_agent=str(meta.get("HTTP_USER_AGENT", ""))[:USER_AGENT_MAX],
            )
    except Exception:  # noqa: BLE001 — the audit never breaks the request it records (see the docstring); logged
        log.exception("audit entry %r not written", action)
        return None


def _safe_detail(detail: dict | None) -> dict:
    clean = {str(key): value for key, value in (detail or {}).items() if not _SECRET_KEY.search(str(key))}
    if len(json.dumps(clean, default=str)) > DETAIL_MAX_CHARS:
        return {"truncated": True}
    return json.loads(json.dumps(clean, default=str))


def _address(value) -> str | None:
    try:
        return str(ipaddress.ip_address(str(value).strip()))
    except ValueError:
        return None


def audit_export(request, response, *, production, export: str, **detail) -> None:
    """Record that `request.user` downloaded `export` (a short name: "contacts_csv", "call_sheet_pdf",
    "script_pdf"…) of `production`, when `response` is the file (status 200; a 202 "being made" is not a download).
    `detail`: what else identifies the file (a version, a revision)."""
    if getattr(response, "status_code", None) == 200:
        audit_record(action=AuditAction.EXPORT, actor=request.user, production=production, request=request,
                     detail={"export": export, **detail})


def audit_prune(*, older_than_days: int | None = None) -> int:
    """Delete the entries older than `older_than_days` (default SLATE_AUDIT_RETENTION_DAYS); answers how many."""
    days = settings.SLATE_AUDIT_RETENTION_DAYS if older_than_days is None else older_than_days
    deleted, _ = AuditEntry.objects.filter(at__lt=timezone.now() - timedelta(days=days)).delete()
    return deleted

"""Closing the WebSockets of sign-ins that just ended: a signed-out device, "sign out everywhere", a changed password.

Ending a sign-in deletes its session or refuses its refresh token (apps.accounts.devices), but a socket opened before
stays open: it was authenticated once, at its handshake. `sockets_sign_out` tells every socket of the user, through
their own group (`user.<id>`), which sign-ins ended; each socket checks whether it is one of them
(`signed_out_by`) and closes with 4401, as a socket that never had a sign-in does. The browser app then finds it is
signed out. Session keys never travel: only their SHA-256 digests (`session_digest`).
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.db import transaction

SIGN_OUT_EVENT = "session.ended"


def session_digest(session_key: str | None) -> str | None:
    """The hex SHA-256 of a session key (what a sign-out message names), None for none."""
    return hashlib.sha256(session_key.encode()).hexdigest() if session_key else None


def sockets_sign_out(*, user_id: int, session_keys: Iterable[str] = (), devices: Iterable[int] = (), others: bool = False,
                     keep_session_key: str | None = None, tokens_issued_before: float | None = None) -> None:
    """Close `user_id`'s sockets whose sign-in ended, once the current transaction commits (at once outside one).

    A session socket closes when its session is among `session_keys`, or when `others` is set and it is not
    `keep_session_key`'s (None: every session socket). A JWT socket closes when its access token's `device` claim is
    among `devices`, or when the token was issued (`iat`, Unix seconds) before `tokens_issued_before`. Never raises
    when Redis is unreachable (logged, as every send); the message is sent again while Redis fails, for
    SLATE_LIVE_RETRY_S, as a stored event is (no table keeps it for the sockets to catch up from).
    """
    from apps.realtime import sender
    from apps.realtime.services import user_group

    message = {"type": "event.message", "event_type": SIGN_OUT_EVENT, "id": None, "production": None, "sign_out": {
        "sessions": [session_digest(key) for key in session_keys if key], "devices": [int(d) for d in devices],
        "others": bool(others), "keep": session_digest(keep_session_key), "tokens_before": tokens_issued_before}}
    transaction.on_commit(lambda: sender.group_send(user_group(user_id), message, durable=True))


def signed_out_by(ended: dict, *, session_key: str | None, jwt_payload: dict | None) -> bool:
    """Whether a socket authenticated by `session_key` (a browser) or by an access token's `jwt_payload` is one of the
    sign-ins a `sockets_sign_out` message (`ended`, its "sign_out") ended."""
    if jwt_payload is not None:
        before = ended.get("tokens_before")
        return jwt_payload.get("device") in ended.get("devices", []) or (before is not None and jwt_payload.get("iat", 0) < before)
    digest = session_digest(session_key)
    if digest is None:
        return False
    return digest in ended.get("sessions", []) or (ended.get("others", False) and digest != ended.get("keep"))

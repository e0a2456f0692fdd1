"""Idempotency-Key: a write under `/api/` sent with the header runs at most once per user and key, and every
repeat gets the first answer.

The rules are those of the IETF draft "The Idempotency-Key HTTP Header Field" (draft-ietf-httpapi-idempotency-key-header,
https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/; sections as numbered in -06 and -07):

- The key (section 2.1) is an RFC 8941 sf-string, `Idempotency-Key: "8e03978e-…"`; a bare token is taken as
  well, as most clients send one. Slate takes 1–255 printable ASCII characters (0x20–0x7E) once unquoted;
  anything else is 400 `invalid_idempotency_key` (the draft's Security Considerations: validate the key).
- Keys are scoped to the user (the draft's "composite key"): another user's identical key is another key.
- The fingerprint (section 2.4) is the SHA-256 of the method, the full path with its query and the body
  (a JSON body canonicalised: key order and spacing do not count). Bodies that are not read whole here —
  multipart forms (uploads, streamed to disk later), bodies over 1 MiB, chunked ones — count by their media
  type and declared length only. A key reused for another request is 422 `idempotency_key_reused` (2.7).
- A repeat after the first request finished gets its answer again (2.6): the same status, body bytes,
  Content-Type, Location and other headers the view set, plus `Idempotent-Replayed: true`. The view does not
  run, so nothing is written and no event is published again. Kept: every answer but 5xx, 429, 401 and 403
  (the draft leaves those to the server, 2.7): after them nothing was done and the same request may succeed
  later (once the server is back, the rate allows it, the token or CSRF cookie is fresh), so the record is
  deleted and a repeat runs. Streaming answers (files) are not kept either.
- A repeat while the first still runs (2.6, "concurrent request") waits for it, polling the row, up to
  SLATE_IDEMPOTENCY_WAIT_S, then gets its answer; still running then, 409 `idempotency_in_progress` with
  `Retry-After: 1` (2.7). Waiting happens in the request's own thread (Django runs sync middleware in one
  thread per request under ASGI) with the database connection handed back between polls.
- Expiry (2.3): answers are kept SLATE_IDEMPOTENCY_KEEP_S (a day at least) after they were stored;
  `tasks.idempotency_records_cleanup` deletes older ones hourly, and an older one is never replayed.

A process that dies while running a request leaves its row `in_progress`. After SLATE_IDEMPOTENCY_STALE_S
a repeat takes the row over and runs the request again. The trade-off: if the dead process had committed
its write, that write happens twice; never taking over would leave the key refused (409) for a day and the
client no better off with a new key. A crash mid-request is rare; a write lost by a client that gave up is not.

Not covered: safe methods, anonymous requests (sign-in, registration: DRF decides who they are), and tus
chunks (`PATCH` with `Tus-Resumable`, X-HTTP-Method-Override included): they carry their own
`Upload-Offset`, which makes a repeated chunk harmless, and may be 64 MiB.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone

from apps.core.models import IdempotencyRecord, IdempotencyState

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_KEY_LENGTH = 255
HASHED_BODY_MAX_BYTES = 1024 * 1024
NOT_KEPT_STATUSES = frozenset({401, 403, 429})
# Headers not kept with an answer: computed again for each answer, or not the view's (cookies are not headers here).
UNKEPT_HEADERS = frozenset({"content-length", "date", "server", "x-request-id", REPLAYED_HEADER.lower()})
_PRINTABLE = re.compile(r"[\x20-\x7e]{1,%d}" % MAX_KEY_LENGTH)
_SF_STRING = re.compile(r'"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"')  # RFC 8941 section 3.3.3
_POLL_FIRST_S, _POLL_MAX_S = 0.05, 0.5


def clean_key(raw: str) -> str | None:
    """The key an `Idempotency-Key` header value names, or None when it is not one Slate takes.

    An RFC 8941 sf-string (`"abc"`, escapes `\\"` and `\\\\`) is unquoted; any other value is taken as it is.
    The result must be 1–255 characters from 0x20 to 0x7E.
    """
    value = raw.strip()
    quoted = _SF_STRING.fullmatch(value)
    if quoted:
        value = re.sub(r'\\(["\\])', r"\1", quoted.group(1))
    return value if _PRINTABLE.fullmatch(value) else None


def request_fingerprint(request) -> str:
    """SHA-256 (64 hex digits) of what makes two requests the same: method, full path and query, body.

    A JSON body is canonicalised (sorted keys, no spaces) when it parses. A multipart body, a body over
    1 MiB (or over DATA_UPLOAD_MAX_MEMORY_SIZE) and a body of undeclared length are not read: their media
    type and declared length stand for them.
    """
    digest = hashlib.sha256()
    for part in (request.method, request.get_full_path(), (request.content_type or "").lower()):
        digest.update(part.encode("utf-8", "replace") + b"\n")
    length = _declared_length(request)
    limit = min(HASHED_BODY_MAX_BYTES, settings.DATA_UPLOAD_MAX_MEMORY_SIZE or HASHED_BODY_MAX_BYTES)
    if length is None or length > limit or (request.content_type or "").startswith("multipart/"):
        digest.update(f"unread body of {length if length is not None else 'undeclared'} bytes".encode())
    else:
        digest.update(_canonical_body(request.content_type, request.body))
    return digest.hexdigest()


def _declared_length(request) -> int | None:
    raw = request.META.get("CONTENT_LENGTH")
    if raw in (None, ""):
        return None if request.META.get("HTTP_TRANSFER_ENCODING") else 0
    return int(raw) if str(raw).isdigit() else None


def _canonical_body(content_type: str | None, body: bytes) -> bytes:
    if content_type == "application/json" and body:
        try:
            return json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
        except (ValueError, RecursionError):  # not JSON, or nested deeper than Python's parser goes: the bytes as sent
            pass
    return body


def request_user(request):
    """The signed-in user the API will see for this request, or None for an anonymous one.

    DRF authenticates inside the view (JWT first, then the session), after the middlewares: a Bearer token is
    checked here the same way (simplejwt's JWTAuthentication); one it refuses — expired, forged, an inactive
    user — gives None, and DRF answers 401. Otherwise the session's user, when active.
    """
    from rest_framework.exceptions import AuthenticationFailed
    from rest_framework_simplejwt.authentication import JWTAuthentication
    from rest_framework_simplejwt.exceptions import InvalidToken

    if request.META.get("HTTP_AUTHORIZATION"):
        try:
            found = JWTAuthentication().authenticate(request)
        except (InvalidToken, AuthenticationFailed):
            return None
        if found is not None:
            return found[0]
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated and user.is_active else None


def _is_tus_chunk(request) -> bool:
    override = request.headers.get("X-HTTP-Method-Override", "").upper()
    method = override if request.method == "POST" and override in ("PATCH", "DELETE") else request.method
    return method == "PATCH" and "Tus-Resumable" in request.headers


def _error(status: int, message: str, code: str, *, headers: dict[str, str] | None = None) -> JsonResponse:
    """Slate's error body about the header: `{"message", "code", "extra": {"header": "Idempotency-Key"}}`."""
    return JsonResponse({"message": message, "code": code, "extra": {"header": HEADER}}, status=status, headers=headers)


class IdempotencyMiddleware:
    """Runs a keyed write under `/api/` once per (user, key) and answers repeats with the first answer (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw = request.headers.get(HEADER)
        if raw is None or request.method not in UNSAFE_METHODS or not request.path.startswith("/api/") or _is_tus_chunk(request):
            return self.get_response(request)
        user = request_user(request)
        if user is None:
            return self.get_response(request)
        key = clean_key(raw)
        if key is None:
            return _error(400, f"{HEADER} must be 1 to {MAX_KEY_LENGTH} printable ASCII characters (a UUID will do).",
                          "invalid_idempotency_key")
        try:
            claimed = _claim(user=user, key=key, fingerprint=request_fingerprint(request))
        except DatabaseError as exc:
            return _database_failure(request, exc)
        if isinstance(claimed, HttpResponse):
            return claimed
        try:
            response = self.get_response(request)
        except BaseException:
            _forget(claimed)
            raise
        _keep(claimed, response)
        return response


def _claim(*, user, key: str, fingerprint: str) -> IdempotencyRecord | HttpResponse:
    """The new (or taken over) `in_progress` record this request now runs, or the answer it gets instead:
    the first answer replayed, 422 for another request's key, 409 when the first is still running after
    SLATE_IDEMPOTENCY_WAIT_S."""
    deadline = time.monotonic() + settings.SLATE_IDEMPOTENCY_WAIT_S
    pause = _POLL_FIRST_S
    while True:
        try:
            with transaction.atomic():
                return IdempotencyRecord.objects.create(user=user, key=key, fingerprint=fingerprint)
        except IntegrityError:
            pass  # the key is taken: by which request, and how far is it?
        record = IdempotencyRecord.objects.filter(user=user, key=key).first()
        now = timezone.now()
        expired = now - timedelta(seconds=settings.SLATE_IDEMPOTENCY_KEEP_S)
        if record is not None and record.updated_at < expired:
            if IdempotencyRecord.objects.filter(pk=record.pk, updated_at__lt=expired).delete()[0]:
                continue  # expired: the key is free again
        elif record is not None and record.fingerprint != fingerprint:
            return _error(422, f"This {HEADER} was used for a different request (method, address or body); "
                               "send a new key for a new request.", "idempotency_key_reused")
        elif record is not None and record.state == IdempotencyState.COMPLETE:
            return _replay(record)
        elif record is not None and record.updated_at < now - timedelta(seconds=settings.SLATE_IDEMPOTENCY_STALE_S):
            taken = _take_over(record, now=now)
            if taken is not None:
                return taken
        # Running elsewhere (or another repeat took a stale run over first), or gone since the insert failed (its
        # run let go after a 5xx): look again shortly.
        if time.monotonic() + pause > deadline:
            return _error(409, f"A request with this {HEADER} is still being processed; try again in a moment "
                               "with the same key to get its answer.", "idempotency_in_progress", headers={"Retry-After": "1"})
        if not connection.in_atomic_block:
            connection.close()  # a pooled connection goes back to the pool while this request waits
        _sleep(pause)
        pause = min(pause * 2, _POLL_MAX_S)


def _sleep(seconds: float) -> None:
    """The pause between two looks at a running key (its own function: a test watches a repeat wait)."""
    time.sleep(seconds)


def _take_over(record: IdempotencyRecord, *, now) -> IdempotencyRecord | None:
    """Make a stale `in_progress` record this request's run (a new `run_id`); None when another got it first."""
    run_id = uuid.uuid4()
    taken = IdempotencyRecord.objects.filter(pk=record.pk, run_id=record.run_id, state=IdempotencyState.IN_PROGRESS) \
        .update(run_id=run_id, updated_at=now)
    if not taken:
        return None
    log.warning("idempotency key %r of user %s: the run started at %s never finished; running the request again",
                record.key, record.user_id, record.updated_at.isoformat())
    record.run_id, record.updated_at = run_id, now
    return record


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(bytes(record.body), status=record.status)
    del response["Content-Type"]
    for name, value in record.headers:
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


def _keep(record: IdempotencyRecord, response) -> None:
    """Store `response` as the key's answer, or let go of the key when it is not one to keep (see the module)."""
    mine = IdempotencyRecord.objects.filter(pk=record.pk, run_id=record.run_id, state=IdempotencyState.IN_PROGRESS)
    status = response.status_code
    try:
        if getattr(response, "streaming", False) or status >= 500 or status in NOT_KEPT_STATUSES:
            mine.delete()
            return
        headers = [[name, value] for name, value in response.items() if name.lower() not in UNKEPT_HEADERS]
        if not mine.update(state=IdempotencyState.COMPLETE, status=status, headers=headers, body=response.content,
                           updated_at=timezone.now()):
            log.warning("idempotency key %r: another run took it over (this one was stale); its answer is not kept", record.key)
    except DatabaseError:
        # The write itself went through: the client gets its answer. A repeat finds the key running, then stale.
        log.exception("idempotency key %r: the answer could not be stored", record.key)


def _forget(record: IdempotencyRecord) -> None:
    try:
        IdempotencyRecord.objects.filter(pk=record.pk, run_id=record.run_id, state=IdempotencyState.IN_PROGRESS).delete()
    except DatabaseError:
        log.exception("idempotency key %r: could not let go of it after an exception", record.key)


def _database_failure(request, exc: DatabaseError) -> HttpResponse:
    """The API's answer to a database failure while the key was looked up: 503 `busy` for a transient one
    (apps.core.exceptions), else the exception goes on to become a 500."""
    from apps.core.middleware import expected_error_response

    response = expected_error_response(request, exc)
    if response is None:
        raise exc
    return response


def idempotency_records_delete_expired(*, now=None) -> int:
    """Delete the records whose answer (or run) is older than SLATE_IDEMPOTENCY_KEEP_S; returns how many went."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.SLATE_IDEMPOTENCY_KEEP_S)
    deleted, _ = IdempotencyRecord.objects.filter(updated_at__lt=cutoff).delete()
    return deleted

"""Resumable uploads from set: tus 1.0.0 (https://tus.io/protocols/resumable-upload) on Slate's own API.

Core protocol plus the creation, termination, checksum (sha1, md5, sha256) and expiration
extensions; the Upload row (apps.media.models.Upload) is the state. Bytes stream from the request
in 1 MiB blocks into a generated file under the storage's `uploads/partial/` (never a whole file or
chunk in memory); the row's `offset` is the last byte confirmed to the client. A PATCH takes an
exclusive flock on the partial file, truncates it back to `offset` (dropping whatever a broken
earlier request left), appends, checks `Upload-Checksum`, fsyncs, and only then moves `offset` on.

A chunk that arrives shorter than its Content-Length (the connection broke) is dropped whole,
checksum or not: tus allows keeping the bytes received, but behind daphne Django only calls the view
once the whole body has arrived, so keeping a part could only happen under WSGI; one rule for both
servers keeps the confirmed byte a byte the client was told about. Clients on poor Wi-Fi should send
chunks of a few MiB.

The PATCH that reaches Upload-Length ingests the file in the request (apps.media.services.media_ingest_file):
a clip or still becomes a MediaAsset (header `Slate-Media-Asset`), a camera-card ZIP a `media.ingest_card`
job (header `Slate-Job`). Unfinished uploads expire SLATE_UPLOAD_EXPIRY_S after their last chunk;
`uploads_cleanup_expired` (the periodic task apps.media.ingest.uploads_cleanup, and
`manage.py cleanup_uploads`) deletes them with their bytes.

Slate's additions: Upload-Metadata keys `production` (required), `take`, `replaces`, `sha256`
(whole file, hex), `fingerprint`; header `Slate-Upload-Fingerprint` on any request (409
`different_file` when it is not the one given at creation); `GET` answers the upload as JSON.
"""
from __future__ import annotations

import base64
import binascii
import contextlib
import errno
import fcntl
import hashlib
import hmac
import os
import re
import shutil
import time
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import RequestAborted
from django.db import transaction
from django.utils import timezone
from django.utils.http import http_date
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from apps.core.integers import parse_int
from apps.core.uploads import _size, display_filename, generated_name, too_large
from apps.media import services
from apps.media.models import MediaAsset, Upload, UploadState
from apps.media.serializers import UploadSerializer
from apps.productions.models import Production
from apps.productions.permissions import require_write
from apps.productions.selectors import scope_to_user
from apps.scenes.models import Take

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = ("creation", "termination", "checksum", "expiration")
CHECKSUM_ALGORITHMS = {"sha1": hashlib.sha1, "md5": hashlib.md5, "sha256": hashlib.sha256}
CHUNK_CONTENT_TYPE = "application/offset+octet-stream"
PARTIAL_PREFIX = "uploads/partial"
FINGERPRINT_HEADER = "Slate-Upload-Fingerprint"
LOCK_WAIT_S = 5.0  # a PATCH waits this long for another request on the same upload, then answers 423
_METADATA_KEY = re.compile(r"^[!#-+\--~]+$")  # printable ASCII without space and comma (tus §Upload-Metadata)
_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")


# --- the protocol's headers ----------------------------------------------------------------------------

def metadata_decode(header: str) -> dict[str, str]:
    """Decode `Upload-Metadata` (tus §Creation, Upload-Metadata): comma-separated `key base64value` pairs.

    Keys are ASCII without spaces or commas and unique; a value may be missing (empty string).
    Values must be UTF-8 text here. Raises `ApplicationError` 400 `invalid` otherwise.
    """
    pairs: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in header.split(","))):
        key, _, encoded = item.partition(" ")
        if not _METADATA_KEY.match(key) or key in pairs or " " in encoded.strip():
            raise ApplicationError(f"Upload-Metadata has a bad or repeated key {key[:40]!r}.", code="invalid")
        try:
            pairs[key] = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise ApplicationError(f"Upload-Metadata value of {key!r} is not base64 of UTF-8 text.", code="invalid") from None
    return pairs


def metadata_encode(metadata: dict[str, str]) -> str:
    """`Upload-Metadata` for HEAD responses (tus §Core, HEAD: the metadata as the client gave it)."""
    return ",".join(f"{key} {base64.b64encode(str(value).encode()).decode()}" if value != "" else key
                    for key, value in metadata.items())


def checksum_decode(header: str) -> tuple[str, bytes]:
    """Decode `Upload-Checksum: <algorithm> <base64 digest>` (tus §Checksum).

    Raises `ApplicationError` 400 `invalid` for an algorithm not in Tus-Checksum-Algorithm or a bad digest.
    """
    name, _, encoded = header.strip().partition(" ")
    algorithm = CHECKSUM_ALGORITHMS.get(name.lower())
    if algorithm is None:
        raise ApplicationError(f"Checksum algorithm {name[:20]!r} is not supported; use {', '.join(CHECKSUM_ALGORITHMS)}.",
                               code="invalid")
    try:
        digest = base64.b64decode(encoded.strip(), validate=True)
    except binascii.Error:
        digest = b""
    if len(digest) != algorithm().digest_size:
        raise ApplicationError("Upload-Checksum does not hold a base64 digest of that algorithm.", code="invalid")
    return name.lower(), digest


def _header_int(request, name: str) -> int:
    """A byte count or offset header (Upload-Length, Upload-Offset): 0 to 2**63 - 1, else 400 `invalid`."""
    return parse_int(request.headers.get(name), name=name, minimum=0)


# --- services: the Upload row and its bytes ---------------------------------------------------------------

def upload_get(*, user, upload_id) -> Upload:
    """The upload `upload_id` if it belongs to one of `user`'s productions; `NotFoundError` (404) otherwise."""
    upload = scope_to_user(Upload.objects.all(), user=user).filter(pk=upload_id).first()
    if upload is None:
        raise NotFoundError("No such upload.")
    return upload


def _linked(model, raw: str | None, production, what: str):
    if not raw:
        return None
    found = model.objects.filter(pk=parse_int(raw, name=f"Upload-Metadata {what}", minimum=1), production=production).first()
    if found is None:
        raise ApplicationError(f"That {what} is not in this production.", code="invalid")
    return found


def upload_create(*, actor, length: int, metadata: dict[str, str], fingerprint: str = "") -> Upload:
    """Start a resumable upload (tus §Creation): check the metadata and make the empty partial file.

    `length` is the whole file in bytes (Upload-Length). `metadata` keys: `production` (required,
    one where `actor` may write), `filename`, `filetype`, `take`, `replaces` (ids in that production),
    `sha256` (hex of the whole file, checked at the end), `fingerprint` (else the `fingerprint` argument,
    from the Slate-Upload-Fingerprint header). Raises `ApplicationError` 400 `invalid`/`empty_file`,
    403 (viewer), 404 (not a member or no such production), 413 `too_large` (SLATE_MAX_RESUMABLE_UPLOAD_BYTES),
    507 `insufficient_storage` when the disk cannot hold it.
    """
    if length == 0:
        raise ApplicationError("The file is empty.", code="empty_file")
    if length > settings.SLATE_MAX_RESUMABLE_UPLOAD_BYTES:
        raise too_large("file", settings.SLATE_MAX_RESUMABLE_UPLOAD_BYTES)
    raw_production = metadata.get("production", "")
    if not raw_production:
        raise ApplicationError("Upload-Metadata must name the production (its id).", code="invalid",
                               extra={"fields": {"production": ["This field is required."]}})
    production = Production.objects.filter(pk=parse_int(raw_production, name="production", minimum=1)).first()
    if production is None:
        raise NotFoundError("No such production.")
    require_write(user=actor, production=production)
    take = _linked(Take, metadata.get("take"), production, "take")
    replaces = _linked(MediaAsset, metadata.get("replaces"), production, "asset to replace")
    expected = metadata.get("sha256", "")
    if expected and not _HEX64.match(expected):
        raise ApplicationError("Upload-Metadata sha256 must be 64 hexadecimal digits.", code="invalid")
    fingerprint = (metadata.get("fingerprint") or fingerprint or "")[:200]
    name = generated_name(PARTIAL_PREFIX, "part")
    path = services.storage_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    if shutil.disk_usage(path.parent).free < length:
        raise ApplicationError(f"The server has no room for {_size(length)} now.", code="insufficient_storage", status=507)
    with open(path, "xb"):
        os.chmod(path, services.FILE_MODE)
    try:
        return Upload.objects.create(
            production=production, created_by=actor, filename=display_filename(metadata.get("filename", "")),
            filetype=metadata.get("filetype", "")[:100], length=length, path=name, metadata=metadata, fingerprint=fingerprint,
            expected_sha256=expected.lower(), take=take, replaces=replaces,
            expires_at=timezone.now() + timedelta(seconds=settings.SLATE_UPLOAD_EXPIRY_S),
        )
    except BaseException:
        services._remove(path)
        raise


@contextlib.contextmanager
def upload_locked(upload: Upload, *, wait_s: float | None = None):
    """Hold an exclusive flock on the upload's partial file (opened r+b, yielded) and reload the row.

    Concurrent PATCH/DELETE requests of one upload (another process or thread) run one at a time.
    Raises `ApplicationError` 423 `upload_locked` after `wait_s` seconds (default LOCK_WAIT_S), 404 when the upload or its
    file is gone meanwhile.
    """
    try:
        handle = open(services.storage_path(upload.path), "r+b")
    except FileNotFoundError:
        raise NotFoundError("This upload's bytes are gone.") from None
    with handle:
        deadline = time.monotonic() + (LOCK_WAIT_S if wait_s is None else wait_s)
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES) or time.monotonic() >= deadline:
                    raise ApplicationError("Another request is writing to this upload; try again.", code="upload_locked",
                                           status=423) from None
                time.sleep(0.05)
        try:
            try:
                upload.refresh_from_db()
            except Upload.DoesNotExist:
                raise NotFoundError("No such upload.") from None
            yield handle
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _check_open(upload: Upload) -> None:
    """410 for an upload that takes no more bytes: finished, failed or expired (tus §Expiration)."""
    if upload.state == UploadState.COMPLETE:
        raise ApplicationError("This upload is already complete.", code="upload_complete", status=410)
    if upload.state == UploadState.FAILED:
        raise ApplicationError(f"This upload failed: {upload.error}", code="upload_failed", status=410)
    if upload.expires_at <= timezone.now():
        raise ApplicationError("This upload expired before it was finished; start it again.", code="upload_expired", status=410)


def _truncate(handle, offset: int) -> None:
    handle.truncate(offset)
    handle.flush()
    os.fsync(handle.fileno())


def upload_append(*, upload: Upload, offset: int, stream, content_length: int, checksum: tuple[str, bytes] | None) -> Upload:
    """Append one chunk (tus §Core, PATCH) and, when it completes the file, ingest it.

    `offset` is the client's Upload-Offset, `stream` the request (read in 1 MiB blocks),
    `content_length` its declared body size in bytes, `checksum` the decoded Upload-Checksum.
    Under the upload's lock: the file is cut back to the confirmed `upload.offset`, the body
    appended; a short body (broken connection) or a checksum mismatch cuts it back again and
    leaves `offset` as it was. Returns the upload with its new `offset` (and `state`, `asset`,
    `job` once complete). Raises `ApplicationError` 409 `offset_mismatch`, 410 (finished, failed,
    expired), 413 `too_large` (past Upload-Length), 423 `upload_locked`, 400 `incomplete_chunk`,
    460 `checksum_mismatch` (tus §Checksum), and the ingest's 4xx (the upload is then `failed` and its bytes gone).
    """
    _check_open(upload)  # a finished upload's file is gone: answer 410 before looking for it
    with upload_locked(upload) as handle:
        _check_open(upload)
        if offset != upload.offset:
            raise ApplicationError(f"Upload-Offset {offset} is not where this upload stands ({upload.offset}).",
                                   code="offset_mismatch", status=409, extra={"offset": upload.offset})
        if upload.offset + content_length > upload.length:
            raise ApplicationError("This chunk goes past the upload's length.", code="too_large", status=413,
                                   extra={"limit_bytes": upload.length - upload.offset})
        hasher = CHECKSUM_ALGORITHMS[checksum[0]]() if checksum else None
        _truncate(handle, upload.offset)
        handle.seek(upload.offset)
        remaining = content_length
        try:
            while remaining:
                block = stream.read(min(services.BLOCK_BYTES, remaining))
                if not block:
                    break
                handle.write(block)
                if hasher is not None:
                    hasher.update(block)
                remaining -= len(block)
        except (OSError, RequestAborted):
            remaining = remaining or 1
        if remaining:
            _truncate(handle, upload.offset)
            raise ApplicationError(f"The chunk ended {remaining} bytes short of its Content-Length; it was dropped.",
                                   code="incomplete_chunk", extra={"offset": upload.offset})
        if hasher is not None and not hmac.compare_digest(hasher.digest(), checksum[1]):
            _truncate(handle, upload.offset)
            raise ApplicationError(f"The chunk's {checksum[0]} checksum does not match; it was dropped.",
                                   code="checksum_mismatch", status=460, extra={"offset": upload.offset})
        handle.flush()
        os.fsync(handle.fileno())
        upload.offset += content_length
        upload.expires_at = timezone.now() + timedelta(seconds=settings.SLATE_UPLOAD_EXPIRY_S)
        upload.save(update_fields=["offset", "expires_at", "updated_at"])
        if upload.offset == upload.length:
            _upload_ingest(upload)
    return upload


def _upload_ingest(upload: Upload) -> None:
    """Hand the complete file to the one ingest path; record the outcome on the upload (complete or failed)."""
    try:
        result = services.media_ingest_file(
            production=upload.production, actor=upload.created_by, path=services.storage_path(upload.path),
            original_name=upload.filename, take=upload.take, replaces=upload.replaces, expected_sha256=upload.expected_sha256,
        )
    except BaseException as exc:
        upload.state = UploadState.FAILED
        upload.error = getattr(exc, "message", "Slate could not take this file in.")[:2000]
        upload.save(update_fields=["state", "error", "updated_at"])
        raise
    upload.state = UploadState.COMPLETE
    if isinstance(result, MediaAsset):
        upload.asset, upload.job = result, result.job
    else:
        upload.job = result
    upload.save(update_fields=["state", "asset", "job", "updated_at"])


@transaction.atomic
def upload_terminate(*, upload: Upload) -> None:
    """Delete an upload and its bytes (tus §Termination); a finished upload's asset or job stays."""
    if upload.state == UploadState.RECEIVING:
        with upload_locked(upload):
            services._remove(services.storage_path(upload.path))
            upload.delete()
    else:
        upload.delete()


def uploads_cleanup_expired(*, now=None) -> int:
    """Delete receiving uploads past `expires_at` with their bytes, and partial files no upload names.

    An upload being written right now (locked) is left for the next run. Returns how many uploads
    and orphan files were deleted. Run by the periodic task apps.media.ingest.uploads_cleanup and by
    `manage.py cleanup_uploads`.
    """
    now = now or timezone.now()
    deleted = 0
    for upload in Upload.objects.filter(state=UploadState.RECEIVING, expires_at__lte=now):
        with contextlib.suppress(ApplicationError):
            with upload_locked(upload, wait_s=0):
                if upload.state == UploadState.RECEIVING and upload.expires_at <= now:
                    services._remove(services.storage_path(upload.path))
                    upload.delete()
                    deleted += 1
    root = services.storage_path(PARTIAL_PREFIX)
    if root.is_dir():
        cutoff = time.time() - settings.SLATE_UPLOAD_EXPIRY_S
        known = set(Upload.objects.filter(state=UploadState.RECEIVING).values_list("path", flat=True))
        for entry in root.iterdir():
            if f"{PARTIAL_PREFIX}/{entry.name}" not in known and entry.stat().st_mtime < cutoff:
                services._remove(entry)
                deleted += 1
    return deleted


# --- HTTP -----------------------------------------------------------------------------------------------

def _tus_headers(upload: Upload) -> dict[str, str]:
    headers = {"Upload-Offset": str(upload.offset), "Upload-Length": str(upload.length), "Cache-Control": "no-store"}
    if upload.state == UploadState.RECEIVING:
        headers["Upload-Expires"] = http_date(upload.expires_at.timestamp())
    return headers


class TusView(APIView):
    """What both tus endpoints share: Tus-Resumable on every response, the version check (412, tus §Core
    Tus-Resumable), X-HTTP-Method-Override, OPTIONS open to anyone (tus §Core OPTIONS), auth as the rest of the API."""

    TUS_METHODS = ("POST", "HEAD", "PATCH", "DELETE")
    # apps.core.schema: what the protocol answers besides the API's shared errors (the headers are the input).
    error_statuses = {"post": (400, 412, 413, 507), "patch": (400, 410, 412, 413, 415, 423, 460), "delete": (412, 423)}

    def get_permissions(self):
        if self.request.method == "OPTIONS":
            return [permissions.AllowAny()]
        return super().get_permissions()

    def initialize_request(self, request, *args, **kwargs):
        # tus §Core X-HTTP-Method-Override: only on a POST, and only to PATCH/DELETE (both CSRF-checked as unsafe methods).
        override = request.headers.get("X-HTTP-Method-Override", "").upper()
        if request.method == "POST" and override in ("PATCH", "DELETE"):
            request.method = override
        return super().initialize_request(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Only a method this URL answers is a tus request; any other is 405 (with Allow), whatever its headers.
        answered = request.method.lower() in self.http_method_names and hasattr(self, request.method.lower())
        if answered and request.method in self.TUS_METHODS and request.headers.get("Tus-Resumable") != TUS_VERSION:
            raise ApplicationError(f"This server speaks tus {TUS_VERSION}; send Tus-Resumable: {TUS_VERSION}.",
                                   code="tus_version", status=412)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Tus-Resumable"] = TUS_VERSION
        if response.status_code == 412:
            response["Tus-Version"] = TUS_VERSION
        if response.status_code == 460:
            response.reason_phrase = "Checksum Mismatch"
        if request.method == "HEAD" and isinstance(response, Response):
            response.data = None  # HEAD answers carry headers only (RFC 9110 §9.3.2)
        return response

    def options(self, request, *args, **kwargs):
        """tus §Core OPTIONS: version, extensions, Tus-Max-Size (bytes) and checksum algorithms."""
        return Response(status=204, headers={
            "Tus-Version": TUS_VERSION, "Tus-Extension": ",".join(TUS_EXTENSIONS),
            "Tus-Max-Size": str(settings.SLATE_MAX_RESUMABLE_UPLOAD_BYTES),
            "Tus-Checksum-Algorithm": ",".join(CHECKSUM_ALGORITHMS),
        })

    def _upload(self, request, upload_id) -> Upload:
        upload = upload_get(user=request.user, upload_id=upload_id)
        given = request.headers.get(FINGERPRINT_HEADER, "")
        if given and upload.fingerprint and given[:200] != upload.fingerprint:
            raise ApplicationError("This upload is of another file; start a new upload.", code="different_file", status=409)
        return upload

    def _writable(self, request, upload_id) -> Upload:
        upload = self._upload(request, upload_id)
        require_write(user=request.user, production=upload.production_id)
        if upload.created_by_id != request.user.pk:
            raise PermissionDeniedError("Only the person who started this upload can send or delete its bytes.")
        return upload


class UploadCollectionView(TusView):
    """`/api/uploads/`: OPTIONS (tus discovery) and POST (tus §Creation) of a resumable upload."""

    @extend_schema(request=None, responses={201: OpenApiResponse(description="Created; Location: /api/uploads/{id}/, Upload-Expires.")})
    def post(self, request):
        """Start an upload: headers Tus-Resumable, Upload-Length (bytes), Upload-Metadata (base64 pairs:
        production (required), filename, filetype, take, replaces, sha256, fingerprint).

        201 with `Location: /api/uploads/{id}/` and `Upload-Expires`. 400 `invalid` / `empty_file`,
        403 viewer, 404 other production, 412 tus version, 413 `too_large`, 507 `insufficient_storage`.
        """
        if request.headers.get("Upload-Defer-Length"):
            raise ApplicationError("Upload-Defer-Length is not supported: send Upload-Length.", code="invalid")
        length = _header_int(request, "Upload-Length")
        metadata = metadata_decode(request.headers.get("Upload-Metadata", ""))
        upload = upload_create(actor=request.user, length=length, metadata=metadata,
                               fingerprint=request.headers.get(FINGERPRINT_HEADER, ""))
        return Response(status=201, headers={"Location": f"/api/uploads/{upload.pk}/", **_tus_headers(upload)})


class UploadView(TusView):
    """`/api/uploads/{id}/`: HEAD (offset), PATCH (a chunk), DELETE (termination), GET (JSON) of one upload."""

    @extend_schema(responses={200: UploadSerializer})
    def get(self, request, upload_id):
        """The upload as JSON (`UploadSerializer`); 404 when it is not in one of your productions."""
        return Response(UploadSerializer(self._upload(request, upload_id)).data, headers={"Cache-Control": "no-store"})

    def head(self, request, upload_id):
        """tus §Core HEAD: 200 with Upload-Offset, Upload-Length, Upload-Metadata, Upload-Expires; 410 once failed or expired."""
        upload = self._upload(request, upload_id)
        if upload.state != UploadState.COMPLETE:
            _check_open(upload)
        return Response(status=200, headers={**_tus_headers(upload), "Upload-Metadata": metadata_encode(upload.metadata)})

    @extend_schema(request={CHUNK_CONTENT_TYPE: bytes}, responses={204: OpenApiResponse(description="Upload-Offset; Slate-Media-Asset or Slate-Job when complete.")})
    def patch(self, request, upload_id):
        """tus §Core PATCH: append the body at Upload-Offset (Content-Type application/offset+octet-stream,
        optional Upload-Checksum). 204 with the new Upload-Offset; the request that completes the file
        also carries `Slate-Media-Asset: <id>` or `Slate-Job: <uuid>`. 409 `offset_mismatch` /
        `different_file`, 410, 413, 415, 423, 460 `checksum_mismatch`; ingest errors 4xx (upload failed).
        """
        upload = self._writable(request, upload_id)
        if request.content_type != CHUNK_CONTENT_TYPE:
            raise ApplicationError(f"A chunk is sent as {CHUNK_CONTENT_TYPE}.", code="unsupported_media_type", status=415)
        offset = _header_int(request, "Upload-Offset")
        content_length = int(request.META.get("CONTENT_LENGTH") or 0)
        if content_length > settings.SLATE_UPLOAD_MAX_CHUNK_BYTES:
            raise too_large("chunk", settings.SLATE_UPLOAD_MAX_CHUNK_BYTES)
        raw_checksum = request.headers.get("Upload-Checksum")
        checksum = checksum_decode(raw_checksum) if raw_checksum else None
        upload = upload_append(upload=upload, offset=offset, stream=request._request, content_length=content_length,
                               checksum=checksum)
        headers = _tus_headers(upload)
        if upload.asset_id:
            headers["Slate-Media-Asset"] = str(upload.asset_id)
        elif upload.job_id:
            headers["Slate-Job"] = str(upload.job_id)
        return Response(status=204, headers=headers)

    @extend_schema(responses={204: None})
    def delete(self, request, upload_id):
        """tus §Termination: 204, the upload and its bytes removed (an asset or job it became stays)."""
        upload_terminate(upload=self._writable(request, upload_id))
        return Response(status=204)

"""Resumable uploads' writes (tus 1.0.0; the HTTP side is apps.media.api.uploads): the Upload row and its bytes.

The Upload row (apps.media.models.Upload) is the state. Bytes stream from the request in 1 MiB
blocks into a generated file under the storage's `uploads/partial/` (never a whole file or chunk in
memory); the row's `offset` is the last byte confirmed to the client. A PATCH (`upload_append`)
takes an exclusive flock on the partial file (`upload_locked`), truncates it back to `offset`
(dropping whatever a broken earlier request left), appends, checks `Upload-Checksum`, fsyncs, and
only then moves `offset` on.

A chunk that arrives shorter than its Content-Length (the connection broke) is dropped whole,
checksum or not: tus allows keeping the bytes received, but behind daphne Django only calls the view
once the whole body has arrived, so keeping a part could only happen under WSGI; one rule for both
servers keeps the confirmed byte a byte the client was told about. Clients on poor Wi-Fi should send
chunks of a few MiB.

The PATCH that reaches Upload-Length ingests the file in the request (apps.media.services.ingest.media_ingest_file):
a clip or still becomes a MediaAsset, a camera-card ZIP a `media.ingest_card` job. An upload whose metadata names a
`continuity_note` is a continuity photo instead (the tablet's offline outbox sends its queued photos so): the complete
file goes to apps.continuity.services.continuity_photo_add, with that service's checks. Unfinished uploads
expire SLATE_UPLOAD_EXPIRY_S after their last chunk; `uploads_cleanup_expired` (the periodic task
apps.media.tasks.uploads_cleanup, and `manage.py cleanup_uploads`) deletes them with their bytes, and
`staging_sweep` the staging and card files a crashed process left behind.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import hmac
import os
import re
import shutil
import time
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import RequestAborted
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from apps.core import metrics
from apps.core.errors import ApplicationError, NotFoundError
from apps.core.integers import parse_int
from apps.continuity.models import ContinuityNote
from apps.continuity.services import continuity_photo_add
from apps.core.uploads import display_filename, generated_name, human_size, too_large
from apps.jobs.models import Job, JobStatus
from apps.media.models import MediaAsset, Upload, UploadState
from apps.media.services.ingest import INGEST_CARD_KIND, media_ingest_file
from apps.media.storage import BLOCK_BYTES, CARDS_PREFIX, FILE_MODE, STAGING_PREFIX, remove_file, storage_path
from apps.media.tus import CHECKSUM_ALGORITHMS
from apps.productions.models import Production
from apps.productions.permissions import require_write
from apps.productions.selectors import scope_to_user
from apps.scenes.models import Take

PARTIAL_PREFIX = "uploads/partial"
LOCK_WAIT_S = 5.0  # a PATCH waits this long for another request on the same upload, then answers 423
_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")


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
    one where `actor` may write), `filename`, `filetype`, `take`, `replaces`, `continuity_note` (ids in that
    production; a `continuity_note` makes the file a photo of that note, and then neither `take` nor `replaces`
    may be given), `sha256` (hex of the whole file, checked at the end), `fingerprint` (else the `fingerprint`
    argument, from the Slate-Upload-Fingerprint header). Raises `ApplicationError` 400 `invalid`/`empty_file`,
    403 (viewer), 404 (not a member or no such production), 413 `too_large` (SLATE_MAX_RESUMABLE_UPLOAD_BYTES,
    SLATE_MAX_PHOTO_UPLOAD_BYTES for a photo), 507 `insufficient_storage` when the disk cannot hold it.
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
    note = _linked(ContinuityNote, metadata.get("continuity_note"), production, "continuity note")
    if note is not None:
        if take is not None or replaces is not None:
            raise ApplicationError("A continuity photo is linked to its note only: leave out take and replaces.", code="invalid")
        if length > settings.SLATE_MAX_PHOTO_UPLOAD_BYTES:
            raise too_large("photo", settings.SLATE_MAX_PHOTO_UPLOAD_BYTES)
    expected = metadata.get("sha256", "")
    if expected and not _HEX64.match(expected):
        raise ApplicationError("Upload-Metadata sha256 must be 64 hexadecimal digits.", code="invalid")
    fingerprint = (metadata.get("fingerprint") or fingerprint or "")[:200]
    name = generated_name(PARTIAL_PREFIX, "part")
    path = storage_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    if shutil.disk_usage(path.parent).free < length:
        raise ApplicationError(f"The server has no room for {human_size(length)} now.", code="insufficient_storage", status=507)
    with open(path, "xb"):
        os.chmod(path, FILE_MODE)
    try:
        return Upload.objects.create(
            production=production, created_by=actor, filename=display_filename(metadata.get("filename", "")),
            filetype=metadata.get("filetype", "")[:100], length=length, path=name, metadata=metadata, fingerprint=fingerprint,
            expected_sha256=expected.lower(), take=take, replaces=replaces,
            expires_at=timezone.now() + timedelta(seconds=settings.SLATE_UPLOAD_EXPIRY_S),
        )
    except BaseException:
        remove_file(path)
        raise


@contextlib.contextmanager
def upload_locked(upload: Upload, *, wait_s: float | None = None):
    """Hold an exclusive flock on the upload's partial file (opened r+b, yielded) and reload the row.

    Concurrent PATCH/DELETE requests of one upload (another process or thread) run one at a time.
    Raises `ApplicationError` 423 `upload_locked` after `wait_s` seconds (default LOCK_WAIT_S), 404 when the upload or its
    file is gone meanwhile.
    """
    try:
        handle = open(storage_path(upload.path), "r+b")
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


def upload_check_open(upload: Upload) -> None:
    """Refuse an upload that takes no more bytes (tus §Expiration): `ApplicationError` 410 `upload_complete`,
    `upload_failed` (with its error) or `upload_expired`; returns None for one still receiving."""
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
    upload_check_open(upload)  # a finished upload's file is gone: answer 410 before looking for it
    with upload_locked(upload) as handle:
        upload_check_open(upload)
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
                block = stream.read(min(BLOCK_BYTES, remaining))
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
        metrics.UPLOAD_BYTES.inc(content_length)
        upload.offset += content_length
        upload.expires_at = timezone.now() + timedelta(seconds=settings.SLATE_UPLOAD_EXPIRY_S)
        upload.save(update_fields=["offset", "expires_at", "updated_at"])
        if upload.offset == upload.length:
            _upload_ingest(upload)
    return upload


def _upload_ingest(upload: Upload) -> None:
    """Hand the complete file to the one ingest path (or, for a continuity note's photo, to the note); record the
    outcome on the upload (complete or failed)."""
    if upload.metadata.get("continuity_note"):
        _upload_photo(upload)
        return
    try:
        result = media_ingest_file(
            production=upload.production, actor=upload.created_by, path=storage_path(upload.path),
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


def _upload_photo(upload: Upload) -> None:
    """The complete file becomes a photo of the upload's continuity note (`continuity_photo_add`: JPEG/PNG/WebP by
    content); the partial file goes either way. A note deleted meanwhile fails the upload (404 `not_found`)."""
    path = storage_path(upload.path)
    try:
        note = ContinuityNote.objects.filter(pk=int(upload.metadata["continuity_note"]), production=upload.production_id).first()
        if note is None:
            raise NotFoundError("The continuity note of this photo was deleted.")
        with open(path, "rb") as handle:
            photo = continuity_photo_add(note=note, actor=upload.created_by, upload=File(handle, name=upload.filename))
    except BaseException as exc:
        upload.state = UploadState.FAILED
        upload.error = getattr(exc, "message", "Slate could not take this photo in.")[:2000]
        upload.save(update_fields=["state", "error", "updated_at"])
        raise
    finally:
        remove_file(path)
    upload.state, upload.continuity_photo = UploadState.COMPLETE, photo
    upload.save(update_fields=["state", "continuity_photo", "updated_at"])


@transaction.atomic
def upload_terminate(*, upload: Upload) -> None:
    """Delete an upload and its bytes (tus §Termination); a finished upload's asset or job stays."""
    if upload.state == UploadState.RECEIVING:
        with upload_locked(upload):
            remove_file(storage_path(upload.path))
            upload.delete()
    else:
        upload.delete()


def uploads_cleanup_expired(*, now=None) -> int:
    """Delete receiving uploads past `expires_at` with their bytes, and partial files no upload names.

    An upload being written right now (locked) is left for the next run. Returns how many uploads
    and orphan files were deleted. Run by the periodic task apps.media.tasks.uploads_cleanup and by
    `manage.py cleanup_uploads`.
    """
    now = now or timezone.now()
    deleted = 0
    for upload in Upload.objects.filter(state=UploadState.RECEIVING, expires_at__lte=now):
        with contextlib.suppress(ApplicationError):
            with upload_locked(upload, wait_s=0):
                if upload.state == UploadState.RECEIVING and upload.expires_at <= now:
                    remove_file(storage_path(upload.path))
                    upload.delete()
                    deleted += 1
    root = storage_path(PARTIAL_PREFIX)
    if root.is_dir():
        cutoff = time.time() - settings.SLATE_UPLOAD_EXPIRY_S
        known = set(Upload.objects.filter(state=UploadState.RECEIVING).values_list("path", flat=True))
        for entry in root.iterdir():
            if f"{PARTIAL_PREFIX}/{entry.name}" not in known and entry.stat().st_mtime < cutoff:
                remove_file(entry)
                deleted += 1
    return deleted


def staging_sweep(*, older_than_s: float) -> int:
    """Delete staging and card files older than `older_than_s` seconds that nothing refers to any more.

    Staging files are always removed by the request that made them; one left behind is from a crashed
    process. A card ZIP is kept while a pending or running job names it. Returns how many were deleted.
    """
    deleted = 0
    cutoff = time.time() - older_than_s
    for prefix in (STAGING_PREFIX, CARDS_PREFIX):
        root = storage_path(prefix)
        if not root.is_dir():
            continue
        for entry in root.iterdir():
            if entry.stat().st_mtime > cutoff:
                continue
            name = f"{prefix}/{entry.name}"
            if prefix == CARDS_PREFIX and Job.objects.filter(
                    kind=INGEST_CARD_KIND, params__path=name, status__in=[JobStatus.PENDING, JobStatus.RUNNING]).exists():
                continue
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                remove_file(entry)
            deleted += 1
    return deleted

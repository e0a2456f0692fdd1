"""Ingest: every route a file takes into Slate ends in `media_ingest_file`.

The multipart POST /api/media/ (`media_upload`, and `media_asset_upload` for clips only), the
resumable tus upload (apps.media.services.uploads) and the camera-card job (`media_ingest_card`)
all hand a file to `media_ingest_file`, which judges it by its content and turns it into a
MediaAsset (apps.media.services.assets: a clip with its processing job, or a still with its poster)
or, for a ZIP, a `media.ingest_card` job. The card job unpacks the ZIP safely (apps.media.cards)
into one asset per clip or still, in one transaction; any failure removes everything unpacked and
created. Processing is in apps.media.services.pipeline.
"""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from apps.core.errors import ApplicationError
from apps.core.uploads import check_upload_size, display_filename
from apps.jobs.models import Job
from apps.jobs.services import JobContext, JobLost, job_create, job_handler
from apps.media.cards import card_check, extract_entry, shown_name
from apps.media.models import MediaAsset
from apps.media.services.assets import (
    ACCEPT_ALL,
    MediaFileCheck,
    check_links,
    media_asset_record,
    media_file_check,
    still_poster,
)
from apps.media.services.retrying import not_retryable
from apps.media.storage import CARDS_PREFIX, file_sha256, move_into_storage, remove_file, stage_upload, storage_path

INGEST_CARD_KIND = "media.ingest_card"


def media_ingest_file(*, production, actor, path: str | Path, original_name: str, take=None, replaces=None,
                      sha256: str = "", expected_sha256: str = "", accept=ACCEPT_ALL) -> MediaAsset | Job:
    """Turn the file at `path` (under MEDIA_ROOT; this function owns it) into a media asset or a card job.

    Steps: the links are checked (`check_links`); the SHA-256 is computed (1 MiB blocks) unless given
    and compared with `expected_sha256` when given; the content is judged (`media_file_check`). A clip
    or still is moved with os.replace to media/originals/<generated>.<ext> (never the user's name) and
    becomes a MediaAsset (`media_asset_record`: a clip with its media.process job, a still ready with its
    JPEG poster), the next version of `replaces` when given. A ZIP has its central directory checked
    (apps.media.cards.card_check) and becomes a `media.ingest_card` job (202 at the API) that unpacks it.

    Nothing half-written: on any error the file, a poster made and the rows are removed, and the error
    raised. Raises `ApplicationError` 400 `empty_file`, `not_a_video`, `checksum_mismatch` (whole-file
    SHA-256), `zip_unsafe`, `invalid` (a take/replaces of another production, or linked to a card).
    """
    path = Path(path)
    poster = None
    moved: list[Path] = []
    try:
        check_links(production=production, take=take, replaces=replaces)
        digest = sha256 or file_sha256(Path(path))
        if expected_sha256 and digest != expected_sha256.lower():
            raise ApplicationError("The file that arrived is not the file that was sent: its SHA-256 differs.",
                                   code="checksum_mismatch", extra={"expected_sha256": expected_sha256.lower(), "sha256": digest})
        check = media_file_check(path, accept=accept)
        if check.kind == "zip":
            return _card_job_create(production=production, actor=actor, path=path, original_name=original_name, sha256=digest,
                                    take=take, replaces=replaces, moved=moved)
        if check.kind == "image":
            poster = still_poster(path)
        with transaction.atomic():
            return media_asset_record(production=production, actor=actor, source=path, original_name=original_name, check=check,
                                 sha256=digest, take=take, replaces=replaces, poster=poster, moved=moved)
    except BaseException:
        remove_file(path)
        for done in moved:
            remove_file(done)
        if poster is not None:
            default_storage.delete(poster[0])
        raise


def _card_job_create(*, production, actor, path: Path, original_name: str, sha256: str, take, replaces, moved: list[Path]) -> Job:
    if take is not None or replaces is not None:
        raise ApplicationError("A camera card holds many files: link its clips to takes one by one once it is unpacked.", code="invalid")
    card_check(path)
    with transaction.atomic():
        name, dest = move_into_storage(path, CARDS_PREFIX, "zip")
        moved.append(dest)
        return job_create(production_id=production.pk, kind=INGEST_CARD_KIND, actor=actor, message="Waiting to unpack the card",
                          params={"path": name, "original_name": display_filename(original_name), "size_bytes": dest.stat().st_size,
                                  "sha256": sha256})


def media_upload(*, production, actor, upload: UploadedFile, take=None, replaces=None) -> MediaAsset | Job:
    """Ingest a multipart upload (POST /api/media/): a clip or still → MediaAsset, a camera-card ZIP → its ingest Job.

    The upload is copied to a staging file under MEDIA_ROOT while its SHA-256 is computed, then
    handed to `media_ingest_file` (which see for what happens and the errors). Raises
    `ApplicationError` 400 `empty_file`, 413 `too_large` (SLATE_MAX_MEDIA_UPLOAD_BYTES) before anything is stored.
    """
    check_upload_size(upload, limit_bytes=settings.SLATE_MAX_MEDIA_UPLOAD_BYTES, what="file")
    check_links(production=production, take=take, replaces=replaces)
    path, digest = stage_upload(upload)
    return media_ingest_file(production=production, actor=actor, path=path, original_name=upload.name or "upload", take=take,
                             replaces=replaces, sha256=digest)


def media_asset_upload(*, production, actor, upload: UploadedFile, take=None) -> MediaAsset:
    """Store an uploaded clip under a generated name and start its processing job (videos only).

    The file is judged by its content (ffprobe), never its name: anything without a readable video
    stream is refused before anything is stored. Raises `ApplicationError` 400 `empty_file` /
    `not_a_video`, 413 `too_large` (SLATE_MAX_MEDIA_UPLOAD_BYTES). Publishes `media_asset.created`
    and `job.created`; the asset's `job` is the processing job. `media_upload` also takes stills and cards.
    """
    check_upload_size(upload, limit_bytes=settings.SLATE_MAX_MEDIA_UPLOAD_BYTES, what="clip")
    check_links(production=production, take=take)
    path, digest = stage_upload(upload)
    return media_ingest_file(production=production, actor=actor, path=path, original_name=upload.name or "upload", take=take,
                             sha256=digest, accept=frozenset({"video"}))


def _card_work_dir(job_pk, attempt: int) -> Path:
    """The folder an attempt of a card job unpacks into (one per attempt, so no attempt meets another's files)."""
    return storage_path(f"{CARDS_PREFIX}/{job_pk.hex}.{attempt}.d")


def _card_retry(job) -> None:
    """Retry preparation of a failed card ingest: possible only while the card's ZIP is still in storage.

    The handler deletes the ZIP whenever it ends, so a card it failed cannot be unpacked again: refused with
    400 `not_retryable` (upload the card again). The ZIP is left only when the worker stopped mid-run (the reaper
    failed the job); it is checked against the size recorded at upload. Nothing else waits: the card's assets are
    made by the run itself, and the folders of earlier attempts are removed by the next one. Returns None.
    """
    card = job.params.get("original_name") or "card"
    name = job.params.get("path") or ""
    path = storage_path(name) if name else None
    if path is None or not path.is_file():
        raise not_retryable(f"The ZIP of the card {card} is no longer on the server (a card's ZIP is deleted when its "
                            "ingest ends): upload the card again.")
    expected = job.params.get("size_bytes")
    if expected is not None and path.stat().st_size != expected:
        raise not_retryable(f"The ZIP of the card {card} on the server is not the one uploaded ({path.stat().st_size} bytes, "
                            f"not {expected}): upload the card again.")
    return None


@job_handler(INGEST_CARD_KIND, on_retry=_card_retry)
def media_ingest_card(ctx: JobContext) -> dict:
    """Job handler: unpack a camera-card ZIP (params `path` storage name, `original_name`) into media assets.

    Progress: 0–70 % unpacking (by bytes), 70–95 % judging each file, then recording. Each clip
    becomes an asset with its own media.process job; each still an asset `ready` with a JPEG poster
    (its `job` is this job); other files (sidecar XML, MHL...) are listed in `skipped` with the reason.
    Everything happens or nothing: on any failure (or cancellation) every unpacked file, poster, asset
    and job is removed and the job fails with the reason, e.g. "Entry ../x escapes the card folder.".
    The ZIP is deleted at the end either way, unless this attempt lost the job (the ZIP is the new attempt's).
    Each attempt unpacks into a folder of its own and first removes those of earlier attempts (a worker that
    stopped leaves one). Returns `{"card", "entries", "ignored", "assets": [ids], "jobs": [ids],
    "skipped": [{"name", "reason"}]}`.
    """
    job = ctx.job
    zip_name = ctx.params["path"]
    zip_path = storage_path(zip_name)
    work = _card_work_dir(job.pk, ctx.attempt)
    for attempt in range(1, ctx.attempt):
        shutil.rmtree(_card_work_dir(job.pk, attempt), ignore_errors=True)
    posters: list[str] = []
    moved: list[Path] = []
    lost = False
    try:
        ctx.progress(0.0, "Checking the card", force=True)
        plan = card_check(zip_path)
        if shutil.disk_usage(zip_path.parent).free < plan.declared_bytes:
            raise ApplicationError("There is not enough disk space to unpack this card.")
        work.mkdir(parents=True, exist_ok=False)
        unpacked: list[tuple[zipfile.ZipInfo, Path, str]] = []
        done_bytes = 0
        with zipfile.ZipFile(zip_path) as archive:
            for index, info in enumerate(plan.entries):
                ctx.progress(0.7 * done_bytes / max(plan.declared_bytes, 1),
                             f"Unpacking {shown_name(PurePosixPath(info.filename).name)} ({index + 1}/{len(plan.entries)})")
                dest = work / f"{index:05d}.bin"
                unpacked.append((info, dest, extract_entry(archive, info, dest)))
                done_bytes += info.file_size
        media: list[tuple[zipfile.ZipInfo, Path, str, MediaFileCheck, tuple | None]] = []
        skipped: list[dict] = []
        for index, (info, dest, digest) in enumerate(unpacked):
            ctx.progress(0.7 + 0.25 * index / max(len(unpacked), 1), f"Reading {shown_name(PurePosixPath(info.filename).name)}")
            try:
                check = media_file_check(dest, accept=frozenset({"video", "image"}))
            except ApplicationError as exc:
                skipped.append({"name": info.filename, "reason": exc.message})
                continue
            poster = None
            if check.kind == "image":
                poster = still_poster(dest)
                posters.append(poster[0])
            media.append((info, dest, digest, check, poster))
        if not media:
            names = ", ".join(shown_name(s["name"]) for s in skipped[:5]) or "nothing but folders and system files"
            raise ApplicationError(f"The card holds no clip or still Slate can read ({names}).")
        ctx.progress(0.95, "Adding the clips", force=True)
        with transaction.atomic():
            assets = [
                media_asset_record(production=job.production, actor=job.created_by, source=dest,
                                            original_name=PurePosixPath(info.filename).name, check=check, sha256=digest,
                                            job=job if check.kind == "image" else None, poster=poster, moved=moved)
                for info, dest, digest, check, poster in media
            ]
    except BaseException as exc:
        lost = isinstance(exc, JobLost)
        for path in moved:
            remove_file(path)
        for name in posters:
            default_storage.delete(name)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if not lost:
            remove_file(zip_path)
    return {"card": ctx.params.get("original_name", ""), "entries": len(plan.entries), "ignored": plan.ignored,
            "assets": [a.pk for a in assets], "jobs": [str(a.job_id) for a in assets if a.kind == "video"],
            "skipped": skipped}

"""Dailies: upload a clip, a still or a camera card, link it to a take, version it.

One ingest path serves every route: the multipart POST /api/media/ (`media_upload`), the
resumable tus upload (apps.media.tus) and the camera-card job (apps.media.ingest) all end in
`media_ingest_file`, which judges a file by its content and turns it into a MediaAsset (a clip
with its processing job, or a still with its poster) or, for a ZIP, a card-ingest job.
Processing is in apps.media.pipeline.
"""
from __future__ import annotations

import hashlib
import io
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, Q
from PIL import Image, UnidentifiedImageError

from apps.core.errors import ApplicationError
from apps.productions.entities import entity_delete, entity_update
from apps.core.uploads import IMAGE_FORMATS, check_upload_size, display_filename, generated_name
from apps.jobs.models import Job
from apps.jobs.services import job_create
from apps.media import ffmpeg
from apps.media.models import MediaAsset, MediaKind, MediaStatus, Rendition, RenditionKind
from apps.realtime.services import publish_entity

from apps.media.pipeline import PROCESS_KIND, file_sha256  # noqa: E402  (PROCESS_KIND re-exported for callers)

INGEST_CARD_KIND = "media.ingest_card"
BLOCK_BYTES = 1024 * 1024  # reads and copies go in 1 MiB blocks: no whole file is ever in memory
STAGING_PREFIX = "uploads/staging"  # multipart uploads, copied here (and hashed) before they are judged
CARDS_PREFIX = "uploads/cards"  # camera-card ZIPs waiting for their ingest job
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header, or the end record of an empty archive
ACCEPT_ALL = frozenset({"video", "image", "zip"})
FILE_MODE = 0o640  # as settings.FILE_UPLOAD_PERMISSIONS for files Django's storage writes


@dataclass(frozen=True)
class MediaFileCheck:
    """What a file is, judged by its content: `kind` video | image | zip, the stored file's `extension`,
    ffprobe's `probe` for a video, `width`/`height` in pixels for a still."""

    kind: str
    extension: str
    probe: ffmpeg.ProbeResult | None = None
    width: int | None = None
    height: int | None = None


# --- files -----------------------------------------------------------------------------------------

def storage_path(name: str) -> Path:
    """Absolute path of the storage name `name` on this host (FileSystemStorage under MEDIA_ROOT)."""
    return Path(default_storage.path(name))


def _remove(path: str | Path | None) -> None:
    if path:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


def _move_into_storage(source: Path, prefix: str, extension: str) -> tuple[str, Path]:
    """Move `source` (already under MEDIA_ROOT) to a generated name under `prefix` with os.replace; `(name, path)`."""
    name = generated_name(prefix, extension)
    dest = storage_path(name)
    dest.parent.mkdir(parents=True, exist_ok=True)
    os.replace(source, dest)
    os.chmod(dest, FILE_MODE)
    return name, dest


def stage_upload(upload: UploadedFile) -> tuple[Path, str]:
    """Copy a multipart upload to a generated staging file under MEDIA_ROOT, hashing it on the way.

    Returns `(absolute path, sha256 hex)`; 1 MiB chunks, so a large upload never sits in memory.
    """
    path = storage_path(generated_name(STAGING_PREFIX, "part"))
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    try:
        with open(path, "xb") as out:
            upload.seek(0)
            for chunk in upload.chunks(BLOCK_BYTES):
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        _remove(path)
        raise
    return path, digest.hexdigest()


# --- judging a file by its content -------------------------------------------------------------------

def _looks_like_zip(path: Path) -> bool:
    import zipfile

    with open(path, "rb") as handle:
        head = handle.read(4)
    return head in ZIP_MAGIC and zipfile.is_zipfile(path)


def _still(path: Path) -> tuple[str, int, int] | None:
    """`(extension, width, height)` of a JPEG/PNG/WebP still by Pillow, None for anything else (as apps.core.uploads.inspect_image)."""
    try:
        with Image.open(path) as image:
            fmt, (width, height) = image.format, image.size
            image.verify()
        if fmt not in IMAGE_FORMATS:
            return None
        with Image.open(path) as image:
            image.load()  # verify() does not decode pixels; a truncated file fails here
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    return IMAGE_FORMATS[fmt], width, height


def media_file_check(path: str | Path, *, accept=ACCEPT_ALL) -> MediaFileCheck:
    """Judge the file at `path` by its content, never its name.

    A ZIP (its local-file magic and a readable end record, zipfile.is_zipfile), a still (Pillow:
    JPEG, PNG, WebP, fully decoded) or a video (ffprobe, apps.media.ffmpeg.probe), tried in that
    order among the kinds in `accept`. Raises `ApplicationError` 400 `empty_file`, or
    `not_a_video` with ffprobe's reason for anything else.
    """
    path = Path(path)
    if path.stat().st_size == 0:
        raise ApplicationError("The file is empty.", code="empty_file")
    if "zip" in accept and _looks_like_zip(path):
        return MediaFileCheck(kind="zip", extension="zip")
    if "image" in accept and (still := _still(path)) is not None:
        extension, width, height = still
        return MediaFileCheck(kind="image", extension=extension, width=width, height=height)
    try:
        probe = ffmpeg.probe(path)
    except ffmpeg.MediaError as exc:
        raise ApplicationError(f"This file is not a video Slate can read: {exc}", code="not_a_video") from None
    return MediaFileCheck(kind="video", extension=probe.format_name.split(",")[0][:8] or "bin", probe=probe)


def still_poster(path: str | Path) -> tuple[str, int, int, int]:
    """Save a JPEG poster of a still (at most SLATE_PROXY_MAX_WIDTH wide, as storyboard frames get).

    Returns `(storage name, width px, height px, size bytes)`; the caller deletes it if what records it fails.
    """
    with Image.open(path) as image:
        poster = image.convert("RGB")
    poster.thumbnail((settings.SLATE_PROXY_MAX_WIDTH, settings.SLATE_PROXY_MAX_WIDTH * 4))
    buffer = io.BytesIO()  # a poster is small (≤ 1280 px wide JPEG)
    poster.save(buffer, "JPEG", quality=88)
    name = default_storage.save(generated_name("media/renditions", "jpg"), ContentFile(buffer.getvalue()))
    return name, poster.width, poster.height, buffer.tell()


# --- recording an asset --------------------------------------------------------------------------------

def check_links(*, production, take=None, replaces=None) -> None:
    """Refuse a take or an asset to replace from another production (400 `invalid`, nothing leaked)."""
    if take is not None and take.production_id != production.pk:
        raise ApplicationError("That take belongs to another production.", code="invalid")
    if replaces is not None and replaces.production_id != production.pk:
        raise ApplicationError("The asset to replace belongs to another production.", code="invalid")


def _placement(*, take, replaces) -> dict:
    """scene/shot/take and version fields of a new asset: a take sets its shot and scene; `replaces`
    makes it the next version of that lineage (v1 = replaces.first_version or replaces), links copied."""
    fields: dict = {}
    if replaces is not None:
        first = replaces.first_version or replaces
        first = MediaAsset.objects.select_for_update().get(pk=first.pk)  # one new version at a time per lineage
        highest = MediaAsset.objects.filter(Q(pk=first.pk) | Q(first_version=first)).aggregate(n=Max("version_number"))["n"] or 1
        fields.update(first_version=first, version_number=highest + 1, scene_id=replaces.scene_id, shot_id=replaces.shot_id,
                      take_id=replaces.take_id)
    if take is not None:
        shot = take.shot
        fields.update(take=take, shot=shot, scene_id=shot.scene_id)
    return fields


def media_asset_record(*, production, actor, source: Path, original_name: str, check: MediaFileCheck, sha256: str,
                  take=None, replaces=None, job: Job | None = None, poster: tuple | None = None,
                  moved: list[Path]) -> MediaAsset:
    """Inside the caller's transaction: move `source` to media/originals/<generated> and create the asset.

    A clip gets its own processing job (`asset.job`); a still is `ready` with its `poster` (from
    `still_poster`) and `job` (the card's ingest job, or none). Every moved file is appended to `moved`,
    so the caller can delete it when the transaction rolls back. Publishes `media_asset.created`.
    """
    size = source.stat().st_size
    name, dest = _move_into_storage(source, "media/originals", check.extension)
    moved.append(dest)
    fields = dict(production=production, original=name, original_name=display_filename(original_name), size_bytes=size,
                  sha256=sha256, uploaded_by=actor, **_placement(take=take, replaces=replaces))
    if check.kind == "image":
        asset = MediaAsset.objects.create(kind=MediaKind.IMAGE, status=MediaStatus.READY, format_name=check.extension,
                                          width=check.width, height=check.height, job=job, **fields)
        poster_name, width, height, poster_bytes = poster
        Rendition.objects.create(asset=asset, kind=RenditionKind.POSTER, file=poster_name, content_type="image/jpeg",
                                 width=width, height=height, size_bytes=poster_bytes)
    else:
        asset = MediaAsset.objects.create(kind=MediaKind.VIDEO, **fields)
        asset.job = job_create(production_id=production.pk, kind=PROCESS_KIND, actor=actor, params={"asset_id": asset.pk})
        asset.save(update_fields=["job"])
    publish_entity(asset, "created", actor=actor)
    return asset


def media_ingest_file(*, production, actor, path: str | Path, original_name: str, take=None, replaces=None,
                      sha256: str = "", expected_sha256: str = "", accept=ACCEPT_ALL) -> MediaAsset | Job:
    """Turn the file at `path` (under MEDIA_ROOT; this function owns it) into a media asset or a card job.

    Steps: the links are checked (`check_links`); the SHA-256 is computed (1 MiB blocks) unless given
    and compared with `expected_sha256` when given; the content is judged (`media_file_check`). A clip
    or still is moved with os.replace to media/originals/<generated>.<ext> (never the user's name) and
    becomes a MediaAsset (`media_asset_record`: a clip with its media.process job, a still ready with its
    JPEG poster), the next version of `replaces` when given. A ZIP has its central directory checked
    (apps.media.ingest.card_check) and becomes a `media.ingest_card` job (202 at the API) that unpacks it.

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
        _remove(path)
        for done in moved:
            _remove(done)
        if poster is not None:
            default_storage.delete(poster[0])
        raise


def _card_job_create(*, production, actor, path: Path, original_name: str, sha256: str, take, replaces, moved: list[Path]) -> Job:
    from apps.media.ingest import card_check

    if take is not None or replaces is not None:
        raise ApplicationError("A camera card holds many files: link its clips to takes one by one once it is unpacked.", code="invalid")
    card_check(path)
    with transaction.atomic():
        name, dest = _move_into_storage(path, CARDS_PREFIX, "zip")
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


def staging_sweep(*, older_than_s: float) -> int:
    """Delete staging and card files older than `older_than_s` seconds that nothing refers to any more.

    Staging files are always removed by the request that made them; one left behind is from a crashed
    process. A card ZIP is kept while a pending or running job names it. Returns how many were deleted.
    """
    import time

    from apps.jobs.models import JobStatus

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
                _remove(entry)
            deleted += 1
    return deleted


def media_asset_update(*, instance: MediaAsset, actor, version: int, **changes) -> MediaAsset:
    """Link a clip to a take (or unlink it); 409 when stale."""
    changes = {name: value for name, value in changes.items() if name in ("take",)}
    return entity_update(instance=instance, actor=actor, version=version, **changes)


def media_asset_delete(*, instance: MediaAsset, actor) -> None:
    """Delete a clip, its renditions and their files (after commit)."""
    names = [instance.original.name] + list(instance.renditions.values_list("file", flat=True))
    entity_delete(instance=instance, actor=actor)
    transaction.on_commit(lambda: [default_storage.delete(name) for name in names if name])

"""Card ingest: a camera-card ZIP unpacked safely into one media asset (and processing job) per clip or still.

The whole central directory is checked before a byte is unpacked (`card_check`): entry count,
declared total size and compression ratio (per entry and overall) against SLATE_ZIP_MAX_ENTRIES,
SLATE_ZIP_MAX_TOTAL_BYTES and SLATE_ZIP_MAX_RATIO; no absolute names, `..`, drive letters or
backslashes, no symbolic links or other special files, no encrypted entries (ZIP format:
PKWARE APPNOTE.TXT 4.4.4 general purpose bit 0, 4.4.15 external attributes with the Unix mode in
the high 16 bits). Entries are then copied in 1 MiB blocks counting the real bytes (a declared
size is never trusted), judged by their content like any upload (apps.media.services.media_file_check)
and recorded in one transaction. Any failure removes everything unpacked and created.

This module also holds the periodic clean-up of abandoned uploads (`uploads_cleanup`), because
apps.media.tasks imports it and the Huey worker therefore registers its periodic tasks.
"""
from __future__ import annotations

import hashlib
import logging
import re
import shutil
import stat
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from apps.core.errors import ApplicationError
from apps.jobs.services import JobContext, job_handler
from apps.media import services

log = logging.getLogger(__name__)

RATIO_FLOOR_BYTES = 64 * 1024  # below this an entry's ratio says little (a small sidecar XML compresses well)
JUNK_FILES = {".DS_Store", "Thumbs.db", "desktop.ini", ".Spotlight-V100", ".Trashes", ".fseventsd"}
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass
class CardPlan:
    """What `card_check` found: the file entries to unpack, and how many directories and OS files it ignores."""

    entries: list[zipfile.ZipInfo] = field(default_factory=list)
    ignored: int = 0
    declared_bytes: int = 0


def _shown(name: str) -> str:
    """An entry name safe to put in a message: control characters replaced, at most 120 characters."""
    text = "".join("?" if unicodedata.category(ch)[0] == "C" else ch for ch in name)
    return text if len(text) <= 120 else text[:117] + "…"


def unsafe(message: str) -> ApplicationError:
    """The 400 `zip_unsafe` error for a card that is refused before anything is unpacked."""
    return ApplicationError(message, code="zip_unsafe")


def _is_junk(parts: tuple[str, ...]) -> bool:
    return parts[0] == "__MACOSX" or parts[-1].startswith("._") or any(p in JUNK_FILES for p in parts)


def _check_name(name: str) -> tuple[str, ...]:
    """The path components of an entry name, or `zip_unsafe` when the name could escape the card folder."""
    shown = _shown(name)
    if not name or not name.strip("/"):
        raise unsafe("An entry of the card has no name.")
    if "\\" in name:
        raise unsafe(f"Entry {shown} uses a backslash in its path.")
    if name.startswith("/"):
        raise unsafe(f"Entry {shown} has an absolute path.")
    if _DRIVE.match(name):
        raise unsafe(f"Entry {shown} names a drive letter.")
    parts = tuple(p for p in PurePosixPath(name).parts if p not in ("", "."))
    if ".." in parts:
        raise unsafe(f"Entry {shown} escapes the card folder.")
    return parts


def card_check(path: str | Path) -> CardPlan:
    """Check a camera-card ZIP's central directory before anything is unpacked.

    Returns the `CardPlan` (file entries to unpack, in archive order; directories and OS files
    such as __MACOSX/, ._*, .DS_Store, Thumbs.db ignored). Raises `ApplicationError` 400 `zip_unsafe`
    naming the first problem: unreadable archive, more than SLATE_ZIP_MAX_ENTRIES entries, more than
    SLATE_ZIP_MAX_TOTAL_BYTES declared in all, a ratio (declared ÷ packed size) above SLATE_ZIP_MAX_RATIO
    for an entry of at least 64 KiB or for the whole card, a name that is absolute, has `..`, a drive
    letter or a backslash, a symbolic link or other non-regular file, an encrypted entry.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, NotImplementedError) as exc:
        raise unsafe(f"The card's ZIP cannot be read: {exc}.") from None
    limit_entries = settings.SLATE_ZIP_MAX_ENTRIES
    if len(infos) > limit_entries:
        raise unsafe(f"The card has {len(infos)} entries; at most {limit_entries} are accepted.")
    plan = CardPlan()
    packed = 0
    for info in infos:
        parts = _check_name(info.filename)
        shown = _shown(info.filename)
        mode = info.external_attr >> 16
        kind = stat.S_IFMT(mode)
        if kind == stat.S_IFLNK:
            raise unsafe(f"Entry {shown} is a symbolic link.")
        if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
            raise unsafe(f"Entry {shown} is not a regular file.")
        if info.flag_bits & 0x1:
            raise unsafe(f"Entry {shown} is encrypted.")
        if info.is_dir() or kind == stat.S_IFDIR:
            plan.ignored += 1
            continue
        ratio_limit = settings.SLATE_ZIP_MAX_RATIO
        if info.file_size >= RATIO_FLOOR_BYTES and info.file_size > ratio_limit * max(info.compress_size, 1):
            raise unsafe(f"Entry {shown} would unpack to {info.file_size / max(info.compress_size, 1):.0f} times its packed size "
                         f"(at most {ratio_limit:g} is accepted).")
        plan.declared_bytes += info.file_size
        packed += info.compress_size
        if _is_junk(parts):
            plan.ignored += 1
            continue
        plan.entries.append(info)
    if plan.declared_bytes > settings.SLATE_ZIP_MAX_TOTAL_BYTES:
        from apps.core.uploads import _size

        raise unsafe(f"The card would unpack to {_size(plan.declared_bytes)}; at most {_size(settings.SLATE_ZIP_MAX_TOTAL_BYTES)} is accepted.")
    if plan.declared_bytes >= RATIO_FLOOR_BYTES and plan.declared_bytes > settings.SLATE_ZIP_MAX_RATIO * max(packed, 1):
        raise unsafe(f"The card would unpack to {plan.declared_bytes / max(packed, 1):.0f} times its packed size "
                     f"(at most {settings.SLATE_ZIP_MAX_RATIO:g} is accepted).")
    return plan


def _extract(archive: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path) -> str:
    """Copy one entry to `dest` in 1 MiB blocks, counting real bytes; its SHA-256 hex.

    Raises `ApplicationError` when the entry holds more or fewer bytes than declared, or is damaged (CRC).
    """
    digest = hashlib.sha256()
    written = 0
    shown = _shown(info.filename)
    try:
        with archive.open(info) as source, open(dest, "xb") as out:
            while block := source.read(services.BLOCK_BYTES):
                written += len(block)
                if written > info.file_size:
                    raise ApplicationError(f"Entry {shown} holds more bytes than the card declares for it.")
                digest.update(block)
                out.write(block)
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError) as exc:
        raise ApplicationError(f"Entry {shown} cannot be unpacked: {exc}.") from None
    if written != info.file_size:
        raise ApplicationError(f"Entry {shown} holds {written} bytes but the card declares {info.file_size}.")
    return digest.hexdigest()


@job_handler(services.INGEST_CARD_KIND)
def media_ingest_card(ctx: JobContext) -> dict:
    """Job handler: unpack a camera-card ZIP (params `path` storage name, `original_name`) into media assets.

    Progress: 0–70 % unpacking (by bytes), 70–95 % judging each file, then recording. Each clip
    becomes an asset with its own media.process job; each still an asset `ready` with a JPEG poster
    (its `job` is this job); other files (sidecar XML, MHL...) are listed in `skipped` with the reason.
    Everything happens or nothing: on any failure (or cancellation) every unpacked file, poster, asset
    and job is removed and the job fails with the reason, e.g. "Entry ../x escapes the card folder.".
    The ZIP is deleted at the end either way. Returns `{"card", "entries", "ignored", "assets": [ids],
    "jobs": [ids], "skipped": [{"name", "reason"}]}`.
    """
    job = ctx.job
    zip_name = ctx.params["path"]
    zip_path = services.storage_path(zip_name)
    work = services.storage_path(f"{services.CARDS_PREFIX}/{job.pk.hex}.d")
    posters: list[str] = []
    moved: list[Path] = []
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
                             f"Unpacking {_shown(PurePosixPath(info.filename).name)} ({index + 1}/{len(plan.entries)})")
                dest = work / f"{index:05d}.bin"
                unpacked.append((info, dest, _extract(archive, info, dest)))
                done_bytes += info.file_size
        media: list[tuple[zipfile.ZipInfo, Path, str, services.MediaFileCheck, tuple | None]] = []
        skipped: list[dict] = []
        for index, (info, dest, digest) in enumerate(unpacked):
            ctx.progress(0.7 + 0.25 * index / max(len(unpacked), 1), f"Reading {_shown(PurePosixPath(info.filename).name)}")
            try:
                check = services.media_file_check(dest, accept=frozenset({"video", "image"}))
            except ApplicationError as exc:
                skipped.append({"name": info.filename, "reason": exc.message})
                continue
            poster = None
            if check.kind == "image":
                poster = services.still_poster(dest)
                posters.append(poster[0])
            media.append((info, dest, digest, check, poster))
        if not media:
            names = ", ".join(_shown(s["name"]) for s in skipped[:5]) or "nothing but folders and system files"
            raise ApplicationError(f"The card holds no clip or still Slate can read ({names}).")
        ctx.progress(0.95, "Adding the clips", force=True)
        with transaction.atomic():
            assets = [
                services.media_asset_record(production=job.production, actor=job.created_by, source=dest,
                                            original_name=PurePosixPath(info.filename).name, check=check, sha256=digest,
                                            job=job if check.kind == "image" else None, poster=poster, moved=moved)
                for info, dest, digest, check, poster in media
            ]
    except BaseException:
        for path in moved:
            services._remove(path)
        for name in posters:
            default_storage.delete(name)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
        services._remove(zip_path)
    return {"card": ctx.params.get("original_name", ""), "entries": len(plan.entries), "ignored": plan.ignored,
            "assets": [a.pk for a in assets], "jobs": [str(a.job_id) for a in assets if a.kind == "video"],
            "skipped": skipped}


CLEANUP_EVERY_MIN = max(1, min(59, settings.SLATE_UPLOAD_CLEANUP_INTERVAL_S // 60))


@db_periodic_task(crontab(minute=f"*/{CLEANUP_EVERY_MIN}"))
def uploads_cleanup() -> None:
    """Every SLATE_UPLOAD_CLEANUP_INTERVAL_S (whole minutes, 1–59): delete resumable uploads past `expires_at` with their bytes, and stale staging files.

    SLATE_UPLOAD_EXPIRY_S sets how long an unfinished upload lives (apps.media.tus.uploads_cleanup_expired).
    """
    from apps.media.tus import uploads_cleanup_expired

    removed = uploads_cleanup_expired()
    swept = services.staging_sweep(older_than_s=settings.SLATE_UPLOAD_EXPIRY_S)
    if removed or swept:
        log.info("uploads cleanup: %d expired upload(s), %d stale staging file(s)", removed, swept)

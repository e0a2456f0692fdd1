"""Files of dailies on this host's storage: where a storage name lives, staging, moving into place, hashing, removing.

No database and no events: the services (apps.media.services) call these while they record what
the files are. Everything is read and copied in 1 MiB blocks, so no whole file is ever in memory.
Files are generated names under MEDIA_ROOT (FileSystemStorage), never the user's file name.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Callable

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile

from apps.core import metrics
from apps.core.uploads import generated_name

BLOCK_BYTES = 1024 * 1024  # reads and copies go in 1 MiB blocks: no whole file is ever in memory
STAGING_PREFIX = "uploads/staging"  # multipart uploads, copied here (and hashed) before they are judged
CARDS_PREFIX = "uploads/cards"  # camera-card ZIPs waiting for their ingest job
FILE_MODE = 0o640  # as settings.FILE_UPLOAD_PERMISSIONS for files Django's storage writes


def storage_path(name: str) -> Path:
    """Absolute path of the storage name `name` on this host (FileSystemStorage under MEDIA_ROOT)."""
    return Path(default_storage.path(name))


def remove_file(path: str | Path | None) -> None:
    """Delete the file at `path` (absolute) if there is one; a missing file or a None/empty path is not an error.

    For files the media services own by path (staging, partial uploads, cards, moved originals
    being rolled back); stored files named in the database go through `default_storage.delete`.
    """
    if path:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


def move_into_storage(source: Path, prefix: str, extension: str) -> tuple[str, Path]:
    """Move `source` (already under MEDIA_ROOT) to a generated name under `prefix` with os.replace.

    The file gets FILE_MODE. Returns `(storage name, absolute path)`; `source` is gone afterwards.
    """
    name = generated_name(prefix, extension)
    dest = storage_path(name)
    dest.parent.mkdir(parents=True, exist_ok=True)
    os.replace(source, dest)
    os.chmod(dest, FILE_MODE)
    return name, dest


def stage_upload(upload: UploadedFile) -> tuple[Path, str]:
    """Copy a multipart upload to a generated staging file under MEDIA_ROOT, hashing it on the way.

    Returns `(absolute path, sha256 hex)`; 1 MiB chunks, so a large upload never sits in memory. Counts the
    bytes in `slate_upload_bytes_total`.
    """
    path = storage_path(generated_name(STAGING_PREFIX, "part"))
    path.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    try:
        with open(path, "xb") as out:
            upload.seek(0)
            for chunk in upload.chunks(BLOCK_BYTES):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
    except BaseException:
        remove_file(path)
        raise
    metrics.UPLOAD_BYTES.inc(size)
    return path, digest.hexdigest()


def file_sha256(path: Path, *, on_block: Callable[[int], None] | None = None) -> str:
    """Hex SHA-256 of a file, read in 1 MiB blocks (never whole in memory); on_block(bytes read so far)."""
    digest, done = hashlib.sha256(), 0
    with path.open("rb") as handle:
        while block := handle.read(BLOCK_BYTES):
            digest.update(block)
            done += len(block)
            if on_block is not None:
                on_block(done)
    return digest.hexdigest()

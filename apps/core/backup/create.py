"""Making a backup: the database in one snapshot, then the job queue, then the media files, then the manifest.

The order is the consistency: the rows are those of one moment (one PostgreSQL snapshot, one SQLite read
transaction), and the media is copied after it, so every file a row of the dump names was there to be
copied unless it was deleted meanwhile or lost before; those are listed in the manifest's
`missing_files` and reported. Files written after the snapshot may come along; nothing names them.
"""
from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Callable

import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from apps.core.backup import postgres, sqlite
from apps.core.backup.layout import FORMAT, FORMAT_VERSION, MANIFEST, QUEUE, BackupError, BackupWriter, container_of
from apps.core.backup.media import media_copy
from apps.core.backup.queue import queue_read


def slate_release() -> dict:
    """{"version": Slate's version (the API's), "commit": SLATE_COMMIT, else git's HEAD of the checkout, else None}."""
    commit = settings.SLATE_COMMIT or None
    if commit is None:
        try:
            done = subprocess.run(["git", "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"], capture_output=True,
                                  text=True, timeout=10)
            commit = done.stdout.strip() if done.returncode == 0 else None
        except (OSError, subprocess.SubprocessError):
            commit = None
    return {"version": settings.SPECTACULAR_SETTINGS.get("VERSION"), "commit": commit}


def backup_create(target: Path, *, container: str | None = None, pg_format: str = "custom",
                  say: Callable[[str], None] = lambda line: None) -> dict:
    """Write a backup of the database, the job queue and MEDIA_ROOT to `target`; returns its manifest.

    `container`: 'dir', 'tar' or 'tar.gz' (default: by `target`'s suffix, a folder otherwise); `pg_format`:
    pg_dump's 'custom' (default) or 'plain' SQL. `say` gets a line per step. The manifest (`manifest.json`)
    holds the format, `created_at` (the snapshot's time, UTC), Slate's version and commit, the database
    (vendor, file, size, sha256, versions), the applied migrations per app, the rows per model, the media
    files' sizes and SHA-256, the files rows name that are missing, and the queue's message counts.
    Raises BackupError (nothing is left behind then).
    """
    media_root = Path(settings.MEDIA_ROOT).resolve()
    target = Path(target).resolve()
    if target == media_root or media_root in target.parents:
        raise BackupError(f"{target} is inside MEDIA_ROOT ({media_root}): a backup there would copy itself. "
                          "Write it elsewhere.")
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise BackupError(f"Backups cover PostgreSQL and SQLite; this database is {vendor}.")
    writer = BackupWriter(target, container_of(target, container))
    started = time.monotonic()
    try:
        created_at = timezone.now()
        if vendor == "postgresql":
            database, found = postgres.dump(writer.workspace, pg_format)
        else:
            database, found = sqlite.dump(writer.workspace)
        database["size"], database["sha256"] = writer.add_produced(database["file"])
        say(f"database: {vendor}, {sum(found.rows.values())} rows in {len(found.rows)} tables "
            f"({database['size']} bytes)")
        try:
            queue = queue_read()
        except (redis.RedisError, OSError) as exc:
            raise BackupError(f"Redis (REDIS_URL) did not answer, so the job queue could not be read: {exc}") from None
        if queue is not None:
            writer.add_bytes(QUEUE, json.dumps(queue).encode())
            say(f"job queue: {len(queue['pending'])} pending, {len(queue['scheduled'])} scheduled")
        files = media_copy(media_root, writer)
        say(f"media: {len(files)} files, {sum(f['size'] for f in files.values())} bytes")
        missing = [{"model": label, "field": field, "pk": pk, "name": name}
                   for label, field, pk, name in found.files if name not in files]
        for item in missing:
            say(f"missing file: {item['name']} ({item['model']} {item['pk']}, field {item['field']})")
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": created_at.isoformat(),
            "slate": slate_release(),
            "database": database,
            "migrations": found.migrations,
            "rows": found.rows,
            "media": {"count": len(files), "bytes": sum(f["size"] for f in files.values()), "files": files},
            "missing_files": missing,
            "queue": None if queue is None else {"file": QUEUE, "huey": queue["huey"], "pending": len(queue["pending"]),
                                                 "scheduled": len(queue["scheduled"])},
            "duration_s": 0.0,
        }
        manifest["duration_s"] = round(time.monotonic() - started, 3)
        writer.add_bytes(MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())
        writer.commit()
    except BaseException:
        writer.abort()
        raise
    return manifest

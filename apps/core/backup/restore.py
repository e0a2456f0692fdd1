"""Restoring a backup onto an empty install: checks first, then the database, the media files, the job queue.

Nothing is touched until the backup has been read whole and checked: its manifest, the database's vendor
(a PostgreSQL backup goes back into PostgreSQL, SQLite into SQLite), migrations this code does not know
(a backup of a newer Slate), the dump's and every media file's SHA-256, and that the install is empty —
no row in any of Slate's tables (a fresh `manage.py migrate` is empty) and no file under MEDIA_ROOT.
`force` skips the emptiness and migrations checks: the database is then replaced whole and the backup's
files are written over MEDIA_ROOT (other files there stay). Afterwards the rows per model are counted
again and must equal the manifest's.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import redis
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from apps.core.backup import postgres, sqlite
from apps.core.backup.inventory import Inventory, read_inventory, slate_rows
from apps.core.backup.layout import FORMAT, FORMAT_VERSION, MANIFEST, BackupError, file_digest, opened_backup
from apps.core.backup.media import media_check, media_files, media_put_back
from apps.core.backup.queue import queue_write

SHOWN = 8  # problems listed in an error before "… and N more"


def _listed(items: list[str]) -> str:
    more = f"; … and {len(items) - SHOWN} more" if len(items) > SHOWN else ""
    return "; ".join(items[:SHOWN]) + more


def read_manifest(folder: Path) -> dict:
    """The manifest of the backup in `folder`; raises BackupError when there is none or it is not Slate's."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
    except FileNotFoundError:
        raise BackupError(f"No {MANIFEST} in the backup: it is incomplete or not a Slate backup.") from None
    except ValueError as exc:
        raise BackupError(f"The backup's {MANIFEST} is not valid JSON: {exc}") from None
    if manifest.get("format") != FORMAT or not isinstance(manifest.get("format_version"), int):
        raise BackupError(f"The backup's {MANIFEST} is not a Slate backup's.")
    if manifest["format_version"] > FORMAT_VERSION:
        raise BackupError(f"The backup has format {manifest['format_version']}; this Slate reads up to {FORMAT_VERSION}. "
                          "Restore it with a newer Slate.")
    return manifest


def live_inventory() -> Inventory:
    """The default database's inventory now (rows per model, applied migrations, stored file names)."""
    with connection.cursor() as cursor:
        return read_inventory(cursor, set(connection.introspection.table_names(cursor)))


def _known_migrations() -> set[tuple[str, str]]:
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def _check_migrations(applied: dict[str, list[str]]) -> None:
    known = _known_migrations()
    apps_here = {app for app, _ in known}
    unknown = [f"{app}.{name}" for app, names in applied.items() if app in apps_here
               for name in names if (app, name) not in known]
    if unknown:
        raise BackupError(f"The backup was made by a newer Slate: its migrations {_listed(unknown)} are unknown to this "
                          "code. Upgrade Slate to that version or newer, then restore (or pass --force).")


def _check_empty(media_root: Path) -> None:
    with connection.cursor() as cursor:
        rows = slate_rows(cursor, set(connection.introspection.table_names(cursor)))
    has_files = next(media_files(media_root), None) is not None
    if not rows and not has_files:
        return
    found = []
    if rows:
        found.append(f"the database has rows in Slate's tables ({_listed([f'{k}: {v}' for k, v in rows.items()])})")
    if has_files:
        found.append(f"MEDIA_ROOT ({media_root}) holds files")
    raise BackupError(f"This install is not empty: {' and '.join(found)}. A restore fills an empty install only: point "
                      "DATABASE_URL and MEDIA_ROOT at a new database (migrated or not) and an empty folder, or pass "
                      "--force to replace this database whole and write the backup's files over MEDIA_ROOT.")


def _check_files(folder: Path, manifest: dict) -> None:
    database = manifest["database"]
    path = folder / database["file"]
    if not path.is_file():
        raise BackupError(f"The backup has no {database['file']}: it is incomplete.")
    if file_digest(path) != (database["size"], database["sha256"]):
        raise BackupError(f"{database['file']} does not match the manifest's size and SHA-256: the backup is damaged.")
    problems = media_check(folder, manifest["media"]["files"])
    if problems:
        raise BackupError(f"The backup's media files do not match its manifest: {_listed(problems)}.")


def backup_restore(source: Path, *, force: bool = False, say: Callable[[str], None] = lambda line: None) -> dict:
    """Restore the backup at `source` (a folder, `.tar` or `.tar.gz` from `backup_create`) into this install.

    Returns a summary: {"rows": total, "models": tables, "media": {"count", "bytes"}, "queue": (pending,
    scheduled) or None, "unapplied_migrations": [this code's migrations the backup had not applied]}.
    Raises BackupError before changing anything when a check fails, and after restoring the database when
    its rows do not count as the manifest says (the media and queue are then left as they were).
    """
    media_root = Path(settings.MEDIA_ROOT).resolve()
    with opened_backup(Path(source), staging_parent=media_root.parent) as (folder, movable):
        manifest = read_manifest(folder)
        database = manifest["database"]
        vendor = connection.vendor
        if database.get("vendor") != vendor:
            raise BackupError(f"The backup holds a {database.get('vendor')} database and this install uses {vendor}: "
                              "restore it into the same kind of database (DATABASE_URL).")
        if not force:
            _check_migrations(manifest["migrations"])
            _check_empty(media_root)
        _check_files(folder, manifest)
        saved_queue = None
        if manifest.get("queue"):
            saved_queue = json.loads((folder / manifest["queue"]["file"]).read_text("utf-8"))
        say(f"backup of {manifest['created_at']} (Slate {manifest['slate'].get('version')}, "
            f"commit {manifest['slate'].get('commit') or 'unknown'}): checked")

        if vendor == "postgresql":
            postgres.restore(folder / database["file"], database)
        else:
            sqlite.restore(folder / database["file"])
        restored = live_inventory()
        differ = [f"{label}: {manifest['rows'].get(label)} in the backup, {restored.rows.get(label)} restored"
                  for label in sorted(set(manifest["rows"]) | set(restored.rows))
                  if manifest["rows"].get(label) != restored.rows.get(label)]
        if differ:
            raise BackupError(f"The restored database does not count as the backup's manifest says: {_listed(differ)}.")
        say(f"database: {sum(restored.rows.values())} rows in {len(restored.rows)} tables, as in the backup")
        files = manifest["media"]["files"]
        media_put_back(folder, files, media_root, move=movable)
        say(f"media: {len(files)} files, {manifest['media']['bytes']} bytes, checksums verified")
        queued = None
        if saved_queue is not None:
            try:
                queued = queue_write(saved_queue)
            except (redis.RedisError, OSError) as exc:
                raise BackupError(f"The database and media are restored, but Redis (REDIS_URL) did not answer, so the "
                                  f"job queue was not: {exc}. The reaper re-sends pending jobs once workers run.") from None
            if queued is not None:
                say(f"job queue: {queued[0]} pending, {queued[1]} scheduled put back")

    applied = {(app, name) for app, names in restored.migrations.items() for name in names}
    unapplied = sorted(f"{app}.{name}" for app, name in _known_migrations() - applied)
    return {"rows": sum(restored.rows.values()), "models": len(restored.rows),
            "media": {"count": len(files), "bytes": manifest["media"]["bytes"]}, "queue": queued,
            "unapplied_migrations": unapplied}

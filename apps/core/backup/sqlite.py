"""SQLite: a consistent copy of the live database through SQLite's online backup API, and back.

`Connection.backup` copies every page in one step (pages=-1), inside one read transaction: the copy is
the database as of one moment, while writers go on (WAL). The copy is switched to the rollback journal
so the backup is one self-contained file; the restore copies it back the same way into the configured
file (which other connections see at once: SQLite compares its change counter on their next read).
https://www.sqlite.org/backup.html
"""
from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from django.db import connection, connections

from apps.core.backup.inventory import Inventory, read_inventory
from apps.core.backup.layout import BackupError

DUMP_FILE = "database.sqlite3"
BUSY_TIMEOUT_S = 30.0


def database_file() -> Path:
    """The configured SQLite database file; raises BackupError for an in-memory database."""
    name = str(connection.settings_dict["NAME"])
    if name in ("", ":memory:") or name.startswith("file::memory:"):
        raise BackupError("The database is in memory: there is nothing to back up or restore into.")
    return Path(name)


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def dump(workspace: Path) -> tuple[dict, Inventory]:
    """Copy the live database into `workspace / database.sqlite3` with the online backup API, then read
    its inventory from the copy. Returns (the manifest's `database` part, the inventory). Raises BackupError."""
    source_path = database_file()
    if not source_path.exists():
        raise BackupError(f"No SQLite database at {source_path}: run `manage.py migrate` first.")
    target = workspace / DUMP_FILE
    with contextlib.closing(sqlite3.connect(source_path, timeout=BUSY_TIMEOUT_S)) as source, \
            contextlib.closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")
        found = read_inventory(copy.cursor(), _tables(copy))
        version = sqlite3.sqlite_version
    return {"vendor": "sqlite", "file": DUMP_FILE, "format": "sqlite", "sqlite_version": version}, found


def restore(path: Path) -> None:
    """Replace the configured database's contents with the copy at `path` (online backup API, one step).

    Django's connections are closed first. Raises BackupError when the copy is not a readable database.
    """
    target_path = database_file()
    target_path.parent.mkdir(parents=True, exist_ok=True)
    connections.close_all()
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as source, \
                contextlib.closing(sqlite3.connect(target_path, timeout=BUSY_TIMEOUT_S)) as target:
            source.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            source.backup(target)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"Could not copy {path} into {target_path}: {exc}") from None

"""Backups into SLATE_BACKUP_DIR with retention, and when the worker makes them (SLATE_BACKUP_CRON).

`backup_to_folder()` writes `slate-backup-<UTC time>` (+ `.tar` / `.tar.gz`, SLATE_BACKUP_FORMAT) into
SLATE_BACKUP_DIR and keeps the newest SLATE_BACKUP_KEEP there; `manage.py backup` without a path and the
periodic task (`apps.core.tasks`, registered only when both SLATE_BACKUP_DIR and SLATE_BACKUP_CRON are set)
both call it. Every worker process's Huey scheduler asks the periodic task whether it is due each minute;
`backup_schedule`'s answer is yes for one of them only, the first to claim that minute in Huey's storage,
so N worker processes make one backup, not N.
"""
from __future__ import annotations

import logging
import re
import shutil
from datetime import datetime
from pathlib import Path
from typing import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from huey import crontab
from huey.constants import EmptyData
from huey.contrib.djhuey import HUEY

from apps.core.backup.create import backup_create
from apps.core.backup.layout import BackupError

log = logging.getLogger(__name__)

PREFIX = "slate-backup-"
SUFFIXES = {"dir": "", "tar": ".tar", "tar.gz": ".tar.gz"}
NAMED = re.compile(r"^slate-backup-\d{8}T\d{6}Z(\.tar|\.tar\.gz)?$")  # only complete backups this module named
LAST_SLOT_KEY = "slate.backup.last-slot"


def backup_prune(folder: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` backups named `slate-backup-<time>` in `folder` (0: keep them all).

    Other files, and backups still being written (`.…partial`), are never touched. Returns what was removed.
    """
    if keep <= 0 or not folder.is_dir():
        return []
    backups = sorted(path for path in folder.iterdir() if NAMED.match(path.name))
    removed = backups[:-keep]
    for path in removed:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    return removed


def backup_to_folder(*, container: str | None = None, pg_format: str = "custom",
                     say: Callable[[str], None] = lambda line: None) -> tuple[Path, dict, list[Path]]:
    """Make a backup in SLATE_BACKUP_DIR named by the time, then prune the folder to SLATE_BACKUP_KEEP backups.

    `container` defaults to SLATE_BACKUP_FORMAT. Returns (the backup's path, its manifest, the backups removed).
    Raises BackupError, also when SLATE_BACKUP_DIR is not set.
    """
    if not settings.SLATE_BACKUP_DIR:
        raise BackupError("Name a backup path, or set SLATE_BACKUP_DIR to the folder backups go to.")
    container = container or settings.SLATE_BACKUP_FORMAT
    if container not in SUFFIXES:
        raise BackupError(f"SLATE_BACKUP_FORMAT is {container!r}: use one of {', '.join(SUFFIXES)}.")
    folder = Path(settings.SLATE_BACKUP_DIR)
    path = folder / f"{PREFIX}{timezone.now():%Y%m%dT%H%M%SZ}{SUFFIXES[container]}"
    manifest = backup_create(path, container=container, pg_format=pg_format, say=say)
    removed = backup_prune(folder, settings.SLATE_BACKUP_KEEP)
    return path, manifest, removed


def _claim(minute: datetime) -> bool:
    """True for the first worker process to claim `minute` (Huey's storage, shared by all); False for the rest."""
    slot = f"slate.backup.slot.{minute:%Y%m%d%H%M}"
    try:
        if not HUEY.storage.put_if_empty(slot, b"1"):
            return False
        previous = HUEY.storage.peek_data(LAST_SLOT_KEY)
        if previous is not EmptyData and previous.decode() != slot:
            HUEY.storage.delete_data(previous.decode())  # one claimed slot is kept at a time
        HUEY.storage.put_data(LAST_SLOT_KEY, slot.encode())
        return True
    except Exception:  # noqa: BLE001 — the scheduler must go on; this minute's backup is skipped, logged
        log.exception("scheduled backup: could not claim %s in Huey's storage; skipped", slot)
        return False


def backup_schedule(cron: str) -> Callable[[datetime], bool]:
    """The periodic backup's `validate_datetime`: true in the minutes `cron` names, for one worker process only.

    `cron`: five crontab fields, minute hour day month day-of-week, in Huey's clock (UTC: settings.HUEY
    `utc`), e.g. "30 3 * * *" for 03:30 every day. Raises ImproperlyConfigured for anything else.
    """
    fields = cron.split()
    if len(fields) != 5:
        raise ImproperlyConfigured(f"SLATE_BACKUP_CRON must be five crontab fields (e.g. '30 3 * * *'), not {cron!r}.")
    try:
        matches = crontab(*fields, strict=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"SLATE_BACKUP_CRON {cron!r}: {exc}") from None

    def due(when: datetime) -> bool:
        return bool(matches(when)) and _claim(when)

    return due

"""Core's Huey side: the hourly clean-up of kept Idempotency-Key answers, and the scheduled backup, a periodic
task registered only when SLATE_BACKUP_DIR and SLATE_BACKUP_CRON are both set (apps.jobs imports every app's
`tasks` module when Django starts; run_huey too).

Each time it is due (SLATE_BACKUP_CRON, UTC) one worker writes a backup into SLATE_BACKUP_DIR and keeps
the newest SLATE_BACKUP_KEEP there (apps/core/backup/schedule.py).
"""
from __future__ import annotations

import logging

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from apps.core.backup import backup_schedule, backup_to_folder
from apps.core.idempotency import idempotency_records_delete_expired

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="41"))
def idempotency_records_cleanup() -> None:
    """Hourly: delete the Idempotency-Key records older than SLATE_IDEMPOTENCY_KEEP_S (apps.core.idempotency)."""
    deleted = idempotency_records_delete_expired()
    if deleted:
        log.info("idempotency keys: deleted %d record(s) older than %d s", deleted, settings.SLATE_IDEMPOTENCY_KEEP_S)


if settings.SLATE_BACKUP_DIR and settings.SLATE_BACKUP_CRON:

    @db_periodic_task(backup_schedule(settings.SLATE_BACKUP_CRON))
    def scheduled_backup() -> None:
        """Write a backup into SLATE_BACKUP_DIR and prune the folder to SLATE_BACKUP_KEEP backups (logged)."""
        path, manifest, removed = backup_to_folder()
        log.info("scheduled backup: %s (%d rows, %d media files, %d missing); removed %d old backup(s)", path,
                 sum(manifest["rows"].values()), manifest["media"]["count"], len(manifest["missing_files"]), len(removed))

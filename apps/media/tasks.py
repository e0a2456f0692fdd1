"""Media's Huey side: the media job handlers, and the periodic clean-up of abandoned uploads.

apps.jobs imports every app's `tasks` module when Django starts (AppConfig.ready). Importing
apps.media.services registers the media job handlers with `apps.jobs.services.job_handler` (run by
`apps.jobs.tasks.job_execute` in the worker): pipeline (media.process), ingest (media.ingest_card),
clips (media.clip), reels (media.selects_reel). `uploads_cleanup` is a periodic task of the worker.
"""
from __future__ import annotations

import logging

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from apps.media.services import staging_sweep, uploads_cleanup_expired  # importing the package registers the job handlers

log = logging.getLogger(__name__)

CLEANUP_EVERY_MIN = max(1, min(59, settings.SLATE_UPLOAD_CLEANUP_INTERVAL_S // 60))


@db_periodic_task(crontab(minute=f"*/{CLEANUP_EVERY_MIN}"))
def uploads_cleanup() -> None:
    """Every SLATE_UPLOAD_CLEANUP_INTERVAL_S (whole minutes, 1–59): delete resumable uploads past `expires_at` with their bytes, and stale staging files.

    SLATE_UPLOAD_EXPIRY_S sets how long an unfinished upload lives (apps.media.services.uploads.uploads_cleanup_expired).
    """
    removed = uploads_cleanup_expired()
    swept = staging_sweep(older_than_s=settings.SLATE_UPLOAD_EXPIRY_S)
    if removed or swept:
        log.info("uploads cleanup: %d expired upload(s), %d stale staging file(s)", removed, swept)

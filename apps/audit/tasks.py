"""The audit log's Huey side: the daily prune of entries past SLATE_AUDIT_RETENTION_DAYS (apps.jobs imports every
app's `tasks` module when Django starts; run_huey too)."""
from __future__ import annotations

import logging

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from apps.audit.services import audit_prune

log = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="3", minute="23"))
def audit_entries_prune() -> None:
    """Daily at 03:23 UTC: delete the audit entries older than SLATE_AUDIT_RETENTION_DAYS (apps.audit.services.audit_prune)."""
    deleted = audit_prune()
    if deleted:
        log.info("audit log: deleted %d entr(ies) older than %d days", deleted, settings.SLATE_AUDIT_RETENTION_DAYS)

"""What the notifications app does when other apps signal something (connected in `NotificationsConfig.ready()`)."""
from __future__ import annotations

import logging

from django.db import transaction

from apps.jobs.models import JobStatus
from apps.notifications import services

log = logging.getLogger(__name__)


def job_finished_notify(sender, *, job, actor=None, **kwargs) -> None:
    """`apps.jobs.signals.job_finished`: tell the job's creator it succeeded or failed (kinds `job_succeeded` /
    `job_failed`; title "Script import finished", body the job's message or error, ≤1,000 characters), in a savepoint.

    A notification problem is logged and rolled back on its own; it never fails or undoes the job.
    """
    what = job.kind.replace(".", " ").replace("_", " ").capitalize()
    succeeded = job.status == JobStatus.SUCCEEDED
    try:
        with transaction.atomic():
            services.notify(recipients=[job.created_by_id], production=job.production_id,
                            kind="job_succeeded" if succeeded else "job_failed",
                            title=f"{what} {'finished' if succeeded else 'failed'}",
                            body=(job.message if succeeded else job.error)[:1000],
                            url=f"/productions/{job.production_id}/jobs", entity="job", entity_id=job.pk, actor=actor)
    except Exception:  # noqa: BLE001 — a notification must never break a job
        log.exception("could not notify the creator of job %s", job.pk)

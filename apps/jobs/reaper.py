"""Reaping: running jobs whose worker died go back to `pending` (or fail after the last attempt);
pending jobs whose queue message was lost are sent again. Run by the worker at start-up and every
minute (`apps.jobs.tasks`); re-exported by `apps.jobs.services`.
"""
from __future__ import annotations

import os
import socket
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.core import metrics
from apps.core.processes import pid_alive
from apps.jobs import enqueue, running, services
from apps.jobs.models import Job, JobStatus
from apps.realtime.services import publish_entity

# A pending job this old that is not on the queue lost its message (Redis restarted before its
# append-only file had it, a worker died between taking a message and starting the job).
LOST_PENDING_AFTER_S = 30.0


def _worker_is_gone(worker: str, *, at_startup: bool) -> bool:
    """True when `worker` ("host:pid") ran on this host and that process is dead — or, `at_startup`,
    is this very process (a restarted worker given its predecessor's pid, as in a container)."""
    worker_host, _, pid = worker.rpartition(":")
    if worker_host != socket.gethostname() or not pid.isdigit():
        return False
    return not pid_alive(int(pid)) or (at_startup and int(pid) == os.getpid())


def job_reap_stale(*, stale_after_s: float | None = None, at_startup: bool = False) -> list[Job]:
    """Find running jobs whose worker died and re-queue them (or fail them after the last attempt).

    A worker is dead when its heartbeat is older than `stale_after_s` (SLATE_JOB_STALE_AFTER_S),
    or when it ran on this host and its process is gone (`at_startup`: or it is this process, which
    runs none of them yet). A job this process is running is never taken. Each job is checked again
    under its row lock, for the very attempt that was found, so a job that a new attempt took
    meanwhile is left alone. Returns the jobs it changed.
    """
    stale_after_s = settings.SLATE_JOB_STALE_AFTER_S if stale_after_s is None else stale_after_s
    changed = []
    for job in Job.objects.filter(status=JobStatus.RUNNING).only("id", "worker", "heartbeat_at", "attempts"):
        if _is_dead(job, stale_after_s, at_startup):
            reaped = _reap(job.pk, attempt=job.attempts, stale_after_s=stale_after_s, at_startup=at_startup)
            if reaped is not None:
                changed.append(reaped)
    if changed:
        metrics.JOBS_REAPED.inc(len(changed))
    return changed


def _is_dead(job: Job, stale_after_s: float, at_startup: bool) -> bool:
    if job.pk in running.RUNNING_HERE:
        return False
    cutoff = timezone.now() - timedelta(seconds=stale_after_s)
    return _worker_is_gone(job.worker, at_startup=at_startup) or job.heartbeat_at is None or job.heartbeat_at < cutoff


@transaction.atomic
def _reap(job_pk, *, attempt: int, stale_after_s: float, at_startup: bool) -> Job | None:
    job = Job.objects.select_for_update().filter(pk=job_pk, status=JobStatus.RUNNING, attempts=attempt).first()
    if job is None or not _is_dead(job, stale_after_s, at_startup):
        return None
    if job.cancel_requested:
        services.job_finish(job, JobStatus.CANCELLED, message="Cancelled")
    elif job.attempts < settings.SLATE_JOB_MAX_ATTEMPTS:
        job.status, job.progress, job.worker = JobStatus.PENDING, 0.0, ""
        job.message = f"The worker stopped; retrying (attempt {job.attempts + 1} of {settings.SLATE_JOB_MAX_ATTEMPTS})"
        job.save(update_fields=["status", "progress", "worker", "message", "updated_at"])
        publish_entity(job, "updated")
        transaction.on_commit(lambda: services.job_enqueue(job_id=job.pk))
    else:
        services.job_finish(job, JobStatus.FAILED, message="Failed",
                error=f"The worker running this job stopped during attempt {job.attempts} of {settings.SLATE_JOB_MAX_ATTEMPTS}.")
    return job


def _queued_job_ids(limit: int = 10_000) -> set[str] | None:
    """Ids of the jobs whose `job_execute` message waits on the queue now; None when the queue holds
    more than `limit` messages or Redis does not answer (then any pending job may be on it)."""
    import redis
    from huey.contrib.djhuey import HUEY

    if HUEY.immediate:
        return set()
    try:
        items = enqueue.queue_storage().enqueued_items(limit + 1)
    except (redis.RedisError, OSError):
        return None
    if len(items) > limit:
        return None
    ids = set()
    for data in items:
        message = HUEY.deserialize_task(data)
        if message.name.endswith("job_execute") and message.args:
            ids.add(str(message.args[0]))
    return ids


def job_requeue_lost(*, older_than_s: float = LOST_PENDING_AFTER_S) -> list[Any]:
    """Re-enqueue pending jobs older than `older_than_s` seconds whose message is not on the queue
    (lost with Redis, or with a worker killed between taking it and starting the job); returns their ids.

    When the queue cannot be read (too long, Redis away) only jobs pending for ten times as long are
    sent again. Stops at the first job Redis does not take. Duplicate delivery is harmless: `job_run`
    leaves a job alone once it is not pending.
    """
    queued = _queued_job_ids()
    if queued is None:
        older_than_s *= 10
    cutoff = timezone.now() - timedelta(seconds=older_than_s)
    candidates = Job.objects.filter(status=JobStatus.PENDING, updated_at__lt=cutoff).values_list("pk", flat=True)[:100]
    ids = [pk for pk in candidates if queued is None or str(pk) not in queued]
    sent = []
    for job_id in ids:
        Job.objects.filter(pk=job_id, status=JobStatus.PENDING).update(updated_at=timezone.now())
        if not services.job_enqueue(job_id=job_id):
            break
        sent.append(job_id)
    return sent

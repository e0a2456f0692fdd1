"""The Huey tasks: one that runs any job through the wrapper, and the periodic reaper; the worker's start-up
(reaping, and the heartbeat thread of apps/jobs/heartbeat.py)."""
from __future__ import annotations

import logging

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from apps.core.logs import bound_request_id
from apps.jobs import heartbeat, services

log = logging.getLogger(__name__)


@db_task()
def job_execute(job_id: str, request_id: str | None = None) -> None:
    """Run the job `job_id` (a UUID string) through `apps.jobs.services.job_run`.

    `request_id`: the id of the request that created the job (apps.jobs.enqueue puts it in the message), so
    every log line of the run carries it (apps.core.logs).
    """
    with bound_request_id(request_id):
        log.info("job %s: starting", job_id)
        job = services.job_run(job_id)
        if job is not None:
            log.info("job %s (%s): %s", job_id, job.kind, job.status)


@db_periodic_task(crontab(minute="*"))
def job_reaper() -> None:
    """Every minute: re-run or fail jobs of dead workers; re-enqueue pending jobs whose message was lost."""
    reaped = services.job_reap_stale()
    requeued = services.job_requeue_lost()
    if reaped or requeued:
        log.info("reaper: %d stale running job(s), %d lost pending job(s)", len(reaped), len(requeued))


@HUEY.on_startup()
def _lower_worker_priority() -> None:
    """When a worker thread starts: run it at SLATE_WORKER_NICE, so that the web process, sharing the cores, answers
    members first. Linux keeps a nice value per thread (`man 7 sched`: "the nice value is a per-thread attribute"),
    and Huey calls this in each worker thread; the ffmpeg a job starts inherits it. Raising one's own nice value
    needs no privilege; a refusal (a container that forbids it) is logged and the worker goes on."""
    import os

    try:
        os.setpriority(os.PRIO_PROCESS, 0, max(os.getpriority(os.PRIO_PROCESS, 0), settings.SLATE_WORKER_NICE))
    except (OSError, AttributeError) as exc:
        log.warning("worker priority left as it was: %s", exc)


@HUEY.on_startup()
def _start_worker_heartbeat() -> None:
    """When a worker starts: its heartbeat thread (once per process; Huey calls this in each worker thread)."""
    if heartbeat.start():
        log.info("worker heartbeat every %g s", settings.SLATE_WORKER_HEARTBEAT_S)


@HUEY.on_startup()
def _reap_jobs_of_dead_local_workers() -> None:
    """When a worker starts: jobs left `running` by a dead process on this host are dealt with at
    once, lost pending jobs are sent again, and the scratch folders of dead workers are removed."""
    from django.db import close_old_connections

    from apps.jobs import scratch

    removed = scratch.remove_orphaned()
    if removed:
        log.info("removed %d scratch folder(s) of dead workers: %s", len(removed), ", ".join(p.name for p in removed))
    try:
        services.job_reap_stale(at_startup=True)
        services.job_requeue_lost()
    finally:
        close_old_connections()

"""The jobs app's gauges read when Prometheus scrapes `/metrics`: the queue's depth and the newest worker heartbeat.

Core cannot import the jobs app, so `JobsConfig.ready()` registers these with
`apps.core.metrics.register_scrape_gauge`; the web process that answers the scrape reads Redis then.
The counters and histograms of jobs (running, durations, retries, reaped) are counted where it happens,
in `apps.jobs.running` and `apps.jobs.reaper`.
"""
from __future__ import annotations

from apps.core.metrics import register_scrape_gauge


def queue_depth() -> float:
    """Messages waiting on the Huey queue in Redis now (jobs, notification deliveries), not yet taken by a worker.

    Raises `redis.RedisError` / `OSError` when Redis does not answer within `apps.jobs.enqueue.REDIS_TIMEOUT_S`.
    """
    from apps.jobs import enqueue

    return float(enqueue.queue_storage().queue_size())


def worker_heartbeat() -> float | None:
    """The unix time of the newest heartbeat of any worker (`apps.jobs.heartbeat.last_seen`); None before the first."""
    from apps.jobs import heartbeat

    return heartbeat.last_seen()


def register() -> None:
    """Register `slate_jobs_queue_depth` and `slate_worker_heartbeat_timestamp_seconds` (from `JobsConfig.ready()`, once
    every app's job handlers are registered), and start `slate_job_retries_total` at 0 for every job kind, so a
    query finds the series before the first retry (Prometheus' advice: "avoid missing metrics")."""
    from apps.core.metrics import JOB_RETRIES
    from apps.jobs.services import HANDLERS

    for kind in HANDLERS:
        JOB_RETRIES.labels(kind)
    register_scrape_gauge("slate_jobs_queue_depth", "Messages waiting on the job queue (Huey, in Redis) for a worker.",
                          queue_depth)
    register_scrape_gauge("slate_worker_heartbeat_timestamp_seconds",
                          "Unix time of the newest heartbeat of any worker (each beats every SLATE_WORKER_HEARTBEAT_S).",
                          worker_heartbeat)

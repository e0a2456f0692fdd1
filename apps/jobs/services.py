"""Jobs: create and enqueue, cancel, finish; running them (`apps.jobs.running`) and reaping (`apps.jobs.reaper`)
are re-exported here, so this module is the jobs service's whole interface.

Every Huey task runs through `job_run` (via the single task `apps.jobs.tasks.job_execute`): it
moves the status (publishing `job.updated` each time), gives the handler a `JobContext` for
progress (`job.progress`, ephemeral, at most one per SLATE_JOB_PROGRESS_INTERVAL_S) and
cancellation, keeps a heartbeat while the handler runs, and turns an exception into a `failed`
job with a readable `error`. Handlers register with `@job_handler("kind")` (apps.jobs.kinds); a failed job
of a kind with an `on_retry` preparation can be run again (`job_retry`).

A job runs at most once at a time. Each run is an attempt (`attempts` counts them); the attempt
that moved the job to `running` owns it, and every write of the wrapper (heartbeat, progress,
finish) is conditional on `status=running, attempts=<mine>`. The reaper only takes a job whose
worker is provably gone (its process on this host is dead) or whose heartbeat is older than
SLATE_JOB_STALE_AFTER_S; an attempt that finds it no longer owns the job (`JobLost`), or that could
not store a heartbeat for half that time, stops at its next progress report and writes nothing.
"""
from __future__ import annotations

import logging

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from apps.core.errors import ApplicationError, is_transient_db_error
from apps.jobs import enqueue
from apps.jobs.kinds import HANDLERS, ON_CANCEL_PENDING, ON_RETRY, job_handler, job_is_retryable_kind  # noqa: F401 (re-exported)
from apps.jobs.models import TERMINAL_STATUSES, Job, JobStatus
from apps.jobs.signals import job_finished
from apps.realtime.services import broadcast_now, publish_entity

log = logging.getLogger(__name__)

CANCEL_EVENT_WAIT_S = 0.5  # longest a cancel waits for the production's event-order lock (PostgreSQL)


# --- creating and cancelling ----------------------------------------------------------------

def job_create(*, production_id: int, kind: str, actor=None, params: dict | None = None, message: str = "Waiting for a worker") -> Job:
    """Create a pending job and enqueue it once the surrounding transaction commits.

    Publishes `job.created`. Must be called inside the transaction that makes what the job works on,
    so a worker never picks up a job whose rows are not committed yet.
    """
    job = Job.objects.create(production_id=production_id, kind=kind, params=params or {}, created_by=actor, message=message)
    log.info("job %s (%s) created for production %s", job.pk, kind, production_id)  # with the request's id (apps.core.logs)
    publish_entity(job, "created", actor=actor)
    transaction.on_commit(lambda: job_enqueue_soon(job_id=job.pk))
    return job


def job_enqueue(*, job_id) -> bool:
    """Put the job on the Huey queue (in Redis) now, waiting at most `enqueue.REDIS_TIMEOUT_S` (2 s);
    in Huey's immediate mode (tests, the shell) this runs the job at once.

    Returns False (logged) when Redis does not answer: the job stays `pending` in the database and
    the reaper (`job_requeue_lost`) enqueues it again later, so nothing is lost.
    """
    import redis

    try:
        enqueue.enqueue_now(job_id)
    except (redis.RedisError, OSError) as exc:
        log.warning("could not enqueue job %s (it stays pending): %s", job_id, exc)
        return False
    return True


def _send_job(job_id) -> None:
    """The sender thread's send: `job_enqueue`, raising when it could not (so the thread tries again)."""
    if not job_enqueue(job_id=job_id):
        raise ConnectionError(f"job {job_id} not enqueued")


_SENDER = enqueue.Sender(lambda job_id: _send_job(job_id))


def job_enqueue_soon(*, job_id) -> None:
    """Enqueue the job without waiting on Redis: hand it to this process's sender thread and return.

    The thread sends it at once, and keeps trying every second while Redis does not answer
    (`apps.jobs.enqueue.Sender`). In Huey's immediate mode the job runs here and now, as before.
    """
    from huey.contrib.djhuey import HUEY

    if HUEY.immediate:
        job_enqueue(job_id=job_id)
    else:
        _SENDER.submit(job_id)


@transaction.atomic
def job_cancel(*, job: Job, actor) -> Job:
    """Cancel a job: a pending one at once, a running one as soon as its handler next reports.

    Raises `ApplicationError` 400 `not_cancellable` for a job that already ended.
    """
    job = Job.objects.select_for_update().get(pk=job.pk)
    if job.status in TERMINAL_STATUSES:
        raise ApplicationError(f"This job has already {job.status}.", code="not_cancellable")
    if job.status == JobStatus.PENDING:
        job_finish(job, JobStatus.CANCELLED, message=f"Cancelled by {getattr(actor, 'display_name', 'someone')}", actor=actor)
        hook = ON_CANCEL_PENDING.get(job.kind)
        if hook is not None:
            hook(job)
    else:
        job.cancel_requested = True
        job.message = "Cancelling…"
        job.save(update_fields=["cancel_requested", "message", "updated_at"])
        _publish_cancelling(job, actor=actor)
    return job


@transaction.atomic
def job_retry(*, job: Job, actor) -> Job:
    """Run a failed job again, as the same job: its kind's `on_retry` checks the inputs still exist and puts what
    the job works on back to waiting, then the job is `pending` again (progress 0, no error, attempts kept) and
    queued once the transaction commits; `job.updated` goes to every member like any job's change.

    Raises `ApplicationError` 400 `not_retryable` for a job that is not `failed`, a kind that cannot be retried, or
    inputs that are gone (the reason says which).
    """
    job = Job.objects.select_for_update().get(pk=job.pk)
    if job.status != JobStatus.FAILED:
        raise ApplicationError(f"Only a failed job can be retried; this one is {job.status}.", code="not_retryable")
    prepare = ON_RETRY.get(job.kind) if job.kind in HANDLERS else None
    if prepare is None:
        raise ApplicationError(f"Jobs of kind {job.kind!r} cannot be retried: start them again where they were made.",
                               code="not_retryable")
    params = prepare(job)
    log.info("job %s (%s) retried by user %s after: %s", job.pk, job.kind, getattr(actor, "pk", None), job.error[:200])
    if params is not None:
        job.params = params
    job.status, job.progress, job.error, job.result = JobStatus.PENDING, 0.0, "", {}
    job.message = f"Retried by {getattr(actor, 'display_name', None) or 'someone'}: waiting for a worker"[:300]
    job.cancel_requested, job.worker = False, ""
    job.started_at = job.finished_at = job.heartbeat_at = None
    job.save(update_fields=["params", "status", "progress", "error", "result", "message", "cancel_requested", "worker",
                            "started_at", "finished_at", "heartbeat_at", "updated_at"])
    publish_entity(job, "updated", actor=actor)
    transaction.on_commit(lambda: job_enqueue_soon(job_id=job.pk))
    return job


def _publish_cancelling(job: Job, *, actor) -> None:
    """Publish a running job's `job.updated` ("Cancelling…"), never waiting long for the production's event order.

    PostgreSQL: a job whose handler holds a transaction that published events holds the production's
    event-order lock until it commits; waiting for it would make the cancel wait for the very job it
    stops. After CANCEL_EVENT_WAIT_S the stored event is given up (its savepoint rolled back; the
    cancel request itself stays) and the change goes out as an ephemeral `job.progress` instead; the
    job's end (`cancelled`) is stored as always. SQLite has one writer: the request got here, so it holds it.
    """
    if connection.vendor != "postgresql":
        publish_entity(job, "updated", actor=actor)
        return
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL lock_timeout = '{round(CANCEL_EVENT_WAIT_S * 1000)}ms'")
            publish_entity(job, "updated", actor=actor)
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = DEFAULT")
    except DatabaseError as exc:
        if not is_transient_db_error(exc):
            raise
        log.info("job %s: cancel requested; its job.updated waits for the running job, sent live only", job.pk)
        broadcast_now(production_id=job.production_id, type="job.progress", entity="job", entity_id=str(job.pk),
                  data={"id": str(job.pk), "kind": job.kind, "status": job.status, "progress": round(job.progress, 4),
                        "message": job.message, "cancel_requested": True})


def job_finish(job: Job, status: str, *, message: str = "", error: str = "", result: dict | None = None, actor=None) -> None:
    """End `job` (a row the caller holds locked, in its transaction) as `status`, with its message (≤300 characters),
    `error` and `result`; publish `job.updated`, and send `apps.jobs.signals.job_finished` for a succeeded or failed
    job that has a creator (the notifications app tells them). A listener's exception is logged, never raised.
    """
    job.status = status
    job.message = message[:300]
    job.error = error
    job.finished_at = timezone.now()
    if result is not None:
        job.result = result
    if status == JobStatus.SUCCEEDED:
        job.progress = 1.0
    job.save(update_fields=["status", "message", "error", "finished_at", "result", "progress", "updated_at"])
    publish_entity(job, "updated", actor=actor)
    if status in (JobStatus.SUCCEEDED, JobStatus.FAILED) and job.created_by_id is not None:
        for receiver, outcome in job_finished.send_robust(sender=Job, job=job, actor=actor):
            if isinstance(outcome, Exception):  # a listener (the creator's notification) must never break a job
                log.error("job %s: %r failed on job_finished", job.pk, receiver, exc_info=outcome)


# Running a job (apps.jobs.running) and reaping (apps.jobs.reaper) are part of the jobs service's interface: their
# names are served from here on first use (PEP 562), so either module may be imported first.
_RUNNING = ("JobCancelled", "JobContext", "JobLost", "job_run", "worker_id")
_REAPER = ("job_reap_stale", "job_requeue_lost")


def __getattr__(name: str):
    """`JobContext`, `job_run`, `job_reap_stale`… from the module that defines them (AttributeError for other names)."""
    if name in _RUNNING:
        from apps.jobs import running

        return getattr(running, name)
    if name in _REAPER:
        from apps.jobs import reaper

        return getattr(reaper, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""Jobs: create and enqueue, run inside the one wrapper, report progress, cancel, reap dead workers.

Every Huey task runs through `job_run` (via the single task `apps.jobs.tasks.job_execute`): it
moves the status (publishing `job.updated` each time), gives the handler a `JobContext` for
progress (`job.progress`, ephemeral, at most one per SLATE_JOB_PROGRESS_INTERVAL_S) and
cancellation, keeps a heartbeat while the handler runs, and turns an exception into a `failed`
job with a readable `error`. Handlers register with `@job_handler("kind")`.
"""
from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from datetime import timedelta
from typing import Any, Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.core.errors import ApplicationError, is_transient_db_error
from apps.jobs.models import TERMINAL_STATUSES, Job, JobStatus
from apps.realtime.services import broadcast, publish_entity

log = logging.getLogger(__name__)

JobHandler = Callable[["JobContext"], dict | None]
_HANDLERS: dict[str, JobHandler] = {}
_ON_CANCEL_PENDING: dict[str, Callable[[Job], None]] = {}
HEARTBEAT_EVERY_S = 15.0
TRANSIENT_RETRIES = 3  # reruns of a handler whose transaction the database aborted (deadlock, lock timeout)
DB_PROGRESS_EVERY_S = 1.0


class JobCancelled(Exception):
    """Raised inside a handler when someone cancelled its job; the wrapper marks it `cancelled`."""


def job_handler(kind: str, *, on_cancel_pending: Callable[[Job], None] | None = None) -> Callable[[JobHandler], JobHandler]:
    """Register `fn(ctx) -> result dict` as the handler of jobs of `kind`.

    on_cancel_pending(job): called inside the cancelling transaction when a job of `kind` is cancelled
    before a worker started it (the handler never runs then), so what the job works on is not left
    waiting for good, e.g. a clip marked failed "cancelled before it started".
    """

    def register(fn: JobHandler) -> JobHandler:
        _HANDLERS[kind] = fn
        if on_cancel_pending is not None:
            _ON_CANCEL_PENDING[kind] = on_cancel_pending
        return fn

    return register


def worker_id() -> str:
    """`host:pid` of this process, stored on the jobs it runs."""
    return f"{socket.gethostname()}:{os.getpid()}"


# --- creating and cancelling ----------------------------------------------------------------

def job_create(*, production_id: int, kind: str, actor=None, params: dict | None = None, message: str = "Waiting for a worker") -> Job:
    """Create a pending job and enqueue it once the surrounding transaction commits.

    Publishes `job.created`. Must be called inside the transaction that makes what the job works on,
    so a worker never picks up a job whose rows are not committed yet.
    """
    job = Job.objects.create(production_id=production_id, kind=kind, params=params or {}, created_by=actor, message=message)
    publish_entity(job, "created", actor=actor)
    transaction.on_commit(lambda: job_enqueue(job_id=job.pk))
    return job


def job_enqueue(*, job_id) -> bool:
    """Put the job on the Huey queue (in Redis); in immediate mode this runs it at once.

    Returns False (logged) when Redis cannot be reached: the job stays `pending` in the database
    and the reaper (`job_requeue_lost`) enqueues it again later, so nothing is lost.
    """
    import redis

    from apps.jobs.tasks import job_execute

    try:
        job_execute(str(job_id))
    except (redis.RedisError, OSError) as exc:
        log.warning("could not enqueue job %s (it stays pending): %s", job_id, exc)
        return False
    return True


@transaction.atomic
def job_cancel(*, job: Job, actor) -> Job:
    """Cancel a job: a pending one at once, a running one as soon as its handler next reports.

    Raises `ApplicationError` 400 `not_cancellable` for a job that already ended.
    """
    job = Job.objects.select_for_update().get(pk=job.pk)
    if job.status in TERMINAL_STATUSES:
        raise ApplicationError(f"This job has already {job.status}.", code="not_cancellable")
    if job.status == JobStatus.PENDING:
        _finish(job, JobStatus.CANCELLED, message=f"Cancelled by {getattr(actor, 'display_name', 'someone')}", actor=actor)
        hook = _ON_CANCEL_PENDING.get(job.kind)
        if hook is not None:
            hook(job)
    else:
        job.cancel_requested = True
        job.message = "Cancelling…"
        job.save(update_fields=["cancel_requested", "message", "updated_at"])
        publish_entity(job, "updated", actor=actor)
    return job


def _finish(job: Job, status: str, *, message: str = "", error: str = "", result: dict | None = None, actor=None) -> None:
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
        _notify_finished(job, actor=actor)


def _notify_finished(job: Job, *, actor=None) -> None:
    """Tell the job's creator it succeeded or failed (kinds `job_succeeded` / `job_failed`), in a savepoint.

    A notification problem is logged and rolled back on its own; it never fails or undoes the job.
    """
    from apps.notifications.services import notify

    what = job.kind.replace(".", " ").replace("_", " ").capitalize()
    succeeded = job.status == JobStatus.SUCCEEDED
    try:
        with transaction.atomic():
            notify(recipients=[job.created_by_id], production=job.production_id,
                   kind="job_succeeded" if succeeded else "job_failed",
                   title=f"{what} {'finished' if succeeded else 'failed'}",
                   body=(job.message if succeeded else job.error)[:1000],
                   url=f"/productions/{job.production_id}/jobs", entity="job", entity_id=job.pk, actor=actor)
    except Exception:  # noqa: BLE001 — a notification must never break a job
        log.exception("could not notify the creator of job %s", job.pk)


# --- running --------------------------------------------------------------------------------

class JobContext:
    """What a handler gets: the job, its params, and `progress()` that also notices cancellation."""

    def __init__(self, job: Job):
        self.job = job
        self.params = job.params
        self._last_broadcast = 0.0
        self._last_db = time.monotonic()
        self._interval = settings.SLATE_JOB_PROGRESS_INTERVAL_S
        self._lock = threading.Lock()

    def progress(self, fraction: float, message: str | None = None, *, force: bool = False, extra: dict | None = None) -> None:
        """Report progress (0.0–1.0, clamped) and an optional short message.

        Broadcasts `job.progress` at most once per SLATE_JOB_PROGRESS_INTERVAL_S (~5 a second),
        stores it at most once a second, and raises `JobCancelled` if the job was cancelled.
        `extra` (JSON-able, not stored) is merged into that broadcast's `data`, e.g. `{"text": ...}`
        for text being written; a throttled-away call drops its `extra`, so send the last one with `force`.
        """
        fraction = min(max(float(fraction), 0.0), 1.0)
        now = time.monotonic()
        with self._lock:
            if message is not None:
                self.job.message = message[:300]
            self.job.progress = fraction
            if force or now - self._last_broadcast >= self._interval:
                self._last_broadcast = now
                broadcast(production_id=self.job.production_id, type="job.progress", entity="job", entity_id=str(self.job.pk),
                          data={**(extra or {}), "id": str(self.job.pk), "kind": self.job.kind, "status": JobStatus.RUNNING,
                                "progress": round(fraction, 4), "message": self.job.message})
            if force or now - self._last_db >= DB_PROGRESS_EVERY_S:
                self._last_db = now
                self._store_and_check()

    def check_cancelled(self) -> None:
        """Raise `JobCancelled` if someone asked to cancel this job (one small query)."""
        if Job.objects.filter(pk=self.job.pk, cancel_requested=True).exists():
            raise JobCancelled()

    def _store_and_check(self) -> None:
        Job.objects.filter(pk=self.job.pk).update(progress=self.job.progress, message=self.job.message, heartbeat_at=timezone.now())
        self.check_cancelled()


def job_run(job_id) -> Job | None:
    """Run one job through its handler, from `pending` to `succeeded`, `failed` or `cancelled`.

    Safe against duplicate delivery (a job that is not pending is left alone) and never raises:
    every exception becomes a `failed` job whose `error` a crew member can read.
    """
    # Connection hygiene around each task is djhuey's `db_task` job; closing here would break callers' transactions.
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != JobStatus.PENDING:
            return job
        handler = _HANDLERS.get(job.kind)
        if handler is None:
            _finish(job, JobStatus.FAILED, error=f"Slate has no handler for jobs of kind {job.kind!r}.", message="Failed")
            return job
        now = timezone.now()
        job.status, job.attempts, job.worker = JobStatus.RUNNING, job.attempts + 1, worker_id()
        job.started_at, job.heartbeat_at, job.message = now, now, "Started"
        job.save(update_fields=["status", "attempts", "worker", "started_at", "heartbeat_at", "message", "updated_at"])
        publish_entity(job, "updated")

    stop = threading.Event()
    beat = threading.Thread(target=_heartbeat, args=(job.pk, stop), daemon=True, name=f"job-heartbeat-{job.pk}")
    beat.start()
    ctx = JobContext(job)
    try:
        result = _rerun_when_transient(lambda: handler(ctx) or {}, what=f"job {job.pk} ({job.kind})")
        json.dumps(result)  # stored in a JSONField: a result that is not JSON fails here, not while finishing
    except JobCancelled:
        outcome = (JobStatus.CANCELLED, "Cancelled", "", None)
    except ApplicationError as exc:
        outcome = (JobStatus.FAILED, "Failed", exc.message, None)
    except Exception as exc:  # the wrapper's whole point: a job never dies silently
        log.exception("job %s (%s) failed", job.pk, job.kind)
        outcome = (JobStatus.FAILED, "Failed", f"Unexpected error while running {job.kind}: {exc.__class__.__name__}: {exc}", None)
    else:
        outcome = (JobStatus.SUCCEEDED, "Done", "", result)
    finally:
        stop.set()
        beat.join(timeout=5)
    status, message, error, result = outcome

    def finish() -> Job:
        with transaction.atomic():
            done = Job.objects.select_for_update().get(pk=job.pk)
            _finish(done, status, message=message, error=error, result=result)
        return done

    # The finish itself can be a deadlock's victim: run it again, never leave the job running.
    return _rerun_when_transient(finish, what=f"finishing job {job.pk}")


def _rerun_when_transient(fn: Callable[[], Any], *, what: str) -> Any:
    """Call `fn`, again (up to TRANSIENT_RETRIES times, 0.2 s, 0.4 s, 0.6 s apart) when the database
    aborted its transaction for a reason a rerun cures (`is_transient_db_error`: PostgreSQL broke a
    deadlock, a lock timed out). `fn` must write in transactions, so an aborted run left nothing
    behind. Returns what `fn` returns; other exceptions, and the last transient one, pass through.
    """
    attempt = 0
    while True:
        try:
            return fn()
        except Exception as exc:
            if attempt >= TRANSIENT_RETRIES or not is_transient_db_error(exc):
                raise
            attempt += 1
            log.warning("%s: transient database failure, running it again (%d): %s", what, attempt, exc)
            time.sleep(0.2 * attempt)


def _heartbeat(job_pk, stop: threading.Event) -> None:
    """Keep `heartbeat_at` fresh while a handler runs, so the reaper knows the worker is alive."""
    from django.db import connection

    try:
        while not stop.wait(HEARTBEAT_EVERY_S):
            Job.objects.filter(pk=job_pk, status=JobStatus.RUNNING).update(heartbeat_at=timezone.now())
    finally:
        connection.close()  # this thread's own connection; it would outlive the thread otherwise


# --- reaping jobs of dead workers -------------------------------------------------------------

def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def job_reap_stale(*, stale_after_s: float | None = None) -> list[Job]:
    """Find running jobs whose worker died and re-queue them (or fail them after the last attempt).

    A worker is dead when its heartbeat is older than `stale_after_s` (SLATE_JOB_STALE_AFTER_S),
    or when it ran on this host and its process is gone. Returns the jobs it changed.
    """
    stale_after_s = settings.SLATE_JOB_STALE_AFTER_S if stale_after_s is None else stale_after_s
    cutoff = timezone.now() - timedelta(seconds=stale_after_s)
    host = socket.gethostname()
    changed = []
    for job in Job.objects.filter(status=JobStatus.RUNNING).only("id", "worker", "heartbeat_at"):
        worker_host, _, pid = job.worker.rpartition(":")
        dead_here = worker_host == host and pid.isdigit() and not _pid_alive(int(pid))
        if dead_here or job.heartbeat_at is None or job.heartbeat_at < cutoff:
            reaped = _reap(job.pk)
            if reaped is not None:
                changed.append(reaped)
    return changed


@transaction.atomic
def _reap(job_pk) -> Job | None:
    job = Job.objects.select_for_update().filter(pk=job_pk, status=JobStatus.RUNNING).first()
    if job is None:
        return None
    if job.cancel_requested:
        _finish(job, JobStatus.CANCELLED, message="Cancelled")
    elif job.attempts < settings.SLATE_JOB_MAX_ATTEMPTS:
        job.status, job.progress, job.worker = JobStatus.PENDING, 0.0, ""
        job.message = f"The worker stopped; retrying (attempt {job.attempts + 1} of {settings.SLATE_JOB_MAX_ATTEMPTS})"
        job.save(update_fields=["status", "progress", "worker", "message", "updated_at"])
        publish_entity(job, "updated")
        transaction.on_commit(lambda: job_enqueue(job_id=job.pk))
    else:
        _finish(job, JobStatus.FAILED, message="Failed",
                error=f"The worker running this job stopped during attempt {job.attempts} of {settings.SLATE_JOB_MAX_ATTEMPTS}.")
    return job


def job_requeue_lost(*, older_than_s: float = 120.0) -> list[Any]:
    """Re-enqueue pending jobs older than `older_than_s` (a queue message lost with Redis); returns their ids.

    Duplicate delivery is harmless: `job_run` leaves a job alone once it is not pending.
    """
    cutoff = timezone.now() - timedelta(seconds=older_than_s)
    ids = list(Job.objects.filter(status=JobStatus.PENDING, updated_at__lt=cutoff).values_list("pk", flat=True)[:100])
    for job_id in ids:
        Job.objects.filter(pk=job_id).update(updated_at=timezone.now())
        job_enqueue(job_id=job_id)
    return ids

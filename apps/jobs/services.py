"""Jobs: create and enqueue, run inside the one wrapper, report progress, cancel, reap dead workers.

Every Huey task runs through `job_run` (via the single task `apps.jobs.tasks.job_execute`): it
moves the status (publishing `job.updated` each time), gives the handler a `JobContext` for
progress (`job.progress`, ephemeral, at most one per SLATE_JOB_PROGRESS_INTERVAL_S) and
cancellation, keeps a heartbeat while the handler runs, and turns an exception into a `failed`
job with a readable `error`. Handlers register with `@job_handler("kind")`.

A job runs at most once at a time. Each run is an attempt (`attempts` counts them); the attempt
that moved the job to `running` owns it, and every write of the wrapper (heartbeat, progress,
finish) is conditional on `status=running, attempts=<mine>`. The reaper only takes a job whose
worker is provably gone (its process on this host is dead) or whose heartbeat is older than
SLATE_JOB_STALE_AFTER_S; an attempt that finds it no longer owns the job (`JobLost`), or that could
not store a heartbeat for half that time, stops at its next progress report and writes nothing.
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
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from apps.core.errors import ApplicationError, is_transient_db_error
from apps.jobs import enqueue
from apps.jobs.models import TERMINAL_STATUSES, Job, JobStatus
from apps.realtime.services import broadcast_now, publish_entity

log = logging.getLogger(__name__)

JobHandler = Callable[["JobContext"], dict | None]
_HANDLERS: dict[str, JobHandler] = {}
_ON_CANCEL_PENDING: dict[str, Callable[[Job], None]] = {}
HEARTBEAT_EVERY_S = 15.0
TRANSIENT_RETRIES = 3  # reruns of a handler whose transaction the database aborted (deadlock, lock timeout)
DB_PROGRESS_EVERY_S = 1.0
CANCEL_EVENT_WAIT_S = 0.5  # longest a cancel waits for the production's event-order lock (PostgreSQL)
_RUNNING_HERE: set = set()  # pks of the jobs this process is running now


class JobCancelled(Exception):
    """Raised inside a handler when someone cancelled its job; the wrapper marks it `cancelled`."""


class JobLost(Exception):
    """Raised inside a handler whose attempt no longer owns its job (the reaper gave it to another
    attempt, or this worker could not reach the database for half of SLATE_JOB_STALE_AFTER_S).
    The wrapper then writes nothing: the job's state belongs to whoever owns it now.
    """


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


def job_enqueue_drain(*, timeout_s: float) -> bool:
    """Wait until this process's sender thread has sent every job handed to it; False after `timeout_s` s."""
    return _SENDER.drain(timeout_s)


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
        _publish_cancelling(job, actor=actor)
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
    """What a handler gets: the job, its params, and `progress()` that also notices cancellation
    and a lost job (`JobLost`, see the module docstring)."""

    def __init__(self, job: Job):
        self.job = job
        self.params = job.params
        self.attempt = job.attempts  # the attempt this context runs; owning the job means status=running and this
        self._last_broadcast = 0.0
        self._last_db = time.monotonic()
        self._interval = settings.SLATE_JOB_PROGRESS_INTERVAL_S
        self._lock = threading.RLock()  # progress() stores under it; the heartbeat thread reads under it
        self._lost: str | None = None
        self.last_beat = time.monotonic()  # when the row last proved this attempt owns the job
        self._base_depth = len(connection.atomic_blocks)  # transactions open around the handler (a test's)

    def progress(self, fraction: float, message: str | None = None, *, force: bool = False, extra: dict | None = None) -> None:
        """Report progress (0.0–1.0, clamped) and an optional short message.

        Broadcasts `job.progress` at most once per SLATE_JOB_PROGRESS_INTERVAL_S (~5 a second),
        stores it at most once a second, and raises `JobCancelled` if the job was cancelled, `JobLost`
        if this attempt no longer owns it. `extra` (JSON-able, not stored) is merged into that
        broadcast's `data`, e.g. `{"text": ...}` for text being written; a throttled-away call drops
        its `extra`, so send the last one with `force`.
        Inside the handler's own transaction nothing is written to the job's row (that would lock it
        until commit, and a cancel would wait): the heartbeat stores the progress from outside.
        """
        self.raise_if_lost()
        fraction = min(max(float(fraction), 0.0), 1.0)
        now = time.monotonic()
        with self._lock:
            if message is not None:
                self.job.message = message[:300]
            self.job.progress = fraction
            if force or now - self._last_broadcast >= self._interval:
                self._last_broadcast = now
                broadcast_now(production_id=self.job.production_id, type="job.progress", entity="job", entity_id=str(self.job.pk),
                          data={**(extra or {}), "id": str(self.job.pk), "kind": self.job.kind, "status": JobStatus.RUNNING,
                                "progress": round(fraction, 4), "message": self.job.message})
            if force or now - self._last_db >= DB_PROGRESS_EVERY_S:
                self._last_db = now
                self._store_and_check()

    def check_cancelled(self) -> None:
        """Raise `JobCancelled` if someone asked to cancel this job, `JobLost` if this attempt no longer owns it (one small query)."""
        self.raise_if_lost()
        row = Job.objects.filter(pk=self.job.pk).values_list("status", "attempts", "cancel_requested").first()
        if row is None or row[0] != JobStatus.RUNNING or row[1] != self.attempt:
            self.lose("the job is no longer this attempt's" if row else "the job was deleted")
        elif row[2]:
            raise JobCancelled()
        self.raise_if_lost()

    def lose(self, why: str) -> None:
        """Mark this attempt as no longer owning its job; the next `progress()` raises `JobLost`."""
        if self._lost is None:
            log.warning("job %s attempt %s stops: %s", self.job.pk, self.attempt, why)
            self._lost = why

    def raise_if_lost(self) -> None:
        """Raise `JobLost` once `lose()` was called."""
        if self._lost is not None:
            raise JobLost(self._lost)

    def store(self) -> int:
        """Store progress, message and a fresh heartbeat, only while this attempt owns the job; returns rows changed (0 or 1)."""
        with self._lock:
            progress, message = self.job.progress, self.job.message
        owned = Job.objects.filter(pk=self.job.pk, status=JobStatus.RUNNING, attempts=self.attempt).update(
            progress=progress, message=message, heartbeat_at=timezone.now())
        if owned:
            self.last_beat = time.monotonic()
        return owned

    def _store_and_check(self) -> None:
        if len(connection.atomic_blocks) <= self._base_depth:  # not inside the handler's own transaction
            try:
                self.store()
            except DatabaseError as exc:
                if not is_transient_db_error(exc):
                    raise
                log.warning("job %s: progress not stored (the heartbeat tries again): %s", self.job.pk, exc)
        self.check_cancelled()


def job_run(job_id) -> Job | None:
    """Run one job through its handler, from `pending` to `succeeded`, `failed` or `cancelled`.

    Safe against duplicate delivery (a job that is not pending is left alone) and never raises:
    every exception becomes a `failed` job whose `error` a crew member can read. An attempt that
    lost its job (`JobLost`) leaves the row to the attempt that owns it now.
    """
    # Connection hygiene around each task is djhuey's `db_task` job; closing here would break callers' transactions.
    claimed = None
    try:
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
            claimed = job.pk
            _RUNNING_HERE.add(claimed)  # before commit: this process's reaper must never take it (reaper._is_dead)
            job.save(update_fields=["status", "attempts", "worker", "started_at", "heartbeat_at", "message", "updated_at"])
            publish_entity(job, "updated")
    except BaseException:
        _RUNNING_HERE.discard(claimed)
        raise

    ctx = JobContext(job)
    stop = threading.Event()
    beat = threading.Thread(target=_heartbeat, args=(ctx, stop), daemon=True, name=f"job-heartbeat-{job.pk}")
    beat.start()
    try:
        result = _rerun_when_transient(lambda: handler(ctx) or {}, what=f"job {job.pk} ({job.kind})")
        json.dumps(result)  # stored in a JSONField: a result that is not JSON fails here, not while finishing
    except JobLost:
        outcome = None
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
    if outcome is None:
        _RUNNING_HERE.discard(job.pk)
        return Job.objects.filter(pk=job.pk).first()
    status, message, error, result = outcome

    def finish() -> Job:
        with transaction.atomic():
            done = Job.objects.select_for_update().get(pk=job.pk)
            if done.status != JobStatus.RUNNING or done.attempts != ctx.attempt:
                log.warning("job %s attempt %s ended %s but no longer owns the job (now %s, attempt %s): nothing written",
                            job.pk, ctx.attempt, status, done.status, done.attempts)
                return done
            _finish(done, status, message=message, error=error, result=result)
        return done

    try:
        # The finish itself can be a deadlock's victim: run it again, never leave the job running.
        return _rerun_when_transient(finish, what=f"finishing job {job.pk}")
    finally:
        _RUNNING_HERE.discard(job.pk)


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


def _heartbeat(ctx: JobContext, stop: threading.Event, *, every_s: float | None = None) -> None:
    """Every HEARTBEAT_EVERY_S, store `heartbeat_at` (and the latest progress) while this attempt owns the job.

    Survives database errors: each one is logged, the thread's connection is closed (a broken one
    is reopened at the next beat) and the next beat tries again. When the row says another attempt
    owns the job, or no beat got through for half of SLATE_JOB_STALE_AFTER_S (so the reaper may
    soon take the job), the context is marked lost and the handler stops at its next report.
    """
    every_s = HEARTBEAT_EVERY_S if every_s is None else every_s
    give_up_after_s = settings.SLATE_JOB_STALE_AFTER_S / 2
    try:
        while not stop.wait(every_s):
            try:
                if not ctx.store():
                    ctx.lose("the job is no longer this attempt's")
                    return
            except Exception as exc:  # noqa: BLE001 — a database error must never end the heartbeats
                log.warning("job %s: heartbeat not stored (trying again in %.0f s): %s", ctx.job.pk, every_s, exc)
                connection.close()
                if time.monotonic() - ctx.last_beat > give_up_after_s:
                    ctx.lose(f"no heartbeat stored for {give_up_after_s:.0f} s")
                    return
    finally:
        connection.close()  # this thread's own connection; it would outlive the thread otherwise


# Re-exported: reaping is part of the jobs service's interface.
from apps.jobs.reaper import job_reap_stale, job_requeue_lost  # noqa: E402,F401

"""Running a job: `job_run` takes a pending job through its handler to its end, with a `JobContext` for progress and
cancellation and a heartbeat thread; `JobLost` and `JobCancelled` stop a handler (see `apps.jobs.services`).
"""
from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from typing import Any, Callable

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from apps.core import metrics
from apps.core.errors import ApplicationError, is_transient_db_error
from apps.jobs.models import Job, JobStatus
from apps.jobs.services import HANDLERS, job_finish
from apps.realtime.services import broadcast_now, publish_entity

log = logging.getLogger(__name__)

HEARTBEAT_EVERY_S = 15.0
TRANSIENT_RETRIES = 3  # reruns of a handler whose transaction the database aborted (deadlock, lock timeout)
DB_PROGRESS_EVERY_S = 1.0
RUNNING_HERE: set = set()  # pks of the jobs this process is running now (the reaper never takes them)


def worker_id() -> str:
    """`host:pid` of this process, stored on the jobs it runs."""
    return f"{socket.gethostname()}:{os.getpid()}"


class JobLost(Exception):
    """Raised inside a handler whose attempt no longer owns its job (the reaper gave it to another
    attempt, or this worker could not reach the database for half of SLATE_JOB_STALE_AFTER_S).
    The wrapper then writes nothing: the job's state belongs to whoever owns it now.
    """


class JobCancelled(Exception):
    """Raised inside a handler when someone cancelled its job; the wrapper marks it `cancelled`."""


class JobContext:
    """What a handler gets: the job, its params, and `progress()` that also notices cancellation
    and a lost job (`JobLost`, see `apps.jobs.services`)."""

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

    Called inside a transaction of the caller's (a test's, or HUEY_IMMEDIATE code in an atomic block), the claim is
    not committed, so no other connection sees it: the heartbeat thread, which writes through its own connection,
    is not started (it would find no row of its own and mark the attempt lost).
    """
    # Connection hygiene around each task is djhuey's `db_task` job; closing here would break callers' transactions.
    inside_callers_transaction = connection.in_atomic_block
    claimed = None
    try:
        with transaction.atomic():
            job = Job.objects.select_for_update().filter(pk=job_id).first()
            if job is None or job.status != JobStatus.PENDING:
                return job
            handler = HANDLERS.get(job.kind)
            if handler is None:
                job_finish(job, JobStatus.FAILED, error=f"Slate has no handler for jobs of kind {job.kind!r}.", message="Failed")
                return job
            now = timezone.now()
            job.status, job.attempts, job.worker = JobStatus.RUNNING, job.attempts + 1, worker_id()
            job.started_at, job.heartbeat_at, job.message = now, now, "Started"
            claimed = job.pk
            RUNNING_HERE.add(claimed)  # before commit: this process's reaper must never take it (apps.jobs.reaper._is_dead)
            job.save(update_fields=["status", "attempts", "worker", "started_at", "heartbeat_at", "message", "updated_at"])
            publish_entity(job, "updated")
    except BaseException:
        RUNNING_HERE.discard(claimed)
        raise

    ctx = JobContext(job)
    stop = threading.Event()
    beat = threading.Thread(target=_heartbeat, args=(ctx, stop), daemon=True, name=f"job-heartbeat-{job.pk}")
    if not inside_callers_transaction:
        beat.start()
    metrics.JOBS_RUNNING.inc()
    if job.attempts > 1:
        metrics.JOB_RETRIES.labels(job.kind).inc()
    started = time.monotonic()
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
        if beat.is_alive():
            beat.join(timeout=5)
        metrics.JOBS_RUNNING.dec()
    metrics.JOB_DURATION.labels(job.kind, "lost" if outcome is None else str(outcome[0])).observe(time.monotonic() - started)
    if outcome is None:
        RUNNING_HERE.discard(job.pk)
        return Job.objects.filter(pk=job.pk).first()
    status, message, error, result = outcome

    def finish() -> Job:
        with transaction.atomic():
            done = Job.objects.select_for_update().get(pk=job.pk)
            if done.status != JobStatus.RUNNING or done.attempts != ctx.attempt:
                log.warning("job %s attempt %s ended %s but no longer owns the job (now %s, attempt %s): nothing written",
                            job.pk, ctx.attempt, status, done.status, done.attempts)
                return done
            job_finish(done, status, message=message, error=error, result=result)
        return done

    try:
        # The finish itself can be a deadlock's victim: run it again, never leave the job running.
        return _rerun_when_transient(finish, what=f"finishing job {job.pk}")
    finally:
        RUNNING_HERE.discard(job.pk)


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

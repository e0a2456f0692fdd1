"""The kinds of job: each kind's handler and its hooks for a cancel before it started and for a retry, registered by
the apps that own them with `job_handler` (apps.jobs.services re-exports it, the service's interface).
"""
from __future__ import annotations

from typing import Any, Callable

from apps.jobs.models import Job

JobHandler = Callable[[Any], dict | None]  # fn(ctx: apps.jobs.running.JobContext) -> result
RetryPrepare = Callable[[Job], dict | None]
HANDLERS: dict[str, JobHandler] = {}  # kind → handler (`job_handler`); `apps.jobs.running.job_run` looks them up
ON_CANCEL_PENDING: dict[str, Callable[[Job], None]] = {}
ON_RETRY: dict[str, RetryPrepare] = {}


def job_handler(kind: str, *, on_cancel_pending: Callable[[Job], None] | None = None,
                on_retry: RetryPrepare | None = None) -> Callable[[JobHandler], JobHandler]:
    """Register `fn(ctx) -> result dict` as the handler of jobs of `kind`.

    on_cancel_pending(job): called inside the cancelling transaction when a job of `kind` is cancelled
    before a worker started it (the handler never runs then), so what the job works on is not left
    waiting for good, e.g. a clip marked failed "cancelled before it started".
    on_retry(job) -> params | None: called inside `job_retry`'s transaction with the failed job (locked) before it
    is queued again. It checks that the job's inputs still exist, raising `ApplicationError` (code `not_retryable`)
    with a reason a crew member can read when they do not; it puts what the job works on back to waiting (a clip
    `failed` → `pending`), and returns the params of the new run (only a storyboard's failed frames), or None to
    keep them. A kind without one cannot be retried.
    """

    def register(fn: JobHandler) -> JobHandler:
        HANDLERS[kind] = fn
        if on_cancel_pending is not None:
            ON_CANCEL_PENDING[kind] = on_cancel_pending
        if on_retry is not None:
            ON_RETRY[kind] = on_retry
        return fn

    return register


def job_is_retryable_kind(kind: str) -> bool:
    """Whether jobs of `kind` have a handler and a retry preparation (`job_handler(on_retry=...)`), so a failed one can
    be run again."""
    return kind in HANDLERS and kind in ON_RETRY

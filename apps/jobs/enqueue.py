"""Putting jobs on the Huey queue (Redis) with bounded waits, and off the request path.

`enqueue_now(job_id)` sends one `job_execute` message with a socket timeout (REDIS_TIMEOUT_S), so a
paused or unreachable Redis costs at most that long, never a hang. `enqueue_soon(job_id)` hands the
id to this process's sender thread and returns at once: the thread sends it, and while Redis does
not answer it keeps the ids (at most MAX_WAITING) and tries again every RETRY_EVERY_S, so a job
made during an outage reaches the queue within about a second of Redis coming back. What it never
gets through (the process died, the buffer overflowed) is still `pending` in the database, where
the reaper (`apps.jobs.services.job_requeue_lost`) finds it. A duplicate message is harmless:
`job_run` leaves a job alone once it is not pending.

The message carries the id of the request that made the job (`apps.core.logs`), so the worker's log lines
for it carry the same id: the sender thread sends each id in the context it was submitted from.
"""
from __future__ import annotations

import contextvars
import functools
import logging
import os
import threading
import time
from collections import OrderedDict
from typing import Callable

log = logging.getLogger(__name__)

REDIS_TIMEOUT_S = 2.0
RETRY_EVERY_S = 1.0
MAX_WAITING = 10_000


@functools.cache
def _storage(url: str, name: str):
    """A Huey storage on its own connection pool whose connects and reads time out (the shared one's never do)."""
    import redis
    from huey.contrib.djhuey import HUEY

    pool = redis.ConnectionPool.from_url(url, socket_timeout=REDIS_TIMEOUT_S, socket_connect_timeout=REDIS_TIMEOUT_S)
    return type(HUEY.storage)(name=name, connection_pool=pool)


def queue_storage():
    """The Huey queue of this process's HUEY setting, reached with timeouts (see `_storage`)."""
    from django.conf import settings
    from huey.contrib.djhuey import HUEY

    return _storage(settings.REDIS_URL, HUEY.name)


def enqueue_now(job_id) -> None:
    """Put one `job_execute(job_id)` message on the queue; in Huey's immediate mode run the job at once.

    The current request's id (`apps.core.logs.current_request_id`), if any, goes along as `request_id`.
    Raises `redis.RedisError` / `OSError` when Redis does not answer within REDIS_TIMEOUT_S.
    """
    from huey.contrib.djhuey import HUEY

    from apps.core.logs import current_request_id
    from apps.jobs.tasks import job_execute

    if HUEY.immediate:
        job_execute(str(job_id))
        return
    request_id = current_request_id()
    task = job_execute.s(str(job_id), request_id=request_id) if request_id else job_execute.s(str(job_id))
    queue_storage().enqueue(HUEY.serialize_task(task), task.priority)


class Sender:
    """A daemon thread that sends job ids through `send(job_id)` (raising when Redis is away), retrying until sent.

    `submit` never blocks; ids are kept in arrival order, each once; past `max_waiting` the oldest is
    dropped (logged) and left to the reaper. Each id is sent in a copy of the context `submit` was called
    in (its context variables: the request id of apps.core.logs).
    """

    def __init__(self, send: Callable[[object], None], *, retry_every_s: float = RETRY_EVERY_S, max_waiting: int = MAX_WAITING):
        self._send = send
        self._retry_every_s = retry_every_s
        self._max_waiting = max_waiting
        self._waiting: OrderedDict[object, contextvars.Context] = OrderedDict()
        self._busy = 0  # ids taken out of `_waiting` and being sent right now
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._failing_since: float | None = None

    def submit(self, job_id) -> None:
        """Queue `job_id` to be sent; returns at once."""
        with self._cond:
            if job_id in self._waiting:
                return
            if len(self._waiting) >= self._max_waiting:
                dropped, _ = self._waiting.popitem(last=False)
                log.warning("job enqueue buffer full: job %s is left to the reaper", dropped)
            self._waiting[job_id] = contextvars.copy_context()
            self._ensure_thread()
            self._cond.notify_all()

    def waiting(self) -> int:
        """How many ids are not sent yet."""
        with self._cond:
            return len(self._waiting) + self._busy

    def drain(self, timeout_s: float) -> bool:
        """Block until every submitted id is sent (True) or `timeout_s` seconds pass (False)."""
        deadline = time.monotonic() + timeout_s
        with self._cond:
            while self._waiting or self._busy:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(min(remaining, 0.05))
        return True

    def _ensure_thread(self) -> None:
        if self._thread is None or not self._thread.is_alive() or self._pid != os.getpid():
            self._pid = os.getpid()
            self._thread = threading.Thread(target=self._run, name="job-enqueue", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._waiting:
                    self._cond.wait()
                job_id, context = self._waiting.popitem(last=False)
                self._busy = 1
            try:
                context.run(self._send, job_id)
            except Exception as exc:  # noqa: BLE001 — Redis away (or anything else): keep the id, try again later
                with self._cond:
                    self._busy = 0
                    self._waiting[job_id] = context
                    self._waiting.move_to_end(job_id, last=False)
                    if self._failing_since is None:
                        self._failing_since = time.monotonic()
                        log.warning("could not enqueue job %s (it stays pending; trying again every %.0f s): %s",
                                    job_id, self._retry_every_s, exc)
                    self._cond.wait(self._retry_every_s)
                continue
            with self._cond:
                self._busy = 0
                if self._failing_since is not None:
                    log.warning("enqueueing jobs again after %.1f s", time.monotonic() - self._failing_since)
                    self._failing_since = None
                self._cond.notify_all()

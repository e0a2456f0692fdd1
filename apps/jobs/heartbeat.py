"""The workers' heartbeat: each Huey worker process says it is alive, and `/api/ready/` and the metrics read it.

A worker process (`manage.py run_huey`) starts a daemon thread when it starts (`start`, from the
`@HUEY.on_startup` hook in apps/jobs/tasks.py) that writes the time, every SLATE_WORKER_HEARTBEAT_S seconds,
into one Redis hash on REDIS_URL (the job queue's Redis): field `host:pid`, value the unix time in seconds.
`last_seen()` is the newest of those times, the one value both readers use: the readiness check `worker`
(registered by `JobsConfig.ready()`: ok while a heartbeat is at most SLATE_READY_WORKER_STALE_S old) and the
gauge `slate_worker_heartbeat_timestamp_seconds`. A worker that dies simply stops beating; its field is
dropped by the next worker that starts, once it is an hour old.
"""
from __future__ import annotations

import logging
import os
import threading
import time

from django.conf import settings

log = logging.getLogger(__name__)

WRITE_TIMEOUT_S = 2.0  # one heartbeat write; the next beat tries again
KEEP_S = 3600.0  # a dead worker's field is dropped when a worker starts and it is older than this
EXPIRE_S = 24 * 3600  # the whole hash vanishes a day after the last beat of any worker

_lock = threading.Lock()
_started_pid = 0


def key() -> str:
    """The Redis hash of this installation's heartbeats: `<SLATE_HUEY_NAME>:worker-heartbeats`."""
    return f"{settings.HUEY['name']}:worker-heartbeats"


def _client(timeout_s: float):
    from apps.core.readiness import redis_client

    return redis_client(settings.REDIS_URL, timeout_s)


def beat(*, worker: str | None = None, at: float | None = None) -> None:
    """Record that `worker` (default this process, `host:pid`) is alive at unix time `at` (default now).

    Raises `redis.RedisError` / `OSError` when Redis does not answer within WRITE_TIMEOUT_S.
    """
    from apps.jobs.running import worker_id

    pipe = _client(WRITE_TIMEOUT_S).pipeline(transaction=False)
    pipe.hset(key(), worker or worker_id(), repr(time.time() if at is None else at))
    pipe.expire(key(), EXPIRE_S)
    pipe.execute()


def seen() -> dict[str, float]:
    """Every worker's last heartbeat: `{"host:pid": unix time in seconds}` (dead workers too, for up to an hour).

    Raises `redis.RedisError` / `OSError` when Redis does not answer within SLATE_READY_TIMEOUT_S.
    """
    raw = _client(settings.SLATE_READY_TIMEOUT_S).hgetall(key())
    beats = {}
    for worker, value in raw.items():
        try:
            beats[worker.decode()] = float(value)
        except ValueError:
            continue
    return beats


def last_seen() -> float | None:
    """The unix time (seconds) of the newest heartbeat of any worker; None when no worker ever beat (or for a day).

    The one value behind the readiness check `worker` and the gauge `slate_worker_heartbeat_timestamp_seconds`.
    Raises `redis.RedisError` / `OSError` when Redis does not answer within SLATE_READY_TIMEOUT_S.
    """
    return max(seen().values(), default=None)


def worker_check() -> dict:
    """The readiness check `worker`: `{"ok", "last_seen_s"}` — ok when some worker's heartbeat is at most
    SLATE_READY_WORKER_STALE_S old; `last_seen_s` is the newest one's age in seconds (null: none yet), and
    `error` says what is wrong. Raises as `last_seen` does (the readiness registry reports it)."""
    stale_s = settings.SLATE_READY_WORKER_STALE_S
    last = last_seen()
    if last is None:
        return {"ok": False, "last_seen_s": None, "error": "No worker has sent a heartbeat."}
    age = max(0.0, time.time() - last)
    if age > stale_s:
        return {"ok": False, "last_seen_s": round(age, 1), "error": f"No worker heartbeat for {age:.0f} s (more than {stale_s:g} s)."}
    return {"ok": True, "last_seen_s": round(age, 1)}


def start() -> bool:
    """Start this process's heartbeat thread (once per process; later calls do nothing): it beats at once, then
    every SLATE_WORKER_HEARTBEAT_S seconds, and drops the fields of workers silent for an hour. Returns True
    when this call started it."""
    global _started_pid
    with _lock:
        if _started_pid == os.getpid():
            return False
        _started_pid = os.getpid()
    _forget_dead()
    threading.Thread(target=_run, args=(settings.SLATE_WORKER_HEARTBEAT_S,), name="worker-heartbeat", daemon=True).start()
    return True


def _forget_dead() -> None:
    try:
        now = time.time()
        dead = [worker for worker, at in seen().items() if now - at > KEEP_S]
        if dead:
            _client(WRITE_TIMEOUT_S).hdel(key(), *dead)
    except Exception as exc:  # noqa: BLE001 — housekeeping; the beats matter
        log.warning("worker heartbeat: could not drop old workers' heartbeats: %s", exc)


def _run(every_s: float) -> None:
    failing = False
    while True:
        try:
            beat()
        except Exception as exc:  # noqa: BLE001 — Redis away: log once, keep beating
            if not failing:
                log.warning("worker heartbeat not written (trying again every %g s): %s", every_s, exc)
            failing = True
        else:
            if failing:
                log.warning("worker heartbeat written again")
            failing = False
        time.sleep(every_s)

"""Readiness: the checks `/api/ready/` runs, registered by the apps that own what they check.

Each check is a function that returns its component's state as a dict with `ok` (bool) and what an
operator needs to read it (`error`, `last_seen_s`, `free_bytes`…) — never a secret: no URL, no password.
Core registers its own (`database`, `redis`, `media_disk`) in `CoreConfig.ready()`; an upper app registers
its own from its `AppConfig.ready()` with `register_check` (the jobs app: `worker`, apps/jobs/heartbeat.py),
so core imports no other app. A check that raises is reported `{"ok": false, "error": "<Class>: <why>"}`.
Every check that talks to Redis waits at most SLATE_READY_TIMEOUT_S, so a hung Redis is answered quickly.
The answer names an exception by its class only (the endpoint is public: a driver's message may name hosts,
paths or users); the whole message goes to the log, once when a component fails and once when it is back.
"""
from __future__ import annotations

import functools
import logging
import re
import shutil
from pathlib import Path
from typing import Callable

from django.conf import settings
from django.db import connection

log = logging.getLogger(__name__)

Check = Callable[[], dict]
_CHECKS: dict[str, Check] = {}
_FAILING: set[str] = set()  # the checks this process last saw failing (logged once per failure)
_CREDENTIALS = re.compile(r"(\w+://)[^/@\s]*@")  # user:password@ in a URL a driver's message may quote


class NotReady(Exception):
    """Raised by a check to answer `state` (`{"ok": False, ...}`), with `detail` for the log only."""

    def __init__(self, state: dict, detail: str):
        super().__init__(detail)
        self.state, self.detail = state, detail


def register_check(name: str, check: Check) -> None:
    """Add `check` (no arguments, returns `{"ok": bool, ...}`, may raise) to the readiness checks under `name`; a name
    registered again is replaced (an app's `ready()` may run twice in tests)."""
    _CHECKS[name] = check


def run_checks() -> tuple[bool, dict[str, dict]]:
    """Run every registered check, in registration order: `(all ok, {name: state})`. Never raises."""
    states: dict[str, dict] = {}
    for name, check in list(_CHECKS.items()):
        detail = ""
        try:
            state = dict(check())
        except NotReady as exc:
            state, detail = dict(exc.state), exc.detail
        except Exception as exc:  # noqa: BLE001 — a failing component is the answer, not an error of the check
            state, detail = {"ok": False, "error": type(exc).__name__}, log_safe(exc)
        state["ok"] = bool(state.get("ok"))
        states[name] = state
        _log_change(name, state, detail)
    return all(state["ok"] for state in states.values()), states


def log_safe(exc: BaseException) -> str:
    """`"<ExceptionClass>: <message>"` for the log: at most 300 characters, any `user:password@` of a URL blanked out."""
    text = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
    return _CREDENTIALS.sub(r"\1***@", text)[:300]


def _log_change(name: str, state: dict, detail: str) -> None:
    if not state["ok"] and name not in _FAILING:
        _FAILING.add(name)
        log.warning("not ready: %s: %s", name, detail or state.get("error") or state)
    elif state["ok"] and name in _FAILING:
        _FAILING.discard(name)
        log.warning("ready again: %s", name)


@functools.cache
def redis_client(url: str, timeout_s: float):
    """A redis-py client for `url` whose connects and reads give up after `timeout_s` seconds (one pool per process)."""
    import redis

    return redis.Redis.from_url(url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s)


def database_check() -> dict:
    """`{"ok": true}` when the default database answers `SELECT 1`; raises the database's error otherwise."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"ok": True}


def redis_check() -> dict:
    """`{"ok": true, "servers": n}` when every Redis Slate uses (REDIS_URL: jobs, cache; SLATE_CHANNEL_REDIS_URLS: the
    channel layer) answers PING within SLATE_READY_TIMEOUT_S; otherwise `ok` false and the first failure's `error`
    (`"server 2 of 3: TimeoutError"`: by place in that list and exception class, never by address)."""
    urls = list(dict.fromkeys([settings.REDIS_URL, *settings.SLATE_CHANNEL_REDIS_URLS]))
    for number, url in enumerate(urls, start=1):
        try:
            redis_client(url, settings.SLATE_READY_TIMEOUT_S).ping()
        except Exception as exc:  # noqa: BLE001 — reported, with which server it was (by place, not by URL)
            where = "" if len(urls) == 1 else f"server {number} of {len(urls)}: "
            raise NotReady({"ok": False, "servers": len(urls), "error": where + type(exc).__name__},
                           f"Redis {where}{log_safe(exc)}") from exc
    return {"ok": True, "servers": len(urls)}


def media_disk_check() -> dict:
    """`{"ok", "free_bytes", "min_free_bytes"}`: free space on MEDIA_ROOT's file system (its nearest existing folder)
    against SLATE_READY_MEDIA_MIN_FREE_BYTES."""
    path = Path(settings.MEDIA_ROOT).resolve()
    while not path.exists() and path != path.parent:
        path = path.parent
    free = shutil.disk_usage(path).free
    minimum = settings.SLATE_READY_MEDIA_MIN_FREE_BYTES
    return {"ok": free >= minimum, "free_bytes": free, "min_free_bytes": minimum}


def register_core_checks() -> None:
    """Register core's checks: `database`, `redis`, `media_disk` (called from `CoreConfig.ready()`)."""
    register_check("database", database_check)
    register_check("redis", redis_check)
    register_check("media_disk", media_disk_check)

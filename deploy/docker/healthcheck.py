"""The healthchecks of docker-compose.yml's Slate containers: quick (no Django start-up), exit status 0 when healthy.

    python deploy/docker/healthcheck.py http URL   GET URL as `Host: localhost`; healthy on a 2xx answer within
                                                   4 s (web: its /api/health/; nginx: /api/health/ through it)
    python deploy/docker/healthcheck.py worker     a Huey worker of this container (its host name) wrote its
                                                   heartbeat (apps/jobs/heartbeat.py: the Redis hash
                                                   `<SLATE_HUEY_NAME>:worker-heartbeats`, fields `host:pid`) at
                                                   most SLATE_READY_WORKER_STALE_S (30) seconds ago

When unhealthy it says why on stderr (`docker inspect --format '{{json .State.Health}}' <container>` shows it)
and exits 1. tests/ops/test_deploy_files.py runs both against a local server and the tests' Redis.
"""
from __future__ import annotations

import os
import socket
import sys
import time
import urllib.error
import urllib.request

TIMEOUT_S = 4.0


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect (SECURE_SSL_REDIRECT) is an answer to report, not to follow


def check_http(url: str) -> str | None:
    """None when GET `url` (Host: localhost) answers 2xx within TIMEOUT_S, else what went wrong."""
    request = urllib.request.Request(url, headers={"Host": "localhost", "User-Agent": "slate-healthcheck"})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=TIMEOUT_S) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        location = exc.headers.get("Location")
        return f"{url} answered {exc.code}" + (f" (to {location})" if location else "")
    except (OSError, ValueError) as exc:
        return f"{url}: {exc}"
    return None if 200 <= status < 300 else f"{url} answered {status}"


def check_worker(*, host: str | None = None, now: float | None = None) -> str | None:
    """None when a worker process on `host` (default this container's host name) beat lately, else why not."""
    import redis

    host = host or socket.gethostname()
    now = time.time() if now is None else now
    stale_s = float(os.environ.get("SLATE_READY_WORKER_STALE_S", "30"))
    key = f"{os.environ.get('SLATE_HUEY_NAME', 'slate')}:worker-heartbeats"
    url = os.environ.get("REDIS_URL", "redis://localhost:6379/0")
    try:
        client = redis.Redis.from_url(url, socket_timeout=TIMEOUT_S / 2, socket_connect_timeout=TIMEOUT_S / 2)
        beats = client.hgetall(key)
    except (redis.RedisError, OSError) as exc:
        return f"Redis ({url}) does not answer: {exc}"
    mine = []
    for field, value in beats.items():
        worker, _, _pid = field.decode(errors="replace").rpartition(":")
        if worker == host:
            try:
                mine.append(float(value))
            except ValueError:
                continue
    if not mine:
        return f"No heartbeat from a worker on {host} yet."
    age = now - max(mine)
    if age > stale_s:
        return f"The last heartbeat of a worker on {host} is {age:.0f} s old (more than {stale_s:g} s)."
    return None


def main(argv: list[str]) -> int:
    """Run the check named by `argv` (see the module's docstring); 0 healthy, 1 not, 2 for a wrong command line."""
    if len(argv) == 2 and argv[0] == "http":
        problem = check_http(argv[1])
    elif argv == ["worker"]:
        problem = check_worker()
    else:
        print("usage: healthcheck.py http URL | healthcheck.py worker", file=sys.stderr)
        return 2
    if problem:
        print(problem, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

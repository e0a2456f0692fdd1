"""End-to-end fixtures: Slate's real processes (redis-server, the web server, run_huey) on a private database.

The pytest process itself runs on `tests.settings` (its own Redis and test database); nothing here
touches those. The server under test is configured only through its environment, as in
production (DEBUG off, a SECRET_KEY, ALLOWED_HOSTS), and the tests talk to it only over HTTP and
WebSocket — plus read-only looks at its files and database rows, to tell which process did what.

- Redis: `REDIS_URL` from the environment when CI's external pass sets one, else a private
  redis-server on a unix socket in the temp dir (`apps.core.redis_server.start_redis`).
- Database: a fresh PostgreSQL database next to `DATABASE_URL` when that is PostgreSQL (dropped at
  the end), else a SQLite file in the temp dir. Migrations run once per pytest session, into a
  template (`MigratedTemplate`); each server's database is a copy of it (PostgreSQL's
  `CREATE DATABASE … TEMPLATE`, SQLite's online backup), which saves a migrate per server.
- Channel-layer prefix and Huey queue name are unique to the run, so a shared Redis is safe.
"""
from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlparse, urlunparse

import pytest

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = REPO / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
SHARED_DATA = Path(os.environ.get("SLATE_SHARED_DATA", REPO.parent / "shared" / "data"))
HOSTNAME = socket.gethostname()

START_TIMEOUT_S = 45.0
STOP_TIMEOUT_S = 10.0


# --- HTTP: a tiny client on http.client (no requests/httpx in the venv) -----------------------

@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def __repr__(self) -> str:
        return f"<Response {self.status} {self.body[:500]!r}>"


def multipart(fields: dict[str, Any], files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    """A multipart/form-data body (RFC 7578) and its Content-Type."""
    boundary = f"----slate-e2e-{secrets.token_hex(12)}"
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content, content_type) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n".encode() + content + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Http:
    """One API client: a Bearer JWT, or a browser-like session (cookies + CSRF header + Origin)."""

    def __init__(self, base_url: str, *, token: str | None = None):
        parsed = urlparse(base_url)
        self.host, self.port = parsed.hostname, parsed.port
        self.origin = f"{parsed.scheme}://{parsed.netloc}"
        self.token = token
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, *, json_body: Any = None, fields: dict | None = None,
                files: dict | None = None, headers: dict | None = None, timeout: float = 30.0) -> Response:
        sent = {"Accept": "application/json", **(headers or {})}
        body = None
        if files is not None or fields is not None:
            body, sent["Content-Type"] = multipart(fields or {}, files or {})
        elif json_body is not None:
            body, sent["Content-Type"] = json.dumps(json_body).encode(), "application/json"
        if self.token:
            sent["Authorization"] = f"Bearer {self.token}"
        if self.cookies:
            sent["Cookie"] = self.cookie_header()
            if method not in ("GET", "HEAD", "OPTIONS") and "csrftoken" in self.cookies:
                sent.setdefault("X-CSRFToken", self.cookies["csrftoken"])
                sent.setdefault("Origin", self.origin)
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=sent)
            answer = conn.getresponse()
            data = answer.read()
            for raw in answer.headers.get_all("Set-Cookie") or []:
                jar = SimpleCookie()
                jar.load(raw)
                for name, morsel in jar.items():
                    if morsel.value == "" or morsel["max-age"] == "0":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return Response(answer.status, answer.headers, data)
        finally:
            conn.close()

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def call(self, method: str, path: str, expect: int = 200, **kwargs) -> Any:
        """Request and assert the status; returns the decoded JSON body (None when empty)."""
        response = self.request(method, path, **kwargs)
        assert response.status == expect, f"{method} {path}: expected {expect}, got {response.status}: {response.body[:2000]!r}"
        return response.json() if response.body else None

    def get(self, path: str, **kwargs) -> Any:
        return self.call("GET", path, **kwargs)

    def patch(self, path: str, body: dict, **kwargs) -> Any:
        return self.call("PATCH", path, json_body=body, **kwargs)

    def post(self, path: str, body: dict | None = None, expect: int = 201, **kwargs) -> Any:
        return self.call("POST", path, expect=expect, json_body=body, **kwargs)


# --- WebSocket: the `websockets` client with timeouts and a frame history ----------------------

class LiveSocket:
    """A real WebSocket client on `/ws/` that records every frame it receives (`frames`, in order)."""

    def __init__(self, conn, label: str):
        self.conn = conn
        self.label = label
        self.frames: list[dict] = []

    @classmethod
    async def open(cls, server: "SlateServer", *, bearer: str | None = None, cookie: str | None = None,
                   origin: str | None = None, label: str = "") -> "LiveSocket":
        from websockets.asyncio.client import connect

        headers = {}
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        if cookie:
            headers["Cookie"] = cookie
        conn = await asyncio.wait_for(
            connect(server.ws_url, additional_headers=headers, origin=origin, proxy=None, open_timeout=10, close_timeout=5),
            timeout=15,
        )
        return cls(conn, label or ("bearer" if bearer else "cookie" if cookie else "anonymous"))

    def mark(self) -> int:
        """The index of the next frame to arrive (for `wait_for(..., since=mark)`)."""
        return len(self.frames)

    async def send(self, payload: dict) -> None:
        await asyncio.wait_for(self.conn.send(json.dumps(payload)), timeout=5)

    async def receive(self, timeout: float) -> dict:
        text = await asyncio.wait_for(self.conn.recv(), timeout=timeout)
        frame = json.loads(text)
        self.frames.append(frame)
        return frame

    async def wait_for(self, predicate: Callable[[dict], bool], *, timeout: float = 15.0, since: int = 0, what: str = "") -> dict:
        """The first frame from index `since` on (already received or arriving) for which `predicate` holds."""
        for frame in self.frames[since:]:
            if predicate(frame):
                return frame
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"{self.label} socket: no {what or 'matching frame'} within {timeout:.0f} s; "
                                     f"got {json.dumps(self.frames[since:])[:4000]}")
            try:
                frame = await self.receive(remaining)
            except asyncio.TimeoutError:
                continue
            if predicate(frame):
                return frame

    async def collect(self, duration_s: float) -> list[dict]:
        """Every frame that arrives within `duration_s` seconds."""
        start = self.mark()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + duration_s
        while (remaining := deadline - loop.time()) > 0:
            try:
                await self.receive(remaining)
            except asyncio.TimeoutError:
                break
        return self.frames[start:]

    async def subscribe(self, production: int, *, after: int | None = None, timeout: float = 10.0) -> dict:
        """Send `subscribe` and return the answer for that production: `subscribed`, `resync` or `error`."""
        since = self.mark()
        message = {"type": "subscribe", "production": production}
        if after is not None:
            message["after"] = after
        await self.send(message)
        return await self.wait_for(
            lambda f: f.get("type") in ("subscribed", "resync", "error") and f.get("production") == production,
            timeout=timeout, since=since, what=f"answer to subscribe {production}",
        )

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.conn.close(), timeout=5)

    async def closed_with(self, timeout: float = 10.0) -> int | None:
        """Wait until the server closes the socket; the close code it sent."""
        await asyncio.wait_for(self.conn.wait_closed(), timeout=timeout)
        return self.conn.close_code


# --- the server under test ------------------------------------------------------------------------

@dataclass
class Member:
    key: str
    id: int
    username: str
    name: str
    password: str


SETUP_SCRIPT = r"""
import json, os
from django.contrib.auth import get_user_model
from django.db import transaction
from apps.productions.models import Role
from apps.productions.services import membership_add, production_create
from apps.scenes.services import scene_create

spec = json.loads(os.environ["SLATE_E2E_SPEC"])
User = get_user_model()
users = {}
with transaction.atomic():
    for key, person in spec["users"].items():
        user = User(username=person["username"], email=person["username"] + "@e2e.slate.test", name=person["name"], email_verified=True)
        user.set_password(person["password"])
        user.save()
        users[key] = user
    production = production_create(actor=users["alice"], title="E2E Live", code="E2E-LIVE")
    membership_add(production=production, actor=users["alice"], user_login="bob", role=Role.DIRECTOR)
    scenes = [
        scene_create(actor=users["alice"], production=production, number=str(i + 1), int_ext="INT", location=location, time_of_day="DAY").pk
        for i, location in enumerate(["LIBRARY", "OBSERVATORY", "STATION PLATFORM"])
    ]
    elsewhere = production_create(actor=users["outsider"], title="Elsewhere", code="E2E-ELSE")
print("E2E-SETUP " + json.dumps({"users": {k: u.pk for k, u in users.items()}, "production": production.pk,
                                 "scenes": scenes, "other_production": elsewhere.pk}))
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def external_redis_url() -> str | None:
    """REDIS_URL as CI's external pass sets it; None when it is only tests.settings' own private server."""
    url = os.environ.get("REDIS_URL") or None
    test_settings = sys.modules.get("tests.settings")
    private = getattr(test_settings, "_socket", None)
    if url and private is not None and url == f"unix://{private}":
        return None
    return url


def is_postgres(url: str | None) -> bool:
    return bool(url) and urlparse(url).scheme in ("postgres", "postgresql", "pgsql", "psql")


def libpq_url(url: str) -> str:
    return urlunparse(urlparse(url)._replace(scheme="postgresql"))


class MigratedTemplate:
    """One migrated database per vendor and pytest session, the template databases are copied from: every
    `SlateServer`'s, and the backup tests' installs (tests/ops/backup_installs.py).

    `get(server)` answers the template of the configured vendor (DATABASE_URL's), made with `server`'s
    environment the first time. `of(vendor, migrate)` answers the template of "sqlite" or "postgresql"
    (a database next to DATABASE_URL), calling `migrate(url)` — `manage.py migrate` into the new empty
    database at `url` — the first time that vendor is asked for. A template is a PostgreSQL database's
    name (no one stays connected to it, as `CREATE DATABASE … TEMPLATE` requires) or a SQLite file path;
    it is dropped (or deleted) when the pytest process exits. Raises what `migrate` raises
    (RuntimeError when migrate fails).
    """

    _made: dict[str, str] = {}
    _lock = threading.Lock()  # the early start (EarlyStart) and a test's own server may ask at once

    @classmethod
    def get(cls, server: "SlateServer") -> str:
        def migrate(url: str) -> None:
            server.database_url = url
            server.env = server._environment()
            server._manage(["migrate", "--noinput"], timeout=300)
            server.database_url = ""

        return cls.of("postgresql" if is_postgres(os.environ.get("DATABASE_URL")) else "sqlite", migrate)

    @classmethod
    def of(cls, vendor: str, migrate: Callable[[str], None]) -> str:
        if vendor not in ("sqlite", "postgresql"):
            raise ValueError(f"no template for {vendor!r}")
        kind = libpq_url(os.environ["DATABASE_URL"]) if vendor == "postgresql" else "sqlite"
        with cls._lock:
            if kind not in cls._made:
                cls._made[kind] = cls._make(migrate, kind if vendor == "postgresql" else None)
            return cls._made[kind]

    @classmethod
    def _make(cls, migrate: Callable[[str], None], pg_url: str | None) -> str:
        import atexit

        if pg_url:
            import psycopg
            from psycopg import sql

            name = f"slate_e2e_template_{os.getpid()}_{secrets.token_hex(2)}"

            def drop() -> None:
                with contextlib.suppress(Exception), psycopg.connect(pg_url, autocommit=True, connect_timeout=10) as conn:
                    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

            with psycopg.connect(pg_url, autocommit=True, connect_timeout=10) as conn:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            atexit.register(drop)
            url = urlunparse(urlparse(pg_url)._replace(path=f"/{name}"))
        else:
            folder = Path(tempfile.mkdtemp(prefix="slate-e2e-template-"))
            atexit.register(shutil.rmtree, folder, ignore_errors=True)
            name = str(folder / "template.sqlite3")
            url = f"sqlite:///{name}"
        migrate(url)
        return name


class SlateServer:
    """Redis (private or CI's), a private database, the web process (`manage.py run_web`: uvicorn, or
    `asgi_server`) and run_huey, as subprocesses.

    `private_redis=True` starts a redis-server of its own even when CI names a shared one, for tests
    that pause and restart it (`pause_redis`, `restart_redis`). The processes' temp dir (TMPDIR) is
    `tmp/scratch`, so a test can tell what they left behind.
    """

    def __init__(self, *, private_redis: bool = False, asgi_server: str | None = None) -> None:
        self.private_redis = private_redis
        self.asgi_server = asgi_server or os.environ.get("SLATE_ASGI_SERVER", "uvicorn")  # manage.py run_web's server
        self.tmp = Path(tempfile.mkdtemp(prefix="slate-e2e-"))
        self.tag = f"{os.getpid()}-{secrets.token_hex(3)}"
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}/ws/"
        self.origin = self.base_url
        self.redis_proc: subprocess.Popen | None = None
        self.web: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.sqlite_path: Path | None = None
        self.pg_admin_url: str | None = None
        self.pg_database: str | None = None
        self.database_url = ""
        self.redis_url = ""
        self.metrics_token = secrets.token_urlsafe(24)  # GET /metrics with `Authorization: Bearer <it>`
        self.members: dict[str, Member] = {}
        self.production_id = 0
        self.other_production_id = 0
        self.scene_ids: list[int] = []
        self._tokens: dict[str, str] = {}
        self._sessions: dict[str, Http] = {}

    # --- start and stop -----------------------------------------------------------------------

    def start(self) -> None:
        """Redis, the database, then the members' setup, the web process and the worker at once.

        Those three are each mostly a Django start-up (seconds of CPU) and need only the database and
        Redis, not each other, so they overlap (on two cores, about half the wall time of one after the
        other). The web process starts once STATIC_ROOT holds what it will serve (`CollectedStatic`).
        Raises what the first of them raised, after all three have ended their start.
        """
        import concurrent.futures

        (self.tmp / "scratch").mkdir(exist_ok=True)
        self._start_redis()
        self._create_database()
        self.env = self._environment()
        with concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="slate-start") as pool:
            started = [pool.submit(self._create_people), pool.submit(self.start_worker)]
            CollectedStatic.copy_into(self)
            self.start_web()
            for future in started:
                future.result()
        from apps.core.redis_server import wait_for_redis

        wait_for_redis(self.redis_url, timeout_s=10)

    def _start_redis(self) -> None:
        external = None if self.private_redis else external_redis_url()
        if external:
            self.redis_url = external
            return
        from apps.core.redis_server import start_redis

        sock = self.tmp / "redis" / "redis.sock"
        self.redis_proc = start_redis(sock, appendonly=False, log_path=self.tmp / "redis.log")
        self.redis_url = f"unix://{sock}"

    def pause_redis(self) -> None:
        """SIGSTOP the private Redis: connections stay open, nothing answers (a hung server)."""
        assert self.redis_proc is not None, "only a private Redis can be paused"
        os.kill(self.redis_proc.pid, signal.SIGSTOP)

    def resume_redis(self) -> None:
        """SIGCONT the private Redis."""
        assert self.redis_proc is not None
        os.kill(self.redis_proc.pid, signal.SIGCONT)

    def restart_redis(self) -> None:
        """SIGKILL the private Redis and start a new, empty one on the same socket (a crash and a restart)."""
        self.kill_redis()
        self.start_redis_again()

    def kill_redis(self) -> None:
        """SIGKILL the private Redis and remove its socket: connections are refused until `start_redis_again`."""
        assert self.redis_proc is not None, "only a private Redis can be stopped"
        os.kill(self.redis_proc.pid, signal.SIGKILL)
        self.redis_proc.wait(timeout=STOP_TIMEOUT_S)
        Path(self.redis_url.removeprefix("unix://")).unlink(missing_ok=True)

    def start_redis_again(self) -> None:
        """A new, empty private Redis on the same socket, after `kill_redis`."""
        from apps.core.redis_server import start_redis, wait_for_redis

        sock = Path(self.redis_url.removeprefix("unix://"))
        self.redis_proc = start_redis(sock, appendonly=False, log_path=self.tmp / "redis.log")
        wait_for_redis(self.redis_url, timeout_s=10)

    def _create_database(self) -> None:
        """This server's own database, migrated: a copy of the session's `MigratedTemplate`."""
        configured = os.environ.get("DATABASE_URL")
        template = MigratedTemplate.get(self)
        if is_postgres(configured):
            import psycopg
            from psycopg import sql

            parsed = urlparse(configured)
            self.pg_database = f"slate_e2e_{os.getpid()}_{secrets.token_hex(2)}"
            self.pg_admin_url = libpq_url(configured)
            with psycopg.connect(self.pg_admin_url, autocommit=True, connect_timeout=10) as conn:
                conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(self.pg_database), sql.Identifier(template)))
            self.database_url = urlunparse(parsed._replace(path=f"/{self.pg_database}"))
        else:
            self.sqlite_path = self.tmp / "slate.sqlite3"
            with contextlib.closing(sqlite3.connect(template)) as source, \
                    contextlib.closing(sqlite3.connect(self.sqlite_path)) as copy:
                source.backup(copy)
            self.database_url = f"sqlite:///{self.sqlite_path}"

    def _environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
        env.update(
            DJANGO_SETTINGS_MODULE="project.settings",
            DEBUG="false",
            SECRET_KEY=secrets.token_urlsafe(48),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SECURE_SSL_REDIRECT="false",
            SESSION_COOKIE_SECURE="false",
            CSRF_COOKIE_SECURE="false",
            SECURE_HSTS_SECONDS="0",
            SLATE_VAR_DIR=str(self.tmp / "var"),
            TMPDIR=str(self.tmp / "scratch"),
            MEDIA_ROOT=str(self.tmp / "media"),
            SLATE_CHANNEL_PREFIX=f"slate-e2e-{self.tag}",
            SLATE_HUEY_NAME=f"slate-e2e-{self.tag}",
            HUEY_WORKERS="2",
            HUEY_IMMEDIATE="false",
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(self.tmp / "mail"),
            REDIS_URL=self.redis_url,
            DATABASE_URL=self.database_url,
            SLATE_PUBLIC_URL=self.base_url,
            SLATE_ASGI_SERVER=self.asgi_server,
            LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
            # Every e2e test signs in from 127.0.0.1; the limit itself is tested in tests/accounts/test_auth.py.
            SLATE_AUTH_THROTTLE="1000/min",
            # Web Push goes to the test's own fake push service (tests/notifications/fake_push.py) on loopback.
            SLATE_PUSH_ALLOWED_HOSTS="127.0.0.1",
            SLATE_PUSH_ALLOW_INSECURE="true",
            # Every process (web, worker, manage.py) writes its metrics here; /metrics adds them up (apps/core/metrics.py).
            PROMETHEUS_MULTIPROC_DIR=str(self.tmp / "metrics"),
            SLATE_METRICS_TOKEN=self.metrics_token,
        )
        return env

    def _manage(self, args: list[str], *, timeout: float, extra_env: dict | None = None) -> str:
        done = subprocess.run([PYTHON, "manage.py", *args], cwd=REPO, env={**self.env, **(extra_env or {})},
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {args[0]} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}")
        return done.stdout

    def _create_people(self) -> None:
        people = {
            "alice": ("alice", "Alice Moreau"),      # owner of the production
            "bob": ("bob", "Bob Okafor"),            # director on it
            "outsider": ("outsider", "Olga Outsider"),  # on another production only
        }
        spec = {"users": {key: {"username": u, "name": n, "password": f"e2e-{secrets.token_urlsafe(12)}"} for key, (u, n) in people.items()}}
        out = self._manage(["shell", "-c", SETUP_SCRIPT], timeout=120, extra_env={"SLATE_E2E_SPEC": json.dumps(spec)})
        line = next((ln for ln in out.splitlines() if ln.startswith("E2E-SETUP ")), None)
        assert line, f"setup printed no result:\n{out}"
        result = json.loads(line[len("E2E-SETUP "):])
        for key, person in spec["users"].items():
            self.members[key] = Member(key, result["users"][key], person["username"], person["name"], person["password"])
        self.production_id = result["production"]
        self.other_production_id = result["other_production"]
        self.scene_ids = result["scenes"]

    def _spawn(self, name: str, argv: list[str]) -> subprocess.Popen:
        log_path = self.tmp / f"{name}.log"
        with log_path.open("ab") as log:
            log.write(f"\n===== {time.strftime('%H:%M:%S')} starting {' '.join(argv)}\n".encode())
            log.flush()
            # Own session: a SIGKILL of the group takes ffmpeg children with it.
            return subprocess.Popen(argv, cwd=REPO, env=self.env, stdin=subprocess.DEVNULL, stdout=log,
                                    stderr=subprocess.STDOUT, start_new_session=True)

    def start_web(self) -> None:
        self.web = self._spawn("web", [PYTHON, "manage.py", "run_web", "--host", "127.0.0.1", "--port", str(self.port)])
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.web.poll() is not None:
                raise RuntimeError(f"{self.asgi_server} exited with {self.web.returncode}:\n{self.log_tail('web')}")
            with contextlib.suppress(OSError, ValueError):
                response = Http(self.base_url).request("GET", "/api/health/", timeout=2)
                if response.status == 200 and response.json() == {"ok": True}:
                    return
            time.sleep(0.05)
        raise RuntimeError(f"{self.asgi_server} did not answer /api/health/ within {START_TIMEOUT_S:.0f} s:\n{self.log_tail('web')}")

    def start_worker(self) -> None:
        log_path = self.tmp / "worker.log"
        offset = log_path.stat().st_size if log_path.exists() else 0
        self.worker = self._spawn("worker", [PYTHON, "manage.py", "run_huey"])
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.worker.poll() is not None:
                raise RuntimeError(f"run_huey exited with {self.worker.returncode}:\n{self.log_tail('worker')}")
            with log_path.open("rb") as handle:
                handle.seek(offset)
                if b"Huey consumer started" in handle.read():
                    return
            time.sleep(0.05)
        raise RuntimeError(f"run_huey did not start within {START_TIMEOUT_S:.0f} s:\n{self.log_tail('worker')}")

    def kill_worker(self) -> int:
        """SIGKILL the worker and its children (ffmpeg) at once, like an OOM kill; returns its pid."""
        assert self.worker is not None and self.worker.poll() is None, "the worker is not running"
        pid = self.worker.pid
        os.killpg(pid, signal.SIGKILL)  # its own process group (start_new_session), so only what it started
        self.worker.wait(timeout=STOP_TIMEOUT_S)
        return pid

    @staticmethod
    def _stop(proc: subprocess.Popen | None) -> None:
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)

    def stop(self) -> None:
        self._stop(self.worker)
        self._stop(self.web)
        if self.redis_proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.redis_proc.pid, signal.SIGCONT)  # a test that failed while Redis was paused
            self._stop(self.redis_proc)
        elif self.redis_url:
            self._clean_shared_redis()
        if self.pg_database:
            import psycopg
            from psycopg import sql

            with psycopg.connect(self.pg_admin_url, autocommit=True, connect_timeout=10) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.pg_database)))

    def _clean_shared_redis(self) -> None:
        """On CI's shared Redis, remove this run's Huey keys (the channel layer's expire by themselves)."""
        with contextlib.suppress(Exception):
            import redis

            client = redis.Redis.from_url(self.redis_url, socket_timeout=5)
            for key in client.scan_iter(match=f"*slate-e2e-{self.tag}*"):
                client.delete(key)
            client.close()

    def log_tail(self, name: str, lines: int = 60) -> str:
        path = self.tmp / f"{name}.log"
        if not path.exists():
            return f"(no {name} log)"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    # --- clients ------------------------------------------------------------------------------

    def token(self, key: str) -> str:
        """An access JWT for a member (POST /api/auth/token/), fetched once per run."""
        if key not in self._tokens:
            member = self.members[key]
            body = Http(self.base_url).post("/api/auth/token/", {"username": member.username, "password": member.password}, expect=200)
            self._tokens[key] = body["access"]
        return self._tokens[key]

    def jwt_client(self, key: str) -> Http:
        return Http(self.base_url, token=self.token(key))

    def session_client(self, key: str) -> Http:
        """A browser-like client signed in with POST /api/auth/login/ (session + CSRF cookies)."""
        if key not in self._sessions:
            member = self.members[key]
            client = Http(self.base_url)
            client.post("/api/auth/login/", {"login": member.username, "password": member.password}, expect=200)
            assert "sessionid" in client.cookies and "csrftoken" in client.cookies, client.cookies
            self._sessions[key] = client
        return self._sessions[key]

    # --- read-only looks at the server's database ------------------------------------------------

    def db_rows(self, query: str, params: tuple = ()) -> list[tuple]:
        """Rows of a read-only query (`%s` placeholders) on the server's own database."""
        if self.sqlite_path is not None:
            with contextlib.closing(sqlite3.connect(self.sqlite_path, timeout=20)) as conn:
                return conn.execute(query.replace("%s", "?"), params).fetchall()
        import psycopg

        with psycopg.connect(libpq_url(self.database_url), connect_timeout=10) as conn:
            return conn.execute(query, params).fetchall()

    def job_worker(self, job_id: str) -> str:
        """`host:pid` of the process that ran (or runs) the job, as the job row records it."""
        key = uuid.UUID(job_id).hex if self.sqlite_path is not None else job_id
        rows = self.db_rows("SELECT worker FROM jobs_job WHERE id = %s", (key,))
        assert rows, f"no job {job_id} in the database"
        return rows[0][0]


_FAILED_LOGS: list[str] = []


def serve(request, server: SlateServer, *, start: Callable[[], None] | None = None):
    """Start `server` (or wait for `start()` to have started it), yield it, stop it; on a failed run its logs are
    printed at the end (and its files kept)."""
    try:
        (start or server.start)()
    except BaseException:
        tails = "\n".join(f"--- {n} ---\n{server.log_tail(n)}" for n in ("redis", "web", "worker"))
        server.stop()
        raise RuntimeError(f"Slate did not start (files kept in {server.tmp}):\n{tails}")
    failed_before = request.session.testsfailed
    yield server
    server.stop()
    if request.session.testsfailed > failed_before:
        for name in ("web", "worker", "redis"):
            _FAILED_LOGS.append(f"--- slate {name} log ({server.tmp / (name + '.log')}), last lines ---\n{server.log_tail(name, 80)}")
    else:
        shutil.rmtree(server.tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def slate(request) -> SlateServer:
    """The running Slate (web + worker + Redis + database) with two members and an outsider."""
    if EarlyStart.server is not None:
        yield from serve(request, EarlyStart.server, start=EarlyStart.wait)
    else:
        yield from serve(request, SlateServer())


class EarlyStart:
    """The session's `slate`, started in a thread as soon as the tests are collected when one of them uses it.

    The tests before tests/e2e run in this one process and leave the second core mostly idle; the
    server's start (the session's migrate into `MigratedTemplate` the first time, then seconds of
    Django start-ups) overlaps them instead of waiting for the first test that needs it. The `slate`
    fixture waits for it (`wait`, which raises what the start raised) and stops it as before; a
    session that never reaches that fixture (-x, ^C) stops it at the end. Not with --collect-only.
    """

    server: SlateServer | None = None
    _thread: threading.Thread | None = None
    _error: BaseException | None = None
    _taken = False

    @classmethod
    def begin(cls) -> None:
        cls.server = SlateServer()

        def run() -> None:
            try:
                cls.server.start()
            except BaseException as exc:  # noqa: BLE001 — raised again by wait(), in the test that needs the server
                cls._error = exc

        cls._thread = threading.Thread(target=run, name="slate-early-start", daemon=True)
        cls._thread.start()

    @classmethod
    def wait(cls) -> None:
        cls._taken = True
        cls._thread.join()
        if cls._error is not None:
            raise cls._error

    @classmethod
    def finish(cls) -> None:
        """Stop the server if no test took it."""
        if cls.server is not None and not cls._taken:
            cls._thread.join()
            cls.server.stop()
            shutil.rmtree(cls.server.tmp, ignore_errors=True)


def uses_session_slate(item) -> bool:
    """True when the test's `slate` is this file's session fixture (not a module's own, as in test_daphne_server)."""
    info = getattr(item, "_fixtureinfo", None)
    definitions = info.name2fixturedefs.get("slate") if info is not None else None
    return bool(definitions) and definitions[-1].scope == "session"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    servers = [value for value in getattr(item, "funcargs", {}).values() if isinstance(value, SlateServer)]
    if report.failed:
        for server in servers[:1]:
            for name in ("web", "worker"):
                report.sections.append((f"slate {name} log (last lines)", server.log_tail(name, 40)))


def pytest_terminal_summary(terminalreporter):
    if _FAILED_LOGS:
        terminalreporter.section("Slate end-to-end process logs")
        for text in _FAILED_LOGS:
            terminalreporter.write_line(text)


# --- browser tests (tests/e2e/test_browser.py): the built app, the server's static files, Chromium --------

FRONTEND = REPO / "frontend"
APP_INDEX = REPO / "static" / "app" / "index.html"
BUILD_TIMEOUT_S = 300.0


def app_build_is_stale() -> bool:
    """True when static/app/index.html is missing or older than a file of the app's sources."""
    if not APP_INDEX.exists():
        return True
    built = APP_INDEX.stat().st_mtime
    sources = [p for p in (FRONTEND / "src").rglob("*") if p.is_file()]
    sources += [FRONTEND / name for name in ("index.html", "vite.config.ts", "package.json") if (FRONTEND / name).exists()]
    return any(p.stat().st_mtime > built for p in sources)


@pytest.fixture(scope="session")
def built_app() -> Path:
    """The React app built into static/app/ (`npx vite build` once per session, only when stale)."""
    if app_build_is_stale():
        npx = shutil.which("npx")
        if npx is None:
            pytest.fail("static/app/ is missing or stale and npx is not on PATH: build it with `make frontend`.")
        done = subprocess.run([npx, "vite", "build", "--logLevel", "warn"], cwd=FRONTEND, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=BUILD_TIMEOUT_S)
        if done.returncode != 0:
            pytest.fail(f"`npx vite build` failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}")
    assert APP_INDEX.exists(), "the frontend build wrote no static/app/index.html"
    return APP_INDEX


class CollectedStatic:
    """The built app's `collectstatic`, run once per session and build, copied into each server's STATIC_ROOT.

    `copy_into(server)` is called before the server's web process starts, so it serves the app's
    assets from the start and `serve_built_app` has no web process to restart. The first call runs
    `manage.py collectstatic` (as the Dockerfile does, with the server's environment) into a folder
    of the session; its output does not depend on where it is written, so later servers get a copy
    of it. Only in a session that collected a test using `built_app` (`wanted`, set at collection),
    and only while static/app/ is current: otherwise nothing happens and `serve_built_app` collects
    and restarts as before. Raises RuntimeError when collectstatic fails.
    """

    wanted = False
    _made: dict[str, Path] = {}  # sha256 of static/app/index.html -> the collected folder
    _lock = threading.Lock()

    @classmethod
    def copy_into(cls, server: SlateServer) -> None:
        import atexit
        import hashlib

        if not cls.wanted or app_build_is_stale():
            return
        build = hashlib.sha256(APP_INDEX.read_bytes()).hexdigest()
        with cls._lock:
            if build not in cls._made:
                folder = Path(tempfile.mkdtemp(prefix="slate-e2e-static-"))
                atexit.register(shutil.rmtree, folder, ignore_errors=True)
                server._manage(["collectstatic", "--noinput"], timeout=180, extra_env={"STATIC_ROOT": str(folder / "root")})
                cls._made[build] = folder / "root"
        # project/settings.py: $STATIC_ROOT, else $SLATE_VAR_DIR/staticfiles
        static_root = Path(server.env.get("STATIC_ROOT") or Path(server.env["SLATE_VAR_DIR"]) / "staticfiles")
        shutil.copytree(cls._made[build], static_root, dirs_exist_ok=True)


def pytest_collection_finish(session):
    CollectedStatic.wanted = any("built_app" in getattr(item, "fixturenames", ()) for item in session.items)
    if not session.config.option.collectonly and any(uses_session_slate(item) for item in session.items):
        EarlyStart.begin()


def pytest_sessionfinish(session):
    EarlyStart.finish()


def serve_built_app(slate: SlateServer) -> None:
    """Make the running server serve the assets static/app/index.html names now.

    The server runs as in production (DEBUG off), where WhiteNoise serves static files only from
    STATIC_ROOT as it was when the web process started: when the app's assets are not served (the
    first time, or after a rebuild gave them new hashed names), run `collectstatic` (as the
    Dockerfile does) into the server's own STATIC_ROOT and restart the web process.
    """
    import re

    html = APP_INDEX.read_text()
    assets = re.findall(r'(?:src|href)="(/static/app/[^"]+)"', html)
    assert assets, f"static/app/index.html names no /static/app/ assets:\n{html[:1000]}"

    def served() -> bool:
        client = Http(slate.base_url)
        return all(client.request("GET", asset, headers={"Accept": "*/*"}).status == 200 for asset in assets)

    if not served():
        slate._manage(["collectstatic", "--noinput"], timeout=180)
        slate._stop(slate.web)
        slate.start_web()
        assert served(), f"the app's assets are still not served after collectstatic: {assets}"


@pytest.fixture(scope="session")
def slate_app(slate: SlateServer, built_app: Path) -> SlateServer:
    """The running Slate serving the built browser app, its assets included (see `serve_built_app`)."""
    serve_built_app(slate)
    return slate


@pytest.fixture(scope="module")
def chromium():
    """Chromium of the OS driven by Playwright (sync API), one per test module."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.browser import launch

    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            yield browser
        finally:
            browser.close()

"""Slate's real processes for the benchmark, private to one run: redis-server, database, worker, web processes.

The same processes as `make run` (web through `manage.py run_web`, worker `manage.py run_huey`,
Redis), configured only through their environment as in production (DEBUG off), like the
end-to-end tests' `SlateServer` (tests/e2e/conftest.py) — copied, not imported, so the tests do
not depend on the benchmark nor the benchmark on the tests. Redis listens on a unix socket in the
run's temp dir; the database is a SQLite file there, or a fresh PostgreSQL database created next
to `postgres://postgres@127.0.0.1:5432/` and dropped at the end.
"""
from __future__ import annotations

import contextlib
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse, urlunparse

REPO = Path(__file__).resolve().parents[3]
PYTHON = sys.executable
NGINX = Path("/usr/sbin/nginx")
POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0

# What the benchmark's environment changes from Slate's defaults, and why (printed with the results).
BENCH_SETTINGS = {
    # One client process opens every socket from 127.0.0.1; the per-socket frame limit is untouched
    # by the benchmark's clients (each sends one or two frames), raised only so it cannot interfere.
    "SLATE_WS_BURST": "1000",
    "SLATE_WS_RATE_PER_S": "1000",
    # The tokens are minted in-process, not signed in; raised anyway so no sign-in can be throttled.
    "SLATE_AUTH_THROTTLE": "100000/min",
    # A run with several N and --runs takes longer than the default 30-minute access token.
    "JWT_ACCESS_MINUTES": "720",
}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_kb(pid: int) -> int:
    """A process's resident set size in KiB (VmRSS of /proc/<pid>/status); 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_s(pid: int) -> float:
    """CPU time a process has used so far (user + system, in seconds, from /proc/<pid>/stat); 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def raise_fd_limit() -> int:
    """Raise this process's open-file limit (RLIMIT_NOFILE) to its hard limit; children inherit it. Returns the soft limit."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        wanted = 65536 if hard == resource.RLIM_INFINITY else hard
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def http_get(base_url: str, path: str, *, timeout: float = 2.0) -> tuple[int, bytes]:
    """GET `path` from `base_url` (http://host:port); `(status, body)`. Raises OSError when nothing answers."""
    parsed = urlparse(base_url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Accept": "application/json"})
        answer = conn.getresponse()
        return answer.status, answer.read()
    finally:
        conn.close()


@dataclass
class Seed:
    """What `apps.demo.bench.seed` made: the production, its scenes `{id: version}`, the owner's and members' access JWTs."""

    production: int
    scenes: dict[int, int]
    owner_token: str
    member_tokens: list[str]


@dataclass
class Stack:
    """Redis, a database, one worker and `web_processes` web processes, all private to this object.

    `database` is "sqlite" or "postgres"; `asgi_server` (daphne, uvicorn) goes to the web processes
    as SLATE_ASGI_SERVER, None keeps the setting's own default. `members` crew members and `scenes`
    scenes are seeded by `start()`. With several web processes, nginx is put in front of them as
    `make run` does (`manage.py nginx_conf`'s configuration from deploy/nginx/) when it is installed
    and `use_nginx`; clients use `client_urls` (nginx's one address, else every process's, to be
    spread round-robin). Call `stop()` in any case: it ends only the processes it started and
    removes the temp dir (kept when `keep_files`).
    """

    database: str = "sqlite"
    web_processes: int = 1
    asgi_server: str | None = None
    members: int = 100
    scenes: int = 20
    keep_files: bool = False
    use_nginx: bool = True
    tmp: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="slate-bench-")))
    redis: subprocess.Popen | None = None
    worker: subprocess.Popen | None = None
    web: list[subprocess.Popen] = field(default_factory=list)
    web_ports: list[int] = field(default_factory=list)
    nginx: subprocess.Popen | None = None
    nginx_port: int | None = None
    pg_database: str | None = None
    seed: Seed | None = None
    env: dict[str, str] = field(default_factory=dict)

    @property
    def web_urls(self) -> list[str]:
        """Base URLs (http://127.0.0.1:port) of the running web processes, in start order."""
        return [f"http://127.0.0.1:{port}" for port in self.web_ports]

    @property
    def fronted(self) -> bool:
        """True when nginx goes in front of the web processes: several of them, nginx installed, and not refused."""
        return self.web_processes > 1 and self.use_nginx and nginx_available()

    @property
    def client_urls(self) -> list[str]:
        """Where clients send requests and open sockets: nginx's base URL, else each web process's."""
        return [f"http://127.0.0.1:{self.nginx_port}"] if self.nginx_port else self.web_urls

    @property
    def proxy(self) -> str:
        """How clients reach the web processes, in words for the printout."""
        if self.web_processes == 1:
            return "directly"
        if self.fronted:
            return "through nginx (least_conn, deploy/nginx/)"
        why = "not wanted (--no-nginx)" if not self.use_nginx else "not installed (`make nginx`) or no nginx_conf"
        return f"round-robin over the web processes' ports (nginx {why})"

    @property
    def server_name(self) -> str:
        """The ASGI server the web processes run (SLATE_ASGI_SERVER as they see it)."""
        return self.env.get("SLATE_ASGI_SERVER") or _setting_default("SLATE_ASGI_SERVER", "daphne")

    def start(self) -> None:
        """Start Redis, create and migrate the database, seed it, start the worker. Raises RuntimeError on failure."""
        (self.tmp / "scratch").mkdir(parents=True, exist_ok=True)
        from apps.core.redis_server import start_redis

        sock = self.tmp / "redis" / "redis.sock"
        self.redis = start_redis(sock, appendonly=False, log_path=self.tmp / "redis.log")
        self.env = self._environment(redis_url=f"unix://{sock}", database_url=self._create_database())
        self.seed = self._seed()
        self.worker = self._spawn("worker", [PYTHON, "manage.py", "run_huey"])

    def start_web(self) -> None:
        """Start the web processes on free ports and wait until each answers /api/health/ (and the worker has started)."""
        self.web_ports = [free_port() for _ in range(self.web_processes)]
        self.web = [self._spawn(f"web{i}", web_argv("127.0.0.1", port)) for i, port in enumerate(self.web_ports)]
        deadline = time.monotonic() + START_TIMEOUT_S
        for i, url in enumerate(self.web_urls):
            while True:
                if self.web[i].poll() is not None:
                    raise RuntimeError(f"web process {i} exited with {self.web[i].returncode}:\n{self.log_tail(f'web{i}')}")
                with contextlib.suppress(OSError, ValueError, http.client.HTTPException):
                    status, body = http_get(url, "/api/health/")
                    if status == 200 and json.loads(body) == {"ok": True}:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"web process {i} did not answer /api/health/ in {START_TIMEOUT_S:.0f} s:\n{self.log_tail(f'web{i}')}")
                time.sleep(0.1)
        if self.fronted:
            self._start_nginx(deadline)
        self._wait_for_worker(deadline)

    def _start_nginx(self, deadline: float) -> None:
        """nginx in front of the web processes, configured as `make run` does (deploy/nginx/ through nginx_conf's write_config)."""
        from apps.core.management.commands.nginx_conf import write_config

        self.nginx_port = free_port()
        directory = self.tmp / "nginx"
        conf = write_config(directory, listen=f"127.0.0.1:{self.nginx_port}", upstreams=[f"127.0.0.1:{p}" for p in self.web_ports],
                            media_root=self.tmp / "media", static_root=self.tmp / "static")
        self.nginx = self._spawn("nginx", [str(NGINX), "-p", str(directory), "-c", str(conf), "-e", "stderr"])
        while True:
            if self.nginx.poll() is not None:
                raise RuntimeError(f"nginx exited with {self.nginx.returncode}:\n{self.log_tail('nginx')}")
            with contextlib.suppress(OSError, ValueError, http.client.HTTPException):
                if http_get(self.client_urls[0], "/api/health/")[0] == 200:
                    return
            if time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not answer /api/health/ in {START_TIMEOUT_S:.0f} s:\n{self.log_tail('nginx')}")
            time.sleep(0.1)

    def stop_web(self) -> None:
        """Stop nginx and the web processes (SIGTERM to all, then wait; SIGKILL after STOP_TIMEOUT_S)."""
        for process in (self.nginx, *self.web):
            if process is not None and process.poll() is None:
                process.terminate()
        for process in (self.nginx, *self.web):
            stop_process(process)
        self.web, self.web_ports, self.nginx, self.nginx_port = [], [], None, None

    @property
    def nginx_pids(self) -> list[int]:
        """Pids of nginx's master and worker processes (empty without nginx)."""
        if self.nginx is None or self.nginx.poll() is not None:
            return []
        return [self.nginx.pid, *children(self.nginx.pid)]

    @property
    def web_pids(self) -> list[int]:
        """Pids of the running web processes (run_web execs the server, so these are the servers themselves)."""
        return [process.pid for process in self.web if process.poll() is None]

    def stop(self) -> None:
        """Stop every process this stack started, drop its PostgreSQL database, remove its temp dir."""
        for process in (self.nginx, *self.web, self.worker):  # SIGTERM to all at once, then wait for each
            if process is not None and process.poll() is None:
                process.terminate()
        self.stop_web()
        stop_process(self.worker)
        stop_process(self.redis)
        if self.pg_database:
            with contextlib.suppress(Exception):
                import psycopg
                from psycopg import sql

                with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=10) as conn:
                    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.pg_database)))
        if not self.keep_files:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def log_tail(self, name: str, lines: int = 40) -> str:
        """The last lines of a process's log (`web0`, `worker`, `seed`, `redis`)."""
        path = self.tmp / f"{name}.log"
        if not path.exists():
            return f"(no {name} log)"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    # --- inside ---------------------------------------------------------------------------------

    def _create_database(self) -> str:
        if self.database == "sqlite":
            return f"sqlite:///{self.tmp / 'slate.sqlite3'}"
        if self.database != "postgres":
            raise ValueError(f"database must be sqlite or postgres, not {self.database!r}")
        import psycopg
        from psycopg import sql

        self.pg_database = f"slate_bench_{os.getpid()}_{secrets.token_hex(3)}"
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=10) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.pg_database)))
        return urlunparse(urlparse(POSTGRES_ADMIN_URL)._replace(scheme="postgres", path=f"/{self.pg_database}"))

    def _environment(self, *, redis_url: str, database_url: str) -> dict[str, str]:
        tag = f"bench-{os.getpid()}-{secrets.token_hex(3)}"
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
            SLATE_CHANNEL_PREFIX=f"slate-{tag}",
            SLATE_HUEY_NAME=f"slate-{tag}",
            HUEY_IMMEDIATE="false",
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(self.tmp / "mail"),
            REDIS_URL=redis_url,
            SLATE_CHANNEL_REDIS_URLS=redis_url,  # not a shard list inherited from the caller's environment
            DATABASE_URL=database_url,
            PYTHONUNBUFFERED="1",
            **BENCH_SETTINGS,
        )
        if self.asgi_server:
            env["SLATE_ASGI_SERVER"] = self.asgi_server
        return env

    def _seed(self) -> Seed:
        out = self.tmp / "seed.json"
        spec = {"members": self.members, "scenes": self.scenes, "out": str(out)}
        log = self.tmp / "seed.log"
        with log.open("wb") as handle:
            done = subprocess.run([PYTHON, "-m", "apps.demo.bench.seed", json.dumps(spec)], cwd=REPO, env=self.env,
                                  stdin=subprocess.DEVNULL, stdout=handle, stderr=subprocess.STDOUT, timeout=600)
        if done.returncode != 0:
            raise RuntimeError(f"seeding the benchmark's database failed ({done.returncode}):\n{self.log_tail('seed')}")
        data = json.loads(out.read_text())
        return Seed(production=data["production"], scenes={int(k): v for k, v in data["scenes"].items()},
                    owner_token=data["owner_token"], member_tokens=data["member_tokens"])

    def _spawn(self, name: str, argv: list[str]) -> subprocess.Popen:
        with (self.tmp / f"{name}.log").open("ab") as log:
            return subprocess.Popen(argv, cwd=REPO, env=self.env, stdin=subprocess.DEVNULL, stdout=log,
                                    stderr=subprocess.STDOUT, start_new_session=True)

    def _wait_for_worker(self, deadline: float) -> None:
        log = self.tmp / "worker.log"
        while b"Huey consumer started" not in (log.read_bytes() if log.exists() else b""):
            if self.worker is None or self.worker.poll() is not None:
                raise RuntimeError(f"run_huey exited:\n{self.log_tail('worker')}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"run_huey did not start in {START_TIMEOUT_S:.0f} s:\n{self.log_tail('worker')}")
            time.sleep(0.1)


def web_argv(host: str, port: int) -> list[str]:
    """The command line of one web process: `manage.py run_web` (daphne or uvicorn by SLATE_ASGI_SERVER), as `make run` starts it.

    A checkout from before run_web (older commits, to measure them) gets daphne as `make run` started it then.
    """
    if (REPO / "apps" / "core" / "management" / "commands" / "run_web.py").exists():
        return [PYTHON, "manage.py", "run_web", "--host", host, "--port", str(port)]
    return [str(Path(PYTHON).parent / "daphne"), "-b", host, "-p", str(port), "project.asgi:application"]


def nginx_available() -> bool:
    """True when Debian's nginx is installed and this checkout has `manage.py nginx_conf` (deploy/nginx/)."""
    return NGINX.exists() and (REPO / "apps" / "core" / "management" / "commands" / "nginx_conf.py").exists()


def children(pid: int) -> list[int]:
    """Pids of a process's direct children (/proc/<pid>/task/*/children); empty when it is gone."""
    found: list[int] = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError), open(f"/proc/{pid}/task/{task}/children") as listing:
                found += [int(child) for child in listing.read().split()]
    return found


def _setting_default(name: str, default: str) -> str:
    with contextlib.suppress(Exception):
        from django.conf import settings

        return str(getattr(settings, name))
    return default


def stop_process(process: subprocess.Popen | None) -> None:
    """SIGTERM `process`, then SIGKILL its process group (its own session) after STOP_TIMEOUT_S."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)

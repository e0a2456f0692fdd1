"""`manage.py nginx_conf`: write the nginx configuration that puts several web processes behind one address.

Renders deploy/nginx/nginx.conf.template and deploy/nginx/slate.conf.template into one directory
(`--dir`, var/nginx/ under `make run`) as nginx.conf and slate.conf, with that directory's temp/
folder. `make run` runs it when SLATE_WEB_PROCESSES > 1, then supervisord starts
`/usr/sbin/nginx -p DIR -c DIR/nginx.conf -e stderr` (supervisord.conf's `nginx` program); the tests
(tests/e2e/test_nginx.py) render into a temp dir. MEDIA_ROOT, STATIC_ROOT and the largest request
body come from the settings, so nginx and the web processes agree on them.
"""
from __future__ import annotations

import grp
import os
import pwd
import re
import resource
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from project.daphne_options import max_request_body_bytes

TEMPLATES = Path(settings.BASE_DIR) / "deploy" / "nginx"
NGINX = "/usr/sbin/nginx"
PLACEHOLDER = re.compile(r"\$\{(SLATE_[A-Z0-9_]+)\}")
MAX_OPEN_FILES = 65536
_ADDRESS = re.compile(r"^(?:(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):)?(?P<port>\d{1,5})$")
_UNSAFE_IN_PATH = re.compile(r'["$\\\s;{}]')


def render(template: str, values: dict[str, str]) -> str:
    """`template` with every `${SLATE_…}` replaced by `values[...]` (nginx's own `$variables` are left alone).

    Raises CommandError naming a placeholder `values` lacks.
    """
    missing = sorted({name for name in PLACEHOLDER.findall(template) if name not in values})
    if missing:
        raise CommandError(f"No value for {', '.join(missing)} in the nginx template.")
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


def address(text: str) -> str:
    """A `listen`/`server` address, "host:port" or "port" ("[::1]:8000" for IPv6); a bare IPv6 host gets brackets.

    Raises CommandError for anything else (a port outside 1–65535, characters nginx would read as syntax).
    """
    text = text.strip()
    if text.count(":") > 1 and not text.startswith("["):  # "::1:8000" → "[::1]:8000"
        host, _, port = text.rpartition(":")
        text = f"[{host}]:{port}"
    match = _ADDRESS.match(text)
    if not match or not 0 < int(match.group("port")) < 65536:
        raise CommandError(f"Not an address nginx can use: {text!r} (host:port or port).")
    return text


def config_path(path: Path | str, what: str) -> str:
    """An absolute path for a quoted nginx string, without a trailing slash; CommandError when it holds a quote,
    `$`, backslash, blank or `;{}` (nginx would read those as syntax or variables)."""
    text = str(Path(path).resolve()).rstrip("/") or "/"
    if _UNSAFE_IN_PATH.search(text):
        raise CommandError(f"{what} {text!r} holds characters nginx reads as syntax; use a plainer path.")
    return text


def user_directive() -> str:
    """`user NAME GROUP;` when running as root (nginx's workers would otherwise drop to `nobody`, who may not read
    MEDIA_ROOT), else "" (an unprivileged nginx runs as its own user and ignores the directive)."""
    if os.geteuid() != 0:
        return ""
    return f"user {pwd.getpwuid(os.geteuid()).pw_name} {grp.getgrgid(os.getegid()).gr_name};"


def open_files_limit() -> int:
    """Open files an nginx worker may raise itself to: this process's hard RLIMIT_NOFILE, at most 65,536."""
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    return MAX_OPEN_FILES if hard == resource.RLIM_INFINITY else min(hard, MAX_OPEN_FILES)


def write_config(directory: Path, *, listen: str, upstreams: list[str], media_root: Path | str | None = None,
                 static_root: Path | str | None = None, max_body_bytes: int | None = None) -> Path:
    """Render both templates into `directory` (made, with temp/, if missing); returns the path of nginx.conf.

    `listen`: nginx's address; `upstreams`: the web processes' addresses, in order. `media_root`,
    `static_root` and `max_body_bytes` default to this process's settings (MEDIA_ROOT, STATIC_ROOT,
    `max_request_body_bytes()`); a caller configuring another process's nginx passes that process's.
    Raises CommandError for a bad address or path.
    """
    if not upstreams:
        raise CommandError("No web process to send requests to (--upstream or --processes).")
    directory = Path(config_path(directory, "--dir"))
    limit = open_files_limit()
    values = {
        "SLATE_NGINX_DIR": str(directory),
        "SLATE_NGINX_USER": user_directive(),
        "SLATE_NGINX_RLIMIT": str(limit),
        "SLATE_NGINX_CONNECTIONS": str(max(limit // 2, 256)),
        "SLATE_NGINX_LISTEN": address(listen),
        "SLATE_NGINX_UPSTREAM": " ".join(f"server {address(up)};" for up in upstreams),
        "SLATE_NGINX_MAX_BODY": str(max_request_body_bytes() if max_body_bytes is None else max_body_bytes),
        "SLATE_MEDIA_ROOT": config_path(settings.MEDIA_ROOT if media_root is None else media_root, "MEDIA_ROOT"),
        "SLATE_STATIC_ROOT": config_path(settings.STATIC_ROOT if static_root is None else static_root, "STATIC_ROOT"),
    }
    (directory / "temp").mkdir(parents=True, exist_ok=True)
    for name in ("slate.conf", "nginx.conf"):
        text = render((TEMPLATES / f"{name}.template").read_text(), values)
        target = directory / name
        partial = target.with_suffix(".conf.partial")
        partial.write_text(text)
        partial.replace(target)
    return directory / "nginx.conf"


class Command(BaseCommand):
    help = "Write nginx.conf and slate.conf for nginx in front of several web processes (deploy/nginx/)."

    def add_arguments(self, parser):
        port = int(os.environ.get("SLATE_PORT", "8000"))
        parser.add_argument("--dir", default=str(Path(settings.BASE_DIR) / "var" / "nginx"),
                            help="Where nginx.conf, slate.conf, the pid file, temp files and the access log go (default var/nginx).")
        parser.add_argument("--listen", default=f"{os.environ.get('SLATE_HOST', '127.0.0.1')}:{port}",
                            help="nginx's address (default SLATE_HOST:SLATE_PORT).")
        parser.add_argument("--upstream", action="append", default=[],
                            help="A web process's host:port (repeat for each); default: --processes ports from --web-port on.")
        parser.add_argument("--processes", type=int, default=int(os.environ.get("SLATE_WEB_PROCESSES", "2")),
                            help="How many web processes (default SLATE_WEB_PROCESSES, else 2).")
        parser.add_argument("--web-host", default="127.0.0.1", help="The web processes' host (default 127.0.0.1).")
        parser.add_argument("--web-port", type=int, default=port + 1, help="The first web process's port (default SLATE_PORT + 1).")
        parser.add_argument("--check", action="store_true", help="Then have nginx test the configuration (nginx -t).")

    def handle(self, *args, dir: str, listen: str, upstream: list[str], processes: int, web_host: str, web_port: int,
               check: bool, **options):
        upstreams = upstream or [f"{web_host}:{web_port + n}" for n in range(max(processes, 0))]
        conf = write_config(Path(dir), listen=listen, upstreams=upstreams)
        self.stdout.write(f"nginx: {conf} (listen {listen}; web processes {', '.join(upstreams)})")
        if check:
            check_config(conf)


def check_config(conf: Path) -> None:
    """Have nginx test the configuration file `conf` (`nginx -t`); CommandError with nginx's words when it fails."""
    done = subprocess.run([NGINX, "-t", "-q", "-p", str(conf.parent), "-c", str(conf), "-e", "stderr"],
                          capture_output=True, text=True, timeout=30)
    if done.returncode != 0:
        raise CommandError(f"nginx -t failed:\n{done.stderr}")

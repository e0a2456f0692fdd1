"""`manage.py run_web`: serve Slate's ASGI application (HTTP + WebSockets) with the configured server.

`SLATE_ASGI_SERVER` picks the server: `daphne` (the default) or `uvicorn`. Both serve
`project.asgi:application`; `make run`, the tests and `make bench-live` start web processes
through this command, so switching is one setting. The process replaces itself with the server
(os.execv), so supervisord's signals reach the server directly.
"""
from __future__ import annotations

import os
import shutil
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

SERVERS = ("daphne", "uvicorn")
WS_MAX_MESSAGE_BYTES = 1024 * 1024  # daphne's default limit; a larger message is closed with 1009


def server_argv(server: str, host: str, port: int) -> list[str]:
    """The command line that serves `project.asgi:application` with `server` on `host`:`port`.

    uvicorn believes X-Forwarded-For/-Proto only from SLATE_FORWARDED_ALLOW_IPS (its `--forwarded-allow-ips`);
    daphne's `--proxy-headers` believes them from anyone.

    Raises CommandError for an unknown server or one that is not installed.
    """
    if server not in SERVERS:
        raise CommandError(f"SLATE_ASGI_SERVER must be one of {', '.join(SERVERS)}, not {server!r}.")
    binary = os.path.join(os.path.dirname(sys.executable), server)
    if not os.access(binary, os.X_OK):
        binary = shutil.which(server)
    if binary is None:
        raise CommandError(f"{server} is not installed (pip install -r requirements.txt).")
    if server == "daphne":
        return [binary, "-b", host, "-p", str(port), "--proxy-headers", "project.asgi:application"]
    return [
        binary, "--host", host, "--port", str(port), "--proxy-headers", "--forwarded-allow-ips", settings.SLATE_FORWARDED_ALLOW_IPS,
        "--loop", "auto", "--http", "auto", "--ws", "auto", "--no-server-header", "--log-level", "warning",
        "--ws-max-size", str(WS_MAX_MESSAGE_BYTES),
        "project.asgi:application",
    ]


class Command(BaseCommand):
    help = "Serve Slate (HTTP + WebSockets) with daphne or uvicorn (SLATE_ASGI_SERVER)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("SLATE_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("SLATE_PORT", "8000")))
        parser.add_argument("--server", choices=SERVERS, default=None, help="overrides SLATE_ASGI_SERVER")

    def handle(self, *args, host: str, port: int, server: str | None, **options):
        argv = server_argv(server or settings.SLATE_ASGI_SERVER, host, port)
        sys.stdout.flush()
        os.execv(argv[0], argv)

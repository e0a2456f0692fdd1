"""`manage.py run_redis`: the embedded Redis of `make run` (stays in the foreground for supervisord)."""
from __future__ import annotations

import os
import signal

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.core.redis_server import embedded_socket, redis_command


class Command(BaseCommand):
    """`manage.py run_redis`: the embedded redis-server, in the foreground."""

    help = "Run the embedded redis-server on the unix socket of REDIS_URL; idle when REDIS_URL is an external server."

    def handle(self, *args, **options):
        """Replace this process with redis-server on REDIS_URL's unix socket (a stale socket file is removed first).

        When REDIS_URL names an external server, print so and sleep until a signal arrives.
        """
        socket_path = embedded_socket(settings.REDIS_URL)
        if socket_path is None:
            self.stdout.write(f"Using the external Redis at {settings.REDIS_URL}; not starting one.")
            self.stdout.flush()
            signal.pause()
            return
        socket_path.parent.mkdir(parents=True, exist_ok=True)
        if socket_path.exists():
            socket_path.unlink()
        argv = redis_command(socket_path)
        self.stdout.write(f"Starting {argv[0]} on {socket_path} (append-only file in {socket_path.parent})")
        self.stdout.flush()
        os.execv(argv[0], argv)

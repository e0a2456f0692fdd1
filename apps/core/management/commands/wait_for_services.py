"""`manage.py wait_for_services`: block until Redis and the database answer (process start-up order).

`--then CMD ARGS...` replaces this process with CMD once both answer: `supervisord.conf` starts web
and worker that way, so the supervised process is the server itself and a restart waits for Redis.
"""
from __future__ import annotations

import argparse
import os
import shutil
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connection

from apps.core.redis_server import wait_for_redis


class Command(BaseCommand):
    """`manage.py wait_for_services [--timeout S] [--then CMD ARGS...]`: block until Redis and the database answer."""

    help = "Wait until Redis (REDIS_URL) and the database answer."

    def add_arguments(self, parser):
        """`--timeout`: seconds to wait for each service (default 30); `--then`: the command to exec afterwards."""
        parser.add_argument("--timeout", type=float, default=30.0, help="Seconds to wait for each service.")
        parser.add_argument("--then", nargs=argparse.REMAINDER, default=[], dest="then",
                            help="A command (and its arguments) that replaces this process once both answer.")

    def handle(self, *args, timeout: float, then: list[str], **options):
        """Wait for Redis, then for the database (tried every 0.2 s), each for up to `timeout` seconds;
        then exec `then` when given (looked up on PATH like a shell would).

        Raises `CommandError` when either does not answer in time, or `then`'s program is not found.
        """
        try:
            wait_for_redis(settings.REDIS_URL, timeout_s=timeout)
        except TimeoutError as exc:
            raise CommandError(str(exc)) from None
        deadline = time.monotonic() + timeout
        while True:
            try:
                connection.ensure_connection()
                break
            except OperationalError as exc:
                if time.monotonic() > deadline:
                    raise CommandError(f"The database did not answer within {timeout:.0f} s: {exc}") from None
                time.sleep(0.2)
        if then:
            program = shutil.which(then[0])
            if program is None:
                raise CommandError(f"{then[0]}: no such program")
            connection.close()
            self.stdout.flush()
            os.execv(program, then)

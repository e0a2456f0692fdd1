"""`manage.py wait_for_services`: block until Redis and the database answer (process start-up order)."""
from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connection

from apps.core.redis_server import wait_for_redis


class Command(BaseCommand):
    """`manage.py wait_for_services [--timeout S]`: block until Redis and the database answer."""

    help = "Wait until Redis (REDIS_URL) and the database answer."

    def add_arguments(self, parser):
        """`--timeout`: seconds to wait for each service (default 30)."""
        parser.add_argument("--timeout", type=float, default=30.0, help="Seconds to wait for each service.")

    def handle(self, *args, timeout: float, **options):
        """Wait for Redis, then for the database (tried every 0.2 s), each for up to `timeout` seconds.

        Raises `CommandError` when either does not answer in time.
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

"""`manage.py bench_script_apply`: how long a screenplay version's one write transaction takes (docs/performance.md).

    .venv/bin/python manage.py bench_script_apply --scenes 150 500

For each count, a script of that many scenes is imported as v1, then every scene's text changes in
v2; the command prints how long `_apply` (the version's only transaction: the production lock,
the version row, the scene writes, the events) took each time, and the whole
`script_version_create` (read, match and plan outside the transaction, then apply). Everything it
makes is rolled back: the database is left as it was (on SQLite the write lock is held while it runs).
"""
from __future__ import annotations

import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from apps.productions.services import production_create
from apps.scripts.models import Script
from apps.scripts.services import script_version_create
from apps.scripts.services import versions


class _RollBack(Exception):
    pass


class Command(BaseCommand):
    help = "Time a script version's write transaction for scripts of N scenes (rolled back)."

    def add_arguments(self, parser):
        parser.add_argument("--scenes", type=int, nargs="+", default=[150, 500])

    def handle(self, *args, scenes, **options):
        applied: list[float] = []
        real_apply = versions._apply

        def timed_apply(**kwargs):
            start = time.perf_counter()
            try:
                return real_apply(**kwargs)
            finally:
                applied.append(time.perf_counter() - start)

        versions._apply = timed_apply
        try:
            for count in scenes:
                try:
                    with transaction.atomic():
                        self._bench(count, applied)
                        raise _RollBack()
                except _RollBack:
                    pass
        finally:
            versions._apply = real_apply

    def _bench(self, count: int, applied: list[float]) -> None:
        user = get_user_model().objects.create(username=f"bench-{time.monotonic_ns()}")
        production = production_create(actor=user, title="Bench", code=f"BENCH-{count}")
        script = Script.objects.create(production=production, title="Bench", created_by=user)
        for version, line in ((1, "Line {k}."), (2, "Line {k}, said again.")):
            text = "".join(f"INT. ROOM {k} - DAY\n\nMara crosses the room and opens the window.\n\nBOB\n{line.format(k=k)}\n\n"
                           for k in range(count))
            start = time.perf_counter()
            script_version_create(script=script, text=text, source="upload", actor=user)
            total = time.perf_counter() - start
            self.stdout.write(f"{count} scenes, v{version}: transaction {applied[-1] * 1000:.0f} ms, whole version {total * 1000:.0f} ms")

"""`manage.py bench_write`: how long a scene PATCH takes in-process, and how many queries it runs (docs/performance.md).

    .venv/bin/python manage.py load_demo --no-media
    .venv/bin/python manage.py bench_write --writes 200 --runs 3

Each PATCH goes through the whole Django stack in this process (middleware, DRF, JWT
authentication with a real access token, the view, the service, the event's insert and its live
send to Redis after commit) on the configured database — the demo production's scenes, so load
it first. No socket is connected. By default the writes alternate a scene's `status` between in progress and
completed (so each one moves the production's stats, publishes `scene.updated` and
`production.updated` and notifies the assignees, if any); `--field synopsis` changes only the text.
Prints per run the median, p90 and max wall-clock time of one PATCH and the median of the
process's CPU time per PATCH (steadier than wall-clock time on a shared machine), then the median
of the runs' medians, then the queries one PATCH ran (counted on separate PATCHes: Django's
debug cursor costs time of its own). Times are printed, never asserted. The scenes are left with the
status they had (the events the writes published stay in the log, as real edits' would).
"""
from __future__ import annotations

import contextlib
import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from apps.productions.models import Membership, Production, Role
from apps.scenes.models import Scene, SceneStatus


class Command(BaseCommand):
    help = "Time N scene PATCHes through the in-process API (median, p90, max ms; queries per PATCH)."

    def add_arguments(self, parser):
        """`--writes` per run (200), `--runs` (3), `--warmup` (20), `--field` status|synopsis, `--production` code."""
        parser.add_argument("--writes", type=int, default=200, help="PATCHes per run (default 200)")
        parser.add_argument("--runs", type=int, default=3, help="runs (default 3); the summary is the median of their medians")
        parser.add_argument("--warmup", type=int, default=20, help="PATCHes before the first run, not counted (default 20)")
        parser.add_argument("--field", choices=["status", "synopsis"], default="status", help="what each PATCH changes")
        parser.add_argument("--production", default="DEMO-GURU", help="production code (default: the demo's)")
        parser.add_argument("--show-queries", action="store_true", help="print the SQL of the last PATCH")

    def handle(self, *args, writes: int, runs: int, warmup: int, field: str, production: str, show_queries: bool, **options):
        """Run the benchmark; `CommandError` when the production or a writing member is missing."""
        prod = Production.objects.filter(code=production).first()
        if prod is None:
            raise CommandError(f"No production {production!r}: run `manage.py load_demo --no-media` first.")
        member = (Membership.objects.filter(production=prod).exclude(role=Role.VIEWER).select_related("user")
                  .order_by("pk").first())
        if member is None:
            raise CommandError(f"Production {production!r} has no member who may write.")
        scenes = list(Scene.objects.filter(production=prod).order_by("script_order", "pk"))
        if not scenes:
            raise CommandError(f"Production {production!r} has no scenes.")
        original = {scene.pk: (scene.status, scene.synopsis) for scene in scenes}

        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(member.user)}")
        versions = {scene.pk: scene.version for scene in scenes}
        statuses = {scene.pk: scene.status for scene in scenes}
        counter = 0

        def patch(scene: Scene, *, count: bool = False) -> tuple[float, float, list]:
            nonlocal counter
            counter += 1
            if field == "status":  # always a change that moves the stats: in progress <-> completed
                value = SceneStatus.COMPLETED if statuses[scene.pk] == SceneStatus.IN_PROGRESS else SceneStatus.IN_PROGRESS
                statuses[scene.pk] = value
            else:
                value = f"Bench edit {counter}."
            body = {field: value, "version": versions[scene.pk]}
            # Queries are captured only when asked: Django's debug cursor costs time of its own.
            connection.queries_log.clear()
            with CaptureQueriesContext(connection) if count else contextlib.nullcontext() as queries:
                start, cpu_start = time.perf_counter(), time.process_time()
                response = client.patch(f"/api/scenes/{scene.pk}/", body, format="json", secure=True)
                elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
            if response.status_code != 200:
                raise CommandError(f"PATCH scene {scene.pk}: HTTP {response.status_code} {response.content[:300]!r}")
            versions[scene.pk] = response.json()["version"]
            return elapsed, cpu, (queries.captured_queries if count else [])

        try:
            for k in range(warmup):
                patch(scenes[k % len(scenes)])
            self.stdout.write(f"{writes} PATCH /api/scenes/<id>/ ({field}) per run, {len(scenes)} scenes, "
                              f"database {connection.vendor}, user {member.user.username} ({member.role})")
            medians, cpu_medians = [], []
            for run in range(1, runs + 1):
                measured = [patch(scenes[k % len(scenes)])[:2] for k in range(writes)]
                times = sorted(wall * 1000 for wall, _ in measured)
                median, cpu_median = statistics.median(times), statistics.median(cpu * 1000 for _, cpu in measured)
                medians.append(median)
                cpu_medians.append(cpu_median)
                self.stdout.write(f"run {run}: median {median:.1f} ms, p90 {times[int(0.9 * (len(times) - 1))]:.1f} ms, "
                                  f"max {times[-1]:.1f} ms; CPU time median {cpu_median:.1f} ms")
            self.stdout.write(f"median of {runs} runs' medians: {statistics.median(medians):.1f} ms "
                              f"(CPU time {statistics.median(cpu_medians):.1f} ms)")
            counted = [patch(scenes[k % len(scenes)], count=True)[2] for k in range(len(scenes) * 2)]
            counts = sorted(len(sql) for sql in counted)
            self.stdout.write(f"queries per PATCH: {counts[0]}–{counts[-1]} (over {len(counts)} PATCHes, counted apart)")
            if show_queries:
                for query in counted[-1]:
                    self.stdout.write(f"  {query['sql']}")
        finally:
            for scene in Scene.objects.filter(pk__in=original):
                status, synopsis = original[scene.pk]
                if (scene.status, scene.synopsis) != (status, synopsis):
                    Scene.objects.filter(pk=scene.pk).update(status=status, synopsis=synopsis)

"""`manage.py bench_write`: how long a scene PATCH takes, and how many queries it runs (docs/performance.md).

    .venv/bin/python manage.py load_demo --no-media
    .venv/bin/python manage.py bench_write --writes 200 --runs 3
    .venv/bin/python manage.py bench_write --url http://127.0.0.1:8000 [--concurrency 6]

In-process (the default) each PATCH goes through the whole Django stack in this process
(middleware, DRF, JWT authentication with a real access token, the view, the service, the events'
inserts and their live send to Redis after commit) on the configured database — the demo
production's scenes, so load it first. No socket is connected. With `--url` the PATCHes go over
HTTP (one keep-alive connection per writer) to a server running on the same database;
`--concurrency K` runs K writers at once, each on its own scenes (a burst), and prints the
writes per second too.

By default the writes alternate a scene's `status` between in progress and completed (so each one
moves the production's stats, publishes `scene.updated` and `production.updated` and notifies the
assignees, if any); `--field synopsis` changes only the text. Prints per run the median, p90 and
max wall-clock time of one PATCH and, in-process, the median of the process's CPU time per PATCH
(steadier than wall-clock time on a shared machine), then the median of the runs' medians, then
(in-process) the queries one PATCH ran, counted on separate PATCHes (Django's debug cursor costs
time of its own). Times are printed, never asserted. The scenes are left with the status and
synopsis they had (the events the writes published stay in the log, as real edits' would).
"""
from __future__ import annotations

import http.client
import json
import statistics
import threading
import time
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from apps.productions.models import Membership, Production, Role
from apps.scenes.models import Scene, SceneStatus


class _Writer:
    """PATCHes scenes one after another, each based on the version the previous answer gave."""

    def __init__(self, *, scenes: list[Scene], field: str, token: str, url: str | None):
        self.scenes, self.field, self.url = scenes, field, url
        self.versions = {scene.pk: scene.version for scene in scenes}
        self.statuses = {scene.pk: scene.status for scene in scenes}
        self.done = 0
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        if url is None:
            self.client = APIClient()
            self.client.credentials(HTTP_AUTHORIZATION=self.headers["Authorization"])
        else:
            parts = urlsplit(url)
            self.http = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=60)

    def next_body(self, scene: Scene) -> dict:
        if self.field == "status":  # always a change that moves the stats: in progress <-> completed
            value = SceneStatus.COMPLETED if self.statuses[scene.pk] == SceneStatus.IN_PROGRESS else SceneStatus.IN_PROGRESS
            self.statuses[scene.pk] = value
        else:
            value = f"Bench edit {self.done}."
        return {self.field: value, "version": self.versions[scene.pk]}

    def patch(self) -> tuple[float, float]:
        """One PATCH of the next scene: (wall-clock seconds, this process's CPU seconds)."""
        scene = self.scenes[self.done % len(self.scenes)]
        body = self.next_body(scene)
        self.done += 1
        start, cpu_start = time.perf_counter(), time.process_time()
        if self.url is None:
            response = self.client.patch(f"/api/scenes/{scene.pk}/", body, format="json", secure=True)
            status, content = response.status_code, response.content
        else:
            self.http.request("PATCH", f"/api/scenes/{scene.pk}/", body=json.dumps(body), headers=self.headers)
            answer = self.http.getresponse()
            status, content = answer.status, answer.read()
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        if status != 200:
            raise CommandError(f"PATCH scene {scene.pk}: HTTP {status} {content[:300]!r}")
        self.versions[scene.pk] = json.loads(content)["version"]
        return elapsed, cpu


class Command(BaseCommand):
    help = "Time N scene PATCHes, in-process or over HTTP (median, p90, max ms; queries per PATCH)."

    def add_arguments(self, parser):
        """`--writes` per run (200), `--runs` (3), `--warmup` (20), `--field` status|synopsis, `--production` code,
        `--url` of a running server, `--concurrency` writers (with --url), `--show-queries`."""
        parser.add_argument("--writes", type=int, default=200, help="PATCHes per run, all writers together (default 200)")
        parser.add_argument("--runs", type=int, default=3, help="runs (default 3); the summary is the median of their medians")
        parser.add_argument("--warmup", type=int, default=20, help="PATCHes before the first run, not counted (default 20)")
        parser.add_argument("--field", choices=["status", "synopsis"], default="status", help="what each PATCH changes")
        parser.add_argument("--production", default="DEMO-GURU", help="production code (default: the demo's)")
        parser.add_argument("--url", default=None, help="PATCH over HTTP to this server (same database) instead of in-process")
        parser.add_argument("--concurrency", type=int, default=1, help="writers at once, each on its own scenes (with --url)")
        parser.add_argument("--show-queries", action="store_true", help="print the SQL of the last counted PATCH")

    def handle(self, *args, writes: int, runs: int, warmup: int, field: str, production: str, url: str | None, concurrency: int,
               show_queries: bool, **options):
        """Run the benchmark; `CommandError` when the production, a writing member or enough scenes are missing."""
        prod = Production.objects.filter(code=production).first()
        if prod is None:
            raise CommandError(f"No production {production!r}: run `manage.py load_demo --no-media` first.")
        member = (Membership.objects.filter(production=prod).exclude(role=Role.VIEWER).select_related("user")
                  .order_by("pk").first())
        if member is None:
            raise CommandError(f"Production {production!r} has no member who may write.")
        scenes = list(Scene.objects.filter(production=prod).order_by("script_order", "pk"))
        if concurrency < 1 or (concurrency > 1 and url is None):
            raise CommandError("--concurrency takes a number of writers of 1 or more, and --url.")
        if len(scenes) < concurrency:
            raise CommandError(f"Production {production!r} has {len(scenes)} scenes: fewer than --concurrency.")
        original = {scene.pk: (scene.status, scene.synopsis) for scene in scenes}
        token = str(AccessToken.for_user(member.user))
        writers = [_Writer(scenes=scenes[k::concurrency], field=field, token=token, url=url) for k in range(concurrency)]

        try:
            self._run(writers, writes=warmup)
            where = f"over HTTP to {url}, {concurrency} writer(s) at once" if url else "in-process"
            self.stdout.write(f"{writes} PATCH /api/scenes/<id>/ ({field}) per run, {where}, {len(scenes)} scenes, "
                              f"database {connection.vendor}, user {member.user.username} ({member.role})")
            medians, cpu_medians = [], []
            for run in range(1, runs + 1):
                measured, elapsed = self._run(writers, writes=writes)
                times = sorted(wall * 1000 for wall, _ in measured)
                median, cpu_median = statistics.median(times), statistics.median(cpu * 1000 for _, cpu in measured)
                medians.append(median)
                cpu_medians.append(cpu_median)
                line = (f"run {run}: median {median:.1f} ms, p90 {_percentile(times, 0.9):.1f} ms, p99 {_percentile(times, 0.99):.1f} ms, "
                        f"max {times[-1]:.1f} ms")
                line += f"; {len(times) / elapsed:.0f} writes/s" if url else f"; CPU time median {cpu_median:.1f} ms"
                self.stdout.write(line)
            summary = f"median of {runs} runs' medians: {statistics.median(medians):.1f} ms"
            self.stdout.write(summary + ("" if url else f" (CPU time {statistics.median(cpu_medians):.1f} ms)"))
            if url is None:
                self._count_queries(writers[0], show=show_queries, times=len(scenes) * 2)
        finally:
            for scene in Scene.objects.filter(pk__in=original):
                status, synopsis = original[scene.pk]
                if (scene.status, scene.synopsis) != (status, synopsis):
                    Scene.objects.filter(pk=scene.pk).update(status=status, synopsis=synopsis)

    def _run(self, writers: list[_Writer], *, writes: int) -> tuple[list[tuple[float, float]], float]:
        """`writes` PATCHes shared among the writers, each in a thread of its own when there are several."""
        start = time.perf_counter()
        if len(writers) == 1:
            return [writers[0].patch() for _ in range(writes)], time.perf_counter() - start
        results: list[tuple[float, float]] = []
        failures: list[BaseException] = []

        def work(writer: _Writer, count: int) -> None:
            try:
                results.extend(writer.patch() for _ in range(count))
            except BaseException as exc:  # re-raised below, in the command's thread
                failures.append(exc)

        threads = [threading.Thread(target=work, args=(w, writes // len(writers) + (k < writes % len(writers))))
                   for k, w in enumerate(writers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if failures:
            raise failures[0]
        return results, time.perf_counter() - start

    def _count_queries(self, writer: _Writer, *, show: bool, times: int) -> None:
        counted = []
        for _ in range(times):
            connection.queries_log.clear()
            with CaptureQueriesContext(connection) as queries:
                writer.patch()
            counted.append(queries.captured_queries)
        counts = sorted(len(sql) for sql in counted)
        self.stdout.write(f"queries per PATCH: {counts[0]}–{counts[-1]} (over {len(counts)} PATCHes, counted apart; "
                          "BEGIN, COMMIT and savepoints included)")
        if show:
            for query in counted[-1]:
                self.stdout.write(f"  {query['sql']}")


def _percentile(ordered: list[float], fraction: float) -> float:
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

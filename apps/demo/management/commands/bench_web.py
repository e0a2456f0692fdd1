"""`manage.py bench_web` (`make bench-web`): Lighthouse's mobile and desktop presets on the browser app, medians.

    .venv/bin/python manage.py bench_web --runs 5
    make bench-web BENCH_ARGS="--runs 3 --presets mobile --pages board"

Starts Slate privately as `make run` serves it (DEBUG on, the demo production, the built app of
static/app/: `make frontend` first), signs the demo owner in, and runs Lighthouse (frontend's
devDependency, headless /usr/bin/chromium) on the scene board, a scene page and the dashboard,
each preset and page `--runs` times, then prints the medians of performance, accessibility, FCP,
LCP, TBT, CLS, Speed Index, the JS, CSS and total bytes transferred and whether the page was
restored from the back/forward cache. It prints figures and never asserts them;
docs/performance.md ("The browser app on a tablet") keeps this machine's.
"""
from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.demo.bench.web import PAGES, PRESETS, run


def _choices(text: str, allowed: tuple[str, ...], flag: str) -> tuple[str, ...]:
    chosen = tuple(part.strip() for part in text.split(",") if part.strip())
    if not chosen or any(part not in allowed for part in chosen):
        raise CommandError(f"{flag} takes {', '.join(allowed)} (comma-separated), not {text!r}")
    return chosen


class Command(BaseCommand):
    help = "Lighthouse (mobile and desktop presets) on the scene board, a scene page and the dashboard, as `make run` serves them."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=5, help="runs of each preset and page; medians are printed (default 5)")
        parser.add_argument("--presets", default=",".join(PRESETS), help="mobile, desktop or both (default both)")
        parser.add_argument("--pages", default=",".join(PAGES), help="board, scene, dashboard, comma-separated (default all)")
        parser.add_argument("--no-media", action="store_true", help="load the demo without its dailies (faster; the pages measured do not show them)")
        parser.add_argument("--keep-files", action="store_true", help="keep the run's temp dir (process logs, database)")
        parser.add_argument("--reports", type=Path, default=None, help="write each run's whole Lighthouse report (JSON) into this folder")

    def handle(self, *args, **o):
        if o["runs"] < 1:
            raise CommandError("--runs must be at least 1")
        try:
            run(runs=o["runs"], presets=_choices(o["presets"], PRESETS, "--presets"), pages=_choices(o["pages"], PAGES, "--pages"),
                no_media=o["no_media"], keep_files=o["keep_files"], reports=o["reports"], out=lambda line: (self.stdout.write(line), self.stdout.flush()))
        except RuntimeError as error:
            raise CommandError(str(error)) from error

"""`manage.py bench_media`: the proxy's speed and Slate's overhead over the bare ffmpeg command, per shared clip.

For every clip in $SLATE_SHARED_DATA/video (default ../shared/data/video), N times in alternating
order (so that neither side always gets a warm cache): the bare `ffmpeg` with exactly the argv the
proxy step runs (apps.media.ffmpeg.proxy_command), and Slate's proxy step as the job runs it
(apps.media.services.pipeline.proxy_step: make_proxy reading ffmpeg's -progress, a progress reporter
throttled like JobContext's, the check probe of the finished proxy). It prints the median wall-clock
times, never asserts them. Slate's step decodes the source once, like the bare command.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.media import ffmpeg
from apps.media.services.pipeline import proxy_step


def shared_video_dir() -> Path:
    """$SLATE_SHARED_DATA/video, else ../shared/data/video next to the repository."""
    root = os.environ.get("SLATE_SHARED_DATA")
    return (Path(root) if root else settings.BASE_DIR / ".." / "shared" / "data") / "video"


class ThrottledReporter:
    """What JobContext.progress does per report, without Redis and the database: clamp, throttle, build the event."""

    def __init__(self, interval_s: float):
        self._interval_s = interval_s
        self._last = 0.0
        self._lock = threading.Lock()
        self.sent = 0

    def progress(self, fraction: float, message: str | None = None) -> None:
        """Record a report at most once per interval_s, serialising it as the job.progress broadcast would."""
        fraction = min(max(float(fraction), 0.0), 1.0)
        now = time.monotonic()
        with self._lock:
            if now - self._last >= self._interval_s:
                self._last = now
                json.dumps({"type": "job.progress", "data": {"progress": round(fraction, 4), "message": message}})
                self.sent += 1


class Command(BaseCommand):
    help = ("Print, for each shared clip, the proxy's speed (x real time) and the ratio of Slate's proxy step to the "
            "bare ffmpeg command with the same argv, run alternately --repeat times (median).")

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=3, help="runs of each side per clip (default 3)")
        parser.add_argument("--clips", type=Path, default=None, help="folder of clips (default: the shared video folder)")
        parser.add_argument("--only", default=None, help="run only the clips whose file name contains this text")

    def handle(self, *args, repeat: int, clips: Path | None, only: str | None, **options):
        folder = clips or shared_video_dir()
        if repeat < 1:
            raise CommandError("--repeat must be at least 1.")
        if not folder.is_dir():
            raise CommandError(f"No clips folder at {folder}; set SLATE_SHARED_DATA.")
        paths = sorted(p for p in folder.iterdir() if p.is_file() and (only is None or only in p.name))
        if not paths:
            raise CommandError(f"No clips in {folder}.")
        max_width = settings.SLATE_PROXY_MAX_WIDTH
        header = (f"{'clip':<44} {'duration s':>10} {'bare s':>8} {'encode s':>8} {'check s':>8} {'speed x':>8} "
                  f"{'wrapper':>8} {'+check':>8}")
        self.stdout.write(f"Proxy benchmark: {repeat} run(s) of each side per clip, alternating, medians; "
                          f"max width {max_width}")
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        totals = [0.0, 0.0, 0.0, 0.0]
        with tempfile.TemporaryDirectory(prefix="slate-bench-") as tmp:
            for path in paths:
                info = ffmpeg.probe(path)
                bare, encode, check = self._measure(path, info, Path(tmp), repeat, max_width)
                totals = [a + b for a, b in zip(totals, (info.duration_s, bare, encode, check))]
                self.stdout.write(self._row(path.name, info.duration_s, bare, encode, check))
        self.stdout.write("-" * len(header))
        self.stdout.write(self._row("total", *totals))
        self.stdout.write("wrapper = Slate's encode (ffmpeg under the job's wrapper: -progress relay, throttled reports) / bare; "
                          "+check adds the ffprobe of the finished proxy (truncation check, proxy size).")

    def _measure(self, path: Path, info: ffmpeg.ProbeResult, tmp: Path, repeat: int,
                 max_width: int) -> tuple[float, float, float]:
        """Median seconds of the bare command, of Slate's encode and of its check probe, run alternately."""

        def bare() -> None:
            argv = ffmpeg.proxy_command(path, tmp / "bare.mp4", info, max_width=max_width)
            subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)

        checks: list[float] = []

        def slate() -> None:
            reporter = ThrottledReporter(settings.SLATE_JOB_PROGRESS_INTERVAL_S)
            timings: dict[str, float] = {}
            proxy_step(path, tmp / "slate.mp4", info, reporter.progress, timings)
            checks.append(timings["check_s"])

        times: dict[str, list[float]] = {"bare": [], "slate": []}
        for run in range(repeat):
            order = [("bare", bare), ("slate", slate)] if run % 2 == 0 else [("slate", slate), ("bare", bare)]
            for name, step in order:
                started = time.perf_counter()
                step()
                times[name].append(time.perf_counter() - started)
        check = statistics.median(checks)
        return statistics.median(times["bare"]), statistics.median(times["slate"]) - check, check

    @staticmethod
    def _row(name: str, duration_s: float, bare_s: float, encode_s: float, check_s: float) -> str:
        return (f"{name[:44]:<44} {duration_s:>10.2f} {bare_s:>8.2f} {encode_s:>8.2f} {check_s:>8.2f} "
                f"{duration_s / (encode_s + check_s):>7.1f}x {encode_s / bare_s:>8.3f} {(encode_s + check_s) / bare_s:>8.3f}")

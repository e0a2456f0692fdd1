"""Slate's Prometheus metrics: every `slate_*` family, the multiprocess set-up, and the values read at scrape time.

Slate runs several processes (web processes, workers, short `manage.py` commands), so the metrics
use prometheus-client's multiprocess mode whenever `PROMETHEUS_MULTIPROC_DIR` names a folder: each
process writes its counters, gauges and histograms to memory-mapped files there and `/metrics`
(`apps.core.metrics_view`) adds up every process's files (prometheus-client docs, "Multiprocess
Mode"). Without the variable (the test process, a shell) the metrics live in the process's own
default registry. One folder per host or container, emptied before its processes start (`make run`
does); a process removes the live-gauge files of processes that are gone when it starts and its own
when it exits (`mark_process_dead`), so a crashed web process's open sockets stop counting.

Core imports no other app: what only another app can read (the job queue's depth, the last worker
heartbeat) is registered by that app with `register_scrape_gauge` (e.g. from `apps/jobs/apps.py`)
and read when Prometheus scrapes. The names are the ones in the operations plan (README, "Metrics");
Grafana's dashboards and the alert rules use exactly these.
"""
from __future__ import annotations

import atexit
import contextlib
import logging
import os
import re
import shutil
import time
from pathlib import Path
from typing import Callable

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, multiprocess
from prometheus_client.core import GaugeMetricFamily

from apps.core.processes import pid_alive

log = logging.getLogger(__name__)

MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
_LIVE_GAUGE_FILE = re.compile(r"^gauge_live[a-z]+_(\d+)\.db$")


def remove_stale_files(path: str | Path, *, own_pid: int) -> list[str]:
    """Delete the live-gauge files (`gauge_live*_<pid>.db`) in `path` of processes that are gone, and `own_pid`'s.

    A process that died without `mark_process_dead` (SIGKILL, out of memory) leaves its live gauges
    counted — open sockets, running jobs — until its file goes; a new process given the same pid
    would even take the old values over. Counters and histograms stay: their sums must never go
    down. Call before this process makes its first gauge. Returns the names of the removed files.
    """
    removed = []
    for entry in os.scandir(path):
        match = _LIVE_GAUGE_FILE.match(entry.name)
        if match and (int(match[1]) == own_pid or not pid_alive(int(match[1]))):
            with contextlib.suppress(FileNotFoundError):
                os.remove(entry.path)
                removed.append(entry.name)
    return removed


def _mark_dead(pid: int) -> None:
    with contextlib.suppress(OSError):
        multiprocess.mark_process_dead(pid, MULTIPROC_DIR)


if MULTIPROC_DIR:  # before the first gauge below is made
    os.makedirs(MULTIPROC_DIR, exist_ok=True)
    remove_stale_files(MULTIPROC_DIR, own_pid=os.getpid())
    atexit.register(lambda: _mark_dead(os.getpid()))


# --- live: sockets, events, fan-out ----------------------------------------------------------------

WS_OPEN_SOCKETS = Gauge("slate_ws_open_sockets", "WebSocket connections open now (accepted, not yet closed).",
                        multiprocess_mode="livesum")
WS_SUBSCRIPTIONS = Gauge("slate_ws_subscriptions", "Sockets subscribed to a production's stream now.", ["production"],
                         multiprocess_mode="livesum")
EVENTS_PUBLISHED = Counter("slate_events_published", "Events handed to the channel layer (stored after commit, "
                           "a user's own, ephemeral), by event type.", ["type"])
WS_FRAMES_DELIVERED = Counter("slate_ws_frames_delivered", "Event frames sent to sockets (live, replayed, gaps filled).")
FANOUT_LAG = Histogram(
    "slate_fanout_lag_seconds",
    "An event's commit (its envelope's `at`) to its frame leaving the web process for the last of that process's "
    "sockets it went to; one observation per event and web process.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
WS_REPLAYS = Counter("slate_ws_replays", "Times a socket was sent missed events read back from the event log "
                     "(on subscribe with a position, or to fill a gap in its live stream).")
WS_RESYNCS = Counter("slate_ws_resyncs", "`resync` frames sent: a socket missed too much to replay and refetches over REST.")
WS_RATE_LIMITED = Counter("slate_ws_rate_limited", "Sockets closed with 4429 for sending faster than SLATE_WS_RATE_PER_S.")
WS_CLOSED = Counter("slate_ws_closed", "Sockets closed, by close code (1000 normal, 1001 going away, 1006 cut, 4401 not "
                    "signed in, 4403 origin refused, 4429 flooding; `other` for any other code).", ["code"])
KNOWN_CLOSE_CODES = frozenset({1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008, 1009, 1011, 1012, 4401, 4403, 4429})

# --- jobs, media, notifications ---------------------------------------------------------------------

JOBS_RUNNING = Gauge("slate_jobs_running", "Jobs whose handler runs now in a worker.", multiprocess_mode="livesum")
JOB_DURATION = Histogram(
    "slate_job_duration_seconds",
    "A job attempt's run, from its start in a worker to its end, by kind and outcome (succeeded, failed, cancelled, "
    "lost: another attempt took the job over).",
    ["kind", "outcome"],
    buckets=(0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0, 10800.0, 21600.0),
)
JOB_RETRIES = Counter("slate_job_retries", "Job attempts after the first (a dead worker's job run again), by kind.", ["kind"])
JOBS_REAPED = Counter("slate_jobs_reaped", "Running jobs of dead workers the reaper took back (re-queued, failed or cancelled).")
FFMPEG_SPEED = Histogram(
    "slate_ffmpeg_speed_ratio",
    "ffmpeg's speed making a rendition: seconds of media per second of wall-clock time (× real time), by rendition.",
    ["rendition"],
    buckets=(0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0),
)
UPLOAD_BYTES = Counter("slate_upload_bytes", "Bytes of media received: resumable-upload chunks and multipart uploads.")
NOTIFICATIONS_SENT = Counter(
    "slate_notifications_sent",
    "Notification deliveries by channel (in_app, email, push) and outcome (sent, skipped, skipped_read, missing, gone, "
    "rejected, gave_up; error: raised, Huey tries again).",
    ["channel", "outcome"],
)


def close_code_label(code) -> str:
    """The `code` label of `slate_ws_closed_total` for a WebSocket close code: the code itself when known, else "other"."""
    return str(code) if code in KNOWN_CLOSE_CODES else "other"


def fanout_finished(frames: int, committed_at: float | None) -> None:
    """One event's fan-out in this process is over: `frames` frames went to sockets; `committed_at` is its unix time.

    Counts the frames and observes the fan-out lag (clamped at 0: the worker's clock may run ahead);
    nothing when no socket got the frame.
    """
    if frames <= 0:
        return
    WS_FRAMES_DELIVERED.inc(frames)
    if committed_at is not None:
        FANOUT_LAG.observe(max(0.0, time.time() - committed_at))


# --- read at scrape time ----------------------------------------------------------------------------

_SCRAPE_GAUGES: dict[str, tuple[str, Callable[[], float | None]]] = {}


def register_scrape_gauge(name: str, documentation: str, read: Callable[[], float | None]) -> None:
    """Export gauge `name` whose value `read()` gives when Prometheus scrapes `/metrics` (in the web process that answers).

    `read` returns a number, or None for no sample (its source does not answer); an exception it
    raises is logged and the gauge left out of that scrape. Registering a name again replaces it.
    """
    _SCRAPE_GAUGES[name] = (documentation, read)


def media_free_bytes() -> float:
    """Free bytes (for an unprivileged user) on the file system of MEDIA_ROOT, or of its nearest existing parent."""
    from django.conf import settings

    path = Path(settings.MEDIA_ROOT).resolve()
    while not path.exists() and path != path.parent:
        path = path.parent
    return float(shutil.disk_usage(path).free)


register_scrape_gauge("slate_media_free_bytes", "Free bytes on the file system that holds MEDIA_ROOT.", media_free_bytes)


class ScrapeCollector:
    """The gauges registered with `register_scrape_gauge`, read now."""

    def describe(self):
        """Nothing up front: the registry must not read the values when the collector is registered."""
        return []

    def collect(self):
        """One GaugeMetricFamily per registered gauge whose `read()` gave a number."""
        for name, (documentation, read) in sorted(_SCRAPE_GAUGES.items()):
            try:
                value = read()
            except Exception as exc:  # noqa: BLE001 — one source down (Redis) must not fail the whole scrape
                log.warning("metric %s could not be read: %s: %s", name, type(exc).__name__, exc)
                continue
            if value is not None:
                yield GaugeMetricFamily(name, documentation, value=float(value))


def scrape_registry() -> CollectorRegistry:
    """What `/metrics` answers: every process's files (multiprocess mode) or this process's registry, plus the scrape gauges."""
    registry = CollectorRegistry()
    if MULTIPROC_DIR:
        multiprocess.MultiProcessCollector(registry, path=MULTIPROC_DIR)
    else:
        registry.register(REGISTRY)
    registry.register(ScrapeCollector())
    return registry

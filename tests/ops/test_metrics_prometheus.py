"""Acceptance: a real Prometheus (Debian's `prometheus`, installed by `make prometheus`) scrapes a running Slate — web
and worker processes writing to one multiprocess folder (tests/e2e/conftest.py, SlateServer) — with the bearer token,
after a scene change, an upload (processed by the worker's ffmpeg) and socket traffic; then a PromQL query over the
HTTP API (/api/v1/query) for every metric family of the operations plan returns a sample.

Prometheus scrapes every second; the test waits until every query answers (at most QUERY_TIMEOUT_S).
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.conftest import SHARED_DATA, Http, LiveSocket, SlateServer, serve

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PROMETHEUS = shutil.which("prometheus") or "/usr/bin/prometheus"
CLIP = SHARED_DATA / "video" / "big_buck_bunny_432_433_vp8_vorbis_1s.webm"  # one second: a short job
QUERY_TIMEOUT_S = 30.0

# Every family of the plan (README, "Metrics"), as a query that must answer at least one sample. The ones the
# test's own traffic moves must show it (> 0); the others only have to be there.
QUERIES = {
    "open sockets": "slate_ws_open_sockets",
    "subscriptions": 'slate_ws_subscriptions{production!=""}',
    "events published": 'slate_events_published_total{type="scene.updated"} > 0',
    "frames delivered": "slate_ws_frames_delivered_total > 0",
    "fan-out lag": "slate_fanout_lag_seconds_count > 0",
    "fan-out lag p99": "histogram_quantile(0.99, sum by (le) (slate_fanout_lag_seconds_bucket)) >= 0",
    "replays": "slate_ws_replays_total > 0",
    "resyncs": "slate_ws_resyncs_total > 0",
    "rate limited": "slate_ws_rate_limited_total > 0",
    "closed sockets": "sum(slate_ws_closed_total) > 0",
    "queue depth": "slate_jobs_queue_depth",
    "jobs running": "slate_jobs_running",
    "job duration": 'slate_job_duration_seconds_count{kind="media.process", outcome="succeeded"} > 0',
    "job retries": 'slate_job_retries_total{kind="media.process"}',
    "jobs reaped": "slate_jobs_reaped_total",
    "worker heartbeat": "time() - slate_worker_heartbeat_timestamp_seconds < 60",
    "ffmpeg speed": 'slate_ffmpeg_speed_ratio_count{rendition="proxy"} > 0',
    "upload bytes": f"slate_upload_bytes_total >= {CLIP.stat().st_size if CLIP.exists() else 1}",
    "notifications": "sum(slate_notifications_sent_total) > 0",
    "media free bytes": "slate_media_free_bytes > 0",
    "HTTP latency": 'django_http_requests_latency_seconds_by_view_method_count{view="scene-detail", method="PATCH"} > 0',
    "HTTP responses": 'django_http_responses_total_by_status_view_method_total{status="200", view="scene-detail"} > 0',
    "database queries": "django_db_execute_total > 0",
    "target up": 'up{job="slate"} == 1',
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Prometheus:
    """Debian's prometheus on a private port and data folder, scraping one Slate web process every second."""

    def __init__(self, target: SlateServer):
        self.dir = Path(tempfile.mkdtemp(prefix="slate-prometheus-"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        (self.dir / "token").write_text(target.metrics_token)
        (self.dir / "prometheus.yml").write_text(json.dumps({  # JSON is YAML
            "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
            "scrape_configs": [{
                "job_name": "slate",
                "scrape_interval": "1s",
                "scrape_timeout": "1s",
                "metrics_path": "/metrics",
                "authorization": {"type": "Bearer", "credentials_file": str(self.dir / "token")},
                "static_configs": [{"targets": [f"127.0.0.1:{target.port}"]}],
            }],
        }))
        self.log = (self.dir / "prometheus.log").open("wb")
        self.proc = subprocess.Popen(
            [PROMETHEUS, f"--config.file={self.dir / 'prometheus.yml'}", f"--storage.tsdb.path={self.dir / 'data'}",
             f"--web.listen-address=127.0.0.1:{self.port}", "--log.level=warn"],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 20
        while not self._ready():
            assert self.proc.poll() is None, f"prometheus exited:\n{self.log_tail()}"
            assert time.monotonic() < deadline, f"prometheus not ready within 20 s:\n{self.log_tail()}"
            time.sleep(0.2)

    def _ready(self) -> bool:
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{self.url}/-/ready", timeout=2) as answer:
                return answer.status == 200
        return False

    def query(self, promql: str) -> list[dict]:
        """The instant vector (or scalar as one sample) that `promql` answers now (GET /api/v1/query)."""
        with urllib.request.urlopen(f"{self.url}/api/v1/query?{urllib.parse.urlencode({'query': promql})}", timeout=5) as answer:
            body = json.loads(answer.read())
        assert body["status"] == "success", body
        result = body["data"]["result"]
        return result if body["data"]["resultType"] == "vector" else [{"value": result}]

    def log_tail(self) -> str:
        self.log.flush()
        return "\n".join((self.dir / "prometheus.log").read_text(errors="replace").splitlines()[-30:])

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def stack(request):
    """One Slate (web + worker + Redis + database) for this module."""
    if not Path(PROMETHEUS).exists():
        pytest.skip(f"Prometheus is not installed ({PROMETHEUS}): `make prometheus` installs Debian's package")
    yield from serve(request, SlateServer())


async def live_traffic(slate: SlateServer) -> None:
    """A scene change seen by a subscribed socket, a replay, a resync, a flooding socket, and closed sockets."""
    alice = slate.jwt_client("alice")
    watcher = await LiveSocket.open(slate, bearer=slate.token("bob"), label="bob")
    try:
        first = await watcher.subscribe(slate.production_id)
        assert first["type"] == "subscribed", first
        scene = await asyncio.to_thread(alice.get, f"/api/scenes/{slate.scene_ids[0]}/")
        await asyncio.to_thread(alice.patch, f"/api/scenes/{scene['id']}/", {"status": "in_progress", "version": scene["version"]})
        await watcher.wait_for(lambda f: f.get("type") == "scene.updated", what="scene.updated")

        late = await LiveSocket.open(slate, bearer=slate.token("alice"), label="late")
        try:
            answer = await late.subscribe(slate.production_id, after=first["last_id"])  # replays what it missed
            assert answer["type"] == "subscribed" and answer["replayed"] >= 1, answer
            await late.send({"type": "subscribe", "production": slate.production_id, "after_seq": 10**12})
            await late.wait_for(lambda f: f.get("type") == "resync", what="resync")
        finally:
            await late.close()

        flooder = await LiveSocket.open(slate, bearer=slate.token("alice"), label="flooder")
        with contextlib.suppress(Exception):  # the server closes the socket while it floods
            for _ in range(100):
                await flooder.send({"type": "ping"})
        with contextlib.suppress(Exception):  # read on (pongs, the error) until the close arrives
            while True:
                await flooder.receive(5)
        assert flooder.conn.close_code == 4429, flooder.frames[-3:]
    finally:
        await watcher.close()


def upload_and_wait(slate: SlateServer) -> None:
    """Upload the one-second clip and wait for its media.process job to succeed in the worker."""
    alice = slate.jwt_client("alice")
    response = alice.request("POST", "/api/media/", fields={"production": slate.production_id},
                             files={"file": (CLIP.name, CLIP.read_bytes(), "application/octet-stream")}, timeout=60)
    assert response.status == 201, response
    job_id = response.json()["job"]["id"]
    deadline = time.monotonic() + 60
    while (job := alice.get(f"/api/jobs/{job_id}/"))["status"] not in ("succeeded", "failed", "cancelled"):
        assert time.monotonic() < deadline, job
        time.sleep(0.2)
    assert job["status"] == "succeeded", job


async def test_prometheus_scrapes_every_metric_family_of_a_running_stack(stack: SlateServer):
    assert CLIP.exists(), f"shared data missing: {CLIP} (set SLATE_SHARED_DATA)"
    # /metrics answers the token only (the loopback rule holds only without a token)
    assert Http(stack.base_url).request("GET", "/metrics").status == 403
    prometheus = Prometheus(stack)
    try:
        await live_traffic(stack)
        await asyncio.to_thread(upload_and_wait, stack)

        missing: dict[str, str] = {}
        deadline = time.monotonic() + QUERY_TIMEOUT_S
        while True:
            missing = {name: promql for name, promql in QUERIES.items() if not prometheus.query(promql)}
            if not missing or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.5)
        assert not missing, (f"no sample for {missing}\nscraped now:\n"
                             f"{Http(stack.base_url, token=stack.metrics_token).request('GET', '/metrics').body.decode()[:6000]}"
                             f"\nprometheus log:\n{prometheus.log_tail()}")
        # the web and the worker processes both wrote what they counted (the worker ran ffmpeg, the web served HTTP)
        assert float(prometheus.query("slate_jobs_running")[0]["value"][1]) == 0
    finally:
        prometheus.stop()

"""`/metrics` (apps/core/metrics_view.py): who may read it, and the `slate_*` metrics moving where things happen.

The test process runs without PROMETHEUS_MULTIPROC_DIR, so the metrics live in its default registry and
each test reads the change it caused (metrics are process-wide: deltas, never absolute values). The
multiprocess mode itself is shown with real processes here (`test_counts_of_finished_processes_add_up…`)
and, scraped by a real Prometheus, in tests/ops/test_metrics_prometheus.py; the WebSocket metrics in
tests/ops/test_metrics_live.py.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import Client
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from apps.core import metrics
from apps.jobs import heartbeat, services
from apps.jobs.models import Job, JobStatus
from tests.factories import SceneFactory

REPO = Path(__file__).resolve().parents[2]
TOKEN = "s3cret-metrics-token"


def sample(name: str, **labels) -> float:
    """The current value of one sample in this process's registry (0 when it has none yet)."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


def scrape(client: Client, **headers):
    return client.get("/metrics", **headers)


def families(response) -> dict:
    return {family.name: family for family in text_string_to_metric_families(response.content.decode())}


# --- who may read /metrics ------------------------------------------------------------------------

@pytest.mark.parametrize("address", ["127.0.0.1", "::1", "127.0.0.53"])
def test_without_a_token_a_loopback_request_reads_the_metrics(settings, address):
    settings.SLATE_METRICS_TOKEN = ""

    response = scrape(Client(REMOTE_ADDR=address))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    assert "no-cache" in response["Cache-Control"]
    names = families(response)
    assert {"slate_ws_open_sockets", "slate_events_published", "slate_fanout_lag_seconds", "slate_media_free_bytes",
            "slate_jobs_queue_depth"} <= set(names)


@pytest.mark.parametrize("address", ["10.0.0.7", "192.168.1.20", "2001:db8::1", "", "not-an-address"])
def test_without_a_token_any_other_address_is_refused(settings, address):
    settings.SLATE_METRICS_TOKEN = ""

    response = scrape(Client(REMOTE_ADDR=address))

    assert response.status_code == 403
    assert b"slate_" not in response.content


@pytest.mark.parametrize("header", ["HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP"])
def test_without_a_token_a_loopback_request_through_a_proxy_is_refused(settings, header):
    # nginx in front connects from loopback and says who the client is; that header can be forged, so it never counts
    settings.SLATE_METRICS_TOKEN = ""

    response = scrape(Client(REMOTE_ADDR="127.0.0.1"), **{header: "127.0.0.1"})

    assert response.status_code == 403


def test_with_a_token_the_bearer_token_reads_the_metrics_from_anywhere(settings):
    settings.SLATE_METRICS_TOKEN = TOKEN

    response = scrape(Client(REMOTE_ADDR="10.0.0.7"), HTTP_AUTHORIZATION=f"Bearer {TOKEN}", HTTP_X_FORWARDED_FOR="203.0.113.9")

    assert response.status_code == 200
    assert "slate_ws_open_sockets" in families(response)


@pytest.mark.parametrize("authorization", [None, "", f"Bearer {TOKEN}x", "Bearer ", f"Basic {TOKEN}", TOKEN, "Bearer s3cret"])
def test_with_a_token_a_missing_or_wrong_token_is_refused_even_from_loopback(settings, authorization):
    settings.SLATE_METRICS_TOKEN = TOKEN
    headers = {} if authorization is None else {"HTTP_AUTHORIZATION": authorization}

    response = scrape(Client(REMOTE_ADDR="127.0.0.1"), **headers)

    assert response.status_code == 403
    assert b"slate_" not in response.content


def test_prometheus_gets_openmetrics_when_it_asks_for_it(settings):
    settings.SLATE_METRICS_TOKEN = ""

    response = scrape(Client(), HTTP_ACCEPT="application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/openmetrics-text; version=1.0.0")
    assert response.content.rstrip().endswith(b"# EOF")


def test_metrics_answer_only_reads(settings):
    settings.SLATE_METRICS_TOKEN = ""

    assert Client().post("/metrics").status_code == 405
    assert Client().head("/metrics").status_code == 200


def test_http_requests_and_database_queries_are_counted_by_django_prometheus(settings, db):
    settings.SLATE_METRICS_TOKEN = ""
    before = sample("django_http_responses_total_by_status_view_method_total", status="200", view="health", method="GET")
    queries = sample("django_db_execute_total", alias="default", vendor=db_vendor())

    Client().get("/api/health/")

    assert sample("django_http_responses_total_by_status_view_method_total", status="200", view="health", method="GET") == before + 1
    assert sample("django_db_execute_total", alias="default", vendor=db_vendor()) > queries
    names = families(scrape(Client()))
    assert {"django_http_requests_latency_seconds_by_view_method", "django_http_responses_total_by_status_view_method",
            "django_db_execute"} <= set(names)


def db_vendor() -> str:
    from django.db import connection

    return connection.vendor


# --- the values moving ----------------------------------------------------------------------------

def test_a_scene_patch_counts_its_events_by_type(db, user, production, api, django_capture_on_commit_callbacks):
    scene = SceneFactory(production=production)
    updated, stats = sample("slate_events_published_total", type="scene.updated"), sample(
        "slate_events_published_total", type="production.updated")

    with django_capture_on_commit_callbacks(execute=True):
        response = api.patch(f"/api/scenes/{scene.pk}/", {"status": "completed", "version": scene.version}, format="json")

    assert response.status_code == 200
    assert sample("slate_events_published_total", type="scene.updated") == updated + 1
    assert sample("slate_events_published_total", type="production.updated") == stats + 1


def test_a_rolled_back_write_counts_no_event(db, production, api, django_capture_on_commit_callbacks):
    before = sample("slate_events_published_total", type="scene.updated")

    with django_capture_on_commit_callbacks(execute=True):
        response = api.patch("/api/scenes/999999/", {"status": "completed", "version": 1}, format="json")

    assert response.status_code == 404
    assert sample("slate_events_published_total", type="scene.updated") == before


@pytest.fixture
def register():
    kinds = []

    def add(kind, fn):
        services.job_handler(kind)(fn)
        kinds.append(kind)

    yield add
    for kind in kinds:
        services.HANDLERS.pop(kind, None)


def test_a_job_is_running_while_its_handler_runs_and_its_duration_is_observed_by_kind_and_outcome(db, production, register):
    inside = {}

    def handler(ctx):
        inside["running"] = sample("slate_jobs_running")
        return {}

    register("test.metrics", handler)
    register("test.metrics_fail", lambda ctx: 1 / 0)
    running = sample("slate_jobs_running")
    succeeded = sample("slate_job_duration_seconds_count", kind="test.metrics", outcome="succeeded")
    failed = sample("slate_job_duration_seconds_count", kind="test.metrics_fail", outcome="failed")

    services.job_run(Job.objects.create(production=production, kind="test.metrics").pk)
    services.job_run(Job.objects.create(production=production, kind="test.metrics_fail").pk)

    assert inside["running"] == running + 1
    assert sample("slate_jobs_running") == running
    assert sample("slate_job_duration_seconds_count", kind="test.metrics", outcome="succeeded") == succeeded + 1
    assert sample("slate_job_duration_seconds_count", kind="test.metrics_fail", outcome="failed") == failed + 1


def test_a_reaped_job_counts_and_its_second_attempt_is_a_retry(db, production, register, settings):
    settings.SLATE_JOB_MAX_ATTEMPTS = 2
    register("test.metrics_retry", lambda ctx: {})
    old = services.worker_id().rsplit(":", 1)[0] + ":999999"  # this host, a pid that is not running
    job = Job.objects.create(production=production, kind="test.metrics_retry", status=JobStatus.RUNNING, attempts=1,
                             worker=old, heartbeat_at=None)
    reaped, retries = sample("slate_jobs_reaped_total"), sample("slate_job_retries_total", kind="test.metrics_retry")

    services.job_reap_stale()
    services.job_run(job.pk)

    assert sample("slate_jobs_reaped_total") == reaped + 1
    assert sample("slate_job_retries_total", kind="test.metrics_retry") == retries + 1


def test_resumable_upload_chunks_count_their_bytes(db, production, api):
    before = sample("slate_upload_bytes_total")
    created = api.post("/api/uploads/", HTTP_UPLOAD_LENGTH="1000", HTTP_TUS_RESUMABLE="1.0.0",
                       HTTP_UPLOAD_METADATA=f"production {b64(production.pk)},filename {b64('A001.mov')}")
    assert created.status_code == 201, created.content

    response = api.generic("PATCH", created["Location"], data=b"x" * 400, content_type="application/offset+octet-stream",
                           HTTP_UPLOAD_OFFSET="0", HTTP_TUS_RESUMABLE="1.0.0")

    assert response.status_code == 204, response.content
    assert sample("slate_upload_bytes_total") == before + 400


def b64(value) -> str:
    import base64

    return base64.b64encode(str(value).encode()).decode()


def test_a_multipart_upload_counts_its_bytes_even_when_refused(db, production, api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = sample("slate_upload_bytes_total")

    response = api.post("/api/media/", {"production": production.pk,
                                        "file": SimpleUploadedFile("notes.txt", b"not a clip" * 50, "text/plain")},
                        format="multipart")

    assert response.status_code == 400, response.content
    assert sample("slate_upload_bytes_total") == before + 500


def test_notifications_are_counted_by_channel_and_outcome(db, production, make_user, django_capture_on_commit_callbacks):
    from apps.notifications import tasks
    from apps.notifications.models import NotificationKind
    from apps.notifications.services import notify
    from apps.productions.models import Membership, Role

    crew = make_user()
    Membership.objects.create(production=production, user=crew, role=Role.CAMERA)
    in_app = sample("slate_notifications_sent_total", channel="in_app", outcome="sent")
    skipped = sample("slate_notifications_sent_total", channel="email", outcome="skipped")
    emailed = sample("slate_notifications_sent_total", channel="email", outcome="sent")

    with django_capture_on_commit_callbacks(execute=True):
        rows = notify(recipients=[crew], production=production, kind=NotificationKind.MENTION, title="You were mentioned")
    tasks.send_email.call_local(rows[0].pk)
    tasks.send_email.call_local(999_999_999)

    assert sample("slate_notifications_sent_total", channel="in_app", outcome="sent") == in_app + 1
    assert sample("slate_notifications_sent_total", channel="email", outcome="sent") == emailed + 1
    assert sample("slate_notifications_sent_total", channel="email", outcome="skipped") == skipped + 1


def test_a_failed_delivery_counts_as_error_and_still_raises(db, monkeypatch):
    from apps.notifications import delivery, tasks

    def refused(**kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(delivery, "email_deliver", refused)
    before = sample("slate_notifications_sent_total", channel="email", outcome="error")

    with pytest.raises(ConnectionRefusedError):
        tasks.send_email.call_local(1)

    assert sample("slate_notifications_sent_total", channel="email", outcome="error") == before + 1


# --- read at scrape time --------------------------------------------------------------------------

def test_queue_depth_worker_heartbeat_and_free_media_bytes_are_read_when_scraped(settings, db):
    settings.SLATE_METRICS_TOKEN = ""
    beat_at = time.time() - 3
    heartbeat.beat(worker="metrics-test:1", at=beat_at)
    try:
        names = families(scrape(Client()))
    finally:
        heartbeat._client(2.0).hdel(heartbeat.key(), "metrics-test:1")

    assert names["slate_worker_heartbeat_timestamp_seconds"].samples[0].value >= beat_at
    assert names["slate_jobs_queue_depth"].samples[0].value >= 0
    assert names["slate_media_free_bytes"].samples[0].value > 0


def test_a_source_that_fails_is_left_out_of_the_scrape_and_the_rest_still_answers(settings, monkeypatch, caplog):
    settings.SLATE_METRICS_TOKEN = ""

    def down():
        raise ConnectionError("redis away")

    monkeypatch.setitem(metrics._SCRAPE_GAUGES, "slate_jobs_queue_depth", ("depth", down))

    response = scrape(Client())

    assert response.status_code == 200
    names = families(response)
    assert "slate_jobs_queue_depth" not in names and "slate_media_free_bytes" in names
    assert "slate_jobs_queue_depth could not be read" in caplog.text


# --- multiprocess mode ----------------------------------------------------------------------------

PROCESS = """
import sys
from apps.core import metrics
metrics.UPLOAD_BYTES.inc(int(sys.argv[1]))
metrics.WS_OPEN_SOCKETS.inc(3)
metrics.EVENTS_PUBLISHED.labels("scene.updated").inc()
"""


def test_counts_of_finished_processes_add_up_and_their_live_gauges_go_with_them(tmp_path):
    from prometheus_client import CollectorRegistry, generate_latest, multiprocess

    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for amount in (100, 23):
        subprocess.run([sys.executable, "-c", PROCESS, str(amount)], cwd=REPO, env=env, check=True, timeout=60)

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=str(tmp_path))
    found = {family.name: family for family in text_string_to_metric_families(generate_latest(registry).decode())}

    assert found["slate_upload_bytes"].samples[0].value == 123
    assert [s.value for s in found["slate_events_published"].samples if s.labels == {"type": "scene.updated"}] == [2]
    open_sockets = found.get("slate_ws_open_sockets")
    assert open_sockets is None or sum(s.value for s in open_sockets.samples) == 0
    assert not list(tmp_path.glob("gauge_live*"))  # each process removed its own at exit (mark_process_dead)


def test_live_gauge_files_of_dead_processes_and_of_this_pid_are_removed_at_start(tmp_path):
    dead = 999_999
    with pytest.raises(ProcessLookupError):
        os.kill(dead, 0)
    alive = os.getppid()
    for name in (f"gauge_livesum_{dead}.db", f"gauge_liveall_{dead}.db", f"gauge_livesum_{os.getpid()}.db",
                 f"gauge_livesum_{alive}.db", f"counter_{dead}.db", f"histogram_{dead}.db", f"gauge_all_{dead}.db"):
        (tmp_path / name).write_bytes(b"")

    removed = metrics.remove_stale_files(tmp_path, own_pid=os.getpid())

    assert sorted(removed) == sorted([f"gauge_livesum_{dead}.db", f"gauge_liveall_{dead}.db", f"gauge_livesum_{os.getpid()}.db"])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"gauge_livesum_{alive}.db", f"counter_{dead}.db", f"histogram_{dead}.db", f"gauge_all_{dead}.db"])

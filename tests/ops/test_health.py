"""`/api/health/` (liveness) and `/api/ready/` (readiness): the answers, each component named with its state,
503 naming what is not ready (a Redis that refuses or hangs, no worker heartbeat, a full disk), and the schema.

The worker's heartbeat is written here by `apps.jobs.heartbeat.beat` as a worker's thread would; the real
thread of a real `run_huey`, and a paused Redis, are in tests/ops/test_health_e2e.py.
"""
from __future__ import annotations

import socket
import time

import pytest
from django.db import OperationalError
from django.test import Client

from apps.core import readiness
from apps.jobs import heartbeat

pytestmark = pytest.mark.django_db

COMPONENTS = {"database", "redis", "worker", "media_disk"}


@pytest.fixture(autouse=True)
def no_heartbeats(settings):
    """Each test starts with no worker heartbeat and a disk threshold any disk passes."""
    settings.SLATE_READY_MEDIA_MIN_FREE_BYTES = 1
    client = readiness.redis_client(settings.REDIS_URL, 2.0)
    client.delete(heartbeat.key())
    yield
    client.delete(heartbeat.key())


@pytest.fixture
def hung_redis(tmp_path):
    """A unix socket whose listener never reads: connecting works, every command waits forever (a hung Redis)."""
    path = tmp_path / "hung.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen(16)
    yield f"unix://{path}"
    listener.close()


def ready(client: Client | None = None):
    return (client or Client()).get("/api/ready/")


# --- /api/health/ ---------------------------------------------------------------------------------

def test_health_answers_exactly_ok_true_without_sign_in_and_uncached():
    response = Client().get("/api/health/")

    assert response.status_code == 200
    assert response.content == b'{"ok": true}'
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]


def test_health_answers_503_in_slates_error_shape_when_the_database_does_not_answer(monkeypatch):
    def broken():
        raise OperationalError("connection refused")

    monkeypatch.setattr("apps.core.health.database_check", broken)

    response = Client().get("/api/health/")

    assert response.status_code == 503
    assert response.json() == {"message": "The database does not answer.", "code": "not_ready", "extra": {}}


# --- /api/ready/ ----------------------------------------------------------------------------------

def test_ready_is_200_naming_every_component_when_all_are_ready():
    heartbeat.beat(worker="box:1")

    response = ready()

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["ready"] is True
    assert set(body["checks"]) == COMPONENTS
    assert all(state["ok"] is True for state in body["checks"].values())
    assert 0 <= body["checks"]["worker"]["last_seen_s"] < 5
    assert body["checks"]["redis"] == {"ok": True, "servers": 1}
    assert body["checks"]["media_disk"]["free_bytes"] > 0 and body["checks"]["media_disk"]["min_free_bytes"] == 1
    assert "no-store" in response["Cache-Control"]


def test_ready_needs_no_sign_in_and_ignores_a_bad_token():
    heartbeat.beat(worker="box:1")

    response = Client(HTTP_AUTHORIZATION="Bearer not-a-token").get("/api/ready/")

    assert response.status_code == 200


def test_the_worker_check_fails_when_no_worker_ever_sent_a_heartbeat():
    response = ready()

    assert response.status_code == 503
    body = response.json()
    assert body["ready"] is False
    assert body["checks"]["worker"] == {"ok": False, "last_seen_s": None, "error": "No worker has sent a heartbeat."}
    assert body["code"] == "not_ready" and body["message"] == "Not ready: worker."
    assert body["extra"] == {"failing": ["worker"]}
    assert all(body["checks"][name]["ok"] for name in COMPONENTS - {"worker"})


def test_the_worker_check_fails_when_the_newest_heartbeat_is_older_than_the_setting(settings):
    settings.SLATE_READY_WORKER_STALE_S = 30
    heartbeat.beat(worker="box:1", at=time.time() - 100)
    heartbeat.beat(worker="box:2", at=time.time() - 45)

    worker = ready().json()["checks"]["worker"]

    assert worker["ok"] is False
    assert 44 <= worker["last_seen_s"] <= 50
    assert "more than 30 s" in worker["error"]


def test_last_seen_is_the_newest_heartbeat_of_any_worker():
    assert heartbeat.last_seen() is None
    heartbeat.beat(worker="box:1", at=1_700_000_000.5)
    heartbeat.beat(worker="box:2", at=1_700_000_100.25)

    assert heartbeat.last_seen() == 1_700_000_100.25
    assert heartbeat.seen() == {"box:1": 1_700_000_000.5, "box:2": 1_700_000_100.25}


def test_ready_is_503_naming_redis_and_the_worker_when_redis_refuses(settings, tmp_path):
    heartbeat.beat(worker="box:1")
    gone = f"unix://{tmp_path / 'nobody-listens.sock'}"
    settings.REDIS_URL, settings.SLATE_CHANNEL_REDIS_URLS = gone, [gone]

    response = ready()

    assert response.status_code == 503
    body = response.json()
    assert body["extra"] == {"failing": ["redis", "worker"]}
    assert body["checks"]["redis"]["ok"] is False and body["checks"]["redis"]["error"].startswith("ConnectionError")
    assert "nobody-listens" not in response.content.decode()  # where Redis lives is not said (the log says it)
    assert body["checks"]["database"] == {"ok": True}


def test_a_hung_redis_is_answered_within_the_timeout(settings, hung_redis):
    settings.SLATE_READY_TIMEOUT_S = 0.3
    settings.REDIS_URL, settings.SLATE_CHANNEL_REDIS_URLS = hung_redis, [hung_redis]

    started = time.monotonic()
    response = ready()
    took = time.monotonic() - started

    assert response.status_code == 503
    assert response.json()["extra"]["failing"] == ["redis", "worker"]
    assert "Timeout" in response.json()["checks"]["redis"]["error"]
    assert took < 1.5  # two checks reach Redis, each gives up after 0.3 s


def test_each_channel_layer_redis_is_checked_and_named_by_its_place(settings, tmp_path):
    heartbeat.beat(worker="box:1")
    settings.SLATE_CHANNEL_REDIS_URLS = [settings.REDIS_URL, f"unix://{tmp_path / 'second.sock'}"]

    redis_state = ready().json()["checks"]["redis"]

    assert redis_state["ok"] is False and redis_state["servers"] == 2
    assert redis_state["error"].startswith("server 2 of 2: ConnectionError")


def test_the_media_disk_check_fails_below_the_free_space_threshold(settings):
    heartbeat.beat(worker="box:1")
    settings.SLATE_READY_MEDIA_MIN_FREE_BYTES = 2**62

    response = ready()

    assert response.status_code == 503
    disk = response.json()["checks"]["media_disk"]
    assert disk["ok"] is False and 0 < disk["free_bytes"] < 2**62 and disk["min_free_bytes"] == 2**62
    assert response.json()["extra"] == {"failing": ["media_disk"]}


def test_a_check_that_raises_is_named_by_its_class_and_logged_once_without_credentials(monkeypatch, caplog):
    monkeypatch.setattr(readiness, "_FAILING", set())
    monkeypatch.setitem(readiness._CHECKS, "extra", lambda: (_ for _ in ()).throw(
        RuntimeError("cannot reach redis://slate:s3cret@cache.internal:6379/0")))

    ok, states = readiness.run_checks()
    readiness.run_checks()

    assert ok is False
    assert states["extra"] == {"ok": False, "error": "RuntimeError"}  # the public answer names no host, path or user
    logged = [r.getMessage() for r in caplog.records if r.name == "apps.core.readiness" and "extra" in r.getMessage()]
    assert logged == ["not ready: extra: RuntimeError: cannot reach redis://***@cache.internal:6379/0"]


def test_the_apps_register_their_checks_in_order():
    assert list(readiness._CHECKS)[:3] == ["database", "redis", "media_disk"]
    assert readiness._CHECKS["worker"] is heartbeat.worker_check


# --- the heartbeat thread -------------------------------------------------------------------------

def test_start_runs_once_per_process_and_forgets_workers_silent_for_an_hour(monkeypatch):
    runs = []
    monkeypatch.setattr(heartbeat, "_started_pid", 0)
    monkeypatch.setattr(heartbeat, "_run", lambda every_s: runs.append(every_s))
    heartbeat.beat(worker="dead:1", at=time.time() - heartbeat.KEEP_S - 10)
    heartbeat.beat(worker="recent:2", at=time.time() - 60)

    assert heartbeat.start() is True
    assert heartbeat.start() is False
    time.sleep(0.05)

    assert runs == [5.0]
    assert set(heartbeat.seen()) == {"recent:2"}


# --- the OpenAPI schema ---------------------------------------------------------------------------

def test_both_endpoints_are_in_the_schema_with_their_statuses():
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]

    assert set(paths["/api/health/"]) == {"get"} and set(paths["/api/ready/"]) == {"get"}
    assert set(paths["/api/health/"]["get"]["responses"]) == {"200", "503"}
    assert set(paths["/api/ready/"]["get"]["responses"]) == {"200", "503"}
    error = {"$ref": "#/components/schemas/Error"}
    assert paths["/api/ready/"]["get"]["responses"]["503"]["content"]["application/json"]["schema"] == error
    assert paths["/api/ready/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Ready"}

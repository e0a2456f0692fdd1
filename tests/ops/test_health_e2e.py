"""`/api/ready/` and JSON logs against Slate's real processes: a web process, run_huey and a private Redis.

- ready answers 200 naming every component once the real worker's heartbeat thread has beaten;
- a write's X-Request-ID is on the web process's JSON lines and on run_huey's lines for the job it created;
- with the Redis paused (SIGSTOP: a hung server) ready answers 503 naming redis within about a second,
  and 200 again once it is back;
- with the Redis stopped (killed, its socket gone) ready answers 503 naming redis, and 200 again once a
  new Redis is started on the same socket.
"""
from __future__ import annotations

import json
import secrets
import time

import pytest

from tests.e2e.conftest import Http, SlateServer, serve

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

COMPONENTS = {"database", "redis", "worker", "media_disk"}
FOUNTAIN = b"Title: Ops\n\nINT. LIBRARY - NIGHT\n\nMaya reads.\n\nMAYA\nQuiet.\n"


class JsonLoggedSlate(SlateServer):
    """The end-to-end server with JSON logs, a fast heartbeat and short readiness timeouts."""

    def _environment(self) -> dict[str, str]:
        return {**super()._environment(), "LOG_FORMAT": "json", "SLATE_WORKER_HEARTBEAT_S": "1",
                "SLATE_READY_WORKER_STALE_S": "10", "SLATE_READY_TIMEOUT_S": "0.3", "SLATE_READY_MEDIA_MIN_FREE_BYTES": "1"}


@pytest.fixture(scope="module")
def server(request):
    yield from serve(request, JsonLoggedSlate(private_redis=True))


def ready(server: SlateServer, timeout: float = 10.0):
    return Http(server.base_url).request("GET", "/api/ready/", timeout=timeout)


def wait_ready(server: SlateServer, within_s: float = 15.0):
    deadline = time.monotonic() + within_s
    while True:
        response = ready(server)
        if response.status == 200 or time.monotonic() > deadline:
            return response
        time.sleep(0.2)


def json_log(server: SlateServer, name: str) -> list[dict]:
    """The process's log lines, each parsed as JSON (the spawn markers of the test harness left out)."""
    text = (server.tmp / f"{name}.log").read_text(errors="replace")
    return [json.loads(line) for line in text.splitlines() if line.strip() and not line.startswith("=====")]


def test_ready_answers_200_naming_every_component_once_the_worker_beats(server):
    response = wait_ready(server)

    assert response.status == 200, response
    body = response.json()
    assert body["ready"] is True and set(body["checks"]) == COMPONENTS
    assert all(state["ok"] for state in body["checks"].values()), body
    assert body["checks"]["worker"]["last_seen_s"] < 10
    assert "no-store" in response.headers["Cache-Control"]
    assert server.redis_url.removeprefix("unix://") not in response.body.decode()


def test_a_writes_request_id_follows_it_into_the_workers_log_lines_for_its_job(server):
    alice = server.jwt_client("alice")
    request_id = f"e2e-{secrets.token_hex(6)}"

    response = alice.request("POST", "/api/scripts/", fields={"production": server.production_id, "title": "Ops"},
                             files={"file": ("ops.fountain", FOUNTAIN, "text/plain")}, headers={"X-Request-ID": request_id})

    assert response.status == 201, response
    assert response.headers["X-Request-ID"] == request_id
    job_id = response.json()["job"]["id"]
    deadline = time.monotonic() + 30
    while alice.get(f"/api/jobs/{job_id}/")["status"] != "succeeded":
        assert time.monotonic() < deadline, "the import job did not finish"
        time.sleep(0.2)
    time.sleep(0.5)  # the worker's last line follows the job's last write

    web, worker = json_log(server, "web"), json_log(server, "worker")  # every line is one JSON object
    assert any(line["request_id"] == request_id and f"job {job_id} (script.import) created" in line["message"] for line in web)
    ours = [line["message"] for line in worker if line.get("request_id") == request_id]
    assert f"job {job_id}: starting" in ours and f"job {job_id} (script.import): succeeded" in ours
    assert any(line["logger"] == "huey.consumer" and "Huey consumer started" in line["message"] for line in worker)


def test_ready_answers_503_naming_redis_while_redis_hangs_and_200_after(server):
    assert wait_ready(server).status == 200
    server.pause_redis()
    try:
        started = time.monotonic()
        response = ready(server)
        took = time.monotonic() - started
    finally:
        server.resume_redis()

    assert response.status == 503, response
    body = response.json()
    assert body["ready"] is False and body["code"] == "not_ready"
    assert "redis" in body["extra"]["failing"] and body["checks"]["redis"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True and body["checks"]["media_disk"]["ok"] is True
    assert took < 2.0  # two checks reach Redis, each gives up after SLATE_READY_TIMEOUT_S (0.3 s)

    again = wait_ready(server)
    assert again.status == 200, again
    assert set(again.json()["checks"]) == COMPONENTS


def test_ready_answers_503_naming_redis_while_redis_is_stopped_and_200_after_it_starts(server):
    assert wait_ready(server).status == 200
    server.kill_redis()
    try:
        response = ready(server)
        assert response.status == 503, response
        body = response.json()
        assert "redis" in body["extra"]["failing"], body  # and the worker: its heartbeat is read from Redis
        assert body["checks"]["redis"]["ok"] is False and body["checks"]["database"]["ok"] is True
    finally:
        server.start_redis_again()

    again = wait_ready(server)
    assert again.status == 200, again
    assert all(check["ok"] for check in again.json()["checks"].values())

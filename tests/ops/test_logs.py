"""Logs: the request id (X-Request-ID in, or a new one; sent back), on every log line of the request, of the events
it publishes and of the jobs it creates — through the real Huey message, into the worker's lines — and LOG_FORMAT.

The worker side runs the dequeued message here with `HUEY.execute`, as run_huey's worker thread does; the same
trip through a real web process and a real run_huey is in tests/ops/test_health_e2e.py.
"""
from __future__ import annotations

import asyncio
import contextvars
import io
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from apps.core.logs import JsonFormatter, RequestIdFilter, bound_request_id, clean_request_id, current_request_id

REPO = Path(__file__).resolve().parents[2]
FOUNTAIN = b"Title: Logs\n\nINT. LIBRARY - NIGHT\n\nMaya reads.\n\nMAYA\nQuiet.\n"
HEX32 = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def json_lines(caplog):
    """The JSON lines (LOG_FORMAT=json's formatter and filter) of every `apps.*` record at DEBUG and up, parsed."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    caplog.set_level(logging.DEBUG, logger="apps")
    logging.getLogger().addHandler(handler)

    def lines() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield lines
    logging.getLogger().removeHandler(handler)


# --- the request id -------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, kept", [
    ("abc-123", True), ("9f0c3f1e-6a3b-4f7e-9a43-0c0f6f0e9b1d", True), ("trace:1/2@edge+x=y_z.", True), ("a" * 128, True),
    ("a" * 129, False), ("", False), ("   ", False), ("with space", False), ("new\nline", False), ("-starts-with-dash", False),
    ("é", False), ("a\x00b", False),
])
def test_a_request_id_is_kept_only_when_it_is_a_short_plain_token(raw, kept):
    assert clean_request_id(raw) == (raw if kept else None)


@pytest.mark.django_db
def test_an_incoming_request_id_is_sent_back_and_a_bad_one_is_replaced_by_a_new_one():
    client = Client()

    assert client.get("/api/health/", HTTP_X_REQUEST_ID="probe-42")["X-Request-ID"] == "probe-42"
    replaced = client.get("/api/health/", HTTP_X_REQUEST_ID="x" * 200)["X-Request-ID"]
    assert HEX32.fullmatch(replaced)
    first, second = client.get("/api/health/")["X-Request-ID"], client.get("/api/nothing-here/")["X-Request-ID"]
    assert HEX32.fullmatch(first) and HEX32.fullmatch(second) and first != second  # a 404 gets one too
    assert current_request_id() is None  # nothing is left behind in the test's thread


def test_log_records_outside_a_request_carry_a_null_request_id(json_lines):
    logging.getLogger("apps.test").info("outside")
    with bound_request_id("inside-1"):
        logging.getLogger("apps.test").info("inside")

    assert [(line["message"], line["request_id"]) for line in json_lines()] == [("outside", None), ("inside", "inside-1")]
    assert {"time", "level", "logger", "process"} <= set(json_lines()[0])


def test_the_job_sender_thread_sends_each_job_in_the_context_it_was_submitted_from():
    from apps.jobs.enqueue import Sender

    seen = []
    sender = Sender(lambda job_id: seen.append((job_id, current_request_id())))
    with bound_request_id("req-a"):
        sender.submit(1)
    sender.submit(2)

    assert sender.drain(5)
    assert sorted(seen, key=lambda item: item[0]) == [(1, "req-a"), (2, None)]


def test_a_live_frame_that_redis_refuses_is_logged_with_the_request_id_that_queued_it(json_lines):
    from apps.realtime import sender

    class RefusingLayer:
        async def group_send(self, group, message):
            raise ConnectionError("refused")

    sent = asyncio.run(sender._send(RefusingLayer(), "production.7", {"event_type": "scene.updated"}, 0.5, "req-frame"))

    assert sent is False
    assert [(line["message"], line["request_id"]) for line in json_lines()] == [
        ("could not send scene.updated to production.7: ConnectionError('refused')", "req-frame")]


# --- a write, its events and its job ------------------------------------------------------------

def test_a_writes_request_id_is_on_its_log_lines_its_events_lines_and_the_workers_lines_for_its_job(
        transactional_db, user, production, json_lines):
    from huey.contrib.djhuey import HUEY
    from rest_framework.test import APIClient

    from apps.jobs import services
    from apps.jobs.models import Job, JobStatus
    from apps.realtime.models import Event

    HUEY.flush()
    client = APIClient()
    client.force_authenticate(user)
    upload = io.BytesIO(FOUNTAIN)
    upload.name = "logs.fountain"

    response = client.post("/api/scripts/", {"production": production.pk, "title": "Logs", "file": upload},
                           format="multipart", HTTP_X_REQUEST_ID="req-write-1")

    assert response.status_code == 201, response.content
    assert response["X-Request-ID"] == "req-write-1"
    job_id = response.json()["job"]["id"]
    assert services._SENDER.drain(5)
    message = HUEY.dequeue()
    assert message.args == (job_id,) and message.kwargs == {"request_id": "req-write-1"}  # in the Huey message

    contextvars.Context().run(HUEY.execute, message)  # the worker's thread: a context of its own

    assert Job.objects.get(pk=job_id).status == JobStatus.SUCCEEDED
    mine = [(line["logger"], line["message"]) for line in json_lines() if line["request_id"] == "req-write-1"]
    assert ("apps.jobs.services", f"job {job_id} (script.import) created for production {production.pk}") in mine
    assert ("apps.jobs.tasks", f"job {job_id}: starting") in mine
    assert ("apps.jobs.tasks", f"job {job_id} (script.import): succeeded") in mine
    published = [text for logger, text in mine if logger == "apps.realtime.services"]
    assert any(text.startswith("event script.created #") for text in published)  # the request's own event
    assert any(text.startswith("event script_version.created #") for text in published)  # the job's, in the worker
    # The id rides along in logs only: not in the events, the job's params or its REST shape.
    assert not Event.objects.filter(data__icontains="req-write-1").exists()
    assert "req-write-1" not in json.dumps(Job.objects.get(pk=job_id).params)
    assert "req-write-1" not in client.get(f"/api/jobs/{job_id}/").content.decode()
    HUEY.flush()


# --- LOG_FORMAT -----------------------------------------------------------------------------------

SCRIPT = """
import django, logging
django.setup()
from apps.core.logs import bound_request_id
with bound_request_id("sub-1"):
    logging.getLogger("apps.test").warning("hello %s", "there")
logging.getLogger("huey").warning("from huey")
import warnings
warnings.warn("careful")
"""


def run_settings(tmp_path, **env) -> subprocess.CompletedProcess:
    """Set Django up with project.settings and `env` in a fresh process, log two lines; its output."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_", "LOG_"))}
    clean.update(DJANGO_SETTINGS_MODULE="project.settings", DEBUG="true", SLATE_VAR_DIR=str(tmp_path), **env)
    return subprocess.run([sys.executable, "-c", SCRIPT], cwd=REPO, env=clean, capture_output=True, text=True, timeout=60)


def test_plain_lines_stay_the_default_and_json_is_one_object_a_line_for_slate_huey_and_warnings(tmp_path):
    plain = run_settings(tmp_path)
    as_json = run_settings(tmp_path, LOG_FORMAT="json")

    assert plain.returncode == 0, plain.stderr
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} WARNING apps\.test: hello there", plain.stderr.splitlines()[0])
    assert as_json.returncode == 0, as_json.stderr
    lines = [json.loads(line) for line in as_json.stderr.splitlines()]
    assert [(line["logger"], line["level"], line["message"], line["request_id"]) for line in lines] == [
        ("apps.test", "WARNING", "hello there", "sub-1"), ("huey", "WARNING", "from huey", None),
        ("py.warnings", "WARNING", "<string>:9: UserWarning: careful\n", None)]


def test_an_unknown_log_format_is_refused_at_start(tmp_path):
    done = run_settings(tmp_path, LOG_FORMAT="xml")

    assert done.returncode != 0
    assert "LOG_FORMAT must be plain or json, not 'xml'." in done.stderr

"""The job wrapper (apps.jobs.services): status moves, stored events, errors, progress throttling,
duplicate delivery, the reaper of dead workers, and enqueueing when Redis is gone.

Jobs are run the way the worker runs them, through `job_run(job_id)`. Live frames are recorded
by replacing `apps.realtime.sender.group_send` (our own function, the last step before Redis);
stored events are read back from the `Event` table.
"""
from __future__ import annotations

import json
import os
import socket
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from apps.core.errors import ApplicationError
from apps.jobs import services
from apps.jobs.models import Job, JobStatus
from apps.realtime.models import Event


@pytest.fixture
def sent(monkeypatch):
    """Every live frame sent to the channel layer during the test, as (group, envelope dict)."""
    frames: list[tuple[str, dict]] = []

    def record(group, message, *, timeout_s=5.0):
        frames.append((group, json.loads(message["text"])))
        return True

    monkeypatch.setattr("apps.realtime.sender.group_send", record)
    return frames


def make_job(production, kind, **fields) -> Job:
    return Job.objects.create(production=production, kind=kind, **fields)


def job_events(job) -> list[Event]:
    return list(Event.objects.filter(entity="job", entity_id=str(job.pk)).order_by("id"))


def progress_frames(frames, job) -> list[dict]:
    return [env for _, env in frames if env["type"] == "job.progress" and env["entity_id"] == str(job.pk)]


# --- the happy path -----------------------------------------------------------------------------

def test_registered_handler_runs_pending_running_succeeded_with_a_stored_event_per_status(production, register):
    seen = {}

    def handler(ctx):
        seen["status_inside"] = Job.objects.get(pk=ctx.job.pk).status
        seen["params"] = ctx.params
        return {"frames": 240, "name": "A001C003"}

    register("test.echo", handler)
    job = make_job(production, "test.echo", params={"asset_id": 7})

    finished = services.job_run(job.pk)

    job.refresh_from_db()
    assert seen == {"status_inside": JobStatus.RUNNING, "params": {"asset_id": 7}}
    assert finished.pk == job.pk
    assert job.status == JobStatus.SUCCEEDED
    assert job.result == {"frames": 240, "name": "A001C003"}
    assert job.progress == 1.0
    assert job.error == ""
    assert job.attempts == 1
    assert job.worker == services.worker_id()
    assert job.started_at is not None and job.finished_at is not None and job.started_at <= job.finished_at
    events = job_events(job)
    assert [e.type for e in events] == ["job.updated", "job.updated"]
    assert [e.data["status"] for e in events] == [JobStatus.RUNNING, JobStatus.SUCCEEDED]
    assert all(e.production_id == production.pk for e in events)
    assert events[1].data["result"] == {"frames": 240, "name": "A001C003"}
    assert events[1].data["progress"] == 1.0
    assert events[1].data["id"] == str(job.pk)


def test_a_job_run_inside_the_callers_transaction_outlasts_heartbeats_it_could_not_write(production, register, monkeypatch):
    """The claim of a job run inside a transaction is not committed: a heartbeat through another connection would find
    no row of this attempt's and end it as lost (a 30 s clip on a loaded machine outlasted the 15 s beat so)."""
    from apps.jobs import running

    monkeypatch.setattr(running, "HEARTBEAT_EVERY_S", 0.02)

    def handler(ctx):
        for step in range(10):
            time.sleep(0.03)  # long work, reporting as it goes: ten heartbeats' worth
            ctx.progress(step / 10, f"step {step}")
        return {"done": True}

    register("test.slow", handler)
    job = make_job(production, "test.slow")

    finished = services.job_run(job.pk)

    assert (finished.status, finished.result) == (JobStatus.SUCCEEDED, {"done": True})


def test_job_create_publishes_job_created_and_enqueues_only_after_commit(production, user, captured_events, monkeypatch):
    enqueued = []
    monkeypatch.setattr(services, "job_enqueue", lambda *, job_id: enqueued.append(job_id) or True)

    with captured_events() as events:
        job = services.job_create(production_id=production.pk, kind="test.echo", actor=user, params={"x": 1})
        assert enqueued == []  # not before the transaction commits

    assert services._SENDER.drain(5)  # sent by the process's sender thread, off the caller's path
    assert enqueued == [job.pk]
    assert [(e["type"], e["entity_id"], e["data"]["status"]) for e in events] == [("job.created", str(job.pk), "pending")]
    assert events[0]["data"]["params"] == {"x": 1}


def test_application_error_in_handler_fails_the_job_with_its_message(production, register):
    def handler(ctx):
        raise ApplicationError("ffprobe could not read this clip: moov atom not found", code="not_a_video")

    register("test.app_error", handler)
    job = make_job(production, "test.app_error")

    services.job_run(job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "ffprobe could not read this clip: moov atom not found"
    assert job.message == "Failed"
    assert job.finished_at is not None
    assert [e.data["status"] for e in job_events(job)] == [JobStatus.RUNNING, JobStatus.FAILED]
    assert job_events(job)[-1].data["error"] == job.error


def test_unexpected_exception_fails_the_job_with_a_readable_error_naming_kind_and_exception(production, register):
    def handler(ctx):
        return {"ratio": 1 / 0}

    register("test.divide", handler)
    job = make_job(production, "test.divide")

    services.job_run(job.pk)  # never raises

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "Unexpected error while running test.divide: ZeroDivisionError: division by zero"
    assert job.result == {}
    assert [e.data["status"] for e in job_events(job)] == [JobStatus.RUNNING, JobStatus.FAILED]


def test_result_that_is_not_json_fails_the_job_instead_of_leaving_it_running(production, register):
    register("test.bad_result", lambda ctx: {"when": object()})
    job = make_job(production, "test.bad_result")

    services.job_run(job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "test.bad_result" in job.error and "TypeError" in job.error
    assert job.result == {}
    assert [e.data["status"] for e in job_events(job)] == [JobStatus.RUNNING, JobStatus.FAILED]


def test_job_of_an_unknown_kind_fails_with_a_readable_error(production):
    job = make_job(production, "test.nobody_handles_this")

    services.job_run(job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "Slate has no handler for jobs of kind 'test.nobody_handles_this'."
    assert job.attempts == 0


# --- duplicate delivery and cancellation ----------------------------------------------------------

def test_duplicate_delivery_runs_the_handler_once(production, register):
    calls = []
    register("test.count", lambda ctx: calls.append(ctx.job.pk) or {"n": len(calls)})
    job = make_job(production, "test.count")

    first = services.job_run(job.pk)
    events_after_first = len(job_events(job))
    second = services.job_run(str(job.pk))

    assert calls == [job.pk]
    assert first.status == second.status == JobStatus.SUCCEEDED
    job.refresh_from_db()
    assert job.attempts == 1
    assert job.result == {"n": 1}
    assert len(job_events(job)) == events_after_first == 2


def test_job_run_of_a_missing_job_does_nothing(db):
    import uuid

    assert services.job_run(uuid.uuid4()) is None
    assert Event.objects.count() == 0


def test_running_job_whose_cancel_was_requested_ends_cancelled_at_its_next_progress(production, register, user):
    progress_calls = []

    def handler(ctx):
        for i in range(10_000):
            if i == 3:
                services.job_cancel(job=ctx.job, actor=user)
            progress_calls.append(i)
            ctx.progress(i / 10_000, f"frame {i}")
            time.sleep(0.001)
        return {"finished": True}

    register("test.long", handler)
    job = make_job(production, "test.long")

    services.job_run(job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert job.cancel_requested is True
    assert job.result == {}
    assert job.error == ""
    assert 3 < len(progress_calls) < 10_000  # it stopped early, at a progress report
    assert [e.data["status"] for e in job_events(job)] == [JobStatus.RUNNING, JobStatus.RUNNING, JobStatus.CANCELLED]
    assert job_events(job)[1].data["cancel_requested"] is True


# --- progress -----------------------------------------------------------------------------------

def test_progress_in_a_tight_loop_is_throttled_to_about_five_broadcasts_a_second(production, register, sent, settings):
    assert settings.SLATE_JOB_PROGRESS_INTERVAL_S == pytest.approx(0.2)
    timing = {}

    def handler(ctx):
        start = time.monotonic()
        for i in range(1000):
            ctx.progress((i + 1) / 1000, "Encoding")
        timing["tight"] = time.monotonic() - start
        return {}

    register("test.tight", handler)
    job = make_job(production, "test.tight")

    services.job_run(job.pk)

    frames = progress_frames(sent, job)
    assert 1 <= len(frames) <= timing["tight"] / 0.2 + 2
    assert frames[0]["data"] == {"id": str(job.pk), "kind": "test.tight", "status": "running", "progress": 0.001, "message": "Encoding"}
    assert all(f["id"] is None and f["production"] == production.pk for f in frames)
    assert {group for group, env in sent if env["type"] == "job.progress"} == {f"production.{production.pk}"}
    assert Event.objects.filter(type="job.progress").count() == 0  # ephemeral: never stored


def test_progress_over_a_second_broadcasts_at_the_interval_and_stores_it_about_once_a_second(production, register, sent):
    stored = []
    timing = {}

    def handler(ctx):
        start = time.monotonic()
        for i in range(1000):
            ctx.progress((i + 1) / 1000)
            if i % 50 == 0:
                stored.append(Job.objects.get(pk=ctx.job.pk).progress)
            while time.monotonic() - start < (i + 1) * 0.0012:
                pass
        timing["elapsed"] = time.monotonic() - start
        return {}

    register("test.paced", handler)
    job = make_job(production, "test.paced")

    services.job_run(job.pk)

    frames = progress_frames(sent, job)
    elapsed = timing["elapsed"]
    assert elapsed >= 1.2
    assert elapsed / 0.2 - 1 <= len(frames) <= elapsed / 0.2 + 2
    values = [f["data"]["progress"] for f in frames]
    assert values == sorted(values) and len(set(values)) == len(values)
    assert stored[0] == 0.0 and 0.0 < stored[-1] < 1.0  # the row caught up about once a second, not 1000 times


def test_progress_is_clamped_and_forced_reports_always_go_out(production, register, sent):
    def handler(ctx):
        ctx.progress(-3, "Reading", force=True)
        ctx.progress(7, "Writing", force=True)
        return {}

    register("test.clamp", handler)
    job = make_job(production, "test.clamp")

    services.job_run(job.pk)

    assert [(f["data"]["progress"], f["data"]["message"]) for f in progress_frames(sent, job)] == [(0.0, "Reading"), (1.0, "Writing")]


# --- the reaper ---------------------------------------------------------------------------------

def running_job(production, *, worker, heartbeat_age_s, attempts=1, **fields) -> Job:
    now = timezone.now()
    return make_job(production, "test.reaped", status=JobStatus.RUNNING, worker=worker, attempts=attempts, progress=0.4,
                    started_at=now - timedelta(seconds=heartbeat_age_s + 5), heartbeat_at=now - timedelta(seconds=heartbeat_age_s), **fields)


def test_reaper_requeues_a_running_job_with_an_old_heartbeat(production, settings, django_capture_on_commit_callbacks, monkeypatch):
    settings.SLATE_JOB_MAX_ATTEMPTS = 3
    enqueued = []
    monkeypatch.setattr(services, "job_enqueue", lambda *, job_id: enqueued.append(job_id) or True)
    job = running_job(production, worker="render-box-7:4242", heartbeat_age_s=settings.SLATE_JOB_STALE_AFTER_S + 60, attempts=1)

    with django_capture_on_commit_callbacks(execute=True):
        reaped = services.job_reap_stale()

    job.refresh_from_db()
    assert [j.pk for j in reaped] == [job.pk]
    assert job.status == JobStatus.PENDING
    assert job.progress == 0.0
    assert job.worker == ""
    assert job.attempts == 1
    assert job.message == "The worker stopped; retrying (attempt 2 of 3)"
    assert enqueued == [job.pk]
    assert [e.data["status"] for e in job_events(job)] == [JobStatus.PENDING]


def test_reaper_fails_a_stale_job_at_its_last_attempt_with_a_readable_error(production, settings):
    settings.SLATE_JOB_MAX_ATTEMPTS = 2
    job = running_job(production, worker="render-box-7:4242", heartbeat_age_s=settings.SLATE_JOB_STALE_AFTER_S + 60, attempts=2)

    services.job_reap_stale()

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "The worker running this job stopped during attempt 2 of 2."
    assert job.finished_at is not None
    assert [e.data["status"] for e in job_events(job)] == [JobStatus.FAILED]


def test_reaper_finishes_a_stale_job_that_was_being_cancelled_as_cancelled(production, settings):
    job = running_job(production, worker="render-box-7:4242", heartbeat_age_s=settings.SLATE_JOB_STALE_AFTER_S + 60,
                      cancel_requested=True)

    services.job_reap_stale()

    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED


def test_reaper_reaps_a_job_of_a_dead_local_process_at_once(production, settings):
    settings.SLATE_JOB_MAX_ATTEMPTS = 2
    dead_pid = 999999
    with pytest.raises(ProcessLookupError):
        os.kill(dead_pid, 0)
    job = running_job(production, worker=f"{socket.gethostname()}:{dead_pid}", heartbeat_age_s=1, attempts=1)

    reaped = services.job_reap_stale()

    job.refresh_from_db()
    assert [j.pk for j in reaped] == [job.pk]
    assert job.status == JobStatus.PENDING
    assert job.message == "The worker stopped; retrying (attempt 2 of 2)"


def test_reaper_leaves_a_job_with_a_fresh_heartbeat_and_a_live_worker_alone(production):
    alive_here = running_job(production, worker=services.worker_id(), heartbeat_age_s=1)
    alive_elsewhere = running_job(production, worker="render-box-7:4242", heartbeat_age_s=10)
    pending = make_job(production, "test.reaped")

    assert services.job_reap_stale() == []

    for job, status in ((alive_here, JobStatus.RUNNING), (alive_elsewhere, JobStatus.RUNNING), (pending, JobStatus.PENDING)):
        job.refresh_from_db()
        assert job.status == status
    assert Event.objects.count() == 0


def test_requeued_job_runs_again_through_the_wrapper(production, register, settings):
    settings.SLATE_JOB_MAX_ATTEMPTS = 2
    register("test.reaped", lambda ctx: {"attempt": ctx.job.attempts})
    job = running_job(production, worker="render-box-7:4242", heartbeat_age_s=settings.SLATE_JOB_STALE_AFTER_S + 1, attempts=1)

    services.job_reap_stale()
    services.job_run(job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.attempts == 2
    assert job.result == {"attempt": 2}


# --- enqueueing -----------------------------------------------------------------------------------

def test_job_enqueue_puts_the_job_on_the_real_redis_queue(production):
    job = make_job(production, "test.echo")
    HUEY.flush()

    try:
        assert services.job_enqueue(job_id=job.pk) is True
        assert HUEY.pending_count() == 1
        message = HUEY.dequeue()
        assert message.name.endswith("job_execute")
        assert message.args == (str(job.pk),)
    finally:
        HUEY.flush()
    job.refresh_from_db()
    assert job.status == JobStatus.PENDING


def test_job_enqueue_returns_false_and_leaves_the_job_pending_when_redis_is_unreachable(production, settings, tmp_path, caplog):
    job = make_job(production, "test.echo")
    settings.REDIS_URL = f"unix://{tmp_path / 'nobody-listens.sock'}"

    started = time.monotonic()
    assert services.job_enqueue(job_id=job.pk) is False

    assert time.monotonic() - started < 1.0  # refused at once, no hang
    job.refresh_from_db()
    assert job.status == JobStatus.PENDING
    assert f"could not enqueue job {job.pk}" in caplog.text
    assert Event.objects.count() == 0


def test_lost_pending_jobs_are_enqueued_again(production, monkeypatch):
    enqueued = []
    monkeypatch.setattr(services, "job_enqueue", lambda *, job_id: enqueued.append(job_id) or True)
    old = make_job(production, "test.echo")
    fresh = make_job(production, "test.echo")
    Job.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(minutes=10))

    assert services.job_requeue_lost(older_than_s=120) == [old.pk]
    assert enqueued == [old.pk]
    assert fresh.pk not in enqueued

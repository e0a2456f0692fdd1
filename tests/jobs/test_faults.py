"""Jobs under real faults: a locked SQLite database, a PostgreSQL connection killed by the server,
a job reaped while its first attempt still runs, and a Redis paused with SIGSTOP while a request
makes a job.

Jobs run the way the worker runs them (`job_run` in a thread with its own connection); nothing of
ours is replaced.
"""
from __future__ import annotations

import contextlib
import signal
import sqlite3
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from apps.jobs import enqueue, reaper, running, services
from apps.jobs.models import Job, JobStatus
from apps.realtime.models import Event
from tests.procs import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def in_worker_thread(job_id) -> threading.Thread:
    """`job_run(job_id)` in a thread with its own connection, closed at the end as djhuey's db_task does."""

    def run():
        try:
            services.job_run(job_id)
        finally:
            connection.close()

    thread = threading.Thread(target=run, name=f"worker-{job_id}")
    thread.start()
    return thread


def heartbeat_of(job) -> timezone.datetime:
    return Job.objects.values_list("heartbeat_at", flat=True).get(pk=job.pk)


@contextlib.contextmanager
def sqlite_write_lock():
    """Hold SQLite's write lock from another connection (another process's long write, as the issue saw)."""
    other = sqlite3.connect(connection.settings_dict["NAME"], timeout=5, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        yield
        other.execute("ROLLBACK")
    finally:
        other.close()


@pytest.fixture
def short_busy_timeout(monkeypatch):
    """New SQLite connections wait 0.1 s for a lock instead of 20 s (the heartbeat thread opens one)."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's write lock")
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 0.1)


# --- the heartbeat survives database errors ---------------------------------------------------------

def test_heartbeat_survives_a_locked_sqlite_database_and_beats_again_once_it_is_free(production, register, monkeypatch,
                                                                                     short_busy_timeout, caplog):
    monkeypatch.setattr(running, "HEARTBEAT_EVERY_S", 0.05)
    release = threading.Event()

    def handler(ctx):
        release.wait(20)  # long work that reports nothing: only the heartbeat shows the worker is alive
        return {"done": True}

    register("test.beating", handler)
    job = Job.objects.create(production=production, kind="test.beating")
    worker = in_worker_thread(job.pk)
    try:
        wait_until(lambda: Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).exists(), 10, "job running")
        with sqlite_write_lock():
            locked_at = timezone.now()
            wait_until(lambda: caplog.text.count("heartbeat not stored") >= 3, 10, "three heartbeats refused")
        wait_until(lambda: heartbeat_of(job) > locked_at, 10, "a heartbeat after the lock was released")
    finally:
        release.set()
        worker.join(20)

    job.refresh_from_db()
    assert "database is locked" in caplog.text
    assert (job.status, job.result) == (JobStatus.SUCCEEDED, {"done": True})


def test_heartbeat_survives_a_postgresql_connection_the_server_terminated(production, register, monkeypatch, caplog):
    if connection.vendor != "postgresql":
        pytest.skip("pg_terminate_backend is PostgreSQL's")
    monkeypatch.setattr(running, "HEARTBEAT_EVERY_S", 0.05)
    release = threading.Event()
    register("test.beating", lambda ctx: release.wait(20) and {"done": True})
    job = Job.objects.create(production=production, kind="test.beating")
    worker = in_worker_thread(job.pk)
    try:
        wait_until(lambda: Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).exists(), 10, "job running")

        def terminate_heartbeat_backend() -> int:
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                               "WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE %s",
                               ['%"heartbeat_at"%'])
                return cursor.fetchone()[0]

        wait_until(terminate_heartbeat_backend, 10, "the heartbeat's connection terminated")
        killed_at = timezone.now()
        wait_until(lambda: "heartbeat not stored" in caplog.text, 10, "the broken connection noticed")
        wait_until(lambda: heartbeat_of(job) > killed_at, 10, "a heartbeat on a new connection")
    finally:
        release.set()
        worker.join(20)

    job.refresh_from_db()
    assert (job.status, job.result) == (JobStatus.SUCCEEDED, {"done": True})


def test_an_attempt_that_cannot_store_a_heartbeat_for_half_the_stale_time_stops_and_writes_nothing(
        production, register, monkeypatch, settings, short_busy_timeout):
    settings.SLATE_JOB_STALE_AFTER_S = 1  # the reaper may take the job after 1 s without a heartbeat
    monkeypatch.setattr(running, "HEARTBEAT_EVERY_S", 0.05)
    monkeypatch.setattr(running, "DB_PROGRESS_EVERY_S", 3600)  # only the heartbeat writes
    reports, stopped = [], threading.Event()

    def handler(ctx):
        try:
            while True:
                ctx.progress(0.5)
                reports.append(time.monotonic())
                time.sleep(0.02)
        except services.JobLost:
            stopped.set()
            raise

    register("test.fenced", handler)
    job = Job.objects.create(production=production, kind="test.fenced")
    worker = in_worker_thread(job.pk)
    wait_until(lambda: reports, 10, "the handler reporting")
    with sqlite_write_lock():
        assert stopped.wait(5), "the handler went on without a heartbeat"
    worker.join(10)

    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING  # left for the reaper; this attempt wrote no ending
    assert [e.data["status"] for e in Event.objects.filter(entity="job", entity_id=str(job.pk))] == ["running"]


# --- never twice at once ----------------------------------------------------------------------------

def test_a_job_reaped_while_its_first_attempt_runs_is_finished_by_the_second_attempt_only(production, register, settings,
                                                                                         monkeypatch):
    settings.SLATE_JOB_MAX_ATTEMPTS = 2
    monkeypatch.setattr(running, "DB_PROGRESS_EVERY_S", 0.0)
    first_running, reaped = threading.Event(), threading.Event()
    runs: list[dict] = []

    def handler(ctx):
        run = {"attempt": ctx.attempt, "reports": 0, "lost": False}
        runs.append(run)
        if ctx.attempt == 1:
            first_running.set()
            reaped.wait(20)
            try:
                while True:  # the first attempt keeps working, reporting progress
                    ctx.progress(0.5)
                    run["reports"] += 1
                    time.sleep(0.01)
            except services.JobLost:
                run["lost"] = True
                raise
        return {"attempt": ctx.attempt}

    register("test.twice", handler)
    job = Job.objects.create(production=production, kind="test.twice")
    first = in_worker_thread(job.pk)
    assert first_running.wait(10)
    # Its worker looks dead to the reaper: no heartbeat for longer than SLATE_JOB_STALE_AFTER_S.
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=settings.SLATE_JOB_STALE_AFTER_S + 1))
    running.RUNNING_HERE.discard(job.pk)  # as if attempt 1 ran in another worker process
    assert [j.pk for j in services.job_reap_stale()] == [job.pk]
    second = in_worker_thread(job.pk)
    second.join(20)
    reaped.set()
    first.join(20)

    job.refresh_from_db()
    assert [(r["attempt"], r["lost"]) for r in runs] == [(1, True), (2, False)]
    assert runs[0]["reports"] == 0  # the first attempt stopped at its first report after losing the job
    assert (job.status, job.attempts, job.result) == (JobStatus.SUCCEEDED, 2, {"attempt": 2})
    statuses = [e.data["status"] for e in Event.objects.filter(entity="job", entity_id=str(job.pk)).order_by("id")]
    assert statuses == ["running", "pending", "running", "succeeded"]


def test_an_attempt_whose_job_was_taken_meanwhile_does_not_finish_it(production, register, settings):
    """The first attempt ends without reporting anything after the reaper gave its job to a second one."""
    settings.SLATE_JOB_MAX_ATTEMPTS = 2
    go = threading.Event()

    def handler(ctx):
        if ctx.attempt == 1:
            go.wait(20)
            return {"attempt": 1}
        return {"attempt": ctx.attempt}

    register("test.late", handler)
    job = Job.objects.create(production=production, kind="test.late")
    first = in_worker_thread(job.pk)
    wait_until(lambda: Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).exists(), 10, "first attempt running")
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    running.RUNNING_HERE.discard(job.pk)
    services.job_reap_stale()
    second = in_worker_thread(job.pk)
    second.join(20)
    assert Job.objects.filter(pk=job.pk, status=JobStatus.SUCCEEDED, attempts=2).exists()
    go.set()  # now the first attempt's handler returns too
    first.join(20)

    job.refresh_from_db()
    assert (job.status, job.result) == (JobStatus.SUCCEEDED, {"attempt": 2})
    assert Event.objects.filter(entity="job", entity_id=str(job.pk), type="job.updated",
                                data__status=JobStatus.SUCCEEDED).count() == 1


def test_the_reaper_leaves_alone_a_job_that_a_new_attempt_took_after_it_looked(production, settings):
    now = timezone.now()
    job = Job.objects.create(production=production, kind="test.raced", status=JobStatus.RUNNING, attempts=2,
                             worker=services.worker_id(), heartbeat_at=now, started_at=now)

    assert reaper._reap(job.pk, attempt=1, stale_after_s=settings.SLATE_JOB_STALE_AFTER_S, at_startup=False) is None

    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.RUNNING, 2)


# --- cancelling is never blocked by the running job --------------------------------------------------

@pytest.mark.parametrize("inside_transaction", ["no", "reading", "after-publishing"])
def test_cancel_answers_at_once_while_the_job_reports_progress(production, user, register, monkeypatch, inside_transaction):
    """The handler reports progress outside any transaction, or inside its own one that has read
    rows, or that has published an event (which holds the production's event order until commit)."""
    if inside_transaction != "no" and connection.vendor == "sqlite":
        pytest.skip("SQLite has one writer: a handler holding a write transaction blocks every write")
    from rest_framework.test import APIClient

    from apps.realtime.services import publish_entity
    from apps.scenes.models import Scene

    monkeypatch.setattr(running, "DB_PROGRESS_EVERY_S", 0.0)
    reporting = threading.Event()

    def handler(ctx):
        with transaction.atomic() if inside_transaction != "no" else contextlib.nullcontext():
            Job.objects.filter(pk=ctx.job.pk).values_list("pk").first()
            if inside_transaction == "after-publishing":
                publish_entity(Scene.objects.create(production_id=ctx.job.production_id, number="99"), "created")
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                ctx.progress(0.5, "Encoding")
                reporting.set()
                time.sleep(0.01)
        return {"finished": True}

    register("test.cancel_fast", handler)
    job = Job.objects.create(production=production, kind="test.cancel_fast")
    worker = in_worker_thread(job.pk)
    try:
        assert reporting.wait(10)
        client = APIClient()
        client.force_authenticate(user)
        assert client.get(f"/api/jobs/{job.pk}/").status_code == 200  # the process's first request pays for imports
        started = time.monotonic()
        response = client.post(f"/api/jobs/{job.pk}/cancel/")
        took = time.monotonic() - started
    finally:
        worker.join(25)

    assert response.status_code == 200, response.content
    assert took < 1.0
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED


# --- enqueueing never waits on Redis in a request ------------------------------------------------------

@pytest.fixture
def paused_redis(tmp_path, settings):
    """A private real redis-server that the test can pause (SIGSTOP) and resume (SIGCONT); REDIS_URL points at it."""
    from apps.core.redis_server import start_redis

    sock = tmp_path / "redis.sock"
    process = start_redis(sock, appendonly=False)
    settings.REDIS_URL = f"unix://{sock}"
    try:
        yield process
    finally:
        process.send_signal(signal.SIGCONT)
        process.terminate()
        process.wait(10)
        services._SENDER.drain(5)


def queued_job_ids() -> list[str]:
    from huey.contrib.djhuey import HUEY

    return [HUEY.deserialize_task(data).args[0] for data in enqueue.queue_storage().enqueued_items()]


def test_a_script_upload_answers_at_once_while_redis_is_paused_and_its_job_runs_once_redis_is_back(api, production, paused_redis):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from huey.contrib.djhuey import HUEY

    screenplay = b"Title: Night Shift\n\nINT. DINER - NIGHT\n\nMARA pours coffee.\n\nMARA\nLast call.\n"
    paused_redis.send_signal(signal.SIGSTOP)
    try:
        started = time.monotonic()
        response = api.post("/api/scripts/", {"production": production.pk, "title": "Night Shift",
                                              "file": SimpleUploadedFile("night.fountain", screenplay)}, format="multipart")
        took = time.monotonic() - started
        assert response.status_code == 201, response.content
        assert took < 1.0, f"the upload took {took:.2f} s with Redis paused"
        job_id = response.json()["job"]["id"]
        time.sleep(enqueue.REDIS_TIMEOUT_S + 0.5)  # the sender tried, timed out, and keeps the job
        assert Job.objects.get(pk=job_id).status == JobStatus.PENDING
    finally:
        paused_redis.send_signal(signal.SIGCONT)
    resumed = time.monotonic()
    assert services._SENDER.drain(10)
    on_queue = time.monotonic() - resumed

    assert job_id in queued_job_ids()
    assert on_queue < enqueue.REDIS_TIMEOUT_S + enqueue.RETRY_EVERY_S + 1
    for data in enqueue.queue_storage().enqueued_items():  # the worker's turn: run what is queued
        HUEY.execute(HUEY.deserialize_task(data))
    job = Job.objects.get(pk=job_id)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.attempts == 1


def test_lost_pending_jobs_are_sent_again_but_not_those_still_on_the_queue(production, paused_redis):
    old = timezone.now() - timedelta(seconds=reaper.LOST_PENDING_AFTER_S + 5)
    lost = Job.objects.create(production=production, kind="test.echo")
    queued = Job.objects.create(production=production, kind="test.echo")
    fresh = Job.objects.create(production=production, kind="test.echo")
    Job.objects.filter(pk__in=[lost.pk, queued.pk]).update(updated_at=old)
    assert services.job_enqueue(job_id=queued.pk)

    assert services.job_requeue_lost() == [lost.pk]

    assert sorted(queued_job_ids()) == sorted([str(queued.pk), str(lost.pk)])
    assert str(fresh.pk) not in queued_job_ids()


def test_the_sender_keeps_what_it_could_not_send_and_sends_each_once_when_redis_answers(tmp_path):
    sent, attempts = [], []
    redis_up = threading.Event()

    def send(job_id):
        attempts.append(job_id)
        if not redis_up.is_set():
            raise ConnectionError("Redis paused")
        sent.append(job_id)

    sender = enqueue.Sender(send, retry_every_s=0.05)
    for job_id in ("a", "b", "a", "c"):
        sender.submit(job_id)
    time.sleep(0.3)
    assert sent == [] and sender.waiting() == 3
    redis_up.set()

    assert sender.drain(5)
    assert sent == ["a", "b", "c"]


def test_the_sender_drops_the_oldest_past_its_bound_and_never_blocks():
    blocked = threading.Event()
    sender = enqueue.Sender(lambda job_id: blocked.wait(5) and None, max_waiting=3)
    started = time.monotonic()
    for job_id in range(10):
        sender.submit(job_id)
    assert time.monotonic() - started < 0.1
    assert sender.waiting() <= 4  # three waiting, one being sent
    blocked.set()
    assert sender.drain(5)


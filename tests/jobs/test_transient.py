"""A job whose transaction the database aborts for a reason a rerun cures (a deadlock PostgreSQL
broke, a lock timeout) runs again instead of failing; every other database error still fails it."""
from __future__ import annotations

import threading

import psycopg
import psycopg_pool
import pytest
from django.db import OperationalError, connection, transaction

from apps.core.errors import is_transient_db_error
from apps.jobs import running, services
from apps.jobs.models import Job, JobStatus
from apps.productions.services import production_lock
from apps.scenes.models import Scene


def _wrapped(driver_error: Exception) -> OperationalError:
    """What Django raises for a driver error (django.db.utils.DatabaseErrorWrapper sets the cause)."""
    error = OperationalError(str(driver_error))
    error.__cause__ = driver_error
    return error


def test_deadlocks_serialization_failures_and_lock_timeouts_are_transient():
    assert is_transient_db_error(_wrapped(psycopg.errors.DeadlockDetected("deadlock detected")))
    assert is_transient_db_error(_wrapped(psycopg.errors.SerializationFailure("could not serialize access")))
    assert is_transient_db_error(_wrapped(psycopg.errors.LockNotAvailable("canceling statement due to lock timeout")))
    assert is_transient_db_error(OperationalError("database is locked"))  # sqlite3's busy timeout
    # psycopg's pool had no connection free within DB_POOL_TIMEOUT_S
    assert is_transient_db_error(_wrapped(psycopg_pool.PoolTimeout("couldn't get a connection after 10.00 sec")))


def test_other_database_errors_are_not_transient():
    assert not is_transient_db_error(_wrapped(psycopg.errors.UndefinedTable("relation does not exist")))
    assert not is_transient_db_error(OperationalError("no such table: scenes_scene"))
    assert not is_transient_db_error(RuntimeError("deadlock detected"))


@pytest.mark.django_db
def test_a_handler_aborted_by_a_deadlock_runs_again_and_succeeds(production, register):
    runs: list[int] = []

    def handler(ctx):
        runs.append(len(runs) + 1)
        with transaction.atomic():
            Scene.objects.create(production_id=ctx.job.production_id, number=f"D{len(runs)}")
            if len(runs) < 3:
                raise _wrapped(psycopg.errors.DeadlockDetected("deadlock detected"))
        return {"runs": len(runs)}

    register("test.deadlocked", handler)
    job = Job.objects.create(production=production, kind="test.deadlocked")

    services.job_run(job.pk)

    job.refresh_from_db()
    assert (job.status, job.result, runs) == (JobStatus.SUCCEEDED, {"runs": 3}, [1, 2, 3])
    assert list(Scene.objects.filter(production=production).values_list("number", flat=True)) == ["D3"]  # aborted runs left nothing


@pytest.mark.django_db
def test_a_handler_that_keeps_deadlocking_fails_with_a_readable_error(production, register):
    runs: list[int] = []

    def handler(ctx):
        runs.append(1)
        raise _wrapped(psycopg.errors.DeadlockDetected("deadlock detected"))

    register("test.always_deadlocked", handler)
    job = Job.objects.create(production=production, kind="test.always_deadlocked")

    services.job_run(job.pk)

    job.refresh_from_db()
    assert len(runs) == running.TRANSIENT_RETRIES + 1
    assert job.status == JobStatus.FAILED
    assert job.error == "Unexpected error while running test.always_deadlocked: OperationalError: deadlock detected"


@pytest.mark.django_db
def test_a_handler_with_a_lasting_database_error_is_not_run_again(production, register):
    runs: list[int] = []

    def handler(ctx):
        runs.append(1)
        raise OperationalError("no such table: nowhere")

    register("test.broken", handler)
    job = Job.objects.create(production=production, kind="test.broken")

    services.job_run(job.pk)

    job.refresh_from_db()
    assert (len(runs), job.status) == (1, JobStatus.FAILED)


@pytest.mark.django_db(transaction=True)
def test_a_real_lock_timeout_on_postgresql_is_run_again_once_the_lock_is_free(production, register):
    if connection.vendor != "postgresql":
        pytest.skip("lock_timeout is PostgreSQL's")
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:  # another transaction holding the production (a long import)
        try:
            with transaction.atomic():
                production_lock(production_id=production.pk)
                locked.set()
                release.wait(30)
        finally:
            connection.close()

    runs: list[int] = []

    def handler(ctx):
        runs.append(1)
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '200ms'")
                production_lock(production_id=ctx.job.production_id)
        except OperationalError:
            release.set()  # the other transaction ends; the rerun gets the lock
            raise
        return {"runs": len(runs)}

    register("test.lock_timeout", handler)
    job = Job.objects.create(production=production, kind="test.lock_timeout")
    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(30)
        services.job_run(job.pk)
    finally:
        release.set()
        holder.join(30)

    job.refresh_from_db()
    assert (job.status, job.result) == (JobStatus.SUCCEEDED, {"runs": 2})

"""REST: /api/jobs/ (scoped list and detail) and POST /api/jobs/{id}/cancel/."""
from __future__ import annotations

import threading
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.jobs import services
from apps.jobs.models import Job, JobStatus
from apps.productions.models import Role
from apps.realtime.models import Event


@pytest.fixture
def viewer(make_user):
    return make_user()


@pytest.fixture
def production(make_production, user, viewer):
    return make_production(owner=user, members={viewer: Role.VIEWER})


def cancel_url(job) -> str:
    return f"/api/jobs/{job.pk}/cancel/"


def job_events(job) -> list[Event]:
    return list(Event.objects.filter(entity="job", entity_id=str(job.pk)).order_by("id"))


# --- cancel -------------------------------------------------------------------------------------

def test_cancelling_a_pending_job_cancels_it_at_once_and_the_worker_then_does_nothing(api, production, user, register):
    calls = []
    register("test.api", lambda ctx: calls.append(1) or {})
    job = Job.objects.create(production=production, kind="test.api")

    response = api.post(cancel_url(job))

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(job.pk)
    assert body["status"] == "cancelled"
    assert body["finished_at"] is not None
    assert body["message"] == f"Cancelled by {user.display_name}"
    events = job_events(job)
    assert [(e.type, e.data["status"], e.actor_id) for e in events] == [("job.updated", "cancelled", user.pk)]

    services.job_run(job.pk)

    job.refresh_from_db()
    assert calls == []
    assert job.status == JobStatus.CANCELLED
    assert job.attempts == 0
    assert len(job_events(job)) == 1


def test_cancelling_a_running_job_stops_it_at_its_next_progress_report(api, production, register):
    during = {}

    def handler(ctx):
        for i in range(10_000):
            if i == 5:
                response = api.post(cancel_url(ctx.job))
                during["status_code"], during["body"] = response.status_code, response.json()
            ctx.progress(i / 10_000)
            time.sleep(0.001)
        return {"finished": True}

    register("test.api_long", handler)
    job = Job.objects.create(production=production, kind="test.api_long")

    services.job_run(job.pk)

    assert during["status_code"] == 200
    assert during["body"]["status"] == "running"
    assert during["body"]["cancel_requested"] is True
    assert during["body"]["message"] == "Cancelling…"
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert job.result == {}
    assert [e.data["status"] for e in job_events(job)] == ["running", "running", "cancelled"]
    assert api.get(f"/api/jobs/{job.pk}/").json()["status"] == "cancelled"


@pytest.mark.django_db(transaction=True)
def test_cancel_from_another_thread_stops_a_job_running_in_a_worker_thread(production, user, register):
    """The worker and the web request are different connections, as in production."""
    from rest_framework.test import APIClient

    started = threading.Event()

    def handler(ctx):
        started.set()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            ctx.progress(0.5, "Encoding")
            time.sleep(0.01)
        return {"finished": True}

    register("test.threaded", handler)
    job = Job.objects.create(production=production, kind="test.threaded")
    def run_like_a_worker(job_id):
        from django.db import connection

        try:
            services.job_run(job_id)
        finally:
            connection.close()  # as djhuey's db_task does after each task

    worker = threading.Thread(target=run_like_a_worker, args=(job.pk,))
    worker.start()
    try:
        assert started.wait(10)
        client = APIClient()
        client.force_authenticate(user)
        response = client.post(cancel_url(job))
        assert response.status_code == 200
        assert response.json()["cancel_requested"] is True
    finally:
        worker.join(25)
    assert not worker.is_alive()
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert job.finished_at is not None


@pytest.mark.parametrize("status", [JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED])
def test_cancelling_a_finished_job_is_refused_with_not_cancellable(api, production, status):
    job = Job.objects.create(production=production, kind="test.api", status=status, progress=1.0)

    response = api.post(cancel_url(job))

    assert response.status_code == 400
    assert response.json()["code"] == "not_cancellable"
    assert response.json()["message"] == f"This job has already {status}."
    job.refresh_from_db()
    assert job.status == status
    assert job.cancel_requested is False
    assert job_events(job) == []


def test_viewer_cannot_cancel_a_job(api_for, viewer, production):
    job = Job.objects.create(production=production, kind="test.api")

    response = api_for(viewer).post(cancel_url(job))

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    job.refresh_from_db()
    assert job.status == JobStatus.PENDING and job.cancel_requested is False
    assert job_events(job) == []


def test_non_member_cannot_see_or_cancel_a_job(api_for, other_user, production):
    job = Job.objects.create(production=production, kind="test.api")
    client = api_for(other_user)

    assert client.post(cancel_url(job)).status_code == 404
    assert client.get(f"/api/jobs/{job.pk}/").status_code == 404
    listing = client.get("/api/jobs/")
    assert listing.status_code == 200 and listing.json()["count"] == 0
    job.refresh_from_db()
    assert job.status == JobStatus.PENDING
    assert job_events(job) == []


def test_viewer_can_read_jobs_of_their_production(api_for, viewer, production):
    job = Job.objects.create(production=production, kind="media.process", params={"asset_id": 3}, progress=0.25)

    response = api_for(viewer).get("/api/jobs/", {"production": production.pk})

    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["id"] == str(job.pk)
    assert row["kind"] == "media.process"
    assert row["progress"] == 0.25
    assert row["params"] == {"asset_id": 3}


# --- list query count ---------------------------------------------------------------------------

def _jobs(production, user, n):
    return [Job(production=production, kind="media.process", params={"asset_id": i}, created_by=user, status=JobStatus.SUCCEEDED,
                result={"asset_id": i}, progress=1.0) for i in range(n)]


def test_job_list_runs_a_constant_number_of_queries(api, production, user, django_assert_max_num_queries):
    Job.objects.bulk_create(_jobs(production, user, 5))
    with CaptureQueriesContext(connection) as five:
        small = api.get("/api/jobs/", {"page_size": 500})
    assert small.status_code == 200 and small.json()["count"] == 5
    assert len(five.captured_queries) <= 6

    Job.objects.bulk_create(_jobs(production, user, 195))
    with django_assert_max_num_queries(len(five.captured_queries)):
        response = api.get("/api/jobs/", {"page_size": 500})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 200 and len(body["results"]) == 200
    assert {row["result"]["asset_id"] for row in body["results"]} == set(range(5)) | set(range(195))

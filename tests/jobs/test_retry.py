"""Retrying a failed job (`POST /api/jobs/{id}/retry/`, apps.jobs.services.job_retry) and the operations overview
(`GET /api/operations/`): the worker heartbeats and the queue depth in the real Redis, the jobs of the user's productions."""
from __future__ import annotations

import time

import pytest

from apps.core.errors import ApplicationError
from apps.jobs import heartbeat, services
from apps.jobs.models import Job, JobStatus
from apps.productions.models import Role
from apps.realtime.models import Event


@pytest.fixture
def viewer(make_user):
    return make_user()


@pytest.fixture
def production(make_production, user, viewer):
    return make_production(owner=user, members={viewer: Role.VIEWER})


def retry_url(job) -> str:
    return f"/api/jobs/{job.pk}/retry/"


def failed_job(production, kind: str, **fields) -> Job:
    """A job of `kind` run once by the worker wrapper, which its handler fails."""
    job = Job.objects.create(production=production, kind=kind, **fields)
    services.job_run(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    return job


def test_a_failed_job_runs_again_as_the_same_job_once_its_kind_prepared_it(api, production, user, register):
    runs, prepared = [], []

    def handler(ctx):
        runs.append(dict(ctx.params))
        if len(runs) == 1:
            raise ApplicationError("The camera file is unreadable.")
        return {"done": ctx.params["frames"]}

    def prepare(job):
        prepared.append(job.status)
        return {**job.params, "frames": [2]}  # only what failed

    register("test.retry", handler, on_retry=prepare)
    job = failed_job(production, "test.retry", params={"frames": [1, 2]}, created_by=user)
    assert job.error == "The camera file is unreadable."
    assert api.get(f"/api/jobs/{job.pk}/").json()["retryable"] is True
    before = Event.objects.order_by("-id").values_list("id", flat=True).first()

    response = api.post(retry_url(job))

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["status"], body["error"], body["progress"]) == (str(job.pk), "pending", "", 0.0)
    assert body["message"] == f"Retried by {user.display_name}: waiting for a worker"
    assert prepared == [JobStatus.FAILED]
    services.job_run(job.pk)  # what the worker does with the message the retry queued
    assert runs == [{"frames": [1, 2]}, {"frames": [2]}]
    job.refresh_from_db()
    assert (job.status, job.attempts, job.result, job.error) == (JobStatus.SUCCEEDED, 2, {"done": [2]}, "")
    statuses = [(e.data["status"], e.actor_id) for e in Event.objects.filter(id__gt=before, entity="job").order_by("id")]
    assert statuses == [("pending", user.pk), ("running", None), ("succeeded", None)]
    assert Job.objects.count() == 1


def test_a_job_whose_inputs_are_gone_is_refused_with_the_reason_and_left_as_it_was(api, production, register):
    def prepare(job):
        raise ApplicationError("The clip was deleted: there is nothing to process.", code="not_retryable")

    register("test.gone", lambda ctx: 1 / 0, on_retry=prepare)
    job = failed_job(production, "test.gone")
    before = Job.objects.values().get(pk=job.pk)
    events = Event.objects.count()

    response = api.post(retry_url(job))

    assert response.status_code == 400
    assert response.json()["code"] == "not_retryable"
    assert "The clip was deleted" in response.json()["message"]
    assert Job.objects.values().get(pk=job.pk) == before
    assert Event.objects.count() == events


def test_only_a_failed_job_of_a_kind_that_can_be_retried_is_retried(api, production, register):
    register("test.no-retry", lambda ctx: 1 / 0)
    register("test.ok", lambda ctx: {}, on_retry=lambda job: None)
    no_hook = failed_job(production, "test.no-retry")
    assert api.get(f"/api/jobs/{no_hook.pk}/").json()["retryable"] is False
    done = Job.objects.create(production=production, kind="test.ok")
    services.job_run(done.pk)
    unknown = Job.objects.create(production=production, kind="test.unknown", status=JobStatus.FAILED)

    for job, words in ((no_hook, "cannot be retried"), (done, "this one is succeeded"), (unknown, "cannot be retried")):
        response = api.post(retry_url(job))
        assert response.status_code == 400, job.kind
        assert response.json()["code"] == "not_retryable"
        assert words in response.json()["message"]


def test_a_viewer_cannot_retry_and_a_stranger_does_not_see_the_job(api_for, production, viewer, other_user, register):
    register("test.ok", lambda ctx: 1 / 0, on_retry=lambda job: None)
    job = failed_job(production, "test.ok")

    assert api_for(viewer).post(retry_url(job)).status_code == 403
    assert api_for(other_user).post(retry_url(job)).status_code == 404
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED


# --- the operations overview --------------------------------------------------------------------

def test_operations_lists_the_workers_the_queue_and_the_failed_jobs_of_the_productions_the_user_manages(
        api, user, make_user, make_production, production, register):
    register("test.ops", lambda ctx: 1 / 0, on_retry=lambda job: None)
    producer_of = make_production(owner=make_user(), members={user: Role.PRODUCER}, title="Second Unit")
    crew_on = make_production(owner=make_user(), members={user: Role.CREW}, title="Not mine to run")
    mine = failed_job(production, "test.ops")
    theirs = failed_job(producer_of, "test.ops")
    hidden = failed_job(crew_on, "test.ops")
    Job.objects.create(production=production, kind="test.ops")  # pending
    now = time.time()
    heartbeat.beat(worker="ops-test-host:1", at=now - 1)
    heartbeat.beat(worker="ops-test-host:2", at=now - 600)

    response = api.get("/api/operations/")

    assert response.status_code == 200, response.content
    body = response.json()
    workers = {w["worker"]: w for w in body["workers"]}
    assert workers["ops-test-host:1"]["alive"] is True and workers["ops-test-host:1"]["last_seen_s"] < 60
    assert workers["ops-test-host:2"]["alive"] is False and workers["ops-test-host:2"]["last_seen_s"] >= 600
    assert isinstance(body["queue_depth"], int) and body["errors"] == []
    assert {j["id"] for j in body["failed"]} == {str(mine.pk), str(theirs.pk)}
    assert str(hidden.pk) not in {j["id"] for j in body["failed"]}
    assert {j["production_title"] for j in body["failed"]} == {production.title, "Second Unit"}
    assert all(j["retryable"] and j["error"].startswith("Unexpected error") for j in body["failed"])
    counts = {p["title"]: (p["pending"], p["running"], p["failed"]) for p in body["productions"]}
    assert counts == {production.title: (1, 0, 1), "Second Unit": (0, 0, 1)}


def test_operations_is_refused_to_someone_who_runs_no_production(api_for, production, viewer):
    response = api_for(viewer).get("/api/operations/")
    assert response.status_code == 403
    assert "owners and producers" in response.json()["message"]

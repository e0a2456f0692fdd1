"""Helpers of the retry suites (tests/scripts/test_retry.py, tests/generation/test_retry.py): retry a job through the
API as a crew member does, and check a refusal left everything as it was."""
from __future__ import annotations

from apps.jobs.models import Job
from apps.realtime.models import Event


def retry(api, job):
    """`POST /api/jobs/{id}/retry/` as the client's user."""
    return api.post(f"/api/jobs/{job.pk}/retry/")


def assert_refused_and_unchanged(api, job, reason: str) -> None:
    """Retrying `job` answers 400 `not_retryable` whose message holds `reason`, and changes neither the job nor the events."""
    before, events = Job.objects.values().get(pk=job.pk), Event.objects.count()

    response = retry(api, job)

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "not_retryable"
    assert reason in response.json()["message"], response.json()["message"]
    assert Job.objects.values().get(pk=job.pk) == before
    assert Event.objects.count() == events

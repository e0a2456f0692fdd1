"""The job's REST representation (also its events' `data`, and what an endpoint that starts a job answers)."""
from __future__ import annotations

from rest_framework import serializers

from apps.jobs.models import Job, JobStatus


class JobSerializer(serializers.ModelSerializer):
    """A background job, all read-only: `kind` (e.g. `media.process`, `script.import`), `status`, `progress` (0.0–1.0).

    `message` says what it is doing now, `error` why it failed; `params` and `result` are JSON whose
    shape depends on the kind; `started_at` and `finished_at` are null until then. `retryable`: a failed job whose
    kind can be run again (`POST /api/jobs/{id}/retry/`; its inputs are checked then).
    """

    retryable = serializers.SerializerMethodField()

    def get_retryable(self, job: Job) -> bool:
        """True for a failed job of a kind with a retry preparation (apps.jobs.services.job_is_retryable_kind)."""
        from apps.jobs.kinds import job_is_retryable_kind

        return job.status == JobStatus.FAILED and job_is_retryable_kind(job.kind)

    class Meta:
        model = Job
        fields = ["id", "production", "kind", "status", "progress", "message", "params", "result", "error", "attempts",
                  "cancel_requested", "retryable", "created_by", "created_at", "updated_at", "started_at", "finished_at"]
        read_only_fields = fields

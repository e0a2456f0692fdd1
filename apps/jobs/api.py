"""REST: jobs, their cancellation and retry, and the operations overview for the people who run productions."""
from __future__ import annotations

import logging
import time

from django.conf import settings
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.errors import PermissionDeniedError
from apps.jobs import heartbeat, services
from apps.jobs.models import Job, JobStatus
from apps.jobs.serializers import JobSerializer
from apps.productions.permissions import require_write
from apps.productions.selectors import managed_productions, scope_to_user

log = logging.getLogger(__name__)

OPERATIONS_FAILED_LIMIT = 100  # the newest failed jobs the operations page lists


class JobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Jobs of the user's productions (newest first); `POST /api/jobs/{id}/cancel/` cancels one, `…/retry/` runs a failed one again."""

    serializer_class = JobSerializer
    filterset_fields = ["production", "kind", "status"]
    ordering_fields = ["created_at", "status"]

    def get_queryset(self):
        """Jobs of the user's productions only (other ids answer 404)."""
        return scope_to_user(Job.objects.all(), user=self.request.user)

    @extend_schema(request=None, responses=JobSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel the job: `POST` with no body; a pending job is cancelled at once, a running one when its handler next reports.

        Answers 200 with the job. 400 `not_cancellable` when it already ended, 403 for a viewer.
        """
        job = self.get_object()
        require_write(user=request.user, production=job.production_id)
        return Response(JobSerializer(services.job_cancel(job=job, actor=request.user)).data)

    @extend_schema(request=None, responses=JobSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        """Run a failed job again: `POST` with no body (`apps.jobs.services.job_retry`).

        Answers 200 with the job, `pending` again. 400 `not_retryable` when it did not fail, its kind cannot be
        retried or its inputs are gone (the message says which), 403 for a viewer.
        """
        job = self.get_object()
        require_write(user=request.user, production=job.production_id)
        return Response(JobSerializer(services.job_retry(job=job, actor=request.user)).data)


class OperationsFailedJobSerializer(JobSerializer):
    """A failed job on the operations page: the job and its production's title."""

    production_title = serializers.CharField(source="production.title", read_only=True)

    class Meta(JobSerializer.Meta):
        fields = [*JobSerializer.Meta.fields, "production_title"]
        read_only_fields = fields


def _workers() -> tuple[list[dict], str | None]:
    """Every worker's heartbeat, newest first: `[{"worker": "host:pid", "last_seen_s", "alive"}]`, and an error when Redis
    did not answer (then the list is empty)."""
    try:
        beats = heartbeat.seen()
    except Exception as exc:  # noqa: BLE001 — Redis away: the page says so instead of failing
        log.warning("operations: worker heartbeats unreadable: %s", exc)
        return [], f"The job queue's Redis did not answer: {exc.__class__.__name__}."
    now = time.time()
    stale_s = settings.SLATE_READY_WORKER_STALE_S
    rows = [{"worker": worker, "last_seen_s": round(max(0.0, now - at), 1), "alive": now - at <= stale_s}
            for worker, at in beats.items()]
    return sorted(rows, key=lambda row: row["last_seen_s"]), None


def _queue_depth() -> tuple[int | None, str | None]:
    """Messages waiting on the Huey queue, or None and an error when Redis did not answer."""
    from apps.jobs.metrics import queue_depth

    try:
        return int(queue_depth()), None
    except Exception as exc:  # noqa: BLE001 — as above
        log.warning("operations: queue depth unreadable: %s", exc)
        return None, f"The job queue's Redis did not answer: {exc.__class__.__name__}."


class OperationsView(APIView):
    """`GET /api/operations/`: how the background work stands, for the owners and producers of productions.

    Answers `{"workers": [{"worker": "host:pid", "last_seen_s", "alive"}], "worker_stale_s", "queue_depth" (messages
    waiting in Redis, null when Redis does not answer), "errors": [why something could not be read], "productions":
    [{"id", "title", "pending", "running", "failed"}] (the job counts of the productions the user manages),
    "failed": [the newest 100 failed jobs of those productions, each a job with `production_title`]}`.
    Workers and the queue are the installation's (shared by every production); jobs only the user's.
    403 for a user who manages no production.
    """

    @extend_schema(responses=inline_serializer("Operations", {
        "workers": serializers.ListField(child=serializers.DictField()), "worker_stale_s": serializers.FloatField(),
        "queue_depth": serializers.IntegerField(allow_null=True), "errors": serializers.ListField(child=serializers.CharField()),
        "productions": serializers.ListField(child=serializers.DictField()),
        "failed": OperationsFailedJobSerializer(many=True)}))
    def get(self, request):
        """The overview above (two Redis reads with SLATE_READY_TIMEOUT_S / 2 s timeouts, three queries)."""
        productions = list(managed_productions(user=request.user).values("id", "title"))
        if not productions:
            raise PermissionDeniedError("The operations page is for the owners and producers of a production.")
        ids = [p["id"] for p in productions]
        counts = {(row["production"], row["status"]): row["n"] for row in _status_counts(ids)}
        for production in productions:
            for status in (JobStatus.PENDING, JobStatus.RUNNING, JobStatus.FAILED):
                production[str(status)] = counts.get((production["id"], status), 0)
        failed = (Job.objects.filter(production_id__in=ids, status=JobStatus.FAILED).select_related("production")
                  .order_by("-finished_at", "-created_at")[:OPERATIONS_FAILED_LIMIT])
        workers, workers_error = _workers()
        depth, depth_error = _queue_depth()
        return Response({
            "workers": workers, "worker_stale_s": settings.SLATE_READY_WORKER_STALE_S, "queue_depth": depth,
            "errors": sorted({e for e in (workers_error, depth_error) if e}), "productions": productions,
            "failed": OperationsFailedJobSerializer(failed, many=True).data,
        })


def _status_counts(production_ids: list[int]):
    from django.db.models import Count

    return (Job.objects.filter(production_id__in=production_ids).values("production", "status")
            .annotate(n=Count("id")).order_by())

"""REST: jobs and their cancellation."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.jobs import services
from apps.jobs.models import Job
from apps.jobs.serializers import JobSerializer
from apps.productions.permissions import require_write
from apps.productions.selectors import scope_to_user


class JobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Jobs of the user's productions (newest first); `POST /api/jobs/{id}/cancel/` cancels one."""

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

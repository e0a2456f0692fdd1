"""REST: jobs and their cancellation."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.jobs import services
from apps.jobs.models import Job
from apps.productions.permissions import require_write
from apps.productions.selectors import scope_to_user


class JobSerializer(serializers.ModelSerializer):
    class Meta:
        model = Job
        fields = ["id", "production", "kind", "status", "progress", "message", "params", "result", "error", "attempts",
                  "cancel_requested", "created_by", "created_at", "updated_at", "started_at", "finished_at"]
        read_only_fields = fields


class JobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Jobs of the user's productions (newest first); `POST /api/jobs/{id}/cancel/` cancels one."""

    serializer_class = JobSerializer
    filterset_fields = ["production", "kind", "status"]
    ordering_fields = ["created_at", "status"]

    def get_queryset(self):
        return scope_to_user(Job.objects.all(), user=self.request.user)

    @extend_schema(request=None, responses=JobSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        job = self.get_object()
        require_write(user=request.user, production=job.production_id)
        return Response(JobSerializer(services.job_cancel(job=job, actor=request.user)).data)

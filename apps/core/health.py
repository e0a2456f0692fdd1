"""`/api/health/` (liveness: the process serves and its database answers) and `/api/ready/` (readiness: every
component it needs is there — database, Redis, a live worker, room on the media disk), both without sign-in.

Health stays cheap: `make run`, the end-to-end tests and container healthchecks call it often. Readiness runs
the checks registered in `apps.core.readiness`, each named in the answer with its state; a hung Redis costs at
most SLATE_READY_TIMEOUT_S per check that uses it. Neither is cached, and neither says anything secret.
"""
from __future__ import annotations

from django.db import DatabaseError
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.views import APIView

from apps.core.readiness import database_check, run_checks
from apps.core.schema import ErrorSerializer

NOT_READY = "not_ready"


def _uncached(response: JsonResponse) -> JsonResponse:
    add_never_cache_headers(response)
    return response


class HealthView(APIView):
    """`GET /api/health/` → 200 `{"ok": true}` while the web process serves and the database answers `SELECT 1`."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        operation_id="health",
        summary="Liveness: the web process serves and its database answers.",
        responses={
            200: inline_serializer("Health", {"ok": serializers.BooleanField()}),
            503: OpenApiResponse(ErrorSerializer, description="The database does not answer (`not_ready`)."),
        },
    )
    def get(self, request):
        """200 `{"ok": true}`; 503 `{"message", "code": "not_ready", "extra": {}}` when the database does not answer."""
        try:
            database_check()
        except DatabaseError:
            return _uncached(JsonResponse({"message": "The database does not answer.", "code": NOT_READY, "extra": {}}, status=503))
        return _uncached(JsonResponse({"ok": True}))


class ReadySerializer(serializers.Serializer):
    """Readiness: `ready`, and each component's state by name."""

    ready = serializers.BooleanField()
    checks = serializers.DictField(
        child=serializers.DictField(),
        help_text="Each component by name (`database`, `redis`, `worker`, `media_disk`): `{\"ok\": bool, ...}` with what "
                  "explains it: `error`, `last_seen_s` (seconds since a worker's heartbeat), `free_bytes`, `min_free_bytes`.",
    )


class ReadyView(APIView):
    """`GET /api/ready/` → 200 when every component is ready, 503 naming the ones that are not."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        operation_id="ready",
        summary="Readiness: database, Redis, a worker's heartbeat, free space under MEDIA_ROOT.",
        responses={
            200: ReadySerializer,
            503: OpenApiResponse(ErrorSerializer, description=(
                "A component is not ready (`not_ready`; `extra.failing` names them). The body also has `ready` "
                "(false) and `checks`, as the 200 answer.")),
        },
    )
    def get(self, request):
        """200 `{"ready": true, "checks": {name: {"ok": true, ...}}}`; 503 `{"ready": false, "checks": {...},
        "message": "Not ready: redis, worker.", "code": "not_ready", "extra": {"failing": ["redis", "worker"]}}`."""
        ready, checks = run_checks()
        if ready:
            return _uncached(JsonResponse({"ready": True, "checks": checks}))
        failing = [name for name, state in checks.items() if not state["ok"]]
        body = {"ready": False, "checks": checks, "message": f"Not ready: {', '.join(failing)}.", "code": NOT_READY,
                "extra": {"failing": failing}}
        return _uncached(JsonResponse(body, status=503))

"""REST: start AI writing and AI breakdown jobs. Each answers 202 with the job; its progress arrives as events.

Checks run in this order: the script exists in the user's productions (else 404; for the breakdown,
whose scene or version is named in the body: 400 like any reference to another production's row),
the user may write (viewers 403), Anthropic is configured (else 503 `not_configured`, no job), the
body is valid (400). Nobody learns whether AI is configured before the production is known to be theirs. Then the service creates the job; the result lands as a new script version or as breakdown
suggestions (`/api/breakdown-suggestions/`).
"""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.errors import NotFoundError
from apps.generation.config import require_anthropic
from apps.generation.writing import breakdown, services
from apps.generation.writing.serializers import (BreakdownStartSerializer, JobStartedSerializer, SceneGenerateSerializer,
                                                 ScriptGenerateSerializer)
from apps.jobs.serializers import JobSerializer
from apps.productions.permissions import require_write
from apps.productions.selectors import scope_to_user
from apps.scripts.models import Script


def _script_for_writing(request, pk) -> Script:
    script = scope_to_user(Script.objects.all(), user=request.user).filter(pk=pk).first()
    if script is None:
        raise NotFoundError()
    require_write(user=request.user, production=script.production_id)
    require_anthropic()
    return script


def _valid(serializer_class, request) -> dict:
    data = serializer_class(data=request.data, context={"request": request})
    data.is_valid(raise_exception=True)
    return data.validated_data


def _started(job) -> Response:
    return Response({"job": JobSerializer(job).data}, status=status.HTTP_202_ACCEPTED)


class ScriptGenerateView(APIView):
    """Write a new version of a script from its logline with Claude."""

    @extend_schema(request=ScriptGenerateSerializer, responses={202: JobStartedSerializer})
    def post(self, request, pk: int):
        """`{"logline"?, "form"}` → 202 `{"job": {...}}` (kind `ai.write_script`); the text streams as `job.progress` `data.text`.

        On success the job's `result` is `{"script_version_id", "version"}`. 400 `invalid`, 403 for
        a viewer, 404 for a script outside the user's productions, 503 `not_configured`.
        """
        script = _script_for_writing(request, pk)
        body = _valid(ScriptGenerateSerializer, request)
        return _started(services.script_generate_start(script=script, actor=request.user, **body))


class SceneGenerateView(APIView):
    """Write or rewrite one scene of a script with Claude."""

    @extend_schema(request=SceneGenerateSerializer, responses={202: JobStartedSerializer})
    def post(self, request, pk: int):
        """`{"scene"? | "after_scene"?, "setting", "goal", "tension", "tone", "characters"?}` → 202 `{"job": {...}}` (kind `ai.write_scene`).

        The scene streams as `job.progress` `data.text`; on success a new version holds it and the
        job's `result` is `{"script_version_id", "version"}`. 400 `invalid`, 403, 404, 503 `not_configured`.
        """
        script = _script_for_writing(request, pk)
        body = _valid(SceneGenerateSerializer, request)
        return _started(services.scene_generate_start(script=script, actor=request.user, **body))


class BreakdownStartView(APIView):
    """Break down a scene, or every scene of a script version, with Claude."""

    @extend_schema(request=BreakdownStartSerializer, responses={202: JobStartedSerializer})
    def post(self, request):
        """`{"scene": id}` or `{"script_version": id}` → 202 `{"job": {...}}` (kind `ai.breakdown`).

        On success the job's `result` is `{"scene_count", "suggestion_count"}` and the items are at
        `GET /api/breakdown-suggestions/?scene=ID&status=pending`. 400 `invalid` (also for an id
        outside the user's productions), 403 for a viewer, 503 `not_configured`.
        """
        body = _valid(BreakdownStartSerializer, request)  # scoped first: another production's id is refused before anything
        target = body["scene"] or body["script_version"]
        if target is not None:
            require_write(user=request.user, production=target.production_id)
        return _started(breakdown.breakdown_start(actor=request.user, **body))  # 503 `not_configured` from here

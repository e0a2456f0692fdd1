"""REST: screenplays, their versions, and their import (Fountain, Final Draft or PDF)."""
from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, parsers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.integers import parse_int
from apps.core.uploads import check_request_size
from apps.jobs.serializers import JobSerializer
from apps.productions.permissions import require_manager, require_write
from apps.productions.scoped import ProductionScopedViewSet
from apps.productions.selectors import scope_to_user
from apps.scripts import selectors, services
from apps.scripts.export_views import render_response
from apps.scripts.models import RenderKind, Script, ScriptVersion
from apps.scripts.serializers import (ScriptDiffSerializer, ScriptLockSerializer, ScriptSerializer, ScriptUploadResponseSerializer,
                                      ScriptUploadSerializer, ScriptVersionCreateSerializer, ScriptVersionDetailSerializer,
                                      ScriptVersionSerializer)


class ScriptViewSet(ProductionScopedViewSet):
    """Screenplays of the user's productions. `POST` (multipart: production, title, file) imports a Fountain,
    Final Draft or PDF file and answers 201 with the script and its import `job`; a file uploaded with the title
    of an existing script of the production is imported as that script's next version."""

    serializer_class = ScriptSerializer
    filterset_fields = ["production"]
    search_fields = ["title"]
    parser_classes = [parsers.JSONParser, parsers.MultiPartParser]
    update_service = services.script_update
    delete_service = services.script_delete

    queryset = Script.objects.all()

    @extend_schema(request={"multipart/form-data": ScriptUploadSerializer}, responses={201: ScriptUploadResponseSerializer})
    def create(self, request, *args, **kwargs):
        """Import a screenplay: `POST` multipart with `production`, `file`, optional `title` and `script` (at most SLATE_MAX_SCRIPT_UPLOAD_BYTES, 5 MiB by default).

        The file is Fountain, Final Draft (.fdx) or PDF, recognised by its content (a `%PDF-` header, XML
        whose root is `<FinalDraft>`, else UTF-8 text). Answers 201 with the script and the `job` that
        converts it to Fountain and adds its version, scenes and characters (a file it cannot read fails
        the job with the reason in its `error`, nothing saved); a named `script`, or one with the same
        title, gets its next version. 400 `invalid`, `empty_file`, `unsupported_format` (none of the three
        formats), `too_large` (Fountain past SLATE_SCRIPT_MAX_LINES); 403 for a viewer; 413 `too_large`.
        """
        check_request_size(request, limit_bytes=settings.SLATE_MAX_SCRIPT_UPLOAD_BYTES, what="screenplay")
        data = ScriptUploadSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        production = data.validated_data["production"]
        require_write(user=request.user, production=production)
        script, job = services.script_upload(production=production, actor=request.user, title=data.validated_data["title"],
                                             upload=data.validated_data["file"], script=data.validated_data.get("script"))
        body = ScriptSerializer(script).data | {"job": JobSerializer(job).data}
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=ScriptVersionSerializer(many=True))
    @extend_schema(methods=["POST"], request=ScriptVersionCreateSerializer, responses={202: JobSerializer})
    @action(detail=True, methods=["get", "post"], parser_classes=[parsers.JSONParser])
    def versions(self, request, pk=None):
        """`GET`: the script's versions, oldest first, paginated; without text (`GET /api/script-versions/{id}/` has it).

        `POST {text, summary?, parent?}`: save an edit as the next version (source `edit`). Answers
        202 with the `script.edit` job that saves it (its `result` then names the version:
        `script_version_id`, `version`, `scene_count`, `character_count`); the version's `changes`
        counts the scenes added, removed, moved and changed, and the crew's scenes are kept and
        matched as for an upload. Checked at once: 400 `empty_text`, `not_fountain`, `invalid`,
        `too_large` (past SLATE_SCRIPT_MAX_LINES); 403 for a viewer; 409 `conflict` (with the
        latest version in `extra.current`) when `parent` is no longer the latest version; 413
        `too_large` past SLATE_MAX_SCRIPT_UPLOAD_BYTES. The job fails, saving nothing, when a
        version was added meanwhile or the text is past another screenplay limit
        (SLATE_SCRIPT_MAX_ELEMENTS, _SCENES, _PAGES).
        """
        script = self.get_object()
        if request.method == "POST":
            require_write(user=request.user, production=script.production)
            check_request_size(request, limit_bytes=settings.SLATE_MAX_SCRIPT_UPLOAD_BYTES, what="screenplay")
            data = ScriptVersionCreateSerializer(data=request.data, context={"request": request})
            data.is_valid(raise_exception=True)
            job = services.script_edit_start(script=script, actor=request.user, text=data.validated_data["text"],
                                             summary=data.validated_data["summary"], parent=data.validated_data["parent"])
            return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)
        page = self.paginate_queryset(selectors.script_version_list(user=request.user, script=script))
        return self.get_paginated_response(ScriptVersionSerializer(page, many=True).data)

    @extend_schema(parameters=[OpenApiParameter("from", int, description="Older version number (default: the one `to` was made from; 0: empty)"),
                               OpenApiParameter("to", int, description="Newer version number (default: the latest)")],
                   responses={200: ScriptDiffSerializer, 202: JobSerializer})
    @action(detail=True, methods=["get"])
    def diff(self, request, pk=None):
        """`GET ?from=<n>&to=<m>`: what changed between two versions, scene by scene, with a line diff per scene.

        200 `{"from", "to", "scenes": [...], "summary": {"added", "removed", "moved", "changed", "unchanged"}}`
        (see ScriptDiffSceneSerializer) when the diff is kept or the texts are small; else 202 with the
        `script.render` job that makes it (ask again once it succeeded; a failed job's `error` says why).
        400 `invalid` for a number that is not a whole number, `too_large` for small text past a screenplay
        limit; 404 for a version the script lacks.
        """
        script = self.get_object()
        older, newer = selectors.script_version_pair(script=script, from_number=_number_param(request, "from"),
                                                     to_number=_number_param(request, "to"))
        outcome = services.script_render_get(version=newer, kind=RenderKind.DIFF, older=older, actor=request.user)
        return render_response(outcome, content_type="application/json")

    @extend_schema(request=ScriptLockSerializer, responses=ScriptSerializer)
    @action(detail=True, methods=["post"], parser_classes=[parsers.JSONParser])
    def lock(self, request, pk=None):
        """`POST {version, number?}`: lock the script's pages (and scene numbers) at version `number` (default: the latest).

        That version becomes the white script: its page numbers never change, and each later version
        prints as revision pages (blue, pink...; `GET /api/script-versions/{id}/export.pdf?revision=pages`).
        Answers the script; publishes `script.updated`. 400 `invalid` for a version the script lacks;
        403 unless the user is the production's owner or a producer; 409 `conflict` when `version` is stale.
        """
        return self._locking(request, lock=True)

    @extend_schema(request=ScriptLockSerializer, responses=ScriptSerializer)
    @action(detail=True, methods=["post"], parser_classes=[parsers.JSONParser])
    def unlock(self, request, pk=None):
        """`POST {version}`: unlock the script's pages (versions print with plain page numbers again; scene numbers stay locked).

        Answers the script; publishes `script.updated`. 403 unless owner or producer; 409 `conflict` when `version` is stale.
        """
        return self._locking(request, lock=False)

    def _locking(self, request, *, lock: bool):
        script = self.get_object()
        require_manager(user=request.user, production=script.production_id)
        data = ScriptLockSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if lock:
            script = services.script_lock(script=script, actor=request.user, version=data.validated_data["version"],
                                          number=data.validated_data["number"])
        else:
            script = services.script_unlock(script=script, actor=request.user, version=data.validated_data["version"])
        return Response(ScriptSerializer(script).data)


def _number_param(request, name: str) -> int | None:
    """A version number from the query (`?from=`, `?to=`): None when absent, else 0 to 2^63-1 (400 `invalid` otherwise)."""
    raw = request.query_params.get(name, "").strip()
    return parse_int(raw, name=name, minimum=0) if raw else None


class ScriptVersionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Script versions of the user's productions; the detail includes the Fountain `text`."""

    filterset_fields = ["production", "script"]

    def get_queryset(self):
        """Versions of the user's productions only (other ids answer 404); the list leaves the text unread."""
        if self.action == "retrieve":
            return scope_to_user(ScriptVersion.objects.select_related("created_by"), user=self.request.user)
        return selectors.script_version_list(user=self.request.user)

    def get_serializer_class(self):
        """The detail (`retrieve`) includes the Fountain `text`; the list leaves it out."""
        return ScriptVersionDetailSerializer if self.action == "retrieve" else ScriptVersionSerializer

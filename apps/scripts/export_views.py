"""REST: download a screenplay version as Fountain text or as a PDF (members of its production only).

Both are made once and kept (`apps.scripts.services.renders`): a request gets the kept file, or
the result made at once for a small text, or 202 with the `script.render` job that makes it.
"""
from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.errors import NotFoundError
from apps.core.files import StreamedFileResponse
from apps.jobs.serializers import JobSerializer
from apps.productions.selectors import scope_to_user
from apps.scripts import export
from apps.scripts.models import RenderKind, ScriptVersion
from apps.scripts.services.renders import Outcome, script_render_get


def _version(*, user, pk: int) -> ScriptVersion:
    """The version if `user` is a member of its production, its text left unread (a render may not need it); NotFoundError (404) otherwise."""
    version = scope_to_user(ScriptVersion.objects.select_related("script").defer("text"), user=user).filter(pk=pk).first()
    if version is None:
        raise NotFoundError("Script version not found.")
    return version


def render_response(outcome: Outcome, *, content_type: str, filename: str | None = None):
    """The HTTP answer for a render: its bytes (streamed from the kept file, or made at once) with
    `content_type`, as an attachment named `filename` when given; or 202 with the job making it."""
    if outcome.job is not None:
        return Response(JobSerializer(outcome.job).data, status=status.HTTP_202_ACCEPTED)
    if outcome.render is not None:
        response = StreamedFileResponse(default_storage.open(outcome.render.file, "rb"), content_type=content_type)
        response.block_size = 1 << 16  # the ASGI handler's own chunk size, not 4 KiB: a 10 MB diff is 160 sends, not 2,500
    else:
        response = HttpResponse(outcome.content, content_type=content_type)
    if filename is not None:
        response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


_JOB = OpenApiResponse(JobSerializer, description="Not made yet: the `script.render` job that makes it; ask again once it succeeded.")


class ScriptVersionFountainExportView(APIView):
    """`GET /api/script-versions/{id}/export.fountain`: the version as canonical Fountain text.

    200 text/plain; charset=utf-8, as an attachment named "<script title> v<N>.fountain"; 202 with
    the job that makes it when it is not made yet (a text over SLATE_SCRIPT_INLINE_MAX_BYTES);
    400 `too_large` for text past a screenplay limit; 404 `not_found` when the version does not
    exist or is in another production.
    """

    error_statuses = {"get": (400,)}

    @extend_schema(responses={(200, "text/plain"): OpenApiResponse(OpenApiTypes.STR), 202: _JOB})
    def get(self, request, pk: int):
        version = _version(user=request.user, pk=pk)
        outcome = script_render_get(version=version, kind=RenderKind.FOUNTAIN, actor=request.user)
        return render_response(outcome, content_type="text/plain; charset=utf-8", filename=export.export_filename(version, "fountain"))


class ScriptVersionPdfExportView(APIView):
    """`GET /api/script-versions/{id}/export.pdf`: the version printed in the standard screenplay format.

    200 application/pdf, as an attachment named "<script title> v<N>.pdf"; 202 with the job that
    makes it when it is not made yet (a text over SLATE_SCRIPT_INLINE_MAX_BYTES); 400 `too_large`
    past a screenplay limit (SLATE_SCRIPT_MAX_PAGES...); 404 `not_found` when the version does not
    exist or is in another production.
    """

    error_statuses = {"get": (400,)}

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY), 202: _JOB})
    def get(self, request, pk: int):
        version = _version(user=request.user, pk=pk)
        outcome = script_render_get(version=version, kind=RenderKind.PDF, actor=request.user)
        return render_response(outcome, content_type="application/pdf", filename=export.export_filename(version, "pdf"))

"""REST: download a screenplay version as Fountain text, a Final Draft file or a PDF (members of its production only).

Each is made once and kept (`apps.scripts.services.renders`): a request gets the kept file, or
the result made at once for a small text, or 202 with the `script.render` job that makes it.
"""
from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.audit.services import audit_export
from apps.core.errors import ApplicationError, NotFoundError
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


class _ExportView(APIView):
    """A version's export of one render kind (`kind`), served as `content_type` under "<title> v<N>.<extension>"."""

    error_statuses = {"get": (400,)}
    kind: str
    content_type: str
    extension: str

    def get(self, request, pk: int):
        version = _version(user=request.user, pk=pk)
        outcome = script_render_get(version=version, kind=self.kind, actor=request.user)
        response = render_response(outcome, content_type=self.content_type, filename=export.export_filename(version, self.extension))
        audit_export(request, response, production=version.script.production_id, export=f"script_{self.extension}", script_version=version.pk)
        return response


@extend_schema_view(get=extend_schema(responses={(200, "text/plain"): OpenApiResponse(OpenApiTypes.STR), 202: _JOB}))
class ScriptVersionFountainExportView(_ExportView):
    """`GET /api/script-versions/{id}/export.fountain`: the version as canonical Fountain text.

    200 text/plain; charset=utf-8, as an attachment named "<script title> v<N>.fountain"; 202 with
    the job that makes it when it is not made yet (a text over SLATE_SCRIPT_INLINE_MAX_BYTES);
    400 `too_large` for text past a screenplay limit; 404 `not_found` when the version does not
    exist or is in another production.
    """

    kind, content_type, extension = RenderKind.FOUNTAIN, "text/plain; charset=utf-8", "fountain"


@extend_schema_view(get=extend_schema(responses={(200, "application/xml"): OpenApiResponse(OpenApiTypes.BINARY), 202: _JOB}))
class ScriptVersionFdxExportView(_ExportView):
    """`GET /api/script-versions/{id}/export.fdx`: the version as a Final Draft file (apps.scripts.fdx.to_fdx).

    200 application/xml, as an attachment named "<script title> v<N>.fdx"; 202 with the job that
    makes it when it is not made yet (a text over SLATE_SCRIPT_INLINE_MAX_BYTES); 400 `too_large`
    for text past a screenplay limit; 404 `not_found` when the version does not exist or is in
    another production.
    """

    kind, content_type, extension = RenderKind.FDX, "application/xml", "fdx"


# ?revision= → the render, and what its download name says.
_REVISION_RENDERS = {"pages": (RenderKind.REVISION, "revision pages"), "full": (RenderKind.REVISED, "revised")}


class ScriptVersionPdfExportView(APIView):
    """`GET /api/script-versions/{id}/export.pdf`: the version printed in the standard screenplay format.

    `?notes=1`: with the writer's [[notes]] printed where they stand, in italics (a reading copy; the
    trade prints scripts without them, the default). `?revision=pages`: once the script's pages are locked, only the pages this version changed, as
    revision pages (locked page numbers such as 12A, the revision's colour and date in the header,
    an asterisk by each changed line); `?revision=full`: the whole revised script with locked page
    numbers, each page headed by the revision that last changed it (see apps.scripts.revision_pages).

    200 application/pdf, as an attachment named "<script title> v<N>.pdf" ("... v<N> revision
    pages.pdf", "... v<N> revised.pdf"); 202 with the job that makes it when it is not made yet (a
    text over SLATE_SCRIPT_INLINE_MAX_BYTES; for revisions, the locked text and every later one's);
    400 `too_large` past a screenplay limit (SLATE_SCRIPT_MAX_PAGES...), `invalid` for another
    `revision`, `not_locked` (the pages are not locked), `before_lock` (a version older than the
    lock), `no_revision` (revision pages of the locked version itself), `no_changes` (it changes no
    printed page); 404 `not_found` when the version does not exist or is in another production.
    """

    error_statuses = {"get": (400,)}

    @extend_schema(parameters=[OpenApiParameter("revision", str, enum=sorted(_REVISION_RENDERS),
                                                description="Revision pages (`pages`) or the whole revised script (`full`) of a locked script"),
                               OpenApiParameter("notes", bool, description="Print the writer's [[notes]] (not with `revision`)")],
                   responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY), 202: _JOB})
    def get(self, request, pk: int):
        revision = request.query_params.get("revision", "")
        if revision and revision not in _REVISION_RENDERS:
            raise ApplicationError("`revision` is `pages` (revision pages) or `full` (the whole revised script).", code="invalid")
        notes = request.query_params.get("notes", "")
        if notes not in ("", "0", "1", "true", "false") or (revision and notes in ("1", "true")):
            raise ApplicationError("`notes` is 1 or 0, and revision pages are printed without notes.", code="invalid")
        version = _version(user=request.user, pk=pk)
        kind, suffix = _REVISION_RENDERS.get(revision, (RenderKind.PDF_NOTES, "with notes") if notes in ("1", "true") else (RenderKind.PDF, ""))
        outcome = script_render_get(version=version, kind=kind, actor=request.user)
        response = render_response(outcome, content_type="application/pdf", filename=export.export_filename(version, "pdf", suffix=suffix))
        audit_export(request, response, production=version.script.production_id, export="script_pdf", script_version=version.pk, kind=kind)
        return response

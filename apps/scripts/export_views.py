"""REST: download a screenplay version as Fountain text or as a PDF (members of its production only)."""
from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.views import APIView

from apps.core.errors import NotFoundError
from apps.productions.selectors import scope_to_user
from apps.scripts import export
from apps.scripts.models import ScriptVersion


def _version(*, user, pk: int) -> ScriptVersion:
    """The version if `user` is a member of its production; NotFoundError (404) otherwise."""
    version = scope_to_user(ScriptVersion.objects.select_related("script"), user=user).filter(pk=pk).first()
    if version is None:
        raise NotFoundError("Script version not found.")
    return version


def _attachment(body: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


class ScriptVersionFountainExportView(APIView):
    """`GET /api/script-versions/{id}/export.fountain`: the version as canonical Fountain text.

    200 text/plain; charset=utf-8, as an attachment named "<script title> v<N>.fountain";
    404 `not_found` when the version does not exist or is in another production.
    """

    @extend_schema(responses={(200, "text/plain"): OpenApiResponse(OpenApiTypes.STR)})
    def get(self, request, pk: int):
        version = _version(user=request.user, pk=pk)
        return _attachment(export.version_fountain(version).encode("utf-8"),
                           content_type="text/plain; charset=utf-8",
                           filename=export.export_filename(version, "fountain"))


class ScriptVersionPdfExportView(APIView):
    """`GET /api/script-versions/{id}/export.pdf`: the version printed in the standard screenplay format.

    200 application/pdf, as an attachment named "<script title> v<N>.pdf"; 404 `not_found` when
    the version does not exist or is in another production.
    """

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)})
    def get(self, request, pk: int):
        version = _version(user=request.user, pk=pk)
        return _attachment(export.version_pdf(version), content_type="application/pdf",
                           filename=export.export_filename(version, "pdf"))

"""REST: clips cut from media assets at /api/clips/: list, read, delete, and stream the rendered MP4."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action

from apps.core.errors import ApplicationError
from apps.core.files import file_response, file_responses
from apps.media import services
from apps.media.models import Clip, RenditionStatus
from apps.media.serializers import ClipSerializer
from apps.productions.scoped import ProductionScopedViewSet


class ClipViewSet(ProductionScopedViewSet):
    """Clips of the user's productions (`?asset=`, `?production=`, `?status=`): read, delete, and `file/` to stream the MP4.

    Clips are cut with `POST /api/media/{id}/clips/`. DELETE removes the file too (403 for a viewer).
    """

    serializer_class = ClipSerializer
    filterset_fields = ["production", "asset", "status"]
    ordering_fields = ["created_at", "in_frame"]
    http_method_names = ["get", "delete", "head", "options"]
    error_statuses = {"file": (416,)}  # apps.core.schema: a Range past the file
    delete_service = services.clip_delete

    queryset = Clip.objects.select_related("asset")

    @extend_schema(responses=file_responses("video/mp4"))
    @action(detail=True, methods=["get"])
    def file(self, request, pk=None):
        """`GET`: the rendered MP4, honouring one `Range`; 404 `not_ready` until the render has finished."""
        clip = self.get_object()
        if clip.status != RenditionStatus.READY or not clip.file:
            raise ApplicationError(f"This clip is {clip.status}, not rendered yet.", code="not_ready", status=status.HTTP_404_NOT_FOUND)
        stem = clip.name or f"{clip.asset.original_name.rsplit('.', 1)[0]}_{clip.in_frame}-{clip.out_frame}"
        return file_response(request, clip.file.name, content_type="video/mp4", download_name=f"{stem}.mp4")

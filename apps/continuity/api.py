"""REST: continuity notes and their photos."""
from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, parsers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.continuity import services
from apps.continuity.models import ContinuityNote, ContinuityPhoto
from apps.continuity.serializers import ContinuityNoteSerializer, ContinuityPhotoSerializer, PhotoUploadSerializer
from apps.core.errors import ApplicationError
from apps.core.files import file_response, file_responses
from apps.core.uploads import check_request_size
from apps.productions.permissions import require_write
from apps.productions.scoped import ProductionScopedViewSet
from apps.productions.selectors import scope_to_user


class ContinuityNoteViewSet(ProductionScopedViewSet):
    """Continuity notes of the user's productions; `POST .../{id}/photos/` adds a photo."""

    serializer_class = ContinuityNoteSerializer
    filterset_fields = ["production", "scene", "shot", "take", "category", "flagged"]
    search_fields = ["body"]
    ordering_fields = ["created_at", "category"]
    create_service = services.continuity_note_create
    update_service = services.continuity_note_update
    delete_service = services.continuity_note_delete

    queryset = ContinuityNote.objects.select_related("author").prefetch_related("photos", "mentions")

    @extend_schema(request={"multipart/form-data": PhotoUploadSerializer}, responses={201: ContinuityPhotoSerializer})
    @action(detail=True, methods=["post"], parser_classes=[parsers.MultiPartParser])
    def photos(self, request, pk=None):
        """Add a photo to the note: `POST` multipart with `file` (at most SLATE_MAX_PHOTO_UPLOAD_BYTES, 25 MiB by default).

        Answers 201 with the photo. 400 `invalid` (no file), `empty_file` or `not_an_image`; 403 for a
        viewer; 404 for a note the user cannot see; 413 `too_large`.
        """
        check_request_size(request, limit_bytes=settings.SLATE_MAX_PHOTO_UPLOAD_BYTES, what="photo")
        note = self.get_object()
        require_write(user=request.user, production=note.production_id)
        upload = request.FILES.get("file")
        if upload is None:
            raise ApplicationError("Attach the photo as `file`.", code="invalid", extra={"fields": {"file": ["No file was sent."]}})
        photo = services.continuity_photo_add(note=note, actor=request.user, upload=upload)
        return Response(ContinuityPhotoSerializer(photo).data, status=status.HTTP_201_CREATED)


class ContinuityPhotoViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Continuity photos; `GET .../{id}/file/` streams the image to members."""

    serializer_class = ContinuityPhotoSerializer
    filterset_fields = ["production", "note"]
    error_statuses = {"file": (416,)}  # apps.core.schema: a Range past the file

    def get_queryset(self):
        """Photos of the user's productions only (other ids answer 404)."""
        return scope_to_user(ContinuityPhoto.objects.all(), user=self.request.user)

    def perform_destroy(self, instance):
        """Remove the photo from its note (the file goes after commit); raises 403 for a viewer."""
        require_write(user=self.request.user, production=instance.production_id)
        services.continuity_photo_delete(instance=instance, actor=self.request.user)

    @extend_schema(responses=file_responses("image/jpeg", "image/png", "image/webp"))
    @action(detail=True, methods=["get"])
    def file(self, request, pk=None):
        """`GET`: the image itself (JPEG, PNG or WebP), honouring one `Range: bytes=a-b`.

        404 for a photo the user cannot see or a file missing from storage.
        """
        photo = self.get_object()
        content_type = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}.get(photo.file.name.rsplit(".", 1)[-1], "application/octet-stream")
        return file_response(request, photo.file.name, content_type=content_type, download_name=photo.original_name)

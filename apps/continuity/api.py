"""REST: continuity notes and their photos."""
from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.continuity import services
from apps.continuity.models import ContinuityNote, ContinuityPhoto
from apps.core.api import ProductionScopedViewSet, ScopedPrimaryKeyRelatedField
from apps.core.errors import ApplicationError
from apps.core.files import file_response
from apps.core.uploads import check_request_size
from apps.productions.permissions import require_write
from apps.productions.selectors import scope_to_user
from apps.scenes.models import Scene, Shot, Take


class ContinuityPhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ContinuityPhoto
        fields = ["id", "production", "note", "url", "original_name", "width", "height", "size_bytes", "uploaded_by", "created_at"]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        return f"/api/continuity-photos/{obj.pk}/file/"


class ContinuityNoteSerializer(serializers.ModelSerializer):
    scene = ScopedPrimaryKeyRelatedField(queryset=Scene.objects.all())
    shot = ScopedPrimaryKeyRelatedField(queryset=Shot.objects.all(), required=False, allow_null=True)
    take = ScopedPrimaryKeyRelatedField(queryset=Take.objects.all(), required=False, allow_null=True)
    photos = ContinuityPhotoSerializer(many=True, read_only=True)
    author_name = serializers.CharField(source="author.display_name", read_only=True, allow_null=True)  # not `default`: DRF skips defaults in PATCH responses

    class Meta:
        model = ContinuityNote
        fields = ["id", "production", "scene", "shot", "take", "category", "body", "flagged", "author", "author_name", "photos",
                  "version", "created_at", "updated_at"]
        read_only_fields = ["id", "production", "author", "author_name", "photos", "version", "created_at", "updated_at"]


class PhotoUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="JPEG, PNG or WebP.")


class ContinuityNoteViewSet(ProductionScopedViewSet):
    """Continuity notes of the user's productions; `POST .../{id}/photos/` adds a photo."""

    serializer_class = ContinuityNoteSerializer
    filterset_fields = ["production", "scene", "shot", "take", "category", "flagged"]
    search_fields = ["body"]
    ordering_fields = ["created_at", "category"]
    create_service = services.continuity_note_create
    update_service = services.continuity_note_update
    delete_service = services.continuity_note_delete

    queryset = ContinuityNote.objects.select_related("author").prefetch_related("photos")

    @extend_schema(request={"multipart/form-data": PhotoUploadSerializer}, responses={201: ContinuityPhotoSerializer})
    @action(detail=True, methods=["post"], parser_classes=[parsers.MultiPartParser])
    def photos(self, request, pk=None):
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

    def get_queryset(self):
        return scope_to_user(ContinuityPhoto.objects.all(), user=self.request.user)

    def perform_destroy(self, instance):
        require_write(user=self.request.user, production=instance.production_id)
        services.continuity_photo_delete(instance=instance, actor=self.request.user)

    @extend_schema(responses={(200, "image/*"): bytes})
    @action(detail=True, methods=["get"])
    def file(self, request, pk=None):
        photo = self.get_object()
        content_type = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}.get(photo.file.name.rsplit(".", 1)[-1], "application/octet-stream")
        return file_response(request, photo.file.name, content_type=content_type, download_name=photo.original_name)

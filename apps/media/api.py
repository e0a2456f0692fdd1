"""REST: dailies (media assets), their renditions and processing jobs."""
from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import parsers, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api import ProductionScopedViewSet, ScopedPrimaryKeyRelatedField
from apps.core.errors import ApplicationError, NotFoundError
from apps.core.files import file_response
from apps.core.uploads import check_request_size
from apps.jobs.api import JobSerializer
from apps.media import services
from apps.media.models import MediaAsset, MediaKind, RenditionKind
from apps.productions.models import Production
from apps.productions.permissions import require_write
from apps.scenes.models import Take

# Content types of stills (kind image) by their stored `format_name`; clips' originals stay octet-stream.
IMAGE_CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}


class RenditionSerializer(serializers.Serializer):
    """A file made from a clip: `kind` (poster/proxy), `url` that streams it, `content_type`, `size_bytes` (bytes).

    `width` and `height` are in pixels, null when unknown. All read-only.
    """

    kind = serializers.CharField()
    url = serializers.SerializerMethodField()
    content_type = serializers.CharField()
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    size_bytes = serializers.IntegerField()

    def get_url(self, obj) -> str:
        """The members-only URL that streams the rendition: `/api/media/{asset id}/renditions/{kind}/`."""
        return f"/api/media/{obj.asset_id}/renditions/{obj.kind}/"


class MediaAssetSerializer(serializers.ModelSerializer):
    """A clip of dailies and what ffprobe read from it; only `take` (the take it is of) can change after upload.

    Units: `duration_s` seconds, `frame_rate` exact rational text ("24000/1001") and `frame_rate_fps`
    its float, `frame_count` and `timecode_start_frames` frames, `start_timecode` SMPTE HH:MM:SS:FF,
    `width`/`height` pixels, `size_bytes` bytes. Everything but `production` and `take` is read-only.
    Stills (`kind` image, e.g. storyboard frames) have a `shot`, a `generation` dict (prompt, seed,
    model...), a JPEG `poster` rendition, and `original_url` streaming the image itself.
    """

    production = ScopedPrimaryKeyRelatedField(queryset=Production.objects.all())
    take = ScopedPrimaryKeyRelatedField(queryset=Take.objects.all(), required=False, allow_null=True)
    renditions = RenditionSerializer(many=True, read_only=True)
    frame_count = serializers.IntegerField(read_only=True, allow_null=True)
    timecode_start_frames = serializers.IntegerField(read_only=True)
    original_url = serializers.SerializerMethodField()

    class Meta:
        model = MediaAsset
        fields = ["id", "production", "take", "original_name", "size_bytes", "status", "error", "format_name", "duration_s",
                  "frame_rate", "frame_rate_fps", "frame_count", "width", "height", "video_codec", "audio_codec", "audio_channels",
                  "start_timecode", "timecode_start_frames", "reel_name", "job", "renditions", "uploaded_by", "version",
                  "created_at", "updated_at", "kind", "shot", "generation", "original_url"]
        read_only_fields = [f for f in fields if f not in ("production", "take")]

    def get_original_url(self, obj) -> str:
        """The members-only URL of the file as stored: `/api/media/{id}/original/` (an image's own type for stills)."""
        return f"/api/media/{obj.pk}/original/"


class MediaUploadSerializer(serializers.Serializer):
    """Clip upload body (multipart/form-data): `production`, `file` (a video, judged by its content), optional `take`."""

    production = ScopedPrimaryKeyRelatedField(queryset=Production.objects.all())
    # Empty files reach the service, which answers them with code `empty_file`.
    file = serializers.FileField(allow_empty_file=True, help_text="A video file; judged by its content (ffprobe).")
    take = ScopedPrimaryKeyRelatedField(queryset=Take.objects.all(), required=False, allow_null=True)


class MediaUploadResponseSerializer(MediaAssetSerializer):
    """The answer to an upload: the media asset, with its processing `job` in full instead of its id."""

    job = JobSerializer(read_only=True)


class MediaAssetViewSet(ProductionScopedViewSet):
    """Dailies of the user's productions. `POST` (multipart: production, file, take?) uploads a clip and
    answers 201 with the asset and its processing `job`; renditions stream from `.../renditions/{kind}/`."""

    serializer_class = MediaAssetSerializer
    filterset_fields = ["production", "take", "status", "take__shot", "take__shot__scene", "kind", "shot", "shot__scene"]
    search_fields = ["original_name", "reel_name"]
    ordering_fields = ["created_at", "original_name", "duration_s"]
    parser_classes = [parsers.JSONParser, parsers.MultiPartParser]
    update_service = services.media_asset_update
    delete_service = services.media_asset_delete

    queryset = MediaAsset.objects.prefetch_related("renditions")

    @extend_schema(request={"multipart/form-data": MediaUploadSerializer}, responses={201: MediaUploadResponseSerializer})
    def create(self, request, *args, **kwargs):
        """Upload a clip: `POST` multipart with `production`, `file`, optional `take` (at most SLATE_MAX_MEDIA_UPLOAD_BYTES, 4 GiB by default).

        Answers 201 with the asset (status `uploaded`) and the `job` that makes its poster frame and web
        proxy. 400 `invalid`, `empty_file` or `not_a_video`; 403 for a viewer; 413 `too_large`.
        """
        check_request_size(request, limit_bytes=settings.SLATE_MAX_MEDIA_UPLOAD_BYTES, what="clip")
        data = MediaUploadSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        production = data.validated_data["production"]
        require_write(user=request.user, production=production)
        asset = services.media_asset_upload(production=production, actor=request.user, upload=data.validated_data["file"],
                                            take=data.validated_data.get("take"))
        return Response(MediaUploadResponseSerializer(asset).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"], url_path=r"renditions/(?P<kind>[a-z]+)")
    def rendition(self, request, pk=None, kind=None):
        """`GET .../renditions/{kind}/`: the poster frame (JPEG) or web proxy (MP4), honouring one `Range` so video can seek.

        400 `invalid` for an unknown kind; 404 when the clip has no such rendition yet.
        """
        asset = self.get_object()
        if kind not in RenditionKind.values:
            raise ApplicationError(f"Unknown rendition {kind!r}; choose one of {', '.join(RenditionKind.values)}.", code="invalid")
        rendition = next((r for r in asset.renditions.all() if r.kind == kind), None)
        if rendition is None:
            raise NotFoundError(f"This clip has no {kind} yet.")
        stem = asset.original_name.rsplit(".", 1)[0]
        extension = rendition.file.name.rsplit(".", 1)[-1]
        return file_response(request, rendition.file.name, content_type=rendition.content_type, download_name=f"{stem}.{kind}.{extension}")

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"])
    def original(self, request, pk=None):
        """`GET`: the uploaded camera file as it was sent (a still as its image type), honouring one `Range`; 404 when the file is missing."""
        asset = self.get_object()
        content_type = "application/octet-stream"
        if asset.kind == MediaKind.IMAGE:
            content_type = IMAGE_CONTENT_TYPES.get(asset.format_name, content_type)
        return file_response(request, asset.original.name, content_type=content_type, download_name=asset.original_name)

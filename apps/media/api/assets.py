"""REST: dailies (media assets) at /api/media/: upload, link, stream their renditions and original, versions, approval,
cutting clips and the selects reel. Every write goes through apps.media.services."""
from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import parsers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.productions.scoped import ProductionScopedViewSet
from apps.core.errors import ApplicationError
from apps.core.files import file_response, file_responses
from apps.core.uploads import check_request_size
from apps.jobs.serializers import JobSerializer
from apps.jobs.models import Job
from apps.media import services
from apps.media.models import Clip, MediaAsset, MediaKind, RenditionKind, RenditionStatus
from apps.media.serializers import (
    ApprovalSerializer,
    ClipCreateResponseSerializer,
    ClipCreateSerializer,
    ClipSerializer,
    LinkSuggestionSerializer,
    MediaAssetSerializer,
    MediaUploadResponseSerializer,
    MediaUploadSerializer,
    SelectsReelResponseSerializer,
    SelectsReelSerializer,
)
from apps.productions.permissions import require_write

# Content types of stills (kind image) by their stored `format_name`; clips' originals stay octet-stream.
IMAGE_CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}


class MediaAssetViewSet(ProductionScopedViewSet):
    """Dailies of the user's productions. `POST` (multipart: production, file, take?, replaces?) uploads a clip, still or card
    ZIP; `PATCH` links to scene/shot/take; renditions stream from `.../renditions/{kind}/`; clips, versions, approval and
    the selects reel are actions."""

    serializer_class = MediaAssetSerializer
    filterset_fields = ["production", "take", "status", "take__shot", "take__shot__scene", "kind", "shot", "shot__scene", "scene",
                        "approval_status", "first_version"]
    search_fields = ["original_name", "reel_name", "clip_name"]
    ordering_fields = ["created_at", "original_name", "duration_s", "recorded_at", "version_number"]
    parser_classes = [parsers.JSONParser, parsers.MultiPartParser]
    error_statuses = {"rendition": (400, 416), "original": (416,)}  # apps.core.schema: a kind that does not exist; a Range past the file
    update_service = services.media_asset_link
    delete_service = services.media_asset_delete

    queryset = MediaAsset.objects.prefetch_related("renditions")

    @extend_schema(request={"multipart/form-data": MediaUploadSerializer},
                   responses={201: MediaUploadResponseSerializer, 202: inline_serializer("CardIngest", {"job": JobSerializer()})})
    def create(self, request, *args, **kwargs):
        """Upload a clip, a still or a camera-card ZIP: multipart `production`, `file`, optional `take`, `replaces`
        (at most SLATE_MAX_MEDIA_UPLOAD_BYTES, 256 MiB by default; bigger files go through /api/uploads/).

        A clip or still: 201 with the asset (status `uploaded`) and the `job` that processes it. A ZIP:
        202 {"job"} (the card-ingest job). 400 `invalid`, `empty_file`, `not_a_video`, `zip_unsafe`;
        403 for a viewer; 413 `too_large`.
        """
        check_request_size(request, limit_bytes=settings.SLATE_MAX_MEDIA_UPLOAD_BYTES, what="clip")
        data = MediaUploadSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        production = data.validated_data["production"]
        require_write(user=request.user, production=production)
        made = services.media_upload(production=production, actor=request.user, upload=data.validated_data["file"],
                                     take=data.validated_data.get("take"), replaces=data.validated_data.get("replaces"))
        if isinstance(made, Job):
            return Response({"job": JobSerializer(made).data}, status=status.HTTP_202_ACCEPTED)
        return Response(MediaUploadResponseSerializer(made).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=file_responses("image/jpeg", "image/png", "video/mp4"))
    @action(detail=True, methods=["get"], url_path=r"renditions/(?P<kind>[a-z]+)")
    def rendition(self, request, pk=None, kind=None):
        """`GET .../renditions/{kind}/`: the poster (JPEG), proxy (MP4), filmstrip (JPEG) or waveform (PNG), honouring one `Range`.

        400 `invalid` for an unknown kind; 404 `not_ready` while the rendition is not (or not yet) ready.
        """
        asset = self.get_object()
        if kind not in RenditionKind.values:
            raise ApplicationError(f"Unknown rendition {kind!r}; choose one of {', '.join(RenditionKind.values)}.", code="invalid")
        rendition = next((r for r in asset.renditions.all() if r.kind == kind), None)
        if rendition is None or rendition.status != RenditionStatus.READY or not rendition.file:
            state = "is not made yet" if rendition is None else f"is {rendition.status}"
            raise ApplicationError(f"This clip's {kind} {state}.", code="not_ready", status=status.HTTP_404_NOT_FOUND)
        stem = asset.original_name.rsplit(".", 1)[0]
        extension = rendition.file.name.rsplit(".", 1)[-1]
        return file_response(request, rendition.file.name, content_type=rendition.content_type, download_name=f"{stem}.{kind}.{extension}")

    @extend_schema(responses=file_responses("application/octet-stream", "video/mp4", *IMAGE_CONTENT_TYPES.values()))
    @action(detail=True, methods=["get"])
    def original(self, request, pk=None):
        """`GET`: the uploaded camera file as it was sent (a still as its image type), honouring one `Range`; 404 when the file is missing."""
        asset = self.get_object()
        content_type = "video/mp4" if asset.kind == MediaKind.REEL else "application/octet-stream"
        if asset.kind == MediaKind.IMAGE:
            content_type = IMAGE_CONTENT_TYPES.get(asset.format_name, content_type)
        return file_response(request, asset.original.name, content_type=content_type, download_name=asset.original_name)

    @extend_schema(request=LinkSuggestionSerializer, responses={200: MediaAssetSerializer})
    @action(detail=True, methods=["post"], url_path="apply-link-suggestion")
    def apply_link_suggestion(self, request, pk=None):
        """`POST {version}`: link the asset where its `link_suggestion` says, creating the missing shot/take.

        400 `no_suggestion`, `scene_not_found`, `invalid` without a version; 403 for a viewer; 409 when stale.
        """
        asset = self.get_object()
        require_write(user=request.user, production=asset.production)
        body = LinkSuggestionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        asset = services.media_asset_apply_link_suggestion(instance=asset, actor=request.user, version=body.validated_data["version"])
        return Response(MediaAssetSerializer(asset).data)

    @extend_schema(responses={200: MediaAssetSerializer(many=True)})
    @action(detail=True, methods=["get"], filter_backends=[])
    def versions(self, request, pk=None):
        """`GET`: every version of this asset's lineage (v1, v2, ...) ordered by `version_number`, paginated like every list."""
        asset = self.get_object()
        page = self.paginate_queryset(services.media_asset_versions(asset=asset))
        return self.get_paginated_response(MediaAssetSerializer(page, many=True).data)

    @extend_schema(request=ApprovalSerializer, responses={200: MediaAssetSerializer})
    @action(detail=True, methods=["post"])
    def approval(self, request, pk=None):
        """`POST {status: pending|approved|changes_requested, note?}`: the verdict on this version, with who and when; 403 for a viewer."""
        asset = self.get_object()
        require_write(user=request.user, production=asset.production)
        body = ApprovalSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        asset = services.media_asset_set_approval(instance=asset, actor=request.user, **body.validated_data)
        return Response(MediaAssetSerializer(asset).data)

    @extend_schema(request=ClipCreateSerializer, responses={200: ClipSerializer(many=True), 201: ClipCreateResponseSerializer})
    @action(detail=True, methods=["get", "post"], url_path="clips", filter_backends=[])
    def clip_list_create(self, request, pk=None):
        """`GET`: the asset's clips by in point, paginated like every list. `POST {in, out, name?}` (frames or SMPTE,
        out exclusive): cut a clip and start its render job.

        201 with the clip and its `job`; 400 `out_of_range`, `invalid_timecode`; 403 for a viewer; 409 `not_ready`.
        """
        asset = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(Clip.objects.filter(asset=asset).select_related("asset"))
            return self.get_paginated_response(ClipSerializer(page, many=True).data)
        require_write(user=request.user, production=asset.production)
        body = ClipCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        clip = services.clip_create(asset=asset, actor=request.user, in_point=body.validated_data["in"],
                                 out_point=body.validated_data["out"], name=body.validated_data["name"])
        return Response(ClipCreateResponseSerializer(clip).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SelectsReelSerializer, responses={201: SelectsReelResponseSerializer})
    @action(detail=False, methods=["post"], url_path="selects-reel")
    def selects_reel(self, request):
        """`POST {production, date}`: render the shoot day's circled takes into one reel asset (kind `reel`).

        201 {"asset", "job"}; 400 `no_selects` when no circled take of that day has a ready proxy; 403 for a viewer.
        """
        body = SelectsReelSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        production = body.validated_data["production"]
        require_write(user=request.user, production=production)
        reel = services.selects_reel_create(production=production, actor=request.user, date=body.validated_data["date"])
        return Response({"asset": MediaAssetSerializer(reel).data, "job": JobSerializer(reel.job).data}, status=status.HTTP_201_CREATED)

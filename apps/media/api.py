"""REST: dailies (media assets), their renditions and processing jobs."""
from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import parsers, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.productions.scoped import ProductionScopedViewSet, ScopedPrimaryKeyRelatedField
from apps.core.errors import ApplicationError
from apps.core.files import file_response, file_responses
from apps.core.integers import IntegerField
from apps.core.uploads import check_request_size
from apps.jobs.api import JobSerializer
from apps.jobs.models import Job
from apps.media import clips, reels, review, services
from apps.media.clips import asset_drop_frame
from apps.media.models import ApprovalStatus, Clip, MediaAsset, MediaKind, RenditionKind, RenditionStatus
from apps.media.timecode import format_timecode
from apps.productions.models import Production
from apps.productions.permissions import require_write
from apps.scenes.models import Scene, Shot, Take

# Content types of stills (kind image) by their stored `format_name`; clips' originals stay octet-stream.
IMAGE_CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}


class RenditionSerializer(serializers.Serializer):
    """A file made from a clip, with its own status: `kind` (poster/proxy/filmstrip/waveform), `status`
    (pending/processing/ready/failed/skipped), `error` (why it failed or was skipped), `meta` (filmstrip
    index or waveform size, see apps.media.models.Rendition), `url` that streams it (null until ready),
    `content_type`, `width`/`height` (pixels, null when unknown), `size_bytes` (bytes). All read-only.
    """

    kind = serializers.CharField()
    status = serializers.CharField()
    error = serializers.CharField()
    meta = serializers.JSONField()
    url = serializers.SerializerMethodField()
    content_type = serializers.CharField()
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    size_bytes = serializers.IntegerField()

    def get_url(self, obj) -> str | None:
        """The members-only URL that streams the rendition, `/api/media/{asset id}/renditions/{kind}/`; null unless ready."""
        if obj.status != RenditionStatus.READY:
            return None
        return f"/api/media/{obj.asset_id}/renditions/{obj.kind}/"


class MediaAssetSerializer(serializers.ModelSerializer):
    """A clip of dailies (or a still, or a selects reel) and what ffprobe read from it; PATCH links it to a scene/shot/take.

    Every time is given in frames and as SMPTE text. Units: `duration_s` seconds, `frame_rate` exact
    rational text ("24000/1001") and `frame_rate_fps` its float, `frame_count` and
    `timecode_start_frames` frames; `start_timecode` SMPTE HH:MM:SS:FF (';' before FF when
    `drop_frame`), `end_timecode` the SMPTE of the last frame, `duration_timecode` the SMPTE of
    `frame_count` counted from 0; `width`/`height` pixels, `size_bytes` bytes, `sha256` hex of the
    original. `scene`, `shot`, `take` are writable (a take implies its shot and scene); everything
    else but `production` is read-only. Versions: `first_version` (null for v1), `version_number`;
    review: `approval_status`, `approval_by` (user id), `approval_at`, `approval_note`. Stills
    (`kind` image) and reels carry a `generation` dict; `original_url` streams the file as stored.
    """

    production = ScopedPrimaryKeyRelatedField(queryset=Production.objects.all())
    scene = ScopedPrimaryKeyRelatedField(queryset=Scene.objects.all(), required=False, allow_null=True)
    shot = ScopedPrimaryKeyRelatedField(queryset=Shot.objects.all(), required=False, allow_null=True)
    take = ScopedPrimaryKeyRelatedField(queryset=Take.objects.all(), required=False, allow_null=True)
    renditions = RenditionSerializer(many=True, read_only=True)
    frame_count = serializers.IntegerField(read_only=True, allow_null=True)
    timecode_start_frames = serializers.IntegerField(read_only=True)
    drop_frame = serializers.SerializerMethodField()
    end_timecode = serializers.SerializerMethodField()
    duration_timecode = serializers.SerializerMethodField()
    original_url = serializers.SerializerMethodField()

    class Meta:
        model = MediaAsset
        fields = ["id", "production", "kind", "scene", "shot", "take", "original_name", "size_bytes", "sha256", "status", "error",
                  "format_name", "duration_s", "frame_rate", "frame_rate_fps", "frame_count", "drop_frame", "start_timecode",
                  "timecode_start_frames", "end_timecode", "duration_timecode", "width", "height", "video_codec", "audio_codec",
                  "audio_channels", "reel_name", "clip_name", "recorded_at", "link_suggestion", "first_version", "version_number",
                  "approval_status", "approval_by", "approval_at", "approval_note", "job", "renditions", "uploaded_by", "version",
                  "created_at", "updated_at", "generation", "original_url"]
        read_only_fields = [f for f in fields if f not in ("production", "scene", "shot", "take")]

    def get_drop_frame(self, obj) -> bool:
        """True when the asset's timecode counts drop-frame (29.97/59.94 with ';')."""
        return asset_drop_frame(obj)

    def get_end_timecode(self, obj) -> str | None:
        """SMPTE timecode of the last frame (start timecode + frame_count - 1); null before probing."""
        total = obj.frame_count
        return obj.timecode_at(total - 1) if total else None

    def get_duration_timecode(self, obj) -> str | None:
        """The length as SMPTE text: frame_count counted from 00:00:00:00 (drop-frame when the asset is); null before probing."""
        total = obj.frame_count
        if total is None:
            return None
        return format_timecode(total, obj.fps, drop_frame=asset_drop_frame(obj))

    def get_original_url(self, obj) -> str:
        """The members-only URL of the file as stored: `/api/media/{id}/original/` (an image's own type for stills)."""
        return f"/api/media/{obj.pk}/original/"


class MediaUploadSerializer(serializers.Serializer):
    """Upload body (multipart/form-data): `production`, `file` (a clip, still or camera-card ZIP, judged by its content),
    optional `take` it is of and `replaces` (the asset this file is a new version of)."""

    production = ScopedPrimaryKeyRelatedField(queryset=Production.objects.all())
    # Empty files reach the service, which answers them with code `empty_file`.
    file = serializers.FileField(allow_empty_file=True, help_text="A video, still or ZIP; judged by its content (ffprobe).")
    take = ScopedPrimaryKeyRelatedField(queryset=Take.objects.all(), required=False, allow_null=True)
    replaces = ScopedPrimaryKeyRelatedField(queryset=MediaAsset.objects.all(), required=False, allow_null=True,
                                            help_text="The asset this file is a new version of (v2 of its v1...).")


class MediaUploadResponseSerializer(MediaAssetSerializer):
    """The answer to an upload: the media asset, with its processing `job` in full instead of its id."""

    job = JobSerializer(read_only=True)


class LinkSuggestionSerializer(serializers.Serializer):
    """Body of `apply-link-suggestion`: the `version` of the asset the suggestion was read from."""

    version = IntegerField(min_value=1)


class ApprovalSerializer(serializers.Serializer):
    """Body of `approval`: the verdict on this version and an optional note (at most 2,000 characters)."""

    status = serializers.ChoiceField(choices=ApprovalStatus.choices)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class SelectsReelSerializer(serializers.Serializer):
    """Body of `selects-reel`: the production and the shoot day (production-local date, YYYY-MM-DD)."""

    production = ScopedPrimaryKeyRelatedField(queryset=Production.objects.all())
    date = serializers.DateField()


class SelectsReelResponseSerializer(serializers.Serializer):
    """The answer to `selects-reel`: the new reel asset (kind `reel`) and the job that renders it."""

    asset = MediaAssetSerializer()
    job = JobSerializer()


@extend_schema_field({"oneOf": [{"type": "integer", "minimum": 0}, {"type": "string", "example": "01:00:02:00"}]})
class FrameOrTimecodeField(serializers.Field):
    """A point in a clip: a frame number (int, 0-based) or SMPTE timecode text ("01:00:02:00", ";" for drop-frame)."""

    def to_internal_value(self, data):
        """The int or the stripped text as given; the asset's service reads it at the asset's rate."""
        if isinstance(data, bool) or not isinstance(data, (int, str)) or (isinstance(data, str) and not data.strip()):
            raise serializers.ValidationError("A frame number or a timecode like 01:00:02:00.")
        return data.strip() if isinstance(data, str) else data

    def to_representation(self, value):
        return value


class ClipCreateSerializer(serializers.Serializer):
    """Body of `POST /api/media/{id}/clips/`: `in` (inclusive) and `out` (exclusive) as frames or SMPTE text, optional `name`."""

    locals()["in"] = FrameOrTimecodeField(help_text="First frame (inclusive): a frame number or SMPTE timecode.")  # `in` is a keyword
    out = FrameOrTimecodeField(help_text="End (exclusive): a frame number or SMPTE timecode.")
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ClipSerializer(serializers.ModelSerializer):
    """A frame range of a media asset rendered into its own MP4. All read-only.

    `in_frame` (inclusive) and `out_frame` (exclusive) are 0-based frames of the asset, `in_timecode`
    / `out_timecode` their SMPTE labels at the asset's rate (the clip's own timecode starts at
    `in_timecode`), `duration_frames` = out - in. `status` pending/processing/ready/failed with
    `error`; `url` streams the MP4 (null until ready); `size_bytes` bytes; `job` the render job.
    """

    in_timecode = serializers.SerializerMethodField()
    out_timecode = serializers.SerializerMethodField()
    duration_frames = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Clip
        fields = ["id", "production", "asset", "name", "in_frame", "out_frame", "in_timecode", "out_timecode", "duration_frames", "status",
                  "error", "url", "size_bytes", "job", "created_by", "version", "created_at", "updated_at"]
        read_only_fields = fields

    def get_in_timecode(self, obj) -> str | None:
        """SMPTE label of the in frame at the asset's rate."""
        return obj.asset.timecode_at(obj.in_frame)

    def get_out_timecode(self, obj) -> str | None:
        """SMPTE label of the out point (the first frame after the clip), as an EDL writes it."""
        return obj.asset.timecode_at(obj.out_frame)

    def get_duration_frames(self, obj) -> int:
        """Frames in the clip: out_frame - in_frame."""
        return obj.out_frame - obj.in_frame

    def get_url(self, obj) -> str | None:
        """`/api/clips/{id}/file/` once rendered, else null."""
        return f"/api/clips/{obj.pk}/file/" if obj.status == RenditionStatus.READY and obj.file else None


class ClipCreateResponseSerializer(ClipSerializer):
    """The answer to cutting a clip: the clip with its render `job` in full."""

    job = JobSerializer(read_only=True)


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
    update_service = review.media_asset_link
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
        asset = review.media_asset_apply_link_suggestion(instance=asset, actor=request.user, version=body.validated_data["version"])
        return Response(MediaAssetSerializer(asset).data)

    @extend_schema(responses={200: MediaAssetSerializer(many=True)})
    @action(detail=True, methods=["get"], filter_backends=[])
    def versions(self, request, pk=None):
        """`GET`: every version of this asset's lineage (v1, v2, ...) ordered by `version_number`, paginated like every list."""
        asset = self.get_object()
        page = self.paginate_queryset(review.media_asset_versions(asset=asset))
        return self.get_paginated_response(MediaAssetSerializer(page, many=True).data)

    @extend_schema(request=ApprovalSerializer, responses={200: MediaAssetSerializer})
    @action(detail=True, methods=["post"])
    def approval(self, request, pk=None):
        """`POST {status: pending|approved|changes_requested, note?}`: the verdict on this version, with who and when; 403 for a viewer."""
        asset = self.get_object()
        require_write(user=request.user, production=asset.production)
        body = ApprovalSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        asset = review.media_asset_set_approval(instance=asset, actor=request.user, **body.validated_data)
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
        clip = clips.clip_create(asset=asset, actor=request.user, in_point=body.validated_data["in"],
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
        reel = reels.selects_reel_create(production=production, actor=request.user, date=body.validated_data["date"])
        return Response({"asset": MediaAssetSerializer(reel).data, "job": JobSerializer(reel.job).data}, status=status.HTTP_201_CREATED)


class ClipViewSet(ProductionScopedViewSet):
    """Clips of the user's productions (`?asset=`, `?production=`, `?status=`): read, delete, and `file/` to stream the MP4.

    Clips are cut with `POST /api/media/{id}/clips/`. DELETE removes the file too (403 for a viewer).
    """

    serializer_class = ClipSerializer
    filterset_fields = ["production", "asset", "status"]
    ordering_fields = ["created_at", "in_frame"]
    http_method_names = ["get", "delete", "head", "options"]
    error_statuses = {"file": (416,)}  # apps.core.schema: a Range past the file
    delete_service = clips.clip_delete

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

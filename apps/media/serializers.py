"""Serializers of dailies: media assets, their renditions, clips and resumable uploads, and the bodies of the media actions.

Below the services and the API: `MediaAssetSerializer` and `ClipSerializer` are also the `data` of
the `media_asset` and `clip` events (registered with realtime in apps.media.apps), so they import
nothing from apps.media.services or apps.media.api.
"""
from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.integers import IntegerField
from apps.jobs.serializers import JobSerializer
from apps.media.models import ApprovalStatus, Clip, MediaAsset, RenditionStatus, Upload
from apps.media.timecode import format_timecode
from apps.productions.models import Production
from apps.productions.scoped import ScopedPrimaryKeyRelatedField
from apps.scenes.models import Scene, Shot, Take


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
        return obj.drop_frame

    def get_end_timecode(self, obj) -> str | None:
        """SMPTE timecode of the last frame (start timecode + frame_count - 1); null before probing."""
        total = obj.frame_count
        return obj.timecode_at(total - 1) if total else None

    def get_duration_timecode(self, obj) -> str | None:
        """The length as SMPTE text: frame_count counted from 00:00:00:00 (drop-frame when the asset is); null before probing."""
        total = obj.frame_count
        if total is None:
            return None
        return format_timecode(total, obj.fps, drop_frame=obj.drop_frame)

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


class UploadSerializer(serializers.ModelSerializer):
    """A resumable upload as JSON: `length`/`offset` in bytes, `state` receiving|complete|failed, the `asset`,
    card-ingest `job` or `continuity_photo` it became, `expires_at` (ISO 8601) after which an unfinished one is deleted."""

    class Meta:
        model = Upload
        fields = ["id", "production", "filename", "length", "offset", "state", "error", "asset", "job", "continuity_photo",
                  "expires_at"]
        read_only_fields = fields

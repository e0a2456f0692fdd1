"""Dailies: uploaded camera media and the renditions Slate makes of it."""
from __future__ import annotations

import uuid
from fractions import Fraction

from django.conf import settings
from django.db import models

from apps.core.models import VersionedModel, TimeStampedModel


class MediaStatus(models.TextChoices):
    """Where a clip stands in processing.

    uploaded: stored, its processing job not started yet. processing: being probed, poster frame and
    web proxy under way. ready: poster frame and proxy made. failed: unreadable, damaged or
    cancelled; `error` says why.
    """

    UPLOADED = "uploaded", "Uploaded"
    PROCESSING = "processing", "Processing"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class MediaKind(models.TextChoices):
    """What a media asset is.

    video: a clip of dailies (or any camera file), processed into a poster frame and a web proxy.
    image: a still, e.g. a storyboard frame made for a shot (apps.generation.storyboards) or a
    still from a camera card; its poster rendition is a JPEG of it, and `generation` says how an
    AI-made one was made. reel: a selects reel Slate rendered from a shoot day's circled takes
    (`generation` holds {"selects_reel": {"date", "takes": [...]}}), processed like a clip.
    """

    VIDEO = "video", "Video clip"
    IMAGE = "image", "Still image"
    REEL = "reel", "Selects reel"


class ApprovalStatus(models.TextChoices):
    """The review verdict on one version of an asset: pending until someone approves it or asks for changes."""

    PENDING = "pending", "Pending review"
    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"


class MediaAsset(VersionedModel):
    """A clip of dailies (or any camera file) uploaded to a production, with what ffprobe read from it —
    or, with `kind` image, a still such as a storyboard frame of a shot."""

    EVENT_ENTITY = "media_asset"

    production = models.ForeignKey("productions.Production", on_delete=models.CASCADE, related_name="media_assets")
    kind = models.CharField(max_length=8, choices=MediaKind.choices, default=MediaKind.VIDEO)
    scene = models.ForeignKey("scenes.Scene", null=True, blank=True, on_delete=models.SET_NULL, related_name="media_assets",
                              help_text="The scene a clip is of (set with its shot/take, or alone when only the scene is known).")
    take = models.ForeignKey("scenes.Take", null=True, blank=True, on_delete=models.SET_NULL, related_name="media_assets")
    shot = models.ForeignKey("scenes.Shot", null=True, blank=True, on_delete=models.SET_NULL, related_name="media_assets",
                             help_text="The shot a still belongs to (storyboard frames); clips link to a take instead.")
    generation = models.JSONField(default=dict, blank=True, help_text=(
        "How an AI-made still was made: {'provider': 'fal', 'model', 'prompt', 'seed', 'choices', 'request_id', 'job', 'template'}; "
        "{} for uploads."))
    original = models.FileField(upload_to="media/originals/", max_length=200)
    original_name = models.CharField(max_length=200)
    size_bytes = models.PositiveBigIntegerField(default=0)
    status = models.CharField(max_length=16, choices=MediaStatus.choices, default=MediaStatus.UPLOADED)
    error = models.TextField(blank=True)
    format_name = models.CharField(max_length=100, blank=True)
    duration_s = models.FloatField(null=True, blank=True)
    frame_rate = models.CharField(max_length=24, blank=True, help_text="Exact rational, e.g. '24000/1001'.")
    frame_rate_fps = models.FloatField(null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    video_codec = models.CharField(max_length=32, blank=True)
    audio_codec = models.CharField(max_length=32, blank=True)
    audio_channels = models.PositiveSmallIntegerField(null=True, blank=True)
    start_timecode = models.CharField(max_length=11, blank=True, help_text="SMPTE HH:MM:SS:FF (';' before FF when drop-frame).")
    reel_name = models.CharField(max_length=100, blank=True)
    clip_name = models.CharField(max_length=200, blank=True, help_text="The camera's clip name from the file's metadata, if any.")
    recorded_at = models.DateTimeField(null=True, blank=True, help_text="When the camera recorded it (the file's creation_time), if known.")
    sha256 = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the original file as stored, hex.")
    link_suggestion = models.JSONField(default=dict, blank=True, help_text=(
        "Where the file name or slate metadata says the clip belongs: {'source': 'file_name'|'metadata', 'text', "
        "'scene_number', 'shot_number', 'take_number', 'scene', 'shot', 'take'} (ids null when not found); {} when nothing matched."))
    first_version = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="later_versions",
                                      help_text="v1 of this asset when this row is v2 or later; null for v1.")
    version_number = models.PositiveSmallIntegerField(default=1, help_text="1 for v1, 2 for v2, ... of the same asset.")
    approval_status = models.CharField(max_length=20, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING)
    approval_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    approval_at = models.DateTimeField(null=True, blank=True)
    approval_note = models.TextField(blank=True, max_length=2000)
    probe = models.JSONField(default=dict, blank=True)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def fps(self) -> Fraction | None:
        """The frame rate as an exact fraction, or None before probing."""
        try:
            return Fraction(self.frame_rate) if self.frame_rate else None
        except (ValueError, ZeroDivisionError):
            return None

    @property
    def frame_count(self) -> int | None:
        """Frames in the clip (duration × frame rate, rounded), None before probing."""
        fps = self.fps
        if fps is None or self.duration_s is None:
            return None
        return int(round(self.duration_s * fps))

    @property
    def timecode_start_frames(self) -> int:
        """The start timecode as a frame count (0 when the file has none)."""
        from apps.media.timecode import parse_timecode

        fps = self.fps
        if not self.start_timecode or fps is None:
            return 0
        try:
            return parse_timecode(self.start_timecode, fps)
        except ValueError:
            return 0

    @property
    def drop_frame(self) -> bool:
        """True when the asset's timecode counts drop-frame: its start timecode has ';' and its rate is 29.97 or 59.94."""
        from apps.media.timecode import is_drop_frame_rate

        fps = self.fps
        return ";" in self.start_timecode and fps is not None and is_drop_frame_rate(fps)

    def timecode_at(self, frame: int) -> str | None:
        """SMPTE timecode of 0-based `frame` of this clip: start timecode + frame, at its frame rate."""
        from apps.media.timecode import format_timecode

        fps = self.fps
        if fps is None:
            return None
        drop = ";" in self.start_timecode
        return format_timecode(self.timecode_start_frames + frame, fps, drop_frame=drop)


class RenditionKind(models.TextChoices):
    """What Slate makes of a clip for the crew to look at.

    poster: a JPEG still from 10 % into the clip. proxy: an H.264/AAC MP4, at most
    SLATE_PROXY_MAX_WIDTH pixels wide, at the source's frame rate, that plays in a browser.
    filmstrip: a JPEG sprite sheet of small frames at even intervals, for scrubbing; its `meta`
    is the index. waveform: a PNG picture of the audio's amplitude over the clip's duration.
    """

    POSTER = "poster", "Poster frame (JPEG)"
    PROXY = "proxy", "Web proxy (H.264/AAC MP4)"
    FILMSTRIP = "filmstrip", "Scrub filmstrip (JPEG sprite sheet)"
    WAVEFORM = "waveform", "Audio waveform (PNG)"


class RenditionStatus(models.TextChoices):
    """Where one rendition stands: each has its own, so a failed waveform never blocks the proxy.

    skipped: nothing to make (e.g. a waveform of a clip without audio); `error` says why.
    """

    PENDING = "pending", "Pending"
    PROCESSING = "processing", "Processing"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"


class Rendition(TimeStampedModel):
    """A file Slate made from a media asset for the crew to look at (poster, proxy, filmstrip, waveform), with its own status.

    `file` is empty until `status` is ready. `meta` holds what a viewer needs besides the file: for a
    filmstrip {"columns", "rows", "count", "tile_width", "tile_height" (pixels), "interval_s" (seconds),
    "frames": [frame of each tile, 0-based]}; for a waveform {"width", "height" (pixels), "duration_s"}.
    """

    asset = models.ForeignKey(MediaAsset, on_delete=models.CASCADE, related_name="renditions")
    kind = models.CharField(max_length=16, choices=RenditionKind.choices)
    status = models.CharField(max_length=16, choices=RenditionStatus.choices, default=RenditionStatus.READY)
    error = models.TextField(blank=True)
    meta = models.JSONField(default=dict, blank=True)
    file = models.FileField(upload_to="media/renditions/", max_length=200, blank=True)
    content_type = models.CharField(max_length=64, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["asset_id", "kind"]
        constraints = [models.UniqueConstraint(fields=["asset", "kind"], name="one_rendition_per_kind")]


class UploadState(models.TextChoices):
    """Where a resumable upload stands: receiving bytes, complete (handed to ingest), or failed (`error` says why)."""

    RECEIVING = "receiving", "Receiving"
    COMPLETE = "complete", "Complete"
    FAILED = "failed", "Failed"


class Upload(TimeStampedModel):
    """A resumable upload (tus 1.0, https://tus.io/protocols/resumable-upload) of one camera file, card ZIP or continuity photo.

    Bytes go to `path` (a generated name under the storage's `uploads/partial/`); `offset` is the last
    byte confirmed to the client, so a broken connection resumes there. When `offset` reaches `length`
    (bytes) the file is checked and ingested: a clip or still becomes a MediaAsset with its processing
    job (`asset`, `job`), a ZIP becomes a card-ingest `job`, and a photo for a continuity note (metadata
    `continuity_note`) becomes that note's `continuity_photo`. `metadata` is the client's Upload-Metadata
    (decoded); `fingerprint` identifies the client's file (a resume from another file is refused);
    `expected_sha256` (hex, optional) is checked against the whole file. An upload not finished by
    `expires_at` is deleted with its bytes by the cleanup task.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    production = models.ForeignKey("productions.Production", on_delete=models.CASCADE, related_name="uploads")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    filename = models.CharField(max_length=200)
    filetype = models.CharField(max_length=100, blank=True)
    length = models.PositiveBigIntegerField(help_text="Total size in bytes (Upload-Length).")
    offset = models.PositiveBigIntegerField(default=0, help_text="Bytes received and confirmed (Upload-Offset).")
    path = models.CharField(max_length=200, help_text="Generated storage name of the partial file.")
    metadata = models.JSONField(default=dict, blank=True)
    fingerprint = models.CharField(max_length=200, blank=True)
    expected_sha256 = models.CharField(max_length=64, blank=True)
    take = models.ForeignKey("scenes.Take", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    replaces = models.ForeignKey(MediaAsset, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 help_text="The asset this file is a new version of.")
    state = models.CharField(max_length=16, choices=UploadState.choices, default=UploadState.RECEIVING)
    error = models.TextField(blank=True)
    asset = models.ForeignKey(MediaAsset, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Only a record of what the upload became: no constraint and DO_NOTHING, so deleting notes and photos stays the
    # fast delete it was (a SET_NULL would make every photo deleted with its note a row to collect and announce).
    continuity_photo = models.ForeignKey("continuity.ContinuityPhoto", null=True, blank=True, on_delete=models.DO_NOTHING,
                                         db_constraint=False, related_name="+",
                                         help_text="The photo a continuity note's upload became (it may be deleted since).")
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "expires_at"], name="upload_state_expires")]


class Clip(VersionedModel):
    """A part of a media asset cut out for the crew: frames `in_frame` (inclusive) to `out_frame` (exclusive, as a CMX 3600
    EDL's out point), 0-based frames of the asset at its frame rate, rendered by a job into an H.264/AAC MP4 that
    keeps the source timecode (start timecode + in_frame). `status`/`error` follow RenditionStatus.
    """

    EVENT_ENTITY = "clip"

    production = models.ForeignKey("productions.Production", on_delete=models.CASCADE, related_name="clips")
    asset = models.ForeignKey(MediaAsset, on_delete=models.CASCADE, related_name="clips")
    name = models.CharField(max_length=200, blank=True)
    in_frame = models.PositiveIntegerField()
    out_frame = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=RenditionStatus.choices, default=RenditionStatus.PENDING)
    error = models.TextField(blank=True)
    file = models.FileField(upload_to="media/clips/", max_length=200, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["asset_id", "in_frame", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(out_frame__gt=models.F("in_frame")), name="clip_out_after_in",
                                              violation_error_message="A clip's out point comes after its in point.")]

    def __str__(self) -> str:
        return self.name or f"{self.asset} [{self.in_frame}, {self.out_frame})"

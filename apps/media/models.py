"""Dailies: uploaded camera media and the renditions Slate makes of it."""
from __future__ import annotations

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
    image: a still, e.g. a storyboard frame made for a shot (apps.generation.storyboards); its
    poster rendition is a JPEG of it, and `generation` says how it was made.
    """

    VIDEO = "video", "Video clip"
    IMAGE = "image", "Still image"


class MediaAsset(VersionedModel):
    """A clip of dailies (or any camera file) uploaded to a production, with what ffprobe read from it —
    or, with `kind` image, a still such as a storyboard frame of a shot."""

    EVENT_ENTITY = "media_asset"

    production = models.ForeignKey("productions.Production", on_delete=models.CASCADE, related_name="media_assets")
    kind = models.CharField(max_length=8, choices=MediaKind.choices, default=MediaKind.VIDEO)
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
    SLATE_PROXY_MAX_WIDTH pixels wide, that plays in a browser.
    """

    POSTER = "poster", "Poster frame (JPEG)"
    PROXY = "proxy", "Web proxy (H.264/AAC MP4)"


class Rendition(TimeStampedModel):
    """A file Slate made from a media asset for the crew to look at: its poster frame or web proxy."""

    asset = models.ForeignKey(MediaAsset, on_delete=models.CASCADE, related_name="renditions")
    kind = models.CharField(max_length=16, choices=RenditionKind.choices)
    file = models.FileField(upload_to="media/renditions/", max_length=200)
    content_type = models.CharField(max_length=64)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["asset_id", "kind"]
        constraints = [models.UniqueConstraint(fields=["asset", "kind"], name="one_rendition_per_kind")]

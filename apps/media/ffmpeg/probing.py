"""Probing a camera file with ffprobe: its container, first video and first audio stream, as a `ProbeResult`.

The frame rate is exact (a rational, snapped to a standard camera rate for variable-rate files),
the start timecode, reel and clip name are found wherever the camera or the muxer put them
(apps.media.timecode, apps.media.naming), and a still picture or an audio-only file is refused.
Source: ffprobe -show_format -show_streams, its JSON output.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from datetime import datetime, timezone
from fractions import Fraction
from pathlib import Path

from apps.media.ffmpeg.running import FFPROBE, MediaError, child_process_options, ToolMissing, clean_stderr, not_installed
from apps.media.naming import clip_name_from_probe, reel_name_from_probe
from apps.media.timecode import start_timecode_from_probe

PROBE_TIMEOUT_S = 120.0
# Frame rates cameras shoot at: a variable-rate clip's average is snapped to the nearest within 5 %.
_STANDARD_RATES = [Fraction(n) for n in ("24000/1001", "24", "25", "30000/1001", "30", "48", "50", "60000/1001",
                                         "60", "15", "25/2", "120", "100")]
# Before this, a creation_time is a placeholder (the 1904 QuickTime or 1970 Unix epoch), not a date.
_EARLIEST_RECORDING = datetime(1990, 1, 1, tzinfo=timezone.utc)

# Demuxers that read one still picture; ffprobe reports these as a one-frame "video".
_IMAGE_FORMATS = {"image2", "gif_pipe", "tiff_pipe", "webp_pipe", "bmp_pipe", "jpeg_pipe"}


@dataclass(frozen=True)
class ProbeResult:
    """What ffprobe says about a clip's container, first video stream and first audio stream.

    frame_rate is an exact rational ("30000/1001"), start_timecode SMPTE text ("01:00:00;00" when
    drop-frame), frame_count the video stream's frame count when the container states it,
    recorded_at an aware datetime (UTC unless the file said otherwise), raw ffprobe's JSON.
    """

    format_name: str
    duration_s: float
    width: int
    height: int
    frame_rate: str
    frame_rate_fps: float
    video_codec: str
    audio_codec: str | None
    audio_channels: int | None
    start_timecode: str | None
    reel_name: str | None
    size_bytes: int
    raw: dict = field(repr=False, compare=False)
    clip_name: str | None = None
    recorded_at: datetime | None = None
    frame_count: int | None = None

    @property
    def tags(self) -> dict[str, str]:
        """Every string tag of the container and the streams, flat (the container's win a clash)."""
        merged: dict[str, str] = {}
        for holder in [*reversed(self.raw.get("streams") or []), self.raw.get("format") or {}]:
            merged.update({k: v for k, v in (holder.get("tags") or {}).items() if isinstance(v, str)})
        return merged

    @property
    def video_duration_s(self) -> float:
        """Seconds of the first video stream by its own duration, else the container's `duration_s`."""
        video = _first_video_stream(self.raw.get("streams") or []) or {}
        return _float(video.get("duration")) or self.duration_s


def probe(path: str | Path) -> ProbeResult:
    """Return the container, video and audio properties of a clip, read with ffprobe.

    path: a local file. width/height are the coded picture size (before any rotation in the
    display matrix); frame_rate is ffprobe's r_frame_rate, or, when it disagrees with
    avg_frame_rate (variable frame rate, field rate of interlaced video), the standard rate
    nearest the average (within 5 %, else the average itself); start_timecode as
    timecode.start_timecode_from_probe finds it; reel_name and clip_name as the naming module
    reads them; recorded_at from creation_time (container, then video stream) or QuickTime's
    com.apple.quicktime.creationdate; duration_s from
    the container, else the video stream. Raises MediaError when the file is missing or empty,
    ffprobe cannot read it, it has no video stream (audio-only, cover art only), it is a still
    image, or it has no usable frame rate or duration. Source: ffprobe -show_format -show_streams.
    """
    path = Path(path)
    if not path.is_file():
        raise MediaError("the file does not exist")
    if path.stat().st_size == 0:
        raise MediaError("the file is empty")
    args = [FFPROBE, "-show_format", "-show_streams", "-of", "json", "-v", "error", str(path.resolve())]
    try:
        done = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, timeout=PROBE_TIMEOUT_S,
                              **child_process_options())
    except subprocess.TimeoutExpired:
        raise MediaError(f"ffprobe took longer than {PROBE_TIMEOUT_S:g} s") from None
    except FileNotFoundError:
        raise ToolMissing(not_installed(FFPROBE)) from None
    if done.returncode != 0:
        lines = clean_stderr(done.stderr, path)
        reason = lines[0] if lines else "unknown error"
        raise MediaError(f"ffprobe could not read the file: {reason}")
    raw = json.loads(done.stdout.decode("utf-8", "replace"))

    fmt = raw.get("format", {})
    streams = raw.get("streams", [])
    format_name = fmt.get("format_name", "")
    video = _first_video_stream(streams)
    if video is None:
        raise MediaError("no video stream in the file")
    if format_name in _IMAGE_FORMATS or format_name.endswith("_pipe"):
        raise MediaError(f"the file is a still image ({format_name}), not a video")
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)

    frame_rate = _frame_rate(video)
    if frame_rate is None:
        raise MediaError("the video stream has no frame rate")
    duration_s = _float(fmt.get("duration")) or _float(video.get("duration"))
    if not duration_s:
        raise MediaError("the duration of the file is unknown")

    frame_count = video.get("nb_frames")
    return ProbeResult(
        format_name=format_name,
        duration_s=duration_s,
        width=int(video["width"]),
        height=int(video["height"]),
        frame_rate=f"{frame_rate.numerator}/{frame_rate.denominator}",
        frame_rate_fps=float(frame_rate),
        video_codec=video.get("codec_name", "unknown"),
        audio_codec=audio.get("codec_name") if audio else None,
        audio_channels=int(audio["channels"]) if audio and audio.get("channels") else None,
        start_timecode=start_timecode_from_probe(raw, frame_rate),
        reel_name=reel_name_from_probe(raw),
        size_bytes=int(fmt.get("size") or path.stat().st_size),
        raw=raw,
        clip_name=clip_name_from_probe(raw),
        recorded_at=_recorded_at(fmt.get("tags") or {}, video.get("tags") or {}),
        frame_count=int(frame_count) if str(frame_count).isdigit() and int(frame_count) > 0 else None,
    )


def _first_video_stream(streams: list[dict]) -> dict | None:
    return next(
        (
            s for s in streams
            if s.get("codec_type") == "video" and not s.get("disposition", {}).get("attached_pic")
        ),
        None,
    )


def _frame_rate(stream: dict) -> Fraction | None:
    """r_frame_rate when it agrees with avg_frame_rate within 0.5%, else avg_frame_rate."""
    rates = []
    for key in ("r_frame_rate", "avg_frame_rate"):
        try:
            rate = Fraction(stream.get(key, "0/0"))
        except (ValueError, ZeroDivisionError):
            rate = None
        rates.append(rate if rate and rate > 0 else None)
    real, average = rates
    if real and average and abs(real - average) / average > Fraction(1, 200):
        nearest = min(_STANDARD_RATES, key=lambda rate: abs(rate - average))
        return nearest if abs(nearest - average) / average <= Fraction(1, 20) else average.limit_denominator(1001)
    return real or average


def _recorded_at(container: dict, video: dict) -> datetime | None:
    """When the camera recorded the clip, from creation_time tags; None for placeholders or junk."""
    for tags, key in ((container, "com.apple.quicktime.creationdate"), (container, "creation_time"),
                      (video, "creation_time")):
        value = tags.get(key)
        try:
            when = datetime.fromisoformat(value.strip().replace("Z", "+00:00")) if isinstance(value, str) else None
        except ValueError:
            continue
        if when is not None:
            when = when if when.tzinfo else when.replace(tzinfo=timezone.utc)
            if when >= _EARLIEST_RECORDING:
                return when
    return None


def _float(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


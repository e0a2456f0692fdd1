"""Dailies media pipeline: probe a camera file; make its poster frame, H.264 review proxy, filmstrip and waveform.

Pure Python, no Django: commands are built with ffmpeg-python's graph API and run with
subprocess so that ffmpeg's `-progress pipe:1` report can be read while it encodes. Outputs are
written to a hidden temp name next to the destination and renamed on success, so a reader never
sees a half-written file. Every failure the crew can cause (a wrong file, a truncated upload)
raises MediaError with a message meant for people, not for developers.
Only the proxy decodes the original in full (the poster seeks to one frame); the filmstrip and the
waveform are made from the finished proxy, which is smaller and cheaper to decode.
Sources: ffmpeg's docs (ffmpeg.html "Main options" -progress, ffmpeg-filters.html "scale", "fps",
"select", "tile", "showwavespic"),
ffprobe's JSON output, the ISO base media file format (ISO/IEC 14496-12) for faststart.
ffmpeg and ffprobe die with the thread that started them (Linux: PR_SET_PDEATHSIG, prctl(2)), so a
worker that is killed — SIGKILL, out of memory — never leaves an encode running.
"""

from __future__ import annotations

import ctypes
import json
import os
import queue
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from fractions import Fraction
from pathlib import Path
from typing import Callable

import ffmpeg as ffmpeg_python

from apps.media.naming import clip_name_from_probe, reel_name_from_probe
from apps.media.timecode import start_timecode_from_probe

__all__ = ["MediaError", "MediaCancelled", "ProbeResult", "probe", "make_poster", "make_proxy",
           "ffmpeg_command_for_proxy", "run_with_progress", "proxy_command", "make_filmstrip", "make_waveform", "image_size"]

FFMPEG = "ffmpeg"
FFPROBE = "ffprobe"
POSTER_TIMEOUT_S = 120.0
# Frame rates cameras shoot at: a variable-rate clip's average is snapped to the nearest within 5 %.
_STANDARD_RATES = [Fraction(n) for n in ("24000/1001", "24", "25", "30000/1001", "30", "48", "50", "60000/1001",
                                         "60", "15", "25/2", "120", "100")]
# Before this, a creation_time is a placeholder (the 1904 QuickTime or 1970 Unix epoch), not a date.
_EARLIEST_RECORDING = datetime(1990, 1, 1, tzinfo=timezone.utc)

# Demuxers that read one still picture; ffprobe reports these as a one-frame "video".
_IMAGE_FORMATS = {"image2", "gif_pipe", "tiff_pipe", "webp_pipe", "bmp_pipe", "jpeg_pipe"}
# Generic last lines of a failed ffmpeg run that say nothing about the cause.
_NOISE = ("Conversion failed!", "Exiting normally", "Error while filtering: ")
_LOG_PREFIX = re.compile(r"^\[[^\]]*@ 0x[0-9a-f]+\]\s*")


_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None


def _die_with_parent(parent_pid: int) -> None:
    """In the forked child, before exec: ask the kernel for SIGKILL when the thread that started us ends.

    The death signal survives exec. If the parent already died between fork and here, die now.
    Runs between fork and exec, so it only calls prctl and reads the parent pid (no locks, no imports).
    """
    _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:
        os.kill(os.getpid(), signal.SIGKILL)


def child_process_options() -> dict:
    """Keyword arguments for subprocess that make the child die with this process (Linux; elsewhere none).

    PR_SET_PDEATHSIG fires when the *thread* that started the child ends, so start a child from the
    thread that waits for it (as every function here does).
    """
    if _prctl is None:
        return {}
    parent = os.getpid()
    return {"preexec_fn": lambda: _die_with_parent(parent)}


class MediaError(Exception):
    """A media file could not be read or converted; str() is a readable message for the crew."""


class MediaCancelled(MediaError):
    """The caller cancelled a conversion through its progress callback."""


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
    def drop_frame(self) -> bool:
        """True when the start timecode is drop-frame ("HH:MM:SS;FF")."""
        return bool(self.start_timecode) and ";" in self.start_timecode

    @property
    def tags(self) -> dict[str, str]:
        """Every string tag of the container and the streams, flat (the container's win a clash)."""
        merged: dict[str, str] = {}
        for holder in [*reversed(self.raw.get("streams") or []), self.raw.get("format") or {}]:
            merged.update({k: v for k, v in (holder.get("tags") or {}).items() if isinstance(v, str)})
        return merged


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
        done = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, timeout=POSTER_TIMEOUT_S,
                              **child_process_options())
    except subprocess.TimeoutExpired:
        raise MediaError(f"ffprobe took longer than {POSTER_TIMEOUT_S:g} s") from None
    if done.returncode != 0:
        lines = _clean_stderr(done.stderr, path)
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


def make_poster(
    src: str | Path, dest: str | Path, *, at_s: float | None = None, max_width: int = 1280,
    info: ProbeResult | None = None,
) -> None:
    """Write a JPEG poster frame of a clip, scaled to at most max_width pixels wide.

    src: the clip; dest: the JPEG to write (replaced atomically). at_s: seconds from the start,
    default 10% of the duration, clamped to the last frame. The picture keeps the display aspect
    ratio (anamorphic pixels are squared), never upscales, and has even dimensions. info: the
    clip's probe when the caller has it (else src is probed). Only one frame is decoded (input seek).
    Raises MediaError when the clip cannot be read or ffmpeg fails. Source: ffmpeg -ss (input
    seeking is frame-accurate when transcoding), mjpeg encoder -q:v 2..31.
    """
    src, dest = Path(src), Path(dest)
    info = info or probe(src)
    video = _first_video_stream(info.raw["streams"])
    video_end_s = _float(video.get("duration")) or info.duration_s
    last_frame_s = max(0.0, video_end_s - 1.0 / info.frame_rate_fps)
    wanted_s = info.duration_s * 0.1 if at_s is None else at_s
    for seek_s in (min(max(0.0, wanted_s), last_frame_s), 0.0):

        def run(tmp: Path, seek_s: float = seek_s) -> None:
            inp = ffmpeg_python.input(str(src.resolve()), ss=f"{seek_s:.3f}")
            out = ffmpeg_python.output(
                _scaled(inp["V:0"], max_width), str(tmp.resolve()),
                **{"frames:v": 1, "c:v": "mjpeg", "q:v": 2, "f": "image2", "update": 1},
            )
            _run(_with_global_args(out.overwrite_output().compile(cmd=FFMPEG)), "the poster", src,
                 POSTER_TIMEOUT_S)

        if _write_atomically(dest, run):
            return
    raise MediaError("the poster could not be made: ffmpeg decoded no picture")


def ffmpeg_command_for_proxy(
    src: str | Path,
    dest: str | Path,
    *,
    max_width: int = 1280,
    has_audio: bool = True,
    timecode: str | None = None,
    frame_rate: str | None = None,
) -> list[str]:
    """Return the ffmpeg argv that turns a clip into a review proxy at dest.

    H.264 (libx264, yuv420p, preset veryfast, CRF 23) at the source frame rate (with frame_rate,
    e.g. "30000/1001", the fps filter makes it constant at exactly that rate, so that frame n of
    the proxy is shown at n / frame_rate s, also for variable-rate sources), scaled to at most
    max_width pixels wide (display aspect kept, never upscaled, even dimensions), interlaced
    frames deinterlaced; with has_audio, the first audio stream as AAC stereo 128 kb/s; MP4 with
    the moov box first (+faststart); with timecode ("HH:MM:SS:FF"), a tmcd track starting there
    (ffmpeg does not carry a source's timecode into MP4 by itself). The argv reports progress on
    stdout (-progress pipe:1) and only errors on stderr. Source: ffmpeg's docs, H.264 encoding
    guide (trac.ffmpeg.org/wiki/Encode/H.264).
    """
    inp = ffmpeg_python.input(str(Path(src).resolve()))
    streams = [_scaled(inp["V:0"], max_width, frame_rate=frame_rate)]
    options = {"c:v": "libx264", "pix_fmt": "yuv420p", "preset": "veryfast", "crf": 23}
    if has_audio:
        streams.append(inp["a:0"])
        options.update({"c:a": "aac", "ac": 2, "b:a": "128k"})
    if timecode:
        options["timecode"] = timecode
    options.update({"movflags": "+faststart", "f": "mp4"})
    out = ffmpeg_python.output(*streams, str(Path(dest).resolve()), **options)
    return _with_global_args(out.overwrite_output().compile(cmd=FFMPEG), progress=True)


def proxy_command(src: str | Path, dest: str | Path, info: ProbeResult, *, max_width: int = 1280) -> list[str]:
    """Return the exact argv make_proxy runs for a clip whose probe is info (for the benchmark too).

    ffmpeg_command_for_proxy with the clip's audio (if any), start timecode and frame rate
    (ProbeResult.frame_rate, kept constant).
    """
    return ffmpeg_command_for_proxy(src, dest, max_width=max_width, has_audio=info.audio_codec is not None,
                                    timecode=info.start_timecode, frame_rate=info.frame_rate)


def make_proxy(
    src: str | Path,
    dest: str | Path,
    *,
    duration_s: float,
    max_width: int = 1280,
    on_progress: Callable[[float], bool | None] | None = None,
    timeout_s: float | None = None,
    info: ProbeResult | None = None,
) -> None:
    """Encode a clip's H.264/AAC MP4 review proxy (proxy_command) to dest: the one full decode of the source.

    info: the clip's probe (audio, start timecode kept in the proxy's tmcd track, frame rate kept
    constant); without it src is probed first. duration_s: the clip's duration in seconds (ProbeResult.duration_s), for progress.
    on_progress(fraction): called about twice a second with a non-decreasing fraction 0..1,
    and with 1.0 when ffmpeg has finished; returning False stops ffmpeg and raises
    MediaCancelled. timeout_s: wall-clock limit in seconds, then MediaError. dest is replaced
    atomically; nothing is left behind on failure. Raises MediaError with ffmpeg's last error
    lines when the clip cannot be read or converted. Source: ffmpeg -progress key=value blocks.
    """
    src, dest = Path(src), Path(dest)
    info = info or probe(src)

    def run(tmp: Path) -> None:
        """Encode the proxy into `tmp`, the temporary path `_write_atomically` then renames over `dest`."""
        run_with_progress(proxy_command(src, tmp, info, max_width=max_width), src, duration_s, on_progress,
                           timeout_s)

    if not _write_atomically(dest, run):
        raise MediaError("the proxy could not be made: ffmpeg wrote no video")


def make_filmstrip(
    proxy: str | Path,
    dest: str | Path,
    *,
    frame_count: int,
    frame_rate: str,
    max_tiles: int = 100,
    tile_width: int = 160,
    max_columns: int = 10,
    timeout_s: float | None = None,
) -> dict:
    """Write a JPEG sprite sheet of small frames at even intervals of a finished proxy; return its index.

    Made from the proxy, never the original (the proxy is smaller to decode and is what the
    player shows, so tile frames are player frames). proxy: a constant-rate proxy of frame_count
    frames at frame_rate ("24/1"). Every step-th frame from frame 0 is kept, step = ceil(frame_count
    / max_tiles), scaled to tile_width pixels wide (height keeps the aspect, even), laid out left to
    right, top to bottom in at most max_columns columns; unused cells at the end are black.
    Returns the rendition meta {"columns", "rows", "count", "tile_width", "tile_height" (pixels),
    "interval_s" (seconds between tiles), "frames" (0-based proxy frame of each tile)}.
    Raises MediaError when ffmpeg fails or takes longer than timeout_s. Source: ffmpeg-filters
    "select" (n is the frame number), "scale", "tile".
    """
    proxy, dest = Path(proxy), Path(dest)
    if frame_count < 1:
        raise MediaError("the proxy has no frames")
    step = max(1, -(-frame_count // max(1, max_tiles)))
    frames = list(range(0, frame_count, step))
    columns = min(len(frames), max(1, max_columns))
    rows = -(-len(frames) // columns)
    tile_width = max(2, int(tile_width) // 2 * 2)

    def run(tmp: Path) -> None:
        video = (ffmpeg_python.input(str(proxy.resolve()))["v:0"]
                 .filter("select", f"not(mod(n,{step}))")
                 .filter("scale", tile_width, -2)
                 .filter("tile", f"{columns}x{rows}"))
        out = ffmpeg_python.output(video, str(tmp.resolve()),
                                   **{"frames:v": 1, "c:v": "mjpeg", "q:v": 3, "f": "image2", "update": 1})
        _run(_with_global_args(out.overwrite_output().compile(cmd=FFMPEG)), "the filmstrip", proxy,
             timeout_s)

    if not _write_atomically(dest, run):
        raise MediaError("the filmstrip could not be made: ffmpeg wrote no picture")
    width, height = image_size(dest)
    return {"columns": columns, "rows": rows, "count": len(frames), "tile_width": width // columns,
            "tile_height": height // rows, "interval_s": float(step / Fraction(frame_rate)), "frames": frames}


def make_waveform(proxy: str | Path, dest: str | Path, *, size: str = "1800x120", duration_s: float,
                  timeout_s: float | None = None) -> dict:
    """Write a PNG picture of a finished proxy's sound (its first audio stream, mixed to one channel).

    Made from the proxy, never the original (its AAC stereo is far less to decode than camera PCM
    or 5.1). size: "WIDTHxHEIGHT" pixels; the whole duration spans the width; transparent
    background, light grey peaks on a square-root scale (quiet dialogue stays visible). duration_s:
    the proxy's duration, returned for the index. Returns {"width", "height", "duration_s"}.
    Raises MediaError when there is no audio, ffmpeg fails or takes longer than timeout_s.
    Source: ffmpeg-filters "showwavespic", "aformat".
    """
    proxy, dest = Path(proxy), Path(dest)

    def run(tmp: Path) -> None:
        audio = (ffmpeg_python.input(str(proxy.resolve()))["a:0"]
                 .filter("aformat", channel_layouts="mono")
                 .filter("showwavespic", s=size, colors="0xd0d0d0", scale="sqrt"))
        out = ffmpeg_python.output(audio, str(tmp.resolve()), **{"frames:v": 1, "c:v": "png", "f": "image2",
                                                                  "update": 1})
        _run(_with_global_args(out.overwrite_output().compile(cmd=FFMPEG)), "the waveform", proxy, timeout_s)

    if not _write_atomically(dest, run):
        raise MediaError("the waveform could not be made: ffmpeg wrote no picture")
    width, height = image_size(dest)
    return {"width": width, "height": height, "duration_s": duration_s}


def image_size(path: str | Path) -> tuple[int, int]:
    """Return (width, height) in pixels of a picture (JPEG, PNG), read with Pillow."""
    from PIL import Image

    with Image.open(path) as image:
        return image.size


def _run(args: list[str], what: str, src: Path, timeout_s: float | None) -> None:
    """Run an ffmpeg that writes one picture; MediaError naming `what` on failure or timeout."""
    try:
        done = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout_s,
                              **child_process_options())
    except subprocess.TimeoutExpired:
        raise MediaError(f"{what} took longer than {timeout_s:g} s") from None
    if done.returncode != 0:
        raise MediaError(_failure_message(what, done.stderr, src))


def run_with_progress(args: list[str], src: str | Path, duration_s: float,
                      on_progress: Callable[[float], bool | None] | None, timeout_s: float | None,
                      *, what: str = "the proxy") -> None:
    """Run an ffmpeg argv that reports on stdout (`-progress pipe:1`), relaying its progress; kill it on cancel/timeout.

    src: the input file (its path is stripped from ffmpeg's error lines). duration_s: the output's
    expected duration in seconds, for the fraction. on_progress(fraction 0..1, non-decreasing) is
    called for each progress block and with 1.0 at the end; returning False kills ffmpeg and raises
    MediaCancelled, and an exception it raises (a job's JobCancelled) kills ffmpeg and propagates.
    timeout_s: wall-clock limit in seconds. Raises MediaError "<what> could not be made: <ffmpeg's
    last error lines>" or "<what> took longer than ...". ffmpeg is always gone when this returns.
    Source: ffmpeg.html "-progress" (key=value blocks ending in progress=continue|end).
    """
    deadline = None if timeout_s is None else time.monotonic() + timeout_s
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, errors="replace", **child_process_options())
    lines: queue.Queue[str | None] = queue.Queue()
    stderr_tail: deque[str] = deque(maxlen=50)
    readers = [
        threading.Thread(target=_pump, args=(proc.stdout, lines.put, True), daemon=True),
        threading.Thread(target=_pump, args=(proc.stderr, stderr_tail.append, False), daemon=True),
    ]
    for reader in readers:
        reader.start()
    try:
        out_time_us, reported = 0, 0.0
        while True:
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                raise MediaError(f"{what} took longer than the {timeout_s:g} s allowed")
            try:
                line = lines.get(timeout=0.5 if remaining is None else min(0.5, remaining))
            except queue.Empty:
                continue
            if line is None:  # ffmpeg closed stdout: it is exiting
                break
            key, _, value = line.strip().partition("=")
            if key in ("out_time_us", "out_time_ms") and value.lstrip("-").isdigit():
                out_time_us = int(value)  # both are microseconds (out_time_ms is misnamed)
            elif key == "progress":
                if value == "end":
                    reported = 1.0
                elif duration_s and duration_s > 0:
                    reported = max(reported, min(1.0, max(0.0, out_time_us / 1e6 / duration_s)))
                if on_progress is not None and on_progress(reported) is False:
                    raise MediaCancelled(f"{what} was cancelled")
        try:
            remaining = None if deadline is None else max(0.1, deadline - time.monotonic())
            returncode = proc.wait(timeout=remaining)
        except subprocess.TimeoutExpired:
            raise MediaError(f"{what} took longer than the {timeout_s:g} s allowed") from None
        for reader in readers:
            reader.join(timeout=5)
        if returncode != 0:
            raise MediaError(_failure_message(what, "\n".join(stderr_tail), Path(src)))
        if reported < 1.0 and on_progress is not None:
            on_progress(1.0)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _pump(stream, sink: Callable, end_with_none: bool) -> None:
    for line in stream:
        sink(line)
    stream.close()
    if end_with_none:
        sink(None)


def _write_atomically(dest: Path, write: Callable[[Path], None]) -> bool:
    """Call write(tmp) with a hidden temp path next to dest, then rename it over dest.

    Returns False (and leaves nothing behind) when write produced no or an empty file.
    """
    if not dest.parent.is_dir():
        raise MediaError(f"the folder {dest.parent} does not exist")
    tmp = dest.with_name(f".{dest.name}.{secrets.token_hex(4)}.part")
    try:
        write(tmp)
        if not tmp.is_file() or tmp.stat().st_size == 0:
            return False
        os.replace(tmp, dest)
        return True
    finally:
        tmp.unlink(missing_ok=True)


def _scaled(video, max_width: int, *, frame_rate: str | None = None):
    """Append deinterlace (+ constant frame_rate) + scale-to-fit filters to an ffmpeg-python video stream."""
    max_width = max(2, int(max_width) // 2 * 2)
    video = video.filter("yadif", mode="send_frame", deint="interlaced")
    if frame_rate:
        video = video.filter("fps", fps=frame_rate)
    return (
        video
        # trunc(x/2 + 0.001)*2: round down to even, tolerant of float error (1919.9999 -> 1920).
        .filter(
            "scale",
            w=f"max(2,2*trunc(min(iw*sar,{max_width})/2+0.001))",
            h="max(2,2*trunc(ow/dar/2+0.001))",
        )
        .filter("setsar", "1")
    )


def _with_global_args(args: list[str], *, progress: bool = False) -> list[str]:
    extra = ["-hide_banner", "-nostdin", "-loglevel", "error"]
    if progress:
        extra += ["-progress", "pipe:1", "-nostats"]
    return [args[0], *extra, *args[1:]]


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


def _clean_stderr(stderr: bytes | str | None, src: Path) -> list[str]:
    """ffmpeg's stderr as lines without "[mov,mp4 @ 0x..]" and "<path>: " prefixes or noise."""
    if isinstance(stderr, bytes):
        stderr = stderr.decode("utf-8", "replace")
    cleaned = []
    for line in (stderr or "").splitlines():
        line = _LOG_PREFIX.sub("", line.strip())
        for prefix in (str(src.resolve()), str(src)):
            if line.startswith(prefix + ": "):
                line = line[len(prefix) + 2:]
        if line and not line.startswith(_NOISE) and line not in cleaned:
            cleaned.append(line)
    return cleaned


def _failure_message(what: str, stderr: bytes | str | None, src: Path) -> str:
    lines = _clean_stderr(stderr, src)
    reason = "; ".join(lines[-3:]) if lines else "ffmpeg failed without saying why"
    return f"{what} could not be made: {reason}"

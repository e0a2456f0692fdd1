"""Rendering for review: a frame range of a clip (media.clip) and a selects reel of many proxies (media.selects_reel).

Pure Python, no Django. Commands are plain ffmpeg argv lists, run with `run_ffmpeg`, which reads
ffmpeg's `-progress pipe:1` report for progress, kills ffmpeg on cancel or timeout, and turns a
failure into `apps.media.ffmpeg.MediaError` with ffmpeg's own last error lines. Callers write to a
path in a private temporary folder and store the file only when the render succeeded, so nothing
half-written is ever visible.
Sources: ffmpeg's docs (ffmpeg.html "-ss" input seeking, "-frames", "-progress"; ffmpeg-filters.html
"scale", "pad", "fps", "drawtext" (timecode, rate), "concat", "aresample", "anullsrc", "apad", "atrim").
"""
from __future__ import annotations

import queue
import subprocess
import threading
import time
from collections import deque
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Callable

from apps.media.ffmpeg import MediaCancelled, MediaError

__all__ = ["ReelItem", "clip_command", "reel_command", "run_ffmpeg"]

FFMPEG = "ffmpeg"
AUDIO_RATE = 48000
Progress = Callable[[float], bool | None]


def _seconds(value: Fraction) -> str:
    """A time in seconds as ffmpeg reads it, to the microsecond (ffmpeg's own time base)."""
    return f"{float(value):.6f}"


def _even_scale(max_width: int) -> str:
    """Fit within max_width pixels wide (square pixels, never upscaled), height keeping the display aspect, both even."""
    limit = max(2, int(max_width) // 2 * 2)
    return f"scale=w='2*trunc(min(iw*sar\\,{limit})/2)':h=-2,setsar=1"


def clip_command(src: str | Path, dest: str | Path, *, in_frame: int, frame_count: int, fps: Fraction, timecode: str,
                 has_audio: bool, max_width: int) -> list[str]:
    """Return the ffmpeg argv that renders frames [in_frame, in_frame + frame_count) of `src` into an MP4 at `dest`.

    Frames are 0-based pictures of the source at `fps` (frames per second, exact). Input seeking
    (-ss before -i, frame-accurate when transcoding) goes to half a frame before `in_frame`, so
    rounding in the container's time base can never skip or repeat the first picture; the
    timestamps are then reset to 0 and exactly `frame_count` pictures are written (-frames:v), at
    the source's rate. Audio (with has_audio) starts exactly at in_frame / fps and lasts
    frame_count / fps seconds. H.264 (yuv420p) + AAC stereo, at most max_width pixels wide, the
    moov box first (+faststart), and a tmcd timecode track starting at `timecode` (SMPTE).
    """
    start = max(Fraction(0), (Fraction(in_frame) - Fraction(1, 2)) / fps)
    audio_offset = Fraction(in_frame) / fps - start
    duration = Fraction(frame_count) / fps
    rate = f"{fps.numerator}/{fps.denominator}"
    graph = f"[0:V:0]yadif=mode=send_frame:deint=interlaced,setpts=PTS-STARTPTS,{_even_scale(max_width)},format=yuv420p[v]"
    args = [FFMPEG, "-hide_banner", "-nostdin", "-loglevel", "error", "-progress", "pipe:1", "-nostats", "-y"]
    if start > 0:
        args += ["-ss", _seconds(start)]
    args += ["-i", str(src)]
    maps = ["-map", "[v]"]
    if has_audio:
        graph += (f";[0:a:0]atrim=start={_seconds(audio_offset)}:duration={_seconds(duration)},asetpts=PTS-STARTPTS,"
                  f"aresample={AUDIO_RATE}[a]")
        maps += ["-map", "[a]"]
    args += ["-filter_complex", graph, *maps, "-frames:v", str(frame_count), "-fps_mode", "cfr", "-r", rate,
             "-c:v", "libx264", "-preset", "veryfast", "-crf", "20"]
    if has_audio:
        args += ["-c:a", "aac", "-ac", "2", "-b:a", "160k"]
    args += ["-timecode", timecode, "-movflags", "+faststart", "-f", "mp4", str(dest)]
    return args


@dataclass(frozen=True)
class ReelItem:
    """One take in a selects reel: its proxy file, what the proxy holds, and its slate line.

    duration_s: the proxy's picture duration in seconds; fps: the proxy's (= the source's) frame
    rate; has_audio: the proxy has an audio stream; label: the slate text before the timecode,
    e.g. "SC 12  SH A  TK 3  "; start_timecode: the take's source start timecode (SMPTE, ';' for
    drop-frame), counted up at `fps` on screen; size: the proxy's (width, height) in pixels.
    """

    path: Path
    duration_s: float
    fps: Fraction
    has_audio: bool
    label: str
    start_timecode: str
    size: tuple[int, int] = (0, 0)


def _drawtext_quote(text: str) -> str:
    """Text for a drawtext option inside a filtergraph: option-level escapes, then filtergraph-level quotes."""
    for char in ("\\", "'", ":", "%", " "):  # spaces too: the option parser trims unescaped trailing ones
        text = text.replace(char, "\\" + char)
    return "'" + text.replace("'", "'\\''") + "'"


def reel_command(items: list[ReelItem], dest: str | Path, *, width: int, height: int, fps: Fraction, font: str) -> list[str]:
    """Return the ffmpeg argv that concatenates `items` into one MP4 at `dest` with a burnt-in slate line.

    Each picture is scaled to fit width x height pixels and padded (letter/pillar-box, square
    pixels), gets its slate line and running source timecode drawn at the bottom (at its own
    rate, before rate conversion, so the timecode counts the take's own frames), then is
    converted to `fps` and yuv420p. Each sound is resampled to 48 kHz stereo, padded or cut to
    the picture's duration; an item without sound gets silence (anullsrc) of that duration.
    The concat filter joins them; H.264/AAC, +faststart.
    """
    args = [FFMPEG, "-hide_banner", "-nostdin", "-loglevel", "error", "-progress", "pipe:1", "-nostats", "-y"]
    chains, pads = [], []
    fontsize = max(12, height // 24)
    rate = f"{fps.numerator}/{fps.denominator}"
    for index, item in enumerate(items):
        args += ["-i", str(item.path)]
        duration = f"{item.duration_s:.6f}"
        item_rate = f"{item.fps.numerator}/{item.fps.denominator}"
        chains.append(
            f"[{index}:V:0]scale=w={width}:h={height}:force_original_aspect_ratio=decrease,"
            f"pad=w={width}:h={height}:x=(ow-iw)/2:y=(oh-ih)/2:color=black,setsar=1,"
            f"drawtext=fontfile={_drawtext_quote(font)}:text={_drawtext_quote(item.label)}"
            f":timecode={_drawtext_quote(item.start_timecode)}:rate={item_rate}"
            f":fontsize={fontsize}:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw={fontsize // 3}"
            f":x=(w-tw)/2:y=h-th-{fontsize},"
            f"fps={rate},format=yuv420p[v{index}]")
        if item.has_audio:
            chains.append(f"[{index}:a:0]aresample={AUDIO_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo,"
                          f"apad,atrim=duration={duration}[a{index}]")
        else:
            chains.append(f"anullsrc=r={AUDIO_RATE}:cl=stereo,atrim=duration={duration},"
                          f"aformat=sample_fmts=fltp:channel_layouts=stereo[a{index}]")
        pads.append(f"[v{index}][a{index}]")
    chains.append(f"{''.join(pads)}concat=n={len(items)}:v=1:a=1[v][a]")
    args += ["-filter_complex", ";".join(chains), "-map", "[v]", "-map", "[a]", "-fps_mode", "cfr", "-r", rate,
             "-c:v", "libx264", "-preset", "veryfast", "-crf", "21", "-c:a", "aac", "-ac", "2", "-ar", str(AUDIO_RATE),
             "-b:a", "160k", "-movflags", "+faststart", "-f", "mp4", str(dest)]
    return args


def run_ffmpeg(args: list[str], *, duration_s: float, what: str, on_progress: Progress | None = None,
               timeout_s: float | None = None) -> None:
    """Run an ffmpeg argv that reports on stdout (-progress pipe:1), relaying progress; raise readable errors.

    duration_s: the output's expected duration in seconds (for the fraction). on_progress(fraction
    0..1, non-decreasing) is called for each progress block and with 1.0 at the end; returning
    False kills ffmpeg and raises `MediaCancelled`, and an exception it raises (a job's
    JobCancelled) kills ffmpeg and propagates. timeout_s: wall-clock limit in seconds. Raises
    `MediaError` "<what> could not be made: <ffmpeg's last error lines>" when ffmpeg fails, or
    when it runs past timeout_s. ffmpeg is always gone when this returns.
    """
    deadline = None if timeout_s is None else time.monotonic() + timeout_s
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, errors="replace")
    lines: queue.Queue[str | None] = queue.Queue()
    errors: deque[str] = deque(maxlen=20)

    def pump_stdout() -> None:
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    def pump_stderr() -> None:
        for line in proc.stderr:
            if line.strip():
                errors.append(line.strip())

    readers = [threading.Thread(target=pump_stdout, daemon=True), threading.Thread(target=pump_stderr, daemon=True)]
    for reader in readers:
        reader.start()
    try:
        done_us, reported = 0, 0.0
        while True:
            if deadline is not None and time.monotonic() > deadline:
                raise MediaError(f"{what} took longer than the {timeout_s:g} s allowed")
            try:
                line = lines.get(timeout=0.5)
            except queue.Empty:
                continue
            if line is None:
                break
            key, _, value = line.strip().partition("=")
            if key == "out_time_us" and value.lstrip("-").isdigit():
                done_us = int(value)
            elif key == "progress":
                if duration_s > 0:
                    reported = max(reported, min(1.0, done_us / 1e6 / duration_s))
                if on_progress is not None and on_progress(reported) is False:
                    raise MediaCancelled(f"{what} was cancelled")
        returncode = proc.wait(timeout=None if deadline is None else max(0.1, deadline - time.monotonic()))
        for reader in readers:
            reader.join(timeout=5)
        if returncode != 0:
            reason = "; ".join(line[:300] for line in list(errors)[-3:]) or f"ffmpeg exited with status {returncode}"
            raise MediaError(f"{what} could not be made: {reason}")
        if on_progress is not None:
            on_progress(1.0)
    except subprocess.TimeoutExpired:
        raise MediaError(f"{what} took longer than the {timeout_s:g} s allowed") from None
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

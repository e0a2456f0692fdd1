"""Rendering for review: a frame range of a clip (media.clip) and a selects reel of many proxies (media.selects_reel).

Pure Python, no Django. Commands are plain ffmpeg argv lists, run with `apps.media.ffmpeg.run_with_progress`, which
reads ffmpeg's `-progress pipe:1` report for progress, kills ffmpeg on cancel or timeout, and turns
a failure into `apps.media.ffmpeg.MediaError` with ffmpeg's own last error lines. Callers write to a
path in a private temporary folder and store the file only when the render succeeded, so nothing
half-written is ever visible.
Sources: ffmpeg's docs (ffmpeg.html "-ss" input seeking, "-frames", "-progress"; ffmpeg-filters.html
"scale", "pad", "fps", "drawtext" (timecode, rate), "concat", "aresample", "anullsrc", "apad", "atrim").
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

__all__ = ["ReelItem", "clip_command", "reel_command"]

FFMPEG = "ffmpeg"
AUDIO_RATE = 48000


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

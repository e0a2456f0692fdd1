"""Making the renditions of a clip with ffmpeg: poster frame, H.264 review proxy, filmstrip and waveform.

Commands are built with ffmpeg-python's graph API. Outputs are written to a hidden temp name next
to the destination and renamed on success, so a reader never sees a half-written file. Only the
proxy decodes the original in full (the poster seeks to one frame); the filmstrip and the waveform
are made from the finished proxy, which is smaller and cheaper to decode. Sources: ffmpeg's docs
(ffmpeg.html "Main options", ffmpeg-filters.html "scale", "fps", "select", "tile", "showwavespic"),
the ISO base media file format (ISO/IEC 14496-12) for faststart.
"""

from __future__ import annotations

import os
import secrets
from fractions import Fraction
from pathlib import Path
from typing import Callable

import ffmpeg as ffmpeg_python

from apps.media.ffmpeg.probing import ProbeResult, probe
from apps.media.ffmpeg.running import FFMPEG, MediaError, run_picture, run_with_progress, with_global_args

POSTER_TIMEOUT_S = 120.0


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
    last_frame_s = max(0.0, info.video_duration_s - 1.0 / info.frame_rate_fps)
    wanted_s = info.duration_s * 0.1 if at_s is None else at_s
    for seek_s in (min(max(0.0, wanted_s), last_frame_s), 0.0):

        def run(tmp: Path, seek_s: float = seek_s) -> None:
            inp = ffmpeg_python.input(str(src.resolve()), ss=f"{seek_s:.3f}")
            out = ffmpeg_python.output(
                _scaled(inp["V:0"], max_width), str(tmp.resolve()),
                **{"frames:v": 1, "c:v": "mjpeg", "q:v": 2, "f": "image2", "update": 1},
            )
            run_picture(with_global_args(out.overwrite_output().compile(cmd=FFMPEG)), "the poster", src,
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
    return with_global_args(out.overwrite_output().compile(cmd=FFMPEG), progress=True)


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
        run_picture(with_global_args(out.overwrite_output().compile(cmd=FFMPEG)), "the filmstrip", proxy,
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
        run_picture(with_global_args(out.overwrite_output().compile(cmd=FFMPEG)), "the waveform", proxy, timeout_s)

    if not _write_atomically(dest, run):
        raise MediaError("the waveform could not be made: ffmpeg wrote no picture")
    width, height = image_size(dest)
    return {"width": width, "height": height, "duration_s": duration_s}


def image_size(path: str | Path) -> tuple[int, int]:
    """Return (width, height) in pixels of a picture (JPEG, PNG), read with Pillow."""
    from PIL import Image

    with Image.open(path) as image:
        return image.size


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

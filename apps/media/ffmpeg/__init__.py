"""Dailies media pipeline: probe a camera file; make its poster frame, H.264 review proxy, filmstrip and waveform.

Pure Python, no Django. Three modules along the seams: `probing` (ffprobe → `ProbeResult`),
`transcoding` (the renditions, built with ffmpeg-python's graph API and written atomically) and
`running` (the child processes, `MediaError`, and the reader of ffmpeg's `-progress pipe:1` report).
Every failure the crew can cause (a wrong file, a truncated upload) raises MediaError with a message
meant for people, not for developers. This package re-exports the public names, so callers write
`from apps.media import ffmpeg` and `ffmpeg.probe(path)`.
"""

from __future__ import annotations

from apps.media.ffmpeg.probing import ProbeResult, probe
from apps.media.ffmpeg.running import MediaCancelled, MediaError, ToolMissing, run_with_progress
from apps.media.ffmpeg.transcoding import (
    ffmpeg_command_for_proxy,
    image_size,
    make_filmstrip,
    make_poster,
    make_proxy,
    make_waveform,
    proxy_command,
)

__all__ = ["MediaError", "MediaCancelled", "ProbeResult", "probe", "make_poster", "make_proxy",
           "ffmpeg_command_for_proxy", "run_with_progress", "ToolMissing", "proxy_command", "make_filmstrip", "make_waveform", "image_size"]

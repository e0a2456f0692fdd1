"""Running ffmpeg and ffprobe: the child process that dies with its thread, the errors, the progress reader.

A one-picture command runs to completion (`run_picture`); an encode runs under `run_with_progress`,
which reads ffmpeg's `-progress pipe:1` report while it encodes and kills it on cancel or timeout.
Failures become `MediaError` with ffmpeg's last error lines, cleaned of log prefixes and the input's
path (`clean_stderr`). ffmpeg and ffprobe die with the thread that started them (Linux:
PR_SET_PDEATHSIG, prctl(2)), so a worker that is killed — SIGKILL, out of memory — never leaves an
encode running. Source: ffmpeg.html "-progress" (key=value blocks ending in progress=continue|end).
"""

from __future__ import annotations

import ctypes
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from pathlib import Path
from typing import Callable

FFMPEG = "ffmpeg"
FFPROBE = "ffprobe"
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


class ToolMissing(MediaError):
    """ffmpeg or ffprobe is not installed where this runs: the worker's fault, not the file's (see `not_installed`)."""


class MediaCancelled(MediaError):
    """The caller cancelled a conversion through its progress callback."""


def with_global_args(args: list[str], *, progress: bool = False) -> list[str]:
    """An ffmpeg argv (as ffmpeg-python compiles it) with Slate's global options after the program name.

    No banner, no stdin, only errors on stderr; with `progress`, the `-progress pipe:1` report on
    stdout (what `run_with_progress` reads) instead of the stats line.
    """
    extra = ["-hide_banner", "-nostdin", "-loglevel", "error"]
    if progress:
        extra += ["-progress", "pipe:1", "-nostats"]
    return [args[0], *extra, *args[1:]]


def run_picture(args: list[str], what: str, src: Path, timeout_s: float | None) -> None:
    """Run an ffmpeg that writes one picture (poster, filmstrip, waveform) to completion.

    what: the thing made, for the message ("the poster"); src: the input (its path is stripped
    from ffmpeg's error lines); timeout_s: wall-clock limit in seconds, or None. Raises MediaError
    "<what> could not be made: <ffmpeg's last error lines>" or "<what> took longer than <timeout_s> s".
    """
    try:
        done = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout_s,
                              **child_process_options())
    except subprocess.TimeoutExpired:
        raise MediaError(f"{what} took longer than {timeout_s:g} s") from None
    except FileNotFoundError:
        raise ToolMissing(not_installed(args[0])) from None
    if done.returncode != 0:
        raise MediaError(_failure_message(what, done.stderr, src))


def not_installed(program: str) -> str:
    """The reason a job gives when `program` (ffmpeg, ffprobe) is not on this worker: for the operator, not the crew's file."""
    return f"{Path(program).name} is not installed on the worker that ran this job (not found on its PATH): install ffmpeg there, then retry"


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
    try:
        proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, errors="replace", **child_process_options())
    except FileNotFoundError:
        raise ToolMissing(not_installed(args[0])) from None
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


def clean_stderr(stderr: bytes | str | None, src: Path) -> list[str]:
    """ffmpeg's stderr (bytes or text) as its distinct lines, in order, without "[mov,mp4 @ 0x..]" and "<src>: "
    prefixes and without generic noise such as "Conversion failed!"."""
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
    lines = clean_stderr(stderr, src)
    reason = "; ".join(lines[-3:]) if lines else "ffmpeg failed without saying why"
    return f"{what} could not be made: {reason}"

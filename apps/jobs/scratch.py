"""Scratch folders of jobs: temp folders named after the process that owns them, so the folders of a
worker that was killed (SIGKILL, out of memory) are found and removed when a worker starts again.

A folder is `<prefix><pid>.<start>-<random>` in the system temp dir (`tempfile.gettempdir()`), where
`<start>` is when that process started (Linux: field 22 of /proc/<pid>/stat, in clock ticks since
boot), so a later process that was given the same pid does not pass for the owner. A folder whose
owner still runs — another worker on this machine — is left alone. Pure Python, no Django.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

PREFIXES = ("slate-media-", "slate-clip-", "slate-reel-")
_OWNED = re.compile(r"^(?P<prefix>[a-z-]+-)(?P<pid>\d+)\.(?P<start>\d+)-")


def _process_start(pid: int) -> int | None:
    """When process `pid` started (clock ticks since boot), or None when there is no such process.

    Where /proc is missing (not Linux) a live pid answers 0: the pid alone then names the owner.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        if Path("/proc/self/stat").exists():
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            pass
        return 0
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may contain spaces: count fields after the last ")".
    fields = stat[stat.rindex(")") + 2:].split()
    return int(fields[19])  # field 22 of the whole line


def owner_tag(pid: int | None = None) -> str:
    """`<pid>.<start>` of this process (or `pid`), the owner part of a scratch folder's name."""
    pid = os.getpid() if pid is None else pid
    return f"{pid}.{_process_start(pid) or 0}"


@contextlib.contextmanager
def scratch_dir(prefix: str) -> Iterator[str]:
    """A temp folder owned by this process for the duration of the block, removed after it.

    prefix: one of PREFIXES ("slate-media-"). Yields its path (str), like `tempfile.TemporaryDirectory`.
    """
    if prefix not in PREFIXES:
        raise ValueError(f"unknown scratch prefix {prefix!r}; add it to PREFIXES so orphans are found")
    with tempfile.TemporaryDirectory(prefix=f"{prefix}{owner_tag()}-") as path:
        yield path


def remove_orphaned(root: str | Path | None = None) -> list[Path]:
    """Remove the scratch folders in `root` (default: the system temp dir) whose owner process is gone.

    Returns the folders removed. Folders of live processes, and names that are not scratch folders,
    are left alone.
    """
    root = Path(root or tempfile.gettempdir())
    removed = []
    for path in root.iterdir():
        match = _OWNED.match(path.name)
        if match is None or match["prefix"] not in PREFIXES or not path.is_dir():
            continue
        pid, start = int(match["pid"]), int(match["start"])
        alive = _process_start(pid)
        if alive is not None and (alive == start or alive == 0 or start == 0):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed

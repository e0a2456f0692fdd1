"""Test helpers for real processes and threads: wait for a condition, look at processes in /proc (Linux)."""
from __future__ import annotations

import time
from pathlib import Path


def wait_until(predicate, timeout_s: float, what: str, *, every_s: float = 0.02):
    """Call `predicate` until it returns something truthy (returned); AssertionError naming `what` after `timeout_s` s."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every_s)
    raise AssertionError(f"not within {timeout_s:g} s: {what}")


def proc_stat(pid: int) -> tuple[str, int, str] | None:
    """(command name, parent pid, state letter) of a process from /proc/<pid>/stat; None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = stat[stat.rindex(")") + 2:].split()  # the name may hold spaces and parentheses
    return stat[stat.index("(") + 1:stat.rindex(")")], int(fields[1]), fields[0]


def alive(pid: int) -> bool:
    """True while `pid` exists and is not a zombie (a killed orphan may wait for init to reap it)."""
    stat = proc_stat(pid)
    return stat is not None and stat[2] != "Z"


def children(pid: int) -> dict[int, str]:
    """The live child processes of `pid`: {pid: command line with spaces between arguments}."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := proc_stat(int(entry.name))) and stat[1] == pid and stat[2] != "Z":
            try:
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
            except OSError:
                continue
    return found

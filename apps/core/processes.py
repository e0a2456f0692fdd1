"""Facts about processes on this host, for code that must tell a dead process's leftovers from a live one's."""
from __future__ import annotations

import os


def pid_alive(pid: int) -> bool:
    """True when a process `pid` (an int) exists on this host, whoever owns it (`kill(pid, 0)`, POSIX kill(2):
    ESRCH → gone, EPERM → alive but another user's). Never raises for a gone process."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

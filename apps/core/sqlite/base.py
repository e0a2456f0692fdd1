"""Django's SQLite backend, except that the write transactions of one process take turns in arrival order.

SQLite lets one connection write at a time; `BEGIN IMMEDIATE` (settings: `transaction_mode`) takes
the lock when a transaction starts, and a connection that finds it taken retries from SQLite's busy
handler, sleeping between tries (1, 2, 5, 10 ... up to 100 ms, `sqlite3.c` `sqliteDefaultBusyCallback`)
until `timeout`. Under ASGI every request runs in a thread of its own (Django's `ThreadSensitiveContext`),
so a burst of writes becomes that many threads polling: the lock goes to whichever wakes at the right
moment, the others sleep again, and a few writes wait 100 times longer than the rest (measured: six
writers at once, p99 0.5–1.4 s for a 20 ms write; docs/performance.md, "Scene PATCH (write path)").

Here a thread first waits for its turn on a first-come, first-served queue shared by the process's
connections to the same file, woken the moment the previous transaction commits or rolls back, and
only then sends `BEGIN IMMEDIATE`. SQLite's own lock stays the guarantee (other processes — the
worker — still meet at its busy handler); the queue only orders this process's writers. Reads outside
a transaction never queue (WAL: they do not block on writers).
"""
from __future__ import annotations

import collections
import threading

from django.db.backends.sqlite3 import base
from django.db.utils import OperationalError


class _Turns:
    """A first-come, first-served lock: `acquire` waits in arrival order, `release` hands the turn to the next."""

    def __init__(self):
        self._mutex = threading.Lock()
        self._queue: collections.deque[threading.Lock] = collections.deque()
        self._taken = False

    def acquire(self, timeout_s: float) -> bool:
        """Wait up to `timeout_s` seconds for the turn; False when it did not come."""
        with self._mutex:
            if not self._taken:
                self._taken = True
                return True
            ticket = threading.Lock()
            ticket.acquire()
            self._queue.append(ticket)
        if ticket.acquire(timeout=timeout_s):
            return True  # the previous holder handed the turn over
        with self._mutex:
            try:
                self._queue.remove(ticket)
            except ValueError:  # handed over while timing out: the turn is ours
                return True
        return False

    def release(self) -> None:
        """Hand the turn to the longest waiter, or free it."""
        with self._mutex:
            if self._queue:
                self._queue.popleft().release()
            else:
                self._taken = False


_turns: dict[str, _Turns] = {}
_turns_mutex = threading.Lock()


def _turns_for(name: str) -> _Turns:
    with _turns_mutex:
        return _turns.setdefault(str(name), _Turns())


class DatabaseWrapper(base.DatabaseWrapper):
    """`django.db.backends.sqlite3`, whose transactions wait their turn in this process before `BEGIN`."""

    _turn: _Turns | None = None

    def _start_transaction_under_autocommit(self):
        """Wait for this process's write turn (up to the `timeout` option, 5 s by default), then BEGIN.

        Raises `OperationalError("database is locked")` when the turn does not come in time, as SQLite does.
        """
        turns = _turns_for(self.settings_dict["NAME"])
        if not turns.acquire(float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))):
            raise OperationalError("database is locked")
        self._turn = turns
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._end_turn()
            raise

    def _end_turn(self) -> None:
        turns, self._turn = self._turn, None
        if turns is not None:
            turns.release()

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._end_turn()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._end_turn()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._end_turn()

    def _set_autocommit(self, autocommit):
        try:
            return super()._set_autocommit(autocommit)
        finally:
            if autocommit:  # sqlite3 commits an open transaction when autocommit comes back on
                self._end_turn()

"""Django's SQLite backend, except that the write transactions of one process take turns in arrival order, and
that a closed connection is kept for the next request instead of being closed.

Taking turns:

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

Keeping connections: under ASGI a request's connection belongs to that request (Django's
connections are per context) and is closed when it ends (SQLite's `CONN_MAX_AGE` is 0), so every
request opened one: 1.8 ms, most of it SQLite reading the schema on the first statement. Here
`close` puts the sqlite3 connection back in a per-process pool of up to `POOL_SIZE` idle ones
(rolled back if a transaction was left open) and the next `connect` with the same parameters takes
it, with Django's functions and the `init_command` pragmas already set. A connection whose file was replaced (the
test database, made again) is closed instead of reused. In-memory databases are never pooled.
"""
from __future__ import annotations

import atexit
import collections
import os
import threading

from django.db.backends.sqlite3 import base
from django.db.utils import OperationalError
from django_prometheus.db.common import DatabaseWrapperMixin


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


POOL_SIZE = 8  # idle connections kept per database file; a request holds one at a time


class _Pool:
    """Idle sqlite3 connections to one file, each with the file's identity (device, inode) when it was opened."""

    def __init__(self):
        self._mutex = threading.Lock()
        self._idle: list[tuple[object, tuple[int, int]]] = []

    def take(self, name: str):
        """An idle connection to the file as it is now, or None."""
        current = _identity(name)
        while True:
            with self._mutex:
                if not self._idle:
                    return None
                conn, identity = self._idle.pop()
            if identity == current:
                return conn
            conn.close()  # the file was replaced since

    def take_any(self):
        """Any idle connection, or None."""
        with self._mutex:
            return self._idle.pop()[0] if self._idle else None

    def give(self, conn, name: str) -> None:
        """Keep `conn` for the next request (rolled back first if a transaction is open), or close it when the pool is full."""
        try:
            if conn.in_transaction:
                conn.rollback()
            identity = _identity(name)
        except Exception:
            conn.close()
            raise
        with self._mutex:
            if identity is not None and len(self._idle) < POOL_SIZE:
                self._idle.append((conn, identity))
                return
        conn.close()


def _identity(name: str) -> tuple[int, int] | None:
    try:
        stat = os.stat(name)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


_pools: dict[tuple, _Pool] = {}


@atexit.register
def _close_pools() -> None:
    """Close the idle connections at exit (the last one to close checkpoints the WAL into the database file)."""
    for pool in list(_pools.values()):
        while (conn := pool.take_any()) is not None:
            conn.close()


def _pool_key(conn_params: dict, init_commands: list[str]) -> tuple:
    """Connections are only reused with the parameters they were opened with (a test may shorten `timeout`)."""
    return (str(conn_params["database"]), repr(sorted(conn_params.items())), tuple(init_commands))


def _pool_for(key: tuple) -> _Pool:
    with _turns_mutex:
        return _pools.setdefault(key, _Pool())


class DatabaseWrapper(DatabaseWrapperMixin, base.DatabaseWrapper):
    """`django.db.backends.sqlite3`, whose transactions wait their turn in this process before `BEGIN`, and whose
    connections are pooled per process; django-prometheus counts its new connections and queries (`django_db_*`)."""

    CURSOR_CLASS = base.SQLiteCursorWrapper  # what django-prometheus' cursor wraps
    _turn: _Turns | None = None

    def _pooled(self) -> bool:
        return not self.is_in_memory_db()

    def get_new_connection(self, conn_params):
        """A pooled connection opened with the same parameters if one is idle, else a new one (Django's)."""
        self._pool_key = None
        if self._pooled():
            self._pool_key = _pool_key(conn_params, self.init_commands)
            conn = _pool_for(self._pool_key).take(conn_params["database"])
            if conn is not None:
                return conn
        return super().get_new_connection(conn_params)

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
            # Closed inside an atomic block, Django keeps pointing at the connection until the block ends: close it for real.
            key = getattr(self, "_pool_key", None)
            if self.connection is not None and key is not None and not self.in_atomic_block:
                with self.wrap_database_errors:
                    _pool_for(key).give(self.connection, key[0])
                return None
            return super()._close()
        finally:
            self._end_turn()

    def _set_autocommit(self, autocommit):
        try:
            return super()._set_autocommit(autocommit)
        finally:
            if autocommit:  # sqlite3 commits an open transaction when autocommit comes back on
                self._end_turn()

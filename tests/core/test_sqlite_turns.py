"""SQLite write transactions of one process take turns in arrival order, and closed connections are kept (apps.core.sqlite).

The queue is tested directly (order, hand-over, time-out) and through real connections: concurrent
writers all commit, and a transaction that rolls back or whose connection closes gives the turn up
at once (not after the time-out). On PostgreSQL the backend is not in use and the connection tests skip.
"""
from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction

from apps.core.sqlite.base import _Turns, _turns_for
from apps.scenes.models import Scene
from tests.factories import SceneFactory

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite backend's queue")


def _wait_until(predicate, timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.001)


def test_waiting_writers_get_the_turn_in_arrival_order():
    # given a turn taken, and five threads queuing for it one after another
    turns = _Turns()
    assert turns.acquire(1.0)
    order: list[int] = []
    threads = []
    for k in range(5):
        thread = threading.Thread(target=lambda k=k: (turns.acquire(5.0), order.append(k), turns.release()))
        thread.start()
        threads.append(thread)
        _wait_until(lambda k=k: len(turns._queue) == k + 1)

    # when the holder releases it
    turns.release()
    for thread in threads:
        thread.join(5.0)

    # then each got it in the order it came, and it is free again
    assert order == [0, 1, 2, 3, 4]
    assert not turns._taken and not turns._queue


def test_a_writer_that_waits_too_long_gives_up_and_leaves_the_queue():
    turns = _Turns()
    assert turns.acquire(1.0)

    assert turns.acquire(0.05) is False

    assert len(turns._queue) == 0
    turns.release()
    assert turns.acquire(0.05) is True


def _write_in_thread(scene_pk: int, synopsis: str, errors: list) -> None:
    try:
        with transaction.atomic():
            Scene.objects.filter(pk=scene_pk).update(synopsis=synopsis)
    except Exception as exc:  # reported by the test
        errors.append(exc)
    finally:
        connections.close_all()


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_write_transactions_all_commit_and_leave_the_turn_free(production):
    # given a scene, and eight threads each writing it in a transaction of its own
    scene = SceneFactory(production=production)
    errors: list = []
    threads = [threading.Thread(target=_write_in_thread, args=(scene.pk, f"Take {k}.", errors)) for k in range(8)]

    # when they run at once
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    # then every one committed, and no one holds the turn
    assert errors == []
    assert Scene.objects.get(pk=scene.pk).synopsis.startswith("Take ")
    turns = _turns_for(connection.settings_dict["NAME"])
    assert not turns._taken and not turns._queue


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_gives_the_turn_up_at_once(production):
    scene = SceneFactory(production=production)
    turns = _turns_for(connection.settings_dict["NAME"])

    with pytest.raises(RuntimeError):
        with transaction.atomic():
            Scene.objects.filter(pk=scene.pk).update(synopsis="Never.")
            assert turns._taken
            raise RuntimeError("changed my mind")

    assert not turns._taken
    assert turns.acquire(0.01)
    turns.release()
    assert Scene.objects.get(pk=scene.pk).synopsis == ""


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_connection_closed_inside_a_transaction_gives_the_turn_up(production):
    turns = _turns_for(connection.settings_dict["NAME"])

    with transaction.atomic():
        SceneFactory(production=production)
        connection.close()  # Django rolls the atomic block back on exit
        assert not turns._taken

    assert not turns._taken


# --- connections kept for the next request ---------------------------------------------------

@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_closed_connection_is_reused_by_the_next_one():
    connection.ensure_connection()
    raw = connection.connection

    connection.close()
    connection.ensure_connection()

    assert connection.connection is raw
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1  # Django's and the init_command's pragmas are still set


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_connections_in_use_at_once_are_never_shared(production):
    # given two threads holding a connection each at the same time
    seen: list = []
    both_connected = threading.Barrier(2, timeout=10)

    def hold() -> None:
        try:
            connection.ensure_connection()
            seen.append(connection.connection)
            both_connected.wait()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=hold) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    # then they had different sqlite3 connections
    assert len(seen) == 2 and seen[0] is not seen[1]


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_transaction_left_open_is_rolled_back_before_the_connection_is_reused(production):
    scene = SceneFactory(production=production, synopsis="Before.")
    connection.ensure_connection()
    raw = connection.connection
    raw.execute("BEGIN")
    raw.execute(f"UPDATE {Scene._meta.db_table} SET synopsis = 'Never.' WHERE id = {scene.pk}")

    connection.close()

    assert not raw.in_transaction
    assert Scene.objects.get(pk=scene.pk).synopsis == "Before."


def test_a_connection_to_a_replaced_file_is_closed_not_reused(tmp_path):
    import sqlite3

    from apps.core.sqlite.base import _Pool

    path = tmp_path / "db.sqlite3"
    pool = _Pool()
    old = sqlite3.connect(path, check_same_thread=False)
    pool.give(old, str(path))

    path.unlink()
    sqlite3.connect(path).close()  # a new file of the same name

    assert pool.take(str(path)) is None
    with pytest.raises(sqlite3.ProgrammingError):
        old.execute("SELECT 1")  # closed

"""The pieces of backups that need no install: retention in SLATE_BACKUP_DIR, the schedule's one-worker-per-minute
claim (on the test run's real Redis, through Huey's storage), SLATE_BACKUP_CRON's checks, and which pg_dump /
pg_restore is picked among several PostgreSQL versions (fake tools that print their version)."""
from __future__ import annotations

import datetime
import stat

import pytest
from django.core.exceptions import ImproperlyConfigured
from huey.contrib.djhuey import HUEY

from apps.core.backup import BackupError, backup_prune, backup_schedule, postgres, schedule


def test_prune_keeps_the_newest_backups_and_touches_nothing_else(tmp_path):
    names = ["slate-backup-20300101T033000Z.tar.gz", "slate-backup-20300102T033000Z.tar.gz",
             "slate-backup-20300103T033000Z.tar", "slate-backup-20300104T033000Z"]
    for name in names[:3]:
        (tmp_path / name).write_bytes(b"backup")
    (tmp_path / names[3]).mkdir()
    (tmp_path / names[3] / "manifest.json").write_text("{}")
    (tmp_path / ".slate-backup-20300105T033000Z.tar.gz.partial").write_bytes(b"being written")
    (tmp_path / "notes.txt").write_text("mine")

    removed = backup_prune(tmp_path, 2)

    assert sorted(p.name for p in removed) == names[:2]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".slate-backup-20300105T033000Z.tar.gz.partial", "notes.txt",
                                                           *names[2:]]
    assert backup_prune(tmp_path, 0) == []


@pytest.fixture
def clean_slots():
    def clear():
        for key in list(HUEY.storage.result_items()):
            if key.startswith("slate.backup."):
                HUEY.storage.delete_data(key)

    clear()
    yield
    clear()


def test_the_schedule_is_due_in_its_minutes_for_the_first_worker_only(clean_slots):
    due = backup_schedule("30 3 * * *")
    at = datetime.datetime(2031, 5, 6, 3, 30, 0)

    first, second = due(at), due(at.replace(second=40))
    off_minute = due(at.replace(minute=31))
    next_day = due(at + datetime.timedelta(days=1))

    assert (first, second, off_minute, next_day) == (True, False, False, True)
    slots = sorted(key for key in HUEY.storage.result_items() if key.startswith("slate.backup.slot."))
    assert slots == ["slate.backup.slot.203105070330"]  # one claimed slot kept at a time


def test_the_schedule_skips_a_minute_when_huey_storage_fails(clean_slots, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("Redis is away")

    monkeypatch.setattr(HUEY.storage, "put_if_empty", refuse)

    assert backup_schedule("* * * * *")(datetime.datetime(2031, 1, 1, 0, 0)) is False


@pytest.mark.parametrize("cron", ["30 3 * *", "61 * * * *", "30 3 * * * *", "a b c d e"])
def test_a_malformed_cron_is_refused_at_start(cron):
    with pytest.raises(ImproperlyConfigured, match="SLATE_BACKUP_CRON"):
        backup_schedule(cron)


def test_backup_to_folder_needs_the_folder_setting(settings):
    settings.SLATE_BACKUP_DIR = ""

    with pytest.raises(BackupError, match="set SLATE_BACKUP_DIR"):
        schedule.backup_to_folder()


@pytest.fixture
def pg_versions(tmp_path, monkeypatch, settings):
    """Fake PostgreSQL client tools of majors 13, 15 and 17, each in a folder of its own, found by the search."""
    settings.SLATE_PG_BIN_DIR = ""
    for major in (13, 15, 17):
        folder = tmp_path / f"pg{major}" / "bin"
        folder.mkdir(parents=True)
        for name in ("pg_dump", "pg_restore"):
            tool = folder / name
            tool.write_text(f"#!/bin/sh\necho '{name} (PostgreSQL) {major}.4 (fake)'\n")
            tool.chmod(tool.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(postgres, "SEARCH", (str(tmp_path / "pg*" / "bin"),))
    monkeypatch.setattr(postgres.shutil, "which", lambda name: None)
    return tmp_path


@pytest.mark.parametrize("prefer, minimum, expected", [
    (15, 15, 15),  # the server's own major
    (14, 14, 15),  # else the oldest newer one
    (16, 16, 17),
    (17, 13, 17),
    (16, 13, 17),  # restore: a newer one first…
    (18, 15, 17),  # …else the newest that reads the dump
])
def test_the_pg_tool_of_the_servers_version_is_picked(pg_versions, prefer, minimum, expected):
    path, major = postgres.find_tool("pg_dump", prefer=prefer, minimum=minimum)

    assert (major, path) == (expected, str(pg_versions / f"pg{expected}" / "bin" / "pg_dump"))


def test_no_pg_tool_new_enough_is_a_clear_error(pg_versions):
    with pytest.raises(BackupError, match=r"No pg_dump of PostgreSQL 18 or newer .* postgresql-client-18"):
        postgres.find_tool("pg_dump", prefer=18, minimum=18)


def test_slate_pg_bin_dir_is_the_only_place_looked_at_when_set(pg_versions, settings):
    settings.SLATE_PG_BIN_DIR = str(pg_versions / "pg13" / "bin")

    assert postgres.find_tool("pg_restore", prefer=15, minimum=13)[1] == 13
    with pytest.raises(BackupError, match=r"SLATE_PG_BIN_DIR"):
        postgres.find_tool("pg_dump", prefer=15, minimum=15)

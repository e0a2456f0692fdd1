"""Slate installs for the backup tests: each its own database, MEDIA_ROOT and Huey queue, driven by `manage.py`.

The database is a SQLite file, or a PostgreSQL database created next to DATABASE_URL when that is PostgreSQL
(CI's second pass) and dropped at the end. Migrations run once per vendor and pytest session into a template,
the one the end-to-end servers' databases are copied from too (tests/e2e/conftest.py's `MigratedTemplate`); a
"migrated" install's database is a copy of it (SQLite's online backup, PostgreSQL's `CREATE DATABASE …
TEMPLATE`), a "blank" one has no tables at all. Every install shares the test run's Redis (REDIS_URL) under a
queue name of its own, removed at the end.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from tests.e2e.conftest import MigratedTemplate

REPO = Path(__file__).resolve().parents[2]
VENV_PYTHON = REPO / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON) if VENV_PYTHON.exists() else sys.executable

def is_postgres(url: str | None) -> bool:
    return bool(url) and urlparse(url).scheme in ("postgres", "postgresql", "pgsql", "psql")


def libpq_url(url: str) -> str:
    return urlunparse(urlparse(url)._replace(scheme="postgresql"))


def media_checksums(root: Path) -> dict[str, str]:
    """{path under root: sha256} of every file under `root`."""
    return {path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(root.rglob("*")) if path.is_file()}


def queue_contents(huey_name: str) -> tuple[list[bytes], list[bytes]]:
    """(pending messages in the order workers take them, scheduled messages) of a Huey queue on REDIS_URL."""
    from huey.storage import RedisStorage

    storage = RedisStorage(name=huey_name, url=os.environ["REDIS_URL"])
    return list(storage.enqueued_items()), list(storage.scheduled_items())


class Install:
    """One install: `database_url`, MEDIA_ROOT `media`, Huey queue `huey`; `manage(...)` runs a command in it."""

    def __init__(self, folder: Path, database_url: str):
        self.folder = folder
        self.media = folder / "media"
        self.database_url = database_url
        self.huey = f"slate-backup-test-{os.getpid()}-{secrets.token_hex(3)}"
        folder.mkdir(parents=True, exist_ok=True)
        self.extra_env: dict[str, str] = {}

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
        env.update(
            DJANGO_SETTINGS_MODULE="project.settings", DEBUG="false", SECRET_KEY=secrets.token_urlsafe(48),
            ALLOWED_HOSTS="127.0.0.1,localhost", SLATE_VAR_DIR=str(self.folder / "var"), MEDIA_ROOT=str(self.media),
            DATABASE_URL=self.database_url, SLATE_HUEY_NAME=self.huey, SLATE_CHANNEL_PREFIX=self.huey,
            HUEY_IMMEDIATE="false", SLATE_BACKUP_DIR="", SLATE_BACKUP_CRON="", LOG_LEVEL="WARNING",
            TMPDIR=str(self.folder), PYTHONUNBUFFERED="1",
        )
        env.update(self.extra_env)
        return env

    def manage(self, *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
        done = subprocess.run([PYTHON, "manage.py", *args], cwd=REPO, env=self.env(), stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=timeout)
        if check and done.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} failed ({done.returncode}):\n{done.stdout[-3000:]}\n"
                                 f"{done.stderr[-5000:]}")
        return done

    def rows(self) -> dict[str, int]:
        """{model label: rows} of every model with a table in this install's database, counted here with the
        database's own driver (not with the backup's code), by the models this test process knows."""
        from django.apps import apps

        models = [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]
        if is_postgres(self.database_url):
            import psycopg

            with psycopg.connect(libpq_url(self.database_url), connect_timeout=10) as conn:
                tables = {row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}
                return {m._meta.label: conn.execute(f'SELECT COUNT(*) FROM "{m._meta.db_table}"').fetchone()[0]
                        for m in models if m._meta.db_table in tables}
        with contextlib.closing(sqlite3.connect(urlparse(self.database_url).path)) as conn:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            return {m._meta.label: conn.execute(f'SELECT COUNT(*) FROM "{m._meta.db_table}"').fetchone()[0]
                    for m in models if m._meta.db_table in tables}

    def clean_queue(self) -> None:
        with contextlib.suppress(Exception):
            from huey.storage import RedisStorage

            RedisStorage(name=self.huey, url=os.environ["REDIS_URL"]).flush_all()


class Databases:
    """Fresh databases of one vendor ("sqlite" or "postgresql") in `folder`; `close()` drops the PostgreSQL ones."""

    def __init__(self, vendor: str, folder: Path):
        self.vendor = vendor
        self.folder = folder
        self.admin = libpq_url(os.environ["DATABASE_URL"]) if vendor == "postgresql" else ""
        self.created: list[str] = []

        def migrate(url: str) -> None:
            Install(folder / "template", url).manage("migrate", "--noinput", timeout=300)

        self.template = MigratedTemplate.of(vendor, migrate)  # a SQLite file's path or a PostgreSQL database's name

    def _name(self, what: str) -> str:
        return f"slate_backup_{what}_{os.getpid()}_{secrets.token_hex(3)}"

    def _url(self, name: str) -> str:
        if self.vendor == "sqlite":
            return f"sqlite:///{self.folder / (name + '.sqlite3')}"
        return urlunparse(urlparse(os.environ["DATABASE_URL"])._replace(path=f"/{name}"))

    def _create(self, name: str, template: str | None = None) -> None:
        import psycopg
        from psycopg import sql

        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            query = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template))
        with psycopg.connect(self.admin, autocommit=True, connect_timeout=10) as conn:
            conn.execute(query)
        self.created.append(name)

    def blank(self) -> str:
        """The URL of a new database with no tables."""
        name = self._name("blank")
        if self.vendor == "postgresql":
            self._create(name)
        return self._url(name)

    def migrated(self) -> str:
        """The URL of a new database with every migration applied and no rows of Slate's."""
        name = self._name("db")
        if self.vendor == "postgresql":
            self._create(name, template=self.template)
        else:
            with contextlib.closing(sqlite3.connect(self.template)) as source, \
                    contextlib.closing(sqlite3.connect(self.folder / f"{name}.sqlite3")) as copy:
                source.backup(copy)
        return self._url(name)

    def close(self) -> None:
        if self.vendor != "postgresql":
            return
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.admin, autocommit=True, connect_timeout=10) as conn:
            for name in reversed(self.created):
                with contextlib.suppress(Exception):
                    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

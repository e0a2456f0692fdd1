"""PostgreSQL: pg_dump in one exported snapshot, pg_restore / psql back, each tool of a version that fits the server.

The tools are the ones in SLATE_PG_BIN_DIR when it is set, else every copy found on PATH and in the usual
install folders (Debian's /usr/lib/postgresql/<major>/bin, the PGDG /usr/pgsql-<major>/bin, Homebrew's);
of those, the one of the server's major version, else the oldest newer one (pg_dump refuses a newer
server; a newer pg_dump's SQL may hold settings an older server does not know). The connection goes
to them in libpq's environment variables (PGHOST, PGPORT, PGUSER, PGPASSWORD…): the password is never
on a command line, where `ps` would show it.
"""
from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import OperationalError, connection, transaction

from apps.core.backup.inventory import Inventory, quote, read_inventory
from apps.core.backup.layout import BackupError

SEARCH = ("/usr/lib/postgresql/*/bin", "/usr/pgsql-*/bin", "/opt/homebrew/opt/postgresql@*/bin",
          "/usr/local/opt/postgresql@*/bin")
# Django's OPTIONS that libpq also reads from the environment (https://www.postgresql.org/docs/current/libpq-envars.html)
LIBPQ_OPTIONS = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY",
                 "passfile": "PGPASSFILE", "service": "PGSERVICE", "options": "PGOPTIONS",
                 "connect_timeout": "PGCONNECT_TIMEOUT", "target_session_attrs": "PGTARGETSESSIONATTRS"}
LOCK_TIMEOUT = "10s"  # dropping the old tables waits this long for other sessions' locks, then the restore stops
DUMP_FILES = {"custom": "database.dump", "plain": "database.sql"}


def tool_major(binary: str) -> int | None:
    """The major version of a PostgreSQL client tool (`pg_dump --version` → 15), None when it does not run."""
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"\(PostgreSQL\)\s+(\d+)", out)
    return int(found.group(1)) if found else None


def find_tool(name: str, *, prefer: int, minimum: int) -> tuple[str, int]:
    """(path, major version) of the client tool `name` to use with a server of major version `prefer`.

    Of the copies found, the one of version `prefer`; else the oldest newer one; else the newest of at
    least `minimum`. Raises BackupError naming what was found when none is at least `minimum`.
    """
    if settings.SLATE_PG_BIN_DIR:
        candidates = [str(Path(settings.SLATE_PG_BIN_DIR) / name)]
    else:
        candidates = [found] if (found := shutil.which(name)) else []
        for pattern in SEARCH:
            candidates += sorted(glob.glob(os.path.join(pattern, name)))
    versions: dict[int, str] = {}
    for binary in candidates:
        major = tool_major(binary) if os.access(binary, os.X_OK) else None
        if major is not None:
            versions.setdefault(major, binary)
    usable = sorted(v for v in versions if v >= minimum)
    newer = [v for v in usable if v >= prefer]
    if not usable:
        seen = ", ".join(f"{versions[v]} ({v})" for v in sorted(versions)) or "none"
        where = f"SLATE_PG_BIN_DIR ({settings.SLATE_PG_BIN_DIR})" if settings.SLATE_PG_BIN_DIR else "PATH or " + ", ".join(SEARCH)
        raise BackupError(f"No {name} of PostgreSQL {minimum} or newer in {where}; found: {seen}. "
                          f"Install the PostgreSQL {prefer} client tools (Debian: postgresql-client-{prefer}) "
                          f"or set SLATE_PG_BIN_DIR to their folder.")
    major = prefer if prefer in usable else (newer[0] if newer else usable[-1])
    return versions[major], major


def libpq_environment() -> dict[str, str]:
    """This process's environment plus the default database's connection as libpq variables (password included)."""
    db = connection.settings_dict
    env = dict(os.environ)
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("NAME", "PGDATABASE"),
                          ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[variable] = str(db[key])
    for option, variable in LIBPQ_OPTIONS.items():
        if db.get("OPTIONS", {}).get(option) not in (None, ""):
            env[variable] = str(db["OPTIONS"][option])
    return env


def server_major() -> int:
    """The major version of the PostgreSQL server Django is connected to (150020 → 15)."""
    return connection.pg_version // 10000


def _run(argv: list[str], what: str) -> None:
    done = subprocess.run(argv, env=libpq_environment(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise BackupError(f"{what} failed ({Path(argv[0]).name} exit {done.returncode}): {done.stderr.strip()[-3000:]}")


def dump(workspace: Path, fmt: str) -> tuple[dict, Inventory]:
    """pg_dump the default database into `workspace` in `fmt` ('custom' or 'plain') within one snapshot.

    A read-only REPEATABLE READ transaction exports its snapshot (`pg_export_snapshot()`); pg_dump runs in
    that very snapshot (`--snapshot`) and the row counts, migrations and file names are read in it too,
    so the manifest describes exactly the rows of the dump. Owners and grants are left out (the restore
    may run as another role). Returns (the manifest's `database` part, the inventory). Raises BackupError.
    """
    if fmt not in DUMP_FILES:
        raise BackupError(f"Unknown PostgreSQL dump format {fmt!r}: use custom or plain.")
    major = server_major()
    binary, tool = find_tool("pg_dump", prefer=major, minimum=major)
    target = workspace / DUMP_FILES[fmt]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        _run([binary, f"--format={fmt}", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
              f"--file={target}"], "pg_dump")
        found = read_inventory(cursor, set(connection.introspection.table_names(cursor)))
    info = {"vendor": "postgresql", "file": target.name, "format": fmt, "server_version": connection.pg_version,
            "pg_dump_version": tool}
    return info, found


def restore(path: Path, info: dict) -> None:
    """Replace the default database's tables with the dump at `path` (the manifest's `database` part: `info`).

    First every table and view of the connection's schemas is dropped in one transaction (waiting at most
    LOCK_TIMEOUT for sessions still using them); then pg_restore (custom) or psql (plain) loads the dump in
    one transaction, stopping at the first error. Raises BackupError.
    """
    major = server_major()
    dumped_by = int(info.get("pg_dump_version") or 0)
    tool_name = "pg_restore" if info["format"] == "custom" else "psql"
    binary, _ = find_tool(tool_name, prefer=max(major, dumped_by), minimum=dumped_by)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
            listed = connection.introspection.get_table_list(cursor)
            views = [quote(t.name) for t in listed if t.type == "v"]
            tables = [quote(t.name) for t in listed if t.type != "v"]
            if views:
                cursor.execute(f"DROP VIEW IF EXISTS {', '.join(views)} CASCADE")
            if tables:
                cursor.execute(f"DROP TABLE IF EXISTS {', '.join(tables)} CASCADE")
    except OperationalError as exc:
        raise BackupError(f"Could not clear the database ({exc}): stop Slate's web and worker processes "
                          "(they hold its tables) and run the restore again.") from None
    connection.close()
    if tool_name == "pg_restore":
        argv = [binary, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
                f"--dbname={connection.settings_dict['NAME']}", str(path)]
    else:
        argv = [binary, "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--single-transaction", f"--file={path}"]
    _run(argv, tool_name)

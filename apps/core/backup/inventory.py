"""What a database holds, read through any DB-API cursor: rows per model, applied migrations, stored file names.

Generic over Django's app registry (`django.apps.apps.get_models`, auto-created many-to-many tables
included), so it knows no Slate app by name. The backup reads these inside the dump's own snapshot
(PostgreSQL: the exported snapshot pg_dump used; SQLite: the copy itself), the restore on the database
it made; the same code on both sides is what makes the counts comparable.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.db import models

SLATE_APPS_PREFIX = "apps."  # Slate's own apps; the framework's (auth, contenttypes, sessions…) are not Slate's tables


@dataclass
class Inventory:
    """A database's contents in numbers: rows per model label, applied migrations per app, stored file names.

    `rows`: {"scenes.Scene": 12, …} for every model whose table exists; `migrations`: {"scenes": ["0001_initial", …]};
    `files`: [(model label, field name, primary key as text, storage name under MEDIA_ROOT), …], blank names left out.
    """

    rows: dict[str, int] = field(default_factory=dict)
    migrations: dict[str, list[str]] = field(default_factory=dict)
    files: list[tuple[str, str, str, str]] = field(default_factory=list)


def quote(name: str) -> str:
    """An SQL identifier in double quotes (PostgreSQL and SQLite alike)."""
    return '"' + name.replace('"', '""') + '"'


def tabled_models() -> list[type[models.Model]]:
    """Every model with a table of its own: concrete, managed, not a proxy; one per table; sorted by label."""
    seen: dict[str, type[models.Model]] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in seen:
            continue
        seen[meta.db_table] = model
    return sorted(seen.values(), key=lambda model: model._meta.label)


def is_slate_model(model: type[models.Model]) -> bool:
    """True for a model of one of Slate's apps (`apps.*`), false for Django's and third parties'."""
    return model._meta.app_config.name.startswith(SLATE_APPS_PREFIX)


def read_inventory(cursor, tables: set[str]) -> Inventory:
    """Count every model's rows, read django_migrations and every FileField's stored names, with `cursor`.

    `tables`: the table names that exist in that database (a model without a table is left out).
    """
    found = Inventory()
    for model in tabled_models():
        meta = model._meta
        if meta.db_table not in tables:
            continue
        cursor.execute(f"SELECT COUNT(*) FROM {quote(meta.db_table)}")
        found.rows[meta.label] = int(cursor.fetchone()[0])
        file_fields = [f for f in meta.concrete_fields if isinstance(f, models.FileField)]
        if file_fields and found.rows[meta.label]:
            found.files.extend(_stored_names(cursor, model, file_fields))
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        for app, name in cursor.fetchall():
            found.migrations.setdefault(app, []).append(name)
    return found


def _stored_names(cursor, model, file_fields) -> list[tuple[str, str, str, str]]:
    meta = model._meta
    columns = ", ".join(quote(f.column) for f in file_fields)
    cursor.execute(f"SELECT {quote(meta.pk.column)}, {columns} FROM {quote(meta.db_table)}")
    names = []
    for pk, *values in cursor.fetchall():
        for file_field, value in zip(file_fields, values):
            if value:
                names.append((meta.label, file_field.name, str(pk), value))
    return names


def slate_rows(cursor, tables: set[str]) -> dict[str, int]:
    """{model label: rows} for Slate's models that have any rows (empty: a fresh install, only migrated)."""
    found = {}
    for model in tabled_models():
        if is_slate_model(model) and model._meta.db_table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(model._meta.db_table)}")
            count = int(cursor.fetchone()[0])
            if count:
                found[model._meta.label] = count
    return found

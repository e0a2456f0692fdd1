"""Shared test fixtures: a real Redis, factories as fixtures, API clients, captured events.

Redis and other test concerns are set up in tests/settings.py: either way the channel layer and
Huey talk to a real Redis.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

SHARED_DATA = Path(os.environ.get("SLATE_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


@pytest.fixture
def shared_data() -> Path:
    return SHARED_DATA


@pytest.fixture(scope="session", autouse=True)
def flush_postgresql_with_delete():
    """Transactional tests (`django_db(transaction=True)`) end with Django's flush of every table. On PostgreSQL
    that is one TRUNCATE of all ~50 tables, about 2 s each time on the CI machine (a new file per table); a
    DELETE per table in the flush's one transaction takes ~20 ms and leaves the same state: every table
    empty, sequences where they were (TRUNCATE without RESTART IDENTITY keeps them too). Django's foreign
    keys are DEFERRABLE INITIALLY DEFERRED on PostgreSQL, so the order of the DELETEs does not matter.
    A flush that resets sequences or cascades (a test asking for it) keeps Django's TRUNCATE. The test
    process only: the servers and `manage.py` commands the tests start run Django's own code.
    """
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return [f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};" for table in tables]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", sql_flush)
        yield


# --- factories as fixtures -------------------------------------------------------------------

@pytest.fixture
def make_user(db):
    from tests.factories import UserFactory

    return UserFactory


@pytest.fixture
def make_production(db):
    from tests.factories import production_with

    return production_with


@pytest.fixture
def user(make_user):
    return make_user()


@pytest.fixture
def other_user(make_user):
    return make_user()


@pytest.fixture
def production(make_production, user):
    return make_production(owner=user)


@pytest.fixture
def api(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def api_for():
    from rest_framework.test import APIClient

    def make(u):
        client = APIClient()
        client.force_authenticate(u)
        return client

    return make


@pytest.fixture
def captured_events(django_capture_on_commit_callbacks):
    """Run the block, execute its on-commit callbacks, and return the stored events it published.

    Usage: `with captured_events() as events: ...` then inspect `events` (list of dict envelopes).
    """
    import contextlib

    from apps.realtime.models import Event

    @contextlib.contextmanager
    def capture():
        before = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
        events: list[dict] = []
        with django_capture_on_commit_callbacks(execute=True):
            yield events
        for event in Event.objects.filter(id__gt=before).order_by("id"):
            events.append({"id": event.id, "type": event.type, "production": event.production_id, "entity": event.entity,
                           "entity_id": event.entity_id, "data": json.loads(json.dumps(event.data))})

    return capture


@pytest.fixture
def sent_envelopes(monkeypatch):
    """Every live frame sent to the channel layer during the test: envelope dicts, each with `_group`.

    Records at `apps.realtime.sender.group_send`, the process boundary to Redis.
    """
    frames: list[dict] = []

    def record(group, message, *, timeout_s=5.0):
        if "text" in message:  # not the sockets' control messages (apps.realtime.signouts)
            frames.append(json.loads(message["text"]) | {"_group": group})
        return True

    monkeypatch.setattr("apps.realtime.sender.group_send", record)
    return frames

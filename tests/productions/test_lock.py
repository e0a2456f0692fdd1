"""production_lock(): serialises a production's big rewrites without blocking anyone's events.

The deadlock it prevents (seen in CI on PostgreSQL): a script import locked the production row
and then published; meanwhile the worker finished another import's job: it published
`job.updated` (taking the production's event-order advisory lock) and inserted the creator's
Notification, whose foreign key to the production is checked at commit (Django's constraints are
DEFERRABLE INITIALLY DEFERRED) with `FOR KEY SHARE` — which waited on the import's row lock while
the import waited on the advisory lock.
"""
from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from apps.notifications.models import Notification, NotificationKind
from apps.productions.services import production_lock
from apps.realtime.models import Event
from apps.realtime.services import publish

pytestmark = pytest.mark.django_db(transaction=True)


def _publish(production, user, entity_id: int) -> None:
    publish(production_id=production.pk, type="scene.updated", entity="scene", entity_id=entity_id, data={"id": entity_id}, actor=user)


def test_an_event_published_while_the_production_is_locked_is_not_blocked(production, user):
    if connection.vendor != "postgresql":
        pytest.skip("row-lock conflicts are PostgreSQL's; SQLite serialises writers")
    locked, other_committed = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def rewrite() -> None:  # the import: lock the production, then publish once the other request is through
        try:
            with transaction.atomic():
                production_lock(production_id=production.pk)
                locked.set()
                other_committed.wait(30)
                _publish(production, user, 1)
        except BaseException as exc:  # noqa: BLE001 — reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=rewrite)
    thread.start()
    try:
        assert locked.wait(30)
        with transaction.atomic():
            with connection.cursor() as cursor:  # blocked by the lock → an error here, not a hang
                cursor.execute("SET LOCAL lock_timeout = '5s'")
            _publish(production, user, 2)  # the advisory lock, held to commit
            Notification.objects.create(recipient=user, production=production, kind=NotificationKind.JOB_SUCCEEDED, title="Done")
        # committed: the foreign key's FOR KEY SHARE on the production row did not wait for the lock
    finally:
        other_committed.set()
        thread.join(30)

    assert errors == []
    assert list(Event.objects.filter(production=production).order_by("id").values_list("entity_id", flat=True)) == ["2", "1"]


def test_two_production_locks_take_turns(production, user):
    if connection.vendor != "postgresql":
        pytest.skip("row-lock conflicts are PostgreSQL's; SQLite serialises writers")
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                production_lock(production_id=production.pk)
                locked.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert locked.wait(30)
        from django.db.utils import OperationalError

        with pytest.raises(OperationalError, match="lock"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '200ms'")
            production_lock(production_id=production.pk)
    finally:
        release.set()
        thread.join(30)

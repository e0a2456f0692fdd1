"""What every write of the schedule and call sheets shares: the error for a stale `version`, and
deleting rows with their `.deleted` events."""
from __future__ import annotations

from apps.core.errors import ConflictError, NotFoundError
from apps.realtime.events import serialize_entity
from apps.realtime.services import publish_entity


def stale_error(instance) -> ConflictError | NotFoundError:
    """The error for a write based on a version of `instance` that is no longer current: 404 when the row
    was deleted, else 409 with the row as it is now (`extra.current`, the event shape). Returned, not raised."""
    current = type(instance).objects.filter(pk=instance.pk).first()
    if current is None:
        return NotFoundError(f"This {instance.EVENT_ENTITY.replace('_', ' ')} was deleted by someone else.")
    return ConflictError(f"Someone else changed this {instance.EVENT_ENTITY.replace('_', ' ')} (now version {current.version}). "
                         "Review their change and save again.", current=serialize_entity(instance.EVENT_ENTITY, current))


def rows_delete(rows: list, *, actor) -> None:
    """Delete rows and publish `<entity>.deleted` with each one's last state (Django deletes such
    leaf rows in bulk without telling `entity_delete`'s collector)."""
    departing = [(row, serialize_entity(row.EVENT_ENTITY, row)) for row in rows]
    for row, data in departing:
        pk = row.pk
        row.delete()
        publish_entity(row, "deleted", actor=actor, data=data, entity_id=pk)

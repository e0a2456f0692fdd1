"""Scripts themselves: their details (title, logline, genre, tone, locks) and their deletion."""
from __future__ import annotations

from apps.core.errors import ApplicationError
from apps.productions.entities import entity_delete, entity_update
from apps.scripts.models import Script, ScriptVersion
from apps.scripts.services.renders import renders_delete_files

LOCKABLE = ("genre", "tone")
SCRIPT_FIELDS = ("title", "logline", "genre", "tone", "genre_locked", "tone_locked", "numbering_locked")


def script_update(*, instance: Script, actor, version: int, generated: bool = False, **changes) -> Script:
    """Change a script's title, logline, genre, tone and locks; 409 when `version` is stale.

    Lock rules: a locked genre (or tone) changes only in a request that also unlocks it
    (`{"genre": "Noir", "genre_locked": false}`); otherwise 400 `locked`. `generated=True` (AI
    generation) may never change a lock, nor a locked value: 400 `locked`. `numbering_locked`
    freezes scene numbers for production (see `script_version_create`). Other fields are ignored.
    """
    changes = {name: value for name, value in changes.items() if name in SCRIPT_FIELDS}
    if generated:
        for lock in ("genre_locked", "tone_locked", "numbering_locked"):
            if lock in changes and changes[lock] != getattr(instance, lock):
                raise ApplicationError("AI generation cannot lock or unlock a script's settings.", code="locked",
                                       extra={"fields": {lock: ["Only the crew changes this."]}})
    for name in LOCKABLE:
        lock = f"{name}_locked"
        if name in changes and changes[name] != getattr(instance, name) and getattr(instance, lock) and changes.get(lock, True):
            raise ApplicationError(f"The {name} is locked: unlock it in the same change to edit it.", code="locked",
                                   extra={"fields": {name: [f"Locked. Send {lock}: false with the new {name}."]}})
    return entity_update(instance=instance, actor=actor, version=version, **changes)


def script_delete(*, instance: Script, actor) -> None:
    """Delete a script and its versions; its scenes stay (they are the production's, with their shots and notes).

    The kept diffs and exports of its versions go too (their files once the delete is committed).
    """
    renders_delete_files(versions=ScriptVersion.objects.filter(script=instance))
    entity_delete(instance=instance, actor=actor)

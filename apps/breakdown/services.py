"""Writes on the breakdown: characters, cast members, props and locations."""
from __future__ import annotations

from apps.breakdown.models import CastMember, Character, Location, Prop
from apps.core.services import entity_create, entity_delete, entity_update


def _create(model, *, actor, production, **fields):
    m2m = {f.name: fields.pop(f.name) for f in model._meta.many_to_many if f.name in fields}
    return entity_create(instance=model(production=production, **fields), actor=actor, m2m=m2m)


def _update(*, instance, actor, version, **changes):
    changes.pop("production", None)
    return entity_update(instance=instance, actor=actor, version=version, **changes)


def character_create(*, actor, production, **fields) -> Character:
    """Add a character; `scenes` (scenes they speak in) and `cast_member` must be of the same production."""
    fields["name"] = fields.get("name", "").strip().upper()
    return _create(Character, actor=actor, production=production, **fields)


def character_update(*, instance: Character, actor, version: int, **changes) -> Character:
    """Change a character (name kept upper case, as in the screenplay's cues); 409 when stale."""
    if "name" in changes:
        changes["name"] = changes["name"].strip().upper()
    return _update(instance=instance, actor=actor, version=version, **changes)


def character_delete(*, instance: Character, actor) -> None:
    """Delete a character."""
    entity_delete(instance=instance, actor=actor)


def cast_member_create(*, actor, production, **fields) -> CastMember:
    """Add a cast member (actor) with an optional cast id."""
    return _create(CastMember, actor=actor, production=production, **fields)


def cast_member_update(*, instance: CastMember, actor, version: int, **changes) -> CastMember:
    """Change a cast member; 409 when stale."""
    return _update(instance=instance, actor=actor, version=version, **changes)


def cast_member_delete(*, instance: CastMember, actor) -> None:
    """Delete a cast member (their characters become uncast)."""
    entity_delete(instance=instance, actor=actor)


def prop_create(*, actor, production, **fields) -> Prop:
    """Add a prop, optionally with the scenes that need it."""
    return _create(Prop, actor=actor, production=production, **fields)


def prop_update(*, instance: Prop, actor, version: int, **changes) -> Prop:
    """Change a prop; 409 when stale."""
    return _update(instance=instance, actor=actor, version=version, **changes)


def prop_delete(*, instance: Prop, actor) -> None:
    """Delete a prop."""
    entity_delete(instance=instance, actor=actor)


def location_create(*, actor, production, **fields) -> Location:
    """Add a shooting location, optionally with the scenes shot there."""
    return _create(Location, actor=actor, production=production, **fields)


def location_update(*, instance: Location, actor, version: int, **changes) -> Location:
    """Change a location; 409 when stale."""
    return _update(instance=instance, actor=actor, version=version, **changes)


def location_delete(*, instance: Location, actor) -> None:
    """Delete a location."""
    entity_delete(instance=instance, actor=actor)

"""Writes on the breakdown: characters, cast members, props, locations, and the review of suggested items."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from apps.breakdown.models import BreakdownCategory, BreakdownSuggestion, CastMember, Character, Location, Prop, SuggestionStatus
from apps.core.errors import ApplicationError, ConflictError
from apps.productions.entities import entity_create, entity_delete, entity_update
from apps.realtime.events import serialize_entity


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


# --- suggested breakdown items (AI breakdown, apps.generation.writing.breakdown) -------------------

@transaction.atomic
def breakdown_suggestions_replace(*, scene, items: list[dict], job=None, actor=None) -> list[BreakdownSuggestion]:
    """Store a fresh breakdown of `scene`: `items` = `[{"category", "name", "description", "evidence"}]` (validated).

    The scene's earlier still-pending suggestions are deleted (a new breakdown supersedes them);
    items the crew already accepted or rejected (same category and name, any case) are not
    suggested again, nor are duplicates within `items`. Publishes `breakdown_suggestion.deleted`
    and `.created`. Returns the new suggestions.
    """
    for old in BreakdownSuggestion.objects.filter(scene=scene, status=SuggestionStatus.PENDING):
        entity_delete(instance=old, actor=actor)
    seen = {(c, n.casefold()) for c, n in BreakdownSuggestion.objects.filter(scene=scene).values_list("category", "name")}
    created = []
    for item in items:
        key = (item["category"], item["name"].strip().casefold())
        if key in seen:
            continue
        seen.add(key)
        suggestion = BreakdownSuggestion(production_id=scene.production_id, scene=scene, job=job, category=item["category"],
                                         name=item["name"].strip()[:200], description=item.get("description", "").strip(),
                                         evidence=item["evidence"].strip())
        created.append(entity_create(instance=suggestion, actor=actor))
    return created


def _decide(suggestion: BreakdownSuggestion, *, version: int) -> BreakdownSuggestion:
    """The suggestion locked for the decision; `ConflictError` when `version` is stale."""
    current = BreakdownSuggestion.objects.select_for_update().select_related("scene").get(pk=suggestion.pk)
    if current.version != version:
        raise ConflictError(f"Someone else already reviewed this item (now version {current.version}).",
                            current=serialize_entity("breakdown_suggestion", current))
    return current


@transaction.atomic
def breakdown_suggestion_accept(*, suggestion: BreakdownSuggestion, actor, version: int) -> BreakdownSuggestion:
    """Accept a suggested item into its scene's breakdown.

    cast → the production's Character of that name (created if missing, upper case) now lists the
    scene; props → the Prop of that name (any case; created if missing, status needed) now lists
    the scene; every other category: the accepted suggestion itself is the scene's breakdown entry.
    The scene's slugline location also becomes a linked Location if the scene has none yet.
    A rejected item may still be accepted; accepting an accepted item returns it unchanged
    (idempotent). Raises `ConflictError` (409) for a stale `version`. Publishes
    `breakdown_suggestion.updated` and the created or updated character, prop and location.
    """
    if suggestion.status == SuggestionStatus.ACCEPTED:
        return suggestion
    suggestion = _decide(suggestion, version=version)
    scene = suggestion.scene
    links = {}
    if suggestion.category == BreakdownCategory.CAST:
        links["character"] = _character_in_scene(name=suggestion.name, description=suggestion.description, scene=scene, actor=actor)
    elif suggestion.category == BreakdownCategory.PROPS:
        links["prop"] = _prop_in_scene(name=suggestion.name, description=suggestion.description, scene=scene, actor=actor)
    _location_of_scene(scene=scene, actor=actor)
    return entity_update(instance=suggestion, actor=actor, version=version, status=SuggestionStatus.ACCEPTED,
                         decided_by=actor, decided_at=timezone.now(), **links)


@transaction.atomic
def breakdown_suggestion_reject(*, suggestion: BreakdownSuggestion, actor, version: int) -> BreakdownSuggestion:
    """Dismiss a suggested item; nothing else changes. Rejecting a rejected item returns it unchanged.

    Raises `ApplicationError` 400 `already_accepted` for an accepted item (its Character or Prop
    exists and may have been edited since: remove that instead), `ConflictError` (409) when stale.
    Publishes `breakdown_suggestion.updated`.
    """
    if suggestion.status == SuggestionStatus.REJECTED:
        return suggestion
    suggestion = _decide(suggestion, version=version)
    if suggestion.status == SuggestionStatus.ACCEPTED:
        raise ApplicationError("This item is already part of the scene's breakdown; remove it there instead.", code="already_accepted")
    return entity_update(instance=suggestion, actor=actor, version=version, status=SuggestionStatus.REJECTED,
                         decided_by=actor, decided_at=timezone.now())


def _character_in_scene(*, name: str, description: str, scene, actor) -> Character:
    name = name.strip().upper()[:200]
    character = Character.objects.filter(production_id=scene.production_id, name=name).first()
    if character is None:
        return character_create(actor=actor, production=scene.production, name=name, description=description, scenes=[scene])
    if not character.scenes.filter(pk=scene.pk).exists():
        character = entity_update(instance=character, actor=actor, version=character.version, scenes=[*character.scenes.all(), scene])
    return character


def _prop_in_scene(*, name: str, description: str, scene, actor) -> Prop:
    prop = Prop.objects.filter(production_id=scene.production_id, name__iexact=name.strip()).order_by("id").first()
    if prop is None:
        return prop_create(actor=actor, production=scene.production, name=name.strip()[:200], description=description, scenes=[scene])
    if not prop.scenes.filter(pk=scene.pk).exists():
        prop = entity_update(instance=prop, actor=actor, version=prop.version, scenes=[*prop.scenes.all(), scene])
    return prop


def _location_of_scene(*, scene, actor) -> Location | None:
    """Link the scene's slugline location (e.g. 'LIBRARY') as a Location, unless it already has one."""
    if not scene.location or scene.locations.exists():
        return None
    location = Location.objects.filter(production_id=scene.production_id, name__iexact=scene.location).order_by("id").first()
    if location is None:
        return location_create(actor=actor, production=scene.production, name=scene.location, scenes=[scene])
    return entity_update(instance=location, actor=actor, version=location.version, scenes=[*location.scenes.all(), scene])

"""The event types Slate sends, and the registry of the serializer that renders each entity's `data`.

`type` is `<entity>.<verb>` (DESIGN.md, "Event envelope"). The TypeScript client mirrors this
list in one union. An entity's `data` is the same JSON its REST endpoint returns.
"""
from __future__ import annotations

VERBS = ("created", "updated", "deleted")

# The live entities, in the order the protocol lists them (DESIGN.md, "Event envelope"; the TypeScript
# client mirrors it). Each one's `data` is rendered by the REST serializer its app registers
# (`register_serializer`, from the app's `AppConfig.ready()`).
ENTITIES: tuple[str, ...] = (
    "production", "membership", "invitation",  # invitation: pending invitations; never the token
    "scene", "shot", "take",
    "character", "cast_member", "prop", "location", "breakdown_suggestion",
    "continuity_note", "continuity_photo",
    "comment",
    "script", "script_version",
    "media_asset", "clip",
    "storyboard_template", "storyboard_favourite",
    "generation_order", "generation_item", "generation_product",
    "job",
    "shoot_day", "strip", "callsheet", "callsheet_recipient",
)

_serializers: dict[str, type] = {}


def register_serializer(entity: str, serializer_class: type) -> None:
    """Name the REST serializer (a DRF `Serializer` class) that renders `entity`'s event `data`.

    Called by the app that owns the entity, from its `AppConfig.ready()`. Raises ValueError for an
    entity not in `ENTITIES` (the protocol lists every one) or one already registered to another class.
    """
    if entity not in ENTITIES:
        raise ValueError(f"{entity!r} is not a live entity: add it to apps.realtime.events.ENTITIES (and the client's union)")
    if _serializers.setdefault(entity, serializer_class) is not serializer_class:
        raise ValueError(f"{entity!r} already has the serializer {_serializers[entity].__name__}")


def serializer_for(entity: str) -> type:
    """The serializer class registered for `entity`; LookupError when its app registered none."""
    try:
        return _serializers[entity]
    except KeyError:
        raise LookupError(f"no serializer registered for the live entity {entity!r} (its app's AppConfig.ready())") from None


# Stored types beyond created/updated/deleted (DESIGN.md, "Event envelope").
EXTRA_TYPES = ("callsheet.published",)

# A user's own events, sent to the group `user.<id>` only (never a production's stream, never stored
# as events: the Notification rows are their record). `"id": null`.
USER_TYPES = ("notification.created", "notification.updated")

# Ephemeral types: sent to connected clients only, never stored, `"id": null`.
# `generation_item.progress`: an item's progress, queue position and log line while it runs (its REST shape, throttled).
EPHEMERAL_TYPES = ("job.progress", "presence.changed", "generation_item.progress")

EVENT_TYPES = tuple(f"{entity}.{verb}" for entity in ENTITIES for verb in VERBS) + EXTRA_TYPES + EPHEMERAL_TYPES


def serialize_entity(entity: str, instance) -> dict:
    """`instance` (a model row) rendered, without a request, by the serializer registered for `entity`.

    Through the class's `represent(instance)` when it has one (`apps.core.api.BuiltOnceModelSerializer`:
    one serializer per class and thread renders every row), else `serializer_class(instance).data`.
    Raises LookupError for an entity with no registered serializer.
    """
    serializer_class = serializer_for(entity)
    represent = getattr(serializer_class, "represent", None)
    return represent(instance) if represent is not None else serializer_class(instance).data


def serialize_entities(entity: str, instances) -> list[dict]:
    """Several rows of `entity` rendered at once by its serializer (`many=True`: the fields are built once for all the
    rows, not per row); a list in the rows' order, `[]` for none. LookupError as `serialize_entity`."""
    return list(serializer_for(entity)(instances, many=True).data) if instances else []

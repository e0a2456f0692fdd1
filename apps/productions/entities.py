"""Generic writes that every production-owned entity shares: create, versioned update, delete.

They live with the tenancy root because every such entity belongs to a production (`production_id`)
and every write publishes a production event; the domain apps build on them.

Each app's `services.py` wraps these in its own named functions (`scene_create`, `prop_update`...)
and adds what is particular to the entity. Every write validates with `full_clean()` (an update:
what it changes, and every rule that involves a changed field), runs in one transaction, and
publishes `<entity>.created|updated|deleted` (apps.realtime.services.publish). The REST
representation an event carries is kept on the instance (`published_data`), so an API view can
answer with it instead of serializing the same row again.
"""
from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from apps.core.errors import ConflictError
from apps.realtime.events import serialize_entity
from apps.realtime.services import publish_entity

M = TypeVar("M", bound=models.Model)


@transaction.atomic
def entity_create(*, instance: M, actor, m2m: dict[str, Any] | None = None) -> M:
    """Validate and insert `instance`, set its many-to-many `m2m` values, then publish `<entity>.created`.

    Raises django `ValidationError` (→ 400) for invalid fields or a broken uniqueness rule.
    """
    _check_same_production(instance, [getattr(instance, f.name) for f in type(instance)._meta.concrete_fields
                                      if f.is_relation and f.name != "production" and f.is_cached(instance)])
    _check_same_production(instance, [v for values in (m2m or {}).values() for v in values])
    instance.full_clean()
    instance.save(force_insert=True)
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(values)
    _publish(instance, "created", actor=actor)
    return instance


@transaction.atomic
def entity_update(*, instance: M, actor, version: int, **changes: Any) -> M:
    """Apply `changes` to `instance` only if it is still at `version`; publish `<entity>.updated`.

    Many-to-many fields in `changes` are replaced as sets. The check is a compare-and-set in the UPDATE statement itself (`WHERE version = N`), so two
    people saving at once cannot both win. Raises `ConflictError` (409, `extra.current` = the
    object as it is now) for a stale version, django `ValidationError` (400) for invalid data.
    Validation covers the changed fields and every constraint or uniqueness rule that involves one
    of them; the unchanged fields were checked when they were saved (`_unchanged_fields`), so a
    status change does not look up the production, the screenplay version and the scene number.
    An update that changes nothing is answered with the object as it is, and publishes nothing.
    """
    model = type(instance)
    if instance.version != version:
        raise _conflict(model, instance.pk)
    m2m_names = {f.name for f in model._meta.many_to_many}
    m2m = {name: list(changes.pop(name)) for name in list(changes) if name in m2m_names}
    m2m = {name: values for name, values in m2m.items() if {v.pk for v in values} != set(getattr(instance, name).values_list("pk", flat=True))}
    changed = {name: value for name, value in changes.items() if getattr(instance, name) != value}
    if not changed and not m2m:
        return instance
    _check_same_production(instance, [v for v in changed.values() if isinstance(v, models.Model)])
    _check_same_production(instance, [v for values in m2m.values() for v in values])
    for name, value in changed.items():
        setattr(instance, name, value)
    instance.full_clean(exclude=_unchanged_fields(model, changed))
    now = timezone.now()
    values = {name: getattr(instance, name) for name in changed}
    rows = model.objects.filter(pk=instance.pk, version=version).update(**values, version=F("version") + 1, updated_at=now)
    if rows == 0:
        raise _conflict(model, instance.pk)
    for name, values in m2m.items():
        getattr(instance, name).set(values)
    instance.version = version + 1
    instance.updated_at = now
    _publish(instance, "updated", actor=actor)
    return instance


def _publish(instance: models.Model, verb: str, *, actor) -> None:
    """Publish `<entity>.<verb>` with the instance's REST representation, and keep that representation on it."""
    data = entity_representation(instance)
    publish_entity(instance, verb, actor=actor, data=data)
    instance._published_data = data


def entity_representation(instance: models.Model) -> dict:
    """The instance's REST representation for an event: `apps.realtime.events.serialize_entity` for its `EVENT_ENTITY`."""
    return serialize_entity(instance.EVENT_ENTITY, instance)


def published_data(instance: models.Model) -> dict | None:
    """The REST representation (the entity's serializer, no request) that `entity_create` or `entity_update`
    published for this very instance, while it is still current; None when nothing was published (an
    update that changed nothing) or the instance moved on since (another version).

    An API view whose serializer renders a row the same with or without a request answers with it
    (`ProductionScopedViewSet.respond_with_published_data`) instead of serializing the row again.
    """
    data = getattr(instance, "_published_data", None)
    if data is None or data.get("id") != instance.pk or data.get("version", None) != getattr(instance, "version", None):
        return None
    return data


@cache
def _rules(model: type[models.Model]) -> tuple[frozenset[str], ...] | None:
    """The field names each uniqueness or check rule of `model` involves (constraints with their conditions and
    expressions, `unique_together`); None when the model has a rule whose fields cannot be named (`unique_for_date`)."""
    meta = model._meta
    if any(getattr(f, name, None) for f in meta.concrete_fields for name in ("unique_for_date", "unique_for_month", "unique_for_year")):
        return None
    groups = [frozenset(together) for together in meta.unique_together]
    for constraint in meta.constraints:
        names = set(getattr(constraint, "fields", ()) or ())
        for expression in (getattr(constraint, "condition", None), *getattr(constraint, "expressions", ())):
            if expression is not None:
                names |= {ref[0] for ref in model._get_expr_references(expression)}
        groups.append(frozenset(meta.get_field(name).name for name in names))
    return tuple(groups)


def _unchanged_fields(model: type[models.Model], changed: dict[str, Any]) -> list[str] | None:
    """Fields `full_clean` may skip on an update of `changed`: those that did not change and take part in no
    constraint or uniqueness rule with a field that did. None (validate everything) when a rule's fields are unknown."""
    rules = _rules(model)
    if rules is None:
        return None
    checked = set(changed)
    for group in rules:
        if group & changed.keys():
            checked |= group
    return [f.name for f in model._meta.concrete_fields if f.name not in checked]


@transaction.atomic
def entity_delete(*, instance: models.Model, actor) -> None:
    """Delete `instance` and publish `<entity>.deleted` with its last state — and the same for every
    row the delete cascades to (a scene's shots, takes, notes, comments), so no client keeps a
    stale copy. A production's own delete publishes only `production.deleted`.
    """
    from django.db import router
    from django.db.models.deletion import Collector

    cascaded = []
    if instance.EVENT_ENTITY != "production":
        collector = Collector(using=router.db_for_write(type(instance)))
        collector.collect([instance])
        cascaded = [obj for model, objs in collector.data.items() if hasattr(model, "EVENT_ENTITY")
                    for obj in objs if obj is not instance and not (model is type(instance) and obj.pk == instance.pk)]
    departing = [(obj, serialize_entity(obj.EVENT_ENTITY, obj)) for obj in [instance, *cascaded]]
    instance.delete()
    for obj, data in departing:
        publish_entity(obj, "deleted", actor=actor, data=data, entity_id=data.get("id", obj.pk))


def _check_same_production(instance: models.Model, related: list) -> None:
    """Refuse links across productions (a shot of production A on a scene of production B)."""
    own = getattr(instance, "production_id", None)
    for obj in related:
        other = getattr(obj, "production_id", None)
        if own is not None and other is not None and other != own:
            from apps.core.errors import ApplicationError

            raise ApplicationError(f"That {obj._meta.verbose_name} belongs to another production.", code="invalid")


def _conflict(model: type[models.Model], pk: Any) -> Exception:
    current = model.objects.filter(pk=pk).first()
    entity = model.EVENT_ENTITY
    if current is None:
        from apps.core.errors import NotFoundError

        return NotFoundError(f"This {entity.replace('_', ' ')} was deleted by someone else.")
    return ConflictError(
        f"Someone else changed this {entity.replace('_', ' ')} (now version {current.version}). Review their change and save again.",
        current=serialize_entity(entity, current),
    )

"""Generic writes that every production-owned entity shares: create, versioned update, delete.

Each app's `services.py` wraps these in its own named functions (`scene_create`, `prop_update`...)
and adds what is particular to the entity. Every write validates with `full_clean()`, runs in one
transaction, and publishes `<entity>.created|updated|deleted` (apps.realtime.services.publish).
"""
from __future__ import annotations

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
    publish_entity(instance, "created", actor=actor)
    return instance


@transaction.atomic
def entity_update(*, instance: M, actor, version: int, **changes: Any) -> M:
    """Apply `changes` to `instance` only if it is still at `version`; publish `<entity>.updated`.

    Many-to-many fields in `changes` are replaced as sets. The check is a compare-and-set in the UPDATE statement itself (`WHERE version = N`), so two
    people saving at once cannot both win. Raises `ConflictError` (409, `extra.current` = the
    object as it is now) for a stale version, django `ValidationError` (400) for invalid data.
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
    instance.full_clean()
    now = timezone.now()
    values = {name: getattr(instance, name) for name in changed}
    rows = model.objects.filter(pk=instance.pk, version=version).update(**values, version=F("version") + 1, updated_at=now)
    if rows == 0:
        raise _conflict(model, instance.pk)
    for name, values in m2m.items():
        getattr(instance, name).set(values)
    instance.version = version + 1
    instance.updated_at = now
    publish_entity(instance, "updated", actor=actor)
    return instance


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

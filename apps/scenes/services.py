"""Writes on scenes, shots and takes. Each publishes its event; scene and shot changes that move the
production's stats also publish `production.updated`."""
from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from apps.core.errors import ApplicationError
from apps.productions.entities import entity_create, entity_delete, entity_update, published_data
from apps.productions.services import production_stats_publish
from apps.scenes.models import Scene, SceneStatus, Shot, Take
from apps.scenes.signals import scene_deleting

_STATS_FIELDS = {"status", "page_eighths"}


def _same_production(child_production_id: int, parent, what: str) -> None:
    if parent is not None and parent.production_id != child_production_id:
        raise ApplicationError(f"The {what} belongs to another production.", code="invalid")


# --- scenes --------------------------------------------------------------------------------

def scene_assignees(*, production_id: int, users) -> list:
    """Users (or user ids) who may be assigned to a scene of the production: every one must be a member.

    Returns the User rows in the order given, duplicates dropped. Raises `ApplicationError` 400
    `not_a_member` naming the first id that is not on the crew (a missing user reads the same, so
    nothing leaks about who has an account).
    """
    from django.contrib.auth import get_user_model

    ids = list(dict.fromkeys(getattr(u, "pk", u) for u in users))
    found = {u.pk: u for u in get_user_model().objects.filter(pk__in=ids, memberships__production_id=production_id)}
    for user_id in ids:
        if user_id not in found:
            raise ApplicationError(f"User {user_id} is not a member of this production: only crew members can be assigned to a scene.",
                                   code="not_a_member", extra={"fields": {"assignees": [f"{user_id} is not a member of this production."]}})
    return [found[user_id] for user_id in ids]


@transaction.atomic
def scene_create(*, actor, production, assignees=None, **fields) -> Scene:
    """Add a scene (placed last in script order unless `script_order` is given), with optional `assignees` (members)."""
    if "script_order" not in fields:
        last = Scene.objects.filter(production=production).aggregate(m=Max("script_order"))["m"]
        fields["script_order"] = 0 if last is None else last + 1
    m2m = {"assignees": scene_assignees(production_id=production.pk, users=assignees)} if assignees else None
    scene = entity_create(instance=Scene(production=production, **fields), actor=actor, m2m=m2m)
    production_stats_publish(production_id=production.pk, actor=actor)
    return scene


@transaction.atomic
def scene_update(*, instance: Scene, actor, version: int, **changes) -> Scene:
    """Change a scene's fields; 409 `conflict` when `version` is stale. The production cannot change.

    `assignees` (users or ids, all members: 400 `not_a_member` otherwise) replaces the set. A
    status change notifies the scene's assignees (kind `scene_status`), except whoever made it.
    """
    changes.pop("production", None)
    if "assignees" in changes:
        changes["assignees"] = scene_assignees(production_id=instance.production_id, users=changes["assignees"] or [])
    before = {name: getattr(instance, name) for name in _STATS_FIELDS}
    scene = entity_update(instance=instance, actor=actor, version=version, **changes)
    if any(getattr(scene, name) != value for name, value in before.items()):
        production_stats_publish(production_id=scene.production_id, actor=actor)
    if scene.status != before["status"]:
        _notify_status(scene, actor=actor, previous=before["status"])
    return scene


def _notify_status(scene: Scene, *, actor, previous: str) -> None:
    from apps.notifications.services import notify

    was, now = SceneStatus(previous).label.lower(), scene.get_status_display().lower()
    who = getattr(actor, "display_name", None) or "Slate"
    published = published_data(scene)  # the scene.updated event just read the assignees' ids
    assignees = published["assignees"] if published is not None else scene.assignees.values_list("pk", flat=True)
    notify(recipients=assignees, production=scene.production_id, kind="scene_status",
           title=f"Scene {scene.number} is now {now}", body=f"{scene.slugline} — {who} moved it from {was} to {now}.",
           url=f"/productions/{scene.production_id}/scenes/{scene.pk}", entity="scene", entity_id=scene.pk, actor=actor)


@transaction.atomic
def scene_delete(*, instance: Scene, actor) -> None:
    """Delete a scene with its shots and takes. First `scene_deleting` is sent (`apps.scenes.signals`): the schedule
    takes a scheduled scene off the stripboard (`strip.deleted`, its day's later strips move up, the day's totals and
    call sheet follow)."""
    production_id = instance.production_id
    scene_deleting.send(sender=Scene, scene=instance, actor=actor)
    entity_delete(instance=instance, actor=actor)
    production_stats_publish(production_id=production_id, actor=actor)


# --- shots ---------------------------------------------------------------------------------

@transaction.atomic
def shot_create(*, actor, scene: Scene, production=None, **fields) -> Shot:
    """Add a shot (setup) to a scene; a blank `number` gets the first free one from (shot count + 1) up."""
    if not fields.get("number"):
        # The first free number from count + 1 on: after a deletion, count + 1 may still be taken.
        taken = set(Shot.objects.filter(scene=scene).values_list("number", flat=True))
        number = len(taken) + 1
        while str(number) in taken:
            number += 1
        fields["number"] = str(number)
    if "order" not in fields:
        last = Shot.objects.filter(scene=scene).aggregate(m=Max("order"))["m"]
        fields["order"] = 0 if last is None else last + 1
    shot = entity_create(instance=Shot(production_id=scene.production_id, scene=scene, **fields), actor=actor)
    production_stats_publish(production_id=scene.production_id, actor=actor)
    return shot


def shot_update(*, instance: Shot, actor, version: int, **changes) -> Shot:
    """Change a shot; it may move to another scene of the same production."""
    changes.pop("production", None)
    _same_production(instance.production_id, changes.get("scene"), "scene")
    return entity_update(instance=instance, actor=actor, version=version, **changes)


@transaction.atomic
def shot_delete(*, instance: Shot, actor) -> None:
    """Delete a shot with its takes."""
    production_id = instance.production_id
    entity_delete(instance=instance, actor=actor)
    production_stats_publish(production_id=production_id, actor=actor)


# --- takes ---------------------------------------------------------------------------------

def take_create(*, actor, shot: Shot, production=None, **fields) -> Take:
    """Log a take on a shot; numbered next after the shot's last when `number` is not given."""
    if not fields.get("number"):
        last = Take.objects.filter(shot=shot).aggregate(m=Max("number"))["m"]
        fields["number"] = (last or 0) + 1
    return entity_create(instance=Take(production_id=shot.production_id, shot=shot, **fields), actor=actor)


def take_update(*, instance: Take, actor, version: int, **changes) -> Take:
    """Change a take: circle it, mark it NG, note it, set its timecodes."""
    changes.pop("production", None)
    _same_production(instance.production_id, changes.get("shot"), "shot")
    return entity_update(instance=instance, actor=actor, version=version, **changes)


def take_delete(*, instance: Take, actor) -> None:
    """Delete a take."""
    entity_delete(instance=instance, actor=actor)

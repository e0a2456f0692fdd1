"""Writes on scenes, shots and takes. Each publishes its event; scene and shot changes that move the
production's stats also publish `production.updated`."""
from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max

from apps.core.errors import ApplicationError
from apps.productions.entities import entity_create, entity_delete, entity_representation, entity_update, published_data
from apps.productions.models import Production
from apps.productions.services import production_stats_publish
from apps.scenes.models import Scene, SceneStatus, Shot, Take, TakeSound
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

def _lock_shot(shot: Shot) -> None:
    """Hold the shot's row until commit (PostgreSQL's SELECT ... FOR UPDATE), so that two tablets numbering a new take
    of the same shot take turns; SQLite lets one write transaction run at a time anyway (BEGIN IMMEDIATE)."""
    list(Shot.objects.select_for_update().filter(pk=shot.pk).values_list("pk", flat=True))


@transaction.atomic
def take_create(*, actor, shot: Shot, production=None, **fields) -> Take:
    """Log a take on a shot; numbered next after the shot's last when `number` is not given.

    `timecode_rate` defaults to the production's; `duration_frames` follows from the timecodes. Raises
    django `ValidationError` (400) for invalid fields (a timecode that does not exist at the rate, an out
    before the in), and `ApplicationError` 409 `take_number_taken` (`extra.current`: that take) for a `number`
    the shot already has — also when two requests give the same number at once: the second finds the first's.
    """
    _lock_shot(shot)
    if not fields.get("number"):
        last = Take.objects.filter(shot=shot).aggregate(m=Max("number"))["m"]
        fields["number"] = (last or 0) + 1
    else:
        _refuse_taken_number(shot, fields["number"])
    if not fields.get("timecode_rate"):
        fields["timecode_rate"] = Production.objects.values_list("timecode_rate", flat=True).get(pk=shot.production_id)
    take = Take(production_id=shot.production_id, shot=shot, **fields)
    take.duration_frames = take.span_frames()
    try:
        return entity_create(instance=take, actor=actor)
    except IntegrityError:  # the lock makes this unreachable on PostgreSQL and SQLite; another backend may get here
        _refuse_taken_number(shot, fields["number"])
        raise


def _refuse_taken_number(shot: Shot, number: int) -> None:
    """409 `take_number_taken` with `extra.current` (that take) when the shot already has take `number`."""
    taken = Take.objects.select_related("shot").filter(shot=shot, number=number).first()
    if taken is not None:
        raise ApplicationError(f"This shot already has a take {number}: someone logged it already.", code="take_number_taken",
                               status=409, extra={"current": entity_representation(taken)})


def _carried_over(shot: Shot, *, sound: str) -> dict:
    """What a new take of `shot` starts with: the cameras of the shot's previous picture take (else the production's
    latest), each camera's roll from the production's latest take that used it (a camera roll runs across setups
    until the magazine is changed), its lens from the shot's previous take (else the shot's planned `lens_mm`
    for the first camera), and the production's latest sound roll. A wild track has no camera, MOS no sound roll."""
    pictures = Take.objects.filter(production_id=shot.production_id).exclude(sound=TakeSound.WILD_TRACK).exclude(cameras=[])
    on_shot = pictures.filter(shot=shot).order_by("-number").values_list("cameras", flat=True).first()
    recent = list(pictures.order_by("-recorded_at", "-id").values_list("cameras", flat=True)[:20])
    fields: dict = {}
    if sound != TakeSound.WILD_TRACK:
        letters = [c["camera"] for c in (on_shot or (recent[0] if recent else [{"camera": "A"}]))]
        lenses = {c["camera"]: c.get("lens", "") for c in on_shot or []}
        if not lenses and shot.lens_mm and letters:
            lenses[letters[0]] = f"{shot.lens_mm}mm"
        rolls: dict[str, str] = {}
        for cameras in reversed(recent):  # oldest first: the latest roll of each camera wins
            rolls.update({c["camera"]: c.get("roll", "") for c in cameras if c.get("roll")})
        fields["cameras"] = [{"camera": letter, "roll": rolls.get(letter, ""), "lens": lenses.get(letter, "")} for letter in letters]
    if sound != TakeSound.MOS:
        latest_roll = (Take.objects.filter(production_id=shot.production_id).exclude(sound_roll="")
                       .order_by("-recorded_at", "-id").values_list("sound_roll", flat=True).first())
        fields["sound_roll"] = latest_roll or ""
    return fields


@transaction.atomic
def take_new(*, actor, shot: Shot, after: int | None = None, sound: str = TakeSound.SYNC) -> Take:
    """One tap on set: log the shot's next take, rolling now, with the cameras, rolls and lenses carried over (`_carried_over`).

    `after` is the number of the last take the tablet shows for the shot (0: none). When the shot's
    last take is another one, someone else has logged the take being rolled: `ApplicationError` 409
    `take_exists` with `extra.current` (that take, or null when the tablet's take was deleted) and
    `extra.last_number`, and nothing is created. Without `after` the take is simply numbered next.
    Numbering is serialised per shot (`_lock_shot`), so two taps at once never make the same number.
    """
    _lock_shot(shot)
    last = Take.objects.select_related("shot").filter(shot=shot).order_by("-number").first()
    last_number = last.number if last is not None else 0
    if after is not None and after != last_number:
        raise ApplicationError(
            f"Take {last_number} of this shot was just logged on another device: it is the take being rolled." if last else
            "The takes of this shot changed on another device.",
            code="take_exists", status=409,
            extra={"current": entity_representation(last) if last else None, "last_number": last_number})
    return take_create(actor=actor, shot=shot, number=last_number + 1, sound=sound, **_carried_over(shot, sound=sound))


@transaction.atomic
def take_update(*, instance: Take, actor, version: int, **changes) -> Take:
    """Change a take: circle it, mark it NG, note it, set its cameras, rolls, timecodes (the duration follows)."""
    changes.pop("production", None)
    _same_production(instance.production_id, changes.get("shot"), "shot")
    if changes.keys() & {"timecode_in", "timecode_out", "timecode_rate"}:
        probe = Take(**{name: changes.get(name, getattr(instance, name)) for name in ("timecode_in", "timecode_out", "timecode_rate")})
        changes["duration_frames"] = probe.span_frames()
    return entity_update(instance=instance, actor=actor, version=version, **changes)


def take_delete(*, instance: Take, actor) -> None:
    """Delete a take."""
    entity_delete(instance=instance, actor=actor)

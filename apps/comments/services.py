"""Writes on comments: threads, @mentions, resolving."""
from __future__ import annotations

from django.db import transaction

from apps.comments.models import TARGETS, Comment
from apps.core.errors import ApplicationError, PermissionDeniedError
from apps.productions.entities import entity_create, entity_delete, entity_update
from apps.productions.models import MANAGER_ROLES, Membership
from apps.productions.selectors import mentioned_members


def check_frames(*, asset, frame: int | None, frame_end: int | None) -> None:
    """Check a frame pin on a media asset: 0 <= frame <= last frame, frame <= frame_end <= last frame (0-based, inclusive).

    An asset whose frame count is not known yet (not probed) takes any frame. Raises
    `ApplicationError` 400 `frame_out_of_range` past the end (the message names the last frame and
    its SMPTE timecode), 400 `invalid` for a frame_end without a frame or before it.
    """
    if frame_end is not None and frame is None:
        raise ApplicationError("A frame range starts at a frame: send `frame` with `frame_end`.", code="invalid",
                               extra={"fields": {"frame": ["Required with frame_end."]}})
    if frame_end is not None and frame_end < frame:
        raise ApplicationError(f"A frame range ends at or after its first frame ({frame}), not at {frame_end}.", code="invalid",
                               extra={"fields": {"frame_end": [f"Must be {frame} or more."]}})
    total = asset.frame_count
    if frame is None or total is None:
        return
    last = total - 1
    for name, value in (("frame", frame), ("frame_end", frame_end)):
        if value is not None and value > last:
            raise ApplicationError(f"Frame {value} is past the end of the clip: its last frame is {last} ({asset.timecode_at(last)}).",
                                   code="frame_out_of_range", extra={"fields": {name: [f"Must be {last} or less."]}, "last_frame": last})


def _where(comment: Comment) -> tuple[str, str]:
    """`("a comment on scene 12", "/productions/7/scenes/42")`: how a mention names and links to a comment."""
    base = f"/productions/{comment.production_id}"
    kind, _ = comment.target
    scene = None
    if kind == "scene":
        scene = comment.scene
    elif kind == "shot":
        scene = comment.shot.scene
    elif kind == "take":
        scene = comment.take.shot.scene
    elif kind == "continuity_note":
        scene = comment.continuity_note.scene
    if scene is not None:
        return f"a comment on scene {scene.number}", f"{base}/scenes/{scene.pk}"
    if kind == "media_asset":
        return "a comment on a daily", f"{base}/dailies/{comment.media_asset_id}"
    return "a comment", base


def _notify_mentions(comment: Comment, *, actor, previously=()) -> None:
    from apps.notifications.services import mention_notify

    what, url = _where(comment)
    mention_notify(users=comment.mentions.all(), previously=previously, production_id=comment.production_id, actor=actor,
                   what=what, text=comment.body, url=url, entity="comment", entity_id=comment.pk)


@transaction.atomic
def comment_create(*, actor, body: str, parent: Comment | None = None, frame: int | None = None, frame_end: int | None = None,
                   production=None, **target) -> Comment:
    """Comment on exactly one target (scene, shot, take, continuity_note or media_asset), or reply to `parent`.

    A reply takes its parent's target. `frame` (0-based) pins a comment on a media asset to a
    frame, `frame_end` (inclusive) makes it a range; both lie inside the asset (`check_frames`).
    Members @-mentioned in `body` are stored in `mentions` and notified (kind `mention`); anyone
    else's @name is ignored. Raises `ApplicationError` 400 for a missing or double target, a frame
    on a non-media target, `frame_out_of_range` past the end.
    """
    target = {name: obj for name, obj in target.items() if name in TARGETS and obj is not None}
    if parent is not None:
        if target and any(getattr(parent, f"{name}_id") != obj.pk for name, obj in target.items()):
            raise ApplicationError("A reply is on the same thing as the comment it answers.", code="invalid")
        target = {name: getattr(parent, name) for name in TARGETS if getattr(parent, f"{name}_id") is not None}
    if len(target) != 1:
        raise ApplicationError("Say what the comment is on: one of scene, shot, take, continuity_note, media_asset.", code="invalid")
    (kind, obj), = target.items()
    if frame is not None or frame_end is not None:
        if kind != "media_asset":
            raise ApplicationError("Only comments on media can be pinned to a frame.", code="invalid", extra={"fields": {"frame": ["Only on media."]}})
        check_frames(asset=obj, frame=frame, frame_end=frame_end)
    comment = Comment(production_id=obj.production_id, author=actor, parent=parent, frame=frame, frame_end=frame_end, body=body, **{kind: obj})
    comment = entity_create(instance=comment, actor=actor, m2m={"mentions": mentioned_members(production_id=obj.production_id, body=body)})
    _notify_mentions(comment, actor=actor)  # members only: an outsider's @name is neither notified nor stored
    return comment


@transaction.atomic
def comment_update(*, instance: Comment, actor, version: int, **changes) -> Comment:
    """Edit a comment: only its author changes the text or the frames it is pinned to; anyone who may write resolves it. 409 when stale.

    Frames follow `comment_create`'s rules (media comments only, inside the asset). Members newly
    @-mentioned by an edit are notified (kind `mention`); those mentioned before are not again.
    """
    previously = set(instance.mentions.values_list("pk", flat=True))
    changes = {name: value for name, value in changes.items() if name in ("body", "resolved", "frame", "frame_end")}
    if "body" in changes and changes["body"] != instance.body:
        if instance.author_id != actor.pk:
            raise PermissionDeniedError("Only the author can change a comment's text.")
        changes["mentions"] = mentioned_members(production_id=instance.production_id, body=changes["body"])
    moved = {name: changes[name] for name in ("frame", "frame_end") if name in changes and changes[name] != getattr(instance, name)}
    if moved:
        if instance.author_id != actor.pk:
            raise PermissionDeniedError("Only the author can move a comment to other frames.")
        if instance.media_asset_id is None:
            raise ApplicationError("Only comments on media can be pinned to a frame.", code="invalid", extra={"fields": {"frame": ["Only on media."]}})
        frames = {"frame": instance.frame, "frame_end": instance.frame_end, **moved}
        if "frame" in moved and "frame_end" not in changes and frames["frame_end"] is not None and frames["frame"] is not None \
                and frames["frame_end"] < frames["frame"]:
            frames["frame_end"] = changes["frame_end"] = None  # moved past its old range end: a single frame again
        check_frames(asset=instance.media_asset, **frames)
    comment = entity_update(instance=instance, actor=actor, version=version, **changes)
    if "mentions" in changes:
        _notify_mentions(comment, actor=actor, previously=previously)
    return comment


def comment_delete(*, instance: Comment, actor) -> None:
    """Delete a comment and its replies: its author, or an owner/producer."""
    if instance.author_id != actor.pk:
        role = Membership.objects.filter(production_id=instance.production_id, user=actor).values_list("role", flat=True).first()
        if role not in MANAGER_ROLES:
            raise PermissionDeniedError("Only the author or a producer can delete a comment.")
    entity_delete(instance=instance, actor=actor)

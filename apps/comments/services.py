"""Writes on comments: threads, @mentions, resolving."""
from __future__ import annotations

import re

from django.contrib.auth import get_user_model

from apps.comments.models import TARGETS, Comment
from apps.core.errors import ApplicationError, PermissionDeniedError
from apps.core.services import entity_create, entity_delete, entity_update
from apps.productions.models import MANAGER_ROLES, Membership

MENTION = re.compile(r"(?<![\w@.])@([\w.+-]{1,150})")


def mentioned_members(*, production_id: int, body: str) -> list:
    """Users `@username`-mentioned in `body` who are on the production (others are ignored, not leaked)."""
    names = {name.rstrip(".") for name in MENTION.findall(body)}
    if not names:
        return []
    User = get_user_model()
    return list(User.objects.filter(username__in=names, memberships__production_id=production_id))


def comment_create(*, actor, body: str, parent: Comment | None = None, frame: int | None = None, production=None, **target) -> Comment:
    """Comment on exactly one target (scene, shot, take, continuity_note or media_asset), or reply to `parent`.

    A reply takes its parent's target. `frame` (0-based) pins a comment on a media asset to a
    frame and must lie inside the asset. Raises `ApplicationError` 400 for a missing or double
    target, a frame on a non-media target or past the end.
    """
    target = {name: obj for name, obj in target.items() if name in TARGETS and obj is not None}
    if parent is not None:
        if target and any(getattr(parent, f"{name}_id") != obj.pk for name, obj in target.items()):
            raise ApplicationError("A reply is on the same thing as the comment it answers.", code="invalid")
        target = {name: getattr(parent, name) for name in TARGETS if getattr(parent, f"{name}_id") is not None}
    if len(target) != 1:
        raise ApplicationError("Say what the comment is on: one of scene, shot, take, continuity_note, media_asset.", code="invalid")
    (kind, obj), = target.items()
    if frame is not None:
        if kind != "media_asset":
            raise ApplicationError("Only comments on media can be pinned to a frame.", code="invalid", extra={"fields": {"frame": ["Only on media."]}})
        total = obj.frame_count
        if total is not None and frame >= total:
            raise ApplicationError(f"Frame {frame} is past the end of the clip ({total} frames).", code="frame_out_of_range",
                                   extra={"fields": {"frame": [f"Must be below {total}."]}})
    comment = Comment(production_id=obj.production_id, author=actor, parent=parent, frame=frame, body=body, **{kind: obj})
    return entity_create(instance=comment, actor=actor, m2m={"mentions": mentioned_members(production_id=obj.production_id, body=body)})


def comment_update(*, instance: Comment, actor, version: int, **changes) -> Comment:
    """Edit a comment: only its author changes the text; anyone who may write resolves it. 409 when stale."""
    changes = {name: value for name, value in changes.items() if name in ("body", "resolved")}
    if "body" in changes and changes["body"] != instance.body:
        if instance.author_id != actor.pk:
            raise PermissionDeniedError("Only the author can change a comment's text.")
        changes["mentions"] = mentioned_members(production_id=instance.production_id, body=changes["body"])
    return entity_update(instance=instance, actor=actor, version=version, **changes)


def comment_delete(*, instance: Comment, actor) -> None:
    """Delete a comment and its replies: its author, or an owner/producer."""
    if instance.author_id != actor.pk:
        role = Membership.objects.filter(production_id=instance.production_id, user=actor).values_list("role", flat=True).first()
        if role not in MANAGER_ROLES:
            raise PermissionDeniedError("Only the author or a producer can delete a comment.")
    entity_delete(instance=instance, actor=actor)

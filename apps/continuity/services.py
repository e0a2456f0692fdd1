"""Writes on continuity notes and their photos."""
from __future__ import annotations

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from apps.continuity.models import ContinuityNote, ContinuityPhoto
from apps.core.errors import ApplicationError
from apps.core.uploads import check_upload_size, display_filename, generated_name, inspect_image, stored_upload
from apps.productions.entities import entity_create, entity_delete, entity_update
from apps.productions.selectors import mentioned_members
from apps.realtime.services import publish_entity


def _check_links(scene, shot, take) -> None:
    if shot is not None and scene is not None and shot.scene_id != scene.pk:
        raise ApplicationError("That shot is not in this scene.", code="invalid")
    if take is not None and shot is not None and take.shot_id != shot.pk:
        raise ApplicationError("That take is not of this shot.", code="invalid")


def _notify_mentions(note: ContinuityNote, *, actor, previously=()) -> None:
    from apps.notifications.services import mention_notify

    mention_notify(users=note.mentions.all(), previously=previously, production_id=note.production_id, actor=actor,
                   what=f"a continuity note on scene {note.scene.number}", text=note.body,
                   url=f"/productions/{note.production_id}/scenes/{note.scene_id}", entity="continuity_note", entity_id=note.pk)


@transaction.atomic
def continuity_note_create(*, actor, scene, shot=None, take=None, production=None, **fields) -> ContinuityNote:
    """Add a continuity note on a scene, optionally pinned to a shot and take of it.

    Members @-mentioned in the body are stored in `mentions` and notified (kind `mention`);
    anyone else's @name is ignored (not notified, not stored, not leaked).
    """
    fields.pop("mentions", None)
    if take is not None and shot is None:
        shot = take.shot
    _check_links(scene, shot, take)
    note = ContinuityNote(production_id=scene.production_id, scene=scene, shot=shot, take=take, author=actor, **fields)
    note = entity_create(instance=note, actor=actor,
                         m2m={"mentions": mentioned_members(production_id=scene.production_id, body=fields.get("body", ""))})
    _notify_mentions(note, actor=actor)
    return note


@transaction.atomic
def continuity_note_update(*, instance: ContinuityNote, actor, version: int, **changes) -> ContinuityNote:
    """Change a note (body, category, flag, links); 409 when stale.

    A new body re-reads its @-mentions; only members mentioned for the first time are notified.
    """
    changes.pop("production", None)
    changes.pop("mentions", None)
    _check_links(changes.get("scene", instance.scene), changes.get("shot", instance.shot), changes.get("take", instance.take))
    previously = set(instance.mentions.values_list("pk", flat=True))
    if "body" in changes and changes["body"] != instance.body:
        changes["mentions"] = mentioned_members(production_id=instance.production_id, body=changes["body"])
    note = entity_update(instance=instance, actor=actor, version=version, **changes)
    if "mentions" in changes:
        _notify_mentions(note, actor=actor, previously=previously)
    return note


def continuity_note_delete(*, instance: ContinuityNote, actor) -> None:
    """Delete a note and its photos (files removed after commit)."""
    names = list(instance.photos.values_list("file", flat=True))
    entity_delete(instance=instance, actor=actor)
    transaction.on_commit(lambda: [default_storage.delete(name) for name in names])


@transaction.atomic
def continuity_photo_add(*, note: ContinuityNote, actor, upload: UploadedFile) -> ContinuityPhoto:
    """Attach a photo (JPEG/PNG/WebP, checked by content, at most SLATE_MAX_PHOTO_UPLOAD_BYTES).

    Stored under a generated name; the file is removed again if the transaction rolls back.
    Publishes `continuity_photo.created` and `continuity_note.updated` (the note lists its photos).
    Raises `ApplicationError` 400 `not_an_image` / `empty_file`, 413 `too_large`.
    """
    check_upload_size(upload, limit_bytes=settings.SLATE_MAX_PHOTO_UPLOAD_BYTES, what="photo")
    extension, width, height = inspect_image(upload)
    with stored_upload(upload, generated_name("continuity", extension)) as name:
        photo = ContinuityPhoto.objects.create(
            production_id=note.production_id, note=note, file=name, original_name=display_filename(upload.name),
            width=width, height=height, size_bytes=upload.size, uploaded_by=actor,
        )
        publish_entity(photo, "created", actor=actor)
        # Fetched again: the caller's note may carry a prefetched photo list from before this one.
        publish_entity(ContinuityNote.objects.select_related("author").get(pk=note.pk), "updated", actor=actor)
    return photo


@transaction.atomic
def continuity_photo_delete(*, instance: ContinuityPhoto, actor) -> None:
    """Remove a photo from its note; the file goes after commit."""
    name, note = instance.file.name, instance.note
    entity_delete(instance=instance, actor=actor)
    publish_entity(note, "updated", actor=actor)
    transaction.on_commit(lambda: default_storage.delete(name))

"""Dailies: upload a clip or a camera card, link it to a take, version it. Processing is in apps.media.pipeline."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from PIL import Image

from apps.core.errors import ApplicationError
from apps.core.services import entity_delete, entity_update
from apps.core.uploads import check_upload_size, display_filename, generated_name, stored_upload
from apps.jobs.models import Job
from apps.jobs.services import JobCancelled, JobContext, job_create
from apps.media import ffmpeg
from apps.media.models import MediaAsset, MediaStatus, Rendition, RenditionKind
from apps.realtime.services import publish_entity

from apps.media.pipeline import PROCESS_KIND  # noqa: E402  (re-exported for callers)


def _probe_upload(upload: UploadedFile) -> ffmpeg.ProbeResult:
    """ffprobe the upload where it lies (a temporary file, or a copy of a small in-memory one)."""
    path = getattr(upload, "temporary_file_path", None)
    if path is not None:
        return ffmpeg.probe(path())
    with tempfile.NamedTemporaryFile(suffix=".upload") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
        handle.flush()
        upload.seek(0)
        return ffmpeg.probe(handle.name)


@transaction.atomic
def media_asset_upload(*, production, actor, upload: UploadedFile, take=None) -> MediaAsset:
    """Store an uploaded clip under a generated name and start its processing job.

    The file is judged by its content (ffprobe), never its name: anything without a readable video
    stream is refused before anything is stored. Raises `ApplicationError` 400 `empty_file` /
    `not_a_video`, 413 `too_large` (SLATE_MAX_MEDIA_UPLOAD_BYTES). Publishes `media_asset.created`
    and `job.created`; the asset's `job` is the processing job.
    """
    check_upload_size(upload, limit_bytes=settings.SLATE_MAX_MEDIA_UPLOAD_BYTES, what="clip")
    if take is not None and take.production_id != production.pk:
        raise ApplicationError("That take belongs to another production.", code="invalid")
    try:
        probe = _probe_upload(upload)
    except ffmpeg.MediaError as exc:
        raise ApplicationError(f"This file is not a video Slate can read: {exc}", code="not_a_video") from None
    extension = probe.format_name.split(",")[0][:8] or "bin"
    with stored_upload(upload, generated_name("media/originals", extension)) as name:
        asset = MediaAsset.objects.create(
            production=production, take=take, original=name, original_name=display_filename(upload.name),
            size_bytes=upload.size, uploaded_by=actor,
        )
        job = job_create(production_id=production.pk, kind=PROCESS_KIND, actor=actor, params={"asset_id": asset.pk})
        asset.job = job
        asset.save(update_fields=["job"])
        publish_entity(asset, "created", actor=actor)
    return asset


def media_asset_update(*, instance: MediaAsset, actor, version: int, **changes) -> MediaAsset:
    """Link a clip to a take (or unlink it); 409 when stale."""
    changes = {name: value for name, value in changes.items() if name in ("take",)}
    return entity_update(instance=instance, actor=actor, version=version, **changes)


def media_asset_delete(*, instance: MediaAsset, actor) -> None:
    """Delete a clip, its renditions and their files (after commit)."""
    names = [instance.original.name] + list(instance.renditions.values_list("file", flat=True))
    entity_delete(instance=instance, actor=actor)
    transaction.on_commit(lambda: [default_storage.delete(name) for name in names if name])

"""Media assets: a file judged by its content (clip, still or card ZIP) and recorded as a MediaAsset; deleting one.

`media_file_check` tells what a file is; `media_asset_record` moves it into media/originals and
creates the asset (a clip with its media.process job, a still `ready` with its JPEG poster from
`still_poster`), the next version of another when it replaces one. The routes that end here are in
apps.media.services.ingest (`media_ingest_file`); linking and review are in apps.media.services.review.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max, Q
from PIL import Image, UnidentifiedImageError

from apps.core.errors import ApplicationError
from apps.core.uploads import IMAGE_FORMATS, display_filename, generated_name
from apps.jobs.models import Job
from apps.jobs.services import job_create
from apps.media import ffmpeg
from apps.media.models import MediaAsset, MediaKind, MediaStatus, Rendition, RenditionKind
from apps.media.services.pipeline import PROCESS_KIND
from apps.media.storage import move_into_storage
from apps.productions.entities import entity_delete
from apps.realtime.services import publish_entity

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header, or the end record of an empty archive
ACCEPT_ALL = frozenset({"video", "image", "zip"})


@dataclass(frozen=True)
class MediaFileCheck:
    """What a file is, judged by its content: `kind` video | image | zip, the stored file's `extension`,
    ffprobe's `probe` for a video, `width`/`height` in pixels for a still."""

    kind: str
    extension: str
    probe: ffmpeg.ProbeResult | None = None
    width: int | None = None
    height: int | None = None


# --- judging a file by its content -------------------------------------------------------------------

def _looks_like_zip(path: Path) -> bool:
    with open(path, "rb") as handle:
        head = handle.read(4)
    return head in ZIP_MAGIC and zipfile.is_zipfile(path)


def _still(path: Path) -> tuple[str, int, int] | None:
    """`(extension, width, height)` of a JPEG/PNG/WebP still by Pillow, None for anything else (as apps.core.uploads.inspect_image)."""
    try:
        with Image.open(path) as image:
            fmt, (width, height) = image.format, image.size
            image.verify()
        if fmt not in IMAGE_FORMATS:
            return None
        with Image.open(path) as image:
            image.load()  # verify() does not decode pixels; a truncated file fails here
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    return IMAGE_FORMATS[fmt], width, height


def media_file_check(path: str | Path, *, accept=ACCEPT_ALL) -> MediaFileCheck:
    """Judge the file at `path` by its content, never its name.

    A ZIP (its local-file magic and a readable end record, zipfile.is_zipfile), a still (Pillow:
    JPEG, PNG, WebP, fully decoded) or a video (ffprobe, apps.media.ffmpeg.probe), tried in that
    order among the kinds in `accept`. Raises `ApplicationError` 400 `empty_file`, or
    `not_a_video` with ffprobe's reason for anything else.
    """
    path = Path(path)
    if path.stat().st_size == 0:
        raise ApplicationError("The file is empty.", code="empty_file")
    if "zip" in accept and _looks_like_zip(path):
        return MediaFileCheck(kind="zip", extension="zip")
    if "image" in accept and (still := _still(path)) is not None:
        extension, width, height = still
        return MediaFileCheck(kind="image", extension=extension, width=width, height=height)
    try:
        probe = ffmpeg.probe(path)
    except ffmpeg.MediaError as exc:
        raise ApplicationError(f"This file is not a video Slate can read: {exc}", code="not_a_video") from None
    return MediaFileCheck(kind="video", extension=probe.format_name.split(",")[0][:8] or "bin", probe=probe)


def still_poster(path: str | Path) -> tuple[str, int, int, int]:
    """Save a JPEG poster of a still (at most SLATE_PROXY_MAX_WIDTH wide, as storyboard frames get).

    Returns `(storage name, width px, height px, size bytes)`; the caller deletes it if what records it fails.
    """
    with Image.open(path) as image:
        poster = image.convert("RGB")
    poster.thumbnail((settings.SLATE_PROXY_MAX_WIDTH, settings.SLATE_PROXY_MAX_WIDTH * 4))
    buffer = io.BytesIO()  # a poster is small (≤ 1280 px wide JPEG)
    poster.save(buffer, "JPEG", quality=88)
    name = default_storage.save(generated_name("media/renditions", "jpg"), ContentFile(buffer.getvalue()))
    return name, poster.width, poster.height, buffer.tell()


# --- recording an asset --------------------------------------------------------------------------------

def check_links(*, production, take=None, replaces=None) -> None:
    """Refuse a take or an asset to replace from another production (400 `invalid`, nothing leaked)."""
    if take is not None and take.production_id != production.pk:
        raise ApplicationError("That take belongs to another production.", code="invalid")
    if replaces is not None and replaces.production_id != production.pk:
        raise ApplicationError("The asset to replace belongs to another production.", code="invalid")


def _placement(*, take, replaces) -> dict:
    """scene/shot/take and version fields of a new asset: a take sets its shot and scene; `replaces`
    makes it the next version of that lineage (v1 = replaces.first_version or replaces), links copied."""
    fields: dict = {}
    if replaces is not None:
        first = replaces.first_version or replaces
        first = MediaAsset.objects.select_for_update().get(pk=first.pk)  # one new version at a time per lineage
        highest = MediaAsset.objects.filter(Q(pk=first.pk) | Q(first_version=first)).aggregate(n=Max("version_number"))["n"] or 1
        fields.update(first_version=first, version_number=highest + 1, scene_id=replaces.scene_id, shot_id=replaces.shot_id,
                      take_id=replaces.take_id)
    if take is not None:
        shot = take.shot
        fields.update(take=take, shot=shot, scene_id=shot.scene_id)
    return fields


def media_asset_record(*, production, actor, source: Path, original_name: str, check: MediaFileCheck, sha256: str,
                  take=None, replaces=None, job: Job | None = None, poster: tuple | None = None,
                  moved: list[Path]) -> MediaAsset:
    """Inside the caller's transaction: move `source` to media/originals/<generated> and create the asset.

    A clip gets its own processing job (`asset.job`); a still is `ready` with its `poster` (from
    `still_poster`) and `job` (the card's ingest job, or none). Every moved file is appended to `moved`,
    so the caller can delete it when the transaction rolls back. Publishes `media_asset.created`.
    """
    size = source.stat().st_size
    name, dest = move_into_storage(source, "media/originals", check.extension)
    moved.append(dest)
    fields = dict(production=production, original=name, original_name=display_filename(original_name), size_bytes=size,
                  sha256=sha256, uploaded_by=actor, **_placement(take=take, replaces=replaces))
    if check.kind == "image":
        asset = MediaAsset.objects.create(kind=MediaKind.IMAGE, status=MediaStatus.READY, format_name=check.extension,
                                          width=check.width, height=check.height, job=job, **fields)
        poster_name, width, height, poster_bytes = poster
        Rendition.objects.create(asset=asset, kind=RenditionKind.POSTER, file=poster_name, content_type="image/jpeg",
                                 width=width, height=height, size_bytes=poster_bytes)
    else:
        asset = MediaAsset.objects.create(kind=MediaKind.VIDEO, **fields)
        asset.job = job_create(production_id=production.pk, kind=PROCESS_KIND, actor=actor, params={"asset_id": asset.pk})
        asset.save(update_fields=["job"])
    publish_entity(asset, "created", actor=actor)
    return asset


def media_asset_delete(*, instance: MediaAsset, actor) -> None:
    """Delete a clip, its renditions and their files (after commit)."""
    names = [instance.original.name] + list(instance.renditions.values_list("file", flat=True))
    entity_delete(instance=instance, actor=actor)
    transaction.on_commit(lambda: [default_storage.delete(name) for name in names if name])

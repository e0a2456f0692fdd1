"""Storyboards: order frames for a shot, store them as image media assets, keep templates and favourites.

An order is expanded (apps.generation.storyboards.expansion) when it is placed, so a bad template
is refused before any job exists; the job (`ai.storyboard`, apps.generation.storyboards.generate)
gets the finished list of prompts and seeds in its params.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image

from apps.core.errors import ApplicationError
from apps.productions.entities import entity_create, entity_delete, entity_update
from apps.core.uploads import display_filename, generated_name, inspect_image
from apps.generation.config import require_fal
from apps.generation.storyboards.expansion import ExpansionError, OrderItem, expand
from apps.generation.storyboards.models import StoryboardFavourite, StoryboardTemplate
from apps.jobs.models import Job
from apps.jobs.services import job_create
from apps.media.models import MediaAsset, MediaKind, MediaStatus, Rendition, RenditionKind
from apps.realtime.services import publish_entity
from apps.scenes.models import Shot

STORYBOARD_KIND = "ai.storyboard"
_MODEL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9][A-Za-z0-9_.-]*){1,3}$")


def invalid(exc: ExpansionError) -> ApplicationError:
    """The 400 for a template, style or seed list that cannot make an order (`extra.fields` names which)."""
    return ApplicationError(str(exc), code="invalid", extra={"fields": {exc.field: [str(exc)]}})


def shot_token_values(shot: Shot) -> dict[str, str]:
    """The values of the `{shot.*}` and `{scene.*}` tokens for `shot`, as a prompt wants them.

    Choices are spelled out ("Close-up", "Handheld", "INT."), not stored codes; a missing lens is "".
    """
    scene = shot.scene
    return {
        "shot.type": shot.get_type_display(), "shot.lens_mm": str(shot.lens_mm or ""), "shot.movement": shot.get_movement_display(),
        "shot.description": shot.description, "scene.location": scene.location, "scene.time_of_day": scene.time_of_day,
        "scene.int_ext": scene.get_int_ext_display() if scene.int_ext else "", "scene.slugline": scene.slugline,
    }


def storyboard_preview(*, shot: Shot, template: str, style: str | None = None, seeds: str = "1") -> list[OrderItem]:
    """What an order would send to fal.ai, item by item, without sending it (needs no FAL_KEY).

    Raises `ApplicationError` 400 `invalid` (`extra.fields.template|style|seeds`) when the order cannot be made.
    """
    try:
        return expand(template, values=shot_token_values(shot), style=style, seeds=seeds or "1",
                      max_items=settings.SLATE_STORYBOARD_MAX_IMAGES)
    except ExpansionError as exc:
        raise invalid(exc) from None


def model_id(model: str | None) -> str:
    """The fal model id of an order: `model` if given, else SLATE_FAL_MODEL; 400 for one that is not `owner/name[/path]`.

    Checked because it becomes part of the queue URL.
    """
    model = (model or "").strip() or settings.SLATE_FAL_MODEL
    if not _MODEL_ID.match(model) or ".." in model:
        message = f"{model!r} is not a fal.ai model id like fal-ai/flux/schnell."
        raise ApplicationError(message, code="invalid", extra={"fields": {"model": [message]}})
    return model


@transaction.atomic
def storyboard_order_start(*, shot: Shot, actor, template: str, style: str | None = None, seeds: str = "1",
                           model: str | None = None) -> Job:
    """Order storyboard frames for `shot`: expand the template and start an `ai.storyboard` job.

    Raises `NotConfiguredError` (503 `not_configured`) without FAL_KEY and 400 `invalid` for a template
    or model that cannot make an order — in both cases no job is created. Publishes `job.created`;
    the job's params are `{"shot_id", "template", "style", "seeds", "model", "count", "items": [{"prompt", "seed", "choices",
    "frame"}]}` (`frame`: the item's 1-based place in the order, `count` its size; a retry keeps them and lists only the
    frames not made).
    """
    require_fal()
    items = storyboard_preview(shot=shot, template=template, style=style, seeds=seeds)
    model = model_id(model)
    params = {"shot_id": shot.pk, "template": template, "style": style or "", "seeds": seeds or "1", "model": model,
              "count": len(items), "items": [item.as_dict() | {"frame": number} for number, item in enumerate(items, 1)]}
    return job_create(production_id=shot.production_id, kind=STORYBOARD_KIND, actor=actor, params=params,
                      message=f"Waiting for a worker ({len(items)} frame{'s' if len(items) != 1 else ''})")


# --- frames as media assets (called by the job) -------------------------------------------------

@dataclass
class StoredFrame:
    """An image fal.ai made, checked and saved to storage but not yet recorded: files under generated names."""

    item: dict
    original: str
    poster: str
    extension: str
    width: int
    height: int
    poster_width: int
    poster_height: int
    size_bytes: int
    poster_bytes: int
    request_id: str
    seed: int | None

    @property
    def names(self) -> list[str]:
        """The storage names to delete if the order does not finish."""
        return [self.original, self.poster]


def frame_save_files(*, data: bytes, item: dict, request_id: str, seed: int | None) -> StoredFrame:
    """Check `data` is an image (Pillow: JPEG, PNG or WebP, by content) and save it with a JPEG poster.

    The poster is at most SLATE_PROXY_MAX_WIDTH pixels wide, so existing views that show
    `renditions[kind=poster]` show the frame. Raises `ApplicationError` when fal sent something
    that is not a readable image. Saves files only; `storyboard_frames_record` makes the rows.
    """
    try:
        extension, width, height = inspect_image(io.BytesIO(data))
    except ApplicationError as exc:
        raise ApplicationError(f"fal.ai sent a frame that is not a readable image: {exc.message}") from None
    with Image.open(io.BytesIO(data)) as image:
        poster_image = image.convert("RGB")
    poster_image.thumbnail((settings.SLATE_PROXY_MAX_WIDTH, settings.SLATE_PROXY_MAX_WIDTH * 4))
    poster_buffer = io.BytesIO()
    poster_image.save(poster_buffer, "JPEG", quality=88)
    original = default_storage.save(generated_name("media/originals", extension), ContentFile(data))
    try:
        poster = default_storage.save(generated_name("media/renditions", "jpg"), ContentFile(poster_buffer.getvalue()))
    except BaseException:
        default_storage.delete(original)
        raise
    return StoredFrame(item=item, original=original, poster=poster, extension=extension, width=width, height=height,
                       poster_width=poster_image.width, poster_height=poster_image.height, size_bytes=len(data),
                       poster_bytes=poster_buffer.tell(), request_id=request_id, seed=seed)


@transaction.atomic
def storyboard_frames_record(*, job: Job, frames: list[StoredFrame]) -> list[MediaAsset]:
    """Record an order's saved frames as image media assets of its shot, all at once, in order.

    Each asset: `kind` image, `status` ready, `shot`, `job`, `generation` = {provider, model, prompt,
    seed, choices, request_id, job, frame, template, style}, a `poster` rendition (`frame`: the
    item's 1-based place in the order, so a retry knows which frames are made). Publishes
    `media_asset.created` for each (as the person who ordered). Raises `ApplicationError` when the
    shot was deleted meanwhile.
    """
    params = job.params
    shot = Shot.objects.select_related("scene").filter(pk=params["shot_id"]).first()
    if shot is None:
        raise ApplicationError("The shot was deleted while its storyboard frames were being made.")
    assets = []
    for frame in frames:
        item = frame.item
        label = " ".join(item.get("choices", {}).values())
        name = display_filename(f"{shot.scene.number}-{shot.number} {label} seed {item['seed']}.{frame.extension}")
        asset = MediaAsset.objects.create(
            production_id=shot.production_id, kind=MediaKind.IMAGE, shot=shot, original=frame.original, original_name=name,
            size_bytes=frame.size_bytes, status=MediaStatus.READY, format_name=frame.extension, width=frame.width,
            height=frame.height, job=job, uploaded_by=job.created_by,
            generation={"provider": "fal", "model": params["model"], "prompt": item["prompt"], "seed": item["seed"],
                        "returned_seed": frame.seed, "choices": item.get("choices", {}), "request_id": frame.request_id,
                        "job": str(job.pk), "frame": item.get("frame"), "template": params.get("template", ""),
                        "style": params.get("style", "")},
        )
        Rendition.objects.create(asset=asset, kind=RenditionKind.POSTER, file=frame.poster, content_type="image/jpeg",
                                 width=frame.poster_width, height=frame.poster_height, size_bytes=frame.poster_bytes)
        publish_entity(asset, "created", actor=job.created_by)
        assets.append(asset)
    return assets


def storyboard_frames_of(*, job: Job) -> list[MediaAsset]:
    """The frames an `ai.storyboard` job put on its shot (over all its runs), in the order's frame order."""
    assets = MediaAsset.objects.filter(job_id=job.pk, kind=MediaKind.IMAGE)
    return sorted(assets, key=lambda asset: (frame_number(asset) or 0, asset.pk))


def frame_number(asset: MediaAsset) -> int | None:
    """A storyboard frame's 1-based place in its order (`generation.frame`); None for frames recorded before it was kept."""
    return (asset.generation or {}).get("frame")


def frames_discard(frames: list[StoredFrame]) -> None:
    """Delete the files of frames that were saved but will not be recorded (a failed or cancelled order)."""
    for frame in frames:
        for name in frame.names:
            default_storage.delete(name)


# --- templates and favourites ------------------------------------------------------------------

def storyboard_template_create(*, actor, production, **fields) -> StoryboardTemplate:
    """Save a prompt template for the production; 400 when it does not parse or its name is taken."""
    return entity_create(instance=StoryboardTemplate(production=production, created_by=actor, **fields), actor=actor)


def storyboard_template_update(*, instance: StoryboardTemplate, actor, version: int, **changes) -> StoryboardTemplate:
    """Change a template's name, text, style or seeds; 409 when `version` is stale."""
    changes = {k: v for k, v in changes.items() if k in ("name", "template", "style", "seeds")}
    return entity_update(instance=instance, actor=actor, version=version, **changes)


def storyboard_template_delete(*, instance: StoryboardTemplate, actor) -> None:
    """Delete a template (frames made with it keep their prompts)."""
    entity_delete(instance=instance, actor=actor)


def storyboard_favourite_create(*, actor, media_asset: MediaAsset, note: str = "", production=None) -> StoryboardFavourite:
    """Mark a storyboard frame as a favourite of the production; 400 for a clip or a frame already marked."""
    favourite = StoryboardFavourite(production_id=media_asset.production_id, media_asset=media_asset, note=note, created_by=actor)
    return entity_create(instance=favourite, actor=actor)


def storyboard_favourite_update(*, instance: StoryboardFavourite, actor, version: int, **changes) -> StoryboardFavourite:
    """Change a favourite's note; 409 when `version` is stale."""
    changes = {k: v for k, v in changes.items() if k == "note"}
    return entity_update(instance=instance, actor=actor, version=version, **changes)


def storyboard_favourite_delete(*, instance: StoryboardFavourite, actor) -> None:
    """Unmark a favourite (the frame stays)."""
    entity_delete(instance=instance, actor=actor)

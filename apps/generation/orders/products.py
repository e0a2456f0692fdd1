"""Products of generation orders: the files a finished item brought back, recorded as media assets; the gallery's
favourites; a product used as a shot's storyboard frame; and a shot's board next to the take filmed for it.

A file is judged by its content, never by what the provider declared (apps.media.services.media_ingest_file: Pillow
for stills — JPEG, PNG, WebP — with a JPEG poster; ffprobe for a video, processed by its media.process job), stored
under a generated name, and linked to the order's shot when the order is for one. Its `generation` says how it was made.
"""
from __future__ import annotations

import io
import mimetypes

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.core.uploads import generated_name, inspect_image
from apps.generation.orders.models import GenerationItem, GenerationOrder, GenerationProduct, ItemStatus
from apps.generation.orders.services import item_change
from apps.generation.providers import ProviderOutput
from apps.jobs.services import JobCancelled
from apps.media.models import MediaAsset, MediaKind, Rendition, RenditionKind, RenditionStatus
from apps.media.services import media_asset_link, media_ingest_file
from apps.media.storage import STAGING_PREFIX, storage_path
from apps.productions.entities import entity_update
from apps.realtime.services import publish_entity
from apps.scenes.models import Shot

ACCEPT = {"image": frozenset({"image"}), "video": frozenset({"video"}), "audio": frozenset({"video"})}


def _stored(*, order: GenerationOrder, data: bytes, name: str, generation: dict, shot: Shot | None, actor) -> MediaAsset:
    """Judge `data` by its content and record it as a media asset of the order's production, on `shot`, with `generation`.

    Raises `ApplicationError` (`not_a_video`, `empty_file`) for a file that is not of the order's modality. Publishes
    `media_asset.created`, then `media_asset.updated` with its shot and `generation`.
    """
    if order.modality != "image" and _is_still(data):  # ffprobe reads a PNG as a one-frame "video"
        raise ApplicationError(f"{order.provider} sent a still image where {order.machine} makes a {order.modality}.",
                               code="not_a_video")
    staged = default_storage.save(generated_name(STAGING_PREFIX, "part"), ContentFile(data))
    asset = media_ingest_file(production=order.production, actor=actor, path=storage_path(staged), original_name=name,
                              accept=ACCEPT.get(order.modality, ACCEPT["image"]))
    asset.shot, asset.scene_id = shot, shot.scene_id if shot is not None else asset.scene_id
    asset.generation, asset.version = generation, asset.version + 1
    asset.save(update_fields=["shot", "scene", "generation", "version", "updated_at"])
    publish_entity(asset, "updated", actor=actor)
    return asset


def _is_still(data: bytes) -> bool:
    """True when `data` is a JPEG, PNG or WebP still (Pillow, by content)."""
    try:
        inspect_image(io.BytesIO(data))
    except ApplicationError:
        return False
    return True


def _discard(assets: list[MediaAsset]) -> None:
    """Delete the files of assets whose rows a rolled-back transaction takes away."""
    for asset in assets:
        for name in [asset.original.name, *Rendition.objects.filter(asset=asset).values_list("file", flat=True)]:
            if name:
                default_storage.delete(name)


def _file_name(order: GenerationOrder, item: GenerationItem, number: int, content_type: str, count: int) -> str:
    """e.g. "12-3 fal-flux-schnell order 7 item 4 seed 2.png": where, which machine, which item (and file when several)."""
    place = f"{order.shot.scene.number}-{order.shot.number} " if order.shot_id else ""
    seed = item.parameters.get("seed")
    extension = (mimetypes.guess_extension(content_type.split(";")[0].strip()) or ".bin").lstrip(".")
    part = f" file {number}" if count > 1 else ""
    return f"{place}{order.machine} order {order.pk} item {item.index}{part}{f' seed {seed}' if seed is not None else ''}.{extension}"


def products_record(*, item: GenerationItem, output: ProviderOutput, request_id: str) -> list[GenerationProduct]:
    """Record what a running item's request made: a media asset and a `GenerationProduct` per output file, and the item
    `succeeded` (progress 1, the reported cost) — all in one transaction.

    Each asset's `generation`: `{"provider", "model", "machine", "order", "item", "index", "parameters", "prompt",
    "seed", "request_id", "metadata"}` (the provider's metadata: seed, timings, predict_time...). Raises
    `ApplicationError` for a file that is not an image/video as the order's modality wants (nothing is kept), and
    `JobCancelled` when the item was cancelled or retried meanwhile (nothing is kept). Publishes `media_asset.*`,
    `generation_product.created`, `generation_item.updated` and the order's update.
    """
    order = GenerationOrder.objects.select_related("production", "shot__scene", "created_by").get(pk=item.order_id)
    made: list[MediaAsset] = []
    try:
        with transaction.atomic():
            # The order's row lock first, as item_change takes it, before anything here publishes: publishing takes the
            # production's event-order lock (apps.realtime.services), and a worker holding that lock while waiting for
            # the order (item_change below) deadlocked on PostgreSQL with one holding the order while publishing.
            GenerationOrder.objects.select_for_update().filter(pk=order.pk).first()
            products = []
            for number, file in enumerate(output.files, 1):
                generation = {"provider": order.provider, "model": order.model, "machine": order.machine, "order": order.pk,
                              "item": item.pk, "index": item.index, "parameters": item.parameters,
                              "prompt": item.parameters.get("prompt", ""), "seed": item.parameters.get("seed"),
                              "request_id": request_id, "metadata": output.metadata}
                asset = _stored(order=order, data=file.data, name=_file_name(order, item, number, file.content_type, len(output.files)),
                                generation=generation, shot=order.shot, actor=order.created_by)
                made.append(asset)
                product = GenerationProduct.objects.create(production_id=order.production_id, order=order, item=item, media_asset=asset)
                publish_entity(product, "created", actor=order.created_by)
                products.append(product)
            done = item_change(item_id=item.pk, allowed=(ItemStatus.RUNNING,), job_id=item.job_id, status=ItemStatus.SUCCEEDED,
                               progress=1.0, queue_position=None, cost_usd=output.cost_usd, finished_at=timezone.now())
            if done is None:
                raise JobCancelled()
    except BaseException:
        _discard(made)
        raise
    return products


def product_update(*, instance: GenerationProduct, actor, version: int, favourite: bool) -> GenerationProduct:
    """Mark or unmark a product as a favourite; 409 `conflict` when `version` is stale. Publishes `generation_product.updated`."""
    return entity_update(instance=instance, actor=actor, version=version, favourite=favourite)


@transaction.atomic
def product_use_as_frame(*, product: GenerationProduct, shot: Shot, actor) -> MediaAsset:
    """Make an image product a storyboard frame of `shot`: its asset is linked to the shot when it is on no shot (or on
    that one already); an asset on another shot stays there and a copy (same file, its own poster) becomes the frame.

    Raises `ApplicationError` 400 `invalid` (`extra.field` "shot") for a shot of another production or a product that is
    not a still. Publishes `media_asset.updated` (or `.created` for a copy). Returns the frame's asset.
    """
    asset = product.media_asset
    if shot.production_id != product.production_id:
        raise ApplicationError("That shot belongs to another production.", code="invalid", extra={"field": "shot"})
    if asset.kind != MediaKind.IMAGE:
        raise ApplicationError("Only a still can be a storyboard frame.", code="invalid", extra={"field": "shot"})
    if asset.shot_id in (None, shot.pk):
        return media_asset_link(instance=asset, actor=actor, version=asset.version, shot=shot)
    with asset.original.open("rb") as handle:
        data = handle.read()
    order = GenerationOrder.objects.select_related("production").get(pk=product.order_id)
    return _stored(order=order, data=data, name=asset.original_name, generation={**asset.generation, "copied_from": asset.pk},
                   shot=shot, actor=actor)


def shot_board(*, shot: Shot) -> dict:
    """Board vs shot: `{"frames": [the shot's image assets, oldest first, renditions prefetched], "filmed": {"take",
    "take_number", "circled", "media_asset", "poster_url"} | None}`.

    The filmed take is the one whose clip has a ready poster frame: a circled (printed) take first, then the highest
    take number, then the clip's latest version.
    """
    frames = list(MediaAsset.objects.filter(shot=shot, kind=MediaKind.IMAGE).prefetch_related("renditions").order_by("created_at", "id"))
    poster = (Rendition.objects.filter(kind=RenditionKind.POSTER, status=RenditionStatus.READY, asset__take__shot=shot,
                                       asset__kind__in=(MediaKind.VIDEO, MediaKind.REEL))
              .select_related("asset__take").order_by("-asset__take__circled", "-asset__take__number", "-asset__version_number",
                                                      "-asset_id").first())
    filmed = None
    if poster is not None:
        take = poster.asset.take
        filmed = {"take": take.pk, "take_number": take.number, "circled": take.circled, "media_asset": poster.asset_id,
                  "poster_url": f"/api/media/{poster.asset_id}/renditions/{RenditionKind.POSTER}/"}
    return {"frames": frames, "filmed": filmed}

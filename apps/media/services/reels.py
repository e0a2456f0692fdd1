"""Selects reels: a shoot day's circled takes concatenated, in scene/shot/take order, with a burnt-in slate line (job `media.selects_reel`).

The reel is a MediaAsset of kind `reel` whose original is the rendered MP4; once rendered it goes
through the normal processing job (media.process) like any clip, so it gets its own proxy,
poster, filmstrip and waveform.
"""
from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections import Counter
from fractions import Fraction
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q

from apps.core.errors import ApplicationError
from apps.core.uploads import generated_name
from apps.jobs.scratch import scratch_dir
from apps.jobs.services import JobCancelled, JobContext, JobLost, job_create, job_handler
from apps.media import ffmpeg, render
from apps.media.models import MediaAsset, MediaKind, MediaStatus, Rendition, RenditionKind, RenditionStatus
from apps.media.services.pipeline import PROCESS_KIND
from apps.media.services.retrying import not_retryable
from apps.media.storage import file_sha256
from apps.realtime.services import publish_entity

REEL_KIND = "media.selects_reel"


def _natural(text: str) -> tuple:
    """Sort key that puts scene/shot '2' before '10' and '12' before '12A'."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part.upper()) for part in re.findall(r"\d+|\D+", text or ""))


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)


def selects_of_day(*, production_id: int, day: dt.date) -> list[MediaAsset]:
    """The assets of a shoot day's circled takes with a ready proxy, one per take, in scene/shot/take order.

    The day is the production's local date (settings.TIME_ZONE) of the asset's `recorded_at`, or of
    its `created_at` when the camera's recording time is unknown. Of several versions of a take the
    latest is used. Order: scene `script_order`, then scene number, shot order then number, take number.
    """
    start, end = _day_bounds(day)
    recorded = Q(recorded_at__gte=start, recorded_at__lt=end) | Q(recorded_at__isnull=True, created_at__gte=start, created_at__lt=end)
    assets = (MediaAsset.objects.filter(recorded, production_id=production_id, kind=MediaKind.VIDEO, take__circled=True,
                                        renditions__kind=RenditionKind.PROXY, renditions__status=RenditionStatus.READY)
              .select_related("take__shot__scene").prefetch_related("renditions").order_by("-version_number", "-created_at"))
    latest: dict[int, MediaAsset] = {}
    for asset in assets:
        latest.setdefault(asset.take_id, asset)

    def order(asset: MediaAsset) -> tuple:
        take = asset.take
        return (take.shot.scene.script_order, _natural(take.shot.scene.number), take.shot.order, _natural(take.shot.number), take.number)

    return sorted(latest.values(), key=order)


@transaction.atomic
def selects_reel_create(*, production, actor, date: dt.date) -> MediaAsset:
    """Start rendering the selects reel of a shoot day: a new MediaAsset of kind `reel` and its `media.selects_reel` job.

    The asset (status `uploaded`, no file yet) records the takes in `generation["selects_reel"]` =
    {"date": "YYYY-MM-DD", "takes": [{"take", "scene_number", "shot_number", "take_number", "asset"}]};
    its `job` is the render job, which then starts the asset's media.process job. Raises
    `ApplicationError` 400 `no_selects` when no circled take of that day has a ready proxy.
    Publishes `media_asset.created` and `job.created`.
    """
    selects = selects_of_day(production_id=production.pk, day=date)
    if not selects:
        raise ApplicationError(f"No circled take recorded on {date.isoformat()} has a ready proxy: nothing to put in a reel.",
                               code="no_selects")
    takes = [{"take": a.take_id, "scene_number": a.take.shot.scene.number, "shot_number": a.take.shot.number,
              "take_number": a.take.number, "asset": a.pk} for a in selects]
    reel = MediaAsset.objects.create(production=production, kind=MediaKind.REEL, original_name=f"Selects {date.isoformat()}.mp4",
                                     uploaded_by=actor, generation={"selects_reel": {"date": date.isoformat(), "takes": takes}})
    reel.job = job_create(production_id=production.pk, kind=REEL_KIND, actor=actor, params={"asset_id": reel.pk})
    reel.save(update_fields=["job"])
    publish_entity(reel, "created", actor=actor)
    return reel


def _take_label(take: dict) -> str:
    """The slate line of a take of the reel, e.g. "SC 10  SH 1  TK 2  " (burnt in; stripped in messages)."""
    return f"SC {take['scene_number']}  SH {take['shot_number']}  TK {take['take_number']}  "


def _take_sources(takes: list[dict]) -> list[tuple[dict, MediaAsset | None, Rendition | None]]:
    """Each take of the reel with its asset and its ready proxy (None when the asset was deleted or has no ready proxy)."""
    assets = MediaAsset.objects.in_bulk([t["asset"] for t in takes])
    proxies = {r.asset_id: r for r in Rendition.objects.filter(asset_id__in=assets, kind=RenditionKind.PROXY, status=RenditionStatus.READY)}
    return [(take, assets.get(take["asset"]), proxies.get(take["asset"])) for take in takes]


def _reel_items(takes: list[dict]) -> list[render.ReelItem]:
    """What the render needs of each take, read from its asset and proxy; `ApplicationError` when one is gone."""
    items = []
    for take, asset, proxy in _take_sources(takes):
        label = _take_label(take)
        if asset is None or proxy is None or not proxy.file:
            raise ApplicationError(f"The proxy of {label.strip()} is gone: make the reel again.")
        path = Path(default_storage.path(proxy.file.name))
        try:
            info = ffmpeg.probe(path)
        except ffmpeg.MediaError as exc:
            raise ApplicationError(f"The proxy of {label.strip()} cannot be read: {exc}") from None
        fps = Fraction(info.frame_rate)
        frames = asset.frame_count or round(info.duration_s * fps)
        start_tc = asset.timecode_at(0) or "00:00:00:00"
        items.append(render.ReelItem(path=path, duration_s=float(frames / fps), fps=fps, has_audio=info.audio_codec is not None,
                                     label=label, start_timecode=start_tc, size=(info.width, info.height)))
    return items


def _set_reel(asset: MediaAsset, **fields) -> None:
    with transaction.atomic():
        for name, value in fields.items():
            setattr(asset, name, value)
        asset.save(update_fields=[*fields, "updated_at"])
        publish_entity(asset, "updated")


def _reel_cancelled_before_start(job) -> None:
    """A reel whose render job was cancelled while pending is `failed`, not left waiting for good."""
    asset = MediaAsset.objects.filter(pk=job.params.get("asset_id"), kind="reel", status=MediaStatus.UPLOADED).first()
    if asset is not None:
        _set_reel(asset, status=MediaStatus.FAILED, error="The reel was cancelled before it started.")


def _reel_retry(job) -> None:
    """Retry preparation of a failed reel render: the reel goes back to `uploaded` with no error (`media_asset.updated`).

    Refuses (400 `not_retryable`) when the reel was deleted, when it was rendered already (its processing is a job
    of its own), or when a take's clip was deleted or its proxy is not ready or missing from storage: the reel is
    the takes it was made of, so a new one is made for that day instead.
    """
    asset = MediaAsset.objects.select_for_update().filter(pk=job.params.get("asset_id"), kind=MediaKind.REEL).first()
    if asset is None:
        raise not_retryable("The selects reel was deleted: there is nothing to render.")
    if asset.original.name:
        raise not_retryable("This selects reel was rendered already: its processing is a job of its own.")
    reel = asset.generation["selects_reel"]
    for take, source, proxy in _take_sources(reel["takes"]):
        label = _take_label(take).strip()
        if source is None:
            raise not_retryable(f"The clip of {label} was deleted: make a new selects reel for {reel['date']}.")
        if proxy is None or not proxy.file or not default_storage.exists(proxy.file.name):
            raise not_retryable(f"The proxy of {label} is gone: make a new selects reel for {reel['date']}.")
    _set_reel(asset, status=MediaStatus.UPLOADED, error="")
    return None


@job_handler(REEL_KIND, on_cancel_pending=_reel_cancelled_before_start, on_retry=_reel_retry)
def selects_reel_render(ctx: JobContext) -> dict:
    """Job handler: render the reel's takes into one MP4 (apps.media.render.reel_command), store it as the asset's original, and
    start its media.process job.

    Size: the largest proxy's (at most SLATE_PROXY_MAX_WIDTH wide, 1280x720 by default); rate: the
    most common among the takes. Progress 0–100 % from ffmpeg. On failure or cancel the asset is
    `failed` with a readable `error` and nothing is stored. Returns {"asset_id", "takes", "duration_s", "process_job"}.
    """
    asset = MediaAsset.objects.get(pk=ctx.params["asset_id"])
    takes = asset.generation["selects_reel"]["takes"]
    _set_reel(asset, status=MediaStatus.PROCESSING, error="")
    ctx.progress(0.0, "Rendering the selects reel", force=True)
    name = None
    try:
        items = _reel_items(takes)
        width, height = max((item.size for item in items), key=lambda size: size[0] * size[1])
        width, height = width // 2 * 2, height // 2 * 2
        fps = Counter(item.fps for item in items).most_common(1)[0][0]
        duration_s = sum(item.duration_s for item in items)
        try:
            with scratch_dir("slate-reel-") as tmp:
                out = Path(tmp) / "reel.mp4"
                args = render.reel_command(items, out, width=width, height=height, fps=fps, font=settings.SLATE_REEL_FONT)
                ffmpeg.run_with_progress(args, out, duration_s, lambda fraction: ctx.progress(fraction, "Rendering the selects reel"),
                                           settings.SLATE_FFMPEG_TIMEOUT_S, what="the selects reel")
                digest = file_sha256(out)
                with out.open("rb") as handle:
                    name = default_storage.save(generated_name("media/originals", "mp4"), File(handle))
                size = out.stat().st_size
        except ffmpeg.MediaError as exc:
            raise ApplicationError(f"Could not render the selects reel: {exc}") from None
        with transaction.atomic():
            process = job_create(production_id=asset.production_id, kind=PROCESS_KIND, actor=ctx.job.created_by,
                                 params={"asset_id": asset.pk})
            _set_reel(asset, original=name, size_bytes=size, sha256=digest, status=MediaStatus.UPLOADED, job=process)
    except JobLost:
        raise  # another attempt owns the job now: its reel is not ours to mark
    except BaseException as exc:
        if name:
            default_storage.delete(name)  # stored, but recording it failed: no file that no row names
        reason = "The reel was cancelled." if isinstance(exc, JobCancelled) else getattr(exc, "message", str(exc))
        _set_reel(asset, status=MediaStatus.FAILED, error=reason)
        raise
    return {"asset_id": asset.pk, "takes": len(items), "duration_s": round(duration_s, 3), "process_job": str(process.pk)}


"""Dailies processing, run by the worker: probe a clip, then make each rendition (poster, proxy, ...) with its own status."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image

from apps.core.errors import ApplicationError
from apps.core.uploads import generated_name
from apps.jobs.services import JobCancelled, JobContext
from apps.media import ffmpeg
from apps.media.models import MediaAsset, MediaStatus, Rendition, RenditionKind
from apps.realtime.services import publish_entity

PROCESS_KIND = "media.process"



def _set_state(asset: MediaAsset, **fields) -> None:
    with transaction.atomic():
        for name, value in fields.items():
            setattr(asset, name, value)
        asset.save(update_fields=[*fields, "updated_at"])
        publish_entity(asset, "updated")


def _store_rendition(asset: MediaAsset, kind: str, path: Path, *, content_type: str, extension: str, width=None, height=None) -> Rendition:
    with path.open("rb") as handle:
        name = default_storage.save(generated_name("media/renditions", extension), File(handle))
    old = Rendition.objects.filter(asset=asset, kind=kind).first()
    if old is not None:
        default_storage.delete(old.file.name)
        old.delete()
    return Rendition.objects.create(asset=asset, kind=kind, file=name, content_type=content_type, width=width, height=height,
                                    size_bytes=path.stat().st_size)


def media_asset_process(ctx: JobContext) -> dict:
    """Job handler: probe the original, store its metadata, make the poster frame and the web proxy.

    Progress: 0–5 % probe, 5–10 % poster, 10–100 % proxy (from ffmpeg's `-progress` output).
    Raises `ApplicationError` with ffprobe/ffmpeg's reason on unreadable media, `JobCancelled`
    when cancelled; renditions made so far are removed on any failure. Returns
    `{"asset_id", "duration_s", "renditions": [kinds]}`.
    """
    asset = MediaAsset.objects.get(pk=ctx.params["asset_id"])
    source = Path(default_storage.path(asset.original.name))
    _set_state(asset, status=MediaStatus.PROCESSING, error="")
    made: list[Rendition] = []
    try:
        ctx.progress(0.01, "Reading the file", force=True)
        try:
            probe = ffmpeg.probe(source)
        except ffmpeg.MediaError as exc:
            raise ApplicationError(f"ffprobe could not read this clip: {exc}") from None
        _set_state(
            asset, format_name=probe.format_name[:100], duration_s=probe.duration_s, frame_rate=probe.frame_rate,
            frame_rate_fps=probe.frame_rate_fps, width=probe.width, height=probe.height, video_codec=probe.video_codec,
            audio_codec=probe.audio_codec or "", audio_channels=probe.audio_channels, start_timecode=probe.start_timecode or "",
            reel_name=(probe.reel_name or "")[:100], probe=probe.raw,
        )
        ctx.progress(0.05, "Making the poster frame", force=True)
        with tempfile.TemporaryDirectory(prefix="slate-media-") as tmp:
            poster = Path(tmp) / "poster.jpg"
            try:
                ffmpeg.make_poster(source, poster, max_width=settings.SLATE_PROXY_MAX_WIDTH)
            except ffmpeg.MediaError as exc:
                raise ApplicationError(f"Could not make the poster frame: {exc}") from None
            with Image.open(poster) as image:
                size = image.size
            made.append(_store_rendition(asset, RenditionKind.POSTER, poster, content_type="image/jpeg", extension="jpg",
                                         width=size[0], height=size[1]))
            ctx.progress(0.10, "Making the web proxy", force=True)

            cancelled = False

            def on_progress(fraction: float) -> bool:
                nonlocal cancelled
                try:
                    ctx.progress(0.10 + 0.90 * fraction, "Making the web proxy")
                except JobCancelled:
                    cancelled = True
                    return False
                return True

            proxy = Path(tmp) / "proxy.mp4"
            try:
                ffmpeg.make_proxy(source, proxy, duration_s=probe.duration_s, max_width=settings.SLATE_PROXY_MAX_WIDTH,
                                  on_progress=on_progress, timeout_s=settings.SLATE_FFMPEG_TIMEOUT_S)
            except ffmpeg.MediaCancelled:
                raise JobCancelled() from None
            except ffmpeg.MediaError as exc:
                raise ApplicationError(f"Could not make the web proxy: {exc}") from None
            if cancelled:
                raise JobCancelled()
            try:
                proxy_probe = ffmpeg.probe(proxy)
            except ffmpeg.MediaError as exc:
                raise ApplicationError(f"The web proxy Slate made cannot be read: {exc}") from None
            # ffmpeg exits 0 on a truncated file (it only logs "partial file"): a proxy much shorter
            # than the duration the container declares means the upload is incomplete.
            if proxy_probe.duration_s < probe.duration_s * 0.9 - 0.5:
                raise ApplicationError(
                    f"This clip is damaged or incomplete: only {proxy_probe.duration_s:.1f} s of its "
                    f"{probe.duration_s:.1f} s could be decoded. Upload the camera file again."
                )
            made.append(_store_rendition(asset, RenditionKind.PROXY, proxy, content_type="video/mp4", extension="mp4",
                                         width=proxy_probe.width, height=proxy_probe.height))
        _set_state(asset, status=MediaStatus.READY, error="")
    except BaseException as exc:
        for rendition in made:
            default_storage.delete(rendition.file.name)
            rendition.delete()
        reason = "Processing was cancelled." if isinstance(exc, JobCancelled) else getattr(exc, "message", str(exc))
        _set_state(asset, status=MediaStatus.FAILED, error=reason)
        raise
    return {"asset_id": asset.pk, "duration_s": asset.duration_s, "renditions": [str(r.kind) for r in made]}


def rendition_path(rendition: Rendition) -> str:
    """Absolute path of a rendition's file on this host's storage."""
    return os.fspath(default_storage.path(rendition.file.name))

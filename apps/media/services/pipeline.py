"""Dailies processing, run by the worker: probe a clip, then make each rendition with its own status.

`media_asset_process` (job kind media.process) creates the four renditions as `pending` up front and
moves each through processing -> ready | failed | skipped, publishing `media_asset.updated` on every
change so that every screen shows it live. Only the proxy decodes the original in full (the poster
seeks to one frame); the filmstrip and the waveform are made from the finished proxy. The asset is
`ready` once poster and proxy are; a failed filmstrip or waveform only marks its own rendition.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from apps.core import metrics
from apps.core.errors import ApplicationError
from apps.core.uploads import generated_name
from apps.jobs.scratch import scratch_dir
from apps.jobs.services import JobCancelled, JobContext, JobLost, job_handler
from apps.media import ffmpeg, naming
from apps.media.models import MediaAsset, MediaKind, MediaStatus, Rendition, RenditionKind, RenditionStatus
from apps.media.services.retrying import delete_files_on_commit, not_retryable, require_original
from apps.media.storage import file_sha256
from apps.realtime.services import publish_entity

PROCESS_KIND = "media.process"
NO_AUDIO = "The clip has no audio."
CANCELLED = "Processing was cancelled."

# Job progress (0..1) at the start of each step; the proxy fills PROXY..FILMSTRIP from ffmpeg's -progress.
PROBE, POSTER, PROXY, FILMSTRIP, WAVEFORM, CHECKSUM = 0.01, 0.05, 0.10, 0.90, 0.95, 0.98

Progress = Callable[[float, str], None]


def _set_state(asset: MediaAsset, **fields) -> None:
    """Save some fields of the asset (only those: a concurrent link by hand is kept) and publish it."""
    with transaction.atomic():
        MediaAsset.objects.filter(pk=asset.pk).update(**fields, updated_at=timezone.now())
        asset.refresh_from_db()
        publish_entity(asset, "updated")


def processing_cancelled_before_start(job) -> None:
    """The asset of a media.process job cancelled while pending is `failed` ("cancelled"), not left `uploaded`."""
    asset = MediaAsset.objects.filter(pk=job.params.get("asset_id"), status=MediaStatus.UPLOADED).first()
    if asset is not None:
        _set_state(asset, status=MediaStatus.FAILED, error="Processing was cancelled before it started.")


def processing_retry(job) -> None:
    """Retry preparation of a failed media.process job (`job_handler(on_retry=...)`): the asset goes back to `uploaded`.

    Refuses (`ApplicationError` 400 `not_retryable`) when the asset was deleted, when a later job processes it now
    (its `job`), or when its original is missing from storage. Otherwise any renditions left (a worker that stopped
    mid-run, a failure after the asset was ready) are removed, their files once the retry commits, and the asset is
    `uploaded` with no error, published as `media_asset.updated`; a still (never processed) is left as it is.
    Returns None: the params stay {"asset_id"}.
    """
    asset = MediaAsset.objects.select_for_update().filter(pk=job.params.get("asset_id")).first()
    if asset is None:
        raise not_retryable("The clip was deleted: there is nothing to process.")
    if asset.job_id not in (None, job.pk):
        raise not_retryable(f"{asset.original_name} is processed by a later job now: retry that one if it failed.")
    if asset.kind == MediaKind.IMAGE:
        return None
    require_original(asset, then="upload the camera file again")
    renditions = Rendition.objects.filter(asset=asset)
    delete_files_on_commit([r.file.name for r in renditions])
    renditions.delete()
    _set_state(asset, status=MediaStatus.UPLOADED, error="")
    return None


def _set_rendition(asset: MediaAsset, rendition: Rendition, **fields) -> None:
    """Save some fields of a rendition and publish its asset (renditions travel nested in media_asset.updated)."""
    with transaction.atomic():
        for name, value in fields.items():
            setattr(rendition, name, value)
        rendition.save(update_fields=[*fields, "updated_at"])
        asset.refresh_from_db()
        publish_entity(asset, "updated")


def _remove_renditions(asset: MediaAsset) -> None:
    """Delete every rendition row of the asset and its file (a re-run starts clean; a failure leaves nothing)."""
    for rendition in Rendition.objects.filter(asset=asset):
        if rendition.file:
            default_storage.delete(rendition.file.name)
        rendition.delete()


def _start_renditions(asset: MediaAsset) -> dict[str, Rendition]:
    """Replace the asset's renditions with four `pending` rows (poster, proxy, filmstrip, waveform)."""
    with transaction.atomic():
        _remove_renditions(asset)
        rows = {kind: Rendition.objects.create(asset=asset, kind=kind, status=RenditionStatus.PENDING)
                for kind in (RenditionKind.POSTER, RenditionKind.PROXY, RenditionKind.FILMSTRIP, RenditionKind.WAVEFORM)}
        asset.refresh_from_db()
        publish_entity(asset, "updated")
    return rows


def _store(asset: MediaAsset, rendition: Rendition, path: Path, *, content_type: str, width=None, height=None,
           meta: dict | None = None) -> None:
    """Store a made file under a generated name and mark its rendition ready (published)."""
    with path.open("rb") as handle:
        name = default_storage.save(generated_name("media/renditions", path.suffix.lstrip(".")), File(handle))
    _set_rendition(asset, rendition, status=RenditionStatus.READY, error="", file=name, content_type=content_type,
                   width=width, height=height, size_bytes=path.stat().st_size, meta=meta or {})


def proxy_step(source: Path, dest: Path, probe: ffmpeg.ProbeResult, progress: Progress,
               timings: dict[str, float] | None = None) -> ffmpeg.ProbeResult:
    """Make the web proxy of `source` at `dest` as the job does, and return the proxy's probe.

    timings: when given, receives "encode_s" (ffmpeg run under the wrapper) and "check_s" (the ffprobe
    of the finished proxy), wall-clock seconds, for `bench_media`.

    progress(fraction 0..1 of this step, message) is called about twice a second from ffmpeg's
    `-progress` report and may raise JobCancelled, which stops ffmpeg. Raises ApplicationError with
    ffmpeg's reason, or when the proxy is much shorter than the clip (ffmpeg exits 0 on a truncated
    file and only logs "partial file"), and JobCancelled. Used by the job and by `bench_media`.
    """
    cancelled = False

    def on_progress(fraction: float) -> bool:
        nonlocal cancelled
        try:
            progress(fraction, "Making the web proxy")
        except JobCancelled:
            cancelled = True
            return False
        return True

    started = time.perf_counter()
    try:
        ffmpeg.make_proxy(source, dest, duration_s=probe.duration_s, max_width=settings.SLATE_PROXY_MAX_WIDTH,
                          on_progress=on_progress, timeout_s=settings.SLATE_FFMPEG_TIMEOUT_S, info=probe)
    except ffmpeg.MediaCancelled:
        raise JobCancelled() from None
    except ffmpeg.MediaError as exc:
        raise ApplicationError(f"Could not make the web proxy: {exc}") from None
    if cancelled:
        raise JobCancelled()
    encoded = time.perf_counter()
    try:
        made = ffmpeg.probe(dest)
    except ffmpeg.MediaError as exc:
        raise ApplicationError(f"The web proxy Slate made cannot be read: {exc}") from None
    if timings is not None:
        timings.update(encode_s=encoded - started, check_s=time.perf_counter() - encoded)
    if made.duration_s < probe.duration_s * 0.9 - 0.5:
        raise ApplicationError(
            f"This clip is damaged or incomplete: only {made.duration_s:.1f} s of its "
            f"{probe.duration_s:.1f} s could be decoded. Upload the camera file again."
        )
    return made


@job_handler(PROCESS_KIND, on_cancel_pending=processing_cancelled_before_start, on_retry=processing_retry)
def media_asset_process(ctx: JobContext) -> dict:
    """Job handler (media.process): probe a clip, make its poster, proxy, filmstrip and waveform.

    ctx.params: {"asset_id"}. Stills (kind image) already have their poster: a no-op success.
    Stores what the probe read (frame rate, start timecode, reel, clip name, recorded_at), the
    link suggestion (apps.media.naming.link_suggestion_for) and, when missing, the original's SHA-256.
    Progress: probe 1 %, poster 5 %, proxy 10-90 % (ffmpeg's -progress), filmstrip 90 %,
    waveform 95 %, checksum 98-100 %. The asset is `ready` after poster and proxy; the filmstrip and
    the waveform (made from the proxy) never fail the job: their rendition records the error, and a
    clip without sound gets a `skipped` waveform. Raises ApplicationError with ffprobe's/ffmpeg's
    reason when the clip is unreadable or the poster or proxy fails, JobCancelled when cancelled;
    until the asset is ready, any failure removes every rendition (rows and files) and marks the
    asset failed. Returns {"asset_id", "duration_s", "renditions": {kind: status}}.
    """
    asset = MediaAsset.objects.get(pk=ctx.params["asset_id"])
    if asset.kind == MediaKind.IMAGE:
        return {"asset_id": asset.pk, "skipped": "A still is not processed: its poster was made on upload."}
    source = Path(default_storage.path(asset.original.name))
    _set_state(asset, status=MediaStatus.PROCESSING, error="")
    renditions = _start_renditions(asset)
    with scratch_dir("slate-media-") as tmp:
        try:
            probe = _probe(ctx, asset, source)
            _poster(ctx, asset, renditions[RenditionKind.POSTER], source, probe, Path(tmp))
            proxy_path, proxy = _proxy(ctx, asset, renditions[RenditionKind.PROXY], source, probe, Path(tmp))
            _set_state(asset, status=MediaStatus.READY, error="")
        except JobLost:
            raise  # another attempt owns the job now: the asset and its renditions are its to finish
        except BaseException as exc:
            _remove_renditions(asset)
            reason = CANCELLED if isinstance(exc, JobCancelled) else getattr(exc, "message", str(exc))
            _set_state(asset, status=MediaStatus.FAILED, error=reason)
            raise
        try:
            _extras(ctx, asset, renditions, proxy_path, proxy)
        except JobCancelled:  # the asset stays ready; what was not made says so
            for rendition in renditions.values():
                if rendition.status in (RenditionStatus.PENDING, RenditionStatus.PROCESSING):
                    _set_rendition(asset, rendition, status=RenditionStatus.FAILED, error=CANCELLED)
            raise
    if not asset.sha256:
        ctx.progress(CHECKSUM, "Checking the file", force=True)
        size = max(1, source.stat().st_size)
        digest = file_sha256(source, on_block=lambda done: ctx.progress(CHECKSUM + (1 - CHECKSUM) * done / size))
        _set_state(asset, sha256=digest)
    ctx.progress(1.0, "Done", force=True)
    return {"asset_id": asset.pk, "duration_s": asset.duration_s,
            "renditions": {r.kind: r.status for r in Rendition.objects.filter(asset=asset)}}


def _extras(ctx: JobContext, asset: MediaAsset, renditions: dict[str, Rendition], proxy_path: Path,
            proxy: ffmpeg.ProbeResult) -> None:
    """Make the filmstrip and the waveform from the finished proxy; neither fails the job."""
    filmstrip, waveform = renditions[RenditionKind.FILMSTRIP], renditions[RenditionKind.WAVEFORM]
    ctx.progress(FILMSTRIP, "Making the filmstrip", force=True)
    _optional(asset, filmstrip, lambda: _filmstrip(asset, filmstrip, proxy_path, proxy))
    ctx.progress(WAVEFORM, "Drawing the waveform", force=True)
    if proxy.audio_codec is None:
        _set_rendition(asset, waveform, status=RenditionStatus.SKIPPED, error=NO_AUDIO)
    else:
        _optional(asset, waveform, lambda: _waveform(asset, waveform, proxy_path, proxy))


def _probe(ctx: JobContext, asset: MediaAsset, source: Path) -> ffmpeg.ProbeResult:
    """Probe the original; store its metadata and the link suggestion on the asset."""
    ctx.progress(PROBE, "Reading the file", force=True)
    try:
        probe = ffmpeg.probe(source)
    except ffmpeg.ToolMissing as exc:
        raise ApplicationError(f"{exc}.") from None  # the worker lacks ffprobe: say so, not "this clip cannot be read"
    except ffmpeg.MediaError as exc:
        raise ApplicationError(f"This clip cannot be read: {exc}") from None
    suggestion = naming.link_suggestion_for(production_id=asset.production_id, file_name=asset.original_name,
                                            tags=probe.tags)
    _set_state(
        asset, format_name=probe.format_name[:100], duration_s=probe.duration_s, frame_rate=probe.frame_rate,
        frame_rate_fps=probe.frame_rate_fps, width=probe.width, height=probe.height, video_codec=probe.video_codec,
        audio_codec=probe.audio_codec or "", audio_channels=probe.audio_channels, start_timecode=probe.start_timecode or "",
        reel_name=(probe.reel_name or "")[:100], clip_name=(probe.clip_name or "")[:200],
        recorded_at=probe.recorded_at, link_suggestion=suggestion, probe=probe.raw,
    )
    return probe


def _poster(ctx, asset, rendition, source: Path, probe: ffmpeg.ProbeResult, tmp: Path) -> None:
    """Make the poster frame (one frame decoded by seeking); ApplicationError when it fails."""
    ctx.progress(POSTER, "Making the poster frame", force=True)
    _set_rendition(asset, rendition, status=RenditionStatus.PROCESSING)
    poster = tmp / "poster.jpg"
    try:
        ffmpeg.make_poster(source, poster, max_width=settings.SLATE_PROXY_MAX_WIDTH, info=probe)
    except ffmpeg.MediaError as exc:
        _set_rendition(asset, rendition, status=RenditionStatus.FAILED, error=str(exc))
        raise ApplicationError(f"Could not make the poster frame: {exc}") from None
    width, height = ffmpeg.image_size(poster)
    _store(asset, rendition, poster, content_type="image/jpeg", width=width, height=height)


def _proxy(ctx, asset, rendition, source: Path, probe: ffmpeg.ProbeResult, tmp: Path) -> tuple[Path, ffmpeg.ProbeResult]:
    """Make the web proxy (the one full decode of the original); its path and probe."""
    ctx.progress(PROXY, "Making the web proxy", force=True)
    _set_rendition(asset, rendition, status=RenditionStatus.PROCESSING)
    path = tmp / "proxy.mp4"
    timings: dict[str, float] = {}
    try:
        made = proxy_step(source, path, probe, lambda fraction, message: ctx.progress(PROXY + (FILMSTRIP - PROXY) * fraction,
                                                                                     message), timings=timings)
    except ApplicationError as exc:
        _set_rendition(asset, rendition, status=RenditionStatus.FAILED, error=exc.message)
        raise
    _observe_speed(RenditionKind.PROXY, probe.duration_s, timings.get("encode_s", 0.0))
    _store(asset, rendition, path, content_type="video/mp4", width=made.width, height=made.height,
           meta={"frame_rate": made.frame_rate, "frame_count": made.frame_count, "duration_s": made.duration_s})
    return path, made


def _optional(asset: MediaAsset, rendition: Rendition, make: Callable[[], None]) -> None:
    """Run a rendition step that must not fail the job: a MediaError is recorded on its rendition only.

    Cancellation or an unexpected error (a bug) marks the rendition failed and is raised on.
    """
    _set_rendition(asset, rendition, status=RenditionStatus.PROCESSING)
    try:
        make()
    except ffmpeg.MediaError as exc:
        message = str(exc)
        _set_rendition(asset, rendition, status=RenditionStatus.FAILED, error=message[:1].upper() + message[1:])
    except JobLost:
        raise
    except BaseException as exc:
        reason = CANCELLED if isinstance(exc, JobCancelled) else "Slate could not make it (an unexpected error)."
        _set_rendition(asset, rendition, status=RenditionStatus.FAILED, error=reason)
        raise


def _filmstrip(asset: MediaAsset, rendition: Rendition, proxy_path: Path, proxy: ffmpeg.ProbeResult) -> None:
    """Make the scrub filmstrip from the finished proxy (not the original: smaller, and it is what the player shows)."""
    frame_count = proxy.frame_count or max(1, round(proxy.duration_s * proxy.frame_rate_fps))
    path = proxy_path.with_name("filmstrip.jpg")
    started = time.monotonic()
    meta = ffmpeg.make_filmstrip(proxy_path, path, frame_count=frame_count, frame_rate=proxy.frame_rate,
                                 max_tiles=settings.SLATE_FILMSTRIP_MAX_TILES, tile_width=settings.SLATE_FILMSTRIP_TILE_WIDTH,
                                 timeout_s=settings.SLATE_FFMPEG_TIMEOUT_S)
    _observe_speed(RenditionKind.FILMSTRIP, proxy.duration_s, time.monotonic() - started)
    _store(asset, rendition, path, content_type="image/jpeg", width=meta["columns"] * meta["tile_width"],
           height=meta["rows"] * meta["tile_height"], meta=meta)


def _waveform(asset: MediaAsset, rendition: Rendition, proxy_path: Path, proxy: ffmpeg.ProbeResult) -> None:
    """Draw the waveform from the finished proxy's AAC (not the original's PCM or 5.1: far less to decode)."""
    path = proxy_path.with_name("waveform.png")
    started = time.monotonic()
    meta = ffmpeg.make_waveform(proxy_path, path, size=settings.SLATE_WAVEFORM_SIZE, duration_s=proxy.duration_s,
                                timeout_s=settings.SLATE_FFMPEG_TIMEOUT_S)
    _observe_speed(RenditionKind.WAVEFORM, proxy.duration_s, time.monotonic() - started)
    _store(asset, rendition, path, content_type="image/png", width=meta["width"], height=meta["height"], meta=meta)


def _observe_speed(rendition: str, media_s: float, took_s: float) -> None:
    """Observe ffmpeg's speed (`slate_ffmpeg_speed_ratio`): `media_s` seconds of media made into `rendition` in `took_s`."""
    if media_s and media_s > 0 and took_s > 0:
        metrics.FFMPEG_SPEED.labels(str(rendition)).observe(media_s / took_s)

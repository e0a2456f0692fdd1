"""Clips: a frame range of a media asset rendered into its own MP4 by a job (kind `media.clip`).

In and out points are 0-based frames of the asset (out exclusive, as a CMX 3600 EDL's out), given
as ints or as SMPTE timecode labels of the asset's own timecode (start timecode + frame). The
render reads the original, not the proxy, and keeps the source timecode in the clip's tmcd track.
"""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.productions.entities import entity_delete
from apps.core.uploads import generated_name
from apps.jobs.models import TERMINAL_STATUSES
from apps.jobs.scratch import scratch_dir
from apps.jobs.services import JobCancelled, JobContext, JobLost, job_cancel, job_create, job_handler
from apps.media import ffmpeg, render
from apps.media.models import Clip, MediaAsset, MediaStatus, RenditionStatus
from apps.media.services.retrying import delete_files_on_commit, not_retryable, require_original
from apps.media.timecode import parse_timecode
from apps.realtime.services import publish_entity

CLIP_KIND = "media.clip"


def frame_of(value, *, asset: MediaAsset, field: str) -> int:
    """The 0-based frame of `asset` that `value` names: an int (or digits) is a frame, text is SMPTE timecode.

    Timecode is read at the asset's frame rate in the asset's own counting (drop-frame when its
    start timecode is), whatever separator was typed, and made relative to its start timecode:
    "01:00:02:00" on an asset starting at 01:00:00:00 is frame 48 at 24 fps. The result may be
    negative or past the end: the caller checks the range. Raises `ApplicationError` 400
    `invalid_timecode` for text that is not a timecode at that rate.
    """
    if isinstance(value, bool):
        raise ApplicationError(f"{field} must be a frame number or a timecode.", code="invalid", extra={"fields": {field: ["Not a frame."]}})
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if text.lstrip("-").isdigit():
        return int(text)
    fps = asset.fps
    try:
        if fps is None:
            raise ValueError("the clip's frame rate is not known yet")
        parts = text.replace(";", ":").replace(".", ":")
        if asset.drop_frame and parts.count(":") == 3:
            parts = parts[:8] + ";" + parts[9:]
        return parse_timecode(parts, fps) - asset.timecode_start_frames
    except ValueError as exc:
        raise ApplicationError(f"{field}: {exc}.", code="invalid_timecode", extra={"fields": {field: [str(exc)]}}) from None


@transaction.atomic
def clip_create(*, asset: MediaAsset, actor, in_point, out_point, name: str = "") -> Clip:
    """Cut frames [in, out) of a processed asset into a clip and start the job that renders it.

    in_point/out_point: frames (int) or SMPTE timecode text (see `frame_of`). Raises
    `ApplicationError` 409 `not_ready` when the asset is not processed (no frame count yet), 400
    `invalid_timecode`, 400 `out_of_range` when in < 0, out > frame_count or out <= in (the message
    names the asset's last frame and its timecode). Publishes `clip.created` and `job.created`;
    the clip's `job` is the render job.
    """
    total = asset.frame_count
    if asset.status != MediaStatus.READY or not total:
        raise ApplicationError("This clip is not processed yet: wait until it is ready, then cut from it.", code="not_ready", status=409)
    first, end = frame_of(in_point, asset=asset, field="in"), frame_of(out_point, asset=asset, field="out")
    if first < 0 or end > total or end <= first:
        last = total - 1
        raise ApplicationError(
            f"A clip runs from an in frame to a later out frame (exclusive) within frames 0–{total}: "
            f"the last frame is {last} ({asset.timecode_at(last)}); got in {first}, out {end}.",
            code="out_of_range", extra={"frame_count": total, "in": first, "out": end})
    clip = Clip.objects.create(production_id=asset.production_id, asset=asset, name=name.strip()[:200], in_frame=first, out_frame=end,
                               created_by=actor)
    clip.job = job_create(production_id=asset.production_id, kind=CLIP_KIND, actor=actor, params={"clip_id": clip.pk})
    clip.save(update_fields=["job"])
    publish_entity(clip, "created", actor=actor)
    return clip


def clip_delete(*, instance: Clip, actor) -> None:
    """Delete a clip and, after commit, its file; a render still under way is cancelled."""
    if instance.job_id and instance.job.status not in TERMINAL_STATUSES:
        job_cancel(job=instance.job, actor=actor)
    name = instance.file.name
    with transaction.atomic():
        entity_delete(instance=instance, actor=actor)
        if name:
            transaction.on_commit(lambda: default_storage.delete(name))


def _set_clip(clip: Clip, **fields) -> bool:
    """Save and publish a change of a clip the render works on; False when the clip was deleted meanwhile."""
    with transaction.atomic():
        for key, value in fields.items():
            setattr(clip, key, value)
        if not Clip.objects.filter(pk=clip.pk).update(**fields, version=F("version") + 1, updated_at=timezone.now()):
            return False
        clip.refresh_from_db(fields=["version", "updated_at"])
        publish_entity(clip, "updated")
    return True


def _clip_cancelled_before_start(job) -> None:
    """A clip whose render job was cancelled while pending is failed, not left pending for good."""
    clip = Clip.objects.filter(pk=job.params.get("clip_id"), status=RenditionStatus.PENDING).first()
    if clip is not None:
        _set_clip(clip, status=RenditionStatus.FAILED, error="The render was cancelled before it started.")


def _clip_retry(job) -> None:
    """Retry preparation of a failed clip render: the clip goes back to `pending` with no error and no file.

    Refuses (400 `not_retryable`) when the clip was deleted, when its asset is not processed now (a clip is cut
    from a ready asset, as `clip_create` requires), or when the asset's original is missing from storage. A file
    left by an attempt that stopped after storing it is deleted once the retry commits. Publishes `clip.updated`.
    """
    clip = Clip.objects.select_for_update().select_related("asset").filter(pk=job.params.get("clip_id")).first()
    if clip is None:
        raise not_retryable("The clip was deleted: there is nothing to render.")
    asset = clip.asset
    if asset.status != MediaStatus.READY or not asset.frame_count:
        raise not_retryable(f"{asset.original_name}, which the clip is cut from, is not processed now ({asset.status}): "
                            "retry once it is ready.")
    require_original(asset, then="the clip cannot be rendered without it")
    delete_files_on_commit([clip.file.name])
    _set_clip(clip, status=RenditionStatus.PENDING, error="", file="", size_bytes=0)
    return None


@job_handler(CLIP_KIND, on_cancel_pending=_clip_cancelled_before_start, on_retry=_clip_retry)
def clip_render(ctx: JobContext) -> dict:
    """Job handler: render a clip's frames from the asset's original into an H.264/AAC MP4 and store it.

    Progress 0–100 % from ffmpeg's -progress report. Raises `JobCancelled` when cancelled and
    `ApplicationError` with ffmpeg's reason when the render fails; either way the clip is `failed`
    with a readable `error` and no file is stored. Returns {"clip_id", "frames", "size_bytes"}.
    """
    clip = Clip.objects.select_related("asset").get(pk=ctx.params["clip_id"])
    asset = clip.asset
    frames = clip.out_frame - clip.in_frame
    fps = asset.fps or Fraction(24)
    source = Path(default_storage.path(asset.original.name))
    _set_clip(clip, status=RenditionStatus.PROCESSING, error="")
    ctx.progress(0.0, "Rendering the clip", force=True)
    name = None
    try:
        try:
            has_audio = ffmpeg.probe(source).audio_codec is not None
            with scratch_dir("slate-clip-") as tmp:
                out = Path(tmp) / "clip.mp4"
                args = render.clip_command(source, out, in_frame=clip.in_frame, frame_count=frames, fps=fps,
                                           timecode=asset.timecode_at(clip.in_frame), has_audio=has_audio,
                                           max_width=settings.SLATE_PROXY_MAX_WIDTH)
                ffmpeg.run_with_progress(args, source, float(frames / fps), lambda fraction: ctx.progress(fraction, "Rendering the clip"),
                                           settings.SLATE_FFMPEG_TIMEOUT_S, what="the clip")
                with out.open("rb") as handle:
                    name = default_storage.save(generated_name("media/clips", "mp4"), File(handle))
                size = out.stat().st_size
        except ffmpeg.MediaError as exc:
            raise ApplicationError(f"Could not render the clip: {exc}") from None
        if not _set_clip(clip, status=RenditionStatus.READY, error="", file=name, size_bytes=size):
            default_storage.delete(name)  # deleted while it rendered: keep nothing
    except JobLost:
        raise  # another attempt owns the job now: its clip is not ours to mark
    except BaseException as exc:
        if name:
            default_storage.delete(name)  # stored, but recording it failed: no file that no row names
        reason = "The render was cancelled." if isinstance(exc, JobCancelled) else getattr(exc, "message", str(exc))
        _set_clip(clip, status=RenditionStatus.FAILED, error=reason)
        raise
    return {"clip_id": clip.pk, "frames": frames, "size_bytes": size}

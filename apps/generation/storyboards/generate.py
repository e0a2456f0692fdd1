"""The `ai.storyboard` job: send every item of an order to fal.ai's queue, follow them live, store the frames.

All items are submitted at once (fal runs them in parallel) and then polled in rounds of
POLL_INTERVAL_S. What fal reports becomes the job's live progress: "In queue: position 3 (frame 2
of 6)" while queued (fal's 0-based `queue_position` shown 1-based), the newest log line while
running; each frame counts 1/n of the bar. `job.progress` also carries
`extra.storyboard = {"frame", "count", "state", "queue_position", "log", "done"}` for the UI.

Frames are checked and saved as files as they finish, and recorded as media assets (and
published) together once every frame of the run has finished or failed; each asset's `generation`
names its job and its `frame` (1-based place in the order): that is the order's record of which
frames were made. A frame fal fails, or that does not finish within SLATE_FAL_TIMEOUT_S (from
submission), is cancelled at fal and does not stop the others; a refused submission stops sending
the rest. The job then fails naming the first failure, the frames made stay on the shot (each one
was paid for at fal), and retrying the job (`storyboard_retry`) asks fal only for the frames not
made. A cancellation, or an error outside fal, cancels the requests still running at fal and
deletes the files saved, so it records nothing.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from django.conf import settings

from apps.core.errors import ApplicationError
from apps.generation.config import require_fal
from apps.generation.storyboards import fal
from apps.generation.storyboards.services import (StoredFrame, frame_number, frame_save_files, frames_discard,
                                                  storyboard_frames_of, storyboard_frames_record)
from apps.jobs.models import Job
from apps.jobs.services import JobContext
from apps.scenes.models import Shot

log = logging.getLogger(__name__)

POLL_INTERVAL_S = 0.5
# Sent with every prompt; FLUX-family text-to-image models on fal take these (fal.ai model pages).
IMAGE_ARGUMENTS = {"num_images": 1, "image_size": "landscape_16_9", "enable_safety_checker": True}
# Share of a frame's slice of the bar by state; the last 5 % of the whole bar is recording.
_QUEUED, _RUNNING, _LOG_STEP, _RUNNING_MAX = 0.1, 0.3, 0.1, 0.8


@dataclass
class _Frame:
    number: int  # 1-based, as the crew counts
    item: dict
    handle: object | None = None
    deadline: float = 0.0
    fraction: float = 0.0
    finished_at_fal: bool = False  # nothing left to cancel there
    done: bool = False
    error: str = ""  # why fal did not make it (the frame is then finished too)
    stored: list[StoredFrame] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.done or bool(self.error)


def storyboard_generate(ctx: JobContext) -> dict:
    """Job handler of `ai.storyboard` (params from `storyboard_order_start`, or `storyboard_retry`'s: the frames not made).

    Frames of the order this job already put on the shot (an earlier run) are not asked for again.
    Returns `{"shot_id", "model", "count", "media_assets": [ids of the order's frames on the shot,
    in frame order]}`. Raises `ApplicationError` with fal's reason (or "fal.ai did not finish within
    N s") when a frame was not made, after recording those that were; `JobCancelled` when cancelled,
    after cancelling the order's requests at fal and deleting what it saved.
    """
    params = ctx.params
    require_fal()
    if not Shot.objects.filter(pk=params["shot_id"]).exists():
        raise ApplicationError("The shot was deleted before its storyboard frames could be made.")
    count = params.get("count") or len(params["items"])
    frames = [_Frame(number=item["frame"], item=item) for item in _not_made(ctx.job, params["items"])]
    client = fal.make_client()
    try:
        _submit_all(ctx, client, params["model"], frames, count)
        _follow(ctx, frames, count, made=count - len(frames))
        kept = [frame for frame in frames if frame.done]
        ctx.progress(0.95, f"Saving {len(kept)} frame{'s' if len(kept) != 1 else ''}", force=True)
        storyboard_frames_record(job=ctx.job, frames=[stored for frame in kept for stored in frame.stored])
    except BaseException:
        _abandon(frames)
        raise
    finally:
        fal.close_client(client)
    assets = storyboard_frames_of(job=ctx.job)
    failed = [frame for frame in frames if frame.error]
    if failed:
        raise ApplicationError(_failure_message(failed, on_shot=len(assets), count=count))
    return {"shot_id": params["shot_id"], "model": params["model"], "count": len(assets), "media_assets": [a.pk for a in assets]}


def storyboard_retry(job: Job) -> dict:
    """Retry preparation of a failed `ai.storyboard` job (`job_handler(on_retry=...)`): only the frames not made are ordered again.

    Called inside `apps.jobs.services.job_retry`'s transaction. The frames the order already put on
    the shot (its media assets, each with `generation.frame`) are kept and not paid for twice.
    Raises `NotConfiguredError` (503) without FAL_KEY, `ApplicationError` 400 `not_retryable` when
    the shot was deleted or every frame of the order is on the shot already. Returns the params
    with `items` = the missing frames (each with its `frame` number) and `count` = the order's size.
    Nothing else waits on an order: a frame has no row until it is made.
    """
    require_fal()
    params = job.params
    if not Shot.objects.filter(pk=params.get("shot_id")).exists():
        raise ApplicationError("The shot was deleted: there is nothing to make storyboard frames for.", code="not_retryable")
    count = params.get("count") or len(params["items"])
    missing = _not_made(job, params["items"])
    if not missing:
        raise ApplicationError(f"All {count} frames of this order are on the shot already: there is nothing to make again.",
                               code="not_retryable")
    return {**params, "count": count, "items": missing}


def _not_made(job: Job, items: list[dict]) -> list[dict]:
    """The order's `items`, each with its `frame` number (orders placed before it was kept: its place in `items`), less
    those whose frame `job` already put on the shot."""
    made = {frame_number(asset) for asset in storyboard_frames_of(job=job)}
    numbered = [item | {"frame": item.get("frame", i + 1)} for i, item in enumerate(items)]
    return [item for item in numbered if item["frame"] not in made]


def _failure_message(failed: list[_Frame], *, on_shot: int, count: int) -> str:
    """The first failure's reason; when some frames were made, which frames a retry makes."""
    first = failed[0].error
    if not on_shot:
        return first
    numbers = [str(frame.number) for frame in failed]
    which = f"frame {numbers[0]}" if len(numbers) == 1 else f"frames {', '.join(numbers[:-1])} and {numbers[-1]}"
    return f"{first.rstrip('.')}. {on_shot} of the {count} frames are on the shot; retrying the job makes only {which}."


def _submit_all(ctx: JobContext, client, model: str, frames: list[_Frame], count: int) -> None:
    """Submit each frame; a refusal fails that frame and leaves the rest unsent (they would be refused alike)."""
    for frame in frames:
        ctx.progress(0.0, f"Sending frame {frame.number} of {count} to fal.ai", force=frame is frames[0])
        arguments = {**IMAGE_ARGUMENTS, "prompt": frame.item["prompt"], "seed": frame.item["seed"]}
        try:
            frame.handle = fal.submit(client, model, arguments)
        except fal.FalError as exc:
            frame.error = f"fal.ai could not take frame {frame.number} of {count}: {exc}"
            for later in frames[frames.index(frame) + 1:]:
                later.error = f"Frame {later.number} of {count} was not sent: fal.ai refused frame {frame.number}."
            return
        frame.deadline = time.monotonic() + settings.SLATE_FAL_TIMEOUT_S


def _follow(ctx: JobContext, frames: list[_Frame], count: int, *, made: int) -> None:
    """Poll until every frame is stored or failed; report each change as progress (which also notices a cancel).

    `made`: frames of the order already on the shot, counted as done.
    """
    while True:
        pending = [frame for frame in frames if not frame.finished]
        if not pending:
            return
        for frame in pending:
            try:
                message, extra = _poll(frame, count)
            except ApplicationError as exc:
                _give_up(frame, exc.message)
                message, extra = exc.message, {"state": "failed"}
            done = made + sum(1 for f in frames if f.done)
            overall = 0.95 * sum(f.fraction for f in frames) / len(frames)
            ctx.progress(overall, message, extra={"storyboard": {**extra, "frame": frame.number, "count": count, "done": done}})
        if any(not frame.finished for frame in frames):
            time.sleep(POLL_INTERVAL_S)


def _give_up(frame: _Frame, reason: str) -> None:
    """Fail one frame: cancel its request at fal if it still runs there, delete what of it was saved."""
    if frame.handle is not None and not frame.finished_at_fal and not fal.cancel(frame.handle):
        log.warning("could not cancel fal request %s", frame.handle.request_id)
    frame.finished_at_fal = True
    frames_discard(frame.stored)
    frame.stored.clear()
    frame.error, frame.fraction = reason, 1.0


def _poll(frame: _Frame, count: int) -> tuple[str, dict]:
    """Poll one frame once; store it when fal has finished it. Returns the progress message and extra."""
    of = f"frame {frame.number} of {count}"
    try:
        state = fal.status(frame.handle)
    except fal.FalError as exc:
        raise ApplicationError(f"fal.ai failed on {of}: {exc}") from None
    if state.state == "completed":
        frame.finished_at_fal = True
        if state.error:
            raise ApplicationError(f"fal.ai could not make {of}: {state.error}")
        _store(frame, of)
        return f"Frame {frame.number} of {count} is ready", {"state": "done"}
    if time.monotonic() > frame.deadline:
        raise ApplicationError(f"fal.ai did not finish within {settings.SLATE_FAL_TIMEOUT_S:g} s ({of}).")
    if state.state == "queued":
        frame.fraction = max(frame.fraction, _QUEUED)
        position = (state.queue_position or 0) + 1
        return f"In queue: position {position} ({of})", {"state": "queued", "queue_position": position}
    frame.fraction = max(frame.fraction, min(_RUNNING + _LOG_STEP * len(state.logs), _RUNNING_MAX))
    if state.logs:  # fal sends every line so far; the newest says where it is
        last = state.logs[-1][:200]
        return f"{last} ({of})", {"state": "running", "log": last}
    return f"Generating {of}", {"state": "running"}


def _store(frame: _Frame, of: str) -> None:
    try:
        output = fal.result(frame.handle)
    except fal.FalError as exc:
        raise ApplicationError(f"fal.ai could not deliver {of}: {exc}") from None
    images = output.get("images") if isinstance(output, dict) else None
    if not images and isinstance(output, dict) and isinstance(output.get("image"), dict):
        images = [output["image"]]  # some fal models answer one `image`, not a list
    if not images or not all(isinstance(image, dict) and image.get("url") for image in images):
        raise ApplicationError(f"fal.ai finished {of} without an image (was it filtered as unsafe?).")
    for image in images:
        try:
            data = fal.download(image["url"])
        except fal.FalError as exc:
            raise ApplicationError(f"{exc} ({of})") from None
        frame.stored.append(frame_save_files(data=data, item=frame.item, request_id=frame.handle.request_id,
                                             seed=output.get("seed")))
    frame.done, frame.fraction = True, 1.0


def _abandon(frames: list[_Frame]) -> None:
    """Cancel the order's unfinished requests at fal and delete the files of the finished ones."""
    for frame in frames:
        if frame.handle is not None and not frame.finished_at_fal and not fal.cancel(frame.handle):
            log.warning("could not cancel fal request %s", frame.handle.request_id)
        frames_discard(frame.stored)
        frame.stored.clear()

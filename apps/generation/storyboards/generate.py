"""The `ai.storyboard` job: send every item of an order to fal.ai's queue, follow them live, store the frames.

All items are submitted at once (fal runs them in parallel) and then polled in rounds of
POLL_INTERVAL_S. What fal reports becomes the job's live progress: "In queue: position 3 (frame 2
of 6)" while queued (fal's 0-based `queue_position` shown 1-based), the newest log line while
running; each frame counts 1/n of the bar. `job.progress` also carries
`extra.storyboard = {"frame", "count", "state", "queue_position", "log", "done"}` for the UI.

An order lands whole or not at all: frames are checked and saved as files as they finish, but
recorded as media assets (and published) only when every frame is in. On a fal error, a timeout
(SLATE_FAL_TIMEOUT_S per request, from submission) or a cancellation, the requests still running
at fal are cancelled and the saved files deleted, so a failed order leaves nothing on the shot.
Why not keep the finished frames: every frame is fully described by its prompt and seed, so
running the same order again gives them back, while a "failed" job that still added frames
would leave the crew unsure which of the shot's frames belong to which order.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from django.conf import settings

from apps.core.errors import ApplicationError
from apps.generation.config import require_fal
from apps.generation.storyboards import fal
from apps.generation.storyboards.services import StoredFrame, frame_save_files, frames_discard, storyboard_frames_record
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
    stored: list[StoredFrame] = field(default_factory=list)


def storyboard_generate(ctx: JobContext) -> dict:
    """Job handler of `ai.storyboard` (params from `storyboard_order_start`).

    Returns `{"shot_id", "model", "count", "media_assets": [ids in order]}`. Raises `ApplicationError`
    with fal's reason (or "fal.ai did not finish within N s"), `JobCancelled` when cancelled — in
    every such case after cancelling the order's requests at fal and deleting what it saved.
    """
    params = ctx.params
    require_fal()
    if not Shot.objects.filter(pk=params["shot_id"]).exists():
        raise ApplicationError("The shot was deleted before its storyboard frames could be made.")
    frames = [_Frame(number=i + 1, item=item) for i, item in enumerate(params["items"])]
    count = len(frames)
    client = fal.make_client()
    try:
        _submit_all(ctx, client, params["model"], frames)
        _follow(ctx, frames)
        ctx.progress(0.95, f"Saving {count} frame{'s' if count != 1 else ''}", force=True)
        assets = storyboard_frames_record(job=ctx.job, frames=[stored for frame in frames for stored in frame.stored])
    except BaseException:
        _abandon(frames)
        raise
    finally:
        fal.close_client(client)
    return {"shot_id": params["shot_id"], "model": params["model"], "count": len(assets), "media_assets": [a.pk for a in assets]}


def _submit_all(ctx: JobContext, client, model: str, frames: list[_Frame]) -> None:
    count = len(frames)
    for frame in frames:
        ctx.progress(0.0, f"Sending frame {frame.number} of {count} to fal.ai", force=frame.number == 1)
        arguments = {**IMAGE_ARGUMENTS, "prompt": frame.item["prompt"], "seed": frame.item["seed"]}
        try:
            frame.handle = fal.submit(client, model, arguments)
        except fal.FalError as exc:
            raise ApplicationError(f"fal.ai could not take frame {frame.number} of {count}: {exc}") from None
        frame.deadline = time.monotonic() + settings.SLATE_FAL_TIMEOUT_S


def _follow(ctx: JobContext, frames: list[_Frame]) -> None:
    """Poll until every frame is stored; report each change as progress (which also notices a cancel)."""
    count = len(frames)
    while True:
        pending = [frame for frame in frames if not frame.done]
        if not pending:
            return
        for frame in pending:
            message, extra = _poll(frame, count)
            done = sum(1 for f in frames if f.done)
            overall = 0.95 * sum(f.fraction for f in frames) / count
            ctx.progress(overall, message, extra={"storyboard": {**extra, "frame": frame.number, "count": count, "done": done}})
        if any(not frame.done for frame in frames):
            time.sleep(POLL_INTERVAL_S)


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

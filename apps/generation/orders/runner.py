"""The `ai.generate` job: one item of a generation order, sent to its machine's provider, followed live, its files stored.

Steps: the item goes `running` (`item_start`; a job the reaper queued again after its worker died follows the request
its first run sent); its arguments (the machine's `fixed` ones, then the item's parameters)
are submitted and the provider's request id kept; the request is polled every POLL_INTERVAL_S, each change of state,
queue position, progress or log line broadcast as `generation_item.progress` (at most one per PROGRESS_EVERY_S, the
row written at most once per STORE_EVERY_S) and reported as the job's progress (which also notices a cancel); once it
succeeded its files are recorded (apps.generation.orders.products.products_record) and the item `succeeded`.

A provider's refusal or failure, or no answer within the provider's timeout (SLATE_FAL_TIMEOUT_S,
SLATE_REPLICATE_TIMEOUT_S; 600 s when unset), fails the item with the provider's reason and the job with it; a cancel
(of the job or the item) cancels the request at the provider and ends the item `cancelled`. A retry of the item makes a
new job (apps.generation.orders.services.item_retry); a job that is no longer its item's changes nothing.
"""
from __future__ import annotations

import logging
import time

from django.conf import settings

from apps.core.errors import ApplicationError
from apps.generation.orders.machines import machine_get
from apps.generation.orders.models import GenerationItem, ItemStatus
from apps.generation.orders.products import products_record
from apps.generation.orders.services import item_finish, item_progress, item_start, item_submitted
from apps.generation.providers import ProviderError, provider_for
from apps.jobs.services import JobCancelled, JobContext, JobLost

log = logging.getLogger(__name__)

POLL_INTERVAL_S = 0.5
PROGRESS_EVERY_S = 0.25  # ~4 live progress events a second per item, at most
STORE_EVERY_S = 1.0
TIMEOUT_SETTINGS = {"fal": "SLATE_FAL_TIMEOUT_S", "replicate": "SLATE_REPLICATE_TIMEOUT_S"}
_QUEUED, _RUNNING, _RUNNING_MAX, _SAVING = 0.05, 0.2, 0.9, 0.95


def _timeout_s(provider: str) -> float:
    return float(getattr(settings, TIMEOUT_SETTINGS.get(provider, ""), 600.0))  # 600 s for a provider without a setting


class _Follower:
    """Turns each poll into the item's live progress, throttled, and the job's progress (which notices a cancel)."""

    def __init__(self, ctx: JobContext, item: GenerationItem):
        self.ctx, self.item = ctx, item
        self.fraction = 0.0
        self.running_polls = 0
        self.last_sent = self.last_stored = 0.0
        self.last_state: tuple | None = None

    def report(self, state: str, *, progress: float | None = None, queue_position: int | None = None, log_line: str = "") -> None:
        """Report one poll: `state` queued/running/saving, the provider's `progress` (0..1) when it gives one."""
        if state == "queued":
            self.fraction = max(self.fraction, _QUEUED)
            message = f"In queue: position {(queue_position or 0) + 1}" if queue_position is not None else "In queue"
        elif state == "running":
            self.running_polls += 1
            guess = _RUNNING + 0.1 * self.running_polls if progress is None else _RUNNING + (_RUNNING_MAX - _RUNNING) * progress
            self.fraction = max(self.fraction, min(guess, _RUNNING_MAX))
            message = log_line or "Generating"
        else:
            self.fraction, message = _SAVING, "Saving"
        key = (state, queue_position, log_line)
        now = time.monotonic()
        changed = key != self.last_state
        if changed or now - self.last_sent >= PROGRESS_EVERY_S:
            store = now - self.last_stored >= STORE_EVERY_S
            item_progress(item=self.item, progress=self.fraction, queue_position=queue_position if state == "queued" else None,
                          log_line=log_line, store=store)
            self.last_sent, self.last_state = now, key
            if store:
                self.last_stored = now
        self.ctx.progress(self.fraction, f"Item {self.item.index}: {message}"[:300], force=changed)


def generation_item_run(ctx: JobContext) -> dict:
    """Job handler of `ai.generate` (params `{"item": id}`, from apps.generation.orders.services).

    Returns `{"item", "order", "products": [ids]}`; `{"item", "skipped": true}` when the item was no longer waiting for
    this job (cancelled or retried before it started). Raises `ApplicationError` with the provider's reason when the
    item failed (after marking it failed), `JobCancelled` when it was cancelled (after cancelling the request).
    """
    item_id = ctx.params.get("item")
    item = item_start(item_id=item_id, job=ctx.job)
    if item is None:
        return {"item": item_id, "skipped": True}
    order = item.order
    request_id = ""
    provider = None
    try:
        machine = machine_get(order.machine)
        provider = provider_for(machine.provider)
        if not provider.configured():
            raise ApplicationError(f"{machine.label} is not configured on this server: set {provider.setting} to enable it.")
        follower = _Follower(ctx, item)
        follower.report("queued")
        request_id = item.provider_request_id  # sent by an earlier run of this job whose worker died: follow it
        if not request_id:
            request_id = provider.submit(order.model, {**machine.fixed, **item.parameters})
            submitted = item_submitted(item=item, request_id=request_id)
            if submitted is None:
                raise JobCancelled()
            # Keeping the request id made a new version: the live frames from here on carry it, or a screen that read
            # the item at that version drops them all as older than what it has (frontend/src/api/lookdev.ts storeItem).
            item = follower.item = submitted
        deadline = time.monotonic() + _timeout_s(machine.provider)
        while True:
            status = provider.status(order.model, request_id)
            if status.state == "succeeded":
                break
            if status.state == "failed":
                request_id = ""  # nothing left to cancel there
                raise ProviderError(status.error or f"{machine.label} failed without saying why.")
            if status.state == "cancelled":
                request_id = ""
                raise JobCancelled()
            if time.monotonic() > deadline:
                raise ApplicationError(f"{machine.label} did not finish within {_timeout_s(machine.provider):g} s.")
            follower.report(status.state, progress=status.progress, queue_position=status.queue_position, log_line=status.log)
            time.sleep(POLL_INTERVAL_S)
        follower.report("saving")
        output = provider.result(order.model, request_id)
        request_id = ""
        products = products_record(item=item, output=output, request_id=item.provider_request_id)
    except JobLost:
        raise
    except BaseException as exc:
        _give_up(provider, order, request_id)
        if isinstance(exc, JobCancelled):
            item_finish(item_id=item.pk, status=ItemStatus.CANCELLED, job_id=ctx.job.pk)
            raise
        reason = exc.message if isinstance(exc, ApplicationError) else str(exc) if isinstance(exc, ProviderError) else \
            f"Unexpected error while generating: {exc.__class__.__name__}: {exc}"
        item_finish(item_id=item.pk, status=ItemStatus.FAILED, error=reason, job_id=ctx.job.pk)
        if isinstance(exc, (ApplicationError, ProviderError)):
            raise ApplicationError(f"Item {item.index} of order {order.pk}: {reason}") from None
        raise
    return {"item": item.pk, "order": order.pk, "products": [product.pk for product in products]}


def _give_up(provider, order, request_id: str) -> None:
    """Cancel the request at the provider when it may still run there (a refusal is only logged)."""
    if provider is None or not request_id:
        return
    try:
        if not provider.cancel(order.model, request_id):
            log.warning("generation order %s: %s did not cancel request %s", order.pk, order.provider, request_id)
    except Exception:  # noqa: BLE001 — cancelling is a courtesy; the item's own end matters
        log.warning("generation order %s: cancelling request %s failed", order.pk, request_id, exc_info=True)

"""Generation orders: preview and place an order, follow, retry and cancel its items, derive the order's state.

An order is expanded when it is placed (apps.generation.orders.params), so a parameter outside the machine's schema
or an order over SLATE_GENERATION_MAX_ITEMS is refused before anything is stored or sent. Each item then gets its own
`ai.generate` job (apps.generation.orders.runner) that sends one request to the machine's provider
(apps.generation.providers). Every change of an item is published (`generation_item.updated`; its progress while it
runs as the ephemeral `generation_item.progress`), and the order's `status`, `progress` and `cost_usd` are derived
again from its items and published when they change (`order_refresh`). The products an item makes are recorded by
apps.generation.orders.products.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.generation.config import NotConfiguredError
from apps.generation.orders.machines import Machine, catalogue, machine_get
from apps.generation.orders.models import ITEM_ENDED, GenerationItem, GenerationOrder, ItemStatus, OrderStatus
from apps.generation.orders.params import invalid, order_items
from apps.generation.providers import provider_for
from apps.generation.storyboards.services import shot_token_values
from apps.jobs.models import TERMINAL_STATUSES, Job
from apps.jobs.services import job_cancel, job_create
from apps.notifications.services import notify
from apps.realtime.events import serialize_entity
from apps.realtime.services import broadcast_now, publish_entity

log = logging.getLogger(__name__)

GENERATE_KIND = "ai.generate"
PREVIEW_ITEMS = 100  # items a preview spells out


@dataclass(frozen=True)
class Preview:
    """What an order would make: the `machine`, its `items` (`[{name: value}]`) and the estimated cost (US dollars)."""

    machine: Machine
    items: list[dict]
    estimated_cost_usd: Decimal


def machine_list() -> list[dict]:
    """The catalogue as the REST API shows it: each machine's `as_dict()` plus `configured` and `variable` (its key)."""
    machines = []
    for machine in catalogue().values():
        provider = provider_for(machine.provider)
        machines.append(machine.as_dict() | {"configured": provider.configured(), "variable": provider.setting})
    return machines


def require_configured(machine: Machine) -> None:
    """Raise `NotConfiguredError` (503 `not_configured`, `extra.variable` the key to set) unless the machine's provider is configured."""
    provider = provider_for(machine.provider)
    if not provider.configured():
        raise NotConfiguredError(f"Generation on {machine.label}", provider.setting)


def token_values(*, shot=None, scene=None) -> dict[str, str]:
    """The `{shot.*}`/`{scene.*}` token values of an order's target: a shot's (and its scene's), a scene's, or none."""
    if shot is not None:
        return shot_token_values(shot)
    if scene is not None:
        return {"scene.location": scene.location, "scene.time_of_day": scene.time_of_day,
                "scene.int_ext": scene.get_int_ext_display() if scene.int_ext else "", "scene.slugline": scene.slugline}
    return {}


def order_preview(*, production, machine_id: str, parameters, shot=None, scene=None, location=None, character=None) -> Preview:
    """Expand an order for `production` without storing or sending anything (needs no key).

    Raises `ApplicationError` 400 `invalid` with `extra.field`: "machine" for an unknown machine, the parameter's name
    for one outside the schema, "parameters" for an order over SLATE_GENERATION_MAX_ITEMS, the target's name for a
    second target or one of another production.
    """
    machine = machine_get(machine_id)
    _check_targets(production, {"shot": shot, "scene": scene, "location": location, "character": character})
    items = order_items(machine, parameters, values=token_values(shot=shot, scene=scene),
                        max_items=settings.SLATE_GENERATION_MAX_ITEMS)
    return Preview(machine=machine, items=items, estimated_cost_usd=(machine.usd_per_item * len(items)).quantize(Decimal("0.0001")))


def _check_targets(production, targets: dict) -> None:
    chosen = {name: value for name, value in targets.items() if value is not None}
    if len(chosen) > 1:
        raise invalid(sorted(chosen)[1], "An order is for at most one shot, scene, location or character.")
    for name, value in chosen.items():
        if value.production_id != production.pk:
            raise invalid(name, f"That {name} belongs to another production.")


@transaction.atomic
def order_create(*, actor, production, machine: str, parameters, shot=None, scene=None, location=None,
                 character=None) -> GenerationOrder:
    """Place an order: expand it, store the order and its items, and start one `ai.generate` job per item.

    Raises `ApplicationError` 400 `invalid` as `order_preview` does (or naming the target that belongs to another
    production, or a second target), `NotConfiguredError` 503 when the machine's provider has no key; nothing is stored
    then. Publishes `generation_order.created`, `generation_item.created` for each item and `job.created` for each job.
    """
    found = machine_get(machine)
    require_configured(found)
    preview = order_preview(production=production, machine_id=machine, parameters=parameters, shot=shot, scene=scene,
                            location=location, character=character)
    prompt = parameters.get("prompt")
    order = GenerationOrder.objects.create(
        production=production, created_by=actor, machine=found.id, provider=found.provider, model=found.model,
        modality=found.modality, parameters=parameters, prompt_template=prompt if isinstance(prompt, str) else "",
        shot=shot, scene=scene, location=location, character=character, item_count=len(preview.items),
        estimated_cost_usd=preview.estimated_cost_usd)
    publish_entity(order, "created", actor=actor)
    for index, arguments in enumerate(preview.items, 1):
        item = GenerationItem.objects.create(production=production, order=order, index=index, parameters=arguments)
        item.job = _item_job(item)
        item.save(update_fields=["job"])
        publish_entity(item, "created", actor=actor)
    return order


def _item_job(item: GenerationItem) -> Job:
    """The item's `ai.generate` job. It has no creator: a job's creator is told when it ends (apps.notifications), and
    an order of 48 items must not ring 48 times — the order tells its creator once (`order_refresh`)."""
    return job_create(production_id=item.production_id, kind=GENERATE_KIND, actor=None, params={"item": item.pk},
                      message=f"Waiting for a worker (item {item.index} of order {item.order_id})")


# --- the order's derived state ---------------------------------------------------------------------

def order_state(statuses: list[str]) -> str:
    """An order's status from its items' (source: docs/issue 20's rule): any pending or running → running (pending if
    none started yet); all succeeded → succeeded; all cancelled → cancelled; otherwise partial when some succeeded,
    failed when none did."""
    if not statuses:
        return OrderStatus.PENDING
    if any(s in (ItemStatus.PENDING, ItemStatus.RUNNING) for s in statuses):
        started = any(s != ItemStatus.PENDING for s in statuses)
        return OrderStatus.RUNNING if started else OrderStatus.PENDING
    if all(s == ItemStatus.SUCCEEDED for s in statuses):
        return OrderStatus.SUCCEEDED
    if all(s == ItemStatus.CANCELLED for s in statuses):
        return OrderStatus.CANCELLED
    return OrderStatus.PARTIAL if ItemStatus.SUCCEEDED in statuses else OrderStatus.FAILED


def order_refresh(*, order_id: int, actor=None) -> GenerationOrder:
    """Derive the order's `status`, `progress` (mean of its items', ended ones counting 1) and `cost_usd` (sum of the
    items' reported costs, null when none reported) again, under a lock of the order; save and publish
    `generation_order.updated` when they changed. Returns the order."""
    with transaction.atomic():
        order = GenerationOrder.objects.select_for_update().get(pk=order_id)
        rows = list(order.items.values_list("status", "progress", "cost_usd"))
        statuses = [row[0] for row in rows]
        progress = sum(1.0 if row[0] in ITEM_ENDED else row[1] for row in rows) / len(rows) if rows else 0.0
        costs = [row[2] for row in rows if row[2] is not None]
        changes = {"status": order_state(statuses), "progress": round(progress, 4), "cost_usd": sum(costs) if costs else None}
        changed = {name: value for name, value in changes.items() if getattr(order, name) != value}
        if changed:
            ended = "status" in changed and order.status not in _ORDER_ENDED and changed["status"] in _ORDER_ENDED
            for name, value in changed.items():
                setattr(order, name, value)
            order.version += 1
            order.save(update_fields=[*changed, "version", "updated_at"])
            publish_entity(order, "updated", actor=actor)
            if ended:
                _notify_ended(order, statuses, actor=actor)
    return order


_ORDER_ENDED = (OrderStatus.SUCCEEDED, OrderStatus.PARTIAL, OrderStatus.FAILED)


def _notify_ended(order: GenerationOrder, statuses: list[str], *, actor) -> None:
    """Tell the order's creator it ended (kinds job_succeeded / job_failed, as for a job; not when they ended it
    themselves, nor for a cancelled order)."""
    made = statuses.count(ItemStatus.SUCCEEDED)
    failed = order.status == OrderStatus.FAILED
    notify(recipients=[order.created_by_id], production=order.production_id, kind="job_failed" if failed else "job_succeeded",
           title=f"Look-development order {'failed' if failed else 'finished'}",
           body=f"{made} of {len(statuses)} items made on {order.machine}.", url=f"/productions/{order.production_id}/lookdev",
           entity="generation_order", entity_id=order.pk, actor=actor)


# --- one item's life -------------------------------------------------------------------------------

def item_change(*, item_id: int, allowed: tuple[str, ...], actor=None, job_id=None, **changes) -> GenerationItem | None:
    """Apply `changes` to the item only if its status is one of `allowed` (under a lock) and, with `job_id`, that job is
    still the item's; publish `generation_item.updated` and refresh its order. Returns the changed item, or None when it
    was not allowed (someone cancelled or retried it meanwhile)."""
    order_id = GenerationItem.objects.filter(pk=item_id).values_list("order_id", flat=True).first()
    with transaction.atomic():
        # The order first, then the item, everywhere: two workers and a cancel never wait on each other in a circle.
        GenerationOrder.objects.select_for_update().filter(pk=order_id).first()
        item = GenerationItem.objects.select_for_update().filter(pk=item_id).first()
        if item is None or item.status not in allowed or (job_id is not None and item.job_id != job_id):
            return None
        for name, value in changes.items():
            setattr(item, name, value)
        item.version += 1
        item.save(update_fields=[*changes, "version", "updated_at"])
        publish_entity(item, "updated", actor=actor)
        order_refresh(order_id=item.order_id, actor=actor)
    return item


def item_finish(*, item_id: int, status: str, error: str = "", actor=None, job_id=None) -> GenerationItem | None:
    """End a pending or running item as `status` (failed / cancelled), with `error`; None when it had ended already
    (or, with `job_id`, when that job is no longer the item's)."""
    return item_change(item_id=item_id, allowed=(ItemStatus.PENDING, ItemStatus.RUNNING), actor=actor, job_id=job_id, status=status,
                       error=error[:2000], queue_position=None, finished_at=timezone.now())


def item_progress(*, item: GenerationItem, progress: float, queue_position: int | None, log_line: str, store: bool) -> None:
    """Broadcast a running item's progress now (`generation_item.progress`, its REST shape, not stored); with `store`,
    also write it to the row (no version change: nobody edits an item's progress)."""
    item.progress, item.queue_position, item.log = round(min(max(progress, 0.0), 1.0), 4), queue_position, log_line[:300]
    if store:
        GenerationItem.objects.filter(pk=item.pk, status=ItemStatus.RUNNING).update(
            progress=item.progress, queue_position=queue_position, log=item.log, updated_at=timezone.now())
    broadcast_now(production_id=item.production_id, type="generation_item.progress", entity="generation_item", entity_id=item.pk,
                  data=serialize_entity("generation_item", item))


def _cancel_at_provider(item: GenerationItem) -> None:
    """Ask the provider to cancel the item's request, if it was sent (after commit; a refusal is only logged)."""
    if not item.provider_request_id:
        return
    order = item.order

    def cancel() -> None:
        try:
            if not provider_for(order.provider).cancel(order.model, item.provider_request_id):
                log.warning("generation item %s: %s did not cancel request %s", item.pk, order.provider, item.provider_request_id)
        except Exception:  # noqa: BLE001 — after commit: the item is cancelled; its job's runner asks the provider again
            log.warning("generation item %s: cancelling request %s failed", item.pk, item.provider_request_id, exc_info=True)

    transaction.on_commit(cancel)


def _cancel_job(item: GenerationItem, *, actor) -> None:
    job = Job.objects.filter(pk=item.job_id).first() if item.job_id else None
    if job is not None and job.status not in TERMINAL_STATUSES:
        job_cancel(job=job, actor=actor)


@transaction.atomic
def item_cancel(*, item: GenerationItem, actor) -> GenerationItem:
    """Cancel a pending or running item: it is `cancelled` at once, its job cancelled (a pending one never sends), and a
    request already sent is cancelled at the provider. Raises `ApplicationError` 400 `not_cancellable` for an ended item."""
    done = item_finish(item_id=item.pk, status=ItemStatus.CANCELLED, error="", actor=actor)
    if done is None:
        raise ApplicationError(f"Item {item.index} has already {item.status}.", code="not_cancellable")
    _cancel_job(done, actor=actor)
    _cancel_at_provider(done)
    return done


@transaction.atomic
def item_retry(*, item: GenerationItem, actor) -> GenerationItem:
    """Run a failed or cancelled item again: back to `pending` (progress 0, no error, no request id) with a new
    `ai.generate` job; its products so far stay. Raises `ApplicationError` 400 `not_retryable` for another status,
    `NotConfiguredError` 503 when the provider has no key, 400 `invalid` when its machine left the catalogue."""
    machine = machine_get(item.order.machine)
    require_configured(machine)
    GenerationOrder.objects.select_for_update().filter(pk=item.order_id).first()
    locked = GenerationItem.objects.select_for_update().get(pk=item.pk)
    if locked.status not in (ItemStatus.FAILED, ItemStatus.CANCELLED):
        raise ApplicationError(f"Only a failed or cancelled item can be retried; item {locked.index} is {locked.status}.",
                               code="not_retryable")
    job = _item_job(locked)
    return item_change(item_id=locked.pk, allowed=(ItemStatus.FAILED, ItemStatus.CANCELLED), actor=actor,
                       status=ItemStatus.PENDING, progress=0.0, queue_position=None, log="", error="", provider_request_id="",
                       job=job, started_at=None, finished_at=None)


@transaction.atomic
def order_cancel(*, order: GenerationOrder, actor) -> GenerationOrder:
    """Cancel every pending and running item of the order (see `item_cancel`); ended items are kept as they are.
    Raises `ApplicationError` 400 `not_cancellable` when no item is left to cancel. Returns the order, refreshed."""
    GenerationOrder.objects.select_for_update().filter(pk=order.pk).first()
    items = list(order.items.select_related("order").filter(status__in=(ItemStatus.PENDING, ItemStatus.RUNNING)))
    if not items:
        raise ApplicationError("Every item of this order has ended: there is nothing to cancel.", code="not_cancellable")
    for item in items:
        done = item_finish(item_id=item.pk, status=ItemStatus.CANCELLED, actor=actor)
        if done is not None:
            _cancel_job(done, actor=actor)
            _cancel_at_provider(done)
    return GenerationOrder.objects.get(pk=order.pk)


def item_cancelled_before_start(job: Job) -> None:
    """`on_cancel_pending` of `ai.generate`: a job cancelled before a worker started it (e.g. from the jobs list) cancels its item."""
    item_id = (job.params or {}).get("item")
    if item_id is not None:
        item_finish(item_id=item_id, status=ItemStatus.CANCELLED, job_id=job.pk)


def item_start(*, item_id: int, job: Job) -> GenerationItem | None:
    """A worker takes the item: pending → running (attempts + 1, started now). An item already running for this same
    job (its worker died and the reaper queued the job again) is taken again, its `provider_request_id` kept so the
    runner follows that request instead of paying for a new one. None when the item ended or this job is no longer its
    job (it was cancelled or retried meanwhile)."""
    item = GenerationItem.objects.filter(pk=item_id, job_id=job.pk).first()
    if item is None:
        return None
    return item_change(item_id=item_id, allowed=(ItemStatus.PENDING, ItemStatus.RUNNING), job_id=job.pk, status=ItemStatus.RUNNING,
                       attempts=item.attempts + 1,
                       started_at=timezone.now(), progress=0.0, error="")


def item_submitted(*, item: GenerationItem, request_id: str) -> GenerationItem | None:
    """Keep the provider's request id of a running item (published); None when it was cancelled meanwhile."""
    return item_change(item_id=item.pk, allowed=(ItemStatus.RUNNING,), job_id=item.job_id, provider_request_id=request_id[:200])

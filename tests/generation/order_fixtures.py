"""Fixtures and helpers for the generation order suites: fast polling, placing an order through the API, running its
item jobs in-process (`apps.jobs.services.job_run`, as the worker does). Import with `from tests.generation.order_fixtures import *`
next to storyboard_fixtures (fal fake, media root, shot) and replicate_fixtures (Replicate fake)."""
from __future__ import annotations

import pytest

from apps.generation.orders import runner
from apps.generation.orders.models import GenerationItem, GenerationOrder
from apps.jobs.services import job_run

__all__ = ["ORDERS", "PREVIEW", "PRODUCTS", "fast_orders", "place", "run_items"]

ORDERS = "/api/generation-orders/"
PREVIEW = "/api/generation-orders/preview/"
PRODUCTS = "/api/generation-products/"


@pytest.fixture(autouse=True)
def fast_orders(monkeypatch, settings):
    """Poll the fakes without waiting and send every progress event (the fakes advance one step per poll)."""
    monkeypatch.setattr(runner, "POLL_INTERVAL_S", 0.0)
    monkeypatch.setattr(runner, "PROGRESS_EVERY_S", 0.0)
    monkeypatch.setattr(runner, "STORE_EVERY_S", 0.0)
    settings.SLATE_JOB_PROGRESS_INTERVAL_S = 0.0
    settings.SLATE_GENERATION_MAX_ITEMS = 48


def place(api, production, machine: str, parameters: dict, **targets):
    """POST an order through the API; returns the response."""
    body = {"production": production.pk, "machine": machine, "parameters": parameters}
    body.update({name: value.pk for name, value in targets.items()})
    return api.post(ORDERS, body, format="json")


def run_items(order_id: int) -> list[GenerationItem]:
    """Run each item's current job in item order, as a worker would one after another; returns the items, refreshed."""
    for item in GenerationOrder.objects.get(pk=order_id).items.order_by("index"):
        job_run(item.job_id)
    return list(GenerationItem.objects.filter(order_id=order_id).order_by("index"))

"""Generation orders: what the art department ordered from a machine, each item's own life, and what each item made.

An order (`GenerationOrder`) expands into items (`GenerationItem`, one per combination of its parameters,
apps.generation.orders.params); each item is one request to the provider, run by its own `ai.generate` job; each
file a finished item brings back is a product (`GenerationProduct`) whose `media_asset` holds the file. The order's
`status`, `progress` and `cost_usd` are derived from its items (apps.generation.orders.services.order_refresh).
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.core.models import VersionedModel


class OrderStatus(models.TextChoices):
    """Where an order stands, derived from its items: pending (none started), running (some still to finish),
    succeeded (all made), partial (some made, the others failed or cancelled), failed (none made, some failed),
    cancelled (all cancelled)."""

    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    PARTIAL = "partial", "Partly made"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class ItemStatus(models.TextChoices):
    """One item's life: pending → running → succeeded | failed | cancelled; a failed or cancelled one may be retried."""

    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


ITEM_ENDED = (ItemStatus.SUCCEEDED, ItemStatus.FAILED, ItemStatus.CANCELLED)


class GenerationOrder(VersionedModel):
    """A look-development order: one machine (catalogue id), the parameters as submitted, and what it is for —
    a shot, a scene, a location or a character, at most one."""

    EVENT_ENTITY = "generation_order"

    production = models.ForeignKey("productions.Production", on_delete=models.CASCADE, related_name="generation_orders")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    machine = models.CharField(max_length=64, help_text="Catalogue id (apps/generation/orders/machines.json).")
    provider = models.CharField(max_length=32, help_text="The machine's provider when ordered (fal, replicate).")
    model = models.CharField(max_length=200, help_text="The machine's model id when ordered.")
    modality = models.CharField(max_length=8, default="image")
    parameters = models.JSONField(default=dict, help_text="The parameters as submitted, choices and ranges included.")
    prompt_template = models.TextField(blank=True, help_text="The prompt as submitted (its tokens and choices).")
    shot = models.ForeignKey("scenes.Shot", null=True, blank=True, on_delete=models.SET_NULL, related_name="generation_orders")
    scene = models.ForeignKey("scenes.Scene", null=True, blank=True, on_delete=models.SET_NULL, related_name="generation_orders")
    location = models.ForeignKey("breakdown.Location", null=True, blank=True, on_delete=models.SET_NULL, related_name="generation_orders")
    character = models.ForeignKey("breakdown.Character", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="generation_orders")
    status = models.CharField(max_length=16, choices=OrderStatus.choices, default=OrderStatus.PENDING)
    progress = models.FloatField(default=0.0, help_text="0.0–1.0, the mean of the items' progress.")
    item_count = models.PositiveIntegerField(default=0)
    estimated_cost_usd = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    cost_usd = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True,
                                   help_text="Sum of what the provider reported for the items; null when it reported nothing.")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(
            condition=(Q(shot__isnull=True, scene__isnull=True, location__isnull=True)
                       | Q(shot__isnull=True, scene__isnull=True, character__isnull=True)
                       | Q(shot__isnull=True, location__isnull=True, character__isnull=True)
                       | Q(scene__isnull=True, location__isnull=True, character__isnull=True)),
            name="generation_order_one_target", violation_error_message="An order is for at most one shot, scene, location or character.")]

    def __str__(self) -> str:
        return f"order {self.pk} ({self.machine}, {self.status})"


class GenerationItem(VersionedModel):
    """One combination of an order's parameters, sent to the provider as one request: its status, progress, the
    provider's request id, queue position and newest log line, its cost when reported, and why it failed."""

    EVENT_ENTITY = "generation_item"

    production = models.ForeignKey("productions.Production", on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(GenerationOrder, on_delete=models.CASCADE, related_name="items")
    index = models.PositiveIntegerField(help_text="1-based place in the order.")
    parameters = models.JSONField(default=dict, help_text="The concrete arguments sent, defaults filled.")
    status = models.CharField(max_length=16, choices=ItemStatus.choices, default=ItemStatus.PENDING)
    progress = models.FloatField(default=0.0, help_text="0.0–1.0")
    queue_position = models.PositiveIntegerField(null=True, blank=True, help_text="0-based, while queued at the provider.")
    log = models.CharField(max_length=300, blank=True, help_text="The provider's newest log line.")
    provider_request_id = models.CharField(max_length=200, blank=True)
    cost_usd = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["order_id", "index"]
        constraints = [models.UniqueConstraint(fields=["order", "index"], name="generation_item_index_unique")]

    def __str__(self) -> str:
        return f"item {self.index} of order {self.order_id} ({self.status})"


class GenerationProduct(VersionedModel):
    """A file an item made — an image, video or audio media asset carrying the exact parameters and the provider's
    metadata in its `generation` — which the crew may mark as a favourite."""

    EVENT_ENTITY = "generation_product"

    production = models.ForeignKey("productions.Production", on_delete=models.CASCADE, related_name="generation_products")
    order = models.ForeignKey(GenerationOrder, on_delete=models.CASCADE, related_name="products")
    item = models.ForeignKey(GenerationItem, on_delete=models.CASCADE, related_name="products")
    media_asset = models.ForeignKey("media.MediaAsset", on_delete=models.CASCADE, related_name="generation_products")
    favourite = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["production", "favourite"], name="generation_product_favourite")]

    def __str__(self) -> str:
        return f"product {self.pk} of item {self.item_id}"

"""Serializers of generation orders: the REST shapes of orders, items and products (also the `data` of their events,
registered with realtime in apps.generation.apps), the machine catalogue, and the bodies of a preview, an order, a
product's change and its use as a storyboard frame.

Money is US dollars as JSON numbers (`usd_per_item`, `estimated_cost_usd`, `cost_usd`; null when unknown); progress
0.0–1.0; times ISO 8601 UTC.
"""
from __future__ import annotations

from rest_framework import serializers

from apps.breakdown.models import Character, Location
from apps.core.api import BuiltOnceModelSerializer
from apps.core.integers import IntegerField
from apps.generation.orders.models import GenerationItem, GenerationOrder, GenerationProduct
from apps.media.serializers import MediaAssetSerializer
from apps.productions.scoped import ScopedPrimaryKeyRelatedField
from apps.scenes.models import Scene, Shot


class MachineSerializer(serializers.Serializer):
    """A machine of the catalogue: `id`, `provider` (fal | replicate), `model`, `modality` (image | video | audio),
    `label`, `usd_per_item` (estimate), `configured` (the provider's key is set on this server), `variable` (the key's
    environment variable) and `parameters` `{name: {"type": "string"|"integer"|"number"|"enum"|"boolean", "minimum",
    "maximum", "values", "default", "max_length", "required"}}` in the model's order."""

    id = serializers.CharField()
    provider = serializers.CharField()
    model = serializers.CharField()
    modality = serializers.CharField()
    label = serializers.CharField()
    usd_per_item = serializers.FloatField()
    configured = serializers.BooleanField()
    variable = serializers.CharField()
    parameters = serializers.DictField(child=serializers.DictField())


class GenerationItemSerializer(BuiltOnceModelSerializer):
    """One item of an order, all read-only: `index` (1-based), `parameters` (the concrete arguments sent), `status`
    (pending/running/succeeded/failed/cancelled), `progress` 0..1, `queue_position` (0-based, while queued),
    `log` (newest line), `provider_request_id`, `cost_usd`, `error`, `attempts`, `job` (its current job's id)."""

    cost_usd = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = GenerationItem
        fields = ["id", "production", "order", "index", "parameters", "status", "progress", "queue_position", "log",
                  "provider_request_id", "cost_usd", "error", "attempts", "job", "started_at", "finished_at", "version",
                  "created_at", "updated_at"]
        read_only_fields = fields


class GenerationOrderSerializer(BuiltOnceModelSerializer):
    """An order without its items (the `data` of `generation_order` events): `machine` (catalogue id) with its
    `provider`, `model` and `modality`, `parameters` as submitted, `prompt_template`, the target (`shot`, `scene`,
    `location`, `character`: at most one set), the derived `status` (pending/running/succeeded/partial/failed/
    cancelled) and `progress`, `item_count`, `estimated_cost_usd`, `cost_usd` (what providers reported)."""

    estimated_cost_usd = serializers.FloatField(read_only=True, allow_null=True)
    cost_usd = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = GenerationOrder
        fields = ["id", "production", "created_by", "machine", "provider", "model", "modality", "parameters", "prompt_template",
                  "shot", "scene", "location", "character", "status", "progress", "item_count", "estimated_cost_usd", "cost_usd",
                  "version", "created_at", "updated_at"]
        read_only_fields = fields


class GenerationOrderDetailSerializer(GenerationOrderSerializer):
    """An order with its `items` (the REST answers: list, detail, create, cancel)."""

    items = GenerationItemSerializer(many=True, read_only=True)

    class Meta(GenerationOrderSerializer.Meta):
        fields = [*GenerationOrderSerializer.Meta.fields, "items"]
        read_only_fields = fields


class GenerationProductSerializer(BuiltOnceModelSerializer):
    """A product of the gallery: its `media_asset` in full (renditions with their `url`s, `original_url`,
    `generation`), the `order`, `item` and `machine` that made it, the item's `parameters`, and `favourite`
    (the only field a PATCH changes, with `version`)."""

    media_asset = MediaAssetSerializer(read_only=True)
    machine = serializers.CharField(source="order.machine", read_only=True)
    parameters = serializers.JSONField(source="item.parameters", read_only=True)
    shot = serializers.IntegerField(source="order.shot_id", read_only=True, allow_null=True)
    scene = serializers.IntegerField(source="order.scene_id", read_only=True, allow_null=True)

    class Meta:
        model = GenerationProduct
        fields = ["id", "production", "order", "item", "machine", "parameters", "shot", "scene", "media_asset", "favourite",
                  "version", "created_at", "updated_at"]
        read_only_fields = [f for f in fields if f != "favourite"]


class OrderRequestSerializer(serializers.Serializer):
    """A preview's or an order's body: `production`, `machine` (catalogue id), `parameters` `{name: value or choices}`
    (apps.generation.orders.params), and at most one target: `shot`, `scene`, `location` or `character` (ids)."""

    production = IntegerField(min_value=1, help_text="A production of the user's (404 for any other).")
    machine = serializers.CharField(max_length=64)
    parameters = serializers.DictField(child=serializers.JSONField(), allow_empty=False)
    shot = ScopedPrimaryKeyRelatedField(queryset=Shot.objects.select_related("scene"), required=False, allow_null=True)
    scene = ScopedPrimaryKeyRelatedField(queryset=Scene.objects.all(), required=False, allow_null=True)
    location = ScopedPrimaryKeyRelatedField(queryset=Location.objects.all(), required=False, allow_null=True)
    character = ScopedPrimaryKeyRelatedField(queryset=Character.objects.all(), required=False, allow_null=True)


class PreviewItemSerializer(serializers.Serializer):
    """One item a preview shows: its 1-based `index` and the concrete `parameters`."""

    index = serializers.IntegerField()
    parameters = serializers.DictField()


class PreviewSerializer(serializers.Serializer):
    """A preview: `count` items, `estimated_cost_usd` (count × the machine's usd_per_item), the first 100 `items`."""

    count = serializers.IntegerField()
    estimated_cost_usd = serializers.FloatField()
    items = PreviewItemSerializer(many=True)


class ProductUpdateSerializer(serializers.Serializer):
    """A product's change: `favourite` (bool) and the `version` it was based on."""

    favourite = serializers.BooleanField()
    version = IntegerField(min_value=1)


class UseAsFrameSerializer(serializers.Serializer):
    """`shot`: the shot the product becomes a storyboard frame of (an image product only)."""

    shot = ScopedPrimaryKeyRelatedField(queryset=Shot.objects.all())


class FilmedSerializer(serializers.Serializer):
    """The take filmed for a shot: `take` (id), `take_number`, `circled`, `media_asset` (its clip) and `poster_url`."""

    take = serializers.IntegerField()
    take_number = serializers.IntegerField()
    circled = serializers.BooleanField()
    media_asset = serializers.IntegerField()
    poster_url = serializers.CharField()


class BoardSerializer(serializers.Serializer):
    """Board vs shot: the shot's storyboard `frames` (image assets, oldest first) and the `filmed` take's poster (or null)."""

    frames = MediaAssetSerializer(many=True)
    filmed = FilmedSerializer(allow_null=True)

"""Serializers of storyboards: saved prompt templates and favourite frames (the REST shapes, also the `data` of their
events, registered with realtime), and the bodies of a preview and an order."""
from __future__ import annotations

from rest_framework import serializers

from apps.core.integers import IntegerField
from apps.generation.storyboards.models import StoryboardFavourite, StoryboardTemplate
from apps.media.models import MediaAsset, MediaKind
from apps.productions.models import Production
from apps.productions.scoped import ScopedPrimaryKeyRelatedField


class StoryboardPreviewRequestSerializer(serializers.Serializer):
    """What to expand: `shot` (id), `template` (tokens and choices), `style` (for `{style}`; "noir|pastel" is a choice), `seeds` ("1-3,7")."""

    shot = IntegerField(min_value=1)
    template = serializers.CharField(max_length=4000, trim_whitespace=False)
    style = serializers.CharField(max_length=200, required=False, allow_blank=True, allow_null=True, default="")
    seeds = serializers.CharField(max_length=100, required=False, allow_blank=True, default="1")


class StoryboardOrderRequestSerializer(StoryboardPreviewRequestSerializer):
    """An order: the preview's fields, plus `model` (a fal model id; SLATE_FAL_MODEL when left out)."""

    model = serializers.CharField(max_length=200, required=False, allow_blank=True, allow_null=True, default=None)


class OrderItemSerializer(serializers.Serializer):
    """One frame of an order: the `prompt` sent to the model, its `seed`, and the `choices` that made it ({"style": "noir"})."""

    prompt = serializers.CharField()
    seed = serializers.IntegerField()
    choices = serializers.DictField(child=serializers.CharField())


class StoryboardTemplateSerializer(serializers.ModelSerializer):
    """A saved storyboard prompt of a production: `name`, `template` (tokens and choices), default `style` and `seeds`."""

    production = ScopedPrimaryKeyRelatedField(queryset=Production.objects.all())

    class Meta:
        model = StoryboardTemplate
        fields = ["id", "production", "name", "template", "style", "seeds", "created_by", "version", "created_at", "updated_at"]
        read_only_fields = ["id", "created_by", "version", "created_at", "updated_at"]
        validators: list = []  # uniqueness is the service's full_clean(), answered in Slate's error shape


class StoryboardFavouriteSerializer(serializers.ModelSerializer):
    """A storyboard frame marked as a favourite: `media_asset` (an image), its `shot` (read-only), an optional `note`."""

    media_asset = ScopedPrimaryKeyRelatedField(queryset=MediaAsset.objects.filter(kind=MediaKind.IMAGE))
    shot = serializers.IntegerField(source="media_asset.shot_id", read_only=True, allow_null=True)

    class Meta:
        model = StoryboardFavourite
        fields = ["id", "production", "media_asset", "shot", "note", "created_by", "version", "created_at", "updated_at"]
        read_only_fields = ["id", "production", "shot", "created_by", "version", "created_at", "updated_at"]
        validators: list = []

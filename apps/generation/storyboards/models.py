"""Storyboards: prompt templates a production keeps, and the frames its crew marked as favourites.

The frames themselves are media assets (`apps.media.models.MediaAsset`, `kind` image, `shot` set,
`generation` = how they were made); an order is a job of kind `ai.storyboard` whose params hold
the expanded items, so neither needs a model of its own here.
"""
from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from apps.core.models import VersionedModel
from apps.generation.storyboards.expansion import MAX_SEED, SHOT_TOKENS, expand, parse_seeds


class StoryboardTemplate(VersionedModel):
    """A storyboard prompt a production reuses, e.g. "{shot.type}, {shot.lens_mm}mm, {scene.location}, {style}"."""

    EVENT_ENTITY = "storyboard_template"

    production = models.ForeignKey("productions.Production", on_delete=models.CASCADE, related_name="storyboard_templates")
    name = models.CharField(max_length=100)
    template = models.TextField(max_length=4000, help_text="Tokens and choices as in apps.generation.storyboards.expansion.")
    style = models.CharField(max_length=200, blank=True, help_text="Default style for {style}; 'noir|pastel' makes a choice.")
    seeds = models.CharField(max_length=100, blank=True, default="1", help_text="Default seeds, e.g. '1-3,7'.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["production_id", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["production", "name"], name="storyboard_template_name_unique",
                                               violation_error_message="This production already has a template with that name.")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Refuse a template that does not parse (unknown token, unclosed brace...) or bad default seeds.

        `{style}` without a default style is fine: the order gives the style.
        """
        super().clean()
        errors = {}
        try:
            expand(self.template or "", values={token: token for token in SHOT_TOKENS}, style="style", seeds="1", max_items=MAX_SEED)
        except ValueError as exc:
            errors["template"] = [str(exc)]
        if self.style:
            try:
                expand("{style}", values={}, style=self.style, seeds="1", max_items=MAX_SEED)
            except ValueError as exc:
                errors["style"] = [str(exc)]
        if self.seeds:
            try:
                parse_seeds(self.seeds, max_count=settings.SLATE_STORYBOARD_MAX_IMAGES)
            except ValueError as exc:
                errors["seeds"] = [str(exc)]
        if errors:
            raise ValidationError(errors)


class StoryboardFavourite(VersionedModel):
    """A storyboard frame the crew marked as a favourite of its shot, with an optional note ("use for the pitch deck")."""

    EVENT_ENTITY = "storyboard_favourite"

    production = models.ForeignKey("productions.Production", on_delete=models.CASCADE, related_name="storyboard_favourites")
    media_asset = models.ForeignKey("media.MediaAsset", on_delete=models.CASCADE, related_name="storyboard_favourites")
    note = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["media_asset"], name="storyboard_favourite_once",
                                               violation_error_message="This frame is already a favourite.")]

    def __str__(self) -> str:
        return f"favourite {self.media_asset_id}"

    def clean(self) -> None:
        """Only stills can be favourites (a clip has takes and circled takes for that)."""
        super().clean()
        from apps.media.models import MediaKind

        if self.media_asset_id and self.media_asset.kind != MediaKind.IMAGE:
            raise ValidationError({"media_asset": ["Only storyboard frames (images) can be favourites."]})

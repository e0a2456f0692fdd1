"""The breakdown: who and what each scene needs — characters, cast, props, locations."""
from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from apps.core.models import VersionedModel


class CastMember(VersionedModel):
    """An actor engaged on the production, with the cast id used on call sheets and strips."""

    EVENT_ENTITY = "cast_member"

    production = models.ForeignKey("productions.Production", on_delete=models.CASCADE, related_name="cast_members")
    name = models.CharField(max_length=200, help_text="The actor's name.")
    cast_id = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MinValueValidator(1)], help_text="Cast id on the call sheet (1 = lead).")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    agent = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["production_id", "cast_id", "name"]
        constraints = [models.UniqueConstraint(fields=["production", "cast_id"], name="cast_id_unique_in_production",
                                               violation_error_message="Another cast member has that cast id.")]

    def __str__(self) -> str:
        return self.name


class Character(VersionedModel):
    """A part in the screenplay, e.g. 'CYBER BOB'; speaks in some scenes, played by a cast member."""

    EVENT_ENTITY = "character"

    production = models.ForeignKey("productions.Production", on_delete=models.CASCADE, related_name="characters")
    name = models.CharField(max_length=200, help_text="As in the screenplay's character cues, upper case.")
    description = models.TextField(blank=True)
    cast_member = models.ForeignKey(CastMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="characters")
    scenes = models.ManyToManyField("scenes.Scene", blank=True, related_name="characters", help_text="Scenes the character speaks in.")

    class Meta:
        ordering = ["production_id", "name"]
        constraints = [models.UniqueConstraint(fields=["production", "name"], name="character_name_unique_in_production",
                                               violation_error_message="This production already has a character with that name.")]

    def __str__(self) -> str:
        return self.name


class PropStatus(models.TextChoices):
    """Where a prop stands for the props department.

    needed: on the breakdown, not found yet. sourced: bought, rented or made, not yet on set.
    ready: on set, ready for camera.
    """

    NEEDED = "needed", "Needed"
    SOURCED = "sourced", "Sourced"
    READY = "ready", "Ready on set"


class Prop(VersionedModel):
    """An object an actor handles on camera; the props department sources it for its scenes."""

    EVENT_ENTITY = "prop"

    production = models.ForeignKey("productions.Production", on_delete=models.CASCADE, related_name="props")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    quantity = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    status = models.CharField(max_length=16, choices=PropStatus.choices, default=PropStatus.NEEDED)
    scenes = models.ManyToManyField("scenes.Scene", blank=True, related_name="props")

    class Meta:
        ordering = ["production_id", "name"]

    def __str__(self) -> str:
        return self.name


class Location(VersionedModel):
    """A real place the unit shoots at, standing in for one or more slugline locations."""

    EVENT_ENTITY = "location"

    production = models.ForeignKey("productions.Production", on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(max_length=200, help_text="Slugline location it serves, e.g. 'LIBRARY'.")
    address = models.TextField(blank=True)
    contact = models.CharField(max_length=200, blank=True)
    parking = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    scenes = models.ManyToManyField("scenes.Scene", blank=True, related_name="locations")

    class Meta:
        ordering = ["production_id", "name"]

    def __str__(self) -> str:
        return self.name

"""The breakdown: who and what each scene needs — characters, cast, props, locations, and the
suggested breakdown items (from Claude) the crew accepts or rejects."""
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
    address = models.TextField(blank=True, max_length=500, help_text="Home or lodging address (pickups); personal, as the phone.")
    emergency_contact = models.CharField(max_length=200, blank=True, help_text="Who to call if something happens: name, relation, phone.")
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
    # The character sheet: what AI writing is told about the part (apps.generation.writing.prompts).
    personality = models.TextField(blank=True, help_text="Temperament, manner, contradictions.")
    goals = models.TextField(blank=True, help_text="What the character wants, in the story and in their scenes.")
    voice = models.TextField(blank=True, help_text="How they talk: rhythm, vocabulary, verbal tics.")
    backstory = models.TextField(blank=True, help_text="What happened to them before page one.")
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


class BreakdownCategory(models.TextChoices):
    """The categories of a breakdown sheet (the colour-coded lists an assistant director marks up).

    cast: speaking parts. extras: background actors. props: objects actors handle. wardrobe:
    costumes. makeup_hair: makeup, hair, prosthetics, blood. vehicles: picture cars. animals:
    animals and their wranglers. stunts: stunt work. special_effects: practical effects (rain, fire,
    explosions). sound: sound effects and playback on set. set_dressing: what dresses the set.
    special_equipment: cranes, underwater housings, drones and the like.
    """

    CAST = "cast", "Cast"
    EXTRAS = "extras", "Background / extras"
    PROPS = "props", "Props"
    WARDROBE = "wardrobe", "Wardrobe"
    MAKEUP_HAIR = "makeup_hair", "Makeup / hair"
    VEHICLES = "vehicles", "Vehicles"
    ANIMALS = "animals", "Animals"
    STUNTS = "stunts", "Stunts"
    SPECIAL_EFFECTS = "special_effects", "Special effects"
    SOUND = "sound", "Sound"
    SET_DRESSING = "set_dressing", "Set dressing"
    SPECIAL_EQUIPMENT = "special_equipment", "Special equipment"


class SuggestionStatus(models.TextChoices):
    """Where a suggested breakdown item stands.

    pending: waiting for the crew's review. accepted: part of the scene's breakdown (a cast item is
    linked to its Character, a props item to its Prop). rejected: dismissed; a later breakdown of the
    scene does not suggest it again.
    """

    PENDING = "pending", "Pending review"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class BreakdownSuggestion(VersionedModel):
    """One item Claude found in a scene (a prop, a stunt, an extra...), with the script text that supports it.

    Once accepted it is the scene's breakdown entry for its category; cast and props items are
    also linked to the Character and Prop they became.
    """

    EVENT_ENTITY = "breakdown_suggestion"

    production = models.ForeignKey("productions.Production", on_delete=models.CASCADE, related_name="breakdown_suggestions")
    scene = models.ForeignKey("scenes.Scene", on_delete=models.CASCADE, related_name="breakdown_suggestions")
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                            help_text="The AI breakdown job that suggested it.")
    category = models.CharField(max_length=24, choices=BreakdownCategory.choices)
    name = models.CharField(max_length=200, help_text="What is needed, e.g. 'Pocket watch' or 'CYBER BOB'.")
    description = models.TextField(blank=True, help_text="Details: how many, what state, what it does.")
    evidence = models.TextField(blank=True, help_text="The screenplay text that calls for it, quoted.")
    status = models.CharField(max_length=16, choices=SuggestionStatus.choices, default=SuggestionStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    character = models.ForeignKey(Character, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                  help_text="The character an accepted cast item became.")
    prop = models.ForeignKey(Prop, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             help_text="The prop an accepted props item became.")

    class Meta:
        ordering = ["production_id", "scene_id", "category", "id"]
        indexes = [models.Index(fields=["scene", "status"], name="breakdown_sugg_scene_status")]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.name}"

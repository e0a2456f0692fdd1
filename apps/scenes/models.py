"""Scenes, shots and takes: what the crew shoots, setup by setup."""
from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from apps.core.models import VersionedModel

scene_number_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9.\-]{0,15}$",
    "A scene number is letters and digits like 12, 12A or A12 (at most 16 characters).",
)


class IntExt(models.TextChoices):
    """The first part of a slugline: INT. interior, EXT. exterior, INT./EXT. both, EST. establishing; "" none."""

    INT = "INT", "INT."
    EXT = "EXT", "EXT."
    INT_EXT = "INT/EXT", "INT./EXT."
    EST = "EST", "EST."
    NONE = "", "—"


class SceneStatus(models.TextChoices):
    """Where a scene stands on the board.

    not_started: nothing shot yet. in_progress: being shot. completed: in the can; its page eighths
    count as done in the production's stats. on_hold: put off for now.
    """

    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    ON_HOLD = "on_hold", "On hold"


class Scene(VersionedModel):
    """A scene of the screenplay: one slugline (INT./EXT., location, time of day) and its action."""

    EVENT_ENTITY = "scene"

    production = models.ForeignKey("productions.Production", on_delete=models.CASCADE, related_name="scenes")
    number = models.CharField(max_length=16, validators=[scene_number_validator], help_text="Scene number, e.g. '12A'.")
    int_ext = models.CharField(max_length=8, choices=IntExt.choices, blank=True, default=IntExt.INT)
    location = models.CharField(max_length=200, blank=True, help_text="Slugline location, e.g. 'LIBRARY'.")
    time_of_day = models.CharField(max_length=64, blank=True, help_text="Slugline time of day, e.g. 'DAY', 'NIGHT'.")
    synopsis = models.TextField(blank=True)
    page_eighths = models.PositiveIntegerField(default=8, validators=[MaxValueValidator(8 * 200)], help_text="Length in eighths of a page.")
    script_order = models.PositiveIntegerField(default=0, help_text="Position in the screenplay, 0-based.")
    status = models.CharField(max_length=16, choices=SceneStatus.choices, default=SceneStatus.NOT_STARTED)
    script_version = models.ForeignKey("scripts.ScriptVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="scenes")
    needs_review = models.BooleanField(default=False, help_text="A new screenplay version changed or dropped this scene; the crew clears it.")
    review_reason = models.CharField(max_length=200, blank=True, help_text="Why it needs review, e.g. 'Text changed in v3'.")
    assignees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="assigned_scenes",
                                       help_text="Crew members responsible for the scene; told when its status changes.")

    class Meta:
        ordering = ["production_id", "script_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["production", "number"], name="scene_number_unique_in_production",
                                    violation_error_message="This production already has a scene with that number."),
        ]
        indexes = [models.Index(fields=["production", "status"], name="scene_production_status")]

    def __str__(self) -> str:
        return f"{self.number} {self.slugline}"

    @property
    def slugline(self) -> str:
        """The heading as written on the page: 'INT. LIBRARY - NIGHT'."""
        prefix = self.get_int_ext_display() if self.int_ext else ""
        tail = f" - {self.time_of_day}" if self.time_of_day else ""
        return f"{prefix} {self.location}{tail}".strip()


class ShotType(models.TextChoices):
    """The shot's size or kind, as on a shot list.

    EWS, WS, FS, MWS, MS, MCU, CU, ECU: from the whole setting down to a detail of a face;
    OTS: over a shoulder; POV: what a character sees; 2S: two people in frame; INSERT: a close
    detail (a letter, a hand); CUTAWAY: something away from the main action; AERIAL: from the air.
    """

    EWS = "EWS", "Extreme wide shot"
    WS = "WS", "Wide shot"
    FS = "FS", "Full shot"
    MWS = "MWS", "Medium wide shot"
    MS = "MS", "Medium shot"
    MCU = "MCU", "Medium close-up"
    CU = "CU", "Close-up"
    ECU = "ECU", "Extreme close-up"
    OTS = "OTS", "Over the shoulder"
    POV = "POV", "Point of view"
    TWO_SHOT = "2S", "Two shot"
    INSERT = "INSERT", "Insert"
    CUTAWAY = "CUTAWAY", "Cutaway"
    AERIAL = "AERIAL", "Aerial"


class Movement(models.TextChoices):
    """How the camera moves during the shot.

    static: locked off. pan, tilt: turns on the head; zoom: changes focal length. dolly, track: moves
    on wheels or rails; crane: rises or swings on an arm. handheld, steadicam, gimbal: carried by the
    operator (the last two stabilised). drone: flies.
    """

    STATIC = "static", "Static"
    PAN = "pan", "Pan"
    TILT = "tilt", "Tilt"
    DOLLY = "dolly", "Dolly"
    TRACK = "track", "Tracking"
    CRANE = "crane", "Crane / jib"
    HANDHELD = "handheld", "Handheld"
    STEADICAM = "steadicam", "Steadicam"
    GIMBAL = "gimbal", "Gimbal"
    ZOOM = "zoom", "Zoom"
    DRONE = "drone", "Drone"


class ShotStatus(models.TextChoices):
    """Where a shot stands on the shot list.

    planned: still to shoot. shot: in the can. omitted: dropped; it stays listed but will not be shot.
    """

    PLANNED = "planned", "Planned"
    SHOT = "shot", "Shot"
    OMITTED = "omitted", "Omitted"


class Shot(VersionedModel):
    """A shot is one camera setup within a scene (number '1', '2' or 'A', 'B'...)."""

    EVENT_ENTITY = "shot"

    production = models.ForeignKey("productions.Production", on_delete=models.CASCADE, related_name="shots")
    scene = models.ForeignKey(Scene, on_delete=models.CASCADE, related_name="shots")
    number = models.CharField(max_length=16, validators=[scene_number_validator])
    type = models.CharField(max_length=16, choices=ShotType.choices, default=ShotType.WS)
    lens_mm = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MinValueValidator(4), MaxValueValidator(2000)])
    movement = models.CharField(max_length=16, choices=Movement.choices, default=Movement.STATIC)
    frame_rate = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True, help_text="Frames per second, e.g. 23.976.",
                                     validators=[MinValueValidator(1), MaxValueValidator(1000)])
    description = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=ShotStatus.choices, default=ShotStatus.PLANNED)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["scene_id", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["scene", "number"], name="shot_number_unique_in_scene",
                                               violation_error_message="This scene already has a shot with that number.")]

    def __str__(self) -> str:
        return f"{self.scene.number}/{self.number}"


class Take(VersionedModel):
    """One run of the camera on a shot; circled takes are printed, NG takes are no good."""

    EVENT_ENTITY = "take"

    production = models.ForeignKey("productions.Production", on_delete=models.CASCADE, related_name="takes")
    shot = models.ForeignKey(Shot, on_delete=models.CASCADE, related_name="takes")
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    circled = models.BooleanField(default=False, help_text="Circled (print) take.")
    no_good = models.BooleanField(default=False, help_text="NG: not usable.")
    notes = models.TextField(blank=True)
    timecode_in = models.CharField(max_length=11, blank=True, validators=[RegexValidator(r"^\d{2}:\d{2}:\d{2}[:;]\d{2}$", "Timecode is HH:MM:SS:FF (or ;FF drop-frame).")])
    timecode_out = models.CharField(max_length=11, blank=True, validators=[RegexValidator(r"^\d{2}:\d{2}:\d{2}[:;]\d{2}$", "Timecode is HH:MM:SS:FF (or ;FF drop-frame).")])

    class Meta:
        ordering = ["shot_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["shot", "number"], name="take_number_unique_in_shot",
                                    violation_error_message="This shot already has a take with that number."),
            models.CheckConstraint(condition=~(models.Q(circled=True) & models.Q(no_good=True)), name="take_not_circled_and_ng",
                                   violation_error_message="A take cannot be both circled and NG."),
        ]

    def __str__(self) -> str:
        return f"take {self.number}"

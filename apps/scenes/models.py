"""Scenes, shots and takes: what the crew shoots, setup by setup."""
from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from apps.core.models import VersionedModel
from apps.core.timecode import TIMECODE_RATES, parse_timecode, span_frames
from apps.productions.models import TimecodeRate

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


class TakeSound(models.TextChoices):
    """What a take recorded.

    sync: picture and sound together. mos: picture without sound (no sound roll). wild_track: sound
    without picture — lines, effects or room tone recorded on their own (no camera).
    """

    SYNC = "sync", "Sync"
    MOS = "mos", "MOS"
    WILD_TRACK = "wild_track", "Wild track"


ROLL_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,15}$")
roll_validator = RegexValidator(ROLL_RE, "A roll is letters and digits like A012 or S004 (at most 16 characters).")
MAX_CAMERAS = 8
MAX_TAKE_S = 4 * 3600  # longer than any real take: a span past it is an out typed before its in
CAMERA_KEYS = ("camera", "roll", "lens")


def validate_cameras(value) -> None:
    """Check a take's `cameras`: a list of at most MAX_CAMERAS `{"camera": "A", "roll": "A012", "lens": "35mm"}`.

    `camera` is the camera's letter (A–Z, each once), `roll` its camera roll (blank, or ROLL_RE), `lens`
    free text of at most 32 characters ("35mm", "24-290 @ 85mm"). Raises django `ValidationError`.
    """
    if not isinstance(value, list) or len(value) > MAX_CAMERAS:
        raise ValidationError(f"Cameras are a list of at most {MAX_CAMERAS} cameras.")
    letters = []
    for entry in value:
        if not isinstance(entry, dict) or set(entry) - set(CAMERA_KEYS) or not isinstance(entry.get("camera"), str):
            raise ValidationError('Each camera is {"camera": "A", "roll": "A012", "lens": "35mm"}.')
        if not re.fullmatch(r"[A-Z]", entry["camera"]):
            raise ValidationError(f"{entry['camera']!r} is not a camera: use one capital letter, A to Z.")
        roll, lens = entry.get("roll", ""), entry.get("lens", "")
        if not isinstance(roll, str) or (roll and not ROLL_RE.match(roll)):
            raise ValidationError(f"Camera {entry['camera']}: {roll!r} is not a roll (letters and digits like A012).")
        if not isinstance(lens, str) or len(lens) > 32:
            raise ValidationError(f"Camera {entry['camera']}: the lens is text of at most 32 characters, like 35mm.")
        letters.append(entry["camera"])
    if len(set(letters)) != len(letters):
        raise ValidationError("Each camera is listed once.")


class Take(VersionedModel):
    """One run of the camera on a shot; circled takes are printed, NG takes are no good.

    A script supervisor's log line: the camera(s) with their roll and lens (`cameras`), the sound
    roll, timecode in and out at `timecode_rate` (copied from the production when the take is logged,
    so later changes of the production's rate do not re-read it) and the duration they make
    (`duration_frames`, set by the services), sync / MOS / wild track, and when it was rolled
    (`recorded_at`, which decides its shoot day in the daily reports).
    """

    EVENT_ENTITY = "take"

    production = models.ForeignKey("productions.Production", on_delete=models.CASCADE, related_name="takes")
    shot = models.ForeignKey(Shot, on_delete=models.CASCADE, related_name="takes")
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    circled = models.BooleanField(default=False, help_text="Circled (print) take.")
    no_good = models.BooleanField(default=False, help_text="NG: not usable.")
    notes = models.TextField(blank=True)
    timecode_in = models.CharField(max_length=11, blank=True, validators=[RegexValidator(r"^\d{2}:\d{2}:\d{2}[:;]\d{2}$", "Timecode is HH:MM:SS:FF (or ;FF drop-frame).")])
    timecode_out = models.CharField(max_length=11, blank=True, validators=[RegexValidator(r"^\d{2}:\d{2}:\d{2}[:;]\d{2}$", "Timecode is HH:MM:SS:FF (or ;FF drop-frame).")])
    timecode_rate = models.CharField(max_length=8, choices=TimecodeRate.choices, default=TimecodeRate.FPS_24,
                                     help_text="Frames per second the timecode is read at.")
    duration_frames = models.PositiveIntegerField(null=True, blank=True, editable=False,
                                                  help_text="Timecode out minus in, in frames at the rate; null without both.")
    cameras = models.JSONField(default=list, blank=True, validators=[validate_cameras],
                               help_text='[{"camera": "A", "roll": "A012", "lens": "35mm"}, ...]')
    sound_roll = models.CharField(max_length=16, blank=True, validators=[roll_validator], help_text="e.g. S004.")
    sound = models.CharField(max_length=16, choices=TakeSound.choices, default=TakeSound.SYNC)
    recorded_at = models.DateTimeField(default=timezone.now, help_text="When the take was rolled.")

    class Meta:
        ordering = ["shot_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["shot", "number"], name="take_number_unique_in_shot",
                                    violation_error_message="This shot already has a take with that number."),
            models.CheckConstraint(condition=~(models.Q(circled=True) & models.Q(no_good=True)), name="take_not_circled_and_ng",
                                   violation_error_message="A take cannot be both circled and NG."),
        ]
        indexes = [models.Index(fields=["production", "recorded_at"], name="take_production_recorded")]

    def __str__(self) -> str:
        return f"take {self.number}"

    def span_frames(self) -> int | None:
        """Frames from `timecode_in` to `timecode_out` at `timecode_rate` (apps.core.timecode.span_frames);
        None when either is blank or the pair is not valid (`clean` says why)."""
        if not (self.timecode_in and self.timecode_out) or self.timecode_rate not in TIMECODE_RATES:
            return None
        try:
            return span_frames(self.timecode_in, self.timecode_out, TIMECODE_RATES[self.timecode_rate],
                               max_frames=int(MAX_TAKE_S * TIMECODE_RATES[self.timecode_rate]))
        except ValueError:
            return None

    def clean(self) -> None:
        """The rules between fields: each timecode exists at the take's rate (frames below the rate, drop-frame only
        at 29.97/59.94 and not on a label it skips: SMPTE ST 12-1), out is after in (within MAX_TAKE_S, across
        midnight allowed), a wild track has no camera and an MOS take no sound roll. Raises `ValidationError` by field."""
        errors: dict[str, str] = {}
        fps = TIMECODE_RATES.get(self.timecode_rate)
        for name in ("timecode_in", "timecode_out"):
            label = getattr(self, name)
            if label and fps is not None:
                try:
                    parse_timecode(label, fps)
                except ValueError as problem:
                    errors[name] = f"{problem} (timecode rate {self.timecode_rate})."
        if self.timecode_in and self.timecode_out and fps is not None and not errors:
            try:
                span_frames(self.timecode_in, self.timecode_out, fps, max_frames=int(MAX_TAKE_S * fps))
            except ValueError as problem:
                errors["timecode_out"] = f"{problem}: timecode out is where the take cut, after timecode in."
        if self.sound == TakeSound.WILD_TRACK and self.cameras:
            errors["cameras"] = "A wild track is sound only: it has no camera."
        if self.sound == TakeSound.MOS and self.sound_roll:
            errors["sound_roll"] = "An MOS take records no sound: it has no sound roll."
        if errors:
            raise ValidationError(errors)

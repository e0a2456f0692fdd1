"""The shooting schedule (shoot days and the stripboard) and the call sheets sent to the crew."""
from __future__ import annotations

from django.conf import settings
from django.db import models

from apps.core.models import TimeStampedModel, VersionedModel


class ShootDay(VersionedModel):
    """One day of principal photography for one unit; its scenes are the strips placed on it.

    `number` is the 1-based day number in (date, id) order within the production, kept up to date
    by the services whenever a day is added, removed or re-dated (not edited directly).
    """

    EVENT_ENTITY = "shoot_day"

    production = models.ForeignKey("productions.Production", on_delete=models.CASCADE, related_name="shoot_days")
    date = models.DateField()
    number = models.PositiveIntegerField(default=0, editable=False, help_text="Day number, 1-based, in (date, id) order.")
    unit = models.CharField(max_length=100, default="Main Unit")
    location = models.ForeignKey("breakdown.Location", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 help_text="Where the unit is based that day (the call sheet lists each scene's own locations).")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["production_id", "date", "id"]

    def __str__(self) -> str:
        return f"Day {self.number} ({self.date})"


class StripKind(models.TextChoices):
    """What a strip on the stripboard is: a scene to shoot, or a banner (day note such as "COMPANY MOVE")."""

    SCENE = "scene", "Scene"
    BANNER = "banner", "Banner"


class Strip(VersionedModel):
    """A strip on the stripboard: one scene (or a banner) at a 0-based position within a shoot day."""

    EVENT_ENTITY = "strip"

    production = models.ForeignKey("productions.Production", on_delete=models.CASCADE, related_name="strips")
    shoot_day = models.ForeignKey(ShootDay, on_delete=models.CASCADE, related_name="strips")
    position = models.PositiveIntegerField(default=0, help_text="0-based place within the day.")
    kind = models.CharField(max_length=8, choices=StripKind.choices, default=StripKind.SCENE)
    scene = models.ForeignKey("scenes.Scene", null=True, blank=True, on_delete=models.CASCADE, related_name="strips")
    text = models.CharField(max_length=200, blank=True, help_text="A banner's text, e.g. 'COMPANY MOVE'.")

    class Meta:
        ordering = ["shoot_day_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["production", "scene"], condition=models.Q(scene__isnull=False), name="one_strip_per_scene",
                                    violation_error_message="That scene is already on the schedule."),
            models.CheckConstraint(
                condition=(models.Q(kind="scene", scene__isnull=False) | models.Q(kind="banner", scene__isnull=True)),
                name="strip_scene_xor_banner",
                violation_error_message="A scene strip needs a scene; a banner has none.",
            ),
        ]

    def __str__(self) -> str:
        return f"Strip {self.kind} at {self.position}"


class CallSheetStatus(models.TextChoices):
    """Where a call sheet stands.

    draft: never published. published: the crew has the latest version. changed: edited (or its
    day's schedule moved) since it was last published; publish again to send a revision.
    """

    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    CHANGED = "changed", "Changed since published"


class CallSheet(VersionedModel):
    """The day's call sheet: when and where everyone is called, what is shot, and who to call in an emergency.

    Calls, meal and wrap are minutes after the shoot day's midnight, 0 ≤ m < 48*60, so a night shoot's
    "00:15 (+1)" is 1455 (apps.callsheets.calltimes; the API speaks "HH:MM" with HH up to 47). JSON
    shapes: `locations` list of `{name, address, parking, notes}`; `hospital` `{name, address, phone,
    route}`; `weather` `{summary, high_c, low_c, sunrise, sunset}` (°C, "HH:MM"); `cast_calls` list of
    `{cast_member, pickup, hair_makeup, on_set, notes}`; `crew_calls` list of `{department, name,
    role, user, call, offset}` (a row follows the crew call by `offset` minutes, or has a hand-set
    `call`); times in rows are "HH:MM" with HH up to 47. `walkie_channels` list of `{channel, use}`;
    `key_contacts` list of `{role, name, phone}` (typed-in extra contacts). `revision` counts publishes
    (0 = never published).
    """

    EVENT_ENTITY = "callsheet"

    production = models.ForeignKey("productions.Production", on_delete=models.CASCADE, related_name="call_sheets")
    shoot_day = models.OneToOneField(ShootDay, on_delete=models.CASCADE, related_name="call_sheet")
    status = models.CharField(max_length=16, choices=CallSheetStatus.choices, default=CallSheetStatus.DRAFT)
    revision = models.PositiveIntegerField(default=0, help_text="Number of times published; 0 = never.")
    crew_call = models.PositiveSmallIntegerField(null=True, blank=True, help_text="General crew call, minutes after the day's midnight.")
    shooting_call = models.PositiveSmallIntegerField(null=True, blank=True,
                                                     help_text="When the camera is expected to roll, minutes after the day's midnight.")
    first_meal = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Minutes after the day's midnight.")
    wrap = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Estimated wrap, minutes after the day's midnight.")
    locations = models.JSONField(default=list, blank=True)
    hospital = models.JSONField(default=dict, blank=True)
    weather = models.JSONField(default=dict, blank=True)
    cast_calls = models.JSONField(default=list, blank=True)
    crew_calls = models.JSONField(default=list, blank=True)
    walkie_channels = models.JSONField(default=list, blank=True)
    safety_notes = models.TextField(blank=True, help_text="Hazards of the day and safety notes.")
    key_contacts = models.JSONField(default=list, blank=True)
    notes = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["production_id", "shoot_day__date", "shoot_day_id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(**{f"{name}__lt": 48 * 60}) | models.Q(**{f"{name}__isnull": True}),
                                   name=f"callsheet_{name}_within_two_days")
            for name in ("crew_call", "shooting_call", "first_meal", "wrap")
        ]

    def __str__(self) -> str:
        return f"Call sheet for day {self.shoot_day_id}"


class CallSheetRevision(TimeStampedModel):
    """A call sheet as it was published (revision n), and what changed from revision n-1.

    `snapshot` is the sheet's REST representation at publish time; `changes` a list of
    `{field, label, before, after}` against the previous revision (empty for revision 1).
    """

    production = models.ForeignKey("productions.Production", on_delete=models.CASCADE, related_name="+")
    call_sheet = models.ForeignKey(CallSheet, on_delete=models.CASCADE, related_name="revisions")
    revision = models.PositiveIntegerField()
    snapshot = models.JSONField(default=dict)
    changes = models.JSONField(default=list)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["call_sheet_id", "-revision"]
        constraints = [models.UniqueConstraint(fields=["call_sheet", "revision"], name="one_row_per_callsheet_revision")]

    def __str__(self) -> str:
        return f"Call sheet {self.call_sheet_id} rev {self.revision}"


class CallSheetRecipient(TimeStampedModel):
    """One crew member on a call sheet's distribution: when they were sent it, saw it and confirmed it.

    `revision` is the revision they were last sent; `seen_at`/`confirmed_at` reset with each new
    revision; `confirmed_revision` is the last revision they confirmed. `role` is their role at
    publish time.
    """

    EVENT_ENTITY = "callsheet_recipient"

    production = models.ForeignKey("productions.Production", on_delete=models.CASCADE, related_name="+")
    call_sheet = models.ForeignKey(CallSheet, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=32, blank=True)
    revision = models.PositiveIntegerField(default=0)
    notified_at = models.DateTimeField(null=True, blank=True)
    seen_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_revision = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["call_sheet_id", "id"]
        constraints = [models.UniqueConstraint(fields=["call_sheet", "user"], name="one_recipient_row_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id} on call sheet {self.call_sheet_id}"

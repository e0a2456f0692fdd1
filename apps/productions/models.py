"""Productions and who works on them."""
from __future__ import annotations

from django.conf import settings
from django.db import models

from apps.core.models import TimeStampedModel, VersionedModel


class TimecodeRate(models.TextChoices):
    """The rate the production's timecode runs at (camera and sound are jam-synced to it), frames per second.

    23.976, 29.97, 47.952 and 59.94 are the NTSC-family rates N*1000/1001, counted at N (SMPTE ST 12-1);
    drop-frame labels ("HH:MM:SS;FF") exist only at 29.97 and 59.94. Exact values: apps.core.timecode.TIMECODE_RATES.
    """

    FPS_23_976 = "23.976", "23.976"
    FPS_24 = "24", "24"
    FPS_25 = "25", "25"
    FPS_29_97 = "29.97", "29.97"
    FPS_30 = "30", "30"
    FPS_47_952 = "47.952", "47.952"
    FPS_48 = "48", "48"
    FPS_50 = "50", "50"
    FPS_59_94 = "59.94", "59.94"
    FPS_60 = "60", "60"


class Production(VersionedModel):
    """A film, episode or commercial that one crew shoots together."""

    EVENT_ENTITY = "production"

    title = models.CharField(max_length=200)
    code = models.CharField(max_length=32, blank=True, help_text="Short production code, e.g. 'TOS-101'.")
    description = models.TextField(blank=True)
    start_date = models.DateField(null=True, blank=True, help_text="First shoot day.")
    end_date = models.DateField(null=True, blank=True, help_text="Last shoot day (wrap).")
    timecode_rate = models.CharField(max_length=8, choices=TimecodeRate.choices, default=TimecodeRate.FPS_24,
                                     help_text="Frames per second of the production's timecode; a take's timecode is read at it.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    require_two_factor = models.BooleanField(
        default=False,
        help_text="Owners and producers must have two-factor authentication on to change anything here (only an owner sets this).",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(start_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="production_wraps_after_start",
                violation_error_message="The wrap date cannot be before the first shoot day.",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Role(models.TextChoices):
    """A crew member's role on a production, which decides what they may do in Slate.

    owner: everything, including deleting the production and giving the owner role. producer: manages
    the production and its crew. production_coordinator (the production office), director,
    assistant_director, script_supervisor, camera, editor and crew: their job on the unit; they read and
    change the production's data. viewer: reads only. Who sees the crew's and cast's personal contact
    details: CONTACT_ROLES (apps.productions.permissions.sees_contacts).
    """

    OWNER = "owner", "Owner"
    PRODUCER = "producer", "Producer"
    PRODUCTION_COORDINATOR = "production_coordinator", "Production coordinator"
    DIRECTOR = "director", "Director"
    ASSISTANT_DIRECTOR = "assistant_director", "Assistant director"
    SCRIPT_SUPERVISOR = "script_supervisor", "Script supervisor"
    CAMERA = "camera", "Camera"
    EDITOR = "editor", "Editor"
    CREW = "crew", "Crew"
    VIEWER = "viewer", "Viewer"


MANAGER_ROLES = frozenset({Role.OWNER, Role.PRODUCER})
READ_ONLY_ROLES = frozenset({Role.VIEWER})
# Who sees the personal contact details (phone, email) of the production's cast and crew (issue 18).
CONTACT_ROLES = frozenset({Role.OWNER, Role.PRODUCER, Role.PRODUCTION_COORDINATOR, Role.ASSISTANT_DIRECTOR})


class Membership(TimeStampedModel):
    """One person's place on a production's crew, with the role that decides what they may do."""

    EVENT_ENTITY = "membership"

    production = models.ForeignKey(Production, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.CREW)
    # Personal contact details for this production's office (the email is the account's): seen only by CONTACT_ROLES
    # and the person themselves (apps.productions.permissions.sees_contacts).
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True, max_length=500, help_text="Home or lodging address (pickups).")
    emergency_contact = models.CharField(max_length=200, blank=True, help_text="Who to call if something happens: name, relation, phone.")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["production_id", "id"]
        constraints = [models.UniqueConstraint(fields=["production", "user"], name="one_membership_per_user")]

    def __str__(self) -> str:
        return f"{self.user} on {self.production} as {self.role}"


class Invitation(TimeStampedModel):
    """An emailed offer to join a production's crew with a role, for someone who has no Slate account yet.

    Pending until accepted (`accepted_at` set) or revoked (the row is deleted); one pending
    invitation per email and production — inviting again refreshes it. The emailed token itself is
    never stored: only its SHA-256 (`token_hash`), so a database leak cannot be used to join.
    """

    EVENT_ENTITY = "invitation"

    production = models.ForeignKey(Production, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(help_text="Lower-cased address the invitation was sent to.")
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.CREW)
    token_hash = models.CharField(max_length=64, unique=True, editable=False, help_text="SHA-256 (hex) of the emailed token.")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["production", "email"], condition=models.Q(accepted_at__isnull=True), name="one_pending_invitation_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} invited to {self.production} as {self.role}"

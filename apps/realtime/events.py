"""The event types Slate sends and the serializer that renders each entity's `data`.

`type` is `<entity>.<verb>` (DESIGN.md, "Event envelope"). The TypeScript client mirrors this
list in one union. An entity's `data` is the same JSON its REST endpoint returns.
"""
from __future__ import annotations

from django.utils.module_loading import import_string

VERBS = ("created", "updated", "deleted")

# entity name → dotted path of its REST serializer
ENTITY_SERIALIZERS: dict[str, str] = {
    "production": "apps.productions.api.ProductionSerializer",
    "membership": "apps.productions.api.MembershipSerializer",
    "invitation": "apps.productions.api.InvitationSerializer",  # pending invitations; never the token
    "scene": "apps.scenes.api.SceneSerializer",
    "shot": "apps.scenes.api.ShotSerializer",
    "take": "apps.scenes.api.TakeSerializer",
    "character": "apps.breakdown.api.CharacterSerializer",
    "cast_member": "apps.breakdown.api.CastMemberSerializer",
    "prop": "apps.breakdown.api.PropSerializer",
    "location": "apps.breakdown.api.LocationSerializer",
    "breakdown_suggestion": "apps.breakdown.api.BreakdownSuggestionSerializer",
    "continuity_note": "apps.continuity.api.ContinuityNoteSerializer",
    "continuity_photo": "apps.continuity.api.ContinuityPhotoSerializer",
    "comment": "apps.comments.api.CommentSerializer",
    "script": "apps.scripts.api.ScriptSerializer",
    "script_version": "apps.scripts.api.ScriptVersionSerializer",
    "media_asset": "apps.media.api.MediaAssetSerializer",
    "clip": "apps.media.api.ClipSerializer",
    "storyboard_template": "apps.generation.storyboards.api.StoryboardTemplateSerializer",
    "storyboard_favourite": "apps.generation.storyboards.api.StoryboardFavouriteSerializer",
    "job": "apps.jobs.api.JobSerializer",
    "shoot_day": "apps.callsheets.api.ShootDaySerializer",
    "strip": "apps.callsheets.api.StripSerializer",
    "callsheet": "apps.callsheets.api.CallSheetSerializer",
    "callsheet_recipient": "apps.callsheets.api.CallSheetRecipientSerializer",
}

# Stored types beyond created/updated/deleted (DESIGN.md, "Event envelope").
EXTRA_TYPES = ("callsheet.published",)

# A user's own events, sent to the group `user.<id>` only (never a production's stream, never stored
# as events: the Notification rows are their record). `"id": null`.
USER_TYPES = ("notification.created", "notification.updated")

# Ephemeral types: sent to connected clients only, never stored, `"id": null`.
EPHEMERAL_TYPES = ("job.progress", "presence.changed")

EVENT_TYPES = tuple(f"{entity}.{verb}" for entity in ENTITY_SERIALIZERS for verb in VERBS) + EXTRA_TYPES + EPHEMERAL_TYPES


def serialize_entity(entity: str, instance) -> dict:
    """`instance` rendered by the REST serializer registered for `entity` (KeyError if unknown)."""
    serializer_class = import_string(ENTITY_SERIALIZERS[entity])
    return serializer_class(instance).data

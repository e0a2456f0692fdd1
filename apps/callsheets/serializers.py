"""Serializers of the schedule and call sheets: the REST shapes of shoot days, strips, call sheets,
their revisions and distribution rows (the same shapes realtime puts in events' `data`, registered in
apps.callsheets.apps), the small request bodies of the commands, and the day out of days' schema.

They shape and validate data only; the reads they need come from apps.callsheets.selectors, and every
write goes through apps.callsheets.services.
"""
from __future__ import annotations

from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from apps.breakdown.models import Location
from apps.callsheets.models import CallSheet, CallSheetRecipient, CallSheetRevision, ShootDay, Strip
from apps.callsheets.selectors import cast_ids, sheet_extras, shoot_day_queryset
from apps.callsheets.sheet_rows import (
    AdvanceSerializer,
    CallSheetLocationSerializer,
    CallWarningSerializer,
    CastCallSerializer,
    CrewCallSerializer,
    DistributionSerializer,
    HospitalSerializer,
    KeyContactSerializer,
    SheetBannerSerializer,
    SheetSceneSerializer,
    WalkieChannelSerializer,
    WeatherSerializer,
    CallTimeField,
    call_time,
)
from apps.core.integers import IntegerField
from apps.productions.models import Production
from apps.productions.permissions import redact_contacts, request_sees_contacts
from apps.productions.scoped import ScopedPrimaryKeyRelatedField
from apps.scenes.models import Scene


# --- shoot days ------------------------------------------------------------------------------

class ShootDaySerializer(serializers.ModelSerializer):
    """A shoot day: `date` (YYYY-MM-DD), `unit`, base `location` (a breakdown Location, or null), `notes`.

    Read-only: `number` (1-based day number in (date, id) order), `location_name`, `page_eighths`
    (sum of its scene strips' length, in eighths of a page), `scene_count`, id, production (fixed
    once created), version, created_at, updated_at.
    """

    production = ScopedPrimaryKeyRelatedField(queryset=Production.objects.all())
    location = ScopedPrimaryKeyRelatedField(queryset=Location.objects.all(), required=False, allow_null=True)
    location_name = serializers.CharField(source="location.name", read_only=True, allow_null=True)
    page_eighths = serializers.SerializerMethodField()
    scene_count = serializers.SerializerMethodField()

    class Meta:
        model = ShootDay
        fields = ["id", "production", "number", "date", "unit", "location", "location_name", "notes", "page_eighths", "scene_count",
                  "version", "created_at", "updated_at"]
        read_only_fields = ["id", "number", "version", "created_at", "updated_at"]

    def _totals(self, obj) -> tuple[int, int]:
        if not hasattr(obj, "total_eighths"):
            row = shoot_day_queryset().filter(pk=obj.pk).values("total_eighths", "scene_total").first() or {}
            obj.total_eighths, obj.scene_total = row.get("total_eighths", 0), row.get("scene_total", 0)
        return obj.total_eighths, obj.scene_total

    def get_page_eighths(self, obj) -> int:
        """Sum of the day's scenes' length, in eighths of a page (annotated in lists; one query for a single day)."""
        return self._totals(obj)[0]

    def get_scene_count(self, obj) -> int:
        """Number of scene strips on the day."""
        return self._totals(obj)[1]


# --- strips ----------------------------------------------------------------------------------

#: The largest 0-based place a strip may be given: far beyond any day's strips (a place past the end is the end).
MAX_STRIP_POSITION = 100000
_POSITION_ERRORS = {
    "min_value": "A place on the day counts from 0.",
    "max_value": f"A place on the day is at most {MAX_STRIP_POSITION}: leave `position` out to put the strip at the end of the day.",
}


class StripSerializer(serializers.ModelSerializer):
    """A strip on the stripboard: a `scene` (kind "scene") or a banner's `text` (kind "banner") at 0-based `position` on `shoot_day`.

    POST: `shoot_day`, `kind`, `scene` or `text`, optional `position` (default: the end). PATCH:
    a banner's `text`, or `shoot_day`/`position` to move it (as the move action). Read-only, null
    for banners: `scene_number`, `int_ext`, `time_of_day`, `location` (slugline location),
    `page_eighths` (eighths of a page), `synopsis`, `cast_ids` (sorted cast ids of the cast whose
    characters speak in the scene).
    """

    shoot_day = ScopedPrimaryKeyRelatedField(queryset=ShootDay.objects.all())
    scene = ScopedPrimaryKeyRelatedField(queryset=Scene.objects.all(), required=False, allow_null=True)
    position = IntegerField(min_value=0, max_value=MAX_STRIP_POSITION, required=False, error_messages=_POSITION_ERRORS,
                            help_text="0-based place on the day; left out: the end of the day.")
    scene_number = serializers.CharField(source="scene.number", read_only=True, allow_null=True)
    int_ext = serializers.CharField(source="scene.int_ext", read_only=True, allow_null=True)
    time_of_day = serializers.CharField(source="scene.time_of_day", read_only=True, allow_null=True)
    location = serializers.CharField(source="scene.location", read_only=True, allow_null=True)
    page_eighths = serializers.IntegerField(source="scene.page_eighths", read_only=True, allow_null=True)
    synopsis = serializers.CharField(source="scene.synopsis", read_only=True, allow_null=True)
    cast_ids = serializers.SerializerMethodField()

    class Meta:
        model = Strip
        fields = ["id", "production", "shoot_day", "position", "kind", "scene", "text", "scene_number", "int_ext", "time_of_day",
                  "location", "page_eighths", "cast_ids", "synopsis", "version"]
        read_only_fields = ["id", "production", "version"]
        validators = []  # one strip per scene: checked by the service, with a readable message

    def get_cast_ids(self, obj) -> list[int] | None:
        """Sorted cast ids of the scene's speaking cast; null for a banner."""
        return None if obj.scene is None else cast_ids(obj.scene)


class StripMoveSerializer(serializers.Serializer):
    """Move body: the `shoot_day` to put the strip on, its 0-based `position` there (left out: the end of the day),
    and the strip's `version`. A place past the day's last strip is the end; 0..100000, else 400 `invalid`."""

    shoot_day = ScopedPrimaryKeyRelatedField(queryset=ShootDay.objects.all())
    position = IntegerField(min_value=0, max_value=MAX_STRIP_POSITION, required=False, error_messages=_POSITION_ERRORS,
                            help_text="0-based place on the day; left out: the end of the day.")
    version = IntegerField(min_value=1)


# --- day out of days ------------------------------------------------------------------------

DoodSerializer = inline_serializer("Dood", fields={
    "days": serializers.ListField(child=inline_serializer("DoodDay", fields={
        "id": serializers.IntegerField(), "number": serializers.IntegerField(), "date": serializers.DateField(),
        "crew_call": CallTimeField(allow_null=True), "wrap": CallTimeField(allow_null=True)})),
    "cast": serializers.ListField(child=inline_serializer("DoodCast", fields={
        "cast_member": serializers.IntegerField(), "cast_id": serializers.IntegerField(allow_null=True), "name": serializers.CharField(),
        "characters": serializers.ListField(child=serializers.CharField()), "codes": serializers.ListField(child=serializers.CharField()),
        "work_days": serializers.IntegerField(), "hold_days": serializers.IntegerField(), "drop_days": serializers.IntegerField(),
        "start_date": serializers.DateField(allow_null=True), "finish_date": serializers.DateField(allow_null=True)})),
    "legend": serializers.DictField(child=serializers.CharField()),
})


# --- call sheets -----------------------------------------------------------------------------

class CallSheetSerializer(serializers.ModelSerializer):
    """The call sheet of one shoot day. POST `{shoot_day}` makes a prefilled draft; PATCH (with `version`) edits it.

    Writable: `crew_call`, `shooting_call`, `first_meal`, `wrap` (estimated) — call times of the
    shoot day, night shoots included: the API writes them "HH:MM" with HH 00..47 ("24:15" is 00:15
    the next day) and reads that or "00:15 (+1)" (CallTimeField), null when not set; `locations`,
    `hospital`, `weather`, `cast_calls`, `crew_calls` (crew rows follow the general call by an
    `offset` or are set by hand), `walkie_channels`, `key_contacts` (each replaced as a whole, see
    their serializers); `safety_notes`, `notes`. Read-only: `status` (draft | published | changed),
    `revision` (0 = never published), `published_at`, `published_by`; from the day:
    `shoot_day_number`, `date`, `unit`, `day_count` (days in the schedule, for "Day 1 of 12"),
    `scenes` and `banners` (its strips, in order), `advance` (the next day, or null);
    `distribution` counts; `warnings`: in the answer to a write that moved the general call, the
    hand-set crew calls now earlier or later than it (empty otherwise, and in events).
    """

    shoot_day = ScopedPrimaryKeyRelatedField(queryset=ShootDay.objects.all())
    crew_call = call_time()
    shooting_call = call_time()
    first_meal = call_time()
    wrap = call_time()
    locations = CallSheetLocationSerializer(many=True, required=False)
    walkie_channels = WalkieChannelSerializer(many=True, required=False)
    key_contacts = KeyContactSerializer(many=True, required=False)
    hospital = HospitalSerializer(required=False)
    weather = WeatherSerializer(required=False)
    cast_calls = CastCallSerializer(many=True, required=False)
    crew_calls = CrewCallSerializer(many=True, required=False)
    shoot_day_number = serializers.IntegerField(source="shoot_day.number", read_only=True)
    date = serializers.DateField(source="shoot_day.date", read_only=True)
    unit = serializers.CharField(source="shoot_day.unit", read_only=True)
    day_count = serializers.SerializerMethodField()
    scenes = serializers.SerializerMethodField()
    banners = serializers.SerializerMethodField()
    advance = serializers.SerializerMethodField()
    distribution = serializers.SerializerMethodField()
    warnings = serializers.SerializerMethodField()

    class Meta:
        model = CallSheet
        fields = ["id", "production", "shoot_day", "status", "revision", "crew_call", "shooting_call", "first_meal", "wrap", "locations",
                  "hospital", "weather", "cast_calls", "crew_calls", "walkie_channels", "safety_notes", "key_contacts", "notes",
                  "published_at", "published_by", "shoot_day_number", "date", "unit", "day_count", "scenes", "banners", "advance",
                  "distribution", "warnings", "version", "created_at", "updated_at"]
        read_only_fields = ["id", "production", "status", "revision", "published_at", "published_by", "version", "created_at", "updated_at"]
        validators = []

    def get_day_count(self, obj) -> int:
        """How many shoot days the production has ("Day 3 of 20")."""
        return sheet_extras(obj)["day_count"]

    @extend_schema_field(SheetSceneSerializer(many=True))
    def get_scenes(self, obj):
        """The day's scene strips, in order."""
        return sheet_extras(obj)["scenes"]

    @extend_schema_field(SheetBannerSerializer(many=True))
    def get_banners(self, obj):
        """The day's banner strips, in order."""
        return sheet_extras(obj)["banners"]

    @extend_schema_field(AdvanceSerializer(allow_null=True))
    def get_advance(self, obj):
        """The next shoot day and its scenes; null for the last day."""
        return sheet_extras(obj)["advance"]

    @extend_schema_field(DistributionSerializer)
    def get_distribution(self, obj):
        """Counts for the current revision: recipients, seen, confirmed."""
        return sheet_extras(obj)["distribution"]

    @extend_schema_field(CallWarningSerializer(many=True))
    def get_warnings(self, obj):
        """The hand-set crew calls now earlier or later than the general call, after a write that moved it; else []."""
        return getattr(obj, "call_warnings", None) or []

    def to_representation(self, instance):
        """The sheet, with each cast call enriched by its cast member's `cast_id`, `name` and `characters`."""
        data = super().to_representation(instance)
        extras = sheet_extras(instance)
        calls = []
        for call in instance.cast_calls or []:
            member = extras["cast"].get(call.get("cast_member"))
            characters = extras["day_characters"].get(call.get("cast_member")) or ([c.name for c in member.characters.all()] if member else [])
            calls.append({**call, "cast_id": member.cast_id if member else None, "name": member.name if member else "",
                          "characters": characters})
        data["cast_calls"] = calls
        data["locations"] = list(instance.locations or [])
        data["hospital"] = dict(instance.hospital or {})
        data["weather"] = dict(instance.weather or {})
        data["crew_calls"] = [{**row, "offset": row.get("offset")} for row in instance.crew_calls or []]
        data["walkie_channels"] = list(instance.walkie_channels or [])
        data["key_contacts"] = contacts_for(self.context, instance.production_id, instance.key_contacts)
        return data


class CallSheetRevisionSerializer(serializers.ModelSerializer):
    """A published revision: `revision`, `published_at`, `published_by` (+ `published_by_name`), `changes`
    (`[{field, label, before, after}]` against the previous revision) and `snapshot` (the sheet as sent)."""

    published_by_name = serializers.CharField(source="published_by.display_name", read_only=True, allow_null=True)
    changes = serializers.ListField(child=serializers.DictField(), read_only=True)
    snapshot = serializers.DictField(read_only=True)

    class Meta:
        model = CallSheetRevision
        fields = ["revision", "published_at", "published_by", "published_by_name", "changes", "snapshot"]
        read_only_fields = fields

    def to_representation(self, instance):
        """The revision; the key contacts' phones in its snapshot are "" for whoever may not see contacts."""
        data = super().to_representation(instance)
        if "key_contacts" in data["snapshot"]:
            data["snapshot"] = {**data["snapshot"], "key_contacts": contacts_for(self.context, instance.production_id, data["snapshot"]["key_contacts"])}
        return data


def contacts_for(context: dict, production_id: int, key_contacts) -> list[dict]:
    """A sheet's typed-in key contacts as the serializer's reader may see them: each `phone` is "" for whoever may not
    see contacts (apps.productions.permissions.sees_contacts), and in events (no request), as the crew's own phones."""
    rows = [dict(row) for row in key_contacts or []]
    if request_sees_contacts(context, production_id=production_id):
        return rows
    return [redact_contacts(row, fields=("phone",)) for row in rows]


class CallSheetRecipientSerializer(serializers.ModelSerializer):
    """A crew member on the distribution: `user`, `name`, `role` (at publish time), `revision` last sent,
    `notified_at`, `seen_at`, `confirmed_at` (reset with each revision), `confirmed_revision` (last confirmed)."""

    name = serializers.CharField(source="user.display_name", read_only=True)

    class Meta:
        model = CallSheetRecipient
        fields = ["id", "call_sheet", "user", "name", "role", "revision", "notified_at", "seen_at", "confirmed_at", "confirmed_revision"]
        read_only_fields = fields


class VersionSerializer(serializers.Serializer):
    """`{"version": n}`: the version of the sheet this command is based on."""

    version = IntegerField(min_value=1)

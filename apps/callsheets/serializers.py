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
from apps.core.integers import IntegerField
from apps.core.times import HHMM
from apps.productions.models import Production
from apps.productions.scoped import ScopedPrimaryKeyRelatedField
from apps.scenes.models import Scene


@extend_schema_field({"type": "string", "pattern": r"^\d{2}:\d{2}$", "example": "07:00", "nullable": True})
class TimeOfDayField(serializers.Field):
    """A time of day as "HH:MM" (24-hour; "7:05" is read as "07:05"). Internally "HH:MM" text."""

    default_error_messages = {"invalid": 'Enter a time of day as "HH:MM" (24-hour), e.g. "07:00".'}

    def to_internal_value(self, data):
        if not isinstance(data, str) or not HHMM.match(data.strip()):
            self.fail("invalid")
        hours, minutes = data.strip().split(":")
        return f"{int(hours):02d}:{minutes}"

    def to_representation(self, value):
        return value.strftime("%H:%M") if hasattr(value, "strftime") else value


def _time(**kwargs) -> TimeOfDayField:
    return TimeOfDayField(allow_null=True, required=False, **kwargs)


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
    position = IntegerField(min_value=0, max_value=100000, required=False)
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
    """Move body: the `shoot_day` to put the strip on, its 0-based `position` there, and the strip's `version`."""

    shoot_day = ScopedPrimaryKeyRelatedField(queryset=ShootDay.objects.all())
    position = IntegerField(min_value=0, max_value=100000)
    version = IntegerField(min_value=1)


# --- day out of days ------------------------------------------------------------------------

DoodSerializer = inline_serializer("Dood", fields={
    "days": serializers.ListField(child=inline_serializer("DoodDay", fields={
        "id": serializers.IntegerField(), "number": serializers.IntegerField(), "date": serializers.DateField()})),
    "cast": serializers.ListField(child=inline_serializer("DoodCast", fields={
        "cast_member": serializers.IntegerField(), "cast_id": serializers.IntegerField(allow_null=True), "name": serializers.CharField(),
        "characters": serializers.ListField(child=serializers.CharField()), "codes": serializers.ListField(child=serializers.CharField()),
        "work_days": serializers.IntegerField(), "hold_days": serializers.IntegerField(), "drop_days": serializers.IntegerField(),
        "start_date": serializers.DateField(allow_null=True), "finish_date": serializers.DateField(allow_null=True)})),
    "legend": serializers.DictField(child=serializers.CharField()),
})


# --- call sheets -----------------------------------------------------------------------------

class CallSheetLocationSerializer(serializers.Serializer):
    """A location on the call sheet: `name`, `address`, `parking`, `notes` (text)."""

    name = serializers.CharField(max_length=200, allow_blank=True, required=False)
    address = serializers.CharField(max_length=2000, allow_blank=True, required=False)
    parking = serializers.CharField(max_length=2000, allow_blank=True, required=False)
    notes = serializers.CharField(max_length=2000, allow_blank=True, required=False)


class HospitalSerializer(serializers.Serializer):
    """The nearest hospital (emergency room): `name`, `address`, `phone`."""

    name = serializers.CharField(max_length=200, allow_blank=True, required=False)
    address = serializers.CharField(max_length=2000, allow_blank=True, required=False)
    phone = serializers.CharField(max_length=60, allow_blank=True, required=False)


class WeatherSerializer(serializers.Serializer):
    """The forecast, typed in: `summary`, `high_c`/`low_c` (°C, null when unknown), `sunrise`/`sunset` ("HH:MM")."""

    summary = serializers.CharField(max_length=200, allow_blank=True, required=False)
    high_c = serializers.FloatField(min_value=-90, max_value=60, allow_null=True, required=False)
    low_c = serializers.FloatField(min_value=-90, max_value=60, allow_null=True, required=False)
    sunrise = _time()
    sunset = _time()


class CastCallSerializer(serializers.Serializer):
    """One cast member's calls: `cast_member` (id), `pickup`, `hair_makeup`, `on_set` ("HH:MM", pickup ≤ hair/makeup ≤ on set), `notes`.

    Read-only enrichment: `cast_id`, `name` (the actor), `characters` (the parts they play in the day's scenes).
    """

    cast_member = IntegerField(min_value=1)
    pickup = _time()
    hair_makeup = _time()
    on_set = _time()
    notes = serializers.CharField(max_length=500, allow_blank=True, required=False)
    cast_id = serializers.IntegerField(read_only=True, allow_null=True)
    name = serializers.CharField(read_only=True)
    characters = serializers.ListField(child=serializers.CharField(), read_only=True)


class CrewCallSerializer(serializers.Serializer):
    """One crew call: `department`, `name`, `role` (text), `user` (a member's id, or null), `call` ("HH:MM" or null)."""

    department = serializers.CharField(max_length=100, allow_blank=True, required=False)
    name = serializers.CharField(max_length=200, allow_blank=True, required=False)
    role = serializers.CharField(max_length=100, allow_blank=True, required=False)
    user = IntegerField(min_value=1, allow_null=True, required=False)
    call = _time()


class SheetSceneSerializer(serializers.Serializer):
    """A scene as the call sheet lists it; `page_eighths` in eighths of a page, `cast_ids` sorted."""

    scene = serializers.IntegerField()
    number = serializers.CharField()
    int_ext = serializers.CharField()
    location = serializers.CharField()
    time_of_day = serializers.CharField()
    synopsis = serializers.CharField()
    page_eighths = serializers.IntegerField()
    cast_ids = serializers.ListField(child=serializers.IntegerField())


class SheetBannerSerializer(serializers.Serializer):
    """A banner strip of the day: its strip `id`, `position`, `text`."""

    id = serializers.IntegerField()
    position = serializers.IntegerField()
    text = serializers.CharField()


class AdvanceSerializer(serializers.Serializer):
    """The next shoot day, for the advance schedule."""

    shoot_day = serializers.IntegerField()
    number = serializers.IntegerField()
    date = serializers.DateField()
    scenes = SheetSceneSerializer(many=True)


class DistributionSerializer(serializers.Serializer):
    """How many crew members were sent the current revision, have seen it, and have confirmed it."""

    recipients = serializers.IntegerField()
    seen = serializers.IntegerField()
    confirmed = serializers.IntegerField()


class CallSheetSerializer(serializers.ModelSerializer):
    """The call sheet of one shoot day. POST `{shoot_day}` makes a prefilled draft; PATCH (with `version`) edits it.

    Writable: `crew_call`, `shooting_call`, `first_meal` ("HH:MM" 24-hour, or null); `locations`,
    `hospital`, `weather`, `cast_calls`, `crew_calls` (each replaced as a whole, see their
    serializers); `notes`. Read-only: `status` (draft | published | changed), `revision` (0 =
    never published), `published_at`, `published_by`; from the day: `shoot_day_number`, `date`,
    `unit`, `day_count` (days in the schedule, for "Day 1 of 12"), `scenes` and `banners` (its
    strips, in order), `advance` (the next day, or null); `distribution` counts.
    """

    shoot_day = ScopedPrimaryKeyRelatedField(queryset=ShootDay.objects.all())
    crew_call = _time()
    shooting_call = _time()
    first_meal = _time()
    locations = CallSheetLocationSerializer(many=True, required=False)
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

    class Meta:
        model = CallSheet
        fields = ["id", "production", "shoot_day", "status", "revision", "crew_call", "shooting_call", "first_meal", "locations",
                  "hospital", "weather", "cast_calls", "crew_calls", "notes", "published_at", "published_by", "shoot_day_number",
                  "date", "unit", "day_count", "scenes", "banners", "advance", "distribution", "version", "created_at", "updated_at"]
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
        data["crew_calls"] = list(instance.crew_calls or [])
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

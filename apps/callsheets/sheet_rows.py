"""The shapes inside a call sheet: its call-time fields (night shoots included) and the rows of its JSON
fields — locations, hospital, walkie channels, key contacts, weather, cast and crew calls — and the read-only
parts the sheet shows from its day (scenes, banners, the advance schedule, distribution counts, call warnings).

Used by apps.callsheets.serializers' CallSheetSerializer, for requests, answers and events alike.
"""
from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.callsheets.calltimes import call_time_text, parse_call_time
from apps.callsheets.changes import MAX_OFFSET_MINUTES
from apps.core.errors import ApplicationError
from apps.core.integers import IntegerField
from apps.core.times import HHMM


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
    """An optional, nullable time of day (TimeOfDayField)."""
    return TimeOfDayField(allow_null=True, required=False, **kwargs)


@extend_schema_field({"type": "string", "pattern": r"^([0-3]\d|4[0-7]):[0-5]\d$", "example": "24:15", "nullable": True,
                      "description": 'A call time of the shoot day, "HH:MM" with HH 00..47: "24:15" is 00:15 the next day. '
                                     'Also read: "00:15 (+1)", "0:15+1", "7:05".'})
class CallTimeField(serializers.Field):
    """A call time of the shoot day, night shoots included (apps.callsheets.calltimes).

    Read: "HH:MM" with HH up to 47 ("25:30" = 01:30 the next day), "HH:MM (+1)" / "HH:MM+1" (the
    next day), "H:MM". Written, the one canonical form: "HH:MM" with HH 00..47 ("24:15"); the
    interface shows it as "00:15 (+1)" (`call_time_display`). Internally minutes after the
    day's midnight, 0..2879 (a model's PositiveSmallIntegerField) or the canonical text (a JSON row).
    """

    default_error_messages = {"invalid": 'Enter a call time "HH:MM" (24-hour); after midnight "00:15 (+1)" or "24:15", up to "47:59".'}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        try:
            return call_time_text(parse_call_time(data, field=self.field_name or "time"))
        except ApplicationError:
            self.fail("invalid")

    def to_representation(self, value):
        return call_time_text(value)


def call_time(**kwargs) -> CallTimeField:
    """An optional, nullable call time of the shoot day (CallTimeField)."""
    return CallTimeField(allow_null=True, required=False, **kwargs)


class CallSheetLocationSerializer(serializers.Serializer):
    """A location on the call sheet: `name`, `address`, `parking`, `notes` (text)."""

    name = serializers.CharField(max_length=200, allow_blank=True, required=False)
    address = serializers.CharField(max_length=2000, allow_blank=True, required=False)
    parking = serializers.CharField(max_length=2000, allow_blank=True, required=False)
    notes = serializers.CharField(max_length=2000, allow_blank=True, required=False)


class HospitalSerializer(serializers.Serializer):
    """The nearest hospital or urgent care: `name`, `address`, `phone`, `route` (how to get there from the set)."""

    name = serializers.CharField(max_length=200, allow_blank=True, required=False)
    address = serializers.CharField(max_length=2000, allow_blank=True, required=False)
    phone = serializers.CharField(max_length=60, allow_blank=True, required=False)
    route = serializers.CharField(max_length=2000, allow_blank=True, required=False)


class WalkieChannelSerializer(serializers.Serializer):
    """A walkie-talkie channel and what it is for: `channel` ("1"), `use` ("Production")."""

    channel = serializers.CharField(max_length=20)
    use = serializers.CharField(max_length=200, allow_blank=True, required=False)


class KeyContactSerializer(serializers.Serializer):
    """A contact typed onto the sheet beyond the production's own: `role` ("Locations"), `name`, `phone`."""

    role = serializers.CharField(max_length=100, allow_blank=True, required=False)
    name = serializers.CharField(max_length=200, allow_blank=True, required=False)
    phone = serializers.CharField(max_length=60, allow_blank=True, required=False)


class CallWarningSerializer(serializers.Serializer):
    """A hand-set crew call that is not at the general call after it moved: the row's `department`, `name`, `role`,
    `user`, `call`; `relation` "earlier" | "later", `minutes` how far from the general call, `message` for people."""

    department = serializers.CharField()
    name = serializers.CharField()
    role = serializers.CharField()
    user = serializers.IntegerField(allow_null=True)
    call = CallTimeField()
    relation = serializers.ChoiceField(choices=["earlier", "later"])
    minutes = serializers.IntegerField()
    message = serializers.CharField()


class WeatherSerializer(serializers.Serializer):
    """The forecast, typed in: `summary`, `high_c`/`low_c` (°C, null when unknown), `sunrise`/`sunset` ("HH:MM")."""

    summary = serializers.CharField(max_length=200, allow_blank=True, required=False)
    high_c = serializers.FloatField(min_value=-90, max_value=60, allow_null=True, required=False)
    low_c = serializers.FloatField(min_value=-90, max_value=60, allow_null=True, required=False)
    sunrise = _time()
    sunset = _time()


class CastCallSerializer(serializers.Serializer):
    """One cast member's calls: `cast_member` (id), `pickup`, `hair_makeup`, `on_set` (call times, see CallTimeField; pickup ≤
    hair/makeup ≤ on set), `notes`.

    Read-only enrichment: `cast_id`, `name` (the actor), `characters` (the parts they play in the day's scenes).
    """

    cast_member = IntegerField(min_value=1)
    pickup = call_time()
    hair_makeup = call_time()
    on_set = call_time()
    notes = serializers.CharField(max_length=500, allow_blank=True, required=False)
    cast_id = serializers.IntegerField(read_only=True, allow_null=True)
    name = serializers.CharField(read_only=True)
    characters = serializers.ListField(child=serializers.CharField(), read_only=True)


class CrewCallSerializer(serializers.Serializer):
    """One crew call: `department`, `name`, `role` (text), `user` (a member's id, or null), and either `offset` (minutes from
    the general call, -15 = 15 min before; the row follows the general call and `call` is computed) or, with `offset` null,
    a `call` set by hand (a call time, see CallTimeField, or null)."""

    department = serializers.CharField(max_length=100, allow_blank=True, required=False)
    name = serializers.CharField(max_length=200, allow_blank=True, required=False)
    role = serializers.CharField(max_length=100, allow_blank=True, required=False)
    user = IntegerField(min_value=1, allow_null=True, required=False)
    call = call_time()
    offset = IntegerField(min_value=-MAX_OFFSET_MINUTES, max_value=MAX_OFFSET_MINUTES, allow_null=True, required=False,
                          help_text="Minutes from the general crew call (-15: 15 min before); null: `call` is set by hand.")


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

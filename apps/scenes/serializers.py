"""Serializers of scenes, shots and takes: the REST shapes, also the `data` of their events (registered with realtime)."""
from __future__ import annotations

from rest_framework import serializers

from apps.core.api import BuiltOnceModelSerializer
from apps.core.integers import IntegerField
from apps.productions.models import Production
from apps.productions.scoped import ScopedPrimaryKeyRelatedField
from apps.core.timecode import TIMECODE_RATES
from apps.scenes.models import MAX_CAMERAS, ROLL_RE, Scene, Shot, Take, TakeSound


class MemberIdsField(serializers.ListField):
    """A list of user ids (sorted in responses); the service checks they are members of the production."""

    child = IntegerField(min_value=1)

    def to_representation(self, data):
        """The related users' ids, sorted: from a `prefetch_related` cache when there is one (lists), else one query
        of the ids alone (a single scene: lighter than Django's prefetch machinery)."""
        if data.prefetch_cache_name in getattr(data.instance, "_prefetched_objects_cache", {}):
            return sorted(user.pk for user in data.all())
        return sorted(data.order_by().values_list("pk", flat=True))


class SceneSerializer(BuiltOnceModelSerializer):
    """A scene: the slugline parts `int_ext`, `location`, `time_of_day`, and the read-only `slugline` they make.

    `page_eighths` is its length in eighths of a page (8 = one page), `script_order` its 0-based place
    in the screenplay. `needs_review` is set with a `review_reason` ("Text changed in v3", "Not in v3",
    "New in v3", "Back in v3") when a new screenplay version changed, dropped, added or restored the
    scene; the crew clears it with a PATCH. `assignees`: ids of the crew members responsible for it
    (each a member of the production, else 400 `not_a_member`), told when its status changes.
    Read-only: id, slugline, `script_version` (set by a screenplay version), version, created_at,
    updated_at; `production` is fixed once created.
    """

    production = ScopedPrimaryKeyRelatedField(queryset=Production.objects.all())
    slugline = serializers.CharField(read_only=True)
    assignees = MemberIdsField(required=False, max_length=200)

    class Meta:
        model = Scene
        fields = ["id", "production", "number", "int_ext", "location", "time_of_day", "slugline", "synopsis", "page_eighths",
                  "script_order", "status", "assignees", "script_version", "needs_review", "review_reason", "version", "created_at",
                  "updated_at"]
        read_only_fields = ["id", "slugline", "script_version", "version", "created_at", "updated_at"]
        validators = []  # uniqueness is checked by the service's full_clean, with the production known


class ShotSerializer(BuiltOnceModelSerializer):
    """A shot (setup) of a scene: `number` (blank: the next free one), `type` (WS, CU...), `lens_mm` (focal length, mm).

    `frame_rate` is frames per second as decimal text ("23.976"), `order` its place in the scene.
    Read-only: id, production (the scene's), version, created_at, updated_at.
    """

    scene = ScopedPrimaryKeyRelatedField(queryset=Scene.objects.all())
    number = serializers.CharField(max_length=16, required=False, allow_blank=True)

    class Meta:
        model = Shot
        fields = ["id", "production", "scene", "number", "type", "lens_mm", "movement", "frame_rate", "description", "status",
                  "order", "version", "created_at", "updated_at"]
        read_only_fields = ["id", "production", "version", "created_at", "updated_at"]
        validators = []


class TakeCameraSerializer(serializers.Serializer):
    """One camera on a take: its letter (`camera`, A–Z), its camera roll (`roll`, e.g. "A012") and lens (`lens`, e.g. "35mm")."""

    camera = serializers.RegexField(r"^[A-Z]$", max_length=1, error_messages={"invalid": "A camera is one capital letter, A to Z."})
    roll = serializers.RegexField(ROLL_RE, max_length=16, required=False, allow_blank=True, default="",
                                  error_messages={"invalid": "A roll is letters and digits like A012 (at most 16 characters)."})
    lens = serializers.CharField(max_length=32, required=False, allow_blank=True, default="", help_text="Focal length as written, e.g. 35mm.")


class TakeSerializer(BuiltOnceModelSerializer):
    """A take of a shot, as the script supervisor logs it.

    `number` (1–32767; next after the shot's last when left out), `circled` (print) or `no_good` (NG);
    `cameras`: `[{camera: "A", roll: "A012", lens: "35mm"}, ...]` (each letter once, at most 8; a wild
    track has none); `sound_roll` ("S004"; none on an MOS take); `sound`: sync, mos or wild_track;
    `timecode_in`/`timecode_out`: SMPTE HH:MM:SS:FF (HH:MM:SS;FF drop-frame, only at 29.97/59.94),
    read at `timecode_rate` ("23.976", "24", "25", "29.97"...; the production's when left out);
    `recorded_at`: when it was rolled (now when left out), which puts it on a shoot day's reports.
    Read-only: id, production and `scene` (the shot's), `duration_frames` (out minus in at the rate,
    null without both) and `duration_s` (the same in seconds at the exact rate, e.g. 24000/1001),
    version, created_at, updated_at.
    """

    shot = ScopedPrimaryKeyRelatedField(queryset=Shot.objects.all())
    number = IntegerField(min_value=1, max_value=32767, required=False)
    scene = serializers.IntegerField(source="shot.scene_id", read_only=True)
    cameras = TakeCameraSerializer(many=True, required=False, max_length=MAX_CAMERAS)
    duration_s = serializers.SerializerMethodField()

    class Meta:
        model = Take
        fields = ["id", "production", "scene", "shot", "number", "circled", "no_good", "notes", "cameras", "sound_roll", "sound",
                  "timecode_in", "timecode_out", "timecode_rate", "duration_frames", "duration_s", "recorded_at",
                  "version", "created_at", "updated_at"]
        read_only_fields = ["id", "production", "scene", "duration_frames", "version", "created_at", "updated_at"]
        validators = []
        extra_kwargs = {"timecode_rate": {"required": False}, "recorded_at": {"required": False}}

    def get_duration_s(self, obj) -> float | None:
        """`duration_frames` in seconds at the take's exact rate, to the millisecond; null without a duration."""
        if obj.duration_frames is None or obj.timecode_rate not in TIMECODE_RATES:
            return None
        return round(float(obj.duration_frames / TIMECODE_RATES[obj.timecode_rate]), 3)

    def validate_cameras(self, value: list) -> list[dict]:
        """Plain dicts `{camera, roll, lens}`, each letter once. A PATCH is partial down to each camera (DRF), so a camera
        without its letter is refused here."""
        if any(not c.get("camera") for c in value):
            raise serializers.ValidationError("Each camera needs its letter (A, B, …).")
        cameras = [{"camera": c["camera"], "roll": c.get("roll", ""), "lens": c.get("lens", "")} for c in value]
        if len({c["camera"] for c in cameras}) != len(cameras):
            raise serializers.ValidationError("Each camera is listed once.")
        return cameras


class NewTakeSerializer(serializers.Serializer):
    """Body of `POST /api/shots/{id}/new-take/`: `after`, the number of the last take the device shows for the shot
    (0: none; left out: no check), and `sound` (sync, mos or wild_track; default sync)."""

    after = IntegerField(min_value=0, max_value=32767, required=False, allow_null=True, default=None)
    sound = serializers.ChoiceField(choices=TakeSound.choices, required=False, default=TakeSound.SYNC)

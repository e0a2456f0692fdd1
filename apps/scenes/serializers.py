"""Serializers of scenes, shots and takes: the REST shapes, also the `data` of their events (registered with realtime)."""
from __future__ import annotations

from rest_framework import serializers

from apps.core.api import BuiltOnceModelSerializer
from apps.core.integers import IntegerField
from apps.productions.models import Production
from apps.productions.scoped import ScopedPrimaryKeyRelatedField
from apps.scenes.models import Scene, Shot, Take


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


class TakeSerializer(BuiltOnceModelSerializer):
    """A take of a shot: `number` (1–32767; next after the shot's last when left out), `circled` (print) or `no_good` (NG).

    `timecode_in`/`timecode_out` are SMPTE HH:MM:SS:FF (;FF drop-frame). Read-only: id, production
    and `scene` (the shot's), version, created_at, updated_at.
    """

    shot = ScopedPrimaryKeyRelatedField(queryset=Shot.objects.all())
    number = IntegerField(min_value=1, max_value=32767, required=False)
    scene = serializers.IntegerField(source="shot.scene_id", read_only=True)

    class Meta:
        model = Take
        fields = ["id", "production", "scene", "shot", "number", "circled", "no_good", "notes", "timecode_in", "timecode_out",
                  "version", "created_at", "updated_at"]
        read_only_fields = ["id", "production", "scene", "version", "created_at", "updated_at"]
        validators = []

"""REST: scenes, shots and takes."""
from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.productions.entities import published_data
from apps.productions.permissions import require_write
from apps.productions.scoped import ProductionScopedViewSet
from apps.scenes import services
from apps.scenes.models import Scene, Shot, Take
from apps.scenes.serializers import NewTakeSerializer, SceneSerializer, ShotSerializer, TakeSerializer


class SceneFilter(django_filters.FilterSet):
    """Scene filters: `production`, `int_ext`, `number` exact; `location`, `time_of_day` exact or `__icontains`.

    `status` may repeat (`?status=not_started&status=on_hold`) and matches any of them.
    """

    status = django_filters.MultipleChoiceFilter(choices=Scene._meta.get_field("status").choices)

    class Meta:
        model = Scene
        fields = {"production": ["exact"], "int_ext": ["exact"], "time_of_day": ["exact", "icontains"],
                  "location": ["exact", "icontains"], "number": ["exact"]}


class SceneViewSet(ProductionScopedViewSet):
    """Scenes of the user's productions; filter by production, status, INT/EXT, location, time of day."""

    serializer_class = SceneSerializer
    filterset_class = SceneFilter
    search_fields = ["number", "location", "synopsis", "time_of_day"]
    ordering_fields = ["script_order", "number", "status", "page_eighths", "updated_at"]
    create_service = services.scene_create
    update_service = services.scene_update
    delete_service = services.scene_delete
    respond_with_published_data = True  # the serializer renders a scene the same with or without a request

    queryset = Scene.objects.all()

    def get_queryset(self):
        """The user's scenes; a list prefetches the assignees (a single scene reads their ids when it is serialized)."""
        queryset = super().get_queryset()
        return queryset.prefetch_related("assignees") if self.action == "list" else queryset


class ShotViewSet(ProductionScopedViewSet):
    """Shots (setups) of the user's productions; filter by scene or production. `POST .../{id}/new-take/` logs the next take."""

    serializer_class = ShotSerializer
    filterset_fields = ["production", "scene", "type", "status"]
    search_fields = ["number", "description"]
    ordering_fields = ["order", "number", "updated_at"]
    create_service = services.shot_create
    update_service = services.shot_update
    delete_service = services.shot_delete
    respond_with_published_data = True

    queryset = Shot.objects.all()

    @extend_schema(request=NewTakeSerializer, responses={201: TakeSerializer})
    @action(detail=True, methods=["post"], url_path="new-take")
    def new_take(self, request, pk=None):
        """One tap on set: the shot's next take, rolling now, with the cameras, rolls and lenses carried over.

        201 with the take. 409 `take_exists` when the shot's last take is not `after` (another device logged
        the take being rolled: `extra.current` is it); 403 for a viewer; 404 for a shot the user cannot see.
        """
        shot = self.get_object()
        require_write(user=request.user, production=shot.production_id)
        body = NewTakeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        take = services.take_new(actor=request.user, shot=shot, **body.validated_data)
        return Response(published_data(take) or TakeSerializer(take).data, status=status.HTTP_201_CREATED)


class TakeViewSet(ProductionScopedViewSet):
    """Takes of the user's productions; filter by shot, scene, circled, NG, sound (sync, mos, wild_track) or when
    they were rolled (`recorded_at__gte`, `recorded_at__lt`)."""

    serializer_class = TakeSerializer
    filterset_fields = {"production": ["exact"], "shot": ["exact"], "shot__scene": ["exact"], "circled": ["exact"], "no_good": ["exact"],
                        "sound": ["exact"], "recorded_at": ["gte", "lt"]}
    ordering_fields = ["number", "recorded_at", "updated_at"]
    create_service = services.take_create
    update_service = services.take_update
    delete_service = services.take_delete
    respond_with_published_data = True

    queryset = Take.objects.select_related("shot")

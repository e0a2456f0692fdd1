"""REST: scenes, shots and takes."""
from __future__ import annotations

import django_filters

from apps.productions.scoped import ProductionScopedViewSet
from apps.scenes import services
from apps.scenes.models import Scene, Shot, Take
from apps.scenes.serializers import SceneSerializer, ShotSerializer, TakeSerializer


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
    """Shots (setups) of the user's productions; filter by scene or production."""

    serializer_class = ShotSerializer
    filterset_fields = ["production", "scene", "type", "status"]
    search_fields = ["number", "description"]
    ordering_fields = ["order", "number", "updated_at"]
    create_service = services.shot_create
    update_service = services.shot_update
    delete_service = services.shot_delete
    respond_with_published_data = True

    queryset = Shot.objects.all()


class TakeViewSet(ProductionScopedViewSet):
    """Takes of the user's productions; filter by shot, scene, circled or NG."""

    serializer_class = TakeSerializer
    filterset_fields = {"production": ["exact"], "shot": ["exact"], "shot__scene": ["exact"], "circled": ["exact"], "no_good": ["exact"]}
    ordering_fields = ["number", "updated_at"]
    create_service = services.take_create
    update_service = services.take_update
    delete_service = services.take_delete
    respond_with_published_data = True

    queryset = Take.objects.select_related("shot")

"""REST: order storyboard frames for a shot (fal.ai), preview an order, keep templates and favourite frames."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.errors import NotFoundError
from apps.generation.storyboards import services
from apps.generation.storyboards.models import StoryboardFavourite, StoryboardTemplate
from apps.generation.storyboards.serializers import (OrderItemSerializer, StoryboardFavouriteSerializer, StoryboardOrderRequestSerializer,
                                                     StoryboardPreviewRequestSerializer, StoryboardTemplateSerializer)
from apps.jobs.serializers import JobSerializer
from apps.productions.permissions import require_member, require_write
from apps.productions.scoped import ProductionScopedViewSet
from apps.productions.selectors import scope_to_user
from apps.scenes.models import Shot


def _shot(request, shot_id: int) -> Shot:
    shot = scope_to_user(Shot.objects.select_related("scene"), user=request.user).filter(pk=shot_id).first()
    if shot is None:
        raise NotFoundError("No such shot in your productions.")
    return shot


class StoryboardPreviewView(APIView):
    """What an order would send to fal.ai, without sending it; works without FAL_KEY."""

    @extend_schema(request=StoryboardPreviewRequestSerializer, responses=inline_serializer("StoryboardPreview", {
        "items": OrderItemSerializer(many=True), "count": serializers.IntegerField(),
        "tokens": serializers.DictField(child=serializers.CharField())}))
    def post(self, request):
        """`POST {shot, template, style?, seeds?}` → 200 `{"items": [{prompt, seed, choices}], "count", "tokens": {"shot.type": "Close-up", ...}}`.

        400 `invalid` (`extra.fields.template|style|seeds`) for an unknown token, a bad seed list or more
        than SLATE_STORYBOARD_MAX_IMAGES frames; 404 for a shot outside the user's productions.
        """
        data = StoryboardPreviewRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        shot = _shot(request, data.validated_data["shot"])
        require_member(user=request.user, production=shot.production_id)
        items = services.storyboard_preview(shot=shot, template=data.validated_data["template"],
                                            style=data.validated_data.get("style"), seeds=data.validated_data.get("seeds"))
        return Response({"items": [item.as_dict() for item in items], "count": len(items),
                         "tokens": services.shot_token_values(shot)})


class StoryboardOrderView(APIView):
    """Order storyboard frames for a shot from fal.ai: one job, one image per item."""

    @extend_schema(request=StoryboardOrderRequestSerializer, responses={202: inline_serializer("StoryboardOrder", {
        "job": JobSerializer(), "count": serializers.IntegerField()})})
    def post(self, request):
        """`POST {shot, template, style?, seeds?, model?}` → 202 `{"job": {...}, "count": n}`; follow the job's progress.

        The frames land as image media assets of the shot when the job succeeds (all of them, or none).
        503 `not_configured` without FAL_KEY; 400 `invalid` as for the preview or for a bad `model`;
        403 for a viewer; 404 for a shot outside the user's productions. No job is created on any error.
        """
        data = StoryboardOrderRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        shot = _shot(request, data.validated_data["shot"])
        require_write(user=request.user, production=shot.production_id)
        job = services.storyboard_order_start(
            shot=shot, actor=request.user, template=data.validated_data["template"], style=data.validated_data.get("style"),
            seeds=data.validated_data.get("seeds"), model=data.validated_data.get("model"))
        return Response({"job": JobSerializer(job).data, "count": len(job.params["items"])}, status=status.HTTP_202_ACCEPTED)


class StoryboardTemplateViewSet(ProductionScopedViewSet):
    """Storyboard prompt templates of the user's productions (by name); updates need `version` (409 when stale)."""

    serializer_class = StoryboardTemplateSerializer
    filterset_fields = ["production"]
    search_fields = ["name", "template"]
    ordering_fields = ["name", "updated_at"]
    create_service = services.storyboard_template_create
    update_service = services.storyboard_template_update
    delete_service = services.storyboard_template_delete

    queryset = StoryboardTemplate.objects.all()


class StoryboardFavouriteViewSet(ProductionScopedViewSet):
    """Favourite storyboard frames of the user's productions; filter by production or `media_asset__shot`."""

    serializer_class = StoryboardFavouriteSerializer
    filterset_fields = ["production", "media_asset", "media_asset__shot"]
    ordering_fields = ["created_at"]
    create_service = services.storyboard_favourite_create
    update_service = services.storyboard_favourite_update
    delete_service = services.storyboard_favourite_delete

    queryset = StoryboardFavourite.objects.select_related("media_asset")

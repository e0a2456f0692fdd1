"""REST: the machine catalogue, generation orders (preview, place, list, cancel), their items (retry, cancel), the
products gallery (favourite, use as storyboard frame) and a shot's board next to its filmed take.

Reads need membership of the production (other productions' rows answer 404); writes a role that may write (viewers
403), as storyboard orders do. Lists are paginated (`?page=`, `?page_size=`).
"""
from __future__ import annotations

import django_filters
from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.errors import NotFoundError
from apps.core.integers import int_in_range, looks_like_int
from apps.generation.orders import products, services
from apps.generation.orders.models import GenerationItem, GenerationOrder, GenerationProduct, OrderStatus
from apps.generation.orders.serializers import (BoardSerializer, GenerationItemSerializer, GenerationOrderDetailSerializer,
                                                GenerationProductSerializer, MachineSerializer, OrderRequestSerializer,
                                                PreviewSerializer, ProductUpdateSerializer, UseAsFrameSerializer)
from apps.media.serializers import MediaAssetSerializer
from apps.productions.models import Production
from apps.productions.permissions import require_member, require_write
from apps.productions.selectors import scope_to_user
from apps.scenes.models import Scene, Shot

_TARGETS = ("shot", "scene", "location", "character")


class MachineListView(APIView):
    """The machine catalogue, each machine with `configured` (its provider's key is set here) and its parameters."""

    pagination_class = None

    @extend_schema(responses=MachineSerializer(many=True))
    def get(self, request):
        """`GET /api/machines/` → 200 `[{id, provider, model, modality, label, usd_per_item, configured, variable, parameters}]`."""
        return Response(MachineSerializer(services.machine_list(), many=True).data)


def _order_body(request) -> dict:
    """The validated body of a preview or an order, `production` the Production itself; 404 for one outside the user's."""
    data = OrderRequestSerializer(data=request.data, context={"request": request})
    data.is_valid(raise_exception=True)
    body = dict(data.validated_data)
    body["production"] = scope_to_user(Production.objects.all(), user=request.user).filter(pk=body["production"]).first()
    if body["production"] is None:
        raise NotFoundError("No such production in yours.")
    return body


class OrderPreviewView(APIView):
    """What an order would make — the item count, the estimated cost, the items — without storing or sending anything."""

    @extend_schema(request=OrderRequestSerializer, responses=PreviewSerializer)
    def post(self, request):
        """`POST {production, machine, parameters, shot?|scene?|location?|character?}` → 200 `{count, estimated_cost_usd,
        items: [{index, parameters}] (the first 100)}`. 400 `invalid` with `extra.field` naming the parameter (or
        "machine", "parameters"); 404 for a production outside the user's. Needs no key."""
        body = _order_body(request)
        require_member(user=request.user, production=body["production"])
        preview = services.order_preview(production=body["production"], machine_id=body["machine"], parameters=body["parameters"],
                                         **{name: body.get(name) for name in _TARGETS})
        items = [{"index": index, "parameters": item} for index, item in enumerate(preview.items[:services.PREVIEW_ITEMS], 1)]
        return Response({"count": len(preview.items), "estimated_cost_usd": float(preview.estimated_cost_usd), "items": items})


class OrderFilter(django_filters.FilterSet):
    """`?production=&shot=&scene=&machine=&status=`; `scene` also finds orders for the scene's shots."""

    production = django_filters.ModelChoiceFilter(queryset=Production.objects.all())
    shot = django_filters.ModelChoiceFilter(queryset=Shot.objects.all())
    scene = django_filters.ModelChoiceFilter(queryset=Scene.objects.all(), method="in_scene")
    machine = django_filters.CharFilter()
    status = django_filters.ChoiceFilter(choices=OrderStatus.choices)

    class Meta:
        model = GenerationOrder
        fields = ["production", "shot", "scene", "machine", "status"]

    def in_scene(self, queryset, name, value):
        """Orders for the scene or for one of its shots."""
        return queryset.filter(Q(scene=value) | Q(shot__scene=value))


class GenerationOrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Generation orders of the user's productions, newest first, each with its items."""

    serializer_class = GenerationOrderDetailSerializer
    filterset_class = OrderFilter
    ordering_fields = ["created_at"]
    queryset = GenerationOrder.objects.prefetch_related("items")

    def get_queryset(self):
        """The orders of the user's productions (others answer 404)."""
        return scope_to_user(super().get_queryset(), user=self.request.user)

    @extend_schema(request=OrderRequestSerializer, responses={201: GenerationOrderDetailSerializer})
    def create(self, request):
        """`POST {production, machine, parameters, shot?|scene?|location?|character?}` → 201 the order with its items, one
        `ai.generate` job each. 400 `invalid` naming the field, 503 `not_configured` naming the variable (nothing stored
        on either), 403 for a viewer, 404 for a production outside the user's."""
        body = _order_body(request)
        require_write(user=request.user, production=body["production"])
        order = services.order_create(actor=request.user, production=body["production"], machine=body["machine"],
                                      parameters=body["parameters"], **{name: body.get(name) for name in _TARGETS})
        order = self.get_queryset().get(pk=order.pk)
        return Response(self.get_serializer(order).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=GenerationOrderDetailSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """`POST /api/generation-orders/{id}/cancel/` → 200 the order: its pending items cancelled (never sent), its running
        ones cancelled at the provider. 400 `not_cancellable` when every item has ended; 403 for a viewer."""
        order = self.get_object()
        require_write(user=request.user, production=order.production_id)
        services.order_cancel(order=order, actor=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=order.pk)).data)


class GenerationItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Items of the user's productions' orders (`?order=&status=`), with retry and cancel."""

    serializer_class = GenerationItemSerializer
    filterset_fields = ["order", "status"]
    queryset = GenerationItem.objects.select_related("order")

    def get_queryset(self):
        """The items of the user's productions (others answer 404)."""
        return scope_to_user(super().get_queryset(), user=self.request.user)

    def _command(self, request, service):
        item = self.get_object()
        require_write(user=request.user, production=item.production_id)
        done = service(item=item, actor=request.user)
        return Response(self.get_serializer(GenerationItem.objects.get(pk=done.pk)).data)

    @extend_schema(request=None, responses=GenerationItemSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        """`POST /api/generation-items/{id}/retry/` → 200 the item, `pending` again with a new job. 400 `not_retryable`
        unless it failed or was cancelled; 503 `not_configured`; 403 for a viewer."""
        return self._command(request, services.item_retry)

    @extend_schema(request=None, responses=GenerationItemSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """`POST /api/generation-items/{id}/cancel/` → 200 the item, `cancelled` (its request cancelled at the provider).
        400 `not_cancellable` once it ended; 403 for a viewer."""
        return self._command(request, services.item_cancel)


class ProductFilter(django_filters.FilterSet):
    """`?production=&order=&item=&machine=&favourite=&shot=&scene=&modality=`; `shot`: the order's shot or the shot the
    product's asset is a frame of; `scene`: the same, through the shot, or the order's scene."""

    production = django_filters.ModelChoiceFilter(queryset=Production.objects.all())
    order = django_filters.ModelChoiceFilter(queryset=GenerationOrder.objects.all())
    shot = django_filters.ModelChoiceFilter(field_name="order__shot", queryset=Shot.objects.all(), method="on_shot")
    scene = django_filters.ModelChoiceFilter(field_name="order__scene", queryset=Scene.objects.all(), method="in_scene")
    machine = django_filters.CharFilter(field_name="order__machine")
    modality = django_filters.CharFilter(field_name="order__modality")
    favourite = django_filters.BooleanFilter()

    class Meta:
        model = GenerationProduct
        fields = ["production", "order", "item", "shot", "scene", "machine", "modality", "favourite"]

    def on_shot(self, queryset, name, value):
        """Products ordered for the shot or used as its frames."""
        return queryset.filter(Q(order__shot=value) | Q(media_asset__shot=value))

    def in_scene(self, queryset, name, value):
        """Products ordered for the scene or one of its shots, or frames of its shots."""
        return queryset.filter(Q(order__scene=value) | Q(order__shot__scene=value) | Q(media_asset__shot__scene=value))


class GenerationProductViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The gallery: every product of the user's productions, newest first; PATCH `{favourite, version}`."""

    serializer_class = GenerationProductSerializer
    filterset_class = ProductFilter
    ordering_fields = ["created_at"]
    queryset = GenerationProduct.objects.select_related("order", "item", "media_asset").prefetch_related("media_asset__renditions")

    def get_queryset(self):
        """The products of the user's productions (others answer 404)."""
        return scope_to_user(super().get_queryset(), user=self.request.user)

    @extend_schema(request=ProductUpdateSerializer, responses=GenerationProductSerializer)
    def partial_update(self, request, pk=None):
        """`PATCH {favourite, version}` → 200 the product; 409 `conflict` when `version` is stale, 403 for a viewer."""
        product = self.get_object()
        body = ProductUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        require_write(user=request.user, production=product.production_id)
        product = products.product_update(instance=product, actor=request.user, version=body.validated_data["version"],
                                           favourite=body.validated_data["favourite"])
        return Response(self.get_serializer(self.get_queryset().get(pk=product.pk)).data)

    @extend_schema(request=UseAsFrameSerializer, responses=MediaAssetSerializer)
    @action(detail=True, methods=["post"], url_path="use-as-frame")
    def use_as_frame(self, request, pk=None):
        """`POST {shot}` → 200 the frame's media asset, now a storyboard frame of the shot (a copy when the product is a
        frame of another shot already). 400 `invalid` for a video product or a shot of another production; 403 for a viewer."""
        product = self.get_object()
        body = UseAsFrameSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        require_write(user=request.user, production=product.production_id)
        asset = products.product_use_as_frame(product=product, shot=body.validated_data["shot"], actor=request.user)
        return Response(MediaAssetSerializer(asset).data)


class ShotBoardView(APIView):
    """Board vs shot: a shot's storyboard frames and the poster of the take filmed for it."""

    @extend_schema(responses=BoardSerializer)
    def get(self, request, shot_id: str):
        """`GET /api/shots/{id}/board/` → 200 `{frames: [media asset], filmed: {take, take_number, circled, media_asset,
        poster_url} | null}`; 404 for a shot outside the user's productions."""
        number = int_in_range(shot_id, minimum=1) if looks_like_int(shot_id) else None  # past the database's range: no such shot
        shot = scope_to_user(Shot.objects.all(), user=request.user).filter(pk=number).first() if number else None
        if shot is None:
            raise NotFoundError("No such shot in your productions.")
        return Response(BoardSerializer(products.shot_board(shot=shot)).data)


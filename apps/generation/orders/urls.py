"""Routes of generation orders, mounted under /api/ by apps.generation.urls.

A SimpleRouter, not a DefaultRouter: its root view would shadow the project's /api/ root.
"""
from django.urls import path
from rest_framework.routers import SimpleRouter

from apps.generation.orders import api

router = SimpleRouter()
router.register("generation-orders", api.GenerationOrderViewSet, basename="generation-order")
router.register("generation-items", api.GenerationItemViewSet, basename="generation-item")
router.register("generation-products", api.GenerationProductViewSet, basename="generation-product")

urlpatterns = [
    path("machines/", api.MachineListView.as_view(), name="machine-list"),
    path("generation-orders/preview/", api.OrderPreviewView.as_view(), name="generation-order-preview"),
    path("shots/<str:shot_id>/board/", api.ShotBoardView.as_view(), name="shot-board"),
    *router.urls,
]

"""Routes of storyboards, mounted under /api/ by apps.generation.urls.

A SimpleRouter, not a DefaultRouter: its root view would shadow the project's /api/ root.
"""
from django.urls import path
from rest_framework.routers import SimpleRouter

from apps.generation.storyboards import api

router = SimpleRouter()
router.register("storyboard-templates", api.StoryboardTemplateViewSet, basename="storyboard-template")
router.register("storyboard-favourites", api.StoryboardFavouriteViewSet, basename="storyboard-favourite")

urlpatterns = [
    path("ai/storyboards/", api.StoryboardOrderView.as_view(), name="storyboard-order"),
    path("ai/storyboards/preview/", api.StoryboardPreviewView.as_view(), name="storyboard-preview"),
    *router.urls,
]

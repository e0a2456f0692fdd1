"""Routes of the AI features, mounted under /api/ by project/urls.py."""
from django.urls import include, path

from apps.generation.api import status_view

urlpatterns = [
    path("ai/status/", status_view, name="ai-status"),
    path("", include("apps.generation.writing.urls")),
    path("", include("apps.generation.storyboards.urls")),
    path("", include("apps.generation.orders.urls")),
]

"""Routes of AI writing and breakdown, mounted under /api/ (apps.generation.urls), and the review of suggested items."""
from django.urls import path
from rest_framework.routers import SimpleRouter

from apps.breakdown.api import BreakdownSuggestionViewSet
from apps.generation.writing import api

router = SimpleRouter()
router.register("breakdown-suggestions", BreakdownSuggestionViewSet, basename="breakdown-suggestion")

urlpatterns = [
    path("ai/scripts/<id:pk>/generate/", api.ScriptGenerateView.as_view(), name="ai-script-generate"),
    path("ai/scripts/<id:pk>/scenes/generate/", api.SceneGenerateView.as_view(), name="ai-scene-generate"),
    path("ai/breakdown/", api.BreakdownStartView.as_view(), name="ai-breakdown"),
    *router.urls,
]

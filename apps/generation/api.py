"""REST: which AI features this server has (the UI shows the others as off, naming the variable to set)."""
from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from apps.generation.config import anthropic_configured, fal_configured


@extend_schema(responses=inline_serializer("AiStatus", {
    "writing": serializers.DictField(), "breakdown": serializers.DictField(), "storyboards": serializers.DictField()}))
@api_view(["GET"])
def status_view(request):
    """`{"writing"|"breakdown"|"storyboards": {"configured": bool, "variable": str, "model": str}}`."""
    text = {"configured": anthropic_configured(), "variable": "ANTHROPIC_API_KEY", "model": settings.SLATE_ANTHROPIC_MODEL}
    images = {"configured": fal_configured(), "variable": "FAL_KEY", "model": settings.SLATE_FAL_MODEL}
    return Response({"writing": text, "breakdown": text, "storyboards": images})

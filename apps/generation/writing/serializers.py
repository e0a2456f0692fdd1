"""Serializers of AI writing and AI breakdown: the bodies that start a job, and the answer naming it."""
from __future__ import annotations

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from apps.breakdown.models import Character
from apps.generation.writing import prompts
from apps.jobs.serializers import JobSerializer
from apps.productions.scoped import ScopedPrimaryKeyRelatedField
from apps.scenes.models import Scene
from apps.scripts.models import ScriptVersion

JobStartedSerializer = inline_serializer("AiJobStarted", {"job": JobSerializer()})


def _text(**kwargs):
    return serializers.CharField(required=False, allow_blank=True, default="", max_length=2000, **kwargs)


class ScriptGenerateSerializer(serializers.Serializer):
    """Body of `POST /api/ai/scripts/{id}/generate/`: `logline` (default: the script's own) and `form`."""

    logline = _text(help_text="The story in a sentence or two; default: the script's logline.")
    form = serializers.ChoiceField(choices=prompts.FORMS, default="screenplay",
                                   help_text="outline: three acts of scene headings with synopses; treatment: scenes in prose; screenplay.")


class SceneGenerateSerializer(serializers.Serializer):
    """Body of `POST /api/ai/scripts/{id}/scenes/generate/`.

    `scene` regenerates that scene; `after_scene` writes a new one after it; neither: a new scene at
    the end. `setting`, `goal`, `tension`, `tone` are the brief (a new scene needs a setting or a
    goal). `characters` (ids) are added to the characters in play.
    """

    scene = ScopedPrimaryKeyRelatedField(queryset=Scene.objects.all(), required=False, allow_null=True, default=None)
    after_scene = ScopedPrimaryKeyRelatedField(queryset=Scene.objects.all(), required=False, allow_null=True, default=None)
    setting = _text(help_text="Where and when, e.g. 'The library after closing, rain on the skylight'.")
    goal = _text(help_text="What the scene must achieve for the story.")
    tension = _text(help_text="The conflict or pressure in the scene.")
    tone = _text(help_text="The scene's tone, e.g. 'hushed, menacing'.")
    characters = ScopedPrimaryKeyRelatedField(queryset=Character.objects.all(), many=True, required=False, default=list)


class BreakdownStartSerializer(serializers.Serializer):
    """Body of `POST /api/ai/breakdown/`: exactly one of `scene` or `script_version` (every scene of it)."""

    scene = ScopedPrimaryKeyRelatedField(queryset=Scene.objects.all(), required=False, allow_null=True, default=None)
    script_version = ScopedPrimaryKeyRelatedField(queryset=ScriptVersion.objects.all(), required=False, allow_null=True, default=None)

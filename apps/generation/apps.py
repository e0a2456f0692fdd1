from django.apps import AppConfig


class GenerationConfig(AppConfig):
    """AI help: Anthropic for screenplay text and breakdowns (writing/), fal.ai for storyboard frames (storyboards/)."""

    name = "apps.generation"
    label = "generation"

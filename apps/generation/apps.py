from django.apps import AppConfig


class GenerationConfig(AppConfig):
    """AI help: Anthropic for screenplay text and breakdowns (writing/), fal.ai for storyboard frames (storyboards/)."""

    name = "apps.generation"
    label = "generation"

    def ready(self) -> None:
        """Register the serializers of this app's live entities (storyboard_template, storyboard_favourite) with realtime, for events' `data`."""
        from apps.realtime.events import register_serializer
        from apps.generation.storyboards.serializers import StoryboardFavouriteSerializer, StoryboardTemplateSerializer

        register_serializer("storyboard_template", StoryboardTemplateSerializer)
        register_serializer("storyboard_favourite", StoryboardFavouriteSerializer)

from django.apps import AppConfig


class GenerationConfig(AppConfig):
    """AI help: Anthropic for screenplay text and breakdowns (writing/), fal.ai for storyboard frames (storyboards/),
    generation orders across providers (orders/, providers/)."""

    name = "apps.generation"
    label = "generation"

    def ready(self) -> None:
        """Register the serializers of this app's live entities (storyboard_template, storyboard_favourite,
        generation_order, generation_item, generation_product) with realtime, for events' `data`."""
        from apps.realtime.events import register_serializer
        from apps.generation.orders.serializers import (GenerationItemSerializer, GenerationOrderSerializer,
                                                        GenerationProductSerializer)
        from apps.generation.storyboards.serializers import StoryboardFavouriteSerializer, StoryboardTemplateSerializer

        register_serializer("storyboard_template", StoryboardTemplateSerializer)
        register_serializer("storyboard_favourite", StoryboardFavouriteSerializer)
        register_serializer("generation_order", GenerationOrderSerializer)
        register_serializer("generation_item", GenerationItemSerializer)
        register_serializer("generation_product", GenerationProductSerializer)

from django.apps import AppConfig


class BreakdownConfig(AppConfig):
    """The breakdown app: characters, cast, props and locations each scene needs."""

    name = "apps.breakdown"
    label = "breakdown"

    def ready(self) -> None:
        """Register the serializers of this app's live entities (character, cast_member, prop, location, breakdown_suggestion) with realtime, for events' `data`."""
        from apps.realtime.events import register_serializer
        from apps.breakdown.serializers import BreakdownSuggestionSerializer, CastMemberSerializer, CharacterSerializer, LocationSerializer, PropSerializer

        register_serializer("character", CharacterSerializer)
        register_serializer("cast_member", CastMemberSerializer)
        register_serializer("prop", PropSerializer)
        register_serializer("location", LocationSerializer)
        register_serializer("breakdown_suggestion", BreakdownSuggestionSerializer)

from django.apps import AppConfig


class ProductionsConfig(AppConfig):
    """The productions app: productions, their crews and the roles that decide who may do what."""

    name = "apps.productions"
    label = "productions"

    def ready(self) -> None:
        """Register the serializers of this app's live entities (production, membership, invitation) with realtime, for events' `data`."""
        from apps.realtime.events import register_serializer
        from apps.productions.api import InvitationSerializer, MembershipSerializer, ProductionSerializer

        register_serializer("production", ProductionSerializer)
        register_serializer("membership", MembershipSerializer)
        register_serializer("invitation", InvitationSerializer)

from django.apps import AppConfig


class ProductionsConfig(AppConfig):
    """The productions app: productions, their crews and the roles that decide who may do what."""

    name = "apps.productions"
    label = "productions"

    def ready(self) -> None:
        """Register with realtime the serializers of this app's live entities (production, membership, invitation), for
        events' `data`, and the membership check that decides who may follow a production's stream."""
        from apps.productions.selectors import is_member
        from apps.realtime.access import register_membership_check
        from apps.realtime.events import register_serializer
        from apps.productions.serializers import InvitationSerializer, MembershipSerializer, ProductionSerializer

        register_serializer("production", ProductionSerializer)
        register_serializer("membership", MembershipSerializer)
        register_serializer("invitation", InvitationSerializer)
        register_membership_check(is_member)

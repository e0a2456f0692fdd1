from django.apps import AppConfig


class CallsheetsConfig(AppConfig):
    """The schedule and call sheets: shoot days, the stripboard, day out of days, call sheets and their distribution."""

    name = "apps.callsheets"
    label = "callsheets"

    def ready(self) -> None:
        """Register the serializers of this app's live entities (shoot_day, strip, callsheet, callsheet_recipient) with realtime, for events' `data`."""
        from apps.callsheets.serializers import CallSheetRecipientSerializer, CallSheetSerializer, ShootDaySerializer, StripSerializer
        from apps.realtime.events import register_serializer

        register_serializer("shoot_day", ShootDaySerializer)
        register_serializer("strip", StripSerializer)
        register_serializer("callsheet", CallSheetSerializer)
        register_serializer("callsheet_recipient", CallSheetRecipientSerializer)

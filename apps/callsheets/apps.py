from django.apps import AppConfig


class CallsheetsConfig(AppConfig):
    """The schedule and call sheets: shoot days, the stripboard, day out of days, call sheets and their distribution."""

    name = "apps.callsheets"
    label = "callsheets"

    def ready(self) -> None:
        """Register the serializers of this app's live entities (shoot_day, strip, callsheet, callsheet_recipient) with
        realtime, for events' `data`, and take a deleted scene's strips off the stripboard (`scene_deleting`)."""
        from apps.callsheets.receivers import scene_deleting_strips_off
        from apps.callsheets.serializers import CallSheetRecipientSerializer, CallSheetSerializer, ShootDaySerializer, StripSerializer
        from apps.realtime.events import register_serializer
        from apps.scenes.signals import scene_deleting

        register_serializer("shoot_day", ShootDaySerializer)
        register_serializer("strip", StripSerializer)
        register_serializer("callsheet", CallSheetSerializer)
        register_serializer("callsheet_recipient", CallSheetRecipientSerializer)
        scene_deleting.connect(scene_deleting_strips_off, dispatch_uid="callsheets.scene_deleting_strips_off")

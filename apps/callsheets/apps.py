from django.apps import AppConfig


class CallsheetsConfig(AppConfig):
    """The schedule and call sheets: shoot days, the stripboard, day out of days, call sheets and their distribution."""

    name = "apps.callsheets"
    label = "callsheets"

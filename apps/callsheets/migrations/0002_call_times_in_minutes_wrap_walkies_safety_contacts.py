"""Call sheet times become minutes after the shoot day's midnight (0 ≤ m < 48*60, night shoots past
midnight), with an estimated `wrap`; the sheet gains `walkie_channels`, `safety_notes`, `key_contacts`.

The TimeField values are copied as hour*60 + minute (same day); going back keeps minutes % 1440.
The times inside `cast_calls`/`crew_calls` were "HH:MM" already and stay so.
"""
import datetime as dt

from django.db import migrations, models

TIMES = ("crew_call", "shooting_call", "first_meal")


def times_to_minutes(apps, schema_editor):
    CallSheet = apps.get_model("callsheets", "CallSheet")
    for sheet in CallSheet.objects.all().only("pk", *TIMES):
        values = {f"{name}_m": (None if getattr(sheet, name) is None else getattr(sheet, name).hour * 60 + getattr(sheet, name).minute)
                  for name in TIMES}
        CallSheet.objects.filter(pk=sheet.pk).update(**values)


def minutes_to_times(apps, schema_editor):
    CallSheet = apps.get_model("callsheets", "CallSheet")
    for sheet in CallSheet.objects.all().only("pk", *(f"{n}_m" for n in TIMES)):
        values = {}
        for name in TIMES:
            minutes = getattr(sheet, f"{name}_m")
            values[name] = None if minutes is None else dt.time(minutes % 1440 // 60, minutes % 60)
        CallSheet.objects.filter(pk=sheet.pk).update(**values)


def _minutes_field(help_text: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(null=True, blank=True, help_text=help_text)


class Migration(migrations.Migration):

    dependencies = [
        ("callsheets", "0001_initial"),
    ]

    operations = [
        *[migrations.AddField("callsheet", f"{name}_m", _minutes_field("")) for name in TIMES],
        migrations.RunPython(times_to_minutes, minutes_to_times),
        *[migrations.RemoveField("callsheet", name) for name in TIMES],
        *[migrations.RenameField("callsheet", f"{name}_m", name) for name in TIMES],
        migrations.AlterField("callsheet", "crew_call", _minutes_field("General crew call, minutes after the day's midnight.")),
        migrations.AlterField("callsheet", "shooting_call",
                              _minutes_field("When the camera is expected to roll, minutes after the day's midnight.")),
        migrations.AlterField("callsheet", "first_meal", _minutes_field("Minutes after the day's midnight.")),
        migrations.AddField("callsheet", "wrap", _minutes_field("Estimated wrap, minutes after the day's midnight.")),
        migrations.AddField("callsheet", "walkie_channels", models.JSONField(blank=True, default=list)),
        migrations.AddField("callsheet", "safety_notes", models.TextField(blank=True, help_text="Hazards of the day and safety notes.")),
        migrations.AddField("callsheet", "key_contacts", models.JSONField(blank=True, default=list)),
        *[migrations.AddConstraint("callsheet", models.CheckConstraint(
            condition=models.Q(**{f"{name}__lt": 48 * 60}) | models.Q(**{f"{name}__isnull": True}),
            name=f"callsheet_{name}_within_two_days")) for name in (*TIMES, "wrap")],
    ]

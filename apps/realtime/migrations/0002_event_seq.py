"""Number each production's stored events 1, 2, 3… (`Event.seq`), in id order, then make it required and unique."""

from django.db import migrations, models


def number_events(apps, schema_editor):
    """Give existing events their per-production sequence number, in id order (ids follow commit order per production)."""
    Event = apps.get_model("realtime", "Event")
    productions = Event.objects.values_list("production_id", flat=True).distinct().order_by()
    for production_id in list(productions):
        # A list first: SQLite gives no isolation between a cursor and writes to the same table.
        ids = list(Event.objects.filter(production_id=production_id).order_by("id").values_list("id", flat=True))
        batch = []
        for seq, event_id in enumerate(ids, start=1):
            batch.append(Event(id=event_id, seq=seq))
            if len(batch) >= 2000:
                Event.objects.bulk_update(batch, ["seq"])
                batch = []
        if batch:
            Event.objects.bulk_update(batch, ["seq"])


class Migration(migrations.Migration):

    dependencies = [
        ("realtime", "0001_initial"),
    ]

    operations = [
        migrations.AddField(model_name="event", name="seq", field=models.BigIntegerField(null=True)),
        migrations.RunPython(number_events, migrations.RunPython.noop),
        migrations.AlterField(model_name="event", name="seq", field=models.BigIntegerField()),
        migrations.AddConstraint(
            model_name="event",
            constraint=models.UniqueConstraint(fields=("production", "seq"), name="event_production_seq"),
        ),
    ]

"""Empty the personal contacts that events stored before contact privacy (issue 18) carried.

Since then a live event never carries a cast member's phone or email, nor a crew member's or an
invitee's email (apps.productions.permissions.sees_contacts); the event log is replayed to every
member, so the rows written before must not carry them either. Irreversible by nature (reversing is a no-op).
"""
from django.db import migrations

# entity → the paths of the contact fields in its `data` (a nested dict named first).
CONTACT_PATHS = {
    "cast_member": [(None, "email"), (None, "phone")],
    "membership": [("user", "email")],
    "invitation": [(None, "email"), ("invited_by", "email")],
}


def scrub_event_log(apps, schema_editor):
    """Set every contact field of the stored events of CONTACT_PATHS' entities to "", in batches of 500."""
    Event = apps.get_model("realtime", "Event")
    changed = []
    for event in Event.objects.filter(entity__in=list(CONTACT_PATHS)).only("id", "entity", "data").iterator(chunk_size=500):
        data, dirty = event.data if isinstance(event.data, dict) else {}, False
        for nested, field in CONTACT_PATHS[event.entity]:
            holder = data.get(nested) if nested else data
            if isinstance(holder, dict) and holder.get(field):
                holder[field] = ""
                dirty = True
        if dirty:
            changed.append(event)
        if len(changed) >= 500:
            Event.objects.bulk_update(changed, ["data"])
            changed = []
    Event.objects.bulk_update(changed, ["data"])


class Migration(migrations.Migration):

    dependencies = [
        ("productions", "0004_production_coordinator_role"),
        ("realtime", "0002_event_seq"),
    ]

    operations = [migrations.RunPython(scrub_event_log, migrations.RunPython.noop)]

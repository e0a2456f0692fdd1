"""What a live event carries of a REST representation: the same, its personal contact details emptied
(apps.productions.permissions.sees_contacts: an event goes to every member, so it never carries them)."""
from __future__ import annotations

from apps.productions.permissions import redact_contacts


def as_event_data(data: dict) -> dict:
    """`data` (a cast member, membership or invitation as REST answered it) with the contacts an event leaves out."""
    out = redact_contacts(data)
    for nested in ("user", "invited_by"):
        if isinstance(out.get(nested), dict):
            out[nested] = redact_contacts(out[nested])
    return out

"""What a call sheet's reader may see of the contact details of the people on it (issue 18).

The rule is `apps.productions.permissions.sees_contacts`, asked per person: the production's owners,
producers, production coordinators and assistant directors see every phone and email, anyone else only
their own. Stored sheets and revision snapshots never hold contacts; a printed sheet reads them now,
for its reader (`apps/callsheets/api.py`, the `pdf` action), and so does the contact list CSV.
"""
from __future__ import annotations

import csv
import io

from apps.breakdown.models import CastMember
from apps.productions.models import Membership, Role
from apps.productions.permissions import sees_contacts
from apps.productions.selectors import membership_role


def _text(*parts: str) -> str:
    return " / ".join(p for p in parts if p)


def contact_text(*, phone: str = "", email: str = "", address: str = "", emergency_contact: str = "") -> str:
    """One person's contact details as a call sheet's Contact cell: "phone / email", then the address, then
    "Emergency: …", one per line, leaving out what is empty."""
    lines = [_text(phone, email), " ".join(address.split()), f"Emergency: {emergency_contact}" if emergency_contact else ""]
    return "\n".join(line for line in lines if line)


def sheet_contacts(*, user, production_id: int, sheet: dict) -> dict | None:
    """The contact text of each person on `sheet` (a CallSheetSerializer representation or a snapshot) that `user` may see.

    Returns `{"cast": {cast_member id: contact_text(...)}, "crew": {user id: contact_text(...)}}`, or None when
    `user` may see nobody's (then the sheet prints no Contact column). Two queries.
    """
    role = membership_role(user=user, production_id=production_id) or ""
    cast_ids = {c.get("cast_member") for c in sheet.get("cast_calls") or [] if isinstance(c, dict)}
    crew_ids = {c.get("user") for c in sheet.get("crew_calls") or [] if isinstance(c, dict)}
    cast = {m.pk: contact_text(phone=m.phone, email=m.email, address=m.address, emergency_contact=m.emergency_contact)
            for m in CastMember.objects.filter(production_id=production_id, pk__in=cast_ids - {None})
            if sees_contacts(user=user, production=production_id, person_user_id=m.user_id, role=role)}
    crew = {m.user_id: contact_text(phone=m.phone, email=m.user.email, address=m.address, emergency_contact=m.emergency_contact)
            for m in Membership.objects.filter(production_id=production_id, user_id__in=crew_ids - {None}).select_related("user")
            if sees_contacts(user=user, production=production_id, person_user_id=m.user_id, role=role)}
    if not sees_contacts(user=user, production=production_id, role=role) and not cast and not crew:
        return None
    return {"cast": cast, "crew": crew}


CONTACT_LIST_COLUMNS = ["Kind", "Cast ID", "Name", "Role", "Phone", "Email", "Address", "Emergency contact"]


def contact_list_csv(*, user, production_id: int) -> str:
    """The production's contact list as CSV text (RFC 4180, the `csv` module): the cast, then the crew.

    Columns `CONTACT_LIST_COLUMNS`: Kind ("Cast" / "Crew"), Cast ID, Name, Role (a cast member's
    characters joined by " / ", a crew member's role label), Phone, Email, Address, Emergency contact. The
    last four are empty in every row whose contacts `user` may not see (`sees_contacts`). Three queries.
    """
    role = membership_role(user=user, production_id=production_id) or ""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CONTACT_LIST_COLUMNS)
    cast = CastMember.objects.filter(production_id=production_id).prefetch_related("characters")
    for m in cast:
        sees = sees_contacts(user=user, production=production_id, person_user_id=m.user_id, role=role)
        contacts = [m.phone, m.email, m.address, m.emergency_contact] if sees else ["", "", "", ""]
        writer.writerow(["Cast", "" if m.cast_id is None else m.cast_id, m.name, " / ".join(c.name for c in m.characters.all()), *contacts])
    for m in Membership.objects.filter(production_id=production_id).select_related("user"):
        sees = sees_contacts(user=user, production=production_id, person_user_id=m.user_id, role=role)
        contacts = [m.phone, m.user.email, m.address, m.emergency_contact] if sees else ["", "", "", ""]
        writer.writerow(["Crew", "", m.user.display_name, Role(m.role).label if m.role in Role.values else m.role, *contacts])
    return out.getvalue()

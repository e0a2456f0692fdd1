"""Contact privacy (issue 18), as a matrix role × field × channel: REST list, REST detail, the live WebSocket
frames a reader's socket receives, and the call-sheet PDF. Contacts are seen by owners, producers,
production coordinators and assistant directors, and by the person themselves
(apps.productions.permissions.sees_contacts); the live events carry nobody's."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from types import SimpleNamespace

import pytest
from pypdf import PdfReader

from apps.callsheets.models import CallSheet, ShootDay
from apps.productions.models import CONTACT_ROLES, Role
from apps.productions.permissions import CONTACT_FIELDS
from tests.factories import CastMemberFactory
from tests.realtime.conftest import connect_as, session_cookie, sockets  # noqa: F401 (the real sockets, through the ASGI app)
from tests.realtime.helpers import TIMEOUT_S, run_sync, subscribe

pytestmark = pytest.mark.django_db(transaction=True)

SEES = sorted(CONTACT_ROLES)
HIDDEN = sorted(set(Role) - CONTACT_ROLES)
# Every personal contact field of the cast (CastMember) and the crew (the user of a Membership): field → value.
ANA = {"phone": "+1 555 0199", "email": "ana@cast.test", "address": "12 Calle Mayor, Madrid", "emergency_contact": "Luis Ruiz (brother) +34 600 1"}
BO = {"phone": "+1 555 0123", "email": "bo@cast.test", "address": "4 Rue Oberkampf, Paris", "emergency_contact": "Eva Lind (mother) +33 6 2"}
# The camera operator's, on their membership (the email is their account's).
CAM = {"phone": "+1 555 0777", "address": "9 Kings Road, London", "emergency_contact": "Max Held (partner) +44 7 3"}


@pytest.fixture
def crew(make_user, make_production):
    """A production with one member of every role, Ana (a cast member with her own viewer account) and Bo (cast, no account)."""
    people = {role: make_user(name=f"{role} person") for role in Role}
    ana_user = make_user(name="Ana Ruiz")
    members = {people[role]: role for role in Role if role != Role.OWNER} | {ana_user: Role.VIEWER}
    production = make_production(owner=people[Role.OWNER], members=members)
    production.memberships.filter(user=people[Role.CAMERA]).update(**CAM)
    ana = CastMemberFactory(production=production, name="Ana Ruiz", user=ana_user, **ANA)
    bo = CastMemberFactory(production=production, name="Bo Lind", **BO)
    return SimpleNamespace(people=people, ana_user=ana_user, production=production, ana=ana, bo=bo)


def _contacts(row: dict) -> dict:
    return {name: row[name] for name in CONTACT_FIELDS}


HIDDEN_CONTACTS = dict.fromkeys(CONTACT_FIELDS, "")


@pytest.mark.parametrize("role", list(Role))
def test_rest_list_and_detail_show_contacts_only_to_those_who_need_them(crew, api_for, role):
    client = api_for(crew.people[role])
    expected = (ANA, BO) if role in CONTACT_ROLES else (HIDDEN_CONTACTS, HIDDEN_CONTACTS)

    listed = {row["name"]: row for row in client.get("/api/cast-members/", {"production": crew.production.pk}).json()["results"]}
    detail = client.get(f"/api/cast-members/{crew.bo.pk}/").json()

    assert (_contacts(listed["Ana Ruiz"]), _contacts(listed["Bo Lind"])) == expected
    assert _contacts(detail) == expected[1]
    # the crew's own emails, on the members list
    members = client.get(f"/api/productions/{crew.production.pk}/members/", {"page_size": 100}).json()["results"]
    people = {m["user"]["id"]: {"email": m["user"]["email"], **{name: m[name] for name in CAM}} for m in members}
    camera = crew.people[Role.CAMERA]
    sees_camera = role in CONTACT_ROLES or role == Role.CAMERA
    assert people[camera.pk] == ({"email": camera.email, **CAM} if sees_camera else HIDDEN_CONTACTS)
    assert people[crew.people[role].pk]["email"] == crew.people[role].email  # everyone sees their own


def test_the_person_themselves_sees_their_own_contacts_and_nobody_elses(crew, api_for):
    client = api_for(crew.ana_user)  # a viewer on the crew

    listed = {row["name"]: row for row in client.get("/api/cast-members/", {"production": crew.production.pk}).json()["results"]}

    assert _contacts(listed["Ana Ruiz"]) == ANA
    assert _contacts(client.get(f"/api/cast-members/{crew.ana.pk}/").json()) == ANA
    assert _contacts(listed["Bo Lind"]) == HIDDEN_CONTACTS


def test_a_search_does_not_reveal_a_hidden_email(crew, api_for):
    client = api_for(crew.people[Role.CAMERA])

    found = client.get("/api/cast-members/", {"production": crew.production.pk, "search": "bo@cast"}).json()["results"]

    assert found == []


def test_writes_by_someone_who_cannot_see_contacts_leave_them_untouched(crew, api_for):
    client = api_for(crew.people[Role.CAMERA])  # may change the breakdown, may not see contacts

    response = client.patch(f"/api/cast-members/{crew.bo.pk}/", {**HIDDEN_CONTACTS, "notes": "Left-handed", "version": crew.bo.version},
                            format="json")

    assert response.status_code == 200, response.content
    crew.bo.refresh_from_db()
    assert (_contacts(vars(crew.bo)), crew.bo.notes) == (BO, "Left-handed")


def test_those_who_see_contacts_write_them(crew, api_for):
    changed = {"address": "8 Via Roma, Torino", "emergency_contact": "Pia Lind +39 3"}
    client = api_for(crew.people[Role.PRODUCTION_COORDINATOR])

    response = client.patch(f"/api/cast-members/{crew.bo.pk}/", {**changed, "version": crew.bo.version}, format="json")

    assert response.status_code == 200, response.content
    crew.bo.refresh_from_db()
    assert _contacts(response.json()) == _contacts(vars(crew.bo)) == BO | changed


@pytest.mark.parametrize("role", list(Role))
async def test_a_live_event_carries_nobodys_contacts_on_the_raw_frames(crew, connect_as, api_for, role):
    socket = await connect_as(crew.people[role])
    await subscribe(socket, crew.production.pk)
    owner = api_for(crew.people[Role.OWNER])

    response = await run_sync(owner.patch, f"/api/cast-members/{crew.ana.pk}/", {"notes": "Pickup at 6", "version": crew.ana.version},
                              format="json")
    assert response.status_code == 200
    assert _contacts(response.json()) == ANA  # the owner's own answer has them
    await run_sync(owner.patch, f"/api/productions/{crew.production.pk}/members/{await _membership_id(crew, Role.CAMERA)}/",
                   {"role": Role.EDITOR}, format="json")
    raw = []  # the frames' text as the socket received it
    while not raw or json.loads(raw[-1]).get("type") != "membership.updated":
        raw.append(await socket.receive_from(timeout=TIMEOUT_S))
    frames = [json.loads(text) for text in raw]

    cast_frame = next(f for f in frames if f.get("type") == "cast_member.updated")
    assert (cast_frame["data"]["notes"], _contacts(cast_frame["data"])) == ("Pickup at 6", HIDDEN_CONTACTS)
    member_frame = frames[-1]
    assert member_frame["data"]["user"]["email"] == ""
    assert (member_frame["data"]["phone"], member_frame["data"]["address"], member_frame["data"]["emergency_contact"]) == ("", "", "")
    for value in (*ANA.values(), *CAM.values(), crew.people[Role.CAMERA].email):
        assert not any(value in text for text in raw), value


async def _membership_id(crew, role) -> int:
    return await run_sync(lambda: crew.production.memberships.get(user=crew.people[role]).pk)


@pytest.fixture
def sheet(crew):
    """A draft call sheet calling Ana and Bo, and the camera operator on the crew."""
    day = ShootDay.objects.create(production=crew.production, date=dt.date(2027, 5, 3), number=1)
    camera = crew.people[Role.CAMERA]
    return CallSheet.objects.create(
        production=crew.production, shoot_day=day,
        cast_calls=[{"cast_member": m.pk, "pickup": None, "hair_makeup": None, "on_set": None, "notes": ""} for m in (crew.ana, crew.bo)],
        crew_calls=[{"department": "Camera", "name": camera.display_name, "role": "camera", "user": camera.pk, "call": None}])


def _pdf_text(client, sheet) -> str:
    """The PDF's text with its whitespace made single spaces (a cell wraps a long address over lines)."""
    response = client.get(f"/api/call-sheets/{sheet.pk}/pdf/")
    assert response.status_code == 200
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages).split())


@pytest.mark.parametrize("role", list(Role))
def test_the_call_sheet_pdf_prints_only_what_its_reader_may_see(crew, sheet, api_for, role):
    text = _pdf_text(api_for(crew.people[role]), sheet)

    assert "Ana Ruiz" in text and "Bo Lind" in text  # the sheet itself, for everyone
    sees = role in CONTACT_ROLES
    for value in (*ANA.values(), *BO.values()):
        assert (value in text) == sees, value
    for value in (crew.people[Role.CAMERA].email, *CAM.values()):
        assert (value in text) == (sees or role == Role.CAMERA), value
    assert ("Contact" in text) == (sees or role == Role.CAMERA)


def test_the_call_sheet_pdf_shows_a_cast_member_their_own_number(crew, sheet, api_for):
    text = _pdf_text(api_for(crew.ana_user), sheet)

    assert all(value in text for value in ANA.values())
    assert not any(value in text for value in BO.values())


def _csv_contacts(row: dict) -> dict:
    return {"phone": row["Phone"], "email": row["Email"], "address": row["Address"], "emergency_contact": row["Emergency contact"]}


def _csv_rows(client, url) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize("role", list(Role))
def test_the_contact_list_csv_fills_in_only_what_its_reader_may_see(crew, api_for, role):
    reader = crew.people[role]
    client = api_for(reader)
    sees = role in CONTACT_ROLES

    rows = _csv_rows(client, f"/api/productions/{crew.production.pk}/contacts.csv")

    cast = {r["Name"]: _csv_contacts(r) for r in rows if r["Kind"] == "Cast"}
    assert cast == {"Ana Ruiz": ANA if sees else HIDDEN_CONTACTS, "Bo Lind": BO if sees else HIDDEN_CONTACTS}
    crew_contacts = {r["Name"]: _csv_contacts(r) for r in rows if r["Kind"] == "Crew"}
    camera = crew.people[Role.CAMERA]
    assert crew_contacts[camera.display_name] == ({"email": camera.email, **CAM} if sees or role == Role.CAMERA else HIDDEN_CONTACTS)
    assert crew_contacts[reader.display_name]["email"] == reader.email
    # the day out of days, the other CSV, carries nobody's
    dood = client.get(f"/api/productions/{crew.production.pk}/dood.csv").content.decode()
    assert not any(value in dood for value in (*ANA.values(), *BO.values(), *CAM.values(), camera.email))


def test_the_contact_list_csv_shows_a_cast_member_their_own_number_and_is_404_outside(crew, api_for, make_user):
    rows = _csv_rows(api_for(crew.ana_user), f"/api/productions/{crew.production.pk}/contacts.csv")

    cast = {r["Name"]: _csv_contacts(r) for r in rows if r["Kind"] == "Cast"}
    assert cast == {"Ana Ruiz": ANA, "Bo Lind": HIDDEN_CONTACTS}
    outsider = api_for(make_user()).get(f"/api/productions/{crew.production.pk}/contacts.csv")
    assert outsider.status_code == 404 and ANA["phone"] not in outsider.content.decode()


def test_events_stored_before_the_rule_are_scrubbed_from_the_log(crew):
    from importlib import import_module

    from django.apps import apps

    from apps.realtime.models import Event

    old = Event.objects.create(production=crew.production, seq=1, type="cast_member.updated", entity="cast_member",
                               entity_id=str(crew.ana.pk), data={"id": crew.ana.pk, "name": "Ana Ruiz", "phone": ANA["phone"], "email": ANA["email"]},  # the fields of then
                               at=crew.ana.updated_at)
    member = Event.objects.create(production=crew.production, seq=2, type="membership.updated", entity="membership", entity_id="1",
                                  data={"id": 1, "user": {"id": 7, "email": "seven@crew.test"}}, at=crew.ana.updated_at)

    import_module("apps.productions.migrations.0005_scrub_contacts_from_event_log").scrub_event_log(apps, None)

    old.refresh_from_db()
    member.refresh_from_db()
    assert old.data == {"id": crew.ana.pk, "name": "Ana Ruiz", "phone": "", "email": ""}
    assert member.data == {"id": 1, "user": {"id": 7, "email": ""}}


def _member_url(crew, role) -> str:
    membership = crew.production.memberships.get(user=crew.people[role])
    return f"/api/productions/{crew.production.pk}/members/{membership.pk}/"


def test_a_crew_member_keeps_their_own_contact_details(crew, api_for, captured_events):
    camera = crew.people[Role.CAMERA]
    mine = {"phone": "+1 555 0888", "address": "1 New Street", "emergency_contact": "Ida Held +44 7 4"}

    with captured_events() as events:
        response = api_for(camera).patch(_member_url(crew, Role.CAMERA), mine, format="json")

    assert response.status_code == 200, response.content
    assert {name: response.json()[name] for name in mine} == mine
    assert response.json()["role"] == Role.CAMERA
    assert [(e["type"], e["data"]["phone"], e["data"]["address"], e["data"]["emergency_contact"]) for e in events] == [
        ("membership.updated", "", "", "")]


def test_the_production_office_writes_crew_contacts_and_nobody_else_does(crew, api_for):
    office = api_for(crew.people[Role.PRODUCTION_COORDINATOR])
    changed = {"phone": "+1 555 0999"}

    assert office.patch(_member_url(crew, Role.CAMERA), changed, format="json").status_code == 200
    for role in (Role.DIRECTOR, Role.EDITOR, Role.VIEWER):
        response = api_for(crew.people[role]).patch(_member_url(crew, Role.CAMERA), {"phone": "+1 000"}, format="json")
        assert response.status_code == 403, role
    membership = crew.production.memberships.get(user=crew.people[Role.CAMERA])
    assert (membership.phone, membership.address, membership.role) == ("+1 555 0999", CAM["address"], Role.CAMERA)
    # and a coordinator who is not a manager changes contacts, not roles
    assert office.patch(_member_url(crew, Role.CAMERA), {"role": Role.EDITOR}, format="json").status_code == 403


# --- the phones typed onto a call sheet's key contacts (issue 19's block follows the same rule) -------------------

KEY_CONTACT = {"role": "Locations", "name": "Sam Ortiz", "phone": "+1 555 0456"}


@pytest.mark.parametrize("role", list(Role))
def test_a_call_sheets_key_contact_phone_is_shown_only_to_those_who_see_contacts(crew, sheet, api_for, captured_events, role):
    from apps.callsheets.models import Strip
    from tests.factories import SceneFactory

    Strip.objects.create(production=crew.production, shoot_day=sheet.shoot_day, position=0, scene=SceneFactory(production=crew.production))
    owner = api_for(crew.people[Role.OWNER])
    with captured_events() as events:
        written = owner.patch(f"/api/call-sheets/{sheet.pk}/", {"key_contacts": [KEY_CONTACT], "crew_call": "07:00", "version": sheet.version}, format="json")
        assert written.status_code == 200, written.content
        published = owner.post(f"/api/call-sheets/{sheet.pk}/publish/", {"version": written.json()["version"]}, format="json")
        assert published.status_code == 200, published.content
    client = api_for(crew.people[role])
    expected = KEY_CONTACT if role in CONTACT_ROLES else {**KEY_CONTACT, "phone": ""}

    assert client.get(f"/api/call-sheets/{sheet.pk}/").json()["key_contacts"] == [expected]
    revisions = client.get(f"/api/call-sheets/{sheet.pk}/revisions/").json()
    revisions = revisions["results"] if isinstance(revisions, dict) else revisions
    assert [r["snapshot"]["key_contacts"] for r in revisions] == [[expected]]
    assert (KEY_CONTACT["phone"] in _pdf_text(client, sheet)) == (role in CONTACT_ROLES)
    sheet_events = [e for e in events if e["entity"] == "callsheet"]
    assert sheet_events and all(KEY_CONTACT["phone"] not in json.dumps(e["data"]) for e in sheet_events)

"""A published call sheet tells each person their own call: the email (locmem, through the Huey worker) and the push
(the local fake push service) open with that person's call time, place and the PDF's link; viewers not called stay off."""
from __future__ import annotations

import re

import pytest
from django.core import mail
from rest_framework.test import APIClient

from apps.callsheets.models import CallSheetRecipient
from apps.notifications.models import Notification
from apps.productions.models import Membership, Role
from tests.callsheets.conftest import make_day, put
from tests.factories import CastMemberFactory, CharacterFactory, SceneFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def night(crew, make_user):
    """A night shoot of The Long Take: general call 23:50; Bo (camera) follows it by +30 min, the Script department is
    called by hand at 23:30, Ana's production row follows it; Eve, a viewer, plays Nora (cast 1); Vic is a viewer only."""
    eve, vic = make_user(username="eve", name="Eve Hart"), make_user(username="vic", name="Vic Moss")
    Membership.objects.create(production=crew.production, user=eve, role=Role.VIEWER)
    Membership.objects.create(production=crew.production, user=vic, role=Role.VIEWER)
    scene = SceneFactory(production=crew.production, number="7", location="PIER", time_of_day="NIGHT")
    nora = CastMemberFactory(production=crew.production, name="Eve Hart", cast_id=1, user=eve)
    CharacterFactory(production=crew.production, name="NORA", cast_member=nora, scenes=[scene])
    day = make_day(crew.production, crew.ana, "2026-12-10")
    put(day, crew.ana, scene)
    api = APIClient()
    api.force_authenticate(crew.ana)
    body = {"shoot_day": day.pk, "crew_call": "23:50", "locations": [{"name": "PIER", "address": "Dock 4, Harbour Rd"}],
            "cast_calls": [{"cast_member": nora.pk, "pickup": "23:00", "hair_makeup": "23:20", "on_set": "00:30 (+1)"}],
            "crew_calls": [{"department": "Production", "name": "Ana Ruiz", "user": crew.ana.pk, "offset": 0},
                           {"department": "Camera", "name": "Bo Lind", "user": crew.bo.pk, "offset": 30},
                           {"department": "Script", "name": "", "call": "23:30"}]}
    response = api.post("/api/call-sheets/", body, format="json")
    assert response.status_code == 201, response.json()
    return api, response.json(), eve, vic


def own_call(text: str) -> tuple[str, str, str]:
    """(time, how, place) from the "Your call: ..." line of a body."""
    match = re.search(r"^Your call: (\d\d:\d\d(?: \(\+1\))?) \((.+?)\) at (.+)\.$", text, re.MULTILINE)
    assert match, text
    return match.group(1), match.group(2), match.group(3)


def test_each_crew_member_is_emailed_their_own_call_and_the_pdf_link(crew, night, worker, settings):
    settings.SLATE_PUBLIC_URL = "https://slate.example.org"
    api, sheet, eve, vic = night
    mail.outbox.clear()

    response = api.post(f"/api/call-sheets/{sheet['id']}/publish/", {"version": sheet["version"]}, format="json")
    worker.run()

    assert response.status_code == 200
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {crew.bo.email, crew.di.email, eve.email}  # not the publisher, not Vic (a viewer not called)
    assert own_call(by_address[crew.bo.email].body) == ("00:20 (+1)", "Camera, 30 min after the general call 23:50",
                                                        "PIER, Dock 4, Harbour Rd")
    assert own_call(by_address[crew.di.email].body) == ("23:30", "Script, set by hand", "PIER, Dock 4, Harbour Rd")
    assert own_call(by_address[eve.email].body) == ("23:00", "pickup 23:00, hair/makeup 23:20, on set 00:30 (+1)",
                                                    "PIER, Dock 4, Harbour Rd")
    pdf = re.search(r"^Call sheet PDF: (\S+)$", by_address[crew.bo.email].body, re.MULTILINE).group(1)
    assert pdf == f"https://slate.example.org/api/call-sheets/{sheet['id']}/pdf/"
    assert "crew call 23:50" in by_address[crew.bo.email].subject
    assert set(CallSheetRecipient.objects.filter(call_sheet_id=sheet["id"]).values_list("user_id", flat=True)) == {
        crew.ana.pk, crew.bo.pk, crew.di.pk, eve.pk}
    assert not Notification.objects.filter(recipient=vic).exists()


def test_the_push_names_the_members_own_call(crew, night, push_service, subscribe_device, worker):
    api, sheet, _, _ = night
    subscribe_device(crew.bo)

    api.post(f"/api/call-sheets/{sheet['id']}/publish/", {"version": sheet["version"]}, format="json")
    worker.run()

    [got] = push_service.delivered()
    assert got.payload["body"].startswith("The Long Take \u00b7 Your call: 00:20 (+1) (Camera, 30 min after the general call 23:50)")


def test_a_member_without_a_row_of_their_own_gets_the_general_call(crew, night, worker):
    api, sheet, _, _ = night
    rows = [r for r in sheet["crew_calls"] if r["department"] != "Script"]
    sheet = api.patch(f"/api/call-sheets/{sheet['id']}/", {"crew_calls": rows, "version": sheet["version"]}, format="json").json()
    mail.outbox.clear()

    api.post(f"/api/call-sheets/{sheet['id']}/publish/", {"version": sheet["version"]}, format="json")
    worker.run()

    [message] = [m for m in mail.outbox if m.to == [crew.di.email]]
    assert own_call(message.body) == ("23:50", "general call", "PIER, Dock 4, Harbour Rd")

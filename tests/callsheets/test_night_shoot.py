"""Night shoots through the REST API: call times past midnight ("00:15 (+1)", "25:30"), their checks, the change list
and DOOD; and crew calls that follow the general call by an offset, with warnings for the hand-set ones."""
from __future__ import annotations

import pytest

from apps.callsheets.models import CallSheet
from apps.notifications.models import Notification

pytestmark = pytest.mark.django_db

NIGHT = {"crew_call": "22:30", "shooting_call": "00:15 (+1)", "first_meal": "03:30 (+1)", "wrap": "09:00 (+1)"}


def create(api, board, **body):
    return api.post("/api/call-sheets/", {"shoot_day": board.days[0].pk, **body}, format="json")


def patch(api, sheet: dict, **body):
    return api.patch(f"/api/call-sheets/{sheet['id']}/", {**body, "version": sheet["version"]}, format="json")


def test_a_night_shoot_day_validates_and_keeps_its_order(api, board):
    response = create(api, board, **NIGHT, cast_calls=[{"cast_member": board.ana.pk, "pickup": "21:45", "hair_makeup": "22:15",
                                                         "on_set": "0:30+1"}])

    assert response.status_code == 201, response.json()
    data = response.json()
    # One canonical form: "HH:MM" with hours past 24 for the next day, in the sheet order of the day.
    assert [data[k] for k in ("crew_call", "shooting_call", "first_meal", "wrap")] == ["22:30", "24:15", "27:30", "33:00"]
    sheet = CallSheet.objects.get(pk=data["id"])
    assert (sheet.crew_call, sheet.shooting_call, sheet.first_meal, sheet.wrap) == (1350, 1455, 1650, 1980)
    assert sheet.crew_call < sheet.shooting_call < sheet.first_meal < sheet.wrap
    assert [(c["pickup"], c["hair_makeup"], c["on_set"]) for c in data["cast_calls"]][0] == ("21:45", "22:15", "24:30")
    # The trade's "25:30" is read as it is written.
    again = patch(api, data, first_meal="25:30")
    assert again.status_code == 200 and again.json()["first_meal"] == "25:30"


@pytest.mark.parametrize("body, code", [
    ({"shooting_call": "22:00"}, "shooting_call_before_crew_call"),
    ({"first_meal": "21:00"}, "meal_before_crew_call"),
    ({"wrap": "09:00"}, "wrap_before_shooting_call"),  # the morning of the shoot day itself, not the next one
    ({"wrap": "00:10 (+1)"}, "wrap_before_shooting_call"),
    ({"cast_calls": "on-set-before-crew"}, "cast_call_before_crew_call"),
    ({"cast_calls": "on-set-before-hair"}, "cast_call_out_of_order"),
    ({"crew_call": "48:00"}, "invalid"),
    ({"crew_call": "23:00 (+1)"}, None),
    ({"crew_call": "24:30 (+1)"}, "invalid"),
])
def test_night_shoot_checks_compare_past_midnight(api, board, body, code):
    sheet = create(api, board, **NIGHT).json()
    special = {"on-set-before-crew": [{"cast_member": board.ana.pk, "on_set": "22:00"}],
               "on-set-before-hair": [{"cast_member": board.ana.pk, "hair_makeup": "00:30 (+1)", "on_set": "23:45"}]}
    body = {k: special.get(v, v) for k, v in body.items()}

    response = patch(api, sheet, **body)

    if code is None:  # 23:00 the next day is after the 00:15 (+1) shooting call: a crew call may not be after it
        assert response.status_code == 400 and response.json()["code"] == "shooting_call_before_crew_call"
        return
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == code
    assert CallSheet.objects.get(pk=sheet["id"]).version == sheet["version"]


def test_the_change_list_and_the_revision_notice_write_times_past_midnight_as_plus_one(api, board, crew):
    sheet = create(api, board, **NIGHT).json()
    sheet = api.post(f"/api/call-sheets/{sheet['id']}/publish/", {"version": sheet["version"]}, format="json").json()
    sheet = patch(api, sheet, shooting_call="00:45 (+1)", crew_call="23:00").json()

    response = api.post(f"/api/call-sheets/{sheet['id']}/publish/", {"version": sheet["version"]}, format="json")

    assert response.status_code == 200
    changes = api.get(f"/api/call-sheets/{sheet['id']}/revisions/").json()[0]["changes"]
    assert [(c["field"], c["before"], c["after"]) for c in changes] == [("crew_call", "22:30", "23:00"), ("shooting_call", "24:15", "24:45")]
    notice = Notification.objects.filter(recipient=crew, kind="callsheet_revised").get()
    assert "Crew call 22:30 \u2192 23:00" in notice.body and "Shooting call 00:15 (+1) \u2192 00:45 (+1)" in notice.body
    assert "crew call 23:00" in notice.title


def test_dood_keeps_a_night_shoot_on_its_own_day(api, board, production):
    create(api, board, **NIGHT)
    api.post("/api/call-sheets/", {"shoot_day": board.days[1].pk, "crew_call": "18:00", "wrap": "04:00 (+1)"}, format="json")

    dood = api.get(f"/api/productions/{production.pk}/dood/").json()

    assert [(d["number"], d["date"], d["crew_call"], d["wrap"]) for d in dood["days"]] == [
        (1, "2026-11-24", "22:30", "33:00"), (2, "2026-11-25", "18:00", "28:00")]
    codes = {row["name"]: row["codes"] for row in dood["cast"]}
    assert codes == {"Ana Ruiz": ["SWF", ""], "Bob Stone": ["SW", "WF"]}


# --- individual calls follow the general call ------------------------------------------------

def test_moving_the_general_call_moves_offset_calls_and_lists_the_hand_set_ones(api, board, user, crew):
    sheet = create(api, board, crew_call="06:30").json()
    assert {r["user"]: (r["offset"], r["call"]) for r in sheet["crew_calls"]} == {user.pk: (0, "06:30"), crew.pk: (0, "06:30")}
    rows = [{"department": "Camera", "name": "Early grip", "offset": -15},
            {"department": "Camera", "name": "Set by hand", "call": "06:30"},
            {"department": "Hair", "name": "Pre-call", "call": "05:00"},
            {"department": "Art", "name": "Late", "call": "06:00"}]
    sheet = patch(api, sheet, crew_calls=rows).json()
    assert [(r["name"], r["offset"], r["call"]) for r in sheet["crew_calls"]] == [
        ("Early grip", -15, "06:15"), ("Set by hand", None, "06:30"), ("Pre-call", None, "05:00"), ("Late", None, "06:00")]
    assert sheet["warnings"] == []  # the general call did not move

    response = patch(api, sheet, crew_call="06:00")

    assert response.status_code == 200
    data = response.json()
    assert [(r["name"], r["call"]) for r in data["crew_calls"]] == [
        ("Early grip", "05:45"), ("Set by hand", "06:30"), ("Pre-call", "05:00"), ("Late", "06:00")]
    assert [(w["name"], w["relation"], w["minutes"]) for w in data["warnings"]] == [("Set by hand", "later", 30), ("Pre-call", "earlier", 60)]
    assert "Set by hand (Camera) is called by hand at 06:30, 30 min later than the general call 06:00." == data["warnings"][0]["message"]
    stored = CallSheet.objects.get(pk=data["id"])
    assert [r["call"] for r in stored.crew_calls] == ["05:45", "06:30", "05:00", "06:00"]


def test_offset_calls_follow_a_general_call_past_midnight_and_stay_within_the_day(api, board):
    rows = [{"department": "Grip", "name": "Rigger", "offset": 30}, {"department": "Grip", "name": "Pre-rig", "offset": -30}]
    sheet = create(api, board, crew_call="23:50", crew_calls=rows).json()
    assert [r["call"] for r in sheet["crew_calls"]] == ["24:20", "23:20"]

    response = patch(api, sheet, crew_call="00:10")

    assert response.status_code == 400 and response.json()["code"] == "crew_call_out_of_range"
    assert "Pre-rig" in response.json()["message"]
    too_far = patch(api, sheet, crew_calls=[{"department": "Grip", "name": "Rigger", "offset": 13 * 60}])
    assert too_far.status_code == 400 and too_far.json()["code"] == "invalid"
    assert CallSheet.objects.get(pk=sheet["id"]).crew_call == 23 * 60 + 50

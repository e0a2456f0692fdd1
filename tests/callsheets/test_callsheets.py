"""REST: call sheets — prefill, validation, versions, publish and revisions, distribution, notifications."""
from __future__ import annotations

import pytest

from apps.callsheets.models import CallSheet, CallSheetRecipient, CallSheetRevision
from apps.productions.models import Membership, Role
from tests.callsheets.conftest import make_day
from tests.factories import CastMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheet(api, board):
    response = api.post("/api/call-sheets/", {"shoot_day": board.days[0].pk}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def patch(api, sheet: dict, **body):
    return api.patch(f"/api/call-sheets/{sheet['id']}/", {**body, "version": sheet["version"]}, format="json")


def publish(api, sheet: dict):
    return api.post(f"/api/call-sheets/{sheet['id']}/publish/", {"version": sheet["version"]}, format="json")


def calls(board, **times) -> list[dict]:
    return [{"cast_member": board.ana.pk, "pickup": "06:00", "hair_makeup": "06:30", "on_set": "07:30", **times},
            {"cast_member": board.bob.pk, "on_set": "08:00"}]


def test_a_new_sheet_is_prefilled_from_its_day(api, board, production, user, crew, viewer, captured_events):
    with captured_events() as events:
        response = api.post("/api/call-sheets/", {"shoot_day": board.days[0].pk}, format="json")

    assert response.status_code == 201
    data = response.json()
    assert (data["status"], data["revision"], data["shoot_day_number"], data["date"], data["unit"], data["day_count"]) == (
        "draft", 0, 1, "2026-11-24", "Main Unit", 2)
    assert [s["number"] for s in data["scenes"]] == ["1", "2"]
    assert data["scenes"][0] == {"scene": board.scenes[0].pk, "number": "1", "int_ext": "INT", "location": "LIBRARY",
                                 "time_of_day": "DAY", "synopsis": "Ana finds the book.", "page_eighths": 11, "cast_ids": [1, 2]}
    assert data["locations"] == [{"name": "LIBRARY", "address": "1 Main St", "parking": "Lot B", "notes": ""}]
    assert [(c["cast_id"], c["name"], c["characters"], c["on_set"]) for c in data["cast_calls"]] == [
        (1, "Ana Ruiz", ["ANA"], None), (2, "Bob Stone", ["BOB"], None)]
    assert {(c["user"], c["department"]) for c in data["crew_calls"]} == {(user.pk, "Production"), (crew.pk, "Crew")}
    assert data["advance"]["number"] == 2 and [s["number"] for s in data["advance"]["scenes"]] == ["3"]
    assert data["distribution"] == {"recipients": 0, "seen": 0, "confirmed": 0}
    assert [e["type"] for e in events] == ["callsheet.created"] and events[0]["data"] == data


def test_a_day_without_scenes_has_no_sheet(api, production, user):
    empty = make_day(production, user, "2026-12-01")
    response = api.post("/api/call-sheets/", {"shoot_day": empty.pk}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "no_scenes"
    assert not CallSheet.objects.exists()


def test_a_second_sheet_for_the_same_day_is_400(api, sheet, board):
    response = api.post("/api/call-sheets/", {"shoot_day": board.days[0].pk}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "exists"


@pytest.mark.parametrize("body, code, named", [
    ({"crew_call": "07:00", "shooting_call": "06:45"}, "shooting_call_before_crew_call", "06:45"),
    ({"crew_call": "08:00", "cast_calls": "ana-early"}, "cast_call_before_crew_call", "1 Ana Ruiz"),
    ({"cast_calls": "ana-out-of-order"}, "cast_call_out_of_order", "1 Ana Ruiz"),
    ({"cast_calls": "foreign"}, "unknown_cast_member", "is not in this production"),
    ({"cast_calls": "twice"}, "duplicate_cast_call", "1 Ana Ruiz"),
    ({"crew_call": "48:00"}, "invalid", "crew_call"),
    ({"crew_call": "24:10 (+1)"}, "invalid", "crew_call"),
    ({"crew_call": "7am"}, "invalid", "crew_call"),
    ({"cast_calls": [{"cast_member": "x"}]}, "invalid", "cast_member"),
    ({"cast_calls": [{"cast_member": 1, "on_set": 730}]}, "invalid", "on_set"),
    ({"weather": {"high_c": "warm"}}, "invalid", "high_c"),
    ({"crew_calls": [{"department": "Camera", "name": "Stranger", "user": 999999}]}, "unknown_user", "Stranger"),
    ({"locations": "LIBRARY"}, "invalid", "locations"),
])
def test_bad_calls_are_400_with_a_code_naming_who(api, sheet, board, make_production, other_user, body, code, named, captured_events):
    special = {
        "ana-early": [{"cast_member": board.ana.pk, "pickup": "06:30", "hair_makeup": "07:00", "on_set": "07:30"}],
        "ana-out-of-order": [{"cast_member": board.ana.pk, "pickup": "07:00", "hair_makeup": "06:30", "on_set": "08:00"}],
        "foreign": [{"cast_member": CastMemberFactory(production=make_production(owner=other_user)).pk}],
        "twice": [{"cast_member": board.ana.pk}, {"cast_member": board.ana.pk}],
    }
    body = {k: special.get(v, v) if isinstance(v, str) else v for k, v in body.items()}

    with captured_events() as events:
        response = patch(api, sheet, **body)

    assert response.status_code == 400, response.json()
    assert response.json()["code"] == code
    assert named in response.json()["message"]
    assert CallSheet.objects.get(pk=sheet["id"]).version == sheet["version"]
    assert events == []


@pytest.mark.parametrize("body, field", [
    ({"cast_calls": [{"cast_member": 2**63}]}, "cast_member"),
    ({"cast_calls": [{"cast_member": str(2**64)}]}, "cast_member"),
    ({"crew_calls": [{"name": "Ana", "user": 2**63}]}, "user"),
])
def test_an_id_past_the_databases_integers_in_a_call_is_400_on_create_and_update(api, sheet, board, body, field, captured_events):
    with captured_events() as events:
        created = api.post("/api/call-sheets/", {"shoot_day": board.days[1].pk, **body}, format="json")
        updated = patch(api, sheet, **body)

    for response in (created, updated):
        assert response.status_code == 400, response.json()
        assert response.json()["code"] == "invalid"
        assert field in response.json()["message"] and "9223372036854775807" in response.json()["message"]
    assert list(CallSheet.objects.values_list("shoot_day", flat=True)) == [board.days[0].pk]
    assert CallSheet.objects.get(pk=sheet["id"]).version == sheet["version"]
    assert events == []


def test_valid_calls_are_saved_and_times_normalised(api, sheet, board):
    response = patch(api, sheet, crew_call="7:00", shooting_call="08:00", first_meal="13:00", cast_calls=calls(board),
                     weather={"summary": "Sunny", "high_c": 18, "low_c": 9, "sunrise": "07:45", "sunset": "17:30"},
                     hospital={"name": "St Mary", "address": "2 High St", "phone": "555-0100"})
    assert response.status_code == 200, response.json()
    data = response.json()
    assert (data["crew_call"], data["shooting_call"], data["first_meal"]) == ("07:00", "08:00", "13:00")
    assert data["cast_calls"][0] == {"cast_member": board.ana.pk, "pickup": "06:00", "hair_makeup": "06:30", "on_set": "07:30",
                                     "notes": "", "cast_id": 1, "name": "Ana Ruiz", "characters": ["ANA"]}
    assert data["weather"] == {"summary": "Sunny", "high_c": 18, "low_c": 9, "sunrise": "07:45", "sunset": "17:30"}
    assert data["status"] == "draft" and data["version"] == sheet["version"] + 1


def test_a_stale_version_is_409(api, sheet):
    assert patch(api, sheet, crew_call="07:00").status_code == 200
    response = patch(api, sheet, crew_call="06:00")
    assert response.status_code == 409
    assert response.json()["extra"]["current"]["crew_call"] == "07:00"
    assert publish(api, sheet).status_code == 409


def test_publishing_needs_a_crew_call(api, sheet):
    response = publish(api, sheet)
    assert response.status_code == 400 and response.json()["code"] == "crew_call_required"


def test_publish_makes_revision_1_with_a_snapshot_and_every_crew_member_as_recipient(api, sheet, board, user, crew, viewer, captured_events):
    sheet = patch(api, sheet, crew_call="07:00", cast_calls=calls(board)).json()

    with captured_events() as events:
        response = publish(api, sheet)

    assert response.status_code == 200
    data = response.json()
    assert (data["status"], data["revision"], data["published_by"]) == ("published", 1, user.pk)
    assert data["distribution"] == {"recipients": 2, "seen": 1, "confirmed": 0}  # not the viewer: not crew, not called
    revision = CallSheetRevision.objects.get(call_sheet_id=sheet["id"])
    assert (revision.revision, revision.changes, revision.snapshot["crew_call"]) == (1, [], "07:00")
    assert [s["number"] for s in revision.snapshot["scenes"]] == ["1", "2"]
    rows = {r.user_id: r for r in CallSheetRecipient.objects.filter(call_sheet_id=sheet["id"])}
    assert set(rows) == {user.pk, crew.pk}
    assert rows[crew.pk].revision == 1 and rows[crew.pk].notified_at is not None
    types = [e["type"] for e in events]
    assert types[0] == "callsheet.published" and types.count("callsheet_recipient.updated") == 2
    assert events[0]["entity"] == "callsheet" and events[0]["data"]["revision"] == 1
    recipients = api.get(f"/api/call-sheets/{sheet['id']}/recipients/").json()
    assert {r["user"]: r["role"] for r in recipients} == {user.pk: "owner", crew.pk: "crew"}
    assert set(recipients[0]) == {"id", "call_sheet", "user", "name", "role", "revision", "notified_at", "seen_at", "confirmed_at",
                                  "confirmed_revision"}


def test_an_edit_after_publishing_marks_the_sheet_changed_and_republishing_lists_the_changes(api, sheet, board):
    sheet = patch(api, sheet, crew_call="07:00", cast_calls=calls(board)).json()
    sheet = publish(api, sheet).json()

    sheet = patch(api, sheet, crew_call="06:30", cast_calls=calls(board, on_set="07:15")).json()
    assert sheet["status"] == "changed"
    sheet = publish(api, sheet).json()

    assert (sheet["status"], sheet["revision"]) == ("published", 2)
    revisions = api.get(f"/api/call-sheets/{sheet['id']}/revisions/").json()
    assert [r["revision"] for r in revisions] == [2, 1]
    assert {"field": "crew_call", "label": "Crew call", "before": "07:00", "after": "06:30"} in revisions[0]["changes"]
    assert {"field": f"cast_calls.{board.ana.pk}.on_set", "label": "1 Ana Ruiz on set", "before": "07:30", "after": "07:15"} in revisions[0]["changes"]
    assert revisions[0]["published_by_name"]


def test_moving_a_scene_off_a_published_day_changes_the_sheet_and_the_next_revision_says_so(api, sheet, board):
    sheet = publish(api, patch(api, sheet, crew_call="07:00").json()).json()
    s2 = board.strips[1]
    assert api.post(f"/api/strips/{s2.pk}/move/", {"shoot_day": board.days[1].pk, "position": 0, "version": s2.version},
                    format="json").status_code == 200
    sheet = api.get(f"/api/call-sheets/{sheet['id']}/").json()
    assert sheet["status"] == "changed" and [s["number"] for s in sheet["scenes"]] == ["1"]

    publish(api, sheet)

    changes = api.get(f"/api/call-sheets/{sheet['id']}/revisions/").json()[0]["changes"]
    assert {"field": "scenes.2", "label": "Scene 2", "before": "INT LIBRARY - DAY", "after": None} in changes


def test_confirmations_reset_with_each_revision(api, api_for, sheet, board, crew, captured_events):
    sheet = publish(api, patch(api, sheet, crew_call="07:00").json()).json()
    crew_api = api_for(crew)

    with captured_events() as events:
        seen = crew_api.post(f"/api/call-sheets/{sheet['id']}/seen/")
        confirmed = crew_api.post(f"/api/call-sheets/{sheet['id']}/confirm/")

    assert seen.status_code == 200 and seen.json()["seen_at"] and seen.json()["confirmed_at"] is None
    assert confirmed.status_code == 200 and (confirmed.json()["confirmed_revision"], confirmed.json()["user"]) == (1, crew.pk)
    assert [e["type"] for e in events if e["type"].startswith("callsheet_recipient")] == ["callsheet_recipient.updated"] * 2
    assert events[-1]["data"]["distribution"]["confirmed"] == 1

    sheet = api.get(f"/api/call-sheets/{sheet['id']}/").json()
    sheet = publish(api, patch(api, sheet, crew_call="06:30").json()).json()

    row = CallSheetRecipient.objects.get(call_sheet_id=sheet["id"], user=crew)
    assert (row.revision, row.seen_at, row.confirmed_at, row.confirmed_revision) == (2, None, None, 1)
    assert sheet["distribution"]["confirmed"] == 0


def test_a_viewer_is_on_the_distribution_only_when_added_by_hand(api, sheet, user, viewer):
    rows = [*sheet["crew_calls"], {"department": "Production", "name": viewer.display_name, "user": viewer.pk, "offset": 0}]
    sheet = publish(api, patch(api, sheet, crew_call="07:00", crew_calls=rows).json()).json()

    recipients = {r["user"]: r["role"] for r in api.get(f"/api/call-sheets/{sheet['id']}/recipients/").json()}
    assert recipients == {user.pk: "owner", viewer.pk: "viewer"}


def test_seen_and_confirm_need_a_published_sheet_and_a_recipient(api, api_for, sheet, make_user, production, viewer, crew):
    response = api_for(viewer).post(f"/api/call-sheets/{sheet['id']}/confirm/")
    assert response.status_code == 400 and response.json()["code"] == "not_published"
    sheet = publish(api, patch(api, sheet, crew_call="07:00").json()).json()
    newcomer = make_user()
    Membership.objects.create(production=production, user=newcomer, role=Role.CREW)
    response = api_for(newcomer).post(f"/api/call-sheets/{sheet['id']}/seen/")
    assert response.status_code == 400 and response.json()["code"] == "not_a_recipient"
    assert api_for(viewer).post(f"/api/call-sheets/{sheet['id']}/confirm/").json()["code"] == "not_a_recipient"  # a viewer not called
    assert api_for(crew).post(f"/api/call-sheets/{sheet['id']}/confirm/").status_code == 200


def test_viewers_and_crew_read_but_cannot_edit_or_publish(api_for, sheet, viewer, crew, captured_events):
    for member in (viewer, crew):
        client = api_for(member)
        with captured_events() as events:
            assert client.get(f"/api/call-sheets/{sheet['id']}/").status_code == 200
            assert client.patch(f"/api/call-sheets/{sheet['id']}/", {"crew_call": "07:00", "version": sheet["version"]},
                                format="json").status_code == 403
            assert client.post(f"/api/call-sheets/{sheet['id']}/publish/", {"version": sheet["version"]}, format="json").status_code == 403
        assert events == []


def test_another_productions_sheet_is_404(api, other_production, other_user):
    from tests.callsheets.conftest import put
    from tests.factories import SceneFactory

    day = make_day(other_production, other_user, "2026-12-01")
    put(day, other_user, SceneFactory(production=other_production))
    from apps.callsheets.services import call_sheet_create

    foreign = call_sheet_create(actor=other_user, shoot_day=day)
    for method, url in [("get", f"/api/call-sheets/{foreign.pk}/"), ("get", f"/api/call-sheets/{foreign.pk}/pdf/"),
                        ("post", f"/api/call-sheets/{foreign.pk}/confirm/"), ("get", f"/api/call-sheets/{foreign.pk}/recipients/")]:
        assert getattr(api, method)(url).status_code == 404, url
    assert api.post("/api/call-sheets/", {"shoot_day": day.pk}, format="json").status_code == 400


def test_the_list_does_not_query_per_sheet(api, production, user, django_assert_max_num_queries):
    from apps.callsheets.services import call_sheet_create
    from tests.callsheets.conftest import put
    from tests.factories import SceneFactory

    for d in range(1, 9):
        day = make_day(production, user, f"2026-11-{d:02d}")
        put(day, user, SceneFactory(production=production))
        call_sheet_create(actor=user, shoot_day=day)
    with django_assert_max_num_queries(14):
        response = api.get("/api/call-sheets/", {"production": production.pk})
    assert response.json()["count"] == 8


def test_publishing_notifies_every_recipient_but_the_publisher(api, sheet, board, user, crew, viewer, production):
    from apps.notifications.models import Notification

    sheet = publish(api, patch(api, sheet, crew_call="07:00").json()).json()

    rows = Notification.objects.filter(entity="callsheet", entity_id=str(sheet["id"]))
    assert {n.recipient_id for n in rows} == {crew.pk}
    first = rows.first()
    assert first.kind == "callsheet_published"
    assert first.title == "Call sheet: Day 1 \u2014 Tue 24 Nov, crew call 07:00"
    assert first.url == f"/productions/{production.pk}/call-sheets/{sheet['id']}"

    publish(api, patch(api, sheet, crew_call="06:30").json())

    revised = Notification.objects.filter(kind="callsheet_revised", recipient=crew).get()
    assert "Crew call 07:00 \u2192 06:30" in revised.body.splitlines()
    assert revised.title.startswith("Call sheet revised (rev 2): Day 1")

"""REST: shoot days and the stripboard — numbering, positions, moves, banners, events, scoping and roles."""
from __future__ import annotations

import pytest

from apps.callsheets.models import ShootDay, Strip
from apps.productions.models import Membership, Role
from tests.callsheets.conftest import make_day, put
from tests.factories import SceneFactory

pytestmark = pytest.mark.django_db


def positions(day) -> list[tuple[int, int]]:
    return list(Strip.objects.filter(shoot_day=day).order_by("position").values_list("id", "position"))


def test_days_are_numbered_in_date_order_and_later_days_renumber(api, production, captured_events):
    later = api.post("/api/shoot-days/", {"production": production.pk, "date": "2026-11-25"}, format="json").json()

    with captured_events() as events:
        response = api.post("/api/shoot-days/", {"production": production.pk, "date": "2026-11-24", "unit": "Splinter"}, format="json")

    assert response.status_code == 201
    assert (response.json()["number"], response.json()["unit"], response.json()["page_eighths"]) == (1, "Splinter", 0)
    assert [(e["type"], e["entity_id"], e["data"]["number"]) for e in events] == [
        ("shoot_day.created", str(response.json()["id"]), 1), ("shoot_day.updated", str(later["id"]), 2)]
    assert later["number"] == 1
    assert ShootDay.objects.get(pk=later["id"]).number == 2


def test_redating_a_day_renumbers_the_days(api, production, user, captured_events):
    d1, d2 = make_day(production, user, "2026-11-24"), make_day(production, user, "2026-11-25")

    with captured_events() as events:
        response = api.patch(f"/api/shoot-days/{d1.pk}/", {"date": "2026-11-30", "version": d1.version}, format="json")

    assert response.status_code == 200
    assert response.json()["number"] == 2
    assert {(e["entity_id"], e["data"]["number"]) for e in events if e["type"] == "shoot_day.updated"} == {(str(d1.pk), 2), (str(d2.pk), 1)}


def test_deleting_a_day_unschedules_its_strips_and_renumbers(api, board, captured_events):
    d1, d2 = board.days

    with captured_events() as events:
        response = api.delete(f"/api/shoot-days/{d1.pk}/")

    assert response.status_code == 204
    assert not Strip.objects.filter(scene__in=board.scenes[:2]).exists()
    assert ShootDay.objects.get(pk=d2.pk).number == 1
    types = [e["type"] for e in events]
    assert types.count("strip.deleted") == 2 and "shoot_day.deleted" in types
    assert ("shoot_day.updated", str(d2.pk)) in [(e["type"], e["entity_id"]) for e in events]


def test_garbage_input_is_400_not_500(api, board, production):
    day = board.days[0]
    assert api.post("/api/shoot-days/", {"production": production.pk, "date": "tomorrow"}, format="json").status_code == 400
    assert api.post("/api/shoot-days/", {"production": "x", "date": "2026-11-24"}, format="json").status_code == 400
    assert api.post("/api/strips/", {"shoot_day": day.pk, "kind": "scene", "scene": 999999}, format="json").status_code == 400
    assert api.post("/api/strips/", {"shoot_day": day.pk, "kind": "nope", "text": "x"}, format="json").status_code == 400
    strip = board.strips[0]
    for body in ({"shoot_day": day.pk, "position": -1, "version": 1}, {"shoot_day": "a", "position": 0, "version": 1},
                 {"shoot_day": day.pk, "position": "top", "version": 1}, {"shoot_day": day.pk, "position": 0}, [1, 2]):
        response = api.post(f"/api/strips/{strip.pk}/move/", body, format="json")
        assert response.status_code == 400, body
        assert response.json()["code"] == "invalid"


def test_strips_show_their_scene_and_cast_ids(api, board, production):
    response = api.get("/api/strips/", {"production": production.pk})

    rows = response.json()["results"]
    assert [(r["scene_number"], r["position"], r["cast_ids"], r["page_eighths"]) for r in rows] == [
        ("1", 0, [1, 2], 11), ("2", 1, [1], 4), ("3", 0, [2], 8)]
    assert rows[2]["int_ext"] == "EXT" and rows[2]["time_of_day"] == "NIGHT" and rows[2]["location"] == "PIER"
    days = api.get("/api/shoot-days/", {"production": production.pk}).json()["results"]
    assert [(d["number"], d["page_eighths"], d["scene_count"]) for d in days] == [(1, 15, 2), (2, 8, 1)]


def test_a_strip_added_at_a_position_pushes_the_later_ones_down(api, board, production, captured_events):
    d1 = board.days[0]
    scene = SceneFactory(production=production, number="4", page_eighths=2)

    with captured_events() as events:
        response = api.post("/api/strips/", {"shoot_day": d1.pk, "kind": "scene", "scene": scene.pk, "position": 1}, format="json")

    assert response.status_code == 201
    assert positions(d1) == [(board.strips[0].pk, 0), (response.json()["id"], 1), (board.strips[1].pk, 2)]
    assert [(e["type"], e["entity_id"]) for e in events][:2] == [("strip.created", str(response.json()["id"])),
                                                                  ("strip.updated", str(board.strips[1].pk))]
    day_event = [e for e in events if e["type"] == "shoot_day.updated"][0]
    assert day_event["data"]["page_eighths"] == 17


def test_a_scene_is_scheduled_only_once(api, board, captured_events):
    with captured_events() as events:
        response = api.post("/api/strips/", {"shoot_day": board.days[1].pk, "kind": "scene", "scene": board.scenes[0].pk}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "already_scheduled"
    assert "Scene 1 is already on day 1" in response.json()["message"]
    assert events == []


def test_banners_carry_text_and_no_scene(api, board):
    d1 = board.days[0]
    missing = api.post("/api/strips/", {"shoot_day": d1.pk, "kind": "banner", "text": "  "}, format="json")
    response = api.post("/api/strips/", {"shoot_day": d1.pk, "kind": "banner", "text": "COMPANY MOVE", "position": 1}, format="json")

    assert missing.status_code == 400
    assert response.status_code == 201
    data = response.json()
    assert (data["kind"], data["text"], data["scene"], data["scene_number"], data["cast_ids"], data["position"]) == (
        "banner", "COMPANY MOVE", None, None, None, 1)
    renamed = api.patch(f"/api/strips/{data['id']}/", {"text": "LUNCH", "version": data["version"]}, format="json")
    assert renamed.status_code == 200 and renamed.json()["text"] == "LUNCH"
    assert api.get(f"/api/shoot-days/{d1.pk}/").json()["page_eighths"] == 15


def test_moving_a_strip_across_days_renumbers_both_days_and_publishes_every_change(api, board, captured_events):
    d1, d2 = board.days
    s1, s2, s3 = board.strips

    with captured_events() as events:
        response = api.post(f"/api/strips/{s1.pk}/move/", {"shoot_day": d2.pk, "position": 0, "version": s1.version}, format="json")

    assert response.status_code == 200
    assert (response.json()["shoot_day"], response.json()["position"], response.json()["version"]) == (d2.pk, 0, s1.version + 1)
    assert positions(d1) == [(s2.pk, 0)]
    assert positions(d2) == [(s1.pk, 0), (s3.pk, 1)]
    strip_events = {e["entity_id"]: e["data"] for e in events if e["type"] == "strip.updated"}
    assert set(strip_events) == {str(s1.pk), str(s2.pk), str(s3.pk)}
    assert strip_events[str(s2.pk)]["position"] == 0 and strip_events[str(s3.pk)]["position"] == 1
    totals = {e["entity_id"]: e["data"]["page_eighths"] for e in events if e["type"] == "shoot_day.updated"}
    assert totals == {str(d1.pk): 4, str(d2.pk): 19}


def test_a_move_without_a_position_goes_to_the_end_of_the_day(api, board):
    """Was: the stripboard's "Move to the end of Day N" sent Number.MAX_SAFE_INTEGER, refused as past 100000."""
    d1, d2 = board.days
    s1, s2, s3 = board.strips

    response = api.post(f"/api/strips/{s1.pk}/move/", {"shoot_day": d2.pk, "version": s1.version}, format="json")

    assert response.status_code == 200
    assert (response.json()["shoot_day"], response.json()["position"]) == (d2.pk, 1)
    assert positions(d2) == [(s3.pk, 0), (s1.pk, 1)]
    assert positions(d1) == [(s2.pk, 0)]
    within = api.post(f"/api/strips/{s3.pk}/move/", {"shoot_day": d2.pk, "version": s3.version}, format="json")
    assert within.status_code == 200 and positions(d2) == [(s1.pk, 0), (s3.pk, 1)]


def test_a_position_out_of_range_is_400_saying_how_to_reach_the_end(api, board):
    d2 = board.days[1]
    s1 = board.strips[0]
    for position in (2**53 - 1, 100001):
        response = api.post(f"/api/strips/{s1.pk}/move/", {"shoot_day": d2.pk, "position": position, "version": s1.version}, format="json")
        assert response.status_code == 400, position
        assert "leave `position` out" in str(response.json()), response.json()
    created = api.post("/api/strips/", {"shoot_day": d2.pk, "kind": "banner", "text": "LUNCH", "position": 2**53 - 1}, format="json")
    assert created.status_code == 400 and "leave `position` out" in str(created.json())
    assert Strip.objects.get(pk=s1.pk).shoot_day_id == board.days[0].pk


def test_moving_within_a_day_and_to_the_same_place(api, board, captured_events):
    d1 = board.days[0]
    s1, s2, _ = board.strips
    response = api.post(f"/api/strips/{s2.pk}/move/", {"shoot_day": d1.pk, "position": 0, "version": s2.version}, format="json")
    assert response.status_code == 200
    assert positions(d1) == [(s2.pk, 0), (s1.pk, 1)]

    with captured_events() as events:
        again = api.post(f"/api/strips/{s2.pk}/move/", {"shoot_day": d1.pk, "position": 0, "version": response.json()["version"]},
                         format="json")
    assert again.status_code == 200 and events == []


def test_a_move_based_on_a_stale_version_is_409_and_moves_nothing(api, board, captured_events):
    s1 = board.strips[0]
    with captured_events() as events:
        response = api.post(f"/api/strips/{s1.pk}/move/", {"shoot_day": board.days[1].pk, "position": 0, "version": s1.version + 5},
                            format="json")

    assert response.status_code == 409
    assert response.json()["extra"]["current"]["id"] == s1.pk
    assert Strip.objects.get(pk=s1.pk).shoot_day_id == board.days[0].pk
    assert events == []


def test_deleting_a_strip_closes_the_gap(api, board, production):
    d1 = board.days[0]
    scene = SceneFactory(production=production, number="9")
    extra = put(d1, None, scene)
    response = api.delete(f"/api/strips/{board.strips[1].pk}/")
    assert response.status_code == 204
    assert positions(d1) == [(board.strips[0].pk, 0), (extra.pk, 1)]


def test_another_productions_schedule_is_404(api, other_production, other_user):
    day = make_day(other_production, other_user, "2026-12-01")
    strip = put(day, other_user, SceneFactory(production=other_production))

    assert api.get(f"/api/shoot-days/{day.pk}/").status_code == 404
    assert api.patch(f"/api/shoot-days/{day.pk}/", {"notes": "x", "version": 1}, format="json").status_code == 404
    assert api.delete(f"/api/strips/{strip.pk}/").status_code == 404
    assert api.post(f"/api/strips/{strip.pk}/move/", {"shoot_day": day.pk, "position": 0, "version": 1}, format="json").status_code == 404
    assert api.get(f"/api/productions/{other_production.pk}/dood/").status_code == 404
    assert api.get("/api/strips/").json()["count"] == 0


def test_moving_onto_another_productions_day_is_400(api, board, make_production, user):
    mine_too = make_production(owner=user)
    foreign_day = make_day(mine_too, user, "2026-12-01")
    s1 = board.strips[0]
    response = api.post(f"/api/strips/{s1.pk}/move/", {"shoot_day": foreign_day.pk, "position": 0, "version": s1.version}, format="json")
    assert response.status_code == 400


@pytest.mark.parametrize("role", [Role.VIEWER, Role.CREW, Role.CAMERA])
def test_only_scheduling_roles_change_the_schedule(api_for, make_user, board, production, role, captured_events):
    member = make_user()
    Membership.objects.create(production=production, user=member, role=role)
    client = api_for(member)
    s1 = board.strips[0]

    with captured_events() as events:
        assert client.get("/api/strips/").json()["count"] == 3
        assert client.post("/api/shoot-days/", {"production": production.pk, "date": "2026-12-01"}, format="json").status_code == 403
        assert client.post(f"/api/strips/{s1.pk}/move/", {"shoot_day": board.days[1].pk, "position": 0, "version": 1},
                           format="json").status_code == 403
        assert client.delete(f"/api/strips/{s1.pk}/").status_code == 403
    assert events == []


def test_an_assistant_director_schedules(api_for, make_user, board, production):
    ad = make_user()
    Membership.objects.create(production=production, user=ad, role=Role.ASSISTANT_DIRECTOR)
    s1 = board.strips[0]
    response = api_for(ad).post(f"/api/strips/{s1.pk}/move/", {"shoot_day": board.days[1].pk, "position": 5, "version": s1.version},
                                format="json")
    assert response.status_code == 200 and response.json()["position"] == 1


def test_list_queries_do_not_grow_with_rows(api, production, user, django_assert_max_num_queries):
    days = [make_day(production, user, f"2026-11-{d:02d}") for d in range(1, 11)]
    for i in range(30):
        put(days[i % 10], user, SceneFactory(production=production))
    with django_assert_max_num_queries(10):
        assert api.get("/api/strips/", {"page_size": 100}).json()["count"] == 30
    with django_assert_max_num_queries(8):
        assert api.get("/api/shoot-days/").json()["count"] == 10


def test_deleting_a_scheduled_scene_updates_its_day_and_marks_its_published_sheet_changed(api, board, captured_events):
    """Was: the strip vanished by a bulk cascade with no `strip.deleted`, and the day's page total, the strip positions
    and the sheet's status stayed stale on every other screen."""
    from apps.callsheets.models import CallSheet, Strip

    sheet = api.post("/api/call-sheets/", {"shoot_day": board.days[0].pk, "crew_call": "07:00"}, format="json").json()
    api.post(f"/api/call-sheets/{sheet['id']}/publish/", {"version": sheet["version"]}, format="json")
    scene = board.scenes[0]

    with captured_events() as events:
        assert api.delete(f"/api/scenes/{scene.pk}/").status_code == 204

    assert Strip.objects.get(pk=board.strips[1].pk).position == 0
    days = [e["data"] for e in events if e["type"] == "shoot_day.updated"]
    assert [(d["id"], d["page_eighths"], d["scene_count"]) for d in days] == [(board.days[0].pk, 4, 1)]
    assert ("strip.deleted", str(board.strips[0].pk)) in [(e["type"], e["entity_id"]) for e in events]
    assert ("strip.updated", str(board.strips[1].pk)) in [(e["type"], e["entity_id"]) for e in events]
    assert CallSheet.objects.get(pk=sheet["id"]).status == "changed"
    [updated] = [e["data"] for e in events if e["type"] == "callsheet.updated"]
    assert updated["status"] == "changed" and [s["number"] for s in updated["scenes"]] == ["2"]

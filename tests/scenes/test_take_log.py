"""The take log: what a script supervisor writes down for each take (cameras with their rolls and lenses, the sound
roll, timecode in and out at the production's rate, sync / MOS / wild track), the duration it makes, and the
one-tap new take (numbered next, rolls and lenses carried over; two devices at once never make two takes of one).
"""
from __future__ import annotations

import http.client
import json
import threading
from urllib.parse import urlparse

import pytest

from apps.productions.models import Membership, Role
from apps.scenes.models import Take
from tests.factories import SceneFactory, ShotFactory, TakeFactory

pytestmark = pytest.mark.django_db

A = {"camera": "A", "roll": "A012", "lens": "35mm"}


def _shot(production, **fields):
    return ShotFactory(scene=SceneFactory(production=production), **fields)


def _rate(production, rate: str) -> None:
    production.timecode_rate = rate
    production.save(update_fields=["timecode_rate"])


# --- fields -----------------------------------------------------------------------------------

def test_a_logged_take_has_its_rolls_lens_timecodes_and_duration_and_its_event_says_so(api, production, captured_events):
    _rate(production, "23.976")
    shot = _shot(production)
    body = {"shot": shot.pk, "cameras": [A, {"camera": "B", "roll": "B007", "lens": "85mm"}], "sound_roll": "S004",
            "timecode_in": "14:02:10:00", "timecode_out": "14:02:52:12", "notes": "Boom dip at the end"}

    with captured_events() as events:
        response = api.post("/api/takes/", body, format="json")

    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["cameras"] == body["cameras"]
    assert (data["sound_roll"], data["sound"], data["timecode_rate"]) == ("S004", "sync", "23.976")
    # 42 s and 12 frames at a 24-frame count = 1020 frames; at 24000/1001 fps that is 1020 * 1001 / 24000 s
    assert data["duration_frames"] == 42 * 24 + 12
    assert data["duration_s"] == round(1020 * 1001 / 24000, 3)
    assert data["recorded_at"]
    assert [e["type"] for e in events] == ["take.created"]
    assert events[0]["data"] == data == api.get(f"/api/takes/{data['id']}/").json()


def test_a_take_keeps_the_rate_it_was_logged_at_when_the_production_changes_its_rate(api, production):
    shot = _shot(production)
    take = api.post("/api/takes/", {"shot": shot.pk, "timecode_in": "01:00:00:00", "timecode_out": "01:00:01:00"}, format="json").json()
    _rate(production, "25")

    again = api.get(f"/api/takes/{take['id']}/").json()

    assert (again["timecode_rate"], again["duration_frames"], again["duration_s"]) == ("24", 24, 1.0)


@pytest.mark.parametrize(("rate", "label"), [
    ("23.976", "01:00:00:24"), ("24", "01:00:00:24"), ("25", "01:00:00:25"), ("29.97", "01:00:00:30"), ("30", "01:00:00:30"),
    ("47.952", "01:00:00:48"), ("48", "01:00:00:48"), ("50", "01:00:00:50"), ("59.94", "01:00:00:60"), ("60", "01:00:00:60"),
])
def test_a_frame_count_at_or_past_the_rate_is_refused(api, production, rate, label):
    shot = _shot(production)
    last_frame = label[:-2] + f"{int(label[-2:]) - 1:02d}"

    refused = api.post("/api/takes/", {"shot": shot.pk, "timecode_rate": rate, "timecode_in": label}, format="json")
    accepted = api.post("/api/takes/", {"shot": shot.pk, "timecode_rate": rate, "timecode_in": last_frame}, format="json")

    assert refused.status_code == 400
    assert list(refused.json()["extra"]["fields"]) == ["timecode_in"]
    assert f"frames must be 00-{last_frame[-2:]}" in refused.json()["extra"]["fields"]["timecode_in"][0]
    assert accepted.status_code == 201, accepted.json()
    assert list(shot.takes.values_list("timecode_in", flat=True)) == [last_frame]


@pytest.mark.parametrize("rate", ["23.976", "24", "25", "30", "48", "50", "60"])
def test_drop_frame_is_refused_at_rates_without_it(api, production, rate):
    shot = _shot(production)

    response = api.post("/api/takes/", {"shot": shot.pk, "timecode_rate": rate, "timecode_out": "01:00:00;10"}, format="json")

    assert response.status_code == 400
    assert "exists only at 29.97 and 59.94" in response.json()["extra"]["fields"]["timecode_out"][0]
    assert not shot.takes.exists()


@pytest.mark.parametrize(("rate", "skipped", "kept"), [
    ("29.97", "00:01:00;01", "00:01:00;02"),   # frames 00 and 01 are skipped at minute 1
    ("59.94", "00:01:00;03", "00:01:00;04"),   # 00 to 03 at 59.94
])
def test_drop_frame_labels_that_the_count_skips_are_refused(api, production, rate, skipped, kept):
    shot = _shot(production)

    refused = api.post("/api/takes/", {"shot": shot.pk, "timecode_rate": rate, "timecode_in": skipped}, format="json")
    tenth_minute = api.post("/api/takes/", {"shot": shot.pk, "timecode_rate": rate, "timecode_in": "00:10:00;00"}, format="json")
    accepted = api.post("/api/takes/", {"shot": shot.pk, "timecode_rate": rate, "timecode_in": kept}, format="json")

    assert refused.status_code == 400
    assert "does not exist in drop-frame timecode" in refused.json()["extra"]["fields"]["timecode_in"][0]
    assert (tenth_minute.status_code, accepted.status_code) == (201, 201)


def test_a_drop_frame_duration_keeps_up_with_the_clock(api, production):
    _rate(production, "29.97")
    shot = _shot(production)

    # ten minutes of drop-frame: 10 * 60 * 30 labels less 9 minutes * 2 skipped = 17982 frames (SMPTE ST 12-1)
    ten = api.post("/api/takes/", {"shot": shot.pk, "timecode_in": "00:00:00;00", "timecode_out": "00:10:00;00"}, format="json").json()
    # across a minute boundary 00:00:59;29 -> 00:01:00;02 is one frame apart
    edge = api.post("/api/takes/", {"shot": shot.pk, "timecode_in": "00:00:59;29", "timecode_out": "00:01:00;02"}, format="json").json()

    assert ten["duration_frames"] == 17982
    assert ten["duration_s"] == round(17982 * 1001 / 30000, 3) == 599.999
    assert edge["duration_frames"] == 1


def test_timecodes_that_mix_drop_and_non_drop_or_run_backwards_are_refused(api, production, captured_events):
    _rate(production, "29.97")
    shot = _shot(production)

    with captured_events() as events:
        mixed = api.post("/api/takes/", {"shot": shot.pk, "timecode_in": "01:00:00;00", "timecode_out": "01:00:10:00"}, format="json")
        backwards = api.post("/api/takes/", {"shot": shot.pk, "timecode_in": "01:00:10:00", "timecode_out": "01:00:00:00"}, format="json")
        same = api.post("/api/takes/", {"shot": shot.pk, "timecode_in": "01:00:10:00", "timecode_out": "01:00:10:00"}, format="json")

    assert [r.status_code for r in (mixed, backwards, same)] == [400, 400, 400]
    assert "count differently" in mixed.json()["extra"]["fields"]["timecode_out"][0]
    assert "is not after" in backwards.json()["extra"]["fields"]["timecode_out"][0]
    assert not shot.takes.exists()
    assert events == []


def test_a_take_rolling_through_midnight_lasts_from_in_to_out(api, production):
    _rate(production, "25")
    shot = _shot(production)

    response = api.post("/api/takes/", {"shot": shot.pk, "timecode_in": "23:59:50:00", "timecode_out": "00:00:10:00"}, format="json")

    assert (response.status_code, response.json()["duration_frames"], response.json()["duration_s"]) == (201, 500, 20.0)


def test_changing_a_timecode_changes_the_duration_and_a_stale_version_changes_nothing(api, production, captured_events):
    shot = _shot(production)
    take = api.post("/api/takes/", {"shot": shot.pk, "timecode_in": "01:00:00:00", "timecode_out": "01:00:02:00"}, format="json").json()

    with captured_events() as events:
        moved = api.patch(f"/api/takes/{take['id']}/", {"timecode_out": "01:00:05:12", "version": 1}, format="json")
        stale = api.patch(f"/api/takes/{take['id']}/", {"timecode_out": "01:00:09:00", "version": 1}, format="json")

    assert (moved.status_code, moved.json()["duration_frames"], moved.json()["version"]) == (200, 5 * 24 + 12, 2)
    assert (stale.status_code, stale.json()["code"], stale.json()["extra"]["current"]["timecode_out"]) == (409, "conflict", "01:00:05:12")
    assert [(e["type"], e["data"]["duration_frames"]) for e in events] == [("take.updated", 132)]
    assert Take.objects.get(pk=take["id"]).duration_frames == 132


def test_clearing_a_timecode_clears_the_duration(api, production):
    shot = _shot(production)
    take = api.post("/api/takes/", {"shot": shot.pk, "timecode_in": "01:00:00:00", "timecode_out": "01:00:02:00"}, format="json").json()

    response = api.patch(f"/api/takes/{take['id']}/", {"timecode_out": "", "version": 1}, format="json")

    assert (response.json()["duration_frames"], response.json()["duration_s"]) == (None, None)


@pytest.mark.parametrize(("body", "field", "text"), [
    ({"sound": "wild_track", "cameras": [A]}, "cameras", "A wild track is sound only"),
    ({"sound": "mos", "sound_roll": "S004"}, "sound_roll", "An MOS take records no sound"),
    ({"cameras": [A, {"camera": "A", "roll": "A013"}]}, "cameras", "Each camera is listed once."),
    ({"cameras": [{"camera": "a"}]}, "cameras", "one capital letter"),
    ({"cameras": [{"camera": "A", "roll": "A 12"}]}, "cameras", "A roll is letters and digits"),
    ({"cameras": [{"camera": "A", "lens": "x" * 33}]}, "cameras", "no more than 32"),
    ({"sound_roll": "S/04"}, "sound_roll", "A roll is letters and digits"),
    ({"timecode_rate": "23.98"}, "timecode_rate", "not a valid choice"),
    ({"sound": "silent"}, "sound", "not a valid choice"),
])
def test_what_a_take_log_cannot_say_is_refused_by_field(api, production, body, field, text):
    shot = _shot(production)

    response = api.post("/api/takes/", {"shot": shot.pk, **body}, format="json")

    assert response.status_code == 400
    fields = response.json()["extra"]["fields"]
    assert list(fields) == [field]
    assert text in json.dumps(fields[field]), fields
    assert not shot.takes.exists()


def test_a_patch_naming_a_camera_without_its_letter_is_refused_by_field(api, production):
    # A PATCH is partial down to each camera (DRF): schemathesis found it answered 500 (a KeyError) here.
    shot = _shot(production)
    take = api.post("/api/takes/", {"shot": shot.pk, "cameras": [A]}, format="json").json()

    response = api.patch(f"/api/takes/{take['id']}/", {"cameras": [{"camera": "B"}, {"roll": "B001"}], "version": take["version"]}, format="json")

    assert response.status_code == 400
    assert "Each camera needs its letter" in json.dumps(response.json()["extra"]["fields"]["cameras"])
    assert Take.objects.get(pk=take["id"]).cameras == [{"camera": "A", "roll": A.get("roll", ""), "lens": A.get("lens", "")}]


def test_an_explicit_number_the_shot_has_is_a_conflict_naming_that_take(api, production, captured_events):
    shot = _shot(production)
    first = TakeFactory(shot=shot, number=3)

    with captured_events() as events:
        response = api.post("/api/takes/", {"shot": shot.pk, "number": 3}, format="json")

    assert response.status_code == 409
    assert (response.json()["code"], response.json()["extra"]["current"]["id"]) == ("take_number_taken", first.pk)
    assert shot.takes.count() == 1 and events == []


# --- one-tap new take -------------------------------------------------------------------------

def test_new_take_is_numbered_next_and_carries_the_rolls_and_lenses_over(api, production, captured_events):
    shot = _shot(production, lens_mm=50)
    other = _shot(production)
    TakeFactory(shot=shot, number=1, cameras=[{"camera": "A", "roll": "A011", "lens": "40mm"}, {"camera": "B", "roll": "B006", "lens": "85mm"}],
                sound_roll="S003", circled=True, notes="Nice", timecode_in="10:00:00:00")
    # later, on another setup, camera A was reloaded (A012) and sound started roll S004
    TakeFactory(shot=other, number=1, cameras=[{"camera": "A", "roll": "A012", "lens": "24mm"}], sound_roll="S004")

    with captured_events() as events:
        response = api.post(f"/api/shots/{shot.pk}/new-take/", {"after": 1}, format="json")

    assert response.status_code == 201, response.json()
    take = response.json()
    assert (take["number"], take["shot"], take["sound"]) == (2, shot.pk, "sync")
    assert take["cameras"] == [{"camera": "A", "roll": "A012", "lens": "40mm"}, {"camera": "B", "roll": "B006", "lens": "85mm"}]
    assert take["sound_roll"] == "S004"
    assert (take["circled"], take["notes"], take["timecode_in"]) == (False, "", "")
    assert [e["type"] for e in events] == ["take.created"] and events[0]["data"] == take


def test_the_first_take_of_a_setup_starts_from_the_shots_lens(api, production):
    shot = _shot(production, lens_mm=50)

    take = api.post(f"/api/shots/{shot.pk}/new-take/", {"after": 0}, format="json").json()

    assert (take["number"], take["cameras"], take["sound_roll"]) == (1, [{"camera": "A", "roll": "", "lens": "50mm"}], "")


def test_a_new_wild_track_has_no_camera_and_a_new_mos_take_no_sound_roll(api, production):
    shot = _shot(production)
    TakeFactory(shot=shot, number=1, cameras=[A], sound_roll="S004")

    wild = api.post(f"/api/shots/{shot.pk}/new-take/", {"sound": "wild_track"}, format="json").json()
    mos = api.post(f"/api/shots/{shot.pk}/new-take/", {"sound": "mos"}, format="json").json()

    assert (wild["number"], wild["sound"], wild["cameras"], wild["sound_roll"]) == (2, "wild_track", [], "S004")
    assert (mos["number"], mos["sound"], mos["cameras"], mos["sound_roll"]) == (3, "mos", [A], "")


def test_new_take_after_a_take_someone_else_logged_answers_that_take_and_makes_none(api, production, captured_events):
    shot = _shot(production)
    theirs = TakeFactory(shot=shot, number=4)

    with captured_events() as events:
        response = api.post(f"/api/shots/{shot.pk}/new-take/", {"after": 3}, format="json")

    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["extra"]["last_number"], body["extra"]["current"]["id"]) == ("take_exists", 4, theirs.pk)
    assert shot.takes.count() == 1 and events == []


def test_a_viewer_cannot_roll_a_new_take_and_an_outsider_cannot_see_the_shot(api_for, make_user, production):
    shot = _shot(production)
    viewer, outsider = make_user(), make_user()
    Membership.objects.create(production=production, user=viewer, role=Role.VIEWER)

    assert api_for(viewer).post(f"/api/shots/{shot.pk}/new-take/", {}, format="json").status_code == 403
    assert api_for(outsider).post(f"/api/shots/{shot.pk}/new-take/", {}, format="json").status_code == 404
    assert not shot.takes.exists()


# --- two devices at once, against a real HTTP server --------------------------------------------

def _post_together(url: str, token: str, path: str, bodies: list[dict]) -> list[tuple[int, dict]]:
    """POST `bodies` to `path` at the same moment from one thread each (a barrier releases them together)."""
    parsed = urlparse(url)
    barrier = threading.Barrier(len(bodies))
    answers: list = [None] * len(bodies)

    def send(index: int, body: dict) -> None:
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        conn.connect()
        barrier.wait(timeout=30)
        conn.request("POST", path, body=json.dumps(body), headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
        response = conn.getresponse()
        answers[index] = (response.status, json.loads(response.read() or b"{}"))
        conn.close()

    threads = [threading.Thread(target=send, args=(i, b)) for i, b in enumerate(bodies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert all(a is not None for a in answers), answers
    return answers


def _token(url: str, user) -> str:
    parsed = urlparse(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    conn.request("POST", "/api/auth/token/", body=json.dumps({"username": user.username, "password": "correct horse battery"}),
                 headers={"Content-Type": "application/json"})
    return json.loads(conn.getresponse().read())["access"]


@pytest.mark.django_db(transaction=True)
def test_two_tablets_tapping_new_take_at_once_make_one_take_and_the_other_is_told_which(live_server, user, production):
    shot = _shot(production)
    TakeFactory(shot=shot, number=1)
    token = _token(live_server.url, user)

    answers = _post_together(live_server.url, token, f"/api/shots/{shot.pk}/new-take/", [{"after": 1}, {"after": 1}])

    statuses = sorted(status for status, _ in answers)
    assert statuses == [201, 409], answers
    created = next(body for status, body in answers if status == 201)
    told = next(body for status, body in answers if status == 409)
    assert (told["code"], told["extra"]["current"]["id"], told["extra"]["current"]["number"]) == ("take_exists", created["id"], 2)
    assert list(shot.takes.order_by("number").values_list("number", flat=True)) == [1, 2]


@pytest.mark.django_db(transaction=True)
def test_takes_numbered_by_the_server_at_once_each_get_their_own_number(live_server, user, production):
    shot = _shot(production)
    token = _token(live_server.url, user)

    answers = _post_together(live_server.url, token, "/api/takes/", [{"shot": shot.pk}] * 4)

    assert [status for status, _ in answers] == [201] * 4, answers
    assert sorted(body["number"] for _, body in answers) == [1, 2, 3, 4]
    assert shot.takes.count() == 4

"""Screenplay versions: import, edit and re-import keep the crew's scenes; the versions list, the diff, script settings.

The public-domain screenplays of the shared data folder are imported, given crew data on every
scene (status, a shot with a take, a continuity note, a comment), then re-imported and edited.
Edits are made on the raw text, cut at scene headings with a simple regex (never the app's parser).
"""
from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.breakdown.models import Character
from apps.comments.models import Comment
from apps.continuity.models import ContinuityNote
from apps.jobs.models import Job, JobStatus
from apps.jobs.services import job_run
from apps.scenes.models import Scene, SceneStatus, Shot, Take
from apps.scripts.models import Script, ScriptVersion
from apps.scripts.services import script_version_create
from tests.conftest import SHARED_DATA
from tests.factories import CastMemberFactory, CommentFactory, ContinuityNoteFactory, SceneFactory, ShotFactory, TakeFactory
from tests.scripts.test_import import SCREENPLAYS, upload

HEADING = re.compile(r"^(?:\.(?=[^.\s]).+|(?:INT\./EXT|INT/EXT|I/E|INT|EXT|EST)[.\s]\s*.+)$", re.I)
NEW_SCENE = ["INT. SLATE TEST ROOM - NIGHT", "", "A scene nobody has shot yet. A lamp hums.", "", "NEWCOMER", "Is anyone here?"]
CHANGED_LINE = "Thunder rolls over everything, louder than before."


def blocks_of(text: str) -> tuple[list[str], list[list[str]]]:
    """The lines before the first scene heading, and each scene's lines (heading first, no trailing blank lines)."""
    lines = text.replace("\r\n", "\n").split("\n")
    starts = [i for i, raw in enumerate(lines) if HEADING.match(raw.strip()) and (i == 0 or not lines[i - 1].strip())]
    blocks = [lines[a:b] for a, b in zip(starts, starts[1:] + [len(lines)])]
    return lines[:starts[0]] if starts else lines, [_trim(block) for block in blocks]


def _trim(lines: list[str]) -> list[str]:
    lines = list(lines)
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def joined(preamble: list[str], blocks: list[list[str]]) -> str:
    parts = _trim(preamble)
    for block in blocks:
        parts += ["", *block]
    return "\n".join(parts) + "\n"


WITH_SCENES = [name for name in SCREENPLAYS
               if len(blocks_of((SHARED_DATA / "fountain" / "public-domain" / name).read_text("utf-8"))[1]) >= 2]


def import_v1(api, production, path, captured_events) -> Script:
    response = upload(api, production, filename=path.name, content=path.read_bytes(), title="Draft")
    assert response.status_code == 201, response.content
    with captured_events():
        job = job_run(response.json()["job"]["id"])
    assert job.status == JobStatus.SUCCEEDED, job.error
    return Script.objects.get(pk=response.json()["id"])


def save_edit(api, script, body: dict):
    """POST an edit: 202 with its `script.edit` job at once; then the job runs as the worker runs it.

    Returns the finished job and the version as the versions list shows it (None when the job failed).
    """
    response = api.post(f"/api/scripts/{script.pk}/versions/", body, format="json")
    assert response.status_code == 202, response.content
    assert (response.json()["kind"], response.json()["status"]) == ("script.edit", "pending")
    job = job_run(response.json()["id"])
    if job.status != JobStatus.SUCCEEDED:
        return job, None
    rows = api.get(f"/api/scripts/{script.pk}/versions/", {"page_size": 500}).json()["results"]
    return job, next(row for row in rows if row["id"] == job.result["script_version_id"])


def give_crew_data(production, user) -> None:
    """Every scene gets a status, a shot with a take, a continuity note and a comment."""
    statuses = [SceneStatus.IN_PROGRESS, SceneStatus.COMPLETED, SceneStatus.ON_HOLD]
    for k, scene in enumerate(Scene.objects.filter(production=production).order_by("script_order")):
        Scene.objects.filter(pk=scene.pk).update(status=statuses[k % 3])
        shot = ShotFactory(scene=scene, production=production, number="1", description=f"shot of {scene.number}")
        TakeFactory(shot=shot, production=production, number=1, circled=True)
        ContinuityNoteFactory(scene=scene, production=production, body=f"note on {scene.number}")
        CommentFactory(scene=scene, production=production, author=user, body=f"comment on {scene.number}")


def crew_data(production) -> dict[int, tuple]:
    """{scene id: (status, shot ids, take ids, note ids, comment ids)}."""
    def ids(model, **where):
        return tuple(sorted(model.objects.filter(**where).values_list("pk", flat=True)))

    return {s.pk: (s.status, ids(Shot, scene=s), ids(Take, shot__scene=s), ids(ContinuityNote, scene=s), ids(Comment, scene=s))
            for s in Scene.objects.filter(production=production)}


def scenes_in_order(production) -> list[Scene]:
    return list(Scene.objects.filter(production=production).order_by("script_order"))


# --- re-import, edit, drop: the crew's data stays ------------------------------------------------

def test_the_shared_screenplays_with_scenes_are_tested():
    assert len(WITH_SCENES) == 4


@pytest.mark.parametrize("screenplay", WITH_SCENES)
def test_reimporting_the_same_screenplay_changes_no_scene_and_keeps_the_crews_data(screenplay, api, user, production, shared_data, captured_events):
    path = shared_data / "fountain" / "public-domain" / screenplay
    script = import_v1(api, production, path, captured_events)
    give_crew_data(production, user)
    before, data = scenes_in_order(production), crew_data(production)

    response = upload(api, production, filename=path.name, content=path.read_bytes(), title="Draft")
    with captured_events() as events:
        job = job_run(response.json()["job"]["id"])

    assert job.status == JobStatus.SUCCEEDED, job.error
    v1, v2 = ScriptVersion.objects.filter(script=script).order_by("number")
    after = scenes_in_order(production)
    assert [(s.pk, s.number, s.location) for s in after] == [(s.pk, s.number, s.location) for s in before]
    assert crew_data(production) == data
    assert not any(s.needs_review for s in after) and {s.review_reason for s in after} == {""}
    assert {s.script_version_id for s in after} == {v2.pk}
    assert (v2.number, v2.source, v2.parent_id, v2.scene_ids) == (2, "upload", v1.pk, [s.pk for s in after])
    assert v2.changes == {"added": 0, "removed": 0, "moved": 0, "changed": 0}
    assert job.result["version"] == 2 and job.result["scene_count"] == len(after)
    assert not [e for e in events if e["type"] in ("scene.created", "scene.deleted", "character.created")]
    assert sorted(e["data"]["id"] for e in events if e["type"] == "scene.updated") == sorted(s.pk for s in after)
    assert all(e["data"]["needs_review"] is False and e["data"]["script_version"] == v2.pk for e in events if e["type"] == "scene.updated")
    [created] = [e for e in events if e["type"] == "script_version.created"]
    assert created["data"]["number"] == 2 and created["data"]["changes"] == v2.changes and created["production"] == production.pk


@pytest.mark.parametrize("locked", [False, True], ids=["unlocked", "numbering-locked"])
@pytest.mark.parametrize("screenplay", WITH_SCENES)
def test_an_edit_with_a_new_a_changed_and_a_moved_scene_keeps_the_crews_data_with_its_scenes(
        screenplay, locked, api, user, production, shared_data, captured_events):
    path = shared_data / "fountain" / "public-domain" / screenplay
    script = import_v1(api, production, path, captured_events)
    give_crew_data(production, user)
    first, data = scenes_in_order(production), crew_data(production)
    cast = CastMemberFactory(production=production)
    Character.objects.filter(production=production).update(cast_member=cast)
    characters_before = set(Character.objects.filter(production=production).values_list("pk", "name"))
    if locked:
        response = api.patch(f"/api/scripts/{script.pk}/", {"numbering_locked": True, "version": script.version}, format="json")
        assert response.status_code == 200 and response.json()["numbering_locked"] is True
    preamble, blocks = blocks_of(path.read_text("utf-8"))
    changed = blocks[0] + ["", CHANGED_LINE]
    # the last scene moves to the front; a new scene comes right after scene 1 (whose text changes)
    text = joined(preamble, [blocks[-1], changed, NEW_SCENE, *blocks[1:-1]])
    v1 = ScriptVersion.objects.get(script=script)

    with captured_events() as events:
        job, body = save_edit(api, script, {"text": text, "summary": "Storm in scene 1", "parent": v1.pk})

    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result["version"] == 2 and job.result["script_version_id"] == body["id"]
    assert (body["number"], body["source"], body["summary"], body["parent"]) == (2, "edit", "Storm in scene 1", v1.pk)
    assert body["changes"] == {"added": 1, "removed": 0, "moved": 1, "changed": 1}
    assert body["created_by_name"] == user.display_name and "text" not in body
    after = scenes_in_order(production)
    new = Scene.objects.get(production=production, location="SLATE TEST ROOM")
    assert [s.pk for s in after] == [first[-1].pk, first[0].pk, new.pk, *[s.pk for s in first[1:-1]]]
    assert {pk: value for pk, value in crew_data(production).items() if pk != new.pk} == data
    assert crew_data(production)[new.pk] == (SceneStatus.NOT_STARTED, (), (), (), ())
    flags = {s.pk: (s.needs_review, s.review_reason) for s in after}
    assert flags.pop(first[0].pk) == (True, "Text changed in v2")
    assert flags.pop(new.pk) == (True, "New in v2")
    assert set(flags.values()) == {(False, "")}  # the moved scene and the untouched ones
    if locked:
        assert [s.number for s in after] == [first[-1].number, "1", "1A", *[s.number for s in first[1:-1]]]
    else:
        assert [s.number for s in after] == [str(n) for n in range(1, len(after) + 1)]
    assert [s.script_order for s in after] == list(range(len(after)))

    newcomer = Character.objects.get(production=production, name="NEWCOMER")
    assert list(newcomer.scenes.all()) == [new]
    assert set(Character.objects.filter(production=production).exclude(pk=newcomer.pk).values_list("pk", "name")) == characters_before
    assert not Character.objects.filter(production=production).exclude(pk=newcomer.pk).exclude(cast_member=cast).exists()

    updated = {e["data"]["id"]: e for e in events if e["type"] == "scene.updated"}
    assert updated[first[0].pk]["data"]["needs_review"] is True
    assert updated[first[0].pk]["data"]["review_reason"] == "Text changed in v2"
    assert [e["data"]["id"] for e in events if e["type"] == "scene.created"] == [new.pk]
    assert [e["data"]["name"] for e in events if e["type"] == "character.created"] == ["NEWCOMER"]
    assert [e["data"]["changes"] for e in events if e["type"] == "script_version.created"] == [body["changes"]]
    assert all(e["production"] == production.pk for e in events)


@pytest.mark.parametrize("locked", [False, True], ids=["unlocked", "numbering-locked"])
@pytest.mark.parametrize("screenplay", WITH_SCENES)
def test_a_scene_dropped_from_the_text_is_kept_with_its_crew_data_and_flagged(screenplay, locked, api, user, production, shared_data,
                                                                              captured_events):
    path = shared_data / "fountain" / "public-domain" / screenplay
    script = import_v1(api, production, path, captured_events)
    Script.objects.filter(pk=script.pk).update(numbering_locked=locked)
    give_crew_data(production, user)
    first, data = scenes_in_order(production), crew_data(production)
    preamble, blocks = blocks_of(path.read_text("utf-8"))
    gone = first[1]

    job, body = save_edit(api, script, {"text": joined(preamble, [blocks[0], *blocks[2:]])})

    assert job.status == JobStatus.SUCCEEDED, job.error
    assert body["changes"] == {"added": 0, "removed": 1, "moved": 0, "changed": 0}
    assert crew_data(production) == data
    kept = Scene.objects.get(pk=gone.pk)
    assert (kept.needs_review, kept.review_reason) == (True, "Not in v2")
    assert kept.script_version.number == 1  # it was last in v1
    assert [s.pk for s in scenes_in_order(production)] == [s.pk for s in first]  # shown where it used to be
    others = [s for s in scenes_in_order(production) if s.pk != gone.pk]
    assert not any(s.needs_review for s in others)
    if locked:
        assert kept.number == "2" and [s.number for s in others] == [s.number for s in first if s.pk != gone.pk]
    else:
        # renumbered in order; the kept scene steps aside when its number went to the scene after it
        assert kept.number == ("X2" if len(others) >= 2 else "2")
        assert [s.number for s in others] == [str(n) for n in range(1, len(others) + 1)]

    # v3 brings it back: the same scene, flagged for a second look
    job, _ = save_edit(api, script, {"text": path.read_text("utf-8")})
    assert job.status == JobStatus.SUCCEEDED, job.error
    kept.refresh_from_db()
    assert (kept.needs_review, kept.review_reason, kept.number) == (True, "Back in v3", "2")
    assert crew_data(production) == data


# --- the edit endpoint ---------------------------------------------------------------------------------

SHORT = "Title: Short\n\nINT. KITCHEN - DAY\n\nMara slices bread.\n\nEXT. STREET - NIGHT\n\nRain. A bus pulls away.\n"


@pytest.fixture
def script(production, user):
    script = Script.objects.create(production=production, title="Short", created_by=user)
    script_version_create(script=script, text=SHORT, source="upload", actor=user, source_name="short.fountain")
    return script


def test_a_viewer_cannot_save_an_edit(api_for, viewer, script):
    response = api_for(viewer).post(f"/api/scripts/{script.pk}/versions/", {"text": SHORT + "\nEXT. ROOF - DAY\n\nPigeons.\n"}, format="json")

    assert response.status_code == 403
    assert ScriptVersion.objects.filter(script=script).count() == 1 and Scene.objects.count() == 2
    assert not Job.objects.filter(kind="script.edit").exists()


@pytest.mark.parametrize("text, code", [("", "empty_text"), ("  \n\n ", "empty_text"), ("INT. A - DAY\n\x00\x01\x02\x03" * 20, "not_fountain")])
def test_an_empty_or_binary_edit_is_refused_and_changes_nothing(api, script, text, code):
    response = api.post(f"/api/scripts/{script.pk}/versions/", {"text": text}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert ScriptVersion.objects.filter(script=script).count() == 1 and Scene.objects.count() == 2
    assert not Job.objects.filter(kind="script.edit").exists()


def test_an_edit_based_on_an_older_version_is_a_conflict(api, user, script):
    v1 = ScriptVersion.objects.get(script=script)
    script_version_create(script=script, text=SHORT.replace("Rain.", "Snow."), source="edit", actor=user)

    response = api.post(f"/api/scripts/{script.pk}/versions/", {"text": SHORT.replace("bread", "cheese"), "parent": v1.pk}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "conflict" and response.json()["extra"]["current"]["number"] == 2
    assert ScriptVersion.objects.filter(script=script).count() == 2
    assert not Job.objects.filter(kind="script.edit").exists()


def test_an_edit_whose_parent_went_stale_while_its_job_waited_fails_the_job_and_saves_nothing(api, user, script, media_root):
    v1 = ScriptVersion.objects.get(script=script)
    response = api.post(f"/api/scripts/{script.pk}/versions/", {"text": SHORT.replace("bread", "cheese"), "parent": v1.pk}, format="json")
    assert response.status_code == 202
    script_version_create(script=script, text=SHORT.replace("Rain.", "Snow."), source="edit", actor=user)  # someone else, meanwhile

    job = job_run(response.json()["id"])

    assert job.status == JobStatus.FAILED
    assert job.error.startswith("This script is now at v2: your text was based on v1.")
    assert [v.number for v in ScriptVersion.objects.filter(script=script)] == [1, 2]
    assert not Scene.objects.filter(location="KITCHEN", needs_review=True).exists()
    assert not any(media_root.rglob("*.fountain"))  # the edit's stored text is removed with the failed job


def test_a_generation_version_records_its_summary_parent_and_progress(user, script):
    reports = []

    class Context:
        def progress(self, fraction, message=None, *, force=False):
            reports.append((fraction, message))

    v1 = ScriptVersion.objects.get(script=script)
    version = script_version_create(script=script, text=SHORT.replace("Rain.", "Hail."), source="generation", actor=user,
                                    summary="Regenerated scene 2", ctx=Context())

    assert (version.number, version.source, version.summary, version.parent_id) == (2, "generation", "Regenerated scene 2", v1.pk)
    assert version.changes == {"added": 0, "removed": 0, "moved": 0, "changed": 1}
    assert [f for f, _ in reports] == sorted(f for f, _ in reports) and reports[-1][1].startswith("v2:")
    street = Scene.objects.get(location="STREET")
    assert (street.needs_review, street.review_reason) == (True, "Text changed in v2")


def test_a_version_stored_before_headings_needed_a_blank_line_after_is_read_as_it_was_read_then(production, user):
    # Before issue 17 a prefixed line after a blank line was a heading even with text right under it.
    # A version stored then keeps its scenes' own texts, so the next version pairs each scene with its own.
    script = Script.objects.create(production=production, title="Old", created_by=user)
    spaced = "INT. KITCHEN - DAY\n\nMara slices bread while the kettle whistles on the stove behind her.\n\nINT. HALL - DAY\n\nA clock ticks.\n\nEXT. STREET - NIGHT\n\nRain. A bus pulls away.\n"
    v1 = script_version_create(script=script, text=spaced, source="upload", actor=user)
    old_text = spaced.replace("INT. HALL - DAY\n\n", "INT. HALL - DAY\n")  # as such a version was stored
    ScriptVersion.objects.filter(pk=v1.pk).update(text=old_text)
    kitchen, hall, street = (Scene.objects.get(location=place) for place in ("KITCHEN", "HALL", "STREET"))
    ShotFactory(scene=street, number="1")

    v2 = script_version_create(script=script, text=old_text.replace("Rain.", "Hail."), source="edit", actor=user)

    assert v2.scene_count == 2  # the hall's heading line is action now: it has text right under it
    assert v2.scene_ids == [kitchen.pk, street.pk]
    assert v2.changes == {"added": 0, "removed": 1, "moved": 0, "changed": 2}
    street.refresh_from_db()
    hall.refresh_from_db()
    assert (street.review_reason, street.shots.count()) == ("Text changed in v2", 1)
    assert (hall.needs_review, hall.review_reason) == (True, "Not in v2")


def test_the_crew_clears_a_review_flag_with_a_patch(api, user, script):
    script_version_create(script=script, text=SHORT.replace("Rain.", "Hail."), source="edit", actor=user)
    street = Scene.objects.get(location="STREET")

    response = api.patch(f"/api/scenes/{street.pk}/", {"needs_review": False, "review_reason": "", "version": street.version}, format="json")

    assert response.status_code == 200
    assert (response.json()["needs_review"], response.json()["review_reason"]) == (False, "")


def test_a_scene_made_by_hand_is_adopted_by_the_import_and_other_scripts_scenes_are_left_alone(production, user, script):
    by_hand = SceneFactory(production=production, number="7", location="OFFICE", script_order=99)
    other = Script.objects.create(production=production, title="Other")
    script_version_create(script=other, text="INT. CAVE - NIGHT\n\nDrip.\n\nINT. TUNNEL - NIGHT\n\nDark.\n", source="upload", actor=user)
    ours = set(Scene.objects.filter(script_version__script=script).values_list("pk", "number"))

    text = SHORT + "".join(f"\nINT. HALL {n} - DAY\n\nWalking.\n" for n in range(5))  # scenes 3..7
    script_version_create(script=script, text=text, source="edit", actor=user)

    by_hand.refresh_from_db()
    assert (by_hand.number, by_hand.location, by_hand.script_version.script_id) == ("7", "HALL 4", script.pk)
    assert set(Scene.objects.filter(script_version__script=other).values_list("number", flat=True)) == {"1A", "2A"}
    assert ours <= set(Scene.objects.filter(script_version__script=script).values_list("pk", "number"))


# --- versions list, diff ---------------------------------------------------------------------------

def test_the_versions_list_shows_source_summary_parent_and_author(api, user, script):
    script_version_create(script=script, text=SHORT.replace("Rain.", "Hail."), source="edit", actor=user, summary="Hail, not rain")
    script_version_create(script=script, text=SHORT, source="generation", actor=None, summary="Back to rain")

    rows = api.get(f"/api/scripts/{script.pk}/versions/").json()["results"]

    assert [(r["number"], r["source"], r["summary"], r["created_by_name"]) for r in rows] == [
        (1, "upload", "", user.display_name), (2, "edit", "Hail, not rain", user.display_name), (3, "generation", "Back to rain", None)]
    assert rows[1]["parent"] == rows[0]["id"] and rows[0]["parent"] is None
    assert rows[1]["changes"] == {"added": 0, "removed": 0, "moved": 0, "changed": 1}


def test_the_versions_list_runs_a_constant_number_of_queries(api, production, user, django_assert_max_num_queries):
    script = Script.objects.create(production=production, title="Long", created_by=user)

    def versions(numbers):
        return [ScriptVersion(production=production, script=script, number=n, text="INT. TENT - NIGHT\n" * 100, summary=f"v{n}",
                              created_by=user) for n in numbers]

    ScriptVersion.objects.bulk_create(versions(range(1, 6)))
    with CaptureQueriesContext(connection) as five:
        small = api.get(f"/api/scripts/{script.pk}/versions/", {"page_size": 500})
    assert small.json()["count"] == 5

    ScriptVersion.objects.bulk_create(versions(range(6, 201)))
    with django_assert_max_num_queries(len(five.captured_queries)):
        response = api.get(f"/api/scripts/{script.pk}/versions/", {"page_size": 500})

    rows = response.json()["results"]
    assert [row["number"] for row in rows] == list(range(1, 201))
    assert all(row["created_by_name"] == user.display_name for row in rows)


def test_the_diff_between_two_versions_names_the_crews_scenes(api, user, production, script):
    edited = SHORT.replace("Rain.", "Hail.") + "\nEXT. ROOF - DAWN\n\nPigeons.\n"
    script_version_create(script=script, text=edited, source="edit", actor=user)
    street, roof = Scene.objects.get(location="STREET"), Scene.objects.get(location="ROOF")

    body = api.get(f"/api/scripts/{script.pk}/diff/", {"from": 1, "to": 2}).json()

    assert (body["from"], body["to"]) == (1, 2)
    assert [(s["status"], s["number"], s["scene"], s["from_index"], s["to_index"]) for s in body["scenes"]] == [
        ("unchanged", "1", Scene.objects.get(location="KITCHEN").pk, 0, 0),
        ("changed", "2", street.pk, 1, 1),
        ("added", "3", roof.pk, None, 2),
    ]
    assert "-Rain. A bus pulls away." in body["scenes"][1]["lines"] and "+Hail. A bus pulls away." in body["scenes"][1]["lines"]
    assert body["summary"] == {"added": 1, "removed": 0, "moved": 0, "changed": 1, "unchanged": 1}
    assert api.get(f"/api/scripts/{script.pk}/diff/").json()["scenes"] == body["scenes"]  # defaults: the latest against its parent


def test_the_diff_of_the_first_version_adds_everything_and_bad_numbers_are_refused(api, script):
    first = api.get(f"/api/scripts/{script.pk}/diff/", {"to": 1}).json()

    assert first["from"] == 0 and [s["status"] for s in first["scenes"]] == ["added", "added"]
    assert api.get(f"/api/scripts/{script.pk}/diff/", {"from": 1, "to": 9}).status_code == 404
    assert api.get(f"/api/scripts/{script.pk}/diff/", {"from": "one"}).json()["code"] == "invalid"
    for huge in ("9" * 5000, "²", "-1", str(2**63)):  # past Python's int() limit, not ASCII digits, below 0, past 64 bits
        answer = api.get(f"/api/scripts/{script.pk}/diff/", {"from": huge})
        assert (answer.status_code, answer.json()["code"]) == (400, "invalid"), huge


def test_another_productions_script_has_no_versions_or_diff_for_an_outsider(api_for, other_user, script):
    outsider = api_for(other_user)

    assert outsider.get(f"/api/scripts/{script.pk}/diff/").status_code == 404
    assert outsider.post(f"/api/scripts/{script.pk}/versions/", {"text": SHORT}, format="json").status_code == 404


# --- script settings -------------------------------------------------------------------------------

def test_script_details_are_edited_with_a_version(api, script):
    response = api.patch(f"/api/scripts/{script.pk}/", {"logline": "A baker and a bus.", "genre": "Drama", "tone": "Quiet", "genre_locked": True,
                                                       "version": script.version}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["logline"], body["genre"], body["tone"], body["genre_locked"], body["tone_locked"], body["numbering_locked"]) == (
        "A baker and a bus.", "Drama", "Quiet", True, False, False)
    assert api.patch(f"/api/scripts/{script.pk}/", {"genre": "Comedy"}, format="json").status_code == 428


def test_a_locked_genre_changes_only_together_with_unlocking_it(api, script):
    Script.objects.filter(pk=script.pk).update(genre="Drama", genre_locked=True)
    script.refresh_from_db()

    refused = api.patch(f"/api/scripts/{script.pk}/", {"genre": "Comedy", "version": script.version}, format="json")
    relocked = api.patch(f"/api/scripts/{script.pk}/", {"genre": "Comedy", "genre_locked": True, "version": script.version}, format="json")
    unlocked = api.patch(f"/api/scripts/{script.pk}/", {"genre": "Comedy", "genre_locked": False, "version": script.version}, format="json")

    assert (refused.status_code, refused.json()["code"]) == (400, "locked") and "genre" in refused.json()["extra"]["fields"]
    assert relocked.status_code == 400
    assert unlocked.status_code == 200 and (unlocked.json()["genre"], unlocked.json()["genre_locked"]) == ("Comedy", False)


def test_generation_cannot_change_a_locked_tone_or_any_lock(user, script):
    from apps.core.errors import ApplicationError
    from apps.scripts.services import script_update

    Script.objects.filter(pk=script.pk).update(tone="Quiet", tone_locked=True)
    script.refresh_from_db()

    for changes in ({"tone": "Loud"}, {"tone": "Loud", "tone_locked": False}, {"numbering_locked": True}):
        with pytest.raises(ApplicationError) as error:
            script_update(instance=script, actor=user, version=script.version, generated=True, **changes)
        assert error.value.code == "locked"
    assert script_update(instance=script, actor=user, version=script.version, generated=True, genre="Noir").genre == "Noir"

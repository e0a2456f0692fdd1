"""AI breakdown: Claude's structured answer (tool use, streamed input_json_delta) becomes reviewable suggestions,
and accepting them makes the scene's Characters, Props and Location.

The real anthropic SDK talks to the local fake Messages API; jobs run through `job_run`.
"""
from __future__ import annotations

import pytest

from apps.breakdown.models import BreakdownSuggestion, Character, Location, Prop
from apps.jobs.models import Job, JobStatus
from apps.jobs.services import job_run
from tests.generation.writing_fixtures import *  # noqa: F401,F403 — fixtures: fake_claude, story...

pytestmark = pytest.mark.django_db

LIBRARY_ITEMS = {"items": [
    {"category": "cast", "name": "CYBER BOB", "description": "Robot librarian", "evidence": "CYBER BOB, a robot librarian, shelves books."},
    {"category": "cast", "name": "Maya Vance", "description": "40s", "evidence": "MAYA VANCE (40s) hides a ledger under her coat."},
    {"category": "props", "name": "Ledger", "description": "Leather-bound, hidden under a coat", "evidence": "hides a ledger under her coat"},
    {"category": "special_effects", "name": "Rain on skylight", "evidence": "Rain drums on the skylight."},
    {"category": "wardrobe", "name": "Maya's coat", "description": "Long enough to hide a ledger", "evidence": "under her coat"},
]}
ALLEY_ITEMS = {"items": [
    {"category": "vehicles", "name": "Police cruiser", "description": "Parked, siren off", "evidence": "a parked police cruiser, siren off"},
    {"category": "props", "name": "ledger", "evidence": "Maya runs"},
]}


def start(api, body) -> Job:
    response = api.post("/api/ai/breakdown/", body, format="json")
    assert response.status_code == 202, response.content
    assert response.json()["job"]["kind"] == "ai.breakdown"
    return Job.objects.get(pk=response.json()["job"]["id"])


def decide(api, suggestion, verb: str, version=None):
    version = suggestion.version if version is None else version
    return api.post(f"/api/breakdown-suggestions/{suggestion.pk}/{verb}/", {"version": version}, format="json")


@pytest.fixture
def broken_down(api, story, fake_claude):
    """Scene 1 broken down into LIBRARY_ITEMS, all pending."""
    fake_claude.answer_tool(LIBRARY_ITEMS)
    job = start(api, {"scene": story.scenes["1"].pk})
    job_run(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    story.job = job
    story.suggestions = {s.name: s for s in BreakdownSuggestion.objects.filter(scene=story.scenes["1"])}
    return story


def test_a_scene_breakdown_lands_as_pending_suggestions_with_their_evidence(api, story, fake_claude, captured_events):
    fake_claude.answer_tool(LIBRARY_ITEMS)
    job = start(api, {"scene": story.scenes["1"].pk})

    with captured_events() as events:
        job_run(job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result == {"scene_count": 1, "suggestion_count": 5}
    rows = list(BreakdownSuggestion.objects.filter(scene=story.scenes["1"]).order_by("id"))
    assert [(r.category, r.name, r.status, r.job_id) for r in rows] == [
        (item["category"], item["name"], "pending", job.pk) for item in LIBRARY_ITEMS["items"]]
    assert rows[2].evidence == "hides a ledger under her coat" and rows[2].description == "Leather-bound, hidden under a coat"
    listed = api.get(f"/api/breakdown-suggestions/?scene={story.scenes['1'].pk}&status=pending").json()
    assert {r["id"] for r in listed["results"]} == {r.pk for r in rows}
    created = [e for e in events if e["type"] == "breakdown_suggestion.created"]
    assert len(created) == 5 and all(e["production"] == story.production.pk for e in created)
    assert created[0]["data"] == api.get(f"/api/breakdown-suggestions/{created[0]['entity_id']}/").json()

    body = fake_claude.bodies()[0]
    assert body["tools"][0]["name"] == "record_breakdown" and body["tool_choice"] == {"type": "tool", "name": "record_breakdown"}
    item_schema = body["tools"][0]["input_schema"]["properties"]["items"]["items"]
    assert set(item_schema["properties"]["category"]["enum"]) == {
        "cast", "extras", "props", "wardrobe", "makeup_hair", "vehicles", "animals", "stunts", "special_effects", "sound",
        "set_dressing", "special_equipment"}
    assert "Rain drums on the skylight." in body["messages"][0]["content"]  # the scene's own text
    assert "police cruiser" not in body["messages"][0]["content"]  # and only that scene


def test_a_whole_version_is_broken_down_one_call_per_scene(api, story, fake_claude):
    fake_claude.answer_tool(LIBRARY_ITEMS)
    fake_claude.answer_tool(ALLEY_ITEMS)
    fake_claude.answer_tool({"items": []})

    job = start(api, {"script_version": story.v1.pk})
    job_run(job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result == {"scene_count": 3, "suggestion_count": 7}
    assert len(fake_claude.requests) == 3
    assert BreakdownSuggestion.objects.filter(scene=story.scenes["2"]).count() == 2
    assert "police cruiser" in fake_claude.bodies()[1]["messages"][0]["content"]


@pytest.mark.parametrize("answer, detail", [
    ({"items": [{"category": "weapons", "name": "Gun", "evidence": "a gun"}]}, "input.items[0].category is 'weapons', not one of cast"),
    ({"items": [{"category": "props", "name": "Gun"}]}, "input.items[0] is missing 'evidence'"),
    ({"elements": []}, "input is missing 'items'"),
    ('{"items": [{"category": "pro', "input.items[0] is missing 'category'"),  # cut-off JSON
], ids=["unknown-category", "no-evidence", "wrong-key", "broken-json"])
def test_a_malformed_breakdown_fails_the_job_and_saves_no_suggestion_of_any_scene(api, story, fake_claude, answer, detail):
    fake_claude.answer_tool(LIBRARY_ITEMS)  # scene 1 is fine...
    fake_claude.answer_tool(answer)  # ...scene 2 is not

    job = start(api, {"script_version": story.v1.pk})
    job_run(job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("Claude's breakdown did not match the expected shape: ") and detail in job.error, job.error
    assert job.error.endswith("Nothing was saved.")
    assert BreakdownSuggestion.objects.count() == 0


def test_an_api_error_during_a_breakdown_fails_the_job_and_saves_nothing(api, story, fake_claude):
    fake_claude.fail(400, "invalid_request_error", "prompt is too long")

    job = start(api, {"scene": story.scenes["1"].pk})
    job_run(job.pk)

    job.refresh_from_db()
    assert (job.status, job.error) == (JobStatus.FAILED, "Claude answered 400 invalid_request: prompt is too long")
    assert BreakdownSuggestion.objects.count() == 0


def test_breakdown_needs_exactly_one_target_and_a_writer(api, api_for, story, fake_claude):
    assert api.post("/api/ai/breakdown/", {}, format="json").status_code == 400
    both = api.post("/api/ai/breakdown/", {"scene": story.scenes["1"].pk, "script_version": story.v1.pk}, format="json")
    viewer = api_for(story.viewer).post("/api/ai/breakdown/", {"scene": story.scenes["1"].pk}, format="json")

    assert both.status_code == 400
    assert (viewer.status_code, viewer.json()["code"]) == (403, "forbidden")
    assert Job.objects.count() == 0


# --- review -----------------------------------------------------------------------------------------

def test_accepting_cast_links_the_existing_character_and_creates_a_missing_one(api, broken_down, captured_events):
    story, scene = broken_down, broken_down.scenes["1"]

    with captured_events() as events:
        bob = decide(api, story.suggestions["CYBER BOB"], "accept")
    maya = decide(api, story.suggestions["Maya Vance"], "accept")

    assert bob.status_code == 200, bob.content
    assert (bob.json()["status"], bob.json()["character"], bob.json()["decided_by"]) == ("accepted", story.bob.pk, story.owner.pk)
    assert bob.json()["version"] == 2 and bob.json()["decided_at"]
    assert maya.json()["status"] == "accepted"
    new = Character.objects.get(pk=maya.json()["character"])
    assert new.pk == story.maya.pk  # 'Maya Vance' is the sheet's MAYA VANCE
    assert set(new.scenes.values_list("pk", flat=True)) == {scene.pk}
    assert scene.pk in set(story.bob.scenes.values_list("pk", flat=True))
    types = [e["type"] for e in events]
    assert "breakdown_suggestion.updated" in types and "location.created" in types


def test_accepting_a_prop_creates_it_for_the_scene_once_and_reuses_it_on_other_scenes(api, broken_down, fake_claude):
    story = broken_down
    first = decide(api, story.suggestions["Ledger"], "accept")
    again = decide(api, BreakdownSuggestion.objects.get(pk=story.suggestions["Ledger"].pk), "accept")

    prop = Prop.objects.get(pk=first.json()["prop"])
    assert (prop.name, prop.description, prop.status, prop.production_id) == ("Ledger", "Leather-bound, hidden under a coat", "needed",
                                                                              story.production.pk)
    assert list(prop.scenes.values_list("pk", flat=True)) == [story.scenes["1"].pk]
    assert again.status_code == 200 and again.json() == first.json()  # idempotent
    assert Prop.objects.count() == 1
    location = Location.objects.get(production=story.production)
    assert location.name == "LIBRARY" and list(location.scenes.values_list("pk", flat=True)) == [story.scenes["1"].pk]

    fake_claude.behaviours.clear()
    fake_claude.answer_tool(ALLEY_ITEMS)
    job_run(start(api, {"scene": story.scenes["2"].pk}).pk)
    alley_ledger = BreakdownSuggestion.objects.get(scene=story.scenes["2"], name="ledger")
    assert decide(api, alley_ledger, "accept").json()["prop"] == prop.pk
    assert set(prop.scenes.values_list("pk", flat=True)) == {story.scenes["1"].pk, story.scenes["2"].pk}


def test_accepting_another_category_makes_the_suggestion_itself_the_scene_breakdown_entry(api, broken_down):
    response = decide(api, broken_down.suggestions["Rain on skylight"], "accept")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["prop"], response.json()["character"]) == ("accepted", None, None)
    assert Prop.objects.count() == 0
    entries = api.get(f"/api/breakdown-suggestions/?scene={broken_down.scenes['1'].pk}&status=accepted").json()["results"]
    assert [(e["category"], e["name"]) for e in entries] == [("special_effects", "Rain on skylight")]


def test_rejecting_creates_nothing_and_an_accepted_item_cannot_be_rejected(api, broken_down):
    characters_before = Character.objects.count()
    rejected = decide(api, broken_down.suggestions["Maya Vance"], "reject")
    decide(api, broken_down.suggestions["Ledger"], "accept")
    late = decide(api, BreakdownSuggestion.objects.get(pk=broken_down.suggestions["Ledger"].pk), "reject")

    assert (rejected.status_code, rejected.json()["status"], rejected.json()["character"]) == (200, "rejected", None)
    assert Character.objects.count() == characters_before
    assert not broken_down.maya.scenes.exists()
    assert (late.status_code, late.json()["code"]) == (400, "already_accepted")


def test_a_new_breakdown_replaces_pending_items_and_does_not_suggest_rejected_ones_again(api, broken_down, fake_claude):
    decide(api, broken_down.suggestions["Maya's coat"], "reject")
    fake_claude.behaviours.clear()
    fake_claude.answer_tool(LIBRARY_ITEMS)

    job_run(start(api, {"scene": broken_down.scenes["1"].pk}).pk)

    rows = BreakdownSuggestion.objects.filter(scene=broken_down.scenes["1"])
    assert rows.count() == 5
    assert rows.get(name="Maya's coat").status == "rejected"
    assert not rows.filter(pk__in=[s.pk for n, s in broken_down.suggestions.items() if n != "Maya's coat"]).exists()


def test_review_needs_a_writer_a_current_version_and_membership(api, api_for, broken_down, other_user):
    suggestion = broken_down.suggestions["Ledger"]

    viewer = decide(api_for(broken_down.viewer), suggestion, "accept")
    outsider = decide(api_for(other_user), suggestion, "accept")
    stale = decide(api, suggestion, "accept", version=7)
    missing = api.post(f"/api/breakdown-suggestions/{suggestion.pk}/accept/", {}, format="json")

    assert (viewer.status_code, viewer.json()["code"]) == (403, "forbidden")
    assert outsider.status_code == 404
    assert (stale.status_code, stale.json()["code"]) == (409, "conflict")
    assert stale.json()["extra"]["current"]["version"] == 1
    assert (missing.status_code, missing.json()["code"]) == (428, "version_required")
    assert Prop.objects.count() == 0
    assert BreakdownSuggestion.objects.get(pk=suggestion.pk).status == "pending"
    assert api_for(other_user).get("/api/breakdown-suggestions/").json()["results"] == []


def test_listing_many_suggestions_takes_a_fixed_number_of_queries(api, story, django_assert_max_num_queries):
    scene = story.scenes["1"]
    BreakdownSuggestion.objects.bulk_create([
        BreakdownSuggestion(production=story.production, scene=scene, category="props", name=f"Prop {n}", evidence="x")
        for n in range(60)])

    with django_assert_max_num_queries(6):
        response = api.get("/api/breakdown-suggestions/?page_size=100")

    assert response.status_code == 200 and response.json()["count"] == 60

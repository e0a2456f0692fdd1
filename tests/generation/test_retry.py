"""Retrying failed AI jobs (`POST /api/jobs/{id}/retry/`): writing, breakdown and storyboards run again as the same job.

The real SDKs talk to the local fakes (tests/generation/fake_anthropic.py, fake_fal.py). Each job
fails for real first — Claude or fal.ai answering an error — then the fake is put right, the job is
retried through the API and run by `apps.jobs.services.job_run` as the worker runs what the retry
queued. A storyboard retry asks fal only for the frames that were not made. A job whose inputs are
gone is refused with the reason, and nothing changes: not the job, not the events, not fal's queue.
"""
from __future__ import annotations

import pytest

from apps.breakdown.models import BreakdownSuggestion
from apps.jobs.models import Job, JobStatus
from apps.jobs.services import job_run
from apps.media.models import MediaAsset
from apps.realtime.models import Event
from apps.scripts.models import ScriptVersion
from apps.scripts.services import script_version_create
from tests.generation.storyboard_fixtures import *  # noqa: F401,F403 — fixtures: fal, media_root, shot
from tests.generation.storyboard_fixtures import order, stored_files
from tests.generation.writing_fixtures import *  # noqa: F401,F403 — fixtures: fake_claude, story
from tests.generation.writing_fixtures import NEW_SCENE, SCREENPLAY
from tests.scripts.retrying import assert_refused_and_unchanged, retry

pytestmark = pytest.mark.django_db

OUTLINE = "# Act One\n\nINT. LIBRARY - NIGHT\n\n= Maya steals the ledger.\n\nEXT. ROOFTOP - NIGHT\n\n= Bob corners Maya.\n"
ITEMS = {"items": [{"category": "props", "name": "Ledger", "description": "Leather-bound", "evidence": "hides a ledger under her coat"}]}


def started(response) -> Job:
    assert response.status_code == 202, response.content
    return Job.objects.get(pk=response.json()["job"]["id"])


def failed(job_id) -> Job:
    job = job_run(job_id)
    assert job.status == JobStatus.FAILED
    return job


def retried_and_run(api, job) -> Job:
    response = retry(api, job)
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["error"]) == ("pending", "")
    return job_run(job.pk)


# --- writing -------------------------------------------------------------------------------------------

WRITE = {
    "script": lambda api, story: api.post(f"/api/ai/scripts/{story.script.pk}/generate/", {"form": "outline"}, format="json"),
    "scene": lambda api, story: api.post(f"/api/ai/scripts/{story.script.pk}/scenes/generate/",
                                         {"scene": story.scenes["2"].pk, "goal": "Maya escapes"}, format="json"),
}


@pytest.mark.parametrize("what, answer, summary", [("script", OUTLINE, "Generated outline from the logline"),
                                                    ("scene", NEW_SCENE, "Regenerated scene 2")])
def test_writing_that_claude_failed_is_retried_and_lands_as_one_new_version(api, story, fake_claude, what, answer, summary):
    fake_claude.fail(500, "api_error", "Internal server error")
    job = failed(started(WRITE[what](api, story)).pk)
    assert job.error == "Claude answered 500 api: Internal server error"
    assert api.get(f"/api/jobs/{job.pk}/").json()["retryable"] is True
    fake_claude.behaviours.clear()
    fake_claude.answer_text(answer)
    asked = len(fake_claude.requests)

    job = retried_and_run(api, job)

    assert (job.status, job.attempts, job.error) == (JobStatus.SUCCEEDED, 2, "")
    assert len(fake_claude.requests) == asked + 1
    versions = list(ScriptVersion.objects.filter(script=story.script).order_by("number"))
    assert [v.number for v in versions] == [1, 2] and versions[1].summary == summary
    assert job.result == {"script_version_id": versions[1].pk, "version": 2}
    assert Job.objects.count() == 1


@pytest.mark.parametrize("what", ["script", "scene"])
def test_writing_for_a_deleted_script_is_not_retried(api, story, fake_claude, what):
    fake_claude.fail(500, "api_error", "Internal server error")
    job = failed(started(WRITE[what](api, story)).pk)
    assert api.delete(f"/api/scripts/{story.script.pk}/").status_code == 204
    asked = len(fake_claude.requests)

    assert_refused_and_unchanged(api, job, "The script was deleted")
    assert len(fake_claude.requests) == asked


def test_a_scene_rewrite_whose_scene_was_deleted_or_dropped_is_not_retried(api, user, story, fake_claude):
    fake_claude.fail(500, "api_error", "Internal server error")
    deleted = failed(started(WRITE["scene"](api, story)).pk)
    dropped = failed(started(api.post(f"/api/ai/scripts/{story.script.pk}/scenes/generate/",
                                      {"scene": story.scenes["3"].pk, "goal": "Bob finds the slot"}, format="json")).pk)

    assert api.delete(f"/api/scenes/{story.scenes['2'].pk}/").status_code == 204
    assert_refused_and_unchanged(api, deleted, "The scene to rewrite was deleted.")
    without_scene_3 = SCREENPLAY[:SCREENPLAY.index("INT. LIBRARY - DAY")]
    script_version_create(script=story.script, text=without_scene_3, source="edit", actor=user)
    assert_refused_and_unchanged(api, dropped, "Scene 3 is no longer in the latest version of The Quiet Stacks.")


# --- breakdown -----------------------------------------------------------------------------------------

def test_a_breakdown_that_claude_failed_is_retried_and_stores_each_suggestion_once(api, story, fake_claude):
    fake_claude.answer_tool(ITEMS)  # scene 1 is broken down...
    fake_claude.fail(400, "invalid_request_error", "prompt is too long")  # ...scene 2 fails: nothing is stored
    job = failed(started(api.post("/api/ai/breakdown/", {"script_version": story.v1.pk}, format="json")).pk)
    assert job.error == "Claude answered 400 invalid_request: prompt is too long"
    assert not BreakdownSuggestion.objects.exists()
    fake_claude.behaviours.clear()
    fake_claude.answer_tool(ITEMS)

    job = retried_and_run(api, job)

    assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, 2)
    assert job.result == {"scene_count": 3, "suggestion_count": 3}
    assert sorted(BreakdownSuggestion.objects.values_list("scene__number", "name")) == [("1", "Ledger"), ("2", "Ledger"), ("3", "Ledger")]
    assert set(BreakdownSuggestion.objects.values_list("job_id", flat=True)) == {job.pk}


def test_a_breakdown_whose_scenes_were_deleted_is_not_retried(api, story, fake_claude):
    fake_claude.fail(400, "invalid_request_error", "prompt is too long")
    job = failed(started(api.post("/api/ai/breakdown/", {"scene": story.scenes["1"].pk}, format="json")).pk)
    assert api.delete(f"/api/scenes/{story.scenes['1'].pk}/").status_code == 204

    assert_refused_and_unchanged(api, job, "The scenes to break down were deleted")


# --- storyboards ---------------------------------------------------------------------------------------

THREE_FRAMES = {"template": "{scene.location} at {scene.time_of_day}, charcoal", "seeds": "1-3"}


def submitted(fal) -> list[int]:
    """The seeds fal was asked to make, in order."""
    return [body["seed"] for body in fal.submissions]


def test_a_storyboard_retry_asks_fal_only_for_the_frame_that_failed_and_the_shot_ends_with_all_three(
        api, shot, user, fal, media_root):
    fal.behaviour, fal.fail_at = "error", 1  # the second frame fails at fal
    job = failed(order(api, shot, **THREE_FRAMES).json()["job"]["id"])
    assert job.error == ("fal.ai could not make frame 2 of 3: CUDA out of memory on the runner. "
                         "2 of the 3 frames are on the shot; retrying the job makes only frame 2.")
    assert [a.generation["seed"] for a in MediaAsset.objects.filter(shot=shot).order_by("id")] == [1, 3]
    assert submitted(fal) == [1, 2, 3]
    fal.behaviour = "normal"  # fal's runner is back

    response = retry(api, job)

    assert response.status_code == 200, response.content
    assert [(i["frame"], i["seed"]) for i in response.json()["params"]["items"]] == [(2, 2)]
    assert response.json()["params"]["count"] == 3
    job = job_run(job.pk)
    assert (job.status, job.attempts, job.error) == (JobStatus.SUCCEEDED, 2, "")
    assert submitted(fal) == [1, 2, 3, 2]  # one more request: frame 2, nothing made twice
    assets = sorted(MediaAsset.objects.filter(shot=shot), key=lambda a: a.generation["frame"])
    assert [(a.generation["frame"], a.generation["seed"], a.job_id) for a in assets] == [(1, 1, job.pk), (2, 2, job.pk), (3, 3, job.pk)]
    assert job.result == {"shot_id": shot.pk, "model": "fal-ai/flux/schnell", "count": 3, "media_assets": [a.pk for a in assets]}
    assert assets[1].original_name == "12-3 seed 2.png" and assets[1].uploaded_by == user
    assert len(stored_files(media_root)) == 6  # three originals, three posters
    assert Event.objects.filter(type="media_asset.created").count() == 3
    assert Job.objects.count() == 1


def test_a_storyboard_whose_shot_was_deleted_is_not_retried(api, shot, fal):
    fal.behaviour, fal.fail_at = "error", 0
    job = failed(order(api, shot, template="{scene.location}", seeds="1").json()["job"]["id"])
    assert api.delete(f"/api/shots/{shot.pk}/").status_code == 204
    asked = len(fal.requests)

    assert_refused_and_unchanged(api, job, "The shot was deleted")
    assert len(fal.requests) == asked

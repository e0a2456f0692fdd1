"""AI writing: a scene or a whole script version written by Claude, streamed live, landing as a new version.

The real anthropic SDK talks to the local fake Messages API (tests/generation/fake_anthropic.py);
jobs run through `job_run` as in the worker. On every failure path we check that the job says
why and that no version was made.
"""
from __future__ import annotations

import asyncio
import threading
import time

import pytest

from apps.jobs.models import Job, JobStatus
from apps.jobs.services import job_cancel, job_run
from apps.scripts.models import ScriptVersion
from tests.factories import ShotFactory
from tests.generation.writing_fixtures import *  # noqa: F401,F403 — fixtures: fake_claude, story, sockets...
from tests.generation.writing_fixtures import NEW_SCENE, SCREENPLAY, make_story
from tests.realtime.helpers import receive_until, run_sync, subscribe

pytestmark = pytest.mark.django_db


def scene_url(story) -> str:
    return f"/api/ai/scripts/{story.script.pk}/scenes/generate/"


def start_scene(api, story, **body) -> Job:
    response = api.post(scene_url(story), body, format="json")
    assert response.status_code == 202, response.content
    return Job.objects.get(pk=response.json()["job"]["id"])


def versions(story) -> list[int]:
    return list(ScriptVersion.objects.filter(script=story.script).order_by("number").values_list("number", flat=True))


# --- who may, and without a key ---------------------------------------------------------------------

def test_without_a_key_every_ai_endpoint_answers_503_not_configured_and_makes_no_job(api, story, not_configured):
    calls = [
        (f"/api/ai/scripts/{story.script.pk}/generate/", {"logline": "A heist in a library.", "form": "outline"}),
        (scene_url(story), {"scene": story.scenes["2"].pk, "goal": "Maya escapes"}),
        ("/api/ai/breakdown/", {"scene": story.scenes["1"].pk}),
    ]
    for url, body in calls:
        response = api.post(url, body, format="json")
        assert response.status_code == 503, (url, response.content)
        assert response.json()["code"] == "not_configured"
        assert response.json()["extra"]["variable"] == "ANTHROPIC_API_KEY"
        assert "ANTHROPIC_API_KEY" in response.json()["message"]
    assert Job.objects.count() == 0


def test_viewer_gets_403_and_someone_from_another_production_404_and_no_job(api_for, story, fake_claude, other_user):
    body = {"scene": story.scenes["2"].pk, "goal": "Maya escapes"}
    viewer = api_for(story.viewer).post(scene_url(story), body, format="json")
    outsider = api_for(other_user).post(scene_url(story), body, format="json")
    outsider_script = api_for(other_user).post(f"/api/ai/scripts/{story.script.pk}/generate/", {"form": "outline"}, format="json")

    assert (viewer.status_code, viewer.json()["code"]) == (403, "forbidden")
    assert (outsider.status_code, outsider.json()["code"]) == (404, "not_found")
    assert outsider_script.status_code == 404
    assert Job.objects.count() == 0 and fake_claude.requests == []


def test_without_a_key_membership_is_checked_first_so_nobody_outside_learns_whether_ai_is_on(api_for, story, not_configured, other_user):
    outsider, viewer = api_for(other_user), api_for(story.viewer)
    scene = {"scene": story.scenes["2"].pk, "goal": "Maya escapes"}

    answers = {
        "outsider writes a script": outsider.post(f"/api/ai/scripts/{story.script.pk}/generate/", {"form": "outline"}, format="json"),
        "outsider writes a scene": outsider.post(scene_url(story), scene, format="json"),
        "outsider breaks down a scene": outsider.post("/api/ai/breakdown/", {"scene": story.scenes["1"].pk}, format="json"),
        "viewer writes a script": viewer.post(f"/api/ai/scripts/{story.script.pk}/generate/", {"form": "outline"}, format="json"),
        "viewer breaks down a scene": viewer.post("/api/ai/breakdown/", {"scene": story.scenes["1"].pk}, format="json"),
    }

    assert {what: (r.status_code, r.json()["code"]) for what, r in answers.items()} == {
        "outsider writes a script": (404, "not_found"),
        "outsider writes a scene": (404, "not_found"),
        "outsider breaks down a scene": (400, "invalid"),  # a body naming another production's row, as everywhere
        "viewer writes a script": (403, "forbidden"),
        "viewer breaks down a scene": (403, "forbidden"),
    }
    assert "scene" in answers["outsider breaks down a scene"].json()["extra"]["fields"]
    assert Job.objects.count() == 0


def test_a_new_scene_needs_a_setting_or_a_goal_and_not_both_scene_and_after_scene(api, story, fake_claude):
    empty = api.post(scene_url(story), {"tone": "grim"}, format="json")
    both = api.post(scene_url(story), {"scene": story.scenes["1"].pk, "after_scene": story.scenes["2"].pk, "goal": "x"}, format="json")
    bad_form = api.post(f"/api/ai/scripts/{story.script.pk}/generate/", {"form": "novel"}, format="json")

    assert (empty.status_code, empty.json()["code"]) == (400, "invalid")
    assert "setting" in empty.json()["extra"]["fields"]
    assert (both.status_code, both.json()["code"]) == (400, "invalid")
    assert bad_form.status_code == 400
    assert Job.objects.count() == 0


# --- the happy paths ------------------------------------------------------------------------------

def test_regenerated_scene_lands_as_a_new_version_and_the_scene_keeps_its_crew_data(api, story, fake_claude):
    alley = story.scenes["2"]
    shot = ShotFactory(scene=alley, production=story.production, description="Cruiser pass-by")
    fake_claude.answer_text(NEW_SCENE, chunk=16)

    job = start_scene(api, story, scene=alley.pk, setting="An archive under the library", goal="Maya finds the ledger",
                      tension="Cyber Bob is already there", tone="Menacing hush")
    job_run(job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    v2 = ScriptVersion.objects.get(pk=job.result["script_version_id"])
    assert (job.result["version"], v2.number, v2.source, v2.summary) == (2, 2, "generation", "Regenerated scene 2")
    assert v2.parent_id == story.v1.pk and v2.source_name == "claude-test-model"
    story.v1.refresh_from_db()
    assert story.v1.text == SCREENPLAY  # never overwritten
    assert "INT. ARCHIVE - NIGHT #2#" in v2.text and "Every name but yours." in v2.text
    assert "police cruiser" not in v2.text  # the old scene 2 is gone from v2...
    assert "Rain drums on the skylight." in v2.text and "Someone has been reading." in v2.text  # ...its neighbours are not
    alley.refresh_from_db()
    assert (alley.location, alley.int_ext, alley.script_version_id) == ("ARCHIVE", "INT", v2.pk)  # same scene row
    assert list(alley.shots.values_list("pk", flat=True)) == [shot.pk]
    assert v2.scene_ids == [story.scenes["1"].pk, alley.pk, story.scenes["3"].pk]

    request = fake_claude.requests[0]
    headers = request["headers"]  # the SDK sends the key as x-api-key or, in 2.x, as a bearer token
    assert headers.get("x-api-key") == "sk-ant-test-dummy" or headers.get("authorization") == "Bearer sk-ant-test-dummy"
    assert headers["anthropic-version"] and request["path"] == "/v1/messages"
    body = request["body"]
    assert (body["model"], body["max_tokens"], body["temperature"], body["stream"]) == ("claude-test-model", 2000, 0.7, True)
    prompt = body["messages"][0]["content"]
    assert "Genre (locked: keep to it exactly): Neo-noir" in prompt
    assert "Tone (locked: keep to it exactly): Hushed, wry" in prompt
    assert "Personality: Fastidious, secretly sentimental" in prompt and "Voice: Clipped, catalogue-precise" in prompt
    assert "Backstory: Rebuilt from a 1970s card-sorting machine" in prompt
    assert "police cruiser" in prompt  # the scene being rewritten
    assert "Goal of the scene: Maya finds the ledger" in prompt and "Tone of the scene: Menacing hush" in prompt
    assert "Fountain" in body["system"]


def test_new_scene_goes_after_the_named_scene_with_the_sheets_of_characters_the_brief_names(api, story, fake_claude):
    fake_claude.answer_text("Sure, here it is:\n\n" + NEW_SCENE)

    job = start_scene(api, story, after_scene=story.scenes["1"].pk, setting="The archive", goal="Maya Vance opens the drawer")
    job_run(job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    v2 = ScriptVersion.objects.get(pk=job.result["script_version_id"])
    assert v2.summary == "New scene after scene 1" and "Sure, here it is" not in v2.text
    order = [v2.text.index(s) for s in ("INT. LIBRARY - NIGHT", "INT. ARCHIVE - NIGHT", "EXT. ALLEY - NIGHT", "INT. LIBRARY - DAY")]
    assert order == sorted(order)
    assert v2.scene_count == 4 and v2.scene_ids[0] == story.scenes["1"].pk and story.scenes["2"].pk in v2.scene_ids
    prompt = fake_claude.bodies()[0]["messages"][0]["content"]
    assert "MAYA VANCE" in prompt and "Goals: Expose the ledger's names" in prompt
    assert "Rain drums on the skylight." in prompt  # the scene before, for continuity


def test_script_generated_from_the_logline_as_an_outline_becomes_the_next_version(api, story, fake_claude):
    outline = ("# Act One\n\n= Bob guards the stacks.\n\nINT. LIBRARY - NIGHT\n\n= Maya steals the ledger.\n\n"
               "# Act Two\n\nEXT. ROOFTOP - NIGHT\n\n= Bob corners Maya.\n\n# Act Three\n\nINT. ARCHIVE - DAY\n\n= The names go public.\n")
    fake_claude.answer_text(outline)

    response = api.post(f"/api/ai/scripts/{story.script.pk}/generate/", {"form": "outline"}, format="json")
    assert response.status_code == 202, response.content
    assert response.json()["job"]["kind"] == "ai.write_script" and response.json()["job"]["status"] == "pending"
    job_run(response.json()["job"]["id"])

    job = Job.objects.get(pk=response.json()["job"]["id"])
    assert job.status == JobStatus.SUCCEEDED, job.error
    v2 = ScriptVersion.objects.get(pk=job.result["script_version_id"])
    assert (v2.number, v2.source, v2.scene_count, v2.summary) == (2, "generation", 3, "Generated outline from the logline")
    assert v2.text.startswith("# Act One")
    prompt = fake_claude.bodies()[0]["messages"][0]["content"]
    assert "A robot librarian hunts a stolen ledger." in prompt  # the script's own logline
    assert "three-act outline" in prompt and "Neo-noir" in prompt and "MAYA VANCE" in prompt


def test_progress_events_carry_the_growing_text_and_the_complete_text_last(api, story, fake_claude, settings, monkeypatch):
    import json

    frames = []
    monkeypatch.setattr("apps.realtime.sender.group_send", lambda group, message, **kw: frames.append(json.loads(message["text"])) or True)
    settings.SLATE_JOB_PROGRESS_INTERVAL_S = 0.0
    fake_claude.answer_text(NEW_SCENE, chunk=10)

    job = start_scene(api, story, scene=story.scenes["3"].pk, goal="Bob confronts Maya")
    job_run(job.pk)

    texts = [f["data"]["text"] for f in frames if f["type"] == "job.progress" and "text" in f["data"]]
    assert texts[0] == "" and texts[-1] == NEW_SCENE
    assert all(len(a) <= len(b) and b.startswith(a) for a, b in zip(texts, texts[1:]))
    assert len(set(texts)) >= 10  # one per delta at this interval


# --- failures: a clear failed job and no version ----------------------------------------------------

@pytest.mark.parametrize("script_it, error", [
    (lambda fake: fake.fail(529, "overloaded_error", "Overloaded"), "Claude answered 529 overloaded: Overloaded"),
    (lambda fake: fake.fail(500, "api_error", "Internal server error"), "Claude answered 500 api: Internal server error"),
    (lambda fake: fake.error_event(NEW_SCENE, after=3), "Claude stopped with an error: overloaded: Overloaded"),
    (lambda fake: fake.answer_text("   \n"), "Claude answered with no text; nothing was saved."),
    (lambda fake: fake.answer_text(NEW_SCENE[:40], stop_reason="max_tokens"),
     "Claude's answer reached the limit of 2000 tokens before it finished (SLATE_ANTHROPIC_MAX_TOKENS); nothing was saved."),
], ids=["overloaded", "server-error", "error-mid-stream", "empty", "cut-off"])
def test_claude_failures_fail_the_job_readably_and_make_no_version(api, story, fake_claude, script_it, error):
    script_it(fake_claude)

    job = start_scene(api, story, scene=story.scenes["2"].pk, goal="Maya escapes")
    job_run(job.pk)

    job.refresh_from_db()
    assert (job.status, job.error) == (JobStatus.FAILED, error)
    assert versions(story) == [1]


def test_an_overloaded_claude_is_retried_by_the_sdk_before_the_job_fails(api, story, fake_claude):
    fake_claude.fail(529, "overloaded_error", "Overloaded")

    job_run(start_scene(api, story, scene=story.scenes["2"].pk, goal="x").pk)

    assert len(fake_claude.requests) == 3  # the first try and two retries


@pytest.mark.parametrize("script_it", [lambda fake: fake.hang(), lambda fake: fake.stall(NEW_SCENE, after=2)], ids=["no-answer", "stalls"])
def test_a_claude_that_does_not_answer_in_time_fails_the_job_with_the_timeout(api, story, fake_claude, settings, script_it):
    settings.SLATE_ANTHROPIC_TIMEOUT_S = 0.3
    script_it(fake_claude)

    job = start_scene(api, story, scene=story.scenes["2"].pk, goal="Maya escapes")
    job_run(job.pk)

    job.refresh_from_db()
    assert (job.status, job.error) == (JobStatus.FAILED, "Claude did not answer within 0.3 s.")
    assert versions(story) == [1]


@pytest.mark.django_db(transaction=True)
def test_cancelling_while_claude_writes_closes_the_stream_and_makes_no_version(make_user, fake_claude):
    owner = make_user()
    story = make_story(owner=owner)
    # ~1,600 deltas over ~30 s: far longer than the job takes to notice a cancel (its progress reads the row once a
    # second), so the stream cannot end first on a loaded machine, where it once did when it lasted ~3 s.
    fake_claude.answer_text(NEW_SCENE * 40, chunk=4, delay_s=0.02)
    from apps.generation.writing.services import scene_generate_start

    job = scene_generate_start(script=story.script, actor=owner, scene=story.scenes["2"], goal="Maya escapes")
    worker = threading.Thread(target=job_run, args=(job.pk,))
    worker.start()
    # Cancel once Claude is writing: the job first imports the SDK (lazily, seconds on a loaded machine) and asks.
    deadline = time.monotonic() + 60
    while (not fake_claude.streams or fake_claude.streams[0].deltas_sent < 5) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert fake_claude.streams and fake_claude.streams[0].deltas_sent >= 5, "Claude's answer never began streaming"
    job_cancel(job=Job.objects.get(pk=job.pk), actor=owner)
    worker.join(timeout=60)
    assert not worker.is_alive(), "the job went on writing after it was cancelled"

    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert versions(story) == [1]
    time.sleep(0.3)  # the server notices the closed connection at its next write
    stream = fake_claude.streams[0]
    assert not stream.finished and stream.disconnected
    assert stream.deltas_sent < len(NEW_SCENE * 40) // 4


# --- live: two members watch the scene being written ----------------------------------------------

@pytest.mark.django_db(transaction=True)
async def test_a_generated_scene_streams_to_two_members_sockets_and_lands_as_a_new_version(make_user, connect_as, fake_claude, settings):
    from apps.productions.models import Role

    settings.SLATE_JOB_PROGRESS_INTERVAL_S = 0.05
    owner, member = await run_sync(make_user), await run_sync(make_user)
    story = await run_sync(make_story, owner=owner, members={member: Role.SCRIPT_SUPERVISOR})
    sockets = [await connect_as(owner), await connect_as(member)]
    for socket in sockets:
        await subscribe(socket, story.production.pk)
    fake_claude.answer_text(NEW_SCENE, chunk=6, delay_s=0.01)

    def start_and_run():
        from apps.generation.writing.services import scene_generate_start

        job = scene_generate_start(script=story.script, actor=owner, scene=story.scenes["2"], goal="Maya finds the ledger")
        return job_run(job.pk)

    job = await asyncio.wait_for(run_sync(start_and_run), timeout=20)

    assert job.status == JobStatus.SUCCEEDED, job.error
    for socket in sockets:
        frames = await receive_until(socket, lambda f: f["type"] == "job.updated" and f["data"]["status"] == "succeeded", limit=400)
        texts = [f["data"]["text"] for f in frames if f["type"] == "job.progress" and f["entity_id"] == str(job.pk) and "text" in f["data"]]
        assert len(set(texts)) >= 3, texts  # the scene grew on screen
        assert all(b.startswith(a) for a, b in zip(texts, texts[1:]))
        assert texts[-1] == NEW_SCENE
        created = [f for f in frames if f["type"] == "script_version.created"]
        assert [(f["data"]["number"], f["data"]["source"]) for f in created] == [(2, "generation")]


# --- where the scene goes in the text -------------------------------------------------------------

def test_a_new_scene_without_after_scene_goes_at_the_end(api, story, fake_claude):
    fake_claude.answer_text(NEW_SCENE)

    job = start_scene(api, story, setting="The archive", goal="The ledger is found")
    job_run(job.pk)

    job.refresh_from_db()
    v2 = ScriptVersion.objects.get(pk=job.result["script_version_id"])
    assert v2.summary == "New scene at the end"
    assert v2.text.startswith(SCREENPLAY.rstrip("\n")) and v2.text.rstrip("\n").endswith("Every name but yours.")
    assert v2.scene_ids[:3] == [story.scenes[n].pk for n in ("1", "2", "3")] and len(v2.scene_ids) == 4


def test_splicing_keeps_act_sections_with_what_follows_and_drops_a_preamble():
    from apps.generation.writing import splice

    text = "# Act One\n\nINT. A - DAY\n\nBob waits.\n\n# Act Two\n\nEXT. B - NIGHT\n\nRain.\n"
    spans = splice.scene_spans(text)
    block = splice.scene_block("```fountain\nHere you go:\n\nINT. C - DAY\n\nBob runs.\n```", number="1")

    assert block == "INT. C - DAY #1#\n\nBob runs."
    assert splice.replace_scene(text, spans[0], block) == "# Act One\n\nINT. C - DAY #1#\n\nBob runs.\n\n# Act Two\n\nEXT. B - NIGHT\n\nRain.\n"
    assert splice.insert_scene(text, block, after=spans[0]) == (
        "# Act One\n\nINT. A - DAY\n\nBob waits.\n\nINT. C - DAY #1#\n\nBob runs.\n\n# Act Two\n\nEXT. B - NIGHT\n\nRain.\n")
    assert splice.scene_block("Bob just stands there.", fallback_heading="INT. A - DAY") == "INT. A - DAY\n\nBob just stands there."
    assert splice.scene_block("No heading at all.") is None


def test_an_answer_whose_headings_run_straight_on_is_spliced_as_the_scenes_it_meant():
    """Fountain 1.1 reads a heading with no blank line after it as action; a model's answer often has none. The block
    gets the blank line, so the new version reads with the scenes the answer meant (two here), not as action under
    the previous scene's heading or a made-up one."""
    from apps.generation.writing import splice
    from apps.scripts import fountain

    block = splice.scene_block("Here you go:\n\nINT. LIBRARY - DAY\nAna reads.\n\nEXT. PARK - NIGHT\nRain.", number="4",
                               fallback_heading="INT. NOWHERE - DAY")

    assert block == "INT. LIBRARY - DAY #4#\n\nAna reads.\n\nEXT. PARK - NIGHT\n\nRain."
    scenes = fountain.scenes(fountain.parse(block))
    assert [(s.heading, s.number) for s in scenes] == [("INT. LIBRARY - DAY", "4"), ("EXT. PARK - NIGHT", None)]

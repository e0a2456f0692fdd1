"""Storyboards through fal.ai: orders, the `ai.storyboard` job, image assets on the shot, templates, favourites.

The real fal-client SDK talks HTTPS to `tests.generation.fake_fal` (a local queue that serves real
PNGs), reached through fal-client's host setting FAL_QUEUE_RUN_HOST and trusted through
SSL_CERT_FILE. Jobs run through `apps.jobs.services.job_run`, as in the worker; live frames are
recorded by replacing `apps.realtime.sender.group_send`; stored events are read from `Event`.
"""
from __future__ import annotations

import io
import json
import re

import pytest
from PIL import Image

from apps.generation.storyboards.models import StoryboardFavourite, StoryboardTemplate
from apps.jobs.models import Job, JobStatus
from apps.jobs.services import job_cancel, job_run
from apps.media.models import MediaAsset, MediaKind, Rendition
from apps.realtime.models import Event
from tests.generation.fake_fal import LOG_LINES
from tests.generation.storyboard_fixtures import *  # noqa: F401,F403 — fixtures: fal, media_root, shot, production, viewer
from tests.generation.storyboard_fixtures import NOIR_PASTEL, order, stored_files

PREVIEW = "/api/ai/storyboards/preview/"
TEMPLATES = "/api/storyboard-templates/"
FAVOURITES = "/api/storyboard-favourites/"


@pytest.fixture
def sent(sent_envelopes):
    """Every live frame sent during the test (tests/conftest.py `sent_envelopes`)."""
    return sent_envelopes


def progress_messages(frames, job) -> list[str]:
    return [f["data"]["message"] for f in frames if f["type"] == "job.progress" and f["entity_id"] == str(job.pk)]


# --- configuration and preview ------------------------------------------------------------------

def test_order_without_fal_key_answers_503_not_configured_and_creates_no_job(api, shot, settings):
    settings.FAL_KEY = ""

    response = order(api, shot)

    assert response.status_code == 503
    assert response.json()["code"] == "not_configured"
    assert response.json()["extra"] == {"variable": "FAL_KEY", "feature": "Storyboard generation"}
    assert not Job.objects.exists()
    assert not Event.objects.filter(entity="job").exists()


def test_order_without_fal_key_by_someone_outside_the_production_is_404_not_503(api_for, other_user, shot, settings):
    settings.FAL_KEY = ""

    response = order(api_for(other_user), shot)

    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert not Job.objects.exists()


def test_preview_expands_the_order_for_the_shot_without_a_key(api, shot, settings):
    settings.FAL_KEY = ""

    response = api.post(PREVIEW, {"shot": shot.pk, "template": NOIR_PASTEL, "seeds": "1-3"}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 6
    assert body["items"][0] == {"prompt": "Close-up, 35mm lens, LIBRARY at NIGHT, noir", "seed": 1, "choices": {"style": "noir"}}
    assert [(i["seed"], i["choices"]["style"]) for i in body["items"]] == [
        (1, "noir"), (2, "noir"), (3, "noir"), (1, "pastel"), (2, "pastel"), (3, "pastel")]
    assert body["tokens"]["scene.slugline"] == "INT. LIBRARY - NIGHT"
    assert body["tokens"]["shot.movement"] == "Handheld"


def test_bad_template_or_seeds_answer_400_naming_the_field_and_create_no_job(api, shot, fal):
    unknown = order(api, shot, template="{shot.colour} frame")
    backwards = order(api, shot, seeds="3-1")
    too_many = order(api, shot, seeds="1-20")
    bad_model = order(api, shot, model="../../admin")

    assert unknown.status_code == 400
    assert unknown.json()["code"] == "invalid"
    assert unknown.json()["message"].startswith("Unknown token {shot.colour}")
    assert list(unknown.json()["extra"]["fields"]) == ["template"]
    assert backwards.json()["extra"]["fields"] == {"seeds": ["Seed range '3-1' runs backwards; write 1-3."]}
    assert too_many.json()["extra"]["fields"] == {"seeds": ["This order makes 40 images; one order may make at most 24."]}
    assert bad_model.status_code == 400 and list(bad_model.json()["extra"]["fields"]) == ["model"]
    assert not Job.objects.exists()
    assert fal.requests == []


def test_viewer_cannot_order_and_non_members_see_no_shot(api_for, shot, viewer, other_user, fal):
    assert order(api_for(viewer), shot).status_code == 403
    assert order(api_for(other_user), shot).status_code == 404
    assert api_for(other_user).post(PREVIEW, {"shot": shot.pk, "template": "x"}, format="json").status_code == 404
    assert api_for(viewer).post(PREVIEW, {"shot": shot.pk, "template": "x"}, format="json").status_code == 200
    assert not Job.objects.exists()


# --- the order, end to end ------------------------------------------------------------------------

def test_an_order_of_two_styles_by_three_seeds_lands_as_six_images_on_the_shot(api, shot, user, fal, sent, media_root):
    response = order(api, shot)

    assert response.status_code == 202
    assert response.json()["count"] == 6
    job = Job.objects.get(pk=response.json()["job"]["id"])
    assert job.kind == "ai.storyboard" and job.status == JobStatus.PENDING
    assert job.params["model"] == "fal-ai/flux/schnell"
    assert Event.objects.filter(type="job.created", entity_id=str(job.pk)).exists()

    job = job_run(job.pk)

    assert job.status == JobStatus.SUCCEEDED, job.error
    assets = list(MediaAsset.objects.filter(shot=shot).order_by("id"))
    assert len(assets) == 6
    assert job.result == {"shot_id": shot.pk, "model": "fal-ai/flux/schnell", "count": 6, "media_assets": [a.pk for a in assets]}
    assert [(a.generation["choices"]["style"], a.generation["seed"]) for a in assets] == [
        ("noir", 1), ("noir", 2), ("noir", 3), ("pastel", 1), ("pastel", 2), ("pastel", 3)]
    for asset in assets:
        assert asset.kind == MediaKind.IMAGE and asset.status == "ready" and asset.production_id == shot.production_id
        assert (asset.width, asset.height, asset.format_name) == (96, 54, "png")
        assert asset.uploaded_by == user and asset.job_id == job.pk
        assert asset.generation["model"] == "fal-ai/flux/schnell" and asset.generation["request_id"]
        with Image.open(media_root / asset.original.name) as image:
            assert image.format == "PNG" and image.size == (96, 54)
        poster = asset.renditions.get(kind="poster")
        with Image.open(media_root / poster.file.name) as image:
            assert image.format == "JPEG" and image.size == (96, 54)
    assert assets[0].original_name == "12-3 noir seed 1.png"

    # what fal received: one request per item, with the key, in order
    submits = [r for r in fal.requests if r["method"] == "POST"]
    assert {r["path"] for r in submits} == {"/fal-ai/flux/schnell"}
    assert {r["headers"]["authorization"] for r in fal.requests if not r["path"].startswith("/img/")} == {f"Key {fal.key}"}
    assert [(b["prompt"], b["seed"]) for b in fal.submissions] == [
        (f"Close-up, 35mm lens, LIBRARY at NIGHT, {style}", seed) for style in ("noir", "pastel") for seed in (1, 2, 3)]
    assert all(b["num_images"] == 1 for b in fal.submissions)
    polled_with_logs = {r["path"].split("/")[4] for r in fal.requests if r["path"].endswith("/status") and r["query"]["logs"] == ["true"]}
    assert len(polled_with_logs) == 6

    # live progress: queue position and fal's log lines
    messages = progress_messages(sent, job)
    assert "In queue: position 2 (frame 1 of 6)" in messages
    assert "In queue: position 1 (frame 6 of 6)" in messages
    assert f"{LOG_LINES[0]} (frame 3 of 6)" in messages
    assert f"{LOG_LINES[1]} (frame 6 of 6)" in messages
    extras = [f["data"]["storyboard"] for f in sent if f["type"] == "job.progress" and "storyboard" in f["data"]]
    assert {"state": "queued", "queue_position": 2, "frame": 1, "count": 6, "done": 0} in extras

    # each frame published once, after the order was whole; the REST list shows them on the shot
    created = Event.objects.filter(type="media_asset.created").order_by("id")
    assert [e.entity_id for e in created] == [str(a.pk) for a in assets]
    assert created[0].data["kind"] == "image" and created[0].data["shot"] == shot.pk
    listed = api.get("/api/media/", {"shot": shot.pk, "kind": "image"}).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert len(rows) == 6
    assert rows[0]["renditions"][0]["kind"] == "poster"
    assert rows[0]["original_url"] == f"/api/media/{rows[0]['id']}/original/"
    original = api.get(rows[0]["original_url"])
    assert original.status_code == 200 and original["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(b"".join(original.streaming_content))) as image:
        assert image.size == (96, 54)


def test_model_given_with_the_order_is_the_one_called(api, shot, fal):
    response = order(api, shot, template="{scene.location}", seeds="4", model="fal-ai/flux/dev")

    job = job_run(response.json()["job"]["id"])

    assert job.status == JobStatus.SUCCEEDED, job.error
    assert [r["path"] for r in fal.requests if r["method"] == "POST"] == ["/fal-ai/flux/dev"]
    assert MediaAsset.objects.get(shot=shot).generation["model"] == "fal-ai/flux/dev"


# --- failures: what fal made is kept, nothing half-written -----------------------------------------

def test_a_shot_deleted_before_the_job_runs_fails_it_without_calling_fal(api, shot, fal):
    job_id = order(api, shot).json()["job"]["id"]
    shot.delete()

    job = job_run(job_id)

    assert job.status == JobStatus.FAILED
    assert job.error == "The shot was deleted before its storyboard frames could be made."
    assert fal.requests == []


def test_a_fal_error_on_one_frame_fails_the_job_naming_it_and_keeps_the_frames_fal_made(api, shot, fal, sent, media_root):
    fal.behaviour, fal.fail_at = "error", 3

    job = job_run(order(api, shot).json()["job"]["id"])

    assert job.status == JobStatus.FAILED
    assert job.error == ("fal.ai could not make frame 4 of 6: CUDA out of memory on the runner. "
                         "5 of the 6 frames are on the shot; retrying the job makes only frame 4.")
    assets = list(MediaAsset.objects.filter(shot=shot).order_by("id"))
    assert [a.generation["frame"] for a in assets] == [1, 2, 3, 5, 6]  # paid for at fal: kept, each with its place in the order
    assert all(a.job_id == job.pk for a in assets) and Rendition.objects.count() == 5
    assert len([r for r in fal.requests if r["path"].startswith("/img/")]) == 5  # the failed frame had no image to fetch
    assert fal.cancelled == []  # the other frames were not stopped by the failure
    assert len(stored_files(media_root)) == 10  # originals and posters of the five
    assert [e.entity_id for e in Event.objects.filter(type="media_asset.created").order_by("id")] == [str(a.pk) for a in assets]


def test_a_request_fal_refuses_fails_the_job_with_its_reason(api, shot, fal):
    fal.behaviour = "reject"

    job = job_run(order(api, shot).json()["job"]["id"])

    assert job.status == JobStatus.FAILED
    assert job.error == ("fal.ai could not take frame 1 of 6: fal.ai refused to submit the request (HTTP 422): "
                         "image_size: unsupported image size")
    assert not MediaAsset.objects.exists()


def test_a_wrong_key_fails_the_job_saying_so(api, shot, fal, settings):
    response = order(api, shot)
    settings.FAL_KEY = "not-the-key"

    job = job_run(response.json()["job"]["id"])

    assert job.status == JobStatus.FAILED
    assert "(HTTP 401): No user found for Key ID and Secret" in job.error


def test_fal_not_finishing_in_time_fails_the_job_and_cancels_the_requests(api, shot, fal, settings, media_root):
    fal.behaviour = "hang"
    settings.SLATE_FAL_TIMEOUT_S = 0.3

    job = job_run(order(api, shot, seeds="1").json()["job"]["id"])

    assert job.status == JobStatus.FAILED
    assert re.fullmatch(r"fal\.ai did not finish within 0\.3 s \(frame [12] of 2\)\.", job.error), job.error
    assert len(fal.request_ids) == 2 and sorted(fal.cancelled) == sorted(fal.request_ids)  # none left running at fal
    assert not MediaAsset.objects.exists()
    assert stored_files(media_root) == []


def test_cancelling_the_job_cancels_its_requests_at_fal_and_leaves_no_frames(api, shot, user, fal, monkeypatch, media_root):
    """The crew cancels while fal is working: the next progress report notices, fal gets a cancel per request."""
    fal.behaviour = "hang"
    monkeypatch.setattr("apps.jobs.running.DB_PROGRESS_EVERY_S", 0.0)
    job_id = order(api, shot).json()["job"]["id"]

    def cancel_on_first_log(group, message, *, timeout_s=5.0):
        envelope = json.loads(message["text"])
        if envelope["type"] == "job.progress" and LOG_LINES[0] in envelope["data"]["message"]:
            job = Job.objects.get(pk=job_id)
            if not job.cancel_requested:
                job_cancel(job=job, actor=user)
        return True

    monkeypatch.setattr("apps.realtime.sender.group_send", cancel_on_first_log)

    job = job_run(job_id)

    assert job.status == JobStatus.CANCELLED
    assert len(fal.request_ids) == 6 and sorted(fal.cancelled) == sorted(fal.request_ids)
    assert not MediaAsset.objects.exists()
    assert stored_files(media_root) == []


# --- templates -------------------------------------------------------------------------------------

def test_templates_are_saved_listed_and_updated_with_their_version(api, production, user, captured_events):
    with captured_events() as events:
        created = api.post(TEMPLATES, {"production": production.pk, "name": "Noir or pastel", "template": NOIR_PASTEL,
                                       "seeds": "1-3"}, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body | {"id": 0, "created_at": "", "updated_at": ""} == {
        "id": 0, "production": production.pk, "name": "Noir or pastel", "template": NOIR_PASTEL, "style": "", "seeds": "1-3",
        "created_by": user.pk, "version": 1, "created_at": "", "updated_at": ""}
    assert [(e["type"], e["data"]["name"]) for e in events] == [("storyboard_template.created", "Noir or pastel")]

    updated = api.patch(f"{TEMPLATES}{body['id']}/", {"style": "charcoal", "version": 1}, format="json")
    stale = api.patch(f"{TEMPLATES}{body['id']}/", {"style": "ink", "version": 1}, format="json")

    assert updated.status_code == 200 and updated.json()["version"] == 2 and updated.json()["style"] == "charcoal"
    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict" and stale.json()["extra"]["current"]["style"] == "charcoal"
    assert api.get(TEMPLATES, {"production": production.pk}).json()["results"][0]["name"] == "Noir or pastel"


def test_a_template_that_does_not_parse_or_repeats_a_name_is_refused(api, production):
    StoryboardTemplate.objects.create(production=production, name="Wide", template="{shot.type}")

    unknown = api.post(TEMPLATES, {"production": production.pk, "name": "Odd", "template": "{shot.colour}"}, format="json")
    twice = api.post(TEMPLATES, {"production": production.pk, "name": "Wide", "template": "{shot.type}"}, format="json")
    seeds = api.post(TEMPLATES, {"production": production.pk, "name": "S", "template": "x", "seeds": "3-1"}, format="json")

    assert unknown.status_code == 400 and unknown.json()["extra"]["fields"]["template"][0].startswith("Unknown token {shot.colour}")
    assert twice.status_code == 400 and "already has a template with that name" in twice.json()["message"]
    assert seeds.status_code == 400 and list(seeds.json()["extra"]["fields"]) == ["seeds"]
    assert StoryboardTemplate.objects.count() == 1


def test_templates_are_scoped_viewers_read_only_and_others_see_nothing(api_for, production, viewer, other_user):
    template = StoryboardTemplate.objects.create(production=production, name="Wide", template="{shot.type}")
    url = f"{TEMPLATES}{template.pk}/"

    assert api_for(viewer).get(url).status_code == 200
    assert api_for(viewer).patch(url, {"name": "X", "version": 1}, format="json").status_code == 403
    assert api_for(viewer).post(TEMPLATES, {"production": production.pk, "name": "V", "template": "x"}, format="json").status_code == 403
    assert api_for(other_user).get(url).status_code == 404
    assert api_for(other_user).delete(url).status_code == 404
    assert api_for(other_user).get(TEMPLATES).json()["results"] == []
    assert StoryboardTemplate.objects.get().name == "Wide"


def test_template_list_takes_a_fixed_number_of_queries(api, production, django_assert_max_num_queries):
    StoryboardTemplate.objects.bulk_create(
        [StoryboardTemplate(production=production, name=f"T{i}", template="{shot.type}") for i in range(40)])

    with django_assert_max_num_queries(6):
        response = api.get(TEMPLATES, {"production": production.pk, "page_size": 50})

    assert response.status_code == 200


# --- favourites -------------------------------------------------------------------------------------

def image_asset(shot, **fields) -> MediaAsset:
    return MediaAsset.objects.create(production=shot.production, kind=MediaKind.IMAGE, shot=shot, original="media/originals/x.png",
                                     original_name="x.png", status="ready", **fields)


def test_a_frame_can_be_marked_favourite_once_with_a_note(api, shot, captured_events):
    frame = image_asset(shot)

    with captured_events() as events:
        created = api.post(FAVOURITES, {"media_asset": frame.pk, "note": "Pitch deck"}, format="json")
    again = api.post(FAVOURITES, {"media_asset": frame.pk}, format="json")

    assert created.status_code == 201
    assert created.json()["shot"] == shot.pk and created.json()["production"] == shot.production_id
    assert [(e["type"], e["data"]["note"]) for e in events] == [("storyboard_favourite.created", "Pitch deck")]
    assert again.status_code == 400 and "already a favourite" in again.json()["message"]
    favourite_id = created.json()["id"]
    assert api.patch(f"{FAVOURITES}{favourite_id}/", {"note": "Poster", "version": 1}, format="json").json()["note"] == "Poster"
    assert api.get(FAVOURITES, {"media_asset__shot": shot.pk}).json()["results"][0]["id"] == favourite_id
    assert api.delete(f"{FAVOURITES}{favourite_id}/").status_code == 204
    assert MediaAsset.objects.filter(pk=frame.pk).exists()


def test_clips_and_other_productions_frames_cannot_be_favourites(api, api_for, shot, other_user, viewer):
    clip = MediaAsset.objects.create(production=shot.production, original="media/originals/c.mp4", original_name="c.mp4")
    frame = image_asset(shot)

    assert api.post(FAVOURITES, {"media_asset": clip.pk}, format="json").status_code == 400
    assert api_for(other_user).post(FAVOURITES, {"media_asset": frame.pk}, format="json").status_code == 400
    assert api_for(viewer).post(FAVOURITES, {"media_asset": frame.pk}, format="json").status_code == 403
    assert not StoryboardFavourite.objects.exists()

"""Generation orders end to end: an order's items run as `ai.generate` jobs against the fake fal.ai queue and the fake
Replicate API (through the real SDKs), products land as media assets, a failed item is retried alone, cancels reach the
provider; permissions, configuration, live events, the gallery, use as frame and the board.

Jobs run in-process through `apps.jobs.services.job_run`, as in the worker; live frames are recorded at
`apps.realtime.sender.group_send` (`sent_envelopes`), stored events read through `captured_events`.
"""
from __future__ import annotations

import pytest
from PIL import Image

from apps.generation.orders.models import GenerationItem, GenerationOrder, GenerationProduct
from apps.generation.orders.services import order_state
from apps.generation.providers import provider_for
from apps.jobs.models import Job, JobStatus
from apps.jobs.services import job_run
from apps.media.models import MediaAsset, MediaKind, Rendition, RenditionKind
from apps.notifications.models import Notification
from apps.realtime.models import Event
from tests.factories import LocationFactory, MediaAssetFactory, SceneFactory, ShotFactory, TakeFactory
from tests.generation.order_fixtures import *  # noqa: F401,F403 — fast_orders (autouse)
from tests.generation.order_fixtures import ORDERS, PREVIEW, PRODUCTS, place, run_items
from tests.generation.replicate_fixtures import *  # noqa: F401,F403 — fake_replicate
from tests.generation.storyboard_fixtures import *  # noqa: F401,F403 — fal, media_root, shot, production, viewer

SIX = {"prompt": "{shot.type}, {scene.location}, {noir|pastel}", "seed": "1-3"}


def statuses(items) -> list[str]:
    return [item.status for item in items]


# --- the acceptance: 6 items, the 4th fails, a retry makes the 6th ---------------------------------------

@pytest.mark.parametrize("machine, fake_name", [("fal-flux-schnell", "fal"), ("replicate-flux-schnell", "fake_replicate")])
def test_six_items_where_the_provider_fails_the_fourth_end_with_five_products_and_a_retry_makes_the_sixth(
        request, api, shot, user, media_root, machine, fake_name):
    fake = request.getfixturevalue(fake_name)
    fake.behaviour, fake.fail_at = "error", 3

    response = place(api, shot.production, machine, SIX, shot=shot)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["item_count"], body["status"], body["machine"]) == (6, "pending", machine)
    assert [(i["index"], i["parameters"]["prompt"], i["parameters"]["seed"]) for i in body["items"]] == [
        (1, "Close-up, LIBRARY, noir", 1), (2, "Close-up, LIBRARY, noir", 2), (3, "Close-up, LIBRARY, noir", 3),
        (4, "Close-up, LIBRARY, pastel", 1), (5, "Close-up, LIBRARY, pastel", 2), (6, "Close-up, LIBRARY, pastel", 3)]

    items = run_items(body["id"])

    assert statuses(items) == ["succeeded", "succeeded", "succeeded", "failed", "succeeded", "succeeded"]
    assert items[3].error == fake.error_message and items[3].attempts == 1
    assert Job.objects.get(pk=items[3].job_id).status == JobStatus.FAILED
    assert fake.error_message in Job.objects.get(pk=items[3].job_id).error
    assert all(Job.objects.get(pk=i.job_id).status == JobStatus.SUCCEEDED for i in items if i.index != 4)
    order = GenerationOrder.objects.get(pk=body["id"])
    assert (order.status, order.progress) == ("partial", 1.0)
    products = GenerationProduct.objects.filter(order=order).order_by("item__index")
    assert [p.item.index for p in products] == [1, 2, 3, 5, 6]
    assert all(i.provider_request_id for i in items)
    told = Notification.objects.filter(recipient=user)  # once for the order, never per item
    assert [(n.kind, n.title, n.body) for n in told] == [
        ("job_succeeded", "Look-development order finished", f"5 of 6 items made on {machine}.")]
    for product in products:
        asset = product.media_asset
        assert (asset.kind, asset.status, asset.shot_id, asset.production_id) == (MediaKind.IMAGE, "ready", shot.pk, shot.production_id)
        assert asset.generation["machine"] == machine and asset.generation["parameters"] == product.item.parameters
        assert asset.generation["request_id"] == product.item.provider_request_id
        with Image.open(media_root / asset.original.name) as image:
            assert image.format == "PNG"
        assert asset.renditions.get(kind=RenditionKind.POSTER).content_type == "image/jpeg"
    sent = fake.submissions
    assert len(sent) == 6
    if fake_name == "fal":
        assert sent[0] == {"num_images": 1, "enable_safety_checker": True, "prompt": "Close-up, LIBRARY, noir", "seed": 1,
                           "image_size": "landscape_16_9", "num_inference_steps": 4}
    else:
        assert sent[0] == {"num_outputs": 1, "prompt": "Close-up, LIBRARY, noir", "seed": 1, "aspect_ratio": "16:9",
                           "num_inference_steps": 4, "output_format": "png", "output_quality": 90, "go_fast": True,
                           "megapixels": "1"}
        assert [r["path"] for r in fake.requests if r["method"] == "POST"][0] == "/v1/models/black-forest-labs/flux-schnell/predictions"
        assert products[0].media_asset.generation["metadata"]["predict_time"] > 0

    retried = api.post(f"/api/generation-items/{items[3].pk}/retry/")

    assert retried.status_code == 200, retried.json()
    assert (retried.json()["status"], retried.json()["error"], retried.json()["progress"]) == ("pending", "", 0.0)
    assert retried.json()["job"] != str(items[3].job_id)
    assert GenerationOrder.objects.get(pk=order.pk).status == "running"
    job = job_run(retried.json()["job"])
    assert job.status == JobStatus.SUCCEEDED, job.error
    item = GenerationItem.objects.get(pk=items[3].pk)
    assert (item.status, item.attempts, item.error) == ("succeeded", 2, "")
    assert GenerationProduct.objects.filter(order=order).count() == 6
    order.refresh_from_db()
    assert (order.status, order.progress) == ("succeeded", 1.0)
    assert Notification.objects.filter(recipient=user).first().body == f"6 of 6 items made on {machine}."
    assert len(fake.submissions) == 7  # only item 4 was asked for again
    assert api.post(f"/api/generation-items/{item.pk}/retry/").json()["code"] == "not_retryable"


# --- refused before anything is sent ---------------------------------------------------------------------

def test_a_parameter_outside_the_schema_is_refused_naming_it_and_nothing_is_stored_or_sent(api, production, fal):
    too_high = place(api, production, "fal-flux-dev", {"prompt": "a door", "guidance_scale": "3|5|70"})
    unknown = place(api, production, "fal-flux-schnell", {"prompt": "a door", "guidance_scale": 3})
    not_listed = place(api, production, "fal-flux-schnell", {"prompt": "a door", "image_size": "cinemascope"})
    unknown_machine = place(api, production, "midjourney", {"prompt": "a door"})

    assert too_high.status_code == 400
    assert too_high.json()["code"] == "invalid" and too_high.json()["extra"]["field"] == "guidance_scale"
    assert too_high.json()["message"] == "guidance_scale: '70' is not allowed; guidance_scale is a number from 1 to 20."
    assert unknown.json()["extra"]["field"] == "guidance_scale" and "is not a parameter of" in unknown.json()["message"]
    assert not_listed.json()["extra"]["fields"] == {"image_size": [not_listed.json()["message"]]}
    assert unknown_machine.json()["extra"]["field"] == "machine"
    assert fal.requests == []
    assert not GenerationOrder.objects.exists() and not GenerationItem.objects.exists() and not Job.objects.exists()
    assert not Event.objects.filter(entity__startswith="generation").exists()


@pytest.mark.parametrize("machine, variable", [("fal-flux-schnell", "FAL_KEY"), ("replicate-sdxl", "REPLICATE_API_TOKEN")])
def test_an_order_without_the_providers_key_answers_503_naming_the_variable_and_stores_nothing(api, production, settings,
                                                                                               machine, variable):
    settings.FAL_KEY, settings.REPLICATE_API_TOKEN = "", ""

    response = place(api, production, machine, {"prompt": "a door"})
    preview = api.post(PREVIEW, {"production": production.pk, "machine": machine, "parameters": {"prompt": "a door"}},
                       format="json")
    machines = {m["id"]: m for m in api.get("/api/machines/").json()}

    assert response.status_code == 503
    assert response.json()["code"] == "not_configured" and response.json()["extra"]["variable"] == variable
    assert not GenerationOrder.objects.exists() and not Job.objects.exists()
    assert preview.status_code == 200 and preview.json()["count"] == 1
    assert (machines[machine]["configured"], machines[machine]["variable"]) == (False, variable)


def test_non_members_get_404_and_viewers_cannot_order_cancel_or_retry(api, api_for, shot, viewer, other_user, fal):
    order = place(api, shot.production, "fal-flux-schnell", {"prompt": "a door", "seed": "1-2"}, shot=shot).json()
    item = order["items"][0]
    outsider, looker = api_for(other_user), api_for(viewer)

    assert place(outsider, shot.production, "fal-flux-schnell", {"prompt": "x"}).status_code == 404
    assert outsider.post(PREVIEW, {"production": shot.production_id, "machine": "fal-flux-schnell",
                                   "parameters": {"prompt": "x"}}, format="json").status_code == 404
    assert outsider.get(f"{ORDERS}{order['id']}/").status_code == 404
    assert outsider.post(f"{ORDERS}{order['id']}/cancel/").status_code == 404
    assert outsider.post(f"/api/generation-items/{item['id']}/retry/").status_code == 404
    assert outsider.get(f"/api/shots/{shot.pk}/board/").status_code == 404
    assert outsider.get(ORDERS).json()["count"] == 0
    assert place(looker, shot.production, "fal-flux-schnell", {"prompt": "x"}).status_code == 403
    assert looker.post(f"{ORDERS}{order['id']}/cancel/").status_code == 403
    assert looker.post(f"/api/generation-items/{item['id']}/cancel/").status_code == 403
    assert looker.get(f"{ORDERS}{order['id']}/").status_code == 200
    assert looker.post(PREVIEW, {"production": shot.production_id, "machine": "fal-flux-schnell",
                                 "parameters": {"prompt": "x"}}, format="json").status_code == 200
    assert GenerationOrder.objects.count() == 1 and fal.requests == []


# --- live events ---------------------------------------------------------------------------------------------

def test_an_orders_items_publish_their_changes_and_progress_live(api, shot, fal, captured_events, sent_envelopes):
    with captured_events() as created:
        order = place(api, shot.production, "fal-flux-schnell", {"prompt": "a door", "seed": "1-2"}, shot=shot).json()

    assert [e["type"] for e in created if e["entity"].startswith("generation")] == [
        "generation_order.created", "generation_item.created", "generation_item.created"]
    assert created[0]["data"]["status"] == "pending" and "items" not in created[0]["data"]
    assert {e["data"]["index"] for e in created if e["type"] == "generation_item.created"} == {1, 2}

    with captured_events() as events:
        run_items(order["id"])

    item_id = order["items"][0]["id"]
    stored = [(e["type"], e["data"].get("status")) for e in events if e["entity_id"] == str(item_id) and e["entity"] == "generation_item"]
    assert stored[0] == ("generation_item.updated", "running") and stored[-1] == ("generation_item.updated", "succeeded")
    orders = [(e["data"]["status"], e["data"]["progress"]) for e in events if e["type"] == "generation_order.updated"]
    assert orders[0] == ("running", 0.0) and orders[-1] == ("succeeded", 1.0) and ("running", 0.5) in orders
    assert [progress for _, progress in orders] == sorted(progress for _, progress in orders)
    products = [e for e in events if e["type"] == "generation_product.created"]
    assert len(products) == 2 and products[0]["data"]["media_asset"]["renditions"][0]["kind"] == "poster"
    live = [f for f in sent_envelopes if f["type"] == "generation_item.progress" and f["entity_id"] == item_id]
    assert live and all(f["id"] is None and f["_group"] == f"production.{shot.production_id}" for f in live)
    assert [f["data"]["queue_position"] for f in live][:3] == [None, 1, 0]  # sent, then fal's 0-based positions
    assert any(f["data"]["log"] == "Generating: step 4/4" for f in live)
    assert [f["data"]["progress"] for f in live] == sorted(f["data"]["progress"] for f in live)
    # Each frame carries the version the item was saved at when it was sent (a screen drops frames older than its copy):
    # the first at the start's, the rest at the version that kept the provider's request id
    started, submitted = [e["data"]["version"] for e in events if e["entity_id"] == str(item_id) and e["type"] == "generation_item.updated"][:2]
    assert [f["data"]["version"] for f in live] == [started] + [submitted] * (len(live) - 1)


# --- cancelling -------------------------------------------------------------------------------------------------

def test_cancelling_an_order_cancels_pending_items_unsent_and_running_ones_at_the_provider(api, shot, fal,
                                                                                          django_capture_on_commit_callbacks):
    order = place(api, shot.production, "fal-flux-schnell", {"prompt": "a door", "seed": "1-3"}, shot=shot).json()
    first = GenerationItem.objects.get(pk=order["items"][0]["id"])
    request_id = provider_for("fal").submit("fal-ai/flux/schnell", {"prompt": "a door"})  # as if its job had sent it
    GenerationItem.objects.filter(pk=first.pk).update(status="running", provider_request_id=request_id)
    Job.objects.filter(pk=first.job_id).update(status=JobStatus.RUNNING)

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"{ORDERS}{order['id']}/cancel/")

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert [i["status"] for i in response.json()["items"]] == ["cancelled"] * 3
    assert fal.cancelled == [request_id]
    assert Job.objects.get(pk=first.job_id).cancel_requested
    assert {j.status for j in Job.objects.exclude(pk=first.job_id)} == {JobStatus.CANCELLED}
    assert [job_run(i["job"]).status for i in response.json()["items"][1:]] == [JobStatus.CANCELLED] * 2
    assert len(fal.submissions) == 1  # only the test's own request
    assert api.post(f"{ORDERS}{order['id']}/cancel/").json()["code"] == "not_cancellable"


def test_a_cancelled_pending_item_is_never_sent_and_can_be_retried(api, shot, fal):
    order = place(api, shot.production, "fal-flux-schnell", {"prompt": "a door", "seed": "1-2"}).json()
    item = order["items"][1]

    cancelled = api.post(f"/api/generation-items/{item['id']}/cancel/")
    items = run_items(order["id"])

    assert cancelled.json()["status"] == "cancelled"
    assert statuses(items) == ["succeeded", "cancelled"]
    assert GenerationOrder.objects.get(pk=order["id"]).status == "partial"
    assert len(fal.submissions) == 1

    retried = api.post(f"/api/generation-items/{item['id']}/retry/").json()
    job_run(retried["job"])

    assert GenerationItem.objects.get(pk=item["id"]).status == "succeeded"
    assert GenerationOrder.objects.get(pk=order["id"]).status == "succeeded"


# --- gallery, use as frame, board ----------------------------------------------------------------------------------

def test_the_gallery_filters_by_shot_order_machine_and_favourite(api, shot, production, fal, django_assert_max_num_queries):
    on_shot = place(api, production, "fal-flux-schnell", {"prompt": "a door", "seed": "1-2"}, shot=shot).json()
    loose = place(api, production, "fal-flux-dev", {"prompt": "a window", "seed": "1-10"}).json()
    run_items(on_shot["id"])
    run_items(loose["id"])

    with django_assert_max_num_queries(8):
        everything = api.get(PRODUCTS, {"production": production.pk}).json()
    first = everything["results"][0]
    liked = api.patch(f"{PRODUCTS}{first['id']}/", {"favourite": True, "version": first["version"]}, format="json")
    stale = api.patch(f"{PRODUCTS}{first['id']}/", {"favourite": False, "version": first["version"]}, format="json")

    assert everything["count"] == 12
    assert first["media_asset"]["renditions"][0]["url"].endswith("/renditions/poster/")
    assert first["media_asset"]["original_url"] == f"/api/media/{first['media_asset']['id']}/original/"
    assert api.get(PRODUCTS, {"shot": shot.pk}).json()["count"] == 2
    assert api.get(PRODUCTS, {"scene": shot.scene_id}).json()["count"] == 2
    assert api.get(PRODUCTS, {"order": loose["id"]}).json()["count"] == 10
    assert api.get(PRODUCTS, {"machine": "fal-flux-dev"}).json()["count"] == 10
    assert liked.status_code == 200 and (liked.json()["favourite"], liked.json()["version"]) == (True, first["version"] + 1)
    assert stale.status_code == 409
    assert [p["id"] for p in api.get(PRODUCTS, {"favourite": "true"}).json()["results"]] == [first["id"]]
    assert api.get(PRODUCTS, {"shot": 2**70}).status_code == 400
    assert api.get(ORDERS, {"shot": shot.pk}).json()["count"] == 1


def test_a_product_used_as_a_frame_joins_the_shot_and_the_board_shows_it_next_to_the_filmed_takes_poster(
        api, shot, production, fal):
    loose = place(api, production, "fal-flux-schnell", {"prompt": "a window"}).json()
    run_items(loose["id"])
    product = GenerationProduct.objects.get(order_id=loose["id"])
    take = TakeFactory(shot=shot, production=production, number=3, circled=True)
    TakeFactory(shot=shot, production=production, number=4)
    clip = MediaAssetFactory(production=production, kind=MediaKind.VIDEO, take=take, shot=shot, scene=shot.scene)
    Rendition.objects.create(asset=clip, kind=RenditionKind.POSTER, file="media/renditions/p.jpg", content_type="image/jpeg")

    used = api.post(f"{PRODUCTS}{product.pk}/use-as-frame/", {"shot": shot.pk}, format="json")
    board = api.get(f"/api/shots/{shot.pk}/board/")

    assert used.status_code == 200, used.json()
    assert (used.json()["id"], used.json()["shot"]) == (product.media_asset_id, shot.pk)
    assert MediaAsset.objects.get(pk=product.media_asset_id).shot_id == shot.pk
    assert board.status_code == 200
    assert [f["id"] for f in board.json()["frames"]] == [product.media_asset_id]
    assert board.json()["filmed"] == {"take": take.pk, "take_number": 3, "circled": True, "media_asset": clip.pk,
                                      "poster_url": f"/api/media/{clip.pk}/renditions/poster/"}
    for value in (str(2**63), "9" * 5000, "x", "0"):
        assert api.get(f"/api/shots/{value}/board/").status_code == 404
        assert api.get(f"{ORDERS}{value}/").status_code == 404
        assert api.post(f"/api/generation-items/{value}/retry/").status_code == 404
        assert api.patch(f"{PRODUCTS}{value}/", {"favourite": True, "version": 1}, format="json").status_code == 404


# --- the provider's refusals, a timeout, a cancel from the jobs list ---------------------------------------------

def test_a_refused_request_fails_its_item_with_the_providers_reason(api, production, fal):
    fal.behaviour = "reject"
    order = place(api, production, "fal-flux-schnell", {"prompt": "a door"}).json()

    item = run_items(order["id"])[0]

    assert item.status == "failed" and "image_size: unsupported image size" in item.error
    assert item.provider_request_id == "" and GenerationOrder.objects.get(pk=order["id"]).status == "failed"
    assert not GenerationProduct.objects.exists()


def test_an_item_the_provider_does_not_finish_in_time_fails_and_is_cancelled_there(api, production, fake_replicate, settings):
    fake_replicate.behaviour = "hang"
    settings.SLATE_REPLICATE_TIMEOUT_S = 0.0
    order = place(api, production, "replicate-flux-schnell", {"prompt": "a door"}).json()

    item = run_items(order["id"])[0]

    assert item.status == "failed"
    assert item.error == "FLUX.1 [schnell] (Replicate) did not finish within 0 s."
    assert fake_replicate.cancelled == [item.provider_request_id]
    assert Job.objects.get(pk=item.job_id).status == JobStatus.FAILED


def test_an_item_whose_job_is_cancelled_from_the_jobs_list_before_it_starts_is_cancelled(api, production, fal):
    order = place(api, production, "fal-flux-schnell", {"prompt": "a door"}).json()

    response = api.post(f"/api/jobs/{order['items'][0]['job']}/cancel/")

    assert response.status_code == 200, response.json()
    assert GenerationItem.objects.get(pk=order["items"][0]["id"]).status == "cancelled"
    assert GenerationOrder.objects.get(pk=order["id"]).status == "cancelled"
    assert fal.requests == []


@pytest.mark.parametrize("items, expected", [
    ([], "pending"), (["pending", "pending"], "pending"), (["running", "pending"], "running"),
    (["succeeded", "pending"], "running"), (["failed", "running"], "running"), (["succeeded", "succeeded"], "succeeded"),
    (["cancelled", "cancelled"], "cancelled"), (["succeeded", "failed"], "partial"), (["succeeded", "cancelled"], "partial"),
    (["failed", "cancelled"], "failed"), (["failed", "failed"], "failed"),
])
def test_an_orders_status_derives_from_its_items(items, expected):
    assert order_state(items) == expected


def test_an_order_is_for_one_target_of_its_own_production(api, shot, production, make_production, user, fal):
    elsewhere = ShotFactory(scene=SceneFactory(production=make_production(owner=user)))
    location = LocationFactory(production=production)

    two = place(api, production, "fal-flux-schnell", {"prompt": "x"}, shot=shot, location=location)
    foreign = place(api, production, "fal-flux-schnell", {"prompt": "x"}, shot=elsewhere)
    for_location = place(api, production, "fal-flux-schnell", {"prompt": "x"}, location=location)

    assert two.status_code == 400 and two.json()["extra"]["field"] == "shot"
    assert foreign.status_code == 400 and foreign.json()["message"] == "That shot belongs to another production."
    assert for_location.status_code == 201 and for_location.json()["location"] == location.pk
    assert GenerationOrder.objects.count() == 1


def test_a_frame_of_one_shot_used_on_another_becomes_a_copy_there(api, shot, production, fal, media_root):
    order = place(api, production, "fal-flux-schnell", {"prompt": "a hall"}, shot=shot).json()
    run_items(order["id"])
    product = GenerationProduct.objects.get(order_id=order["id"])
    other = ShotFactory(scene=shot.scene, number="4")

    used = api.post(f"{PRODUCTS}{product.pk}/use-as-frame/", {"shot": other.pk}, format="json")

    assert used.status_code == 200, used.json()
    copy = MediaAsset.objects.get(pk=used.json()["id"])
    assert copy.pk != product.media_asset_id and copy.shot_id == other.pk
    assert copy.generation["copied_from"] == product.media_asset_id and copy.renditions.get(kind="poster")
    assert MediaAsset.objects.get(pk=product.media_asset_id).shot_id == shot.pk
    assert (media_root / copy.original.name).read_bytes() == (media_root / product.media_asset.original.name).read_bytes()
    assert [f["id"] for f in api.get(f"/api/shots/{other.pk}/board/").json()["frames"]] == [copy.pk]


def test_a_video_machine_that_sends_back_a_still_fails_the_item_and_keeps_nothing(api, production, fal, media_root):
    order = place(api, production, "fal-ltx-video", {"prompt": "a slow push in", "seed": 3}).json()

    item = run_items(order["id"])[0]

    assert fal.submissions[0]["prompt"] == "a slow push in" and fal.submissions[0]["num_inference_steps"] == 30
    assert [r["path"] for r in fal.requests if r["method"] == "POST"] == ["/fal-ai/ltx-video"]
    assert item.status == "failed" and item.error == "fal sent a still image where fal-ltx-video makes a video."
    assert not MediaAsset.objects.exists() and not GenerationProduct.objects.exists()
    assert [p for p in media_root.rglob("*") if p.is_file()] == []


def test_a_job_queued_again_after_its_worker_died_follows_the_request_already_sent(api, production, fal):
    order = place(api, production, "fal-flux-schnell", {"prompt": "a door", "seed": 5}).json()
    item = GenerationItem.objects.get(pk=order["items"][0]["id"])
    sent = provider_for("fal").submit("fal-ai/flux/schnell", {"prompt": "a door", "seed": 5})  # the dead worker's request
    GenerationItem.objects.filter(pk=item.pk).update(status="running", provider_request_id=sent, attempts=1)

    job = job_run(item.job_id)

    item.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert (item.status, item.attempts, item.provider_request_id) == ("succeeded", 2, sent)
    assert len(fal.submissions) == 1  # not paid for twice
    assert GenerationProduct.objects.get(item=item).media_asset.generation["request_id"] == sent


def test_the_orders_and_items_lists_ask_the_database_as_often_for_five_orders_as_for_one(api, shot, production, fal):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as seen:
            assert api.get(url, {"production": production.pk}).status_code == 200
        return len(seen.captured_queries)

    lists = (ORDERS, "/api/generation-items/")
    run_items(place(api, production, "fal-flux-schnell", {"prompt": "a door", "seed": "1-2"}, shot=shot).json()["id"])
    one = [queries(url) for url in lists]
    for _ in range(4):
        run_items(place(api, production, "fal-flux-dev", {"prompt": "a window", "seed": "1-3"}).json()["id"])
    five = [queries(url) for url in lists]

    assert api.get(ORDERS, {"production": production.pk}).json()["count"] == 5
    assert five == one  # no query per order or per item (prefetched items, the order joined)

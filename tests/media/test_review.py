"""Review of dailies over REST: link to scene/shot/take, apply the link suggestion, versions, approval."""
from __future__ import annotations

import pytest

from apps.media.models import MediaAsset, Rendition
from apps.scenes.models import Shot, Take
from tests.factories import MediaAssetFactory, SceneFactory, ShotFactory, TakeFactory


@pytest.fixture
def asset(production):
    return MediaAssetFactory(production=production, start_timecode="01:00:00:00")


def patch(client, asset, **body):
    return client.patch(f"/api/media/{asset.pk}/", {"version": asset.version, **body}, format="json")


# --- the asset as the API gives it -----------------------------------------------------------------

def test_asset_gives_every_time_in_frames_and_smpte(api, production):
    ndf = MediaAssetFactory(production=production, start_timecode="01:00:00:00", duration_s=10.0)
    df = MediaAssetFactory(production=production, start_timecode="01:00:59;28", frame_rate="30000/1001", frame_rate_fps=29.97,
                           duration_s=1801 * 1001 / 30000)

    one = api.get(f"/api/media/{ndf.pk}/").json()
    two = api.get(f"/api/media/{df.pk}/").json()

    assert (one["frame_count"], one["timecode_start_frames"], one["drop_frame"]) == (240, 86400, False)
    assert (one["start_timecode"], one["end_timecode"], one["duration_timecode"]) == ("01:00:00:00", "01:00:09:23", "00:00:10:00")
    assert (two["frame_count"], two["drop_frame"]) == (1801, True)
    # 1801 frames from 01:00:59;28: minute 01:01 skips labels ;00 and ;01, so the last (frame 1800) is 01:02:00;02
    assert (two["start_timecode"], two["end_timecode"], two["duration_timecode"]) == ("01:00:59;28", "01:02:00;02", "00:01:00;03")
    for key in ("sha256", "clip_name", "recorded_at", "link_suggestion", "first_version", "version_number", "approval_status",
                "approval_by", "approval_at", "approval_note", "scene", "shot", "generation", "original_url"):
        assert key in one


def test_rendition_url_is_null_and_the_file_404_until_ready(api, asset):
    Rendition.objects.create(asset=asset, kind="filmstrip", status="processing")
    Rendition.objects.create(asset=asset, kind="waveform", status="skipped", error="This clip has no sound.")

    body = api.get(f"/api/media/{asset.pk}/").json()

    assert {r["kind"]: (r["status"], r["url"], r["error"]) for r in body["renditions"]} == {
        "filmstrip": ("processing", None, ""), "waveform": ("skipped", None, "This clip has no sound.")}
    for kind in ("filmstrip", "waveform", "proxy"):
        response = api.get(f"/api/media/{asset.pk}/renditions/{kind}/")
        assert response.status_code == 404 and response.json()["code"] == "not_ready"


# --- linking by hand --------------------------------------------------------------------------------

def test_linking_a_take_sets_its_shot_and_scene(api, production, asset, captured_events):
    take = TakeFactory(shot__scene__production=production)

    with captured_events() as events:
        response = patch(api, asset, take=take.pk)

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["scene"], body["shot"], body["take"]) == (take.shot.scene_id, take.shot_id, take.pk)
    assert [e["type"] for e in events] == ["media_asset.updated"]
    assert events[0]["data"]["take"] == take.pk and events[0]["data"]["version"] == body["version"] == 2


def test_linking_a_shot_sets_its_scene_and_drops_a_take_of_another_shot(api, production, asset):
    take = TakeFactory(shot__scene__production=production)
    asset = MediaAsset.objects.get(pk=patch(api, asset, take=take.pk).json()["id"])
    other_shot = ShotFactory(scene__production=production)

    body = patch(api, asset, shot=other_shot.pk).json()

    assert (body["scene"], body["shot"], body["take"]) == (other_shot.scene_id, other_shot.pk, None)


def test_linking_only_a_scene_keeps_nothing_below_it_from_another_scene(api, production, asset):
    take = TakeFactory(shot__scene__production=production)
    asset = MediaAsset.objects.get(pk=patch(api, asset, take=take.pk).json()["id"])
    scene = SceneFactory(production=production)

    body = patch(api, asset, scene=scene.pk).json()

    assert (body["scene"], body["shot"], body["take"]) == (scene.pk, None, None)


@pytest.mark.parametrize("contradiction", ["shot", "scene"])
def test_contradicting_ids_are_400_and_change_nothing(api, production, asset, contradiction, captured_events):
    take = TakeFactory(shot__scene__production=production)
    elsewhere = ShotFactory(scene__production=production)
    wrong = {"shot": elsewhere.pk, "scene": elsewhere.scene_id}[contradiction]

    with captured_events() as events:
        response = patch(api, asset, take=take.pk, **{contradiction: wrong})

    assert response.status_code == 400 and response.json()["code"] == "inconsistent_link"
    asset.refresh_from_db()
    assert (asset.scene_id, asset.shot_id, asset.take_id, asset.version) == (None, None, None, 1)
    assert events == []


def test_shot_of_another_scene_is_400(api, production, asset):
    shot = ShotFactory(scene__production=production)
    response = patch(api, asset, shot=shot.pk, scene=SceneFactory(production=production).pk)
    assert response.status_code == 400 and response.json()["code"] == "inconsistent_link"


def test_stale_link_is_409_and_viewer_403(api, api_for, viewer, production, asset):
    take = TakeFactory(shot__scene__production=production)
    assert api.patch(f"/api/media/{asset.pk}/", {"version": 7, "take": take.pk}, format="json").status_code == 409
    assert patch(api_for(viewer), asset, take=take.pk).status_code == 403


# --- the link suggestion ----------------------------------------------------------------------------

def test_applying_the_suggestion_creates_the_missing_shot_and_take(api, production, asset, captured_events):
    scene = SceneFactory(production=production, number="12A")
    MediaAsset.objects.filter(pk=asset.pk).update(link_suggestion={
        "source": "file_name", "text": "12A_B_3", "scene_number": "12A", "shot_number": "B", "take_number": 3,
        "scene": scene.pk, "shot": None, "take": None})

    with captured_events() as events:
        response = api.post(f"/api/media/{asset.pk}/apply-link-suggestion/", {"version": 1}, format="json")

    assert response.status_code == 200, response.content
    shot = Shot.objects.get(scene=scene, number="B")
    take = Take.objects.get(shot=shot, number=3)
    assert (response.json()["scene"], response.json()["shot"], response.json()["take"]) == (scene.pk, shot.pk, take.pk)
    assert [e["type"] for e in events if e["entity"] != "production"] == ["shot.created", "take.created", "media_asset.updated"]

    # a second asset with the same suggestion reuses them
    again = MediaAssetFactory(production=production, link_suggestion={"scene_number": "12a", "shot_number": "b", "take_number": 3})
    body = api.post(f"/api/media/{again.pk}/apply-link-suggestion/", {"version": 1}, format="json").json()
    assert body["take"] == take.pk and Shot.objects.count() == 1 and Take.objects.count() == 1


def test_no_suggestion_or_no_such_scene_is_400(api, production, asset):
    response = api.post(f"/api/media/{asset.pk}/apply-link-suggestion/", {"version": 1}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "no_suggestion"

    MediaAsset.objects.filter(pk=asset.pk).update(link_suggestion={"scene_number": "99", "shot_number": "1", "take_number": 1})
    response = api.post(f"/api/media/{asset.pk}/apply-link-suggestion/", {"version": 1}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "scene_not_found"
    assert Shot.objects.count() == 0 and Take.objects.count() == 0


# --- versions and approval ----------------------------------------------------------------------------

def test_versions_lists_the_lineage_in_order_from_any_version(api, production):
    v1 = MediaAssetFactory(production=production)
    v3 = MediaAssetFactory(production=production, first_version=v1, version_number=3)
    v2 = MediaAssetFactory(production=production, first_version=v1, version_number=2)
    MediaAssetFactory(production=production)  # another asset

    for asset in (v1, v2, v3):
        rows = api.get(f"/api/media/{asset.pk}/versions/").json()["results"]
        assert [(r["id"], r["version_number"]) for r in rows] == [(v1.pk, 1), (v2.pk, 2), (v3.pk, 3)]


def test_versions_and_clips_of_an_asset_are_pages_as_the_schema_says(api, production):
    from apps.media.models import Clip

    v1 = MediaAssetFactory(production=production)
    MediaAssetFactory(production=production, first_version=v1, version_number=2)
    clip = Clip.objects.create(production=production, asset=v1, in_frame=0, out_frame=10, created_by=None)
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    for path, expected in ((f"/api/media/{v1.pk}/versions/", 2), (f"/api/media/{v1.pk}/clips/", 1)):
        first = api.get(path, {"page_size": 1}).json()
        assert set(first) == {"count", "next", "previous", "results"} and first["count"] == expected
        assert len(first["results"]) == 1 and (first["next"] is not None) == (expected > 1)
    assert api.get(f"/api/media/{v1.pk}/clips/").json()["results"][0]["id"] == clip.pk
    for path in ("/api/media/{id}/versions/", "/api/media/{id}/clips/"):
        page = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        assert page.rsplit("/", 1)[-1].startswith("Paginated")


def test_approval_records_who_when_and_why_and_goes_out_live(api, user, asset, captured_events):
    with captured_events() as events:
        response = api.post(f"/api/media/{asset.pk}/approval/", {"status": "changes_requested", "note": "Boom in frame at 01:00:03:10"},
                            format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["approval_status"], body["approval_by"], body["approval_note"]) == ("changes_requested", user.pk, "Boom in frame at 01:00:03:10")
    assert body["approval_at"]
    assert [(e["type"], e["data"]["approval_status"]) for e in events] == [("media_asset.updated", "changes_requested")]

    body = api.post(f"/api/media/{asset.pk}/approval/", {"status": "pending"}, format="json").json()
    assert (body["approval_status"], body["approval_by"], body["approval_at"], body["approval_note"]) == ("pending", None, None, "")


def test_bad_approval_and_viewer_approval_are_refused(api, api_for, viewer, asset):
    assert api.post(f"/api/media/{asset.pk}/approval/", {"status": "great"}, format="json").status_code == 400
    assert api_for(viewer).post(f"/api/media/{asset.pk}/approval/", {"status": "approved"}, format="json").status_code == 403
    asset.refresh_from_db()
    assert asset.approval_status == "pending" and asset.approval_by is None

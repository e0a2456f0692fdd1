"""Comments pinned to a frame or a frame range of a clip, with SMPTE timecode at the clip's rate, live for everyone watching."""
from __future__ import annotations

import pytest

from apps.comments.models import Comment
from tests.factories import MediaAssetFactory, SceneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clip(production):
    """10 s at 24 fps from 01:00:00:00: frames 0–239, the last at 01:00:09:23."""
    return MediaAssetFactory(production=production, duration_s=10.0, frame_rate="24/1", start_timecode="01:00:00:00")


@pytest.fixture
def df_clip(production):
    """1810 frames at 29.97 drop-frame from 00:59:59;28: frame 2 is 01:00:00;00, minute 60 keeps all its labels (a tenth minute), so
    frame 1801 is 01:00:59;29 and frame 1802 is 01:01:00;02 (minute 61 drops ;00 and ;01)."""
    return MediaAssetFactory(production=production, duration_s=1810 * 1001 / 30000, frame_rate="30000/1001", frame_rate_fps=29.97,
                             start_timecode="00:59:59;28")


def comment(api, **body):
    return api.post("/api/comments/", {"body": "Boom in frame", **body}, format="json")


def test_a_frame_range_gives_both_ends_in_smpte(api, clip):
    response = comment(api, media_asset=clip.pk, frame=24, frame_end=239)

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["frame"], body["frame_end"], body["timecode"], body["timecode_end"]) == (24, 239, "01:00:01:00", "01:00:09:23")


def test_a_single_frame_has_no_end(api, clip):
    body = comment(api, media_asset=clip.pk, frame=0).json()
    assert (body["frame"], body["frame_end"], body["timecode"], body["timecode_end"]) == (0, None, "01:00:00:00", None)


def test_drop_frame_clips_show_drop_frame_timecode(api, df_clip):
    assert df_clip.frame_count == 1810
    body = comment(api, media_asset=df_clip.pk, frame=2, frame_end=1802).json()

    assert (body["timecode"], body["timecode_end"]) == ("01:00:00;00", "01:01:00;02")
    assert comment(api, media_asset=df_clip.pk, frame=1801).json()["timecode"] == "01:00:59;29"


@pytest.mark.parametrize("frames, field", [({"frame": 240}, "frame"), ({"frame": 0, "frame_end": 240}, "frame_end")])
def test_a_frame_past_the_end_is_400_and_names_the_last_frame(api, clip, frames, field, captured_events):
    with captured_events() as events:
        response = comment(api, media_asset=clip.pk, **frames)

    assert response.status_code == 400
    assert response.json()["code"] == "frame_out_of_range"
    assert response.json()["message"] == "Frame 240 is past the end of the clip: its last frame is 239 (01:00:09:23)."
    assert response.json()["extra"] == {"fields": {field: ["Must be 239 or less."]}, "last_frame": 239}
    assert not Comment.objects.exists() and events == []


def test_drop_frame_message_names_the_last_frame_in_drop_frame(api, df_clip):
    response = comment(api, media_asset=df_clip.pk, frame=1810)
    assert response.json()["message"] == "Frame 1810 is past the end of the clip: its last frame is 1809 (01:01:00;09)."


@pytest.mark.parametrize("frames, field", [({"frame": 10, "frame_end": 9}, "frame_end"), ({"frame_end": 9}, "frame"),
                                           ({"frame": -1}, "frame")])
def test_a_reversed_or_open_range_or_negative_frame_is_400(api, clip, frames, field):
    response = comment(api, media_asset=clip.pk, **frames)

    assert response.status_code == 400
    assert field in response.json()["extra"]["fields"]
    assert not Comment.objects.exists()


def test_frames_only_on_media(api, production):
    scene = SceneFactory(production=production)
    response = comment(api, scene=scene.pk, frame=1, frame_end=3)
    assert response.status_code == 400 and "frame" in response.json()["extra"]["fields"]


def test_a_reply_to_a_frame_comment_stays_on_the_clip_without_a_frame(api, clip):
    parent = comment(api, media_asset=clip.pk, frame=12, frame_end=20).json()

    reply = comment(api, parent=parent["id"], body="Fixed in v2").json()

    assert (reply["media_asset"], reply["frame"], reply["frame_end"], reply["timecode"]) == (clip.pk, None, None, None)


def test_the_author_moves_a_range_within_the_clip(api, clip):
    made = comment(api, media_asset=clip.pk, frame=10, frame_end=20).json()

    moved = api.patch(f"/api/comments/{made['id']}/", {"version": made["version"], "frame": 100, "frame_end": 120}, format="json")
    assert moved.status_code == 200, moved.content
    assert (moved.json()["timecode"], moved.json()["timecode_end"]) == ("01:00:04:04", "01:00:05:00")

    beyond = api.patch(f"/api/comments/{made['id']}/", {"version": moved.json()["version"], "frame_end": 400}, format="json")
    assert beyond.status_code == 400 and beyond.json()["code"] == "frame_out_of_range"


def test_a_frame_comment_goes_out_live_with_its_timecode(api, clip, production, captured_events, sent_envelopes):
    with captured_events() as events:
        response = comment(api, media_asset=clip.pk, frame=48, frame_end=71, body="@nobody check the focus")

    data = response.json()
    assert [(e["type"], e["entity_id"]) for e in events] == [("comment.created", str(data["id"]))]
    assert events[0]["data"] == data
    assert (events[0]["data"]["timecode"], events[0]["data"]["timecode_end"]) == ("01:00:02:00", "01:00:02:23")
    live = [f for f in sent_envelopes if f["type"] == "comment.created"]
    assert [(f["_group"], f["data"]["timecode"]) for f in live] == [(f"production.{production.pk}", "01:00:02:00")]

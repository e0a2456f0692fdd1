"""REST: threaded comments — targets, frames on dailies, @mentions, replies, who may edit and delete."""
from __future__ import annotations

import pytest

from apps.comments.models import Comment
from apps.productions.models import Membership, Role
from tests.factories import CommentFactory, ContinuityNoteFactory, MediaAssetFactory, SceneFactory, ShotFactory, TakeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(production):
    return SceneFactory(production=production)


def test_a_comment_records_its_author_and_publishes_itself(api, user, scene, captured_events):
    with captured_events() as events:
        response = api.post("/api/comments/", {"scene": scene.pk, "body": "Eyeline is off"}, format="json")

    assert response.status_code == 201
    data = response.json()
    assert (data["author"], data["author_name"], data["scene"], data["production"]) == (user.pk, user.display_name, scene.pk,
                                                                                        scene.production_id)
    assert Comment.objects.get().author == user
    assert [(e["type"], e["entity"], e["entity_id"]) for e in events] == [("comment.created", "comment", str(data["id"]))]
    assert events[0]["data"] == data == api.get(f"/api/comments/{data['id']}/").json()


@pytest.mark.parametrize("target", ["shot", "take", "continuity_note", "media_asset"])
def test_comments_go_on_each_kind_of_target(api, scene, target):
    obj = {"shot": lambda: ShotFactory(scene=scene), "take": lambda: TakeFactory(shot=ShotFactory(scene=scene)),
           "continuity_note": lambda: ContinuityNoteFactory(scene=scene),
           "media_asset": lambda: MediaAssetFactory(production=scene.production)}[target]()

    response = api.post("/api/comments/", {target: obj.pk, "body": "Looks good"}, format="json")

    assert response.status_code == 201
    assert response.json()[target] == obj.pk
    assert Comment.objects.get().target == (target, obj.pk)


def test_a_comment_needs_exactly_one_target(api, scene, captured_events):
    shot = ShotFactory(scene=scene)

    with captured_events() as events:
        none = api.post("/api/comments/", {"body": "On what?"}, format="json")
        two = api.post("/api/comments/", {"scene": scene.pk, "shot": shot.pk, "body": "On both?"}, format="json")

    assert (none.status_code, two.status_code) == (400, 400)
    assert not Comment.objects.exists()
    assert events == []


def test_a_comment_on_a_clip_at_a_frame_shows_its_timecode(api, production):
    # a 10 s clip at 24 fps starting at 01:00:00:00 has frames 0–239
    asset = MediaAssetFactory(production=production, duration_s=10.0, frame_rate="24/1", start_timecode="01:00:00:00")

    response = api.post("/api/comments/", {"media_asset": asset.pk, "frame": 239, "body": "Flare"}, format="json")

    assert response.status_code == 201
    assert (response.json()["frame"], response.json()["timecode"]) == (239, "01:00:09:23")


def test_a_comment_at_a_frame_past_the_end_of_the_clip_is_400(api, production, captured_events):
    asset = MediaAssetFactory(production=production, duration_s=10.0, frame_rate="24/1")

    with captured_events() as events:
        response = api.post("/api/comments/", {"media_asset": asset.pk, "frame": 240, "body": "After the end"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"message": "Frame 240 is past the end of the clip: its last frame is 239 (00:00:09:23).",
                               "code": "frame_out_of_range",
                               "extra": {"fields": {"frame": ["Must be 239 or less."]}, "last_frame": 239}}
    assert not Comment.objects.exists()
    assert events == []


def test_a_frame_on_something_that_is_not_media_is_400(api, scene):
    response = api.post("/api/comments/", {"scene": scene.pk, "frame": 3, "body": "Frame of a scene?"}, format="json")

    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == ["frame"]
    assert not Comment.objects.exists()


def test_mentions_record_only_members_of_the_production(api, make_user, production, other_production, scene, captured_events):
    # given one member, one user on another production only, and a name nobody has
    member = make_user(username="ana.ruiz")
    Membership.objects.create(production=production, user=member, role=Role.CAMERA)
    stranger = make_user(username="bo")
    Membership.objects.create(production=other_production, user=stranger, role=Role.CREW)

    with captured_events() as events:
        response = api.post("/api/comments/", {"scene": scene.pk, "body": "@ana.ruiz and @bo and @nobody: check the focus."},
                            format="json")

    assert response.status_code == 201
    assert response.json()["mentions"] == [member.pk]
    assert list(Comment.objects.get().mentions.all()) == [member]
    assert events[0]["data"]["mentions"] == [member.pk]


def test_email_addresses_are_not_mentions(api, make_user, production, scene):
    member = make_user(username="example")
    Membership.objects.create(production=production, user=member, role=Role.CREW)

    response = api.post("/api/comments/", {"scene": scene.pk, "body": "mail ops@example.com"}, format="json")

    assert response.json()["mentions"] == []


def test_a_reply_inherits_its_parents_target(api, production):
    asset = MediaAssetFactory(production=production)
    parent = CommentFactory(scene=None, media_asset=asset, production=production, frame=12, body="Soft focus here")

    response = api.post("/api/comments/", {"parent": parent.pk, "body": "Agreed, reshoot"}, format="json")

    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["parent"], data["media_asset"], data["scene"], data["production"]) == (parent.pk, asset.pk, None, production.pk)
    assert Comment.objects.get(pk=data["id"]).target == ("media_asset", asset.pk)


def test_a_reply_on_a_different_target_than_its_parent_is_400(api, scene, production):
    parent = CommentFactory(scene=scene)
    other_scene = SceneFactory(production=production)

    response = api.post("/api/comments/", {"parent": parent.pk, "scene": other_scene.pk, "body": "Elsewhere"}, format="json")

    assert response.status_code == 400
    assert response.json()["message"] == "A reply is on the same thing as the comment it answers."
    assert Comment.objects.count() == 1


def test_a_reply_to_a_comment_of_another_production_is_400(api, other_production):
    theirs = CommentFactory(scene=SceneFactory(production=other_production))

    response = api.post("/api/comments/", {"parent": theirs.pk, "body": "Sneaky"}, format="json")

    assert response.status_code == 400
    assert "does not exist" in response.json()["extra"]["fields"]["parent"][0]
    assert Comment.objects.count() == 1


def test_a_comment_on_another_productions_clip_is_400(api, other_production):
    asset = MediaAssetFactory(production=other_production)

    response = api.post("/api/comments/", {"media_asset": asset.pk, "frame": 1, "body": "Sneaky"}, format="json")

    assert response.status_code == 400
    assert "media_asset" in response.json()["extra"]["fields"]
    assert not Comment.objects.exists()


def test_the_author_edits_the_text_and_mentions_follow(api, user, make_user, production, scene, captured_events):
    member = make_user(username="dp")
    Membership.objects.create(production=production, user=member, role=Role.CAMERA)
    comment = CommentFactory(scene=scene, author=user, body="Check the focus")

    with captured_events() as events:
        response = api.patch(f"/api/comments/{comment.pk}/", {"body": "@dp check the focus", "version": 1}, format="json")

    assert response.status_code == 200
    assert (response.json()["body"], response.json()["mentions"], response.json()["version"]) == ("@dp check the focus", [member.pk], 2)
    assert [e["type"] for e in events] == ["comment.updated"]
    assert events[0]["data"] == api.get(f"/api/comments/{comment.pk}/").json()


def test_only_the_author_changes_the_text_but_any_writer_resolves(api, api_for, crew, user, scene, captured_events):
    comment = CommentFactory(scene=scene, author=user, body="Boom in frame")
    client = api_for(crew)

    with captured_events() as refused_events:
        edited = client.patch(f"/api/comments/{comment.pk}/", {"body": "Nothing wrong", "version": 1}, format="json")
    resolved = client.patch(f"/api/comments/{comment.pk}/", {"resolved": True, "version": 1}, format="json")

    assert edited.status_code == 403
    assert refused_events == []
    assert resolved.status_code == 200
    comment.refresh_from_db()
    assert (comment.body, comment.resolved, comment.version) == ("Boom in frame", True, 2)


def test_a_comments_target_cannot_be_changed(api, user, scene, production):
    comment = CommentFactory(scene=scene, author=user)
    other_scene = SceneFactory(production=production)

    response = api.patch(f"/api/comments/{comment.pk}/", {"scene": other_scene.pk, "version": 1}, format="json")

    assert response.status_code == 200
    comment.refresh_from_db()
    assert (comment.scene_id, comment.version) == (scene.pk, 1)


def test_crew_cannot_delete_someone_elses_comment_but_a_producer_can(api_for, crew, make_user, user, production, scene):
    producer = make_user()
    Membership.objects.create(production=production, user=producer, role=Role.PRODUCER)
    comment = CommentFactory(scene=scene, author=user)
    reply = CommentFactory(scene=scene, author=crew, parent=comment)

    by_crew = api_for(crew).delete(f"/api/comments/{comment.pk}/")
    assert by_crew.status_code == 403
    assert Comment.objects.filter(pk=comment.pk).exists()

    by_producer = api_for(producer).delete(f"/api/comments/{comment.pk}/")
    assert by_producer.status_code == 204
    assert not Comment.objects.filter(pk__in=[comment.pk, reply.pk]).exists()


def test_authors_delete_their_own_comments(api_for, crew, scene, captured_events):
    comment = CommentFactory(scene=scene, author=crew)

    with captured_events() as events:
        response = api_for(crew).delete(f"/api/comments/{comment.pk}/")

    assert response.status_code == 204
    assert not Comment.objects.exists()
    assert [(e["type"], e["entity_id"]) for e in events] == [("comment.deleted", str(comment.pk))]


def test_comments_filter_by_target_and_parent(api, scene, production):
    top = CommentFactory(scene=scene)
    reply = CommentFactory(scene=scene, parent=top)
    CommentFactory(scene=SceneFactory(production=production))

    on_scene = api.get("/api/comments/", {"scene": scene.pk})
    replies = api.get("/api/comments/", {"parent": top.pk})

    assert [r["id"] for r in on_scene.json()["results"]] == [top.pk, reply.pk]
    assert [r["id"] for r in replies.json()["results"]] == [reply.pk]

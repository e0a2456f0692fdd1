"""Who is notified of what: mentions in comments and continuity notes, scene status to assignees, jobs to their creator."""
from __future__ import annotations

import pytest

from apps.jobs import services as job_services
from apps.jobs.models import Job
from apps.notifications.models import Notification
from tests.factories import SceneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(crew):
    return SceneFactory(production=crew.production, number="12")


def rows(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user).order_by("id"))


# --- comments -------------------------------------------------------------------------------------

def test_a_comment_mention_notifies_the_mentioned_member(crew, scene, api_for, enqueued, django_capture_on_commit_callbacks, sent_envelopes):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(crew.ana).post("/api/comments/", {"scene": scene.pk, "body": "@bo is the glass half full?"}, format="json")

    assert response.status_code == 201, response.content
    [row] = rows(crew.bo)
    assert (row.kind, row.title, row.body) == ("mention", "Ana Ruiz mentioned you in a comment on scene 12", "@bo is the glass half full?")
    assert row.url == f"/productions/{crew.production.pk}/scenes/{scene.pk}"
    assert (row.entity, row.entity_id, row.actor_id) == ("comment", str(response.json()["id"]), crew.ana.pk)
    assert enqueued.email == [row.pk]
    assert [f["type"] for f in sent_envelopes if f["_group"] == f"user.{crew.bo.pk}"] == ["notification.created"]
    assert rows(crew.di) == [] and rows(crew.ana) == []


def test_mentioning_yourself_notifies_nobody(crew, scene, api_for):
    api_for(crew.ana).post("/api/comments/", {"scene": scene.pk, "body": "note to self @ana"}, format="json")
    assert Notification.objects.count() == 0


def test_editing_a_comment_notifies_only_the_newly_mentioned(crew, scene, api_for):
    created = api_for(crew.ana).post("/api/comments/", {"scene": scene.pk, "body": "@bo look"}, format="json").json()

    response = api_for(crew.ana).patch(f"/api/comments/{created['id']}/", {"body": "@bo @di look", "version": created["version"]},
                                       format="json")

    assert response.status_code == 200, response.content
    assert len(rows(crew.bo)) == 1
    assert len(rows(crew.di)) == 1


def test_an_outsiders_mention_is_neither_notified_nor_leaked(crew, scene, api_for, sent_envelopes):
    response = api_for(crew.ana).post("/api/comments/", {"scene": scene.pk, "body": "@cy and @nobody_at_all, see this"}, format="json")

    assert response.status_code == 201
    assert response.json()["mentions"] == []
    assert Notification.objects.count() == 0
    assert sent_envelopes == [] or all(f["_group"].startswith("production.") for f in sent_envelopes)


# --- continuity notes -------------------------------------------------------------------------------

def test_a_continuity_note_mention_notifies_and_an_edit_does_not_renotify(crew, scene, api_for):
    created = api_for(crew.di).post("/api/continuity-notes/", {"scene": scene.pk, "category": "props", "body": "@bo glass in left hand"},
                                    format="json")
    assert created.status_code == 201, created.content
    note = created.json()
    assert note["mentions"] == [crew.bo.pk]

    edited = api_for(crew.di).patch(f"/api/continuity-notes/{note['id']}/", {"body": "@bo glass in LEFT hand, half full",
                                                                                "version": note["version"]}, format="json")

    assert edited.status_code == 200 and edited.json()["mentions"] == [crew.bo.pk]
    [row] = rows(crew.bo)
    assert row.title == "Di Park mentioned you in a continuity note on scene 12"
    assert (row.entity, row.entity_id) == ("continuity_note", str(note["id"]))


def test_a_continuity_note_mentioning_an_outsider_leaks_nothing(crew, scene, api_for):
    response = api_for(crew.di).post("/api/continuity-notes/", {"scene": scene.pk, "category": "props", "body": "ask @cy"}, format="json")

    assert response.status_code == 201 and response.json()["mentions"] == []
    assert Notification.objects.count() == 0


def test_mentions_of_a_continuity_note_cannot_be_written(crew, scene, api_for):
    response = api_for(crew.di).post("/api/continuity-notes/", {"scene": scene.pk, "category": "props", "body": "plain",
                                                                 "mentions": [crew.cy.pk]}, format="json")

    assert response.status_code == 201 and response.json()["mentions"] == []


# --- scenes ---------------------------------------------------------------------------------------------

def test_a_status_change_notifies_the_assignees_but_not_who_made_it(crew, scene, api_for, enqueued, django_capture_on_commit_callbacks):
    assigned = api_for(crew.ana).patch(f"/api/scenes/{scene.pk}/", {"assignees": [crew.bo.pk, crew.di.pk], "version": 1}, format="json")
    assert assigned.status_code == 200, assigned.content
    assert assigned.json()["assignees"] == sorted([crew.bo.pk, crew.di.pk])
    assert Notification.objects.count() == 0  # assigning is not a status change

    with django_capture_on_commit_callbacks(execute=True):
        moved = api_for(crew.di).patch(f"/api/scenes/{scene.pk}/", {"status": "completed", "version": 2}, format="json")

    assert moved.status_code == 200
    [row] = rows(crew.bo)
    assert (row.kind, row.title) == ("scene_status", "Scene 12 is now completed")
    assert "Di Park moved it from not started to completed" in row.body
    assert rows(crew.di) == [] and rows(crew.ana) == []
    assert enqueued.email == []  # scene_status: in the app and push by default


def test_assignees_must_be_members(crew, scene, api_for):
    for bad in ([crew.cy.pk], [999999]):
        response = api_for(crew.ana).patch(f"/api/scenes/{scene.pk}/", {"assignees": bad, "version": 1}, format="json")
        assert response.status_code == 400
        assert response.json()["code"] == "not_a_member"
        assert response.json()["message"] == f"User {bad[0]} is not a member of this production: only crew members can be assigned to a scene."
    scene.refresh_from_db()
    assert list(scene.assignees.all()) == [] and scene.version == 1


def test_assignees_on_create_and_bad_shapes(crew, api_for):
    created = api_for(crew.ana).post("/api/scenes/", {"production": crew.production.pk, "number": "40", "assignees": [crew.bo.pk]},
                                     format="json")
    assert created.status_code == 201 and created.json()["assignees"] == [crew.bo.pk]

    for bad in ("bo", ["x"], [-1]):
        response = api_for(crew.ana).post("/api/scenes/", {"production": crew.production.pk, "number": "41", "assignees": bad}, format="json")
        assert response.status_code == 400


# --- jobs ----------------------------------------------------------------------------------------------------

def test_a_finished_job_notifies_its_creator(crew, register):
    register("test.notify_ok", lambda ctx: {"ok": True})
    job = Job.objects.create(production=crew.production, kind="test.notify_ok", created_by=crew.bo)

    job_services.job_run(job.pk)

    [row] = rows(crew.bo)
    assert (row.kind, row.title, row.entity, row.entity_id) == ("job_succeeded", "Test notify ok finished", "job", str(job.pk))
    assert row.url == f"/productions/{crew.production.pk}/jobs"


def test_a_failed_job_notifies_its_creator_with_the_error(crew, register):
    def boom(ctx):
        raise ValueError("codec not supported")

    register("test.notify_fail", boom)
    job = Job.objects.create(production=crew.production, kind="test.notify_fail", created_by=crew.bo)

    job_services.job_run(job.pk)

    [row] = rows(crew.bo)
    assert row.kind == "job_failed" and "codec not supported" in row.body


def test_a_job_without_creator_or_cancelled_notifies_nobody(crew, register):
    register("test.notify_quiet", lambda ctx: None)
    job = Job.objects.create(production=crew.production, kind="test.notify_quiet")
    job_services.job_run(job.pk)
    pending = Job.objects.create(production=crew.production, kind="test.notify_quiet", created_by=crew.bo)
    job_services.job_cancel(job=pending, actor=crew.ana)

    assert Notification.objects.count() == 0


def test_a_notification_failure_never_breaks_a_job(crew, register, monkeypatch):
    tried = []

    def broken(**kwargs):
        tried.append(kwargs["kind"])
        raise RuntimeError("notifications are down")

    monkeypatch.setattr("apps.notifications.services.notify", broken)
    register("test.notify_broken", lambda ctx: {"ok": True})
    job = Job.objects.create(production=crew.production, kind="test.notify_broken", created_by=crew.bo)

    job_services.job_run(job.pk)

    job.refresh_from_db()
    assert tried == ["job_succeeded"]  # the notification was tried, and failed
    assert job.status == "succeeded"



"""Diffs and exports of big versions come from a job and are kept; screenplay limits; a version planned on stale scenes is planned again.

Small texts are rendered in the request (tests/scripts/test_export.py, test_versions.py); here the
inline bound is lowered so the shared screenplays take the job's path, run through
`apps.jobs.services.job_run` as the worker runs it.
"""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from apps.jobs.models import Job, JobStatus
from apps.jobs.services import job_run
from apps.scenes.models import Scene
from apps.scripts.fdx import read_fdx
from apps.scripts.models import Script, ScriptRender, ScriptVersion
from apps.scripts.services import script_version_create
from tests.conftest import SHARED_DATA

ASCENT = (SHARED_DATA / "fountain" / "public-domain" / "ASCENT_TO_GURU_PEAK.fountain").read_text("utf-8")


@pytest.fixture(autouse=True)
def jobs_for_the_shared_screenplays(settings):
    settings.SLATE_SCRIPT_INLINE_MAX_BYTES = 1000  # the shared screenplays (6 KB) then take the job's path


@pytest.fixture
def script(production, user) -> Script:
    script = Script.objects.create(production=production, title="Ascent", created_by=user)
    script_version_create(script=script, text=ASCENT, source="upload", actor=user)
    script_version_create(script=script, text=ASCENT.replace("EXT. MOUNT GURU FOOTHILLS", "INT. MOUNT GURU FOOTHILLS") + "\nINT. BASE CAMP - NIGHT\n\nWind.\n",
                          source="edit", actor=user)
    return script


def kept_files(media_root: Path) -> list[Path]:
    return sorted((media_root / "scripts" / "renders").glob("*")) if (media_root / "scripts" / "renders").exists() else []


@pytest.mark.parametrize("suffix, content_type", [("export.pdf", "application/pdf"), ("export.fountain", "text/plain; charset=utf-8"),
                                                   ("export.fdx", "application/xml")])
def test_a_big_export_is_made_once_by_a_job_and_then_served_from_the_kept_file(api, api_for, viewer, script, media_root, suffix, content_type):
    v2 = ScriptVersion.objects.get(script=script, number=2)

    first = api_for(viewer).get(f"/api/script-versions/{v2.pk}/{suffix}")  # a viewer may download too
    again = api.get(f"/api/script-versions/{v2.pk}/{suffix}")

    assert first.status_code == 202 and again.status_code == 202
    assert first.json()["kind"] == "script.render" and first.json()["status"] == "pending"
    assert again.json()["id"] == first.json()["id"]  # the job already making it, not a second one
    assert kept_files(media_root) == []

    job = job_run(first.json()["id"])

    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result["render"] == suffix.split(".")[1] and job.result["version_id"] == v2.pk
    [kept] = kept_files(media_root)
    response = api.get(f"/api/script-versions/{v2.pk}/{suffix}")
    assert response.status_code == 200 and response["Content-Type"] == content_type
    body = b"".join(response.streaming_content)
    assert body == kept.read_bytes() and len(body) == job.result["size_bytes"]
    assert 'filename="Ascent v2.' in response["Content-Disposition"]
    if suffix == "export.pdf":
        assert PdfReader(io.BytesIO(body)).metadata.title == "Ascent"
    elif suffix == "export.fdx":
        headings = [e.text for e in read_fdx(body).elements if e.kind == "scene_heading"]
        assert "INT. MOUNT GURU FOOTHILLS--DAY" in headings and headings[-1] == "INT. BASE CAMP - NIGHT"
    else:
        assert "\n\nINT. MOUNT GURU FOOTHILLS--DAY\n\n" in body.decode("utf-8") and body.decode("utf-8").endswith("\n\nINT. BASE CAMP - NIGHT\n\nWind.\n")
    assert Job.objects.filter(kind="script.render").count() == 1


def test_a_renamed_script_gets_its_pdf_made_again_and_the_old_file_removed(api, user, script, media_root, django_capture_on_commit_callbacks):
    v2 = ScriptVersion.objects.get(script=script, number=2)
    job_run(api.get(f"/api/script-versions/{v2.pk}/export.pdf").json()["id"])
    [old] = kept_files(media_root)
    Script.objects.filter(pk=script.pk).update(title="Ascent (final)")

    response = api.get(f"/api/script-versions/{v2.pk}/export.pdf")

    assert response.status_code == 202
    with django_capture_on_commit_callbacks(execute=True):
        job = job_run(response.json()["id"])
    assert job.status == JobStatus.SUCCEEDED
    [new] = kept_files(media_root)
    assert new != old and PdfReader(io.BytesIO(new.read_bytes())).metadata.title == "Ascent (final)"


@pytest.mark.parametrize("suffix", ["export.fountain", "export.fdx", "export.pdf"])
def test_a_render_kept_from_an_older_reading_of_fountain_is_made_again(api, script, media_root, suffix, monkeypatch,
                                                                        django_capture_on_commit_callbacks):
    # Renders kept before the parser read headings and notes as it does now (renders.READING) are stale.
    from apps.scripts.services import renders

    v2 = ScriptVersion.objects.get(script=script, number=2)
    monkeypatch.setattr(renders, "READING", "1")
    job_run(api.get(f"/api/script-versions/{v2.pk}/{suffix}").json()["id"])
    assert api.get(f"/api/script-versions/{v2.pk}/{suffix}").status_code == 200
    monkeypatch.undo()

    response = api.get(f"/api/script-versions/{v2.pk}/{suffix}")

    assert response.status_code == 202
    with django_capture_on_commit_callbacks(execute=True):
        assert job_run(response.json()["id"]).status == JobStatus.SUCCEEDED
    assert api.get(f"/api/script-versions/{v2.pk}/{suffix}").status_code == 200 and len(kept_files(media_root)) == 1


def test_a_big_diff_is_made_by_a_job_and_made_again_when_a_scene_is_renumbered(api, script, media_root, django_capture_on_commit_callbacks):
    response = api.get(f"/api/scripts/{script.pk}/diff/", {"from": 1, "to": 2})
    assert response.status_code == 202 and response.json()["kind"] == "script.render"
    assert job_run(response.json()["id"]).status == JobStatus.SUCCEEDED

    body = json.loads(b"".join(api.get(f"/api/scripts/{script.pk}/diff/", {"from": 1, "to": 2}).streaming_content))

    assert (body["from"], body["to"]) == (1, 2)
    statuses = [s["status"] for s in body["scenes"]]
    assert statuses[0] == "changed" and statuses[-1] == "added" and set(statuses[1:-1]) == {"unchanged"}
    first = Scene.objects.get(pk=body["scenes"][0]["scene"])
    assert body["scenes"][0]["number"] == first.number == "1"
    Scene.objects.filter(pk=first.pk).update(number="1X")
    stale = api.get(f"/api/scripts/{script.pk}/diff/", {"from": 1, "to": 2})
    assert stale.status_code == 202
    with django_capture_on_commit_callbacks(execute=True):
        job_run(stale.json()["id"])
    again = json.loads(b"".join(api.get(f"/api/scripts/{script.pk}/diff/", {"from": 1, "to": 2}).streaming_content))
    assert again["scenes"][0]["number"] == "1X" and len(kept_files(media_root)) == 1


def test_a_render_past_the_page_limit_fails_its_job_naming_the_limit_and_is_not_retried_by_every_request(api, script, settings):
    settings.SLATE_SCRIPT_MAX_PAGES = 2
    v1 = ScriptVersion.objects.get(script=script, number=1)
    job = job_run(api.get(f"/api/script-versions/{v1.pk}/export.pdf").json()["id"])

    assert job.status == JobStatus.FAILED and "SLATE_SCRIPT_MAX_PAGES" in job.error
    assert api.get(f"/api/script-versions/{v1.pk}/export.pdf").json()["id"] == str(job.pk)  # the failure, not a new job


def test_deleting_a_script_removes_its_kept_renders(api, script, media_root, django_capture_on_commit_callbacks):
    v2 = ScriptVersion.objects.get(script=script, number=2)
    job_run(api.get(f"/api/script-versions/{v2.pk}/export.fountain").json()["id"])
    assert len(kept_files(media_root)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = api.delete(f"/api/scripts/{script.pk}/")

    assert response.status_code == 204, response.content
    assert not ScriptRender.objects.exists() and kept_files(media_root) == []


# --- limits -------------------------------------------------------------------------------------------

def test_an_edit_past_the_line_limit_is_refused_at_once(api, script, settings):
    settings.SLATE_SCRIPT_MAX_LINES = 50
    response = api.post(f"/api/scripts/{script.pk}/versions/", {"text": "INT. A - DAY\n\n" + "Line.\n" * 60}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "too_large" and response.json()["extra"]["limit"] == "SLATE_SCRIPT_MAX_LINES"
    assert not Job.objects.filter(kind="script.edit").exists()


@pytest.mark.parametrize("setting, text", [
    ("SLATE_SCRIPT_MAX_SCENES", "".join(f"INT. ROOM {n} - DAY\n\nWait.\n\n" for n in range(12))),
    ("SLATE_SCRIPT_MAX_ELEMENTS", "INT. ROOM - DAY\n\n" + "[[a]]" * 40 + "\n"),
    ("SLATE_SCRIPT_MAX_PAGES", "INT. ROOM - DAY\n\n" + "word " * 20_000 + "\n"),
])
def test_an_edit_past_a_screenplay_limit_fails_its_job_naming_the_limit_and_saves_nothing(api, script, settings, setting, text):
    settings.SLATE_SCRIPT_MAX_SCENES, settings.SLATE_SCRIPT_MAX_ELEMENTS, settings.SLATE_SCRIPT_MAX_PAGES = 10, 30, 10
    response = api.post(f"/api/scripts/{script.pk}/versions/", {"text": text}, format="json")
    assert response.status_code == 202

    job = job_run(response.json()["id"])

    assert job.status == JobStatus.FAILED and setting in job.error
    assert ScriptVersion.objects.filter(script=script).count() == 2


# --- planning outside the transaction ------------------------------------------------------------------

def test_a_version_planned_while_someone_renumbers_a_scene_is_planned_again(user, script):
    reports: list[str] = []
    street = Scene.objects.filter(script_version__script=script).order_by("script_order")[1]  # a scene v3 keeps as it is

    class Someone:
        """A job context whose progress report, at the moment the plan is about to be applied, lets a crew member renumber a scene."""

        def progress(self, fraction, message=None, *, force=False):
            reports.append(message)
            if message == "Saving the new version" and reports.count(message) == 1:
                Scene.objects.filter(pk=street.pk).update(number="99")

    version = script_version_create(script=script, text=ASCENT, source="edit", actor=user, ctx=Someone())

    assert "Scenes changed meanwhile: matching again" in reports
    assert version.number == 3 and street.pk in version.scene_ids
    street.refresh_from_db()
    assert street.number != "99" and street.script_version_id == version.pk  # numbered by the new plan


# --- cancelling ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("what", ["edit", "pdf"])
def test_a_screenplay_job_cancelled_while_it_runs_stops_at_its_next_report_and_saves_nothing(api, script, what, media_root):
    v2 = ScriptVersion.objects.get(script=script, number=2)
    if what == "edit":
        response = api.post(f"/api/scripts/{script.pk}/versions/", {"text": ASCENT + "\nINT. TENT - NIGHT\n\nSnow.\n", "parent": v2.pk}, format="json")
    else:
        response = api.get(f"/api/script-versions/{v2.pk}/export.pdf")
    assert response.status_code == 202
    Job.objects.filter(pk=response.json()["id"]).update(cancel_requested=True)  # as job_cancel leaves a running job

    job = job_run(response.json()["id"])

    assert job.status == JobStatus.CANCELLED
    assert ScriptVersion.objects.filter(script=script).count() == 2 and kept_files(media_root) == []
    assert not any(media_root.rglob("*.fountain"))  # the edit's stored text goes with the cancelled job

"""Retrying failed screenplay jobs (`POST /api/jobs/{id}/retry/`): import, edit and render run again as the same job.

Each job fails for real first — the production's scenes keep changing while a version is saved
(`busy`), a PDF past the page limit — then the cause goes away, the job is retried through the API
and run by `apps.jobs.services.job_run` as the worker runs what the retry queued. A job whose inputs
are gone is refused with the reason, and nothing changes: not the job, not the events.
"""
from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from apps.jobs.models import Job, JobStatus
from apps.jobs.services import job_run
from apps.scenes.models import Scene
from apps.scripts.models import Script, ScriptVersion
from apps.scripts.services import script_version_create
from tests.conftest import SHARED_DATA
from tests.scripts.retrying import assert_refused_and_unchanged, retry

ASCENT = (SHARED_DATA / "fountain" / "public-domain" / "ASCENT_TO_GURU_PEAK.fountain").read_text("utf-8")
DRAFT = ASCENT.replace("EXT. MOUNT GURU FOOTHILLS", "INT. MOUNT GURU FOOTHILLS") + "\nINT. BASE CAMP - NIGHT\n\nWind.\n"


@pytest.fixture
def script(production, user) -> Script:
    script = Script.objects.create(production=production, title="Ascent", created_by=user)
    script_version_create(script=script, text=ASCENT, source="upload", actor=user)
    return script


@pytest.fixture
def busy_crew(monkeypatch, production):
    """Someone renumbering a scene each time a version is about to be saved (at the job's "Saving the new version"
    report), so every plan goes stale and the job fails `busy`; `busy_crew.stop()` ends it. Live frames go nowhere."""
    class Crew:
        renumbered = 0
        active = True

        def stop(self):
            self.active = False

    crew = Crew()

    def send(group, message, **kwargs):
        envelope = json.loads(message["text"])
        if crew.active and envelope["type"] == "job.progress" and envelope["data"]["message"] == "Saving the new version":
            crew.renumbered += 1
            scene = Scene.objects.filter(production=production).order_by("script_order").first()
            Scene.objects.filter(pk=scene.pk).update(number=f"9{crew.renumbered}")
        return True

    monkeypatch.setattr("apps.realtime.sender.group_send", send)
    return crew


def upload(api, script, text: str):
    response = api.post("/api/scripts/", {"production": script.production_id, "title": script.title,
                                          "file": SimpleUploadedFile("ascent.fountain", text.encode(), content_type="text/plain")},
                        format="multipart")
    assert response.status_code == 201, response.content
    return Job.objects.get(pk=response.json()["job"]["id"])


def edit(api, script, text: str, parent: ScriptVersion):
    response = api.post(f"/api/scripts/{script.pk}/versions/", {"text": text, "parent": parent.pk}, format="json")
    assert response.status_code == 202, response.content
    return Job.objects.get(pk=response.json()["id"])


def start(api, script, what: str) -> Job:
    if what == "import":
        return upload(api, script, DRAFT)
    return edit(api, script, DRAFT, ScriptVersion.objects.get(script=script, number=1))


def stored_texts(media_root) -> list:
    return sorted(media_root.rglob("*.fountain"))


# --- import and edit -------------------------------------------------------------------------------------

@pytest.mark.parametrize("what", ["import", "edit"])
def test_a_screenplay_job_that_failed_busy_keeps_its_text_and_a_retry_saves_it_as_the_next_version(
        api, user, script, what, busy_crew, media_root):
    job = start(api, script, what)

    job_run(job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and busy_crew.renumbered == 3
    assert job.error.startswith("The production's scenes kept changing while this version was being saved; nothing was saved.")
    assert len(stored_texts(media_root)) == 1  # kept: a rerun may cure this failure
    assert api.get(f"/api/jobs/{job.pk}/").json()["retryable"] is True
    busy_crew.stop()

    response = retry(api, job)

    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["error"]) == ("pending", "")
    job = job_run(job.pk)
    assert (job.status, job.attempts, job.error) == (JobStatus.SUCCEEDED, 2, "")
    v2 = ScriptVersion.objects.get(script=script, number=2)
    assert job.result["script_version_id"] == v2.pk and v2.text == DRAFT
    assert v2.source == ("upload" if what == "import" else "edit")
    assert ScriptVersion.objects.filter(script=script).count() == 2  # one version, for one job
    assert Job.objects.count() == 1
    assert stored_texts(media_root) == []  # removed once saved


def test_an_import_whose_script_was_deleted_is_not_retried(api, script, busy_crew):
    job = upload(api, script, DRAFT)
    job_run(job.pk)
    busy_crew.stop()
    assert api.delete(f"/api/scripts/{script.pk}/").status_code == 204

    assert_refused_and_unchanged(api, Job.objects.get(pk=job.pk), "The script was deleted")


def test_an_import_slate_refused_is_not_retried_its_text_is_gone(api, script, settings, media_root):
    settings.SLATE_SCRIPT_MAX_SCENES = 3
    job = job_run(upload(api, script, DRAFT).pk)
    assert job.status == JobStatus.FAILED and "SLATE_SCRIPT_MAX_SCENES" in job.error
    assert stored_texts(media_root) == []

    assert_refused_and_unchanged(api, job, "The uploaded screenplay for Ascent is no longer kept")
    assert ScriptVersion.objects.filter(script=script).count() == 1


def test_an_edit_whose_version_is_no_longer_the_latest_is_not_retried(api, user, script, busy_crew):
    job = edit(api, script, DRAFT, ScriptVersion.objects.get(script=script, number=1))
    job_run(job.pk)
    busy_crew.stop()
    script_version_create(script=script, text=ASCENT + "\nINT. TENT - NIGHT\n\nSnow.\n", source="edit", actor=user)  # someone else's v2

    assert_refused_and_unchanged(api, Job.objects.get(pk=job.pk), "Ascent is now at v2: this edit was based on v1.")


# --- renders ---------------------------------------------------------------------------------------------

@pytest.fixture
def big(settings):
    settings.SLATE_SCRIPT_INLINE_MAX_BYTES = 1000  # the shared screenplay (6 KB) takes the job's path
    settings.SLATE_SCRIPT_MAX_PAGES = 2  # ...and its PDF (more pages) fails


def test_a_pdf_past_the_page_limit_is_made_by_a_retry_once_the_limit_is_raised(api, script, settings, big, media_root,
                                                                               django_capture_on_commit_callbacks):
    v1 = ScriptVersion.objects.get(script=script)
    job = job_run(api.get(f"/api/script-versions/{v1.pk}/export.pdf").json()["id"])
    assert job.status == JobStatus.FAILED and "SLATE_SCRIPT_MAX_PAGES" in job.error
    settings.SLATE_SCRIPT_MAX_PAGES = 400

    response = retry(api, job)

    assert response.status_code == 200, response.content
    assert api.get(f"/api/script-versions/{v1.pk}/export.pdf").json()["id"] == str(job.pk)  # the request finds the retried job
    with django_capture_on_commit_callbacks(execute=True):
        job = job_run(job.pk)
    assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, 2)
    served = api.get(f"/api/script-versions/{v1.pk}/export.pdf")
    assert served.status_code == 200
    assert PdfReader(io.BytesIO(b"".join(served.streaming_content))).metadata.title == "Ascent"
    assert len(list((media_root / "scripts" / "renders").iterdir())) == 1
    assert Job.objects.filter(kind="script.render").count() == 1


def test_a_render_whose_version_was_deleted_is_not_retried(api, script, big):
    v1 = ScriptVersion.objects.get(script=script)
    job = job_run(api.get(f"/api/script-versions/{v1.pk}/export.pdf").json()["id"])
    assert api.delete(f"/api/scripts/{script.pk}/").status_code == 204

    assert_refused_and_unchanged(api, job, "This version was deleted; there is nothing to render.")


def test_a_render_a_later_job_makes_now_is_not_retried(api, script, big):
    v1 = ScriptVersion.objects.get(script=script)
    job = job_run(api.get(f"/api/script-versions/{v1.pk}/export.pdf").json()["id"])
    Script.objects.filter(pk=script.pk).update(title="Ascent (final)")  # a new title: the PDF is made again, by a new job
    later = api.get(f"/api/script-versions/{v1.pk}/export.pdf").json()["id"]
    assert later != str(job.pk)

    assert_refused_and_unchanged(api, job, "A later job makes the pdf export of v1 now")

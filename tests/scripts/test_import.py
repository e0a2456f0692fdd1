"""Importing a screenplay: POST /api/scripts/ (multipart: production, title, file) and its import job.

Real screenplays from the shared data folder. What each should give is worked out here from the
file's text with a deliberately simple reading of the Fountain rules (a heading starts with
INT./EXT./EST./INT/EXT/I/E or a forced '.', after a blank line; a character cue is an upper-case
line after a blank line with text under it) — never with the app's parser. The import job runs
through `apps.jobs.services.job_run`, the wrapper the worker uses.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from apps.breakdown.models import Character
from apps.jobs.models import Job, JobStatus
from apps.jobs.services import job_run
from apps.realtime.models import Event
from apps.scenes.models import Scene, SceneStatus, Shot
from apps.scripts.models import Script, ScriptVersion
from tests.factories import ShotFactory

BOUNDARY = "----SlateScriptBoundary0gW7MA4YWxk"
HEADING = re.compile(r"^(?:\.(?=[^.\s])(?P<forced>.+)|(?P<prefix>INT\./EXT|INT/EXT|I/E|INT|EXT|EST)[.\s]\s*(?P<rest>.+))$", re.I)
PREFIX = {"INT./EXT": "INT/EXT", "INT/EXT": "INT/EXT", "I/E": "INT/EXT", "INT": "INT", "EXT": "EXT", "EST": "EST"}
SCREENPLAYS = sorted(p.name for p in (Path(os.environ.get("SLATE_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"))
                                      / "fountain" / "public-domain").glob("*.fountain"))


def expected_scenes(text: str) -> list[dict]:
    """Scene headings of a screenplay and who speaks in each scene, read with a few regexes."""
    lines = text.splitlines()
    scenes: list[dict] = []
    for i, raw in enumerate(lines):
        line = raw.strip()
        after_blank = i == 0 or not lines[i - 1].strip()
        match = HEADING.match(line)
        if match and after_blank:
            rest = re.sub(r"\s*#[^#]*#\s*$", "", match.group("forced") or match.group("rest")).strip()
            parts = re.split(r"\s*(?:--| - )\s*", rest)
            location, time_of_day = (" - ".join(parts[:-1]), parts[-1]) if len(parts) > 1 else (rest, "")
            int_ext = PREFIX[match.group("prefix").upper()] if match.group("prefix") else ""
            scenes.append({"int_ext": int_ext, "location": location, "time_of_day": time_of_day, "speakers": []})
            continue
        following = lines[i + 1].strip() if i + 1 < len(lines) else ""
        name = re.sub(r"\s*\(.*\)\s*$", "", line).rstrip("^").strip()
        if line.startswith("@"):
            name = name[1:]
        elif not (re.search(r"[A-Z]", name) and name == name.upper()) or line.endswith("TO:"):
            continue
        if after_blank and following and scenes and name not in scenes[-1]["speakers"]:
            scenes[-1]["speakers"].append(name)
    return scenes


def upload(client, production, *, filename: str, content: bytes, title: str = ""):
    fields = {"production": production.pk, "title": title}
    parts = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()]
    parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                 f"Content-Type: text/plain\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{BOUNDARY}--\r\n".encode())
    return client.post("/api/scripts/", data=b"".join(parts), content_type=f"multipart/form-data; boundary={BOUNDARY}")


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def run_import(job_id, capture):
    """Run the import job and what it leaves for after commit (removing the uploaded file)."""
    with capture(execute=True):
        return job_run(job_id)


def assert_nothing_stored(media_root: Path) -> None:
    assert Script.objects.count() == 0
    assert ScriptVersion.objects.count() == 0
    assert Job.objects.count() == 0
    assert Event.objects.count() == 0
    assert files_under(media_root) == []


@pytest.fixture
def capture(django_capture_on_commit_callbacks, monkeypatch):
    """Run on-commit callbacks without touching Redis: live frames and the queue are not under test here."""
    monkeypatch.setattr("apps.realtime.sender.group_send", lambda group, message, **kw: True)
    monkeypatch.setattr("apps.jobs.services.job_enqueue", lambda *, job_id: True)
    return django_capture_on_commit_callbacks


# --- importing the real screenplays ---------------------------------------------------------------

def test_the_shared_screenplays_are_all_here():
    assert len(SCREENPLAYS) == 6 and "Cyber_Bob_epAsparagusConcrete.fountain" in SCREENPLAYS


@pytest.mark.parametrize("screenplay", SCREENPLAYS)
def test_screenplay_import_creates_its_version_scenes_and_speaking_characters(screenplay, api, user, production, shared_data, media_root, capture):
    path = shared_data / "fountain" / "public-domain" / screenplay
    text = path.read_text("utf-8")
    expected = expected_scenes(text)

    response = upload(api, production, filename=screenplay, content=path.read_bytes(), title=f"  {screenplay[:-9]}  ")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == screenplay[:-9]
    assert body["job"]["kind"] == "script.import" and body["job"]["status"] == "pending"
    [stored] = files_under(media_root)
    assert stored.parent == media_root / "scripts" / "uploads" and stored.read_text("utf-8") == text

    job = run_import(body["job"]["id"], capture)

    assert job.status == JobStatus.SUCCEEDED, job.error
    script = Script.objects.get(pk=body["id"])
    [version] = ScriptVersion.objects.filter(script=script)
    assert version.number == 1
    assert version.text == text
    assert version.source_name == screenplay
    assert version.scene_count == len(expected)
    assert version.created_by == user

    scenes = list(Scene.objects.filter(production=production).order_by("script_order"))
    assert [(s.int_ext, s.location, s.time_of_day) for s in scenes] == [(e["int_ext"], e["location"], e["time_of_day"]) for e in expected]
    assert [s.script_order for s in scenes] == list(range(len(expected)))
    assert [s.number for s in scenes] == [str(n) for n in range(1, len(expected) + 1)]
    assert all(s.script_version_id == version.pk and s.page_eighths >= 1 for s in scenes)
    assert version.page_eighths == sum(s.page_eighths for s in scenes)

    speakers = {name for e in expected for name in e["speakers"]}
    characters = {c.name: c for c in Character.objects.filter(production=production).prefetch_related("scenes")}
    assert set(characters) == speakers
    for name, character in characters.items():
        assert sorted(s.script_order for s in character.scenes.all()) == [i for i, e in enumerate(expected) if name in e["speakers"]]

    assert job.result == {"script_version_id": version.pk, "version": 1, "scene_count": len(expected), "character_count": len(speakers)}
    stats = api.get(f"/api/productions/{production.pk}/").json()["stats"]
    assert stats["scene_count"] == len(expected)
    assert stats["total_eighths"] == sum(s.page_eighths for s in scenes)
    assert Event.objects.filter(type="production.updated", production=production).last().data["stats"]["scene_count"] == len(expected)
    assert Event.objects.filter(type="scene.created").count() == len(expected)
    assert Event.objects.filter(type="script_version.created").get().data["number"] == 1
    assert files_under(media_root) == []  # the uploaded copy is removed once the import is committed

    detail = api.get(f"/api/script-versions/{version.pk}/").json()
    assert detail["text"] == text and detail["scene_count"] == len(expected)


def test_screenplay_without_scene_headings_imports_with_no_scenes(api, production, shared_data, capture):
    path = shared_data / "fountain" / "public-domain" / "Cyber_Bob_epAsparagusConcrete.fountain"
    assert expected_scenes(path.read_text()) == []

    response = upload(api, production, filename=path.name, content=path.read_bytes())
    job = run_import(response.json()["job"]["id"], capture)

    assert response.json()["title"] == "Cyber_Bob_epAsparagusConcrete.fountain"
    assert job.status == JobStatus.SUCCEEDED
    assert job.result["scene_count"] == 0 and job.result["character_count"] == 0
    version = ScriptVersion.objects.get()
    assert version.scene_count == 0 and version.page_eighths == 0
    assert version.text == path.read_text()
    assert Scene.objects.count() == 0


def test_second_upload_of_a_script_adds_v2_and_updates_its_scenes_in_place(api, production, shared_data, capture):
    path = shared_data / "fountain" / "public-domain" / "Cyber_Bob_ep00001.fountain"
    draft_one = path.read_text()
    response = upload(api, production, filename=path.name, content=draft_one.encode(), title="Cyber Bob 1")
    run_import(response.json()["job"]["id"], capture)
    script_id = response.json()["id"]
    first = list(Scene.objects.order_by("script_order"))
    assert [s.location for s in first] == ["PARK", "SUBURBAN TRAFFIC INTERSECTION", "TRAFFIC LIGHT HORIZONTAL BEAM"]
    Scene.objects.filter(pk=first[0].pk).update(status=SceneStatus.COMPLETED)
    shot = ShotFactory(scene=first[0], production=production, number="1A")
    draft_two = draft_one.replace("EXT. SUBURBAN TRAFFIC INTERSECTION--DAY", "EXT. SUBURBAN TRAFFIC INTERSECTION--NIGHT")
    assert draft_two != draft_one

    response = upload(api, production, filename="Cyber_Bob_ep00001_v2.fountain", content=draft_two.encode(), title="Cyber Bob 1")
    assert response.status_code == 201
    assert response.json()["id"] == script_id
    job = run_import(response.json()["job"]["id"], capture)

    assert job.status == JobStatus.SUCCEEDED, job.error
    assert Script.objects.count() == 1
    versions = list(ScriptVersion.objects.filter(script_id=script_id).order_by("number"))
    assert [(v.number, v.source_name) for v in versions] == [(1, path.name), (2, "Cyber_Bob_ep00001_v2.fountain")]
    assert versions[0].text == draft_one and versions[1].text == draft_two
    assert job.result["version"] == 2
    second = list(Scene.objects.order_by("script_order"))
    assert [s.pk for s in second] == [s.pk for s in first]  # updated, not duplicated
    assert [s.time_of_day for s in second] == ["DAY", "NIGHT", "NIGHT"]
    assert second[0].status == SceneStatus.COMPLETED
    assert list(Shot.objects.filter(scene=second[0]).values_list("pk", flat=True)) == [shot.pk]
    assert {s.script_version_id for s in second} == {versions[1].pk}
    assert Character.objects.filter(production=production).count() == len({n for e in expected_scenes(draft_one) for n in e["speakers"]})
    listing = api.get(f"/api/scripts/{script_id}/versions/").json()
    assert [row["number"] for row in listing["results"]] == [1, 2]


def test_uploads_with_different_titles_are_different_scripts(api, production, shared_data):
    path = shared_data / "fountain" / "public-domain" / "As_I_Am_a_Cat_I_Eat_Mice.fountain"

    first = upload(api, production, filename=path.name, content=path.read_bytes(), title="Draft A").json()
    second = upload(api, production, filename=path.name, content=path.read_bytes(), title="Draft B").json()

    assert first["id"] != second["id"]
    assert Script.objects.count() == 2 and Job.objects.count() == 2


# --- refused uploads leave nothing behind ---------------------------------------------------------

def _png() -> bytes:
    import io

    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), "blue").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("content, code", [
    (b"", "empty_file"),
    (b"\n\n  \n", "empty_file"),
    (_png(), "unsupported_format"),
    (bytes(range(256)) * 16, "unsupported_format"),
    (b"INT. HOUSE - DAY\n\nBOB\nHi.\n" + b"\x00" * 64 + b"\n", "unsupported_format"),
    (b"Title: Le Caf\xe9\n\nINT. CAF\xc9 - JOUR\n\nAM\xc9LIE\nBonjour.\n", "unsupported_format"),
])
def test_bad_screenplay_file_is_refused_and_leaves_nothing(api, production, media_root, content, code):
    response = upload(api, production, filename="draft.fountain", content=content, title="Draft")

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert_nothing_stored(media_root)


def test_latin1_screenplay_is_refused_with_a_message_about_utf8(api, production, media_root):
    response = upload(api, production, filename="cafe.fountain", content="INT. CAFÉ - JOUR\n\nAMÉLIE\nBonjour.\n".encode("latin-1"))

    assert response.status_code == 400
    assert "UTF-8" in response.json()["message"]
    assert_nothing_stored(media_root)


def test_screenplay_over_the_size_limit_is_refused_with_413(api, production, media_root, shared_data, settings):
    content = (shared_data / "fountain" / "public-domain" / "ASCENT_TO_GURU_PEAK.fountain").read_bytes()
    settings.SLATE_MAX_SCRIPT_UPLOAD_BYTES = len(content) - 1

    response = upload(api, production, filename="ascent.fountain", content=content)

    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert_nothing_stored(media_root)

    settings.SLATE_MAX_SCRIPT_UPLOAD_BYTES = 100  # far over: refused on the declared request size
    response = upload(api, production, filename="ascent.fountain", content=content)
    assert response.status_code == 413
    assert_nothing_stored(media_root)


def test_viewer_cannot_upload_a_screenplay(api_for, viewer, production, media_root, shared_data):
    content = (shared_data / "fountain" / "public-domain" / "As_I_Am_a_Cat_I_Eat_Mice.fountain").read_bytes()

    response = upload(api_for(viewer), production, filename="cat.fountain", content=content)

    assert response.status_code == 403
    assert_nothing_stored(media_root)


def test_non_member_cannot_upload_a_screenplay(api_for, other_user, production, media_root, shared_data):
    content = (shared_data / "fountain" / "public-domain" / "As_I_Am_a_Cat_I_Eat_Mice.fountain").read_bytes()

    response = upload(api_for(other_user), production, filename="cat.fountain", content=content)

    assert response.status_code == 400
    assert "production" in response.json()["extra"]["fields"]
    assert_nothing_stored(media_root)


# --- list query counts ----------------------------------------------------------------------------

def test_script_list_runs_a_constant_number_of_queries(api, production, user, django_assert_max_num_queries):
    Script.objects.bulk_create([Script(production=production, title=f"Draft {i}", created_by=user) for i in range(5)])
    with CaptureQueriesContext(connection) as five:
        small = api.get("/api/scripts/", {"page_size": 500})
    assert small.json()["count"] == 5
    assert len(five.captured_queries) <= 6

    Script.objects.bulk_create([Script(production=production, title=f"Draft {i}", created_by=user) for i in range(5, 200)])
    with django_assert_max_num_queries(len(five.captured_queries)):
        response = api.get("/api/scripts/", {"page_size": 500})

    assert response.json()["count"] == 200
    assert {row["title"] for row in response.json()["results"]} == {f"Draft {i}" for i in range(200)}


def test_script_version_list_runs_a_constant_number_of_queries(api, production, user, django_assert_max_num_queries):
    script = Script.objects.create(production=production, title="Ascent", created_by=user)

    def versions(numbers):
        return [ScriptVersion(production=production, script=script, number=n, text=f"INT. TENT - NIGHT {n}", scene_count=n,
                              title_page=[["Title", "Ascent"]], created_by=user) for n in numbers]

    ScriptVersion.objects.bulk_create(versions(range(1, 6)))
    with CaptureQueriesContext(connection) as five:
        small = api.get("/api/script-versions/", {"page_size": 500})
    assert small.json()["count"] == 5
    assert len(five.captured_queries) <= 6

    ScriptVersion.objects.bulk_create(versions(range(6, 201)))
    with django_assert_max_num_queries(len(five.captured_queries)):
        response = api.get("/api/script-versions/", {"page_size": 500})

    rows = response.json()["results"]
    assert response.json()["count"] == 200 and len(rows) == 200
    assert sorted(row["number"] for row in rows) == list(range(1, 201))
    assert all("text" not in row and row["title_page"] == [["Title", "Ascent"]] for row in rows)


def test_an_upload_naming_a_script_becomes_its_next_version_whatever_its_title(api, production, shared_data):
    from apps.jobs.services import job_run
    from apps.scripts.models import Script, ScriptVersion

    text = (shared_data / "fountain/public-domain/Cyber_Bob_ep00001.fountain").read_bytes()
    first = api.post("/api/scripts/", {"production": production.pk, "title": "Cyber Bob", "file": _file("ep1.fountain", text)}, format="multipart")
    job_run(first.json()["job"]["id"])

    second = api.post("/api/scripts/", {"production": production.pk, "title": "Another title", "script": first.json()["id"],
                                        "file": _file("ep1-v2.fountain", text)}, format="multipart")
    job_run(second.json()["job"]["id"])

    assert second.status_code == 201
    assert second.json()["id"] == first.json()["id"]
    assert Script.objects.filter(production=production).count() == 1
    assert list(ScriptVersion.objects.filter(script_id=first.json()["id"]).values_list("number", flat=True)) == [1, 2]


def test_an_upload_naming_another_productions_script_is_refused(api, production, make_production, other_user, shared_data):
    from apps.scripts.models import Script

    theirs = Script.objects.create(production=make_production(owner=other_user), title="Theirs")
    text = (shared_data / "fountain/public-domain/Cyber_Bob_ep00001.fountain").read_bytes()

    response = api.post("/api/scripts/", {"production": production.pk, "script": theirs.pk, "file": _file("x.fountain", text)}, format="multipart")

    assert response.status_code == 400
    assert Script.objects.filter(production=production).count() == 0


def _file(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="text/plain")

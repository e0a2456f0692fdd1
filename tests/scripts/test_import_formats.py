"""One import endpoint for every format a crew gets a script in: POST /api/scripts/ takes Fountain, Final
Draft or PDF, recognised by content (never the file name); anything else is refused at once naming the
three. The request only detects and stores; the `script.import` job converts (FDX/PDF → Fountain) and
adds the version, as `apps.jobs.services.job_run` runs it in the worker. Also the Final Draft export.
"""
from __future__ import annotations


import pytest

from apps.jobs.models import JobStatus
from apps.scenes.models import Scene
from apps.scripts.fdx import read_fdx, to_fdx
from apps.scripts.fountain import parse, scenes, to_fountain
from apps.scripts.models import Script, ScriptVersion
from apps.scripts.pdf import screenplay_pdf
from tests.conftest import SHARED_DATA
from tests.scripts.test_import import assert_nothing_stored, capture, files_under, run_import, upload  # noqa: F401 — capture: a fixture

FOUNTAIN = SHARED_DATA / "fountain"
ASCENT = FOUNTAIN / "public-domain" / "ASCENT_TO_GURU_PEAK.fountain"
ACCEPTED = "Slate reads screenplays in Fountain (.fountain, UTF-8 text), Final Draft (.fdx) or PDF."


def scene_rows(production) -> list[tuple[str, str, str, str]]:
    return list(Scene.objects.filter(production=production).order_by("script_order").values_list("number", "int_ext", "location", "time_of_day"))


def test_a_final_draft_file_imports_as_a_version_with_its_scenes_numbers_and_speakers(api, production, media_root, capture):
    data = (FOUNTAIN / "fountain-tools" / "TestFDX-FD.fdx").read_bytes()

    response = upload(api, production, filename="Radio.fdx", content=data, title="Radio")

    assert response.status_code == 201, response.content
    [stored] = files_under(media_root)
    assert stored.suffix == ".fdx" and stored.read_bytes() == data  # kept as sent: the job converts it
    job = run_import(response.json()["job"]["id"], capture)
    assert job.status == JobStatus.SUCCEEDED, job.error
    version = ScriptVersion.objects.get(script_id=response.json()["id"])
    assert version.source_name == "Radio.fdx"
    assert parse(version.text).elements == parse(to_fountain(read_fdx(data))).elements
    assert version.title_page == [["Title", "_FDX Test Script_"], ["Credit", "Written by"], ["Author", "Ian"],
                                  ["Copyright", "Copyright (c) 2026"], ["Contact", "Draft\ninformation\nContact\ninformation"]]
    assert scene_rows(production) == [("1", "INT", "RADIO STUDIO", ""), ("2", "EXT", "OUTSIDE THE FOOD STORE", "")]
    assert job.result["character_count"] == 4  # DJ, DAVE, JIM (O.S.), KAY
    assert files_under(media_root) == []


@pytest.mark.parametrize("filename", ["ascent.fountain", "ascent.txt", "ascent.pdf", "ascent"])
def test_the_format_comes_from_the_content_not_the_file_name(api, production, media_root, capture, filename):
    data = to_fdx(parse(ASCENT.read_text("utf-8")))

    response = upload(api, production, filename=filename, content=data)

    assert response.status_code == 201, response.content
    assert files_under(media_root)[0].suffix == ".fdx"
    assert run_import(response.json()["job"]["id"], capture).status == JobStatus.SUCCEEDED
    assert [row[2] for row in scene_rows(production)] == [s.slugline.location for s in scenes(parse(ASCENT.read_text("utf-8")))]


def test_fountain_named_fdx_is_imported_as_fountain(api, production, media_root, capture):
    response = upload(api, production, filename="ascent.fdx", content=ASCENT.read_bytes())

    assert response.status_code == 201
    assert files_under(media_root)[0].suffix == ".fountain"
    assert run_import(response.json()["job"]["id"], capture).status == JobStatus.SUCCEEDED
    assert ScriptVersion.objects.get().text == ASCENT.read_text("utf-8")


@pytest.mark.parametrize("content, reason", [
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "not UTF-8 text"),
    (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>', "its root element is <{http://www.w3.org/2000/svg}svg>"),
    (b"<!DOCTYPE html>\n<html><body><h1>My screenplay</h1></body></html>", "XML with a DTD"),
    (b"<html><body>INT. HOUSE - DAY</body></html>", "its root element is <html>"),
    (b'<?xml version="1.0"?><!DOCTYPE FinalDraft [<!ENTITY x "y">]><FinalDraft/>', "XML with a DTD or entities"),
    (b"<not xml at all", "starts like XML or HTML"),
    (b"PK\x03\x04" + bytes(200), "looks binary"),
])
def test_a_file_of_no_accepted_format_is_refused_at_once_naming_the_three_and_leaves_nothing(api, production, media_root, content, reason):
    response = upload(api, production, filename="draft.fdx", content=content, title="Draft")

    assert response.status_code == 400
    assert response.json()["code"] == "unsupported_format"
    assert reason in response.json()["message"] and response.json()["message"].endswith(ACCEPTED)
    assert_nothing_stored(media_root)


@pytest.mark.parametrize("content, reason", [
    (b'<?xml version="1.0"?><FinalDraft DocumentType="Script"><Content><Paragraph Type="Action"><Text>Cut',
     "Slate could not import this Final Draft file. Not a Final Draft file: the XML is not well-formed"),
    (b"%PDF-1.7\n% nothing else\n", "Slate could not import this PDF file."),
])
def test_a_file_the_job_cannot_convert_fails_it_with_the_reason_and_saves_nothing(api, production, media_root, capture, content, reason):
    response = upload(api, production, filename="broken", content=content, title="Broken")
    assert response.status_code == 201

    job = run_import(response.json()["job"]["id"], capture)

    assert job.status == JobStatus.FAILED and job.error.startswith(reason), job.error
    assert not ScriptVersion.objects.exists() and not Scene.objects.exists()
    assert files_under(media_root) == []  # refused: not kept for a retry that would fail the same way


def test_a_final_draft_file_past_the_element_limit_fails_its_job_naming_the_limit(api, production, media_root, capture, settings):
    settings.SLATE_SCRIPT_MAX_ELEMENTS = 50
    data = to_fdx(parse(ASCENT.read_text("utf-8")))

    job = run_import(upload(api, production, filename="ascent.fdx", content=data).json()["job"]["id"], capture)

    assert job.status == JobStatus.FAILED and "SLATE_SCRIPT_MAX_ELEMENTS" in job.error
    assert not ScriptVersion.objects.exists() and files_under(media_root) == []


def test_a_final_draft_file_of_too_many_lines_fails_before_its_fountain_is_written(api, production, media_root, capture, settings):
    settings.SLATE_SCRIPT_MAX_LINES = 1000
    data = b'<FinalDraft DocumentType="Script"><Content><Paragraph Type="Action"><Text>' + b"a\n" * 2000 + b"</Text></Paragraph></Content></FinalDraft>"

    job = run_import(upload(api, production, filename="lines.fdx", content=data).json()["job"]["id"], capture)

    assert job.status == JobStatus.FAILED and "SLATE_SCRIPT_MAX_LINES" in job.error


def test_a_pdf_printed_by_slate_imports_with_the_same_scenes(api, production, media_root, capture):
    text = ASCENT.read_text("utf-8")
    data = screenplay_pdf(parse(text), title="Ascent")

    response = upload(api, production, filename="ascent.pdf", content=data, title="Ascent")

    assert response.status_code == 201 and files_under(media_root)[0].suffix == ".pdf"
    job = run_import(response.json()["job"]["id"], capture)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert [row[1:] for row in scene_rows(production)] == [(s.slugline.int_ext, s.slugline.location, s.slugline.time_of_day)
                                                            for s in scenes(parse(text))]


# --- the Final Draft export ---------------------------------------------------------------------------

def test_a_member_downloads_a_version_as_a_final_draft_file_that_reads_back_to_its_elements(api_for, viewer, production, user):
    text = (FOUNTAIN / "fountain-tools" / "Writer-output.fountain").read_text("utf-8")
    script = Script.objects.create(production=production, title="Brick & Steel", created_by=user)
    version = ScriptVersion.objects.create(production=production, script=script, number=3, text=text)

    response = api_for(viewer).get(f"/api/script-versions/{version.pk}/export.fdx")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert response["Content-Disposition"] == 'attachment; filename="Brick & Steel v3.fdx"'
    back = read_fdx(response.content)
    assert [(e.kind, e.scene_number, e.dual) for e in back.elements] == [(e.kind, e.scene_number, e.dual) for e in parse(text).elements]
    assert [key for key, _ in back.title_page] == [key for key, _ in parse(text).title_page]

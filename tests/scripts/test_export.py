"""Fountain export: parse → to_fountain → parse keeps the elements; the export endpoints."""

from __future__ import annotations

import datetime
import io
import os
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from apps.scripts.fountain import Screenplay, parse, parse_bytes, to_fountain

REPO = Path(__file__).resolve().parents[2]
SHARED_DATA = Path(os.environ.get("SLATE_SHARED_DATA", REPO.parent / "shared" / "data"))
FOUNTAIN_DATA = SHARED_DATA / "fountain"


def snapshot(screenplay: Screenplay) -> tuple:
    """What must survive a round trip: the title page and each element's fields (not its line), notes included."""
    return screenplay.title_page, [
        (e.kind, e.text, e.scene_number, e.extension, e.dual, e.depth, e.notes) for e in screenplay.elements
    ]


def shared_documents() -> list[tuple[str, str]]:
    """Every .fountain file of the shared data (all suites, public domain) and every Jouvence input."""
    documents = [
        (str(path.relative_to(FOUNTAIN_DATA)), parse_bytes(path.read_bytes()))
        for path in sorted(FOUNTAIN_DATA.rglob("*.fountain"))
    ]
    for path in sorted((FOUNTAIN_DATA / "jouvence").glob("*.yaml")):
        docs = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]
        documents += [(f"{path.name}#{n}", parse(d["in"])) for n, d in enumerate(docs, start=1)]
    return documents


DOCUMENTS = shared_documents()


def test_shared_data_has_documents_to_round_trip():
    assert len([n for n, _ in DOCUMENTS if n.endswith(".fountain")]) >= 40
    assert any(n.startswith("public-domain/") for n, _ in DOCUMENTS)


@pytest.mark.parametrize(("name", "screenplay"), DOCUMENTS, ids=[n for n, _ in DOCUMENTS])
def test_export_parses_back_to_the_same_elements(name, screenplay):
    exported = to_fountain(screenplay)
    assert snapshot(parse(exported)) == snapshot(screenplay)
    assert to_fountain(parse(exported)) == exported  # canonical: a second export changes nothing


def test_forcing_characters_are_added_only_where_needed():
    source = (
        "Title: Brick & Steel\nAuthor:\n    Stu\n    John\n\n"
        "!BOOM\nThe door explodes.\n\n!CUT TO:\n\n.SNIPER SCOPE POV #7#\n\n"
        "@McCLANE (V.O.)\nYippie.\n(beat)\n(bouncy)\n\nSTEEL ^\nNo.\n\n"
        "!INT. NOT A HEADING\n\n> fade out\n\n>THE END<\n\n~La la\n\n## Act\n\n= Setup.\n\n[[A note]]\n\n===\n\n"
        "CUT TO:\n\nPlain action.\n!# not a section"
    )
    screenplay = parse(source)
    exported = to_fountain(screenplay)
    assert exported == (
        "Title: Brick & Steel\nAuthor:\n    Stu\n    John\n\n"
        "!BOOM\nThe door explodes.\n\n!CUT TO:\n\n.SNIPER SCOPE POV #7#\n\n"
        "@McCLANE (V.O.)\nYippie.\n(beat)\n(bouncy)\n\nSTEEL ^\nNo.\n\n"
        "!INT. NOT A HEADING\n\n> fade out\n\n> THE END <\n\n~La la\n\n## Act\n\n= Setup.\n\n[[A note]]\n\n===\n\n"
        "CUT TO:\n\nPlain action.\n!# not a section\n"
    )
    assert snapshot(parse(exported)) == snapshot(screenplay)


def test_notes_are_written_back_where_they_stood():
    source = (
        "INT. HOUSE[[which?]] - DAY #1#\n\n"
        "He enters[[rename him?]]. Quietly.[[This needs work.\nOr coffee.\n  \nDefinitely coffee.]]\n"
        "![[forced]]\n\n[[Standalone\n  \nwith an empty line]]\n\n"
        "@McCLANE[[sp?]] (V.O.)\n(beat)\n[[inside the speech]]\nYippie[[loud]] ki-yay!\n\n"
        "CUT TO:[[hard cut]]\n\n===[[act break]]\n\n>THE END[[?]]<"
    )
    screenplay = parse(source)
    exported = to_fountain(screenplay)
    assert exported == (
        "INT. HOUSE[[which?]] - DAY #1#\n\n"
        "He enters[[rename him?]]. Quietly.[[This needs work.\nOr coffee.\n  \nDefinitely coffee.]]\n"
        "![[forced]]\n\n[[Standalone\n  \nwith an empty line]]\n\n"
        "@McCLANE[[sp?]] (V.O.)\n(beat)\n[[inside the speech]]\nYippie[[loud]] ki-yay!\n\n"
        "CUT TO:[[hard cut]]\n\n===[[act break]]\n\n> THE END[[?]] <\n"
    )
    assert snapshot(parse(exported)) == snapshot(screenplay)
    assert sum(len(e.notes) + (e.kind == "note") for e in screenplay.elements) == 11


# Lines made of these pieces: every kind of element, notes of one and several lines, literal brackets.
# Not "/*" and "*/" (a boneyard the parser removed can let a literal "[[" and "]]" pair up once
# written), no title page (its notes are not kept) and no literal bracket right next to a note:
# the known limits of to_fountain.
_PIECES = ["INT. HOUSE - DAY", ".FORCED", "BOB", "@Bob", "(beat)", "Hello there.", "CUT TO:", "> fade", ">END<", "~la",
           "# Act", "= syn", "===", "!LOUD", "  ", "", "", "[[a note]]", "[[two\nlines]]", "[[gap\n  \nhere]]", "text[[n]] more",
           "*bold*[[x]]", "#1#", "^", " (V.O.)", "[[ x", "y ]]", "    indented", "I/E CAR"]


@settings(max_examples=int(os.environ.get("EX", 500)), deadline=None, database=None, derandomize=os.environ.get("EX") is None)
@given(lines=st.lists(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=3).map("".join), min_size=1, max_size=12))
def test_any_body_exports_to_fountain_that_parses_back_the_same(lines):
    screenplay = parse("\n" + "\n".join(lines))
    exported = to_fountain(screenplay)
    assert snapshot(parse(exported)) == snapshot(screenplay)
    assert to_fountain(parse(exported)) == exported


def test_body_that_looks_like_a_title_page_gets_a_leading_blank_line():
    screenplay = parse("\nNote: he runs.\n\nINT. HOUSE - DAY")
    assert screenplay.title_page == []
    exported = to_fountain(screenplay)
    assert exported.startswith("\nNote: he runs.")
    assert snapshot(parse(exported)) == snapshot(screenplay)


def test_empty_screenplay_exports_as_empty_text():
    assert to_fountain(parse("")) == ""


# --- endpoints -----------------------------------------------------------------------------------

SCRIPT = (
    "Title: Brick & Steel\nAuthor: Stu Maschwitz\n\n"
    "INT. GARAGE - DAY #1#\n\nBRICK and STEEL get into Mom’s PORSCHE.[[Which car?\n  \nAsk props.]]\n\n"
    "BRICK\nThis is everybody we’ve ever put away.\n\n[[Cut the next line?]]\n\nCUT TO:\n"
)


@pytest.fixture
def version(production):
    from apps.scripts.models import Script, ScriptVersion

    script = Script.objects.create(production=production, title="Brick & Steel")
    return ScriptVersion.objects.create(production=production, script=script, number=2, text=SCRIPT)


@pytest.mark.django_db
def test_member_downloads_fountain_that_parses_to_the_version(api, version):
    response = api.get(f"/api/script-versions/{version.id}/export.fountain")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="Brick & Steel v2.fountain"'
    exported = response.content.decode("utf-8")
    assert snapshot(parse(exported)) == snapshot(parse(SCRIPT))
    assert "PORSCHE.[[Which car?\n  \nAsk props.]]\n" in exported and "\n[[Cut the next line?]]\n" in exported


@pytest.mark.django_db
def test_member_downloads_pdf_that_opens(api, version):
    response = api.get(f"/api/script-versions/{version.id}/export.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Brick & Steel v2.pdf"'
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 2  # title page and one page of script
    assert reader.metadata.title == "Brick & Steel"
    # smart quotes come out straight; dialogue wraps at 35 characters
    assert "This is everybody we've ever put\naway." in reader.pages[1].extract_text()


@pytest.mark.django_db
def test_a_reading_copy_prints_the_writers_notes_and_the_default_pdf_does_not(api, version):
    plain = api.get(f"/api/script-versions/{version.id}/export.pdf")
    noted = api.get(f"/api/script-versions/{version.id}/export.pdf?notes=1")

    assert noted.status_code == 200
    assert noted["Content-Disposition"] == 'attachment; filename="Brick & Steel v2 with notes.pdf"'
    text = lambda response: " ".join(PdfReader(io.BytesIO(response.content)).pages[1].extract_text().split())  # noqa: E731
    assert "Which car?" not in text(plain) and "Cut the next line?" not in text(plain)
    assert "Which car?" in text(noted) and "Ask props." in text(noted) and "Cut the next line?" in text(noted)
    assert "This is everybody" in text(noted)
    # each is its own kept render: asking again gives the same file, and the plain one stays without notes
    assert api.get(f"/api/script-versions/{version.id}/export.pdf?notes=1").content == noted.content
    assert "Which car?" not in text(api.get(f"/api/script-versions/{version.id}/export.pdf?notes=0"))


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["notes=yes", "notes=1&revision=pages"])
def test_a_notes_option_it_cannot_print_is_refused(api, version, query):
    response = api.get(f"/api/script-versions/{version.id}/export.pdf?{query}")

    assert response.status_code == 400 and response.json()["code"] == "invalid", response.content


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", ["export.fountain", "export.fdx", "export.pdf"])
def test_non_member_gets_404_and_no_file(api_for, make_user, make_production, suffix):
    from apps.scripts.models import Script, ScriptVersion

    other = make_production(owner=make_user())
    script = Script.objects.create(production=other, title="Secret")
    secret = ScriptVersion.objects.create(production=other, script=script, number=1, text=SCRIPT)
    outsider = api_for(make_user())

    response = outsider.get(f"/api/script-versions/{secret.id}/{suffix}")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "Content-Disposition" not in response


@pytest.mark.django_db
def test_missing_version_is_404(api):
    assert api.get("/api/script-versions/999999/export.pdf").status_code == 404


@pytest.mark.django_db
def test_anonymous_user_is_refused(version):
    from rest_framework.test import APIClient

    response = APIClient().get(f"/api/script-versions/{version.id}/export.fountain")
    assert response.status_code in (401, 403)
    assert "Content-Disposition" not in response


@pytest.mark.django_db
def test_a_version_prints_to_the_same_bytes_dated_when_it_was_made(api, version):
    first = api.get(f"/api/script-versions/{version.id}/export.pdf")

    metadata = PdfReader(io.BytesIO(first.content)).metadata
    assert metadata["/CreationDate"] == version.created_at.astimezone(datetime.timezone.utc).strftime("D:%Y%m%d%H%M%SZ")
    assert api.get(f"/api/script-versions/{version.id}/export.pdf").content == first.content

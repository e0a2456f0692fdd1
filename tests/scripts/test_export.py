"""Fountain export: parse → to_fountain → parse keeps the elements; the export endpoints."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from apps.scripts.fountain import Screenplay, parse, parse_bytes, to_fountain

REPO = Path(__file__).resolve().parents[2]
SHARED_DATA = Path(os.environ.get("SLATE_SHARED_DATA", REPO.parent / "shared" / "data"))
FOUNTAIN_DATA = SHARED_DATA / "fountain"


def snapshot(screenplay: Screenplay) -> tuple:
    """What must survive a round trip: the title page and each element's fields (not its line)."""
    return screenplay.title_page, [
        (e.kind, e.text, e.scene_number, e.extension, e.dual, e.depth) for e in screenplay.elements
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
    "INT. GARAGE - DAY #1#\n\nBRICK and STEEL get into Mom’s PORSCHE.\n\n"
    "BRICK\nThis is everybody we’ve ever put away.\n\nCUT TO:\n"
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
    assert snapshot(parse(response.content.decode("utf-8"))) == snapshot(parse(SCRIPT))


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
@pytest.mark.parametrize("suffix", ["export.fountain", "export.pdf"])
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

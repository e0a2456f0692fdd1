"""The call sheet PDF: a real PDF (read back with pypdf) in the usual layout, per revision, draft watermarked."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.factories import CastMemberFactory

pytestmark = pytest.mark.django_db


def pdf_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


@pytest.fixture
def published(api, board):
    sheet = api.post("/api/call-sheets/", {"shoot_day": board.days[0].pk}, format="json").json()
    body = {"crew_call": "07:00", "shooting_call": "08:00", "first_meal": "13:00", "notes": "Quiet on the set — café closed",
            "cast_calls": [{"cast_member": board.ana.pk, "pickup": "06:00", "hair_makeup": "06:30", "on_set": "07:30"}],
            "hospital": {"name": "St Mary", "address": "2 High St", "phone": "555-0100"}, "version": sheet["version"]}
    sheet = api.patch(f"/api/call-sheets/{sheet['id']}/", body, format="json").json()
    return api.post(f"/api/call-sheets/{sheet['id']}/publish/", {"version": sheet["version"]}, format="json").json()


def test_the_pdf_of_a_published_sheet(api, published, production):
    text = pdf_text(api.get(f"/api/call-sheets/{published['id']}/pdf/"))

    for expected in ("Day 1 of 2", "CREW CALL", "07:00", "08:00", "13:00", production.title, "LIBRARY", "1 Main St", "Lot B",
                     "Ana finds the book.", "1 3/8", "Ana Ruiz", "ANA", "06:30", "St Mary", "Revision 1", "ADVANCE SCHEDULE - DAY 2",
                     "PIER", "café"):
        assert expected in text, expected
    assert "DRAFT" not in text


def test_an_older_revision_and_bad_revision_numbers(api, published):
    sheet = api.get(f"/api/call-sheets/{published['id']}/").json()
    sheet = api.patch(f"/api/call-sheets/{sheet['id']}/", {"crew_call": "06:30", "version": sheet["version"]}, format="json").json()
    api.post(f"/api/call-sheets/{sheet['id']}/publish/", {"version": sheet["version"]}, format="json")

    assert "06:30" in pdf_text(api.get(f"/api/call-sheets/{sheet['id']}/pdf/"))
    old = pdf_text(api.get(f"/api/call-sheets/{sheet['id']}/pdf/", {"revision": 1}))
    assert "Revision 1" in old and "06:30" not in old.split("CREW CALL")[1][:20]
    assert api.get(f"/api/call-sheets/{sheet['id']}/pdf/", {"revision": "x"}).status_code == 400
    assert api.get(f"/api/call-sheets/{sheet['id']}/pdf/", {"revision": 9}).status_code == 404


def test_a_draft_is_watermarked(api, board):
    sheet = api.post("/api/call-sheets/", {"shoot_day": board.days[1].pk}, format="json").json()
    text = pdf_text(api.get(f"/api/call-sheets/{sheet['id']}/pdf/"))
    assert "DRAFT" in text and "Day 2 of 2" in text and "PIER" in text


def test_text_too_long_for_one_page_in_a_table_cell_is_cut_not_a_500(api, board):
    """fpdf2 cannot split a table row over two pages: a 2,000-character address or a long synopsis was a ValueError (500)."""
    board.scenes[0].synopsis = "The long night. " * 600
    board.scenes[0].save(update_fields=["synopsis"])
    sheet = api.post("/api/call-sheets/", {"shoot_day": board.days[0].pk}, format="json").json()
    body = {"locations": [{"name": "LIBRARY", "address": "Long Road " * 200, "parking": "P" * 2000, "notes": "n " * 1000}],
            "hospital": {"name": "St Mary", "address": "A" * 2000, "phone": "555"},
            "notes": "Bring water. " * 2000, "version": sheet["version"]}
    assert api.patch(f"/api/call-sheets/{sheet['id']}/", body, format="json").status_code == 200

    text = pdf_text(api.get(f"/api/call-sheets/{sheet['id']}/pdf/"))

    assert "The long night." in text and "Long Road" in text and " ..." in text
    assert text.count("Bring water.") == 2000  # notes are not in a table: all of them, over as many pages as needed


def test_emoji_other_scripts_and_forty_cast_calls_make_a_multi_page_pdf(api, board, production):
    cast = [CastMemberFactory(production=production, name=f"Actor {i} \U0001f3ac", cast_id=10 + i) for i in range(40)]
    sheet = api.post("/api/call-sheets/", {"shoot_day": board.days[0].pk}, format="json").json()
    calls = [{"cast_member": c.pk, "pickup": "06:00", "hair_makeup": "06:30", "on_set": "07:30", "notes": "\u65e5\u672c \U0001f600"}
             for c in cast]
    body = {"crew_call": "06:00", "cast_calls": calls, "notes": "\U0001f3a5 caf\u00e9 \u05e2\u05d1\u05e8\u05d9\u05ea", "version": sheet["version"]}
    assert api.patch(f"/api/call-sheets/{sheet['id']}/", body, format="json").status_code == 200

    response = api.get(f"/api/call-sheets/{sheet['id']}/pdf/")
    pages = PdfReader(io.BytesIO(response.content)).pages

    assert len(pages) >= 2
    text = pdf_text(response)
    assert "Actor 0" in text and "Actor 39" in text and "caf\u00e9" in text
    assert "CAST" in pages[-1].extract_text() or any("Cast" in p.extract_text() for p in pages[1:])

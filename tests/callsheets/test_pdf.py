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


# --- issue 19: revisions that say what changed, the missing blocks, no stranded heading ----------------------

def lines_of(page) -> list[str]:
    return [line.strip() for line in page.extract_text().splitlines() if line.strip()]


def republish(api, sheet_id: int, body: dict) -> dict:
    sheet = api.get(f"/api/call-sheets/{sheet_id}/").json()
    sheet = api.patch(f"/api/call-sheets/{sheet_id}/", {**body, "version": sheet["version"]}, format="json").json()
    return api.post(f"/api/call-sheets/{sheet_id}/publish/", {"version": sheet["version"]}, format="json").json()


def test_a_revision_pdf_says_what_changed_and_marks_the_changed_values(crew, api, published, settings):
    import datetime as dt
    import zoneinfo

    from rest_framework.test import APIClient

    crew_api = APIClient()
    crew_api.force_authenticate(crew)
    assert crew_api.post(f"/api/call-sheets/{published['id']}/confirm/").status_code == 200
    calls = [{"cast_member": c["cast_member"], "pickup": "05:45", "hair_makeup": c["hair_makeup"], "on_set": c["on_set"]}
             for c in published["cast_calls"]]

    republish(api, published["id"], {"crew_call": "06:30", "cast_calls": calls})

    revision = api.get(f"/api/call-sheets/{published['id']}/revisions/").json()[0]
    when = dt.datetime.fromisoformat(revision["published_at"].replace("Z", "+00:00")).astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE))
    text = pdf_text(api.get(f"/api/call-sheets/{published['id']}/pdf/"))
    assert f"REVISION 2 \u2014 {when.day} {when:%b %Y %H:%M}" in text
    assert "Crew call 07:00 \u2192 06:30" in text and "1 Ana Ruiz pickup 06:00 \u2192 05:45" in text
    # The changed values carry the mark; the unchanged ones do not.
    assert "*06:30" in text and "*05:45" in text
    assert "*08:00" not in text and "*13:00" not in text and "*06:30" not in text.replace("*06:30", "", 1)
    # Revision 1's PDF has no banner of changes and no marks; the crew's confirmation was reset by revision 2.
    first = pdf_text(api.get(f"/api/call-sheets/{published['id']}/pdf/", {"revision": 1}))
    assert "REVISION 1 \u2014" in first and "Changed since" not in first and "*" not in first
    mine = next(r for r in api.get(f"/api/call-sheets/{published['id']}/recipients/").json() if r["user"] == crew.pk)
    assert mine["revision"] == 2 and mine["confirmed_at"] is None and mine["confirmed_revision"] == 1


def test_the_pdf_lists_key_contacts_by_role_with_emails_only_for_who_may_see_them(api, published, production, make_user):
    from rest_framework.test import APIClient

    from apps.productions.models import Membership, Role

    director = make_user(name="Dana Director")
    first_ad = make_user(name="Alex Firstad")
    coordinator = make_user(name="Olga Office")
    for person, role in ((director, Role.DIRECTOR), (first_ad, Role.ASSISTANT_DIRECTOR), (coordinator, Role.PRODUCTION_COORDINATOR)):
        Membership.objects.create(production=production, user=person, role=role, phone=f"555-01{person.pk:02d}")
    crew_row = [{"department": "Transport", "name": "Tom Driver", "role": "Transport captain", "call": "05:00"},
                {"department": "Production", "name": "Uma Manager", "role": "UPM", "call": "06:00"}]
    typed = [{"role": "Unit medic", "name": "Sam Medic", "phone": "555-0777"}]
    republish(api, published["id"], {"crew_calls": crew_row, "key_contacts": typed})

    ad_api = APIClient()
    ad_api.force_authenticate(first_ad)
    as_ad = pdf_text(ad_api.get(f"/api/call-sheets/{published['id']}/pdf/"))
    block = as_ad.split("KEY CONTACTS")[1].split("LOCATIONS")[0]
    for expected in ("Production office", "Olga Office", f"555-01{coordinator.pk:02d} / {coordinator.email}", "Director", "Dana Director",
                     director.email, "1st AD", "Alex Firstad", "Transport captain", "Tom Driver", "UPM", "Uma Manager", "Unit medic",
                     "Sam Medic", "555-0777"):
        assert expected in block, expected

    director_api = APIClient()
    director_api.force_authenticate(director)  # a director does not see other people's contact details
    as_director = pdf_text(director_api.get(f"/api/call-sheets/{published['id']}/pdf/"))
    block = as_director.split("KEY CONTACTS")[1].split("LOCATIONS")[0]
    assert "Olga Office" in block and "Alex Firstad" in block and "Sam Medic" in block
    assert f"555-01{director.pk:02d} / {director.email}" in block  # their own
    for hidden in (coordinator.email, f"555-01{coordinator.pk:02d}", first_ad.email, "555-0777"):
        assert hidden not in as_director, hidden


def test_the_pdf_gives_each_cast_members_dood_status_and_each_scenes_needs(api, board, production, published):
    from apps.breakdown.models import BreakdownSuggestion, SuggestionStatus
    from tests.factories import PropFactory

    PropFactory(production=production, name="Old book", quantity=2, scenes=[board.scenes[0]])
    for category, name in (("wardrobe", "Red coat"), ("vehicles", "Vintage taxi"), ("stunts", "Fall down stairs"),
                           ("special_effects", "Rain towers"), ("extras", "12 readers")):
        BreakdownSuggestion.objects.create(production=production, scene=board.scenes[0], category=category, name=name,
                                           status=SuggestionStatus.ACCEPTED)
    BreakdownSuggestion.objects.create(production=production, scene=board.scenes[0], category="props", name="Rejected lamp",
                                       status=SuggestionStatus.REJECTED)
    calls = [{"cast_member": board.ana.pk, "on_set": "07:30"}, {"cast_member": board.bob.pk, "on_set": "08:00"}]
    republish(api, published["id"], {"cast_calls": calls})

    text = pdf_text(api.get(f"/api/call-sheets/{published['id']}/pdf/"))

    needs = text.split("SCENE NEEDS")[1].split("CAST")[0]
    for expected in ("Props: Old book x2", "Wardrobe: Red coat", "Vehicles: Vintage taxi", "Stunts: Fall down stairs", "SFX: Rain towers",
                     "Background: 12 readers"):
        assert expected in needs, expected
    assert "Rejected lamp" not in text
    cast = text.split("\nCAST\n")[1].split("CREW")[0]
    # Ana works only on day 1 (SWF); Bob works days 1 and 2 (SW on day 1).
    assert "Ana Ruiz ANA SWF" in cast and "Bob Stone BOB SW" in cast


def test_no_page_ends_with_a_section_or_department_heading():
    """A sheet long enough to break pages, drawn at many lengths so that a page break falls at every kind of place."""
    from apps.callsheets.pdf import call_sheet_pdf

    departments = ["Camera", "Grip", "Electric", "Sound", "Art", "Props", "Wardrobe", "Hair and makeup", "Locations", "Transport"]
    headings = {"SCENES", "SCENE NEEDS", "CAST", "CREW", "NOTES", "LOCATIONS", "KEY CONTACTS", "WALKIE CHANNELS",
                "NEAREST URGENT CARE", "SAFETY NOTES / HAZARDS OF THE DAY"}
    department_rows = {f"{d.upper()} Role Call" for d in departments}
    checked = 0
    for extra in range(24):
        scenes = [{"scene": i, "number": str(i), "int_ext": "INT", "location": f"ROOM {i}", "time_of_day": "DAY", "page_eighths": 3,
                   "synopsis": "Something happens." * (1 + i % 3), "cast_ids": [1]} for i in range(1, 4 + extra)]
        crew = [{"department": d, "name": f"{d} person {k}", "role": "Hand", "call": "06:00"} for d in departments for k in range(1 + (extra + len(d)) % 4)]
        sheet = {"shoot_day_number": 1, "day_count": 2, "date": "2026-11-24", "crew_call": "06:00", "scenes": scenes, "crew_calls": crew,
                 "cast_calls": [{"cast_member": 1, "cast_id": 1, "name": "Ana", "on_set": "07:00"}],
                 "walkie_channels": [{"channel": str(c), "use": "Open"} for c in range(1, 2 + extra % 3)],
                 "safety_notes": "Mind the cables. " * (extra * 3), "notes": "Bring water. " * 40,
                 "hospital": {"name": "St Mary", "route": "Left, then right."}}
        pages = PdfReader(io.BytesIO(call_sheet_pdf(sheet, production_title="Long day", revision=1))).pages
        assert len(pages) >= 2
        for page in pages[:-1]:
            lines = lines_of(page)
            assert "Call sheet - Day 1 of 2" in lines[-1]  # the footer
            assert lines[-2] not in headings | department_rows, (extra, lines[-2])
            checked += 1
    assert checked >= 24


def test_walkie_channels_safety_notes_wrap_and_the_urgent_care_route_are_printed(api, published):
    body = {"wrap": "19:00", "walkie_channels": [{"channel": "1", "use": "Production"}, {"channel": "7", "use": "Grip / electric"}],
            "safety_notes": "Working at height on the library gallery: harnesses.",
            "hospital": {"name": "St Mary", "address": "2 High St", "phone": "555-0100", "route": "Left onto Main St, second right, 1.4 km"}}
    republish(api, published["id"], body)

    text = pdf_text(api.get(f"/api/call-sheets/{published['id']}/pdf/"))

    assert "Est. wrap" in text and "*19:00" in text
    walkies = text.split("WALKIE CHANNELS")[1].split("SAFETY NOTES")[0]
    assert "1 Production" in walkies and "7 Grip / electric" in walkies
    assert "*Working at height on the library gallery: harnesses." in text.split("HAZARDS OF THE DAY")[1]
    care = text.split("NEAREST URGENT CARE")[1].split("LOCATIONS")[0]
    assert "St Mary" in care and "555-0100" in care and "*Left onto Main St, second right, 1.4 km" not in care
    assert "Left onto Main St, second right, 1.4 km" in care and "*St Mary" in care  # the hospital block changed: marked by its name


def test_a_night_shoot_reads_in_order_past_midnight(api, published):
    body = {"crew_call": "22:30", "shooting_call": "00:15 (+1)", "first_meal": "03:30 (+1)", "wrap": "09:00 (+1)",
            "cast_calls": [{"cast_member": c["cast_member"], "pickup": "21:30", "hair_makeup": "22:00", "on_set": "24:00"}
                           for c in published["cast_calls"]]}
    sheet = republish(api, published["id"], body)
    assert sheet["shooting_call"] == "24:15"

    text = pdf_text(api.get(f"/api/call-sheets/{published['id']}/pdf/"))

    assert "*22:30" in text.split("CREW CALL")[1][:20]
    general = text.split("Sunrise / set")[1]
    assert general.index("*00:15 (+1)") < general.index("*03:30 (+1)") < general.index("*09:00 (+1)")
    assert "Shooting call 08:00 \u2192 00:15 (+1)" in text
    # The cast row reads in the day's order, each time on one line of its cell.
    assert "Ana Ruiz ANA SWF *21:30 *22:00 *00:00 (+1)" in text.split("\nCAST\n")[1]
    assert "24:15" not in text and "27:30" not in text

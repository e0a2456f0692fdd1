"""Revision pages: lock a script's pages, edit it, print only the changed pages on the next colour, with locked numbers.

The PDFs are read back with pypdf (each text run with its position): the page number top right,
the revision header top left, the asterisks in the right margin. The texts are the shared
public-domain screenplays put end to end (a 24-page script).
"""
from __future__ import annotations

import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from apps.jobs.models import JobStatus
from apps.jobs.services import job_run
from apps.productions.models import Role
from apps.scripts.fountain import parse
from apps.scripts.fountain.layout import layout
from apps.scripts.models import Script, ScriptVersion
from apps.scripts.revision_pages import colour_name, page_label, revise
from apps.scripts.services import script_version_create
from tests.conftest import SHARED_DATA

TEXT = "\n\n".join(path.read_text("utf-8") for path in sorted((SHARED_DATA / "fountain" / "public-domain").glob("*.fountain")))
PAGE_HEIGHT_PT = 792
MARK_X = 7.8


def read_pages(data: bytes) -> list[dict]:
    """Each page: `number` (top right, without its dot), `header` (top left), `lines` {line: text} of the
    body (line 0 is the first under the top margin) and `marks`, the lines with an asterisk in the right margin."""
    pages = []
    for page in PdfReader(io.BytesIO(data)).pages:
        runs: list[tuple[int, float, str]] = []

        def visit(text, cm, tm, font, size):
            if text.strip():
                x_pt, baseline_pt = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
                runs.append((round((PAGE_HEIGHT_PT - 72 - baseline_pt - 9.6) / 12), round(x_pt / 72, 2), text))

        page.extract_text(visitor_text=visit)
        top = sorted((x, text) for line, x, text in runs if line < 0)
        number = next((text.strip().rstrip(".") for x, text in top if x > 4), "1")
        header = next((text.strip() for x, text in top if x < 4), "")
        body: dict[int, list] = {}
        marks = set()
        for line, x, text in runs:
            if line < 0:
                continue
            if text.strip() == "*" and x >= MARK_X - 0.01:
                marks.add(line)
            else:
                body.setdefault(line, []).append((x, text))
        lines = {line: "".join(text for _, text in sorted(parts)).strip() for line, parts in body.items()}
        pages.append({"number": number, "header": header, "lines": lines, "marks": marks})
    return pages


def header(name: str, version: ScriptVersion) -> str:
    return f"{name} Revision \u2013 {timezone.localtime(version.created_at):%m/%d/%y}"


@pytest.fixture
def script(production, user) -> Script:
    """A script whose v1 is TEXT, with its pages locked at v1."""
    script = Script.objects.create(production=production, title="Episodes", created_by=user)
    script_version_create(script=script, text=TEXT, source="upload", actor=user)
    script.locked_version = script.versions.get(number=1)
    script.locked_at = timezone.now()
    script.save()
    return script


@pytest.fixture(autouse=True)
def inline_renders(settings):
    settings.SLATE_SCRIPT_INLINE_MAX_BYTES = 1_000_000  # rendered in the request; the job's path has its own test


def edit(script: Script, user, text: str) -> ScriptVersion:
    return script_version_create(script=script, text=text, source="edit", actor=user)


def export(api, version: ScriptVersion, revision: str = "") -> list[dict]:
    response = api.get(f"/api/script-versions/{version.pk}/export.pdf" + (f"?revision={revision}" if revision else ""))
    assert response.status_code == 200, response.content[:300]
    return read_pages(response.content)


def page_with(pages: list[dict], phrase: str) -> dict:
    [page] = [p for p in pages if any(phrase in line for line in p["lines"].values())]
    return page


# --- the pages and their numbers, without the database -------------------------------------------------

def test_colours_follow_the_wga_order_and_start_again_as_second_blue():
    assert [colour_name(level) for level in range(10)] == [
        "White", "Blue", "Pink", "Yellow", "Green", "Goldenrod", "Buff", "Salmon", "Cherry", "Second Blue"]
    assert colour_name(17) == "Third Blue"


def test_page_labels_put_a_pages_after_their_page_and_before_page_one():
    assert [page_label(key) for key in [(0, 1), (0, 2), (1, 0), (12, 0), (12, 1), (12, 26), (12, 27)]] == [
        "A1", "B1", "1", "12", "12A", "12Z", "12AA"]


def test_an_unchanged_version_prints_the_locked_pages_as_they_were_and_issues_none():
    screenplay = parse(TEXT)

    revised = revise(screenplay, [parse(TEXT)])

    assert [page.lines for page in revised.pages] == [page.lines for page in layout(screenplay)]
    assert [page.label for page in revised.pages] == [str(n) for n in range(1, len(revised.pages) + 1)]
    assert revised.issued == [] and revised.level == 1


def test_text_added_before_the_first_line_goes_on_page_a1():
    revised = revise(parse(TEXT), [parse("A NEW OPENING LINE.\n\n" + TEXT)])

    assert [page.label for page in revised.issued] == ["A1"]
    assert revised.pages[0].label == "A1" and revised.pages[1].label == "1" and revised.pages[1].level == 0


# --- through the API: the revision PDF ------------------------------------------------------------------

def test_an_edited_line_prints_only_its_page_in_blue_with_an_asterisk_on_exactly_the_changed_lines(api, user, script):
    locked = export(api, script.versions.get(number=1))
    page = page_with(locked, "for some kind of wisdom or")
    v2 = edit(script, user, TEXT.replace("for some kind of wisdom or", "for some kind of advice or"))

    [issued] = export(api, v2, "pages")

    assert issued["number"] == page["number"] and issued["header"] == header("Blue", v2)
    changed = {line for line, text in issued["lines"].items() if page["lines"].get(line) != text}
    assert changed and issued["marks"] == changed
    assert [issued["lines"][line] for line in changed] == ["for some kind of advice or"]


def test_an_inserted_long_scene_runs_onto_a_pages_and_every_later_page_keeps_its_number_and_text(api, user, script):
    locked = export(api, script.versions.get(number=1))
    page = page_with(locked, "EXT. PARK--DAY")
    scene = "INT. NEW ROOM - NIGHT\n\n" + "\n\n".join(f"Line {n} of a long new scene." for n in range(40)) + "\n\n"
    v2 = edit(script, user, TEXT.replace("EXT. PARK--DAY", scene + "EXT. PARK--DAY", 1))

    issued = export(api, v2, "pages")
    full = export(api, v2, "full")[1:]  # the title page first

    number = page["number"]
    assert [p["number"] for p in issued] == [number, f"{number}A", f"{number}B"]
    assert {p["header"] for p in issued} == {header("Blue", v2)}
    assert issued[2]["marks"] == set()  # 8B: what page 8 held after the new scene, moved on, unchanged
    assert sum(len(p["marks"]) for p in issued) == 41  # the heading and the 40 lines
    after = [p for p in locked if int(p["number"]) > int(number)]
    assert [(p["number"], p["lines"], p["header"]) for p in full[len(full) - len(after):]] == [
        (p["number"], p["lines"], "") for p in after]
    assert [p["number"] for p in full].index(f"{number}A") == int(number)


def test_a_third_version_is_pink_and_the_full_script_keeps_each_page_in_its_own_colour(api, user, script):
    locked = export(api, script.versions.get(number=1))
    blue_page = page_with(locked, "for some kind of wisdom or")["number"]
    pink_page = page_with(locked, "Oh hay! I can has Lincoln costume!")["number"]
    v2_text = TEXT.replace("for some kind of wisdom or", "for some kind of advice or")
    v2 = edit(script, user, v2_text)
    v3 = edit(script, user, v2_text.replace("Oh hay! I can has Lincoln costume!", "Oh hey! I can has Lincoln costume!"))

    [issued] = export(api, v3, "pages")
    full = {p["number"]: p for p in export(api, v3, "full")[1:]}

    assert issued["number"] == pink_page and issued["header"] == header("Pink", v3)
    assert [issued["lines"][line] for line in issued["marks"]] == ["Oh hey! I can has Lincoln costume!"]
    assert full[blue_page]["header"] == header("Blue", v2) and len(full[blue_page]["marks"]) == 1
    assert full[pink_page]["header"] == header("Pink", v3)
    assert {p["header"] for n, p in full.items() if n not in (blue_page, pink_page)} == {""}


def test_a_deleted_scene_leaves_its_whole_pages_omitted_under_one_combined_number(api, user, script):
    long_scene = "INT. LONG HALL - NIGHT\n\n" + "\n\n".join(f"Step {n} down the hall." for n in range(90)) + "\n\n"
    v1_text = TEXT.replace("EXT. PARK--DAY", long_scene + "EXT. PARK--DAY", 1)
    v2 = edit(script, user, v1_text)
    script.locked_version = v2
    script.save()
    locked = export(api, v2)
    hall = [p["number"] for p in locked if all(t.startswith("Step ") for t in p["lines"].values())]
    v3 = edit(script, user, v1_text.replace(long_scene, ""))

    issued = export(api, v3, "pages")

    omitted = f"{hall[0]}-{hall[-1]}" if len(hall) > 1 else hall[0]
    assert len(hall) >= 2 and omitted in [p["number"] for p in issued]
    [page] = [p for p in issued if p["number"] == omitted]
    assert list(page["lines"].values()) == ["OMITTED"] and len(page["marks"]) == 1
    assert {p["header"] for p in issued} == {header("Blue", v3)}
    assert [p["number"] for p in issued] == [str(int(hall[0]) - 1), omitted, str(int(hall[-1]) + 1)]


def test_a_big_revision_is_made_by_a_job_and_kept(api, user, script, settings, media_root):
    settings.SLATE_SCRIPT_INLINE_MAX_BYTES = 1000
    v2 = edit(script, user, TEXT.replace("for some kind of wisdom or", "for some kind of advice or"))

    started = api.get(f"/api/script-versions/{v2.pk}/export.pdf?revision=pages")
    job = job_run(started.json()["id"])
    response = api.get(f"/api/script-versions/{v2.pk}/export.pdf?revision=pages")

    assert started.status_code == 202 and job.status == JobStatus.SUCCEEDED, job.error
    assert job.result["render"] == "revision" and response.status_code == 200
    assert 'filename="Episodes v2 revision pages.pdf"' in response["Content-Disposition"]
    [page] = read_pages(b"".join(response.streaming_content))
    assert page["header"] == header("Blue", v2)


@pytest.mark.parametrize(("query", "number", "code"), [("pages", 1, "no_revision"), ("colour", 2, "invalid")])
def test_revision_pages_that_cannot_be_printed_are_refused_with_a_reason(api, user, script, query, number, code):
    edit(script, user, TEXT + "\n\nTHE END AGAIN.\n")

    response = api.get(f"/api/script-versions/{script.versions.get(number=number).pk}/export.pdf?revision={query}")

    assert response.status_code == 400 and response.json()["code"] == code


def test_a_version_that_changes_no_printed_page_has_no_revision_pages(api, user, script):
    v2 = edit(script, user, TEXT + "\n\n[[a note, not printed]]\n")

    response = api.get(f"/api/script-versions/{v2.pk}/export.pdf?revision=pages")

    assert response.status_code == 400 and response.json()["code"] == "no_changes"


def test_an_unlocked_script_has_no_revision_pages(api, user, script):
    script.locked_version = None
    script.save()
    v2 = edit(script, user, TEXT.replace("wisdom", "advice"))

    response = api.get(f"/api/script-versions/{v2.pk}/export.pdf?revision=full")

    assert response.status_code == 400 and response.json()["code"] == "not_locked"


# --- locking and unlocking -----------------------------------------------------------------------------

def test_the_owner_locks_at_the_latest_version_and_everyone_hears_it(api, user, script, captured_events):
    script.locked_version = None
    script.save()
    v2 = edit(script, user, TEXT.replace("wisdom", "advice"))

    with captured_events() as events:
        response = api.post(f"/api/scripts/{script.pk}/lock/", {"version": script.version}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["locked_version"] == v2.pk and response.json()["numbering_locked"] is True
    [event] = events
    assert event["type"] == "script.updated" and event["entity_id"] == str(script.pk) and event["production"] == script.production_id
    assert event["data"]["locked_version"] == v2.pk and event["data"]["locked_at"] == response.json()["locked_at"]


def test_unlock_clears_the_lock_and_a_lock_at_a_named_version_moves_it(api, user, script):
    v2 = edit(script, user, TEXT.replace("wisdom", "advice"))
    script.refresh_from_db()

    unlocked = api.post(f"/api/scripts/{script.pk}/unlock/", {"version": script.version}, format="json").json()
    relocked = api.post(f"/api/scripts/{script.pk}/lock/", {"version": unlocked["version"], "number": 2}, format="json").json()

    assert unlocked["locked_version"] is None and unlocked["locked_at"] is None
    assert relocked["locked_version"] == v2.pk


@pytest.mark.parametrize("role", [Role.CREW, Role.DIRECTOR, Role.VIEWER])
def test_only_owners_and_producers_lock_pages(api_for, make_user, script, role, captured_events):
    member = make_user()
    script.production.memberships.create(user=member, role=role)
    script.refresh_from_db()

    with captured_events() as events:
        response = api_for(member).post(f"/api/scripts/{script.pk}/unlock/", {"version": script.version}, format="json")

    assert response.status_code == 403 and events == []
    assert Script.objects.get(pk=script.pk).locked_version_id is not None


def test_a_producer_may_lock(api_for, make_user, script):
    producer = make_user()
    script.production.memberships.create(user=producer, role=Role.PRODUCER)
    script.refresh_from_db()

    response = api_for(producer).post(f"/api/scripts/{script.pk}/unlock/", {"version": script.version}, format="json")

    assert response.status_code == 200 and response.json()["locked_version"] is None


def test_another_productions_script_is_404_and_a_stale_or_missing_version_is_refused(api_for, make_user, api, script, captured_events):
    stranger = make_user()
    script.refresh_from_db()

    with captured_events() as events:
        foreign = api_for(stranger).post(f"/api/scripts/{script.pk}/unlock/", {"version": script.version}, format="json")
        stale = api.post(f"/api/scripts/{script.pk}/unlock/", {"version": script.version - 1}, format="json")
        missing = api.post(f"/api/scripts/{script.pk}/lock/", {"version": script.version, "number": 9}, format="json")

    assert (foreign.status_code, stale.status_code, missing.status_code) == (404, 409, 400)
    assert missing.json()["code"] == "invalid" and events == []
    assert Script.objects.get(pk=script.pk).locked_version_id == script.locked_version_id

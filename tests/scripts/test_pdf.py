"""Screenplay PDF: the standard layout (Courier 12, columns, 55 lines a page), read back with pypdf."""

from __future__ import annotations

import io
import math
import os
from pathlib import Path

import pytest
from pypdf import PdfReader

from apps.scripts.fountain import parse, parse_bytes
from apps.scripts.fountain.layout import CUE_X, LINES_PER_PAGE, layout, layout_lines
from apps.scripts.pdf import screenplay_pdf

REPO = Path(__file__).resolve().parents[2]
SHARED_DATA = Path(os.environ.get("SLATE_SHARED_DATA", REPO.parent / "shared" / "data"))
PUBLIC_DOMAIN = sorted((SHARED_DATA / "fountain" / "public-domain").glob("*.fountain"))
PAGE_HEIGHT_PT = 792


def read(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def placed_text(page) -> list[tuple[float, int, str, str]]:
    """(x in inches, line number from the top margin, text, font) of every text run on the page."""
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x_pt, baseline_pt = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
            line = round((PAGE_HEIGHT_PT - 72 - baseline_pt - 9.6) / 12)
            runs.append((round(x_pt / 72, 2), line, text.strip(), font["/BaseFont"] if font else ""))

    page.extract_text(visitor_text=visit)
    return runs


def test_public_domain_scripts_are_there():
    assert len(PUBLIC_DOMAIN) >= 5


@pytest.mark.parametrize("path", PUBLIC_DOMAIN, ids=[p.name for p in PUBLIC_DOMAIN])
def test_public_domain_pdf_opens_with_one_page_per_55_lines(path):
    screenplay = parse_bytes(path.read_bytes())

    reader = read(screenplay_pdf(screenplay))

    title_pages = 1 if screenplay.title_page else 0
    body_pages = len(reader.pages) - title_pages
    assert abs(body_pages - math.ceil(layout_lines(screenplay) / LINES_PER_PAGE)) <= 1
    assert body_pages == len(layout(screenplay))
    fonts = {font for page in reader.pages for *_, font in placed_text(page)}
    assert fonts and all(font.startswith("/Courier") for font in fonts)
    if body_pages >= 2:
        assert reader.pages[title_pages + 1].extract_text().startswith("2.")
        assert not reader.pages[title_pages].extract_text().startswith("1.")


@pytest.mark.parametrize("path", PUBLIC_DOMAIN, ids=[p.name for p in PUBLIC_DOMAIN])
def test_no_page_is_longer_than_55_lines_or_ends_on_a_character_cue(path):
    for page in layout(parse_bytes(path.read_bytes())):
        assert len(page.lines) <= LINES_PER_PAGE
        assert page.lines[-1] if page.lines else True  # no page ends in a blank line
        assert not (page.lines and page.lines[-1][0].x == CUE_X and page.lines[-1][0].text != "(MORE)")


def test_elements_stand_in_the_standard_columns():
    screenplay = parse(
        "INT. HOUSE - DAY #12A#\n\nBob runs **fast**.\n\nBOB (V.O.)\n(quietly)\nHi there.\n\n"
        "CUT TO:\n\n> THE END <\n"
    )
    runs = placed_text(read(screenplay_pdf(screenplay)).pages[0])

    assert runs == [
        (1.0, 0, "12A", "/Courier"), (1.5, 0, "INT. HOUSE - DAY", "/Courier"),
        (7.6, 0, "12A", "/Courier"),  # scene number in both margins, on the heading line
        (1.5, 2, "Bob runs", "/Courier"), (2.4, 2, "fast", "/Courier-Bold"), (2.8, 2, ".", "/Courier"),
        (3.7, 4, "BOB (V.O.)", "/Courier"),
        (3.1, 5, "(quietly)", "/Courier"),
        (2.5, 6, "Hi there.", "/Courier"),
        (6.8, 8, "CUT TO:", "/Courier"),  # right-aligned: 7 characters ending at 7.5 in
        (4.15, 10, "THE END", "/Courier"),  # centred on 4.5 in
    ]


def test_scene_numbers_appear_twice_on_the_heading_line():
    text = read(screenplay_pdf(parse("EXT. POOL - DAY #1#\n\nINT. HOUSE #110A#\n"))).pages[0].extract_text()
    assert text.split("\n")[:2] == ["1 EXT. POOL - DAY 1", "110A INT. HOUSE 110A"]


def test_title_page_centres_the_title_and_puts_the_contact_bottom_left():
    screenplay = parse("Title: _**BRICK & STEEL**_\nCredit: by\nAuthor: Stu\nContact:\n    1 Main St\n    LA\n\n"
                       "INT. HOUSE\n")
    reader = read(screenplay_pdf(screenplay))

    assert len(reader.pages) == 2
    runs = placed_text(reader.pages[0])
    assert runs[0] == (3.85, 15, "BRICK & STEEL", "/Courier-Bold")  # the underline is drawn, not a font
    assert (1.5, 53, "1 Main St", "/Courier") in runs and (1.5, 54, "LA", "/Courier") in runs
    assert reader.metadata.title == "BRICK & STEEL"
    assert reader.pages[1].extract_text() == "INT. HOUSE"  # the first body page has no number


def test_unicode_outside_latin1_is_replaced_not_fatal():
    screenplay = parse("He says — “hi” … 😀 漢字 ő é.\n")
    assert read(screenplay_pdf(screenplay)).pages[0].extract_text() == 'He says -- "hi" ... ? ?? o é.'


def test_page_break_starts_a_new_page():
    reader = read(screenplay_pdf(parse("One.\n\n===\n\nTwo.\n")))
    assert [p.extract_text() for p in reader.pages] == ["One.", "2.\nTwo."]


def test_character_cue_is_never_left_alone_at_the_foot_of_a_page():
    action = "\n".join(f"Line {n}." for n in range(52))
    pages = layout(parse(f"{action}\n\nBOB\nHello there.\nAnd more.\n"))
    assert [line[0].text for line in pages[0].lines[-1:]] == ["Line 51."]
    assert [line[0].text for line in pages[1].lines] == ["BOB", "Hello there.", "And more."]


def test_long_speech_breaks_with_more_and_contd():
    speech = "\n".join(f"Line {n}." for n in range(70))
    pages = layout(parse(f"BOB\n{speech}\n"))
    assert len(pages) == 2
    assert [line[0].text for line in pages[0].lines[-2:]] == ["Line 52.", "(MORE)"]
    assert [line[0].text for line in pages[1].lines[:2]] == ["BOB (CONT'D)", "Line 53."]
    assert len(pages[0].lines) == LINES_PER_PAGE


def test_scene_heading_is_kept_with_what_follows():
    action = "\n".join(f"Line {n}." for n in range(51))
    pages = layout(parse(f"{action}\n\nINT. HOUSE\n\nTwo lines\nof action.\n"))
    assert pages[1].lines[0][0].text == "INT. HOUSE"


def test_dual_dialogue_prints_side_by_side():
    runs = placed_text(read(screenplay_pdf(parse("BRICK\nScrew retirement.\n\nSTEEL ^\nScrew retirement.\n"))).pages[0])
    assert runs == [
        (2.5, 0, "BRICK", "/Courier"), (5.6, 0, "STEEL", "/Courier"),
        (1.5, 1, "Screw retirement.", "/Courier"), (4.6, 1, "Screw retirement.", "/Courier"),
    ]


def test_layout_lines_counts_blank_separators():
    assert layout_lines(parse("INT. HOUSE\n\nAction.\n\nBOB\nHi.\n")) == 6
    assert layout_lines(parse("")) == 0


NOTED = (
    "INT. HOUSE - DAY\n\nHe enters[[rename him?]]. Quietly.\n\n[[Is this the right house?]]\n\n"
    "BOB\n(beat)\nHi[[louder]] there.\n"
)


def test_notes_are_not_printed_unless_asked_for():
    assert "[[" not in read(screenplay_pdf(parse(NOTED))).pages[0].extract_text()


def test_notes_print_in_italics_under_their_element_when_asked_for():
    runs = placed_text(read(screenplay_pdf(parse(NOTED), notes=True)).pages[0])

    assert runs == [
        (1.5, 0, "INT. HOUSE - DAY", "/Courier"),
        (1.5, 2, "He enters. Quietly.", "/Courier"), (1.5, 3, "[[rename him?]]", "/Courier-Oblique"),
        (1.5, 5, "[[Is this the right house?]]", "/Courier-Oblique"),
        (3.7, 7, "BOB", "/Courier"), (3.1, 8, "(beat)", "/Courier"),
        (2.5, 9, "Hi there.", "/Courier"), (2.5, 10, "[[louder]]", "/Courier-Oblique"),
    ]

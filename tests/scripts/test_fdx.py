"""Final Draft (.fdx) import and export: the shared FDX files against their Fountain twins, round trips
of every shared screenplay (and Jouvence case), the shape of the files Slate writes, and files Slate must refuse.

Elements are compared as printed: kind, the text's styled runs (`spans`: the same emphasis written
`**_x_**` or `_**x**_` is the same), scene number, extension, dual, depth, and each inline note's
text with its place in the printed text. The twins (fountain-tools `TestFDX-*`, screenplain `*.fdx`)
are compared by kind and text, as those suites do; where a twin differs for a reason, the
difference is asserted as it is and the reason given.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from defusedxml.ElementTree import fromstring
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.scripts.fdx import NotFinalDraft, read_fdx, to_fdx
from apps.scripts.fdx.markup import markup, markup_to_plain, plain_to_markup
from apps.scripts.fountain import FountainError, Span, TooManyElements, parse, spans, to_fountain
from apps.scripts.fountain.emphasis import plain
from tests.scripts.test_export import shared_documents

FOUNTAIN = Path(os.environ.get("SLATE_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data")) / "fountain"
SCREENPLAYS = sorted(str(path.relative_to(FOUNTAIN)) for path in FOUNTAIN.rglob("*.fountain"))
FDX_FILES = sorted(str(path.relative_to(FOUNTAIN)) for path in FOUNTAIN.rglob("*.fdx"))
FEATURES = Path(__file__).with_name("fdx_features.fdx")


def row(element) -> tuple:
    printed = plain(element.text)
    offsets = markup_to_plain(element.text, printed, [note.offset for note in element.notes])
    return (element.kind, tuple((s.text, s.bold, s.italic, s.underline) for s in spans(element.text)), element.scene_number,
            element.extension, element.dual, element.depth, tuple(zip(offsets, (note.text for note in element.notes))))


def rows(screenplay) -> list[tuple]:
    return [row(element) for element in screenplay.elements]


def title_rows(screenplay) -> list[tuple]:
    return [(key, tuple(spans(value))) for key, value in screenplay.title_page]


def twin(name: str) -> list[tuple]:
    return [(e.kind, e.text, e.scene_number, e.extension, e.dual) for e in parse((FOUNTAIN / name).read_text("utf-8-sig")).elements]


def imported(name: str):
    return read_fdx((FOUNTAIN / name).read_bytes())


def test_the_shared_fdx_files_and_screenplays_are_all_here():
    assert len(FDX_FILES) == 15 and len(SCREENPLAYS) == 45


# --- the FDX files in ../shared/data/fountain against their Fountain twins --------------------------

@pytest.mark.parametrize("name", [f for f in FDX_FILES if f.startswith("screenplain/")])
def test_screenplains_fdx_files_import_with_the_elements_of_their_fountain_twins(name):
    screenplay = imported(name)
    assert [(e.kind, e.text, e.scene_number, e.extension, e.dual) for e in screenplay.elements] == twin(name.replace(".fdx", ".fountain"))
    assert screenplay.title_page == []


def test_final_drafts_own_file_imports_with_the_elements_of_its_twin_and_a_title_page_the_twin_lacks():
    screenplay = imported("fountain-tools/TestFDX-FD.fdx")

    assert [(e.kind, e.text, e.scene_number, e.extension, e.dual) for e in screenplay.elements] == twin("fountain-tools/TestFDX-FD.fountain")
    # The twin is only the body; Final Draft's file has the title page the FadeIn twin (TestFDX-FI) spells out.
    assert [key for key, _ in screenplay.title_page] == ["Title", "Credit", "Author", "Copyright", "Contact"]


def test_the_fadein_file_imports_with_its_twins_elements_and_title_page_keys_read_from_the_layout():
    screenplay = imported("fountain-tools/TestFDX-FI.fdx")

    assert [(e.kind, e.text, e.scene_number, e.extension, e.dual) for e in screenplay.elements] == twin("fountain-tools/TestFDX-FI.fountain")
    # A Final Draft title page has no keys. The twin's were written by fountain-tools, which knew where it had put
    # each one; Slate reads them from the layout: the underlined title keeps its underline, "Written by" is the
    # credit line (the twin drops it), and the two left-aligned paragraphs without a date or a copyright at the
    # bottom are one contact block (the twin calls the first "Draft date": nothing in "Draft information" says so).
    assert screenplay.title_page == [("Title", "_FDX Test Script_"), ("Credit", "Written by"), ("Author", "Ian"),
                                     ("Copyright", "Copyright (c) 2026"), ("Contact", "Draft\ninformation\nContact\ninformation")]
    assert parse((FOUNTAIN / "fountain-tools/TestFDX-FI.fountain").read_text()).title_page == [
        ("Title", "FDX Test Script"), ("Author", "Ian"), ("Draft date", "Draft\ninformation"),
        ("Copyright", "Copyright (c) 2026"), ("Contact", "Contact\ninformation")]


@pytest.mark.parametrize("writer", ["cpp", "csharp", "js", "py"])
def test_fountain_tools_written_fdx_files_import_as_their_source_but_for_the_scene_numbers_they_leave_out(writer):
    found = [(e.kind, e.text, e.scene_number, e.extension, e.dual) for e in imported(f"fountain-tools/TestFDX-FD-Write-{writer}.fdx").elements]
    source = twin("fountain-tools/TestFDX-FD.fountain")

    # fountain-tools' writers drop the "#1#" scene numbers of their source (no Number attribute is written).
    assert [number for _, _, number, _, _ in source if number] == ["1", "2"]
    assert found == [(kind, text, None, extension, dual) for kind, text, _, extension, dual in source]


# --- round trips --------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", SCREENPLAYS)
def test_every_shared_screenplay_round_trips_fountain_to_fdx_to_fountain_and_fdx_to_fountain_to_fdx(name):
    screenplay = parse((FOUNTAIN / name).read_text("utf-8-sig"))
    through_fdx = read_fdx(to_fdx(screenplay))
    assert rows(through_fdx) == rows(screenplay)
    assert title_rows(through_fdx) == title_rows(screenplay)

    back = read_fdx(to_fdx(parse(to_fountain(through_fdx))))
    assert rows(back) == rows(through_fdx)
    assert title_rows(back) == title_rows(through_fdx)


@pytest.mark.parametrize("name, screenplay", [d for d in shared_documents() if "#" in d[0]], ids=lambda v: v if isinstance(v, str) else "")
def test_every_jouvence_case_round_trips_through_fdx_too(name, screenplay):
    through_fdx = read_fdx(to_fdx(screenplay))
    assert rows(through_fdx) == rows(screenplay)
    assert title_rows(through_fdx) == title_rows(screenplay)
    assert rows(read_fdx(to_fdx(parse(to_fountain(through_fdx))))) == rows(through_fdx)


@pytest.mark.parametrize("name", FDX_FILES)
def test_every_shared_fdx_file_round_trips_fdx_to_fountain_to_fdx(name):
    screenplay = imported(name)
    fountain = to_fountain(screenplay)

    assert rows(parse(fountain)) == rows(screenplay)
    assert rows(read_fdx(to_fdx(parse(fountain)))) == rows(screenplay)
    assert title_rows(read_fdx(to_fdx(parse(fountain)))) == title_rows(screenplay)


# --- every feature of the format, one file (tests/scripts/fdx_features.fdx) --------------------------

def test_each_part_of_final_drafts_format_becomes_its_fountain_element():
    screenplay = read_fdx(FEATURES.read_bytes())

    assert [(e.kind, e.text, e.scene_number, e.extension, e.dual, e.depth, [(n.offset, n.text) for n in e.notes])
            for e in screenplay.elements] == [
        ("scene_heading", "INT. HOUSE - DAY", "12A", None, False, 0, [(0, "on the heading, by range")]),
        ("synopsis", "They meet.", None, None, False, 0, []),
        ("action", "Bob **_enters_**.\nHe \\*sits\\* on the **chair**.", None, None, False, 0,
         [(0, "first note\n\nmore"), (39, "in the middle")]),
        ("action", "ANGLE ON BOB", None, None, False, 0, [(0, "FDX paragraph type: Shot")]),
        ("character", "BOB", None, "(V.O.) (CONT'D)", False, 0, []),
        ("parenthetical", "(quietly)", None, None, False, 0, []),
        ("dialogue", "Hello *there*.\n\nSecond line.", None, None, False, 0, []),
        ("lyrics", "La la la", None, None, False, 0, []),
        ("page_break", "", None, None, False, 0, []),
        ("character", "ANN", None, None, False, 0, []),
        ("dialogue", "Yes.", None, None, False, 0, []),
        ("character", "JON", None, None, True, 0, []),
        ("parenthetical", "(sadly)", None, None, True, 0, []),
        ("dialogue", "No.", None, None, True, 0, []),
        ("centered", "THE END", None, None, False, 0, []),
        ("section", "Sequence A", None, None, False, 2, []),
        ("synopsis", "The sequence.", None, None, False, 0, []),
        ("note", "a note on its own", None, None, False, 0, []),
        ("action", "ACT TWO", None, None, False, 0, [(0, "FDX paragraph type: New Act")]),
        ("action", "Spoken with no cue.", None, None, False, 0, [(0, "FDX paragraph type: Dialogue")]),
        ("transition", "CUT TO:", None, None, False, 0, []),
        ("action", "Go.", None, None, False, 0, []),
        ("note", "a range Slate cannot read", None, None, False, 0, []),
    ]
    assert screenplay.title_page == [("Title", "**THE HOUSE**"), ("Credit", "written by"), ("Author", "Mara Lind"),
                                     ("Draft date", "May 3, 2026"), ("Contact", "mara@example.com\n+1 555 0100"),
                                     ("Notes", "Second draft: for the crew")]


def test_paragraph_types_fountain_lacks_go_back_to_final_draft_as_they_were():
    written = fromstring(to_fdx(read_fdx(FEATURES.read_bytes())))

    types = [p.get("Type") for p in written.find("Content").findall("Paragraph")]
    assert "Shot" in types and "New Act" in types and types.count("Dialogue") == 4  # one per line of speech, the cue-less one too
    assert written.find("Content/Paragraph[@Type='Shot']/Text").text == "ANGLE ON BOB"


def test_the_fountain_text_of_an_fdx_import_reads_back_as_the_same_elements():
    screenplay = read_fdx(FEATURES.read_bytes())
    again = parse(to_fountain(screenplay))

    assert rows(again) == rows(screenplay)
    assert again.title_page == screenplay.title_page


# --- the files Slate writes -----------------------------------------------------------------------------

def final_drafts_own_types() -> set[str]:
    """The paragraph types Final Draft itself defines in a file it wrote (its <ElementSettings>)."""
    return {settings.get("Type") for settings in fromstring(imported_bytes("fountain-tools/TestFDX-FD.fdx")).findall("ElementSettings")}


def imported_bytes(name: str) -> bytes:
    return (FOUNTAIN / name).read_bytes()


@pytest.mark.parametrize("name", ["fountain-tools/Writer-output.fountain", "public-domain/ASCENT_TO_GURU_PEAK.fountain",
                                  "fountain-tools/Lyrics.fountain", "screenplain/dual-dialogue.fountain"])
def test_fdx_slate_writes_is_well_formed_and_shaped_as_final_draft_writes_it(name):
    data = to_fdx(parse((FOUNTAIN / name).read_text("utf-8-sig")))
    root = fromstring(data)  # well-formed, and no DTD or entity

    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"')
    assert (root.tag, root.get("DocumentType")) == ("FinalDraft", "Script")
    assert [child.tag for child in root][:1] == ["Content"]
    defined = final_drafts_own_types() | {s.get("Type") for s in root.findall("ElementSettings")}
    for paragraph in root.find("Content").findall("Paragraph"):
        assert paragraph.get("Type") in defined
        assert {child.tag for child in paragraph} <= {"Text", "ScriptNote", "DualDialogue"}
        for dual in paragraph.findall("DualDialogue"):
            assert [p.get("Type") for p in dual].count("Character") == 2
    if root.find("TitlePage") is not None:
        assert {p.get("Alignment") for p in root.findall("TitlePage/Content/Paragraph")} <= {"Center", "Left"}


def test_scene_numbers_page_breaks_styles_and_notes_are_written_where_final_draft_keeps_them():
    root = fromstring(to_fdx(parse("INT. HOUSE - DAY #7B#\n\nBob **runs**[[too fast?]] home.\n\n===\n\nEXT. YARD - NIGHT\n\nRain.\n")))
    heading, action, yard, rain = root.find("Content").findall("Paragraph")

    assert (heading.get("Type"), heading.get("Number"), heading.find("Text").text) == ("Scene Heading", "7B", "INT. HOUSE - DAY")
    assert [(child.tag, child.get("Style"), child.text) for child in action if child.tag == "Text"] == [
        ("Text", None, "Bob "), ("Text", "Bold", "runs"), ("Text", None, " home.")]
    assert [child.tag for child in action] == ["Text", "Text", "ScriptNote", "Text"]
    assert action.find("ScriptNote/Paragraph/Text").text == "too fast?"
    assert (yard.get("StartsNewPage"), rain.get("StartsNewPage")) == ("Yes", None)


# --- what Slate refuses ------------------------------------------------------------------------------------

@pytest.mark.parametrize("data, message", [
    (b"INT. HOUSE - DAY\n\nBob enters.\n", "not well-formed"),
    (b"", "not well-formed"),
    (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "root element is <{http://www.w3.org/2000/svg}svg>"),
    (b"<FinalDraft><Content><Paragraph Type='Action'><Text>Cut</Text></Paragraph>", "not well-formed"),
    (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
     b"<FinalDraft><Content><Paragraph Type='Action'><Text>&lol2;</Text></Paragraph></Content></FinalDraft>", "DTD or entities"),
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
     b"<FinalDraft><Content><Paragraph Type='Action'><Text>&xxe;</Text></Paragraph></Content></FinalDraft>", "DTD or entities"),
])
def test_files_that_are_not_final_draft_are_refused_with_a_readable_reason(data, message):
    with pytest.raises(NotFinalDraft, match="not a Final Draft file") as refused:
        read_fdx(data)
    assert isinstance(refused.value, FountainError)
    assert message in str(refused.value)


def test_a_file_past_max_elements_is_refused_as_soon_as_it_is_found():
    data = to_fdx(parse("INT. HOUSE - DAY\n\n" + "".join(f"Line {n}[[note {n}]].\n\n" for n in range(100))))

    assert len(read_fdx(data, max_elements=201).elements) == 101
    with pytest.raises(TooManyElements, match="more than 200 elements"):
        read_fdx(data, max_elements=200)


# --- emphasis markup and note offsets (apps.scripts.fdx.markup) -------------------------------------------

RUNS = st.lists(st.builds(Span, st.text(alphabet="ab *_\\\n", max_size=6), st.booleans(), st.booleans(), st.booleans()), max_size=6)


@settings(max_examples=300, deadline=None, database=None)
@given(runs=RUNS)
def test_runs_written_as_markup_print_the_same_text_and_keep_their_styles_where_fountain_can_say_them(runs):
    text = markup(runs)
    printed = "".join(run.text for run in runs)

    assert plain(text) == printed.replace("\\*", "*").replace("\\_", "_") or "\\" in printed
    if "\\" not in printed:
        assert plain(text) == printed
        offsets = list(range(len(printed) + 1))
        assert markup_to_plain(text, printed, plain_to_markup(text, printed, offsets)) == offsets

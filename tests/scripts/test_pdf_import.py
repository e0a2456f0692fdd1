"""PDF import: screenplays printed by Slate, screenplain and afterwriting read back with the same scenes, characters and dialogue.

Every Fountain file of the shared data is printed by three renderers that lay pages out differently
(Slate: cues at 3.7 in, page carries "(MORE)" / "(CONT'D)"; screenplain, in Courier Prime and in the
PDF's own Courier: cues at 3.4 in, larger title, no carries; afterwriting: its own margins, scene
numbers in both margins, "(CONTINUED)" scene carries, a revision header and a diagonal watermark)
and read back with `read_pdf`. What is compared is what a reader of the print sees: each scene
heading with its number, and each speech's character and spoken words (dialogue and lyrics; line
breaks and emphasis are not compared, as print cannot tell a wrap from a line break everywhere).
The expected side is the renderer's own reading of the file: Slate's parser for Slate's and
afterwriting's PDFs, screenplain's parser for its PDFs.
"""
from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from screenplain import types as sp
from screenplain.export.pdf import Settings, get_standard_font_settings, to_pdf
from screenplain.parsers.fountain import parse as screenplain_parse

from apps.scripts.fountain import FountainError, parse, parse_bytes, plain, split_character
from apps.scripts.fountain import model as m
from apps.scripts.fountain.layout import latin1
from apps.scripts.pdf import screenplay_pdf
from apps.scripts.pdf_import import read_pdf
from tests.conftest import SHARED_DATA

REPO = Path(__file__).resolve().parents[2]
FOUNTAIN = SHARED_DATA / "fountain"
FILES = sorted(FOUNTAIN.glob("*/*.fountain"))
WHOLE_SCRIPTS = sorted((FOUNTAIN / "public-domain").glob("*.fountain"))
AFTERWRITING = REPO / "tests" / "tools" / "afterwriting" / "node_modules" / ".bin" / "afterwriting"

# What print cannot tell, whoever prints it: per file, the headings the renderer's parser reads that print as
# action lines, and the lines that print as headings where its parser reads action.
FORCED = ("a heading forced with '.' that has no INT./EXT. prefix nor a scene number prints as an upper-case line "
          "at the left margin, as action does (screenplain also forces '. NOT A HEADER')")
PRINT_CANNOT_TELL = {
    "fountain-tools/SceneHeading.fountain": ({"FORCED HEADER", "NOT A HEADER"}, set(), FORCED),
    "fountain-tools/Scratch.fountain": ({"FORCED HEADER", "NOT A HEADER"}, set(), FORCED),
    "fountain-tools/UTF8.fountain": ({"FORCED HEADER", "NOT A HEADER"}, set(), FORCED),
    "fountain-tools/UTF8-output.fountain": ({"FORCED HEADER", "NOT A HEADER"}, set(), FORCED),
    "fountain-tools/Tags.fountain": ({"FORCED HEADER #headeher", "FORCED HEADER #HEADEHER", "NOT A HEADER #BAH"}, set(), FORCED),
    "fountain-tools/Writer-output.fountain": (set(), {"EXT. BRICK'S PATIO - DAY"}, (
        "a synopsis line stands right under the heading, so Fountain 1.1 reads it as action (a heading needs a blank "
        "line after it); synopses do not print, and printed it stands alone like any heading")),
}


def words(text: str) -> str:
    """Text as compared: runs of white space made one space; what a font may lack (outside Latin-1, or a glyph
    the PDF names no character for, which PDFium's text page leaves out) left out."""
    text = "".join(char for char in text if ord(char) < 256)
    return " ".join(text.split())


def reading(headings: list[tuple[str, str | None]], speeches: list[tuple[str, bool, str]], key: str):
    """Headings and speeches less what print cannot tell for the file `key` (PRINT_CANNOT_TELL)."""
    missing, extra, _ = PRINT_CANNOT_TELL.get(key, (set(), set(), ""))
    return [h for h in headings if h[0] not in missing | extra], speeches


def imported(screenplay: m.Screenplay, key: str):
    """What the import read: (heading, number) per scene, (CUE NAME, dual, spoken words) per speech."""
    headings, speeches, speaking = [], [], False
    for element in screenplay.elements:
        if element.kind == m.SCENE_HEADING:
            headings.append((words(element.text), element.scene_number))
        if element.kind == m.CHARACTER:
            speeches.append((words(element.text.upper()), element.dual, []))
        elif element.kind in (m.DIALOGUE, m.LYRICS) and speaking:
            speeches[-1][2].append(words(element.text))
        speaking = element.kind in (m.CHARACTER, m.DIALOGUE, m.PARENTHETICAL, m.LYRICS) and bool(speeches)
    return reading(headings, [(name, dual, " ".join(w for w in said if w)) for name, dual, said in speeches], key)


def slate_reading(screenplay: m.Screenplay, key: str, *, print_text=lambda text: latin1(plain(text))):
    """What Slate's parser read, as printed (`print_text`: Slate's PDF shows emphasis as styles, in Latin-1)."""
    elements = [m.Element(kind=e.kind, text=print_text(e.text), scene_number=e.scene_number, dual=e.dual)
                for e in screenplay.elements if e.kind not in (m.NOTE, m.SECTION, m.SYNOPSIS)]
    return imported(m.Screenplay(elements=elements), key)


def screenplain_reading(script: sp.Screenplay, key: str):
    """What screenplain's parser read (its Slug, Dialog and DualDialog paragraphs)."""
    headings, speeches = [], []

    def speech(dialog: sp.Dialog, dual: bool) -> None:
        cue = str(dialog.character)
        parts = split_character(cue)
        said = (words(str(text)) for parenthetical, text in dialog.blocks if not parenthetical)
        speeches.append((words((parts[0] if parts else cue).upper()), dual, " ".join(w for w in said if w)))

    for paragraph in script.paragraphs:
        if isinstance(paragraph, sp.Slug):
            headings.append((words(str(paragraph.line)), str(paragraph.scene_number) if paragraph.scene_number else None))
        elif isinstance(paragraph, sp.Dialog):
            speech(paragraph, False)
        elif isinstance(paragraph, sp.DualDialog):
            speech(paragraph.left, False)
            speech(paragraph.right, True)
    return reading(headings, speeches, key)


def key_of(path: Path) -> str:
    return str(path.relative_to(FOUNTAIN))


def test_the_shared_fountain_files_are_there():
    assert len(FILES) >= 40 and len(WHOLE_SCRIPTS) >= 5


@pytest.mark.parametrize("path", FILES, ids=key_of)
def test_slate_pdfs_import_with_the_same_scenes_characters_and_dialogue(path):
    screenplay = parse_bytes(path.read_bytes())

    got = read_pdf(screenplay_pdf(screenplay))

    assert imported(got, key_of(path)) == slate_reading(screenplay, key_of(path))


@pytest.mark.parametrize("font", ["Courier Prime", "Courier"])
@pytest.mark.parametrize("path", FILES, ids=key_of)
def test_screenplain_pdfs_import_with_the_scenes_characters_and_dialogue_screenplain_printed(path, font):
    script = screenplain_parse(io.StringIO(path.read_bytes().decode("utf-8-sig")))
    out = io.BytesIO()
    to_pdf(script, out, settings=Settings(font_settings=get_standard_font_settings(), strong_slugs=True)
           if font == "Courier" else Settings())

    got = read_pdf(out.getvalue())

    assert imported(got, key_of(path)) == screenplain_reading(script, key_of(path))


def afterwriting_pdf(path: Path, tmp_path: Path, *settings: str) -> bytes:
    assert AFTERWRITING.exists(), "afterwriting is needed: `make afterwriting` (part of `make test`) installs it"
    out = tmp_path / f"{path.stem}.pdf"
    command = [str(AFTERWRITING), "--source", str(path), "--pdf", str(out), "--overwrite"]
    for setting in settings:
        command += ["--setting", setting]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    return out.read_bytes()


@pytest.mark.parametrize("path", WHOLE_SCRIPTS, ids=key_of)
def test_afterwriting_pdfs_with_scene_numbers_carries_a_header_and_a_watermark_import_with_the_same_scenes(path, tmp_path):
    data = afterwriting_pdf(path, tmp_path, "scenes_numbers=both", "scene_continuation_bottom=true",
                            "scene_continuation_top=true", "print_header=BLUE REVISION 12/03/26",
                            "print_watermark=CONFIDENTIAL", "embolden_scene_headers=true")
    screenplay = parse_bytes(path.read_bytes())

    got = read_pdf(data)

    # afterwriting numbers every scene itself, from 1, and prints the text as written (Courier Prime has the glyphs).
    expected_headings, expected_speeches = slate_reading(screenplay, key_of(path), print_text=plain)
    headings, speeches = imported(got, key_of(path))
    assert headings == [(text.upper(), str(number)) for number, (text, _) in enumerate(expected_headings, start=1)]
    assert speeches == expected_speeches
    printed = " ".join(element.text for element in got.elements)
    assert "CONTINUED" not in printed and "REVISION" not in printed and "CONFIDENTIAL" not in printed


@pytest.mark.parametrize("path", [p for p in WHOLE_SCRIPTS if parse_bytes(p.read_bytes()).title_page], ids=key_of)
def test_a_title_page_comes_back_as_title_credit_and_author(path):
    screenplay = parse_bytes(path.read_bytes())
    entries = {key.lower(): words(latin1(plain(value))) for key, value in screenplay.title_page}

    read = read_pdf(screenplay_pdf(screenplay))

    got = {key.lower(): words(value) for key, value in read.title_page}
    for key in ("title", "credit", "author"):
        if key in entries:
            assert got[key] == entries[key]
    first = next(e for e in screenplay.elements if e.kind not in (m.NOTE, m.SECTION, m.SYNOPSIS, m.PAGE_BREAK))
    assert (read.elements[0].kind, words(read.elements[0].text)) == (first.kind, words(latin1(plain(first.text))))


def test_a_speech_split_over_a_page_break_comes_back_whole_without_its_carries():
    speech = " ".join(f"Line {n} of a speech that runs over the foot of the page." for n in range(60))
    screenplay = parse("INT. ROOM - DAY\n\nA door.\n\nBOB\n" + speech + "\n\nEXT. PARK - NIGHT\n\nRain.\n")
    data = screenplay_pdf(screenplay)

    got = read_pdf(data)

    assert [e.kind for e in got.elements] == [m.SCENE_HEADING, m.ACTION, m.CHARACTER, m.DIALOGUE, m.SCENE_HEADING, m.ACTION]
    assert got.elements[3].text == speech and got.elements[2].extension is None
    assert b"(MORE)" in _text_of(data) and not any("MORE" in e.text or "CONT" in e.text for e in got.elements)


def _text_of(data: bytes) -> bytes:
    from pypdf import PdfReader  # noqa: PLC0415 — the PDF's own text, to show the carries were printed

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).encode()


STRUCTURE = ("INT. KITCHEN - NIGHT\n\nA kettle boils over and nobody moves to take it off the stove.\n\n"
             "MARA\n(quietly)\nLeave it.\n\nJON\nIt will burn.\n\nCUT TO:\n\nEXT. GARDEN - DAY\n\nRain.\n")
KINDS = [m.SCENE_HEADING, m.ACTION, m.CHARACTER, m.PARENTHETICAL, m.DIALOGUE, m.CHARACTER, m.DIALOGUE, m.TRANSITION,
         m.SCENE_HEADING, m.ACTION]


@pytest.mark.parametrize("renderer", ["slate", "screenplain", "afterwriting"])
def test_each_renderers_print_of_one_scene_comes_back_as_the_same_elements(renderer, tmp_path):
    if renderer == "slate":
        data = screenplay_pdf(parse(STRUCTURE))
    elif renderer == "screenplain":
        out = io.BytesIO()
        to_pdf(screenplain_parse(io.StringIO(STRUCTURE)), out, settings=Settings())
        data = out.getvalue()
    else:
        source = tmp_path / "scene.fountain"
        source.write_text(STRUCTURE)
        data = afterwriting_pdf(source, tmp_path)

    got = read_pdf(data)

    assert [element.kind for element in got.elements] == KINDS
    assert [element.text for element in got.elements] == [
        "INT. KITCHEN - NIGHT", "A kettle boils over and nobody moves to take it off the stove.", "MARA", "(quietly)",
        "Leave it.", "JON", "It will burn.", "CUT TO:", "EXT. GARDEN - DAY", "Rain."]


def test_action_carried_over_a_page_break_comes_back_as_one_paragraph():
    paragraph = " ".join(f"Sentence {n} of a paragraph of action that goes on." for n in range(80))
    screenplay = parse(f"INT. ROOM - DAY\n\n{'Short line.' + chr(10) + chr(10)}{paragraph}\n\nEXT. PARK - NIGHT\n\nRain.\n")
    data = screenplay_pdf(screenplay)

    got = read_pdf(data)

    assert len(_text_of(data).split(b"Sentence 0")) == 2 and b"2." in _text_of(data)  # printed over two pages
    assert [(e.kind, e.text) for e in got.elements] == [
        (m.SCENE_HEADING, "INT. ROOM - DAY"), (m.ACTION, "Short line."), (m.ACTION, paragraph),
        (m.SCENE_HEADING, "EXT. PARK - NIGHT"), (m.ACTION, "Rain.")]


def test_action_wraps_joined_by_spaces_and_the_writers_line_breaks_kept():
    action = "A long paragraph of action that wraps over several printed lines, " * 3 + "then ends.\nA line of its own."
    screenplay = parse(f"INT. ROOM - DAY\n\n{action}\n\n    Indented four.\n\nBOB\nHi.\n\nCUT TO:\n\n> THE END <\n")

    got = read_pdf(screenplay_pdf(screenplay))

    assert [(e.kind, e.text) for e in got.elements] == [
        (m.SCENE_HEADING, "INT. ROOM - DAY"), (m.ACTION, action),
        (m.ACTION, "    Indented four."), (m.CHARACTER, "BOB"), (m.DIALOGUE, "Hi."),
        (m.TRANSITION, "CUT TO:"), (m.CENTERED, "THE END")]


@pytest.mark.parametrize("data", [b"", b"INT. ROOM - DAY\n\nA door.\n", b"\x89PNG\r\n\x1a\n" + bytes(100), b"%PDF-1.7\n%%EOF"])
def test_what_is_not_a_pdf_is_refused_with_a_reason(data):
    with pytest.raises(FountainError) as refused:
        read_pdf(data)

    assert "PDF" in str(refused.value)


def test_past_max_elements_the_import_stops_with_too_many_elements():
    data = screenplay_pdf(parse_bytes(WHOLE_SCRIPTS[0].read_bytes()))

    with pytest.raises(m.TooManyElements):
        read_pdf(data, max_elements=10)
    assert len(read_pdf(data).elements) > 10


def revision_pdf_of(locked: str, versions: list[str]) -> bytes:
    """The whole revised script, every page with its locked number, revision header and asterisks (apps/scripts/pdf.py)."""
    from apps.scripts.pdf import revision_pdf  # noqa: PLC0415
    from apps.scripts.revision_pages import revise  # noqa: PLC0415

    revised = revise(parse(locked), [parse(text) for text in versions])
    headers = {level: f"{colour} Revision \u2013 0{level}/12/26" for level, colour in enumerate(("Blue", "Pink"), start=1)}
    return revision_pdf(revised.pages, headers=headers, title="Revised")


def test_revision_pages_import_as_the_last_version_without_headers_marks_or_locked_numbers():
    locked = "\n\n".join(path.read_text("utf-8") for path in WHOLE_SCRIPTS)
    blue = locked.replace("EXT. PARK--DAY", "EXT. PARK--DAY\n\nA new paragraph of action.\n\nBOB\nA new line.\n" * 30, 1)
    pink = blue.replace("Hi hello.", "Hello, all of you.", 1)
    data = revision_pdf_of(locked, [blue, pink])
    printed = _text_of(data).decode()
    assert "Blue Revision" in printed and "Pink Revision" in printed and "*" in printed and "A." in printed

    got = read_pdf(data)

    assert imported(got, "") == slate_reading(parse(pink), "")
    texts = " ".join(element.text for element in got.elements)
    plain_texts = " ".join(element.text for element in read_pdf(screenplay_pdf(parse(pink))).elements)
    assert "Revision" not in texts and texts.count("*") == plain_texts.count("*")


def _rewritten(data: bytes, **encrypt) -> bytes:
    """The PDF's pages in a new file made by pypdf, encrypted with `encrypt` (PdfWriter.encrypt's arguments)."""
    from pypdf import PdfReader, PdfWriter  # noqa: PLC0415

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(**encrypt)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-256"])
def test_a_pdf_that_needs_a_password_is_refused_and_one_with_only_an_owner_password_imports(algorithm):
    screenplay = parse_bytes(WHOLE_SCRIPTS[0].read_bytes())
    data = screenplay_pdf(screenplay)

    with pytest.raises(FountainError, match="password"):
        read_pdf(_rewritten(data, user_password="secret", owner_password="owner", algorithm=algorithm))
    opened = read_pdf(_rewritten(data, user_password="", owner_password="owner", algorithm=algorithm))

    assert imported(opened, "") == slate_reading(screenplay, "")


@pytest.mark.parametrize("numbered", [False, True], ids=["no text", "only page numbers"])
def test_a_pdf_with_no_script_text_is_refused_as_a_scan(numbered):
    from pypdf import PdfWriter  # noqa: PLC0415
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject  # noqa: PLC0415

    writer = PdfWriter()
    font = DictionaryObject({NameObject("/F1"): DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Courier")})})
    for number in range(1, 4):
        page = writer.add_blank_page(612, 792)
        drawing = DecodedStreamObject()
        # a grey page and a rule, a picture of a page; perhaps its number stamped as text at the top right
        stamp = f" BT /F1 12 Tf 525 746 Td ({number}.) Tj ET" if numbered else ""
        drawing.set_data(b"0.9 g 72 72 468 648 re f 0 g 108 700 m 500 700 l S" + stamp.encode())
        page.replace_contents(drawing)
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): font})
    out = io.BytesIO()
    writer.write(out)

    with pytest.raises(FountainError, match="scan"):
        read_pdf(out.getvalue())


def _uncompressed(data: bytes) -> bytes:
    """The PDF with its pages' content stored uncompressed (so damage lands in drawing instructions too)."""
    from pypdf import PdfReader, PdfWriter  # noqa: PLC0415
    from pypdf.generic import DecodedStreamObject  # noqa: PLC0415

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    for page in writer.pages:
        content = DecodedStreamObject()
        content.set_data(page.get_contents().get_data())
        page.replace_contents(content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# A short script's PDF, every object readable: damage lands in text, numbers, structure and drawing alike.
DAMAGEABLE = _uncompressed(screenplay_pdf(parse("Title: T\n\nINT. ROOM - DAY #1#\n\nA door.\n\nBOB\n(low)\nHi.\n\nCUT TO:\n")))


# Derandomized: the same 100 damaged files every run (a random search ran 4,500 more while the readers were written).
@settings(max_examples=100, deadline=None, database=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(cuts=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255), st.sampled_from(["flip", "cut", "insert"])),
                     min_size=1, max_size=4))
@pytest.mark.timeout(120)
def test_a_damaged_pdf_imports_or_is_refused_with_a_reason_never_another_error(cuts):
    data = bytearray(DAMAGEABLE)
    for where, byte, how in cuts:
        at = int(where * (len(data) - 1))
        if how == "flip":
            data[at] = byte
        elif how == "cut":
            del data[at:]
        else:
            data[at:at] = bytes([byte]) * 8
        if not data:
            break

    try:
        screenplay = read_pdf(bytes(data))
    except FountainError as refused:
        assert str(refused)
    else:
        assert isinstance(screenplay, m.Screenplay)

"""Slate's Fountain parser: the public interface, element by element (Fountain 1.1 rules)."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from apps.scripts.fountain import (
    Element,
    FountainError,
    Note,
    Screenplay,
    TooManyElements,
    page_eighths,
    parse,
    parse_bytes,
    parse_slugline,
    scenes,
)
from tests.scripts.test_linear_time import NOISE_FLOOR_S, RATIO_LIMIT, growth

REPO = Path(__file__).resolve().parents[2]
SHARED_DATA = Path(os.environ.get("SLATE_SHARED_DATA", REPO.parent / "shared" / "data"))
PUBLIC_DOMAIN = SHARED_DATA / "fountain" / "public-domain"


def kinds_and_texts(text: str) -> list[tuple[str, str]]:
    return [(e.kind, e.text) for e in parse(text).elements]


# --- scene headings ------------------------------------------------------------------------------

@pytest.mark.parametrize("heading", [
    "INT. HOUSE - DAY", "EXT. HOUSE - DAY", "EST. HOUSE - DAY", "INT./EXT. CAR - DAY",
    "INT/EXT CAR - DAY", "I/E CAR - DAY", "int. house - day", "EXT HOUSE", "est house",
])
def test_every_prefix_followed_by_dot_or_space_makes_a_scene_heading(heading):
    assert kinds_and_texts(f"Action.\n\n{heading}\n\nMore action.") == [
        ("action", "Action."), ("scene_heading", heading), ("action", "More action."),
    ]


@pytest.mark.parametrize("line", ["INTERIOR OF THE HOUSE", "EXTRA! EXTRA!", "ESTATE SALE"])
def test_prefix_inside_a_longer_word_is_not_a_heading(line):
    assert kinds_and_texts(line) == [("action", line)]


def test_heading_and_cue_must_follow_a_blank_line_even_when_forced():
    text = "He walks.\nINT. HOUSE - DAY\n.FORCED\n@McCLANE\nYippie."
    assert kinds_and_texts(text) == [("action", text)]


@pytest.mark.parametrize("line", ["INT. HOUSE - DAY", "ext. brick's pool - day", "EST BUCKET LIST #A3-1#", ".FORCED HEADER",
                                  "INT. HOUSE - DAY #1#"])
def test_a_heading_needs_a_blank_line_after_it_else_it_is_action(line):
    # Fountain 1.1: "A Scene Heading is any line that has a blank line following it, and either
    # begins with INT or EXT or similar". The forcing "." stands in for the prefix only.
    assert kinds_and_texts(f"Before.\n\n{line}\nBob walks in.\n\nAfter.") == [
        ("action", "Before."), ("action", f"{line}\nBob walks in."), ("action", "After."),
    ]


@pytest.mark.parametrize("line", ["INT. HOUSE - DAY", ".FORCED", "EXT. PARK (V.O.)"])
def test_an_upper_case_heading_line_with_text_under_it_is_no_character_cue(line):
    assert kinds_and_texts(f"{line}\nHELLO.\n(beat)\n\nBOB\nHi.") == [
        ("action", f"{line}\nHELLO.\n(beat)"), ("character", "BOB"), ("dialogue", "Hi."),
    ]


@pytest.mark.parametrize("after", ["", "\n", " \n", "  \nText.", "\t\n\nText.", "\n/* gone */\n\nText."])
def test_a_heading_at_the_end_or_before_a_whitespace_only_line_or_a_whole_line_boneyard(after):
    elements = parse(f"Before.\n\nINT. HOUSE - DAY #7#\n{after}").elements
    assert (elements[1].kind, elements[1].text, elements[1].scene_number) == ("scene_heading", "INT. HOUSE - DAY", "7")
    assert [(e.kind, e.text) for e in elements[2:]] == ([("action", "Text.")] if "Text." in after else [])


def test_a_line_of_notes_under_a_heading_is_no_blank_line():
    assert kinds_and_texts("INT. HOUSE - DAY\n[[Which house?]]\n\nText.") == [
        ("action", "INT. HOUSE - DAY"), ("note", "Which house?"), ("action", "Text."),
    ]


def test_after_an_action_line_that_looks_like_a_heading_a_cue_needs_its_own_blank_line():
    assert kinds_and_texts("INT. HOUSE - DAY\nBOB\nHi.\n\nEXT. GARDEN - DAY\n\nBOB\nHi.") == [
        ("action", "INT. HOUSE - DAY\nBOB\nHi."), ("scene_heading", "EXT. GARDEN - DAY"),
        ("character", "BOB"), ("dialogue", "Hi."),
    ]


def test_lenient_headings_read_a_heading_with_text_under_it_as_slate_did_before():
    text = "INT. HOUSE - DAY\nBob walks in.\n\n.FORCED #2#\nBOB\nHi."
    assert [(e.kind, e.text, e.scene_number) for e in parse(text, lenient_headings=True).elements] == [
        ("scene_heading", "INT. HOUSE - DAY", None), ("action", "Bob walks in.", None),
        ("scene_heading", "FORCED", "2"), ("action", "BOB\nHi.", None),
    ]
    assert [e.kind for e in parse(text).elements] == ["action", "action"]


def test_leading_dot_forces_a_heading_but_not_an_ellipsis_or_dot_space():
    assert kinds_and_texts(".SNIPER SCOPE POV\n\n...and then\n\n. NOT A HEADER") == [
        ("scene_heading", "SNIPER SCOPE POV"),
        ("action", "...and then"),
        ("action", ". NOT A HEADER"),
    ]


@pytest.mark.parametrize(("heading", "int_ext", "location", "time_of_day"), [
    ("INT. LIBRARY - DAY", "INT", "LIBRARY", "DAY"),
    ("EXT. LIBRARY--DAY", "EXT", "LIBRARY", "DAY"),
    ("EXT. MOUNT GURU FOOTHILLS--NIGHT", "EXT", "MOUNT GURU FOOTHILLS", "NIGHT"),
    ("INT. MY SCENE -- START", "INT", "MY SCENE", "START"),
    ("INT./EXT. CAR (MOVING) - CONTINUOUS", "INT/EXT", "CAR (MOVING)", "CONTINUOUS"),
    ("INT/EXT CAR - NIGHT", "INT/EXT", "CAR", "NIGHT"),
    ("I/E CAR - NIGHT", "INT/EXT", "CAR", "NIGHT"),
    ("EST. CITY SKYLINE - DAWN", "EST", "CITY SKYLINE", "DAWN"),
    ("int. kitchen - day", "INT", "kitchen", "day"),
    ("INT. JOHN'S APARTMENT - BEDROOM - NIGHT", "INT", "JOHN'S APARTMENT - BEDROOM", "NIGHT"),
    ("INT. X-RAY ROOM", "INT", "X-RAY ROOM", ""),
    ("EXT. OTHER SCENE", "EXT", "OTHER SCENE", ""),
    ("SNIPER SCOPE POV", "", "SNIPER SCOPE POV", ""),
    (".FLASHBACK - 1985", "", "FLASHBACK", "1985"),
    ("INT. HALL \u2014 NIGHT", "INT", "HALL", "NIGHT"),
    ("INT. HALL - - NIGHT", "INT", "HALL", "NIGHT"),
])
def test_parse_slugline_splits_prefix_location_and_time(heading, int_ext, location, time_of_day):
    assert dataclasses.astuple(parse_slugline(heading)) == (int_ext, location, time_of_day)


@pytest.mark.parametrize(("line", "text", "number"), [
    ("INT. HOUSE - DAY #1#", "INT. HOUSE - DAY", "1"),
    ("INT. HOUSE - DAY #12A#", "INT. HOUSE - DAY", "12A"),
    ("INT. HOUSE - DAY #I-1-A#", "INT. HOUSE - DAY", "I-1-A"),
    ("INT. HOUSE - DAY #110.#", "INT. HOUSE - DAY", "110."),
    (".FORCED #7#", "FORCED", "7"),
    ("INT. HOUSE - DAY", "INT. HOUSE - DAY", None),
    ("EST BUCKET LIST #\N{GRINNING FACE}#", "EST BUCKET LIST #\N{GRINNING FACE}#", None),
])
def test_scene_number_comes_off_the_end_of_the_heading(line, text, number):
    [heading] = parse(line).elements
    assert (heading.kind, heading.text, heading.scene_number) == ("scene_heading", text, number)


# --- characters and dialogue ---------------------------------------------------------------------

@pytest.mark.parametrize(("cue", "name", "extension"), [
    ("STEEL", "STEEL", None),
    ("MOM (O. S.)", "MOM", "(O. S.)"),
    ("HANS (on the radio)", "HANS", "(on the radio)"),
    ("STEEL (V.O.) (CONT'D)", "STEEL", "(V.O.) (CONT'D)"),
    ("R2D2", "R2D2", None),
    ("@McCLANE", "McCLANE", None),
    ("@Han (O.S.)", "Han", "(O.S.)"),
    ("        DAVE", "DAVE", None),
])
def test_character_cue_gives_bare_name_and_extensions(cue, name, extension):
    character, dialogue = parse(f"{cue}\nSome words.").elements
    assert (character.kind, character.text, character.extension) == ("character", name, extension)
    assert (dialogue.kind, dialogue.text) == ("dialogue", "Some words.")


@pytest.mark.parametrize("text", ["Han (O.S.)\nNot dialogue.", "BOB\n\nNot dialogue.", "23\nNope."])
def test_no_character_without_capitals_a_letter_or_a_following_line(text):
    assert {kind for kind, _ in kinds_and_texts(text)} == {"action"}


def test_dialogue_block_with_parentheticals_and_two_space_blank_line():
    text = "BOB\n(slowly)\nTrying this.\nAnd this.\n  \nStill me.\n(beat)\nDone.\n\nAction."
    assert kinds_and_texts(text) == [
        ("character", "BOB"), ("parenthetical", "(slowly)"),
        ("dialogue", "Trying this.\nAnd this.\n\nStill me."),
        ("parenthetical", "(beat)"), ("dialogue", "Done."), ("action", "Action."),
    ]


def test_parenthetical_follows_a_cue_or_speech_so_a_second_one_in_a_row_is_spoken():
    assert kinds_and_texts("BOB\n(slowly)\n(bouncy)\nTrying.\n(beat)\nDone.") == [
        ("character", "BOB"), ("parenthetical", "(slowly)"), ("dialogue", "(bouncy)\nTrying."),
        ("parenthetical", "(beat)"), ("dialogue", "Done."),
    ]


def test_caret_marks_the_right_hand_side_of_dual_dialogue():
    elements = parse("BRICK\nScrew retirement.\n\nSTEEL ^\n(shouting)\nScrew retirement.").elements
    assert [(e.kind, e.text, e.dual) for e in elements] == [
        ("character", "BRICK", False), ("dialogue", "Screw retirement.", False),
        ("character", "STEEL", True), ("parenthetical", "(shouting)", True),
        ("dialogue", "Screw retirement.", True),
    ]


def test_caret_with_extension_and_misplaced_caret():
    first, _, third = parse("BUT (V.O.) ^\nYes.\n\nAND ^ (V.O.)\nNo.").elements
    assert (first.text, first.extension, first.dual) == ("BUT", "(V.O.)", True)
    assert (third.kind, third.text) == ("action", "AND ^ (V.O.)\nNo.")


# --- other elements ------------------------------------------------------------------------------

def test_transitions_centered_lyrics_page_breaks_sections_synopses():
    text = (
        "# ACT I\n\n## Sequence\n\n= The setup.\n\nCUT TO:\n\n> fade to black\n\n"
        ">THE END<\n\n~Willy Wonka!\n~The amazing chocolatier!\n\n===\n\nboop boop TO:"
    )
    elements = parse(text).elements
    assert [(e.kind, e.text, e.depth) for e in elements] == [
        ("section", "ACT I", 1), ("section", "Sequence", 2), ("synopsis", "The setup.", 0),
        ("transition", "CUT TO:", 0), ("transition", "fade to black", 0),
        ("centered", "THE END", 0), ("lyrics", "Willy Wonka!", 0),
        ("lyrics", "The amazing chocolatier!", 0), ("page_break", "", 0),
        ("action", "boop boop TO:", 0),
    ]


def test_action_keeps_line_breaks_indentation_and_markup_and_forced_bang():
    text = "He opens the card:\n\n    Scott --\n    Palace Hotel, *RM 412*\n\n!SCANNING THE AISLES\nNobody."
    assert kinds_and_texts(text) == [
        ("action", "He opens the card:"),
        ("action", "    Scott --\n    Palace Hotel, *RM 412*"),
        ("action", "SCANNING THE AISLES\nNobody."),
    ]


def test_tabs_count_as_four_spaces():
    assert kinds_and_texts("\t\t\tFRED\n\tHello.\n\n\tIndented action.") == [
        ("character", "FRED"), ("dialogue", "Hello."), ("action", "    Indented action."),
    ]


def test_title_page_keys_and_indented_values_only_at_the_start():
    screenplay = parse(
        "Title:\n    _**BRICK & STEEL**_\n    _**FULL RETIRED**_\nCredit: Written by\n"
        "Draft date: 1/20/2012\n\nEXT. POOL - DAY\n\nAuthor: Not a title entry."
    )
    assert screenplay.title_page == [
        ("Title", "_**BRICK & STEEL**_\n_**FULL RETIRED**_"),
        ("Credit", "Written by"),
        ("Draft date", "1/20/2012"),
    ]
    assert [(e.kind, e.text, e.line) for e in screenplay.elements] == [
        ("scene_heading", "EXT. POOL - DAY", 7), ("action", "Author: Not a title entry.", 9),
    ]


def test_transition_on_the_first_line_is_not_a_title_page():
    screenplay = parse("CUT TO:\n\n# A section")
    assert screenplay.title_page == []
    assert [e.kind for e in screenplay.elements] == ["transition", "section"]


def test_spaces_after_the_colon_make_a_transition_action():
    assert kinds_and_texts("CUT TO:  \n\nCUT TO:\n") == [("action", "CUT TO:"), ("transition", "CUT TO:")]


# --- boneyard and notes --------------------------------------------------------------------------

def test_boneyard_spanning_lines_and_blank_lines_is_removed_and_line_numbers_kept():
    text = "Before.\n\nCUT TO:\n/*\nINT. GARAGE - DAY\n\nBRICK\nGone.\n*/\nEXT. MANSION - DAY\n\nAfter."
    elements = parse(text).elements
    assert [(e.kind, e.text, e.line) for e in elements] == [
        ("action", "Before.", 1), ("transition", "CUT TO:", 3),
        ("scene_heading", "EXT. MANSION - DAY", 10), ("action", "After.", 12),
    ]


def test_boneyard_of_lines_inside_a_paragraph_closes_it_up():
    elements = parse("This is something.\n/*\nnope\nnope\n*/\nOK.\n\n/*\ngone\n*/\nINT. HOUSE").elements
    assert [(e.kind, e.text, e.line) for e in elements] == [
        ("action", "This is something.\nOK.", 1), ("scene_heading", "INT. HOUSE", 11),
    ]


def test_inline_boneyard_and_unclosed_boneyard():
    assert kinds_and_texts("He /*quickly*/ runs.\n\nShe /* never closes.") == [
        ("action", "He  runs."), ("action", "She /* never closes."),
    ]


def test_inline_notes_are_kept_with_their_element_and_standalone_notes_become_elements():
    text = (
        "He enters[[rename him?]]. Quietly.\n\n[[Is this the right house?]]\n\n"
        "Scott pauses.[[This needs work.\nOr coffee.\n  \nDefinitely coffee.]] He looks.\n\n"
        "Not a note [[because\n\nof the blank line]] here."
    )
    screenplay = parse(text)
    assert [(e.kind, e.text, e.line, e.notes) for e in screenplay.elements] == [
        ("action", "He enters. Quietly.", 1, (Note(9, "rename him?"),)),
        ("note", "Is this the right house?", 3, ()),
        ("action", "Scott pauses. He looks.", 5, (Note(13, "This needs work.\nOr coffee.\n\nDefinitely coffee."),)),
        ("action", "Not a note [[because", 10, ()),
        ("action", "of the blank line]] here.", 12, ()),
    ]


def test_inline_notes_in_every_kind_of_line_are_placed_in_the_text_kept():
    text = (
        "INT. HOUSE[[which?]] - DAY #1# [[after the number]]\n\n"
        "@McCLANE[[sp?]] (V.O.)[[on the extension]]\n(beat[[longer]])\nYippie[[loud]] ki-yay!\nSecond[[end]]\n\n"
        "    Indented[[x]] action\n![[forced]]\n\n> THE[[y]] END <\n\n=[[z]] Synopsis\n\n"
        "~La[[la]] la\n\n# Act[[one]]\n\nCUT TO:[[hard]]\n\n===[[act break]]"
    )
    noted = [(e.kind, e.text, [(n.offset, n.text) for n in e.notes]) for e in parse(text).elements]
    assert noted == [
        ("scene_heading", "INT. HOUSE - DAY", [(10, "which?"), (16, "after the number")]),
        ("character", "McCLANE", [(7, "sp?"), (7, "on the extension")]),
        ("parenthetical", "(beat)", [(5, "longer")]),
        ("dialogue", "Yippie ki-yay!\nSecond", [(6, "loud"), (21, "end")]),
        ("action", "    Indented action\n", [(12, "x"), (20, "forced")]),
        ("centered", "THE END", [(3, "y")]),
        ("synopsis", "Synopsis", [(0, "z")]),
        ("lyrics", "La la", [(2, "la")]),
        ("section", "Act", [(3, "one")]),
        ("transition", "CUT TO:", [(7, "hard")]),
        ("page_break", "", [(0, "act break")]),
    ]


@pytest.mark.parametrize(("text", "kept"), [("a[[1]] b[[2]]\n\nc", 4), ("a\n\nb[[1]]\n[[2]]", 4), ("BOB\nHi[[1]][[2]][[3]]", 5)])
def test_inline_notes_count_towards_max_elements(text, kept):
    assert len(parse(text, max_elements=kept).elements) < kept
    with pytest.raises(TooManyElements, match=f"more than {kept - 1:,} elements"):
        parse(text, max_elements=kept - 1)


# --- line endings, encodings, odd input ----------------------------------------------------------

SAMPLE = "Title: T\n\nINT. HOUSE - DAY\n\nBOB\nHi.\n  \nBye.\n\nCUT TO:\n"


@pytest.mark.parametrize("variant", [
    SAMPLE.replace("\n", "\r\n"),
    SAMPLE.replace("\n", "\r"),
    "\ufeff" + SAMPLE,
    SAMPLE.replace("\n", "\r\n", 3).replace("\nBOB", "\rBOB"),
])
def test_crlf_cr_mixed_endings_and_bom_parse_like_lf(variant):
    assert parse(variant) == parse(SAMPLE)
    assert [e.kind for e in parse(variant).elements] == [
        "scene_heading", "character", "dialogue", "transition",
    ]


def test_parse_bytes_accepts_utf8_with_bom():
    screenplay = parse_bytes("\ufeffJIM\N{GRINNING FACE}\nBye!\r\n".encode("utf-8"))
    assert [(e.kind, e.text) for e in screenplay.elements] == [
        ("character", "JIM\N{GRINNING FACE}"), ("dialogue", "Bye!"),
    ]


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "INT. CAF\u00c9".encode("latin-1"),
    b"INT. HOUSE\x00 - DAY",
    b"\xff\xfeI\x00N\x00T\x00",
])
def test_binary_or_non_utf8_input_raises_fountain_error(data):
    with pytest.raises(FountainError, match="not UTF-8 text"):
        parse_bytes(data)


@pytest.mark.parametrize("text", ["", "\n", "\n\n\n", "   \n\t\n"])
def test_empty_input_has_no_title_page_elements_or_scenes(text):
    screenplay = parse(text)
    assert screenplay == Screenplay(title_page=[], elements=[])
    assert scenes(screenplay) == []


@pytest.mark.parametrize("make", [
    lambda n: "/*x\n" * n,                        # boneyards that never close
    lambda n: "[[x\n\n" * n,                      # notes broken by blank lines
    lambda n: "\nINT. " + " " * (5 * n) + "#1\nx",  # a heading of spaces with half a scene number
    lambda n: "\nINT. X" + "-" * (5 * n) + "DAY",   # a dash run in a slugline
], ids=["boneyards", "notes", "heading_spaces", "slugline_dashes"])
def test_hostile_input_parses_in_linear_time(make):
    """Eight times the input takes less than RATIO_LIMIT times as long (CPU time, tests/scripts/test_linear_time.py:
    a ratio holds on a busy machine, a number of seconds does not); quadratic would be 64 times."""
    short, long = make(2500), make(20000)

    ratio, small, large = growth(lambda text: scenes(parse(text)), short, long)

    assert large < NOISE_FLOOR_S or ratio < RATIO_LIMIT, f"{small * 1000:.1f} ms, then {large * 1000:.1f} ms for 8x ({ratio:.1f}x)"


def test_elements_are_immutable():
    [element] = parse("Action.").elements
    with pytest.raises(dataclasses.FrozenInstanceError):
        element.text = "changed"


# --- scenes and page eighths ---------------------------------------------------------------------

def test_scenes_group_elements_and_list_speakers_and_synopsis():
    text = (
        "FADE IN:\n\n= Opening.\n\nINT. HOUSE - DAY #1#\n\n= Bob meets Ann.\n\nBOB\nHi.\n\n"
        "ANN (V.O.)\nHi.\n\nbob\nnot a cue.\n\nBOB (CONT'D)\nAgain.\n\n= Later synopsis.\n\n"
        "EXT. GARDEN--NIGHT\n\nNobody."
    )
    first, second = scenes(parse(text))
    assert (first.number, first.heading, first.line) == ("1", "INT. HOUSE - DAY", 5)
    assert dataclasses.astuple(first.slugline) == ("INT", "HOUSE", "DAY")
    assert first.characters == ["BOB", "ANN"]
    assert first.synopsis == "Bob meets Ann."
    assert first.elements[0] == Element(kind="synopsis", text="Bob meets Ann.", line=7)
    assert (second.number, second.heading, second.characters, second.synopsis) == (
        None, "EXT. GARDEN--NIGHT", [], "")
    assert [e.text for e in second.elements] == ["Nobody."]
    assert first.page_eighths >= 1 and second.page_eighths == 1


def test_script_without_headings_has_no_scenes():
    assert scenes(parse("Cyber Bob pours asparagus concrete.\n\nBOB\nDone.")) == []


def test_page_eighths_is_at_least_one_and_grows_with_length():
    heading = Element(kind="scene_heading", text="INT. HOUSE - DAY")
    assert page_eighths([]) == 1
    assert page_eighths([heading]) == 1
    previous = 1
    for paragraphs in range(1, 60):
        action = Element(kind="action", text="\n".join(["A line of action."] * paragraphs))
        eighths = page_eighths([heading, action])
        assert eighths >= previous
        previous = eighths
    assert previous > 8


def test_page_eighths_follow_the_standard_layout():
    # 55 printed lines make a page: heading (1) + blank + 53 lines of short action = 55.
    heading = Element(kind="scene_heading", text="INT. HOUSE - DAY")
    action = Element(kind="action", text="\n".join(["Short."] * 53))
    assert page_eighths([heading, action]) == 8
    # Dialogue wraps at 35 characters, action at 61: the same words take more dialogue lines.
    words = " ".join(["word"] * 60)  # 299 characters
    as_action = [heading, Element(kind="action", text=words)]
    as_dialogue = [heading, Element(kind="character", text="BOB"), Element(kind="dialogue", text=words)]
    assert page_eighths(as_dialogue * 4) > page_eighths(as_action * 4)


def test_page_eighths_of_scenes_grow_with_the_scene():
    short = scenes(parse("INT. A - DAY\n\nOne line."))[0].page_eighths
    long_ = scenes(parse("INT. A - DAY\n\n" + "Line of action here.\n\n" * 40))[0].page_eighths
    assert 1 == short < long_


# --- real screenplays ----------------------------------------------------------------------------

# Every scene heading in these files, by line, as read in the files themselves (each is a line
# starting with INT./EXT. after a blank line; none is forced with a leading dot).
PUBLIC_DOMAIN_SCENES = {
    "ASCENT_TO_GURU_PEAK.fountain": [
        (15, "EXT. MOUNT GURU FOOTHILLS--DAY"), (43, "EXT. MOUNT GURU FOREST--DAY"),
        (47, "EXT. MOUNT GURU MEADOW--DAY"), (51, "EXT. MOUNT GURU STREAM--DAY"),
        (135, "EXT. SADDLE OF MOUNT GURU PEAK--NIGHT"), (199, "EXT. PEAK OF MOUNT GURU--NIGHT"),
    ],
    "As_I_Am_a_Cat_I_Eat_Mice.fountain": [
        (17, "EXT. YARGO'S FRONT YARD--DAY"), (31, "INT. FALGE'S HOUSE--DAY"),
    ],
    "Cyber_Bob_ep00001.fountain": [
        (24, "EXT. PARK--DAY"), (130, "EXT. SUBURBAN TRAFFIC INTERSECTION--DAY"),
        (155, "INT. TRAFFIC LIGHT HORIZONTAL BEAM--NIGHT"),
    ],
    "Cyber_Bob_epAsparagusConcrete.fountain": [],
    "Cyber_Bob_epSithSuperInformalLanguage.fountain": [],
    "Cyber_Bob_epWinDebateAgainstLincoln.fountain": [
        (22, "INT. BOB'S KITCHEN--DAY"), (48, "EXT. MARGARET'S HOUSE--DAY"),
        (81, "EXT. GETTYSBURG--DAY"),
    ],
}


@pytest.mark.parametrize("name", sorted(PUBLIC_DOMAIN_SCENES))
def test_public_domain_screenplay_scenes_are_its_heading_lines(name):
    path = PUBLIC_DOMAIN / name
    raw_lines = path.read_text(encoding="utf-8").splitlines()
    found = scenes(parse_bytes(path.read_bytes()))
    assert [(s.line, s.heading) for s in found] == PUBLIC_DOMAIN_SCENES[name]
    for scene in found:
        assert raw_lines[scene.line - 1] == scene.heading
        assert scene.slugline.int_ext in ("INT", "EXT")
        assert "--" not in scene.slugline.location and scene.slugline.time_of_day in ("DAY", "NIGHT")
        assert scene.page_eighths >= 1


def test_public_domain_title_page_and_dialogue():
    screenplay = parse_bytes((PUBLIC_DOMAIN / "As_I_Am_a_Cat_I_Eat_Mice.fountain").read_bytes())
    assert screenplay.title_page[0] == ("Title", '"YARGO & FALB"\n"MAISWITH"')
    assert ("Contact", "earthbound dot io\nslash contact") in screenplay.title_page
    first, second = scenes(screenplay)
    assert first.characters == ["YARGO", "FALGE"] and second.characters == ["FALGE"]
    assert screenplay.elements[0] == Element(kind="transition", text="FADE IN:", line=15)
    assert screenplay.elements[-1] == Element(kind="centered", text="THE END", line=42)

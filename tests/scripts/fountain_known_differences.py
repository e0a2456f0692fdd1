"""Where Slate's parse differs from a Fountain parser test suite, and the spec sentence that decides it.

The judge is the Fountain 1.1 syntax page, https://fountain.io/syntax (issue 17: "every case whose
result the syntax page decides passes"). Each DIFFERENCES entry is one place in one case where
the suite expects otherwise: the suite's rows there, Slate's rows there, and the sentence(s) of
the syntax page that decide it, quoted as written (its section named). Rows carry only the fields
the suite compares (tests/scripts/test_fountain_conformance.py projects them as it projects the
parses). The conformance test fails when a listed case passes, when it differs from its suite
anywhere else or otherwise, when an entry has no sentence, and when a case not listed fails.

EXCLUDED: cases that test another program's API, not a parse; not run, not counted.
APART: cases that test an extension of Fountain 1.1; run and reported, not counted.
CONTRADICTIONS: pairs of cases whose suites expect opposite results for the same kind of input,
so no parser passes both; exactly one of each pair passes, the other is listed here, and the pair
counts once.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    """One element as a suite or Slate gives it (the test keeps only the fields the suite compares),
    or the title page (`kind="title"`, `entries`)."""

    kind: str
    text: str = ""
    scene_number: str | None = None
    extension: str | None = None
    dual: bool = False
    depth: int = 0
    entries: tuple[tuple[str, str], ...] = ()


def title_page(*entries: tuple[str, str]) -> Row:
    """The title page row: `title_page(("Title", "Brick"), ...)`; no entries: no title page."""
    return Row("title", entries=tuple(entries))


@dataclass(frozen=True)
class Difference:
    """One place where a suite expects otherwise than the spec decides, and Slate follows the spec."""

    suite: str
    case: str
    expects: tuple[Row, ...]  # the suite's rows at that place
    slate: tuple[Row, ...]  # Slate's rows there
    section: str  # the section of https://fountain.io/syntax
    spec: tuple[str, ...]  # its sentence(s) that decide the place, as written there
    note: str = ""  # how the sentences decide it, where that needs saying


EXCLUDED: dict[str, dict[str, str]] = {
    "fountain-tools": {
        "SimpleCallbackParser": "tests fountain-tools' streaming callback API over four "
                                "concatenated files (one record per spoken line), not a parse of "
                                "one document",
    },
}

APART: dict[tuple[str, str], str] = {
    ("fountain-tools", "Tags"): "#tags at the end of lines are a fountain-tools extension, not Fountain 1.1; "
                                "Slate keeps them in the text (a real '#1 fan' must stay in the action)",
}

CONTRADICTIONS: list[tuple[tuple[str, str], tuple[str, str], str]] = [
    (("screenplain", "boneyard.html"), ("fountain-tools", "Boneyards"),
     "the spec's boneyard example: CUT TO: before a boneyard of whole paragraphs, then a heading"),
    (("fountain-tools", "Lyrics"), ("jouvence", "test_lyrics#2"),
     "a ~lyric line followed by a plain line: lyric then action, or one action paragraph"),
    (("jouvence", "test_transitions#2"), ("screenplain", "forced-transition.html"),
     "a forced transition's text as written, or upper-cased by the parser"),
]

_CHARACTER = "A Character element is any line entirely in uppercase, with one empty line before it and without an empty line after it."
_EXTENSIONS = ('"Character Extensions"--the parenthetical notations that follow a character name on the same line--may '
               'be in uppercase or lowercase:')
_HEADING = ("A Scene Heading is any line that has a blank line following it, and either begins with INT or EXT or similar "
            "(full list below). A Scene Heading always has at least one blank line preceding it.")
_TRANSITION = ("The requirements for Transition elements are: Uppercase; Preceded by and followed by an empty line; "
               "Ending in TO:")

# An inline note where it stood, as the conformance test shows notes in fountain-tools' rows.
_COFFEE = "[[This section needs work.\nEither that, or I need coffee.\n\nDefinitely coffee.]]"

DIFFERENCES: list[Difference] = [
    Difference(
        "fountain-tools", "Boneyards",
        expects=(Row("action", "CUT TO:"),),
        slate=(Row("transition", "CUT TO:"),),
        section="Transition; Scene Headings",
        spec=(_TRANSITION, "A Scene Heading always has at least one blank line preceding it."),
        note="the suite reads the boneyard as leaving no line, yet makes EXT. PALATIAL MANSION - DAY, right under "
             "it, a heading: with no line left the heading has no blank line before it, with one left CUT TO: "
             "stands between empty lines and is a transition (screenplain's reading, and Slate's)",
    ),
    Difference(
        "fountain-tools", "Character",
        expects=(Row("character", "STEEL"),),
        slate=(Row("character", "STEEL", extension="(CONT'D)"),),
        section="Character",
        spec=(_EXTENSIONS,),
        note="(CONT'D) is such a notation; the suite drops it",
    ),
    Difference(
        "fountain-tools", "Character",
        expects=(Row("character", "STEEL", extension="(V.O.)"),),
        slate=(Row("character", "STEEL", extension="(V.O.) (CONT'D)"),),
        section="Character",
        spec=(_EXTENSIONS,),
        note="both notations are extensions; the suite drops (CONT'D)",
    ),
    Difference(
        "fountain-tools", "Character",
        expects=(Row("character", "STEEL", extension="(V.O.)"),),
        slate=(Row("character", "STEEL", extension="(V.O.) (CONT\u2019D)"),),
        section="Character",
        spec=(_EXTENSIONS,),
        note="the same with a curly apostrophe",
    ),
    Difference(
        "fountain-tools", "Character",
        expects=(Row("action", "3CPO\nNot work."),),
        slate=(Row("character", "3CPO"), Row("dialogue", "Not work.")),
        section="Character",
        spec=(_CHARACTER, 'Character names must include at least one alphabetical character. "R2D2" works, but "23" does not.'),
        note="3CPO is upper case and has letters; nothing asks for a letter first",
    ),
    Difference(
        "fountain-tools", "Formatted",
        expects=(Row("action", "From what seems like only INCHES AWAY. <u>Steel\u2019s face FILLS the *Leupold Mark 4* scope</u>."),),
        slate=(Row("action", "From what seems like only INCHES AWAY. <u>Steel\u2019s face FILLS the </u><i><u>Leupold Mark 4"
                             "</u></i><u> scope</u>."),),
        section="Emphasis",
        spec=("In this way the writer can mix and match and combine bold, italics and underlining, as screenwriters often do.",),
        note="said of the page's own example, this line: the italics go inside the underline",
    ),
    Difference(
        "fountain-tools", "Notes",
        expects=(Row("dialogue", "*Did you know Brick and Steel are retired?*\n\nHis hand is an inch from the receiver when "
                                 "the phone RINGS. Scott pauses for a moment, suspicious for some reason." + _COFFEE +
                                 " He looks around. Phone ringing.\nTesting a note without spaces[[This\ndoesn't have "
                                 "spaces. Shouldn't work.]]\nDefinitely shouldn't. Because of that blank line.]] He looks "
                                 "around. Phone ringing."),),
        slate=(Row("dialogue", "*Did you know Brick and Steel are retired?*"),
               Row("action", "His hand is an inch from the receiver when the phone RINGS. Scott pauses for a moment, "
                             "suspicious for some reason." + _COFFEE + " He looks around. Phone ringing."),
               Row("action", "Testing a note without spaces[[This\ndoesn't have spaces. Shouldn't work."),
               Row("action", "Definitely shouldn't. Because of that blank line.]] He looks around. Phone ringing.")),
        section="Notes; Line Breaks",
        spec=("Notes can contain carriage returns, but if you wish a note to contain an empty line, you must place two "
              "spaces there to \u201cconnect\u201d the element into one.",
              "...You would need to type two spaces on your \"blank\" line so that Fountain knows that Hit or stand "
              "sir? is not an Action element:"),
        note="a truly blank line ends the speech, and a [[ ... ]] with one inside is no note (the case's own text "
             "says 'Shouldn't work')",
    ),
    Difference(
        "fountain-tools", "Sections",
        expects=(title_page(("CUT TO", "")),),
        slate=(title_page(), Row("transition", "CUT TO:")),
        section="Title Page; Transition",
        spec=("Information is encoding in the format key: value.",
              "Values can be inline with the key or they can be indented on a newline below the key (as shown with "
              "Contact above).", _TRANSITION),
        note="a first line 'CUT TO:' has no value on it or under it, so it is no title page entry, and it stands "
             "before an empty line",
    ),
    Difference(
        "fountain-tools", "Sections",
        expects=(Row("scene_heading", "INT. PALACE HALLWAY - NIGHT"),
                 Row("action", "You can nest Sections by adding more # characters.")),
        slate=(Row("action", "INT. PALACE HALLWAY - NIGHT\nYou can nest Sections by adding more # characters."),),
        section="Scene Headings",
        spec=(_HEADING,),
        note="no blank line follows it",
    ),
    Difference(
        "screenplain", "forced-transition.html",
        expects=(Row("transition", "BLACK SCREEN INDICATING A DISCONTINUITY OF TIME."),),
        slate=(Row("transition", "Black screen indicating a discontinuity of time."),),
        section="Transition; Character",
        spec=("Power user: You can force any line to be a transition by beginning it with a greater-than symbol >.",
              "Fountain will remove the @ and interpret McCLANE as Character, preserving its mixed case."),
        note="forcing makes the line a transition and removes the >, nothing more (as a forced character keeps its "
             "case); screenplain upper-cases it",
    ),
    Difference(
        "jouvence", "test_lyrics#2",
        expects=(Row("action", "~This is lyrics\nBut this is not"),),
        slate=(Row("lyrics", "This is lyrics"), Row("action", "But this is not")),
        section="Lyrics",
        spec=("You create a Lyric by starting with a line with a tilde ~.",
              "Lyrics are always forced. There is no \"automatic\" way to get them."),
        note="the ~ line is a lyric, the line after it is not",
    ),
]

"""The shapes a parsed Fountain screenplay comes in (no Django, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .emphasis import Span, spans

# Element kinds, in the words of the Fountain 1.1 spec (https://fountain.io/syntax).
SCENE_HEADING = "scene_heading"
ACTION = "action"
CHARACTER = "character"
DIALOGUE = "dialogue"
PARENTHETICAL = "parenthetical"
TRANSITION = "transition"
CENTERED = "centered"
LYRICS = "lyrics"
PAGE_BREAK = "page_break"
SECTION = "section"
SYNOPSIS = "synopsis"
NOTE = "note"

KINDS = (
    SCENE_HEADING, ACTION, CHARACTER, DIALOGUE, PARENTHETICAL, TRANSITION,
    CENTERED, LYRICS, PAGE_BREAK, SECTION, SYNOPSIS, NOTE,
)


class FountainError(ValueError):
    """The input cannot be read as a Fountain screenplay (e.g. it is not UTF-8 text)."""


class TooManyElements(FountainError):
    """The screenplay has more elements (inline notes counted) than the caller allows (`parse(..., max_elements=n)`)."""

    def __init__(self, max_elements: int):
        super().__init__(f"more than {max_elements:,} elements")
        self.max_elements = max_elements


@dataclass(frozen=True, slots=True)
class Note:
    """A writer's inline note (`[[...]]`, Fountain 1.1 "Notes") kept with the element it stood in.

    `offset` is where the note stood in the element's `text`, in characters from its start
    (0..len(text); a note on a line's forcing character or on a cue's extension is counted at
    the nearest end of the text kept). `text` is the note's own text: lines joined with "\\n",
    each line's trailing spaces dropped (a line that was two spaces, the spec's way of keeping an
    empty line inside a note, is "").
    """

    offset: int
    text: str


@dataclass(frozen=True, slots=True)
class Element:
    """One block of a screenplay: a scene heading, an action paragraph, a speech...

    `text` keeps the writer's markup (`*`, `**`, `_`) and drops only the forcing characters
    (`!`, `@`, `.`, `>`, `<`, `~`, `=`, `#`), boneyards and inline notes (those are in
    `notes`); trailing spaces go.
    - action: one paragraph (blank lines split paragraphs), lines joined with "\\n",
      indentation kept.
    - character: the bare name; `extension` holds "(V.O.) (CONT'D)" as written; `dual` marks
      the right-hand side (`^`), and is also set on that side's dialogue and parentheticals.
    - dialogue: consecutive spoken lines joined with "\\n" ("" for a two-space line);
      parenthetical: "(beat)" with its brackets.
    - scene_heading: without the leading "." and the "#12A#" (that is `scene_number`).
    - centered, lyrics: one element per marked line. section: `depth` is the number of "#".
    - note: a line holding only [[notes]], one element per note (its text as in `Note.text`);
      page_break: empty text.
    `notes` holds the inline notes that stood inside the element's lines, in order (a note on a
    line of its own is a note element instead). A boneyard (/* */) is never an element. `spans`
    reads the emphasis markup of `text`.
    """

    kind: str
    text: str
    scene_number: str | None = None
    extension: str | None = None
    dual: bool = False
    depth: int = 0
    line: int = 0
    notes: tuple[Note, ...] = ()

    @property
    def spans(self) -> list[Span]:
        """`text` as styled runs (bold, italic, underline), markers removed; see emphasis.spans."""
        return spans(self.text)


@dataclass
class Screenplay:
    """A parsed Fountain document: its title page entries, then its body as a flat element list."""

    title_page: list[tuple[str, str]] = field(default_factory=list)
    elements: list[Element] = field(default_factory=list)


@dataclass
class SceneHeading:
    """The parts of one slugline: interior/exterior, location and time of day."""

    int_ext: str
    location: str
    time_of_day: str


@dataclass
class ParsedScene:
    """One scene: its heading, what follows it up to the next heading, and its length in eighths."""

    number: str | None
    heading: str
    slugline: SceneHeading
    elements: list[Element]
    page_eighths: int
    characters: list[str]
    synopsis: str
    line: int

"""Lay a screenplay out on pages in the standard screenplay format (no PDF library here).

The format (as taught by the trade and used by Final Draft, Fade In and screenplain): US Letter, 12-pt Courier,
so 10 characters to the inch and 6 lines to the inch; 55 lines of text per page (the page the industry's "one
page, one minute" and eighths are counted on). Columns, in inches from the left edge of the page:

- scene headings, action, transitions (right-aligned), centered text: 1.5 to 7.5 (60 chars);
- character cues at 3.7; parentheticals at 3.1, 2.5 in wide (25 chars); dialogue and lyrics in dialogue at 2.5,
  3.5 in wide (35 chars);
- dual dialogue: two columns 2.9 in wide (29 chars) at 1.5 and 4.6, cue 1.0 in in, parenthetical 0.4 in in;
- scene numbers at both ends of the heading line: ending at 1.3 and starting at 7.6.

Elements are separated by one blank line, except inside a dialogue block. A page break (`===`) starts a new page.
A scene heading is kept with the first two lines of what follows; a character cue is never left alone at the
bottom of a page: a speech that does not fit is split between lines, the page ending in "(MORE)" at the cue's
indent and the next beginning with "NAME (CONT'D)". Action splits between lines when at least two lines stay on
each side. Sections, synopses and notes are not printed. Emphasis comes through as span styles.

With `notes=True` the writer's notes are printed too, in italics between "[[" and "]]": a note on a line of its
own as a block of its own at the action indent (inside a speech, in the speech's column), the inline notes of
an element on the lines right under it, at its indent.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from . import model as m
from .emphasis import Span, spans
from .model import Element, Screenplay

LINES_PER_PAGE = 55
CHARS_PER_INCH = 10

ACTION_X, ACTION_CHARS = 1.5, 60
CUE_X = 3.7
PAREN_X, PAREN_CHARS = 3.1, 25
DIALOGUE_X, DIALOGUE_CHARS = 2.5, 35
RIGHT_EDGE = 7.5
DUAL_X, DUAL_CHARS, DUAL_CUE_IN, DUAL_PAREN_IN = (1.5, 4.6), 29, 1.0, 0.4
SCENE_NUMBER_LEFT_END, SCENE_NUMBER_RIGHT_X = 1.3, 7.6

# Characters the PDF's built-in Courier (Latin-1) lacks, written the typewriter way.
_ASCII = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2013": "-", "\u2014": "--", "\u2015": "--", "\u2212": "-", "\u2010": "-", "\u2011": "-",
    "\u2026": "...", "\u2022": "*", "\u00a0": " ", "\u2009": " ", "\u200b": "", "\ufeff": "",
}


@dataclass(frozen=True, slots=True)
class Piece:
    """Text on one line: `x` in inches from the page's left edge, `align` "L" (text starts at x),
    "R" (ends at x) or "C" (centred on x)."""

    x: float
    runs: tuple[Span, ...]
    align: str = "L"

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass
class Page:
    """One printed body page: `lines[i]` is the pieces on line i (an empty list is a blank line)."""

    lines: list[list[Piece]] = field(default_factory=list)


# Characters outside Latin-1 (the rest of the text passes through unchanged, at C speed).
_NOT_LATIN1 = re.compile(r"[^\x00-\xff]")
_SPACES = re.compile(r" *")


class PageLimitExceeded(ValueError):
    """The screenplay prints more pages than the caller allows (see `layout(max_pages=...)`)."""

    def __init__(self, max_pages: int):
        super().__init__(f"The screenplay prints more than {max_pages:,} pages.")
        self.max_pages = max_pages


def latin1(text: str) -> str:
    """`text` with every character outside Latin-1 replaced: smart quotes by straight ones,
    dashes by "-" or "--", "…" by "...", accented letters by their base letter, others by "?"."""
    return _NOT_LATIN1.sub(_latin1_char, text)


def _latin1_char(match: re.Match) -> str:
    char = match.group()
    if char in _ASCII:
        return _ASCII[char]
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c) and ord(c) < 256)
    return base or "?"


def layout(screenplay: Screenplay, *, max_pages: int | None = None,
           on_page: Callable[[int], None] | None = None, notes: bool = False) -> list[Page]:
    """The body of the screenplay on pages (title page not included). At least one page.

    Linear in the length of the text. Raises `PageLimitExceeded` as soon as a page past
    `max_pages` would start (None: no limit). `on_page(pages so far)` is called at each new page
    (progress; it may raise to stop the layout). `notes`: print the writer's notes (see the
    module docstring); off, they take no room.
    """
    return _Layout(max_pages, on_page).run(list(_blocks(screenplay.elements, notes)))


def layout_lines(screenplay: Screenplay) -> int:
    """Lines of text the body prints, blank separator lines included, at 55 to the page.

    Lines left empty at the foot of a page (page breaks, kept-together blocks) are not counted,
    so the page count is about ceil(layout_lines / 55).
    """
    return sum(len(page.lines) for page in layout(screenplay))


def wrap(runs: list[Span], width: int) -> list[tuple[Span, ...]]:
    """Word-wrap styled text to lines of at most `width` characters.

    Each "\\n" starts a new line; leading spaces of a source line are kept (action indentation),
    the spaces at a wrap are dropped, a word longer than the line is cut. Linear in the text's
    length (each line is cut out of the text once; styles are looked up by run, not by character).
    """
    texts = [latin1(run.text) for run in runs]
    text = "".join(texts)
    bounds: list[int] = []  # where each run ends in `text`
    end = 0
    for piece in texts:
        end += len(piece)
        bounds.append(end)
    lines, offset, run_index = [], 0, 0
    for source in text.split("\n"):
        for start, stop in _breaks(source, width):
            line, run_index = _slice(text, runs, bounds, offset + start, offset + stop, run_index)
            lines.append(line)
        offset += len(source) + 1
    return lines


def _breaks(line: str, width: int) -> list[tuple[int, int]]:
    """Where `line` breaks: (start, end) of each printed line, trailing spaces excluded."""
    if not line.strip():
        return [(0, 0)]
    result, start, n = [], 0, len(line)
    first_word = len(line) - len(line.lstrip(" "))
    while start < n:
        if n - start <= width:
            result.append((start, n))
            break
        cut = line.rfind(" ", max(start, first_word), start + width + 1)
        end = cut if cut > start else start + width
        # rstrip only this line's own piece (at most width + 1 characters), never the text before it.
        result.append((start, start + len(line[start:end].rstrip(" ")) if cut > start else end))
        start = _SPACES.match(line, end).end()
    return result


def _slice(text: str, runs: list[Span], bounds: list[int], start: int, end: int,
           run_index: int) -> tuple[tuple[Span, ...], int]:
    """The styled runs of text[start:end], neighbours of the same style merged, and the index of
    the run holding `end` (slices come in order, so the search for runs only moves forward)."""
    while run_index < len(bounds) and bounds[run_index] <= start:
        run_index += 1
    pieces: list[Span] = []
    index, position = run_index, start
    while position < end:
        while bounds[index] <= position:
            index += 1
        style = runs[index]
        stop = min(end, bounds[index])
        if pieces and (pieces[-1].bold, pieces[-1].italic, pieces[-1].underline) == (style.bold, style.italic, style.underline):
            last = pieces.pop()
            pieces.append(Span(last.text + text[position:stop], style.bold, style.italic, style.underline))
        else:
            pieces.append(Span(text[position:stop], style.bold, style.italic, style.underline))
        position = stop
    return tuple(pieces), run_index


@dataclass
class _Block:
    """Lines that print together. `kind` decides how the block may split across pages."""

    kind: str
    lines: list[list[Piece]]
    cue: str = ""  # for speech: "NAME" to repeat as "NAME (CONT'D)" after a split
    cue_x: float = CUE_X
    keep_next: bool = False  # a scene heading: keep with the next block's first lines


class _Layout:
    def __init__(self, max_pages: int | None = None, on_page: Callable[[int], None] | None = None) -> None:
        self.pages: list[Page] = [Page()]
        self.max_pages = max_pages
        self.on_page = on_page

    @property
    def page(self) -> Page:
        return self.pages[-1]

    def run(self, blocks: list[_Block]) -> list[Page]:
        for index, block in enumerate(blocks):
            if block.kind == m.PAGE_BREAK:
                if self.page.lines:
                    self._next_page()
                continue
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            self._place(block, following)
        return self.pages

    def _next_page(self) -> None:
        if self.max_pages is not None and len(self.pages) >= self.max_pages:
            raise PageLimitExceeded(self.max_pages)
        self.pages.append(Page())
        if self.on_page is not None:
            self.on_page(len(self.pages))

    def _room(self) -> int:
        """Lines still free on the page, after the blank line that separates blocks."""
        return LINES_PER_PAGE - len(self.page.lines) - (1 if self.page.lines else 0)

    def _put(self, lines: list[list[Piece]]) -> None:
        if self.page.lines:
            self.page.lines.append([])
        self.page.lines.extend(lines)

    def _new_page(self) -> None:
        if self.page.lines:
            self._next_page()

    def _place(self, block: _Block, following: _Block | None) -> None:
        need = len(block.lines)
        if block.keep_next and following is not None and following.kind != m.PAGE_BREAK:
            need += 1 + min(2, len(following.lines))
        if need <= self._room():
            self._put(block.lines)
        elif block.kind in (m.ACTION, m.CHARACTER) and self._split(block):
            pass
        else:
            self._new_page()
            self._split(block)

    def _split(self, block: _Block) -> bool:
        """Put the block, carrying lines over to new pages as needed.

        Returns False, having placed nothing, when no acceptable first part fits on the
        current (non-empty) page. The block's lines are taken from a moving index, never by
        copying what is left, so a block of many pages costs its length once.
        """
        speech = block.kind == m.CHARACTER
        lines, first, taken = block.lines, True, 0
        carried: list[list[Piece]] = []  # the "NAME (CONT'D)" line heading the rest of a split speech
        while len(carried) + len(lines) - taken > self._room():
            room = self._room()
            left = len(carried) + len(lines) - taken
            # A speech keeps its cue and one line at least, and ends the page with "(MORE)";
            # action leaves two lines at least on each side of the break.
            keep = room - 1 if speech else min(room, left - 2)
            if keep < 2:
                if first and self.page.lines:
                    return False
                if self.page.lines:
                    self._new_page()
                    continue
                keep = room - 1 if speech else room  # longer than a page: cut it anyway
            part = carried[:keep] + lines[taken:taken + keep - len(carried[:keep])]
            taken += keep - len(carried[:keep])
            carried = []
            if speech:
                part = part + [[Piece(block.cue_x, (Span("(MORE)"),))]]
                carried = [[Piece(block.cue_x, (Span(f"{block.cue} (CONT'D)"),))]]
            self._put(part)
            self._next_page()
            first = False
        self._put(carried + lines[taken:])
        return True


def _blocks(elements: list[Element], notes: bool = False):
    """The printed blocks, in order: one per element, a whole speech per dialogue block (with
    `notes`, a note element is a block too, and inline notes print under their element)."""
    index = 0
    while index < len(elements):
        element = elements[index]
        kind = element.kind
        if kind == m.CHARACTER:
            speech, index = _speech(elements, index)
            right = None
            if index < len(elements) and elements[index].kind == m.CHARACTER and elements[index].dual:
                right, index = _speech(elements, index)
            yield _dual(speech, right, notes) if right else _single(speech, notes)
            continue
        index += 1
        if kind == m.NOTE and notes:
            yield _Block("other", _note_lines(element.text, ACTION_X, ACTION_CHARS))
            continue
        if kind in (m.SECTION, m.SYNOPSIS, m.NOTE):
            continue
        if kind == m.PAGE_BREAK:
            yield _Block(m.PAGE_BREAK, [])
        elif kind == m.SCENE_HEADING:
            block = _heading(element)
            block.lines += _inline_notes(element, ACTION_X, ACTION_CHARS, notes)
            yield block
        else:
            lines = _other(element) + _inline_notes(element, ACTION_X, ACTION_CHARS, notes)
            yield _Block(kind if kind == m.ACTION else "other", lines)


def _note_lines(text: str, x: float, width: int) -> list[list[Piece]]:
    """A note printed: "[[text]]" in italics, wrapped to `width` at `x`."""
    return [[Piece(x, line)] for line in wrap([Span(f"[[{text}]]", italic=True)], width)]


def _inline_notes(element: Element, x: float, width: int, notes: bool) -> list[list[Piece]]:
    """The element's inline notes, one after the other, when notes are printed."""
    if not notes:
        return []
    return [line for note in element.notes for line in _note_lines(note.text, x, width)]


def _speech(elements: list[Element], index: int) -> tuple[list[Element], int]:
    """A cue and the parentheticals, speech, lyrics (and notes) under it."""
    speech = [elements[index]]
    index += 1
    while index < len(elements) and elements[index].kind in (
            m.DIALOGUE, m.PARENTHETICAL, m.LYRICS, m.NOTE):
        speech.append(elements[index])
        index += 1
    return speech, index


def _cue_text(cue: Element) -> str:
    return " ".join(part for part in (cue.text.upper(), cue.extension) if part)


def _speech_lines(speech: list[Element], x: float, width: int, cue_in: float,
                  paren_in: float, notes: bool = False) -> list[list[Piece]]:
    lines = [[Piece(x + cue_in, (Span(latin1(_cue_text(speech[0]))),))]]
    lines += _inline_notes(speech[0], x, width, notes)
    for element in speech[1:]:
        if element.kind == m.NOTE:
            if notes:
                lines += _note_lines(element.text, x, width)
            continue
        if element.kind == m.PARENTHETICAL:
            paren_width = width - int(paren_in * CHARS_PER_INCH) - 5
            for line in wrap(element.spans, paren_width):
                lines.append([Piece(x + paren_in, line)])
            lines += _inline_notes(element, x + paren_in, paren_width, notes)
            continue
        runs = element.spans
        if element.kind == m.LYRICS:
            runs = [Span(s.text, s.bold, True, s.underline) for s in runs]
        lines.extend([Piece(x, line)] for line in wrap(runs, width))
        lines += _inline_notes(element, x, width, notes)
    return lines


def _single(speech: list[Element], notes: bool = False) -> _Block:
    lines = _speech_lines(speech, DIALOGUE_X, DIALOGUE_CHARS, CUE_X - DIALOGUE_X, PAREN_X - DIALOGUE_X, notes)
    return _Block(m.CHARACTER, lines, cue=latin1(speech[0].text.upper()))


def _dual(left: list[Element], right: list[Element], notes: bool = False) -> _Block:
    """Two speeches side by side; kept whole on one page."""
    columns = [_speech_lines(side, x, DUAL_CHARS, DUAL_CUE_IN, DUAL_PAREN_IN, notes)
               for side, x in zip((left, right), DUAL_X)]
    height = max(len(c) for c in columns)
    lines = [[piece for c in columns if i < len(c) for piece in c[i]] for i in range(height)]
    return _Block("dual", lines)


def _heading(element: Element) -> _Block:
    lines = [[Piece(ACTION_X, line)] for line in wrap(element.spans, ACTION_CHARS)]
    if element.scene_number:
        number = (Span(latin1(element.scene_number)),)
        lines[0] = [Piece(SCENE_NUMBER_LEFT_END, number, "R"), *lines[0],
                    Piece(SCENE_NUMBER_RIGHT_X, number)]
    return _Block(m.SCENE_HEADING, lines, keep_next=True)


def _other(element: Element) -> list[list[Piece]]:
    kind, runs = element.kind, element.spans
    if kind == m.TRANSITION:
        return [[Piece(RIGHT_EDGE, line, "R")] for line in wrap(runs, ACTION_CHARS)]
    if kind == m.CENTERED:
        centre = (ACTION_X + RIGHT_EDGE) / 2
        return [[Piece(centre, line, "C")] for line in wrap(runs, ACTION_CHARS)]
    if kind == m.LYRICS:
        runs = [Span(s.text, s.bold, True, s.underline) for s in runs]
    return [[Piece(ACTION_X, line)] for line in wrap(runs, ACTION_CHARS)]

"""Fountain 1.1 screenplay parser: text in, a title page and a flat list of elements out.

The rules are those of the spec at https://fountain.io/syntax; where the spec is silent, the
choice made is written next to the code (and checked against three other parsers' test suites in
tests/scripts/test_fountain_conformance.py).
"""

from __future__ import annotations

import re

from . import model as m
from .model import Element, Screenplay, TooManyElements
from .source import SourceLine, decode, normalise, source_lines, split_title_page

# "INT", "EXT", "EST", "INT./EXT", "INT/EXT", "I/E", any case, then a dot or a space.
_HEADING_PREFIX = re.compile(r"(?:int\.?/ext|i/e|int|ext|est)[. ]", re.IGNORECASE)
# "#12A#" at the end of a heading: letters, digits, dashes and dots (Fountain 1.1).
_SCENE_NUMBER = re.compile(r"#((?:[^\W_]|[.\-])+)#$")
_PAGE_BREAK = re.compile(r"={3,}")
# The Unicode title-case letters (category Lt, Unicode 14): dropped before str.isupper() in _is_upper.
_NO_TITLECASE = dict.fromkeys([0x1C5, 0x1C8, 0x1CB, 0x1F2, *range(0x1F88, 0x1F90), *range(0x1F98, 0x1FA0),
                               *range(0x1FA8, 0x1FB0), 0x1FBC, 0x1FCC, 0x1FFC])
# One "(...)" extension and the whitespace after it; a cue's extensions are a run of these.
_EXTENSION = re.compile(r"\([^()]*\)\s*")


def parse_bytes(data: bytes) -> Screenplay:
    """Parse a Fountain file's bytes (UTF-8, BOM allowed).

    Raises FountainError("not UTF-8 text") for bytes that do not decode or contain NUL.
    """
    return parse(decode(data))


def parse(text: str, *, max_elements: int | None = None, lenient_headings: bool = False) -> Screenplay:
    """Parse Fountain 1.1 text (https://fountain.io/syntax) into a Screenplay.

    Accepts any line endings (LF, CRLF, CR, mixed) and a leading BOM; tabs count as four
    spaces. The elements come out in reading order with their 1-based source line; see
    `Element` for what each kind's text holds. Never raises on odd text: what is not
    anything else is action. Linear in the length of the text. With `max_elements`, raises
    `TooManyElements` as soon as one element or inline note more would be kept (each costs
    memory: a hostile file of 5 MiB could hold a million notes).

    `lenient_headings` reads a prefixed (or forced) line after a blank line as a scene heading
    even when text follows it directly, as Slate did before it kept to the spec's blank line
    after a heading: only for re-reading versions stored then (apps.scripts.services.versions).
    """
    lines = source_lines(normalise(text))
    title_page, start = split_title_page(lines)
    body = _Body(lines[start:], max_elements, lenient_headings=lenient_headings)
    return Screenplay(title_page=title_page, elements=body.parse())


def split_character(cue: str) -> tuple[str, str | None, bool] | None:
    """Split a character cue "NAME (V.O.) (CONT'D) ^" into (name, extensions, dual).

    Returns None when the cue is not a name followed only by parenthesised extensions and an
    optional "^", or when the name holds a "^". Linear in the cue's length: the name is what
    comes before the first bracket, and the rest must be "(...)" groups, each followed by
    whitespace only (a regex with a lazy name and `\\s*` here once took quadratic time on a
    long run of spaces).
    """
    cue = cue.strip()
    dual = cue.endswith("^")
    if dual:
        cue = cue[:-1].rstrip()
    bracket = min((i for i in (cue.find("("), cue.find(")")) if i >= 0), default=len(cue))
    name, extensions, position = cue[:bracket].strip(), [], bracket
    while position < len(cue):
        match = _EXTENSION.match(cue, position)  # "[^()]*" stops at the next bracket: linear overall
        if match is None:
            return None
        extensions.append(match.group().rstrip())
        position = match.end()
    if not name or "^" in name:
        return None
    return name, " ".join(extensions) or None, dual


def _is_upper(text: str) -> bool:
    """Has a cased letter and no lower-case one ("JIM😆" and "R2D2" yes, "Han" and "23" no).

    That is str.isupper() once the title-case letters (ǅ, which it refuses and which count as
    neither here) are dropped: C speed, however long the line.
    """
    return text.translate(_NO_TITLECASE).isupper()


class _Body:
    """The line-by-line pass over the screenplay body (everything after the title page)."""

    def __init__(self, lines: list[SourceLine], max_elements: int | None = None,
                 *, lenient_headings: bool = False) -> None:
        self.lines = lines
        self.max_elements = max_elements
        self.lenient_headings = lenient_headings
        self.elements: list[Element] = []
        # The block being built: the consecutive lines of one action paragraph or of one
        # stretch of speech become one element, joined with "\n"; `open_length` is the length
        # of its text so far and `open_notes` the inline notes of its lines.
        self.open_kind: str | None = None
        self.open_lines: list[str] = []
        self.open_line = 0
        self.open_length = 0
        self.open_notes: list[m.Note] = []
        self.notes_kept = 0  # inline notes kept so far (they count towards `max_elements`)
        self.in_dialogue = False
        self.dual = False

    def parse(self) -> list[Element]:
        """Walk the body's lines once and return its elements in script order."""
        previous_blank = True  # the start of the body counts as after a blank line
        for index, line in enumerate(self.lines):
            if line.is_blank:
                if self.in_dialogue and line.is_two_space and self._next_is_text(index):
                    self._add_line(m.DIALOGUE, "", line)
                    continue
                self._close()
                self.in_dialogue = self.dual = False
                previous_blank = True
                continue
            if line.is_note_only:
                self._close()
                for note in line.notes:
                    self._emit(m.NOTE, note, line.number)
                continue
            if self.in_dialogue:
                self._dialogue_line(line)
            else:
                previous_blank = self._line(index, line, previous_blank)
                continue
            previous_blank = False
        self._close()
        return self.elements

    def _next_is_text(self, index: int) -> bool:
        """The line after `index` is not blank (a note on a line of its own is not blank)."""
        return index + 1 < len(self.lines) and not self.lines[index + 1].is_blank

    def _dialogue_line(self, line: SourceLine) -> None:
        """A line inside a dialogue block: parenthetical, lyrics or a line of speech."""
        text = line.plain.strip()
        # Fountain 1.1: "Parentheticals follow a Character or Dialogue element", so a second
        # (...) line straight after a parenthetical is spoken (as fountain-tools reads it).
        after_parenthetical = self.open_kind is None and self.elements[-1].kind == m.PARENTHETICAL
        if text.startswith("(") and text.endswith(")") and not after_parenthetical:
            self._close()
            self._emit(m.PARENTHETICAL, text, line.number, source=line, dual=self.dual)
        elif text.startswith("~"):
            self._close()
            self._emit(m.LYRICS, text[1:].strip(), line.number, source=line, skip=1, dual=self.dual)
        else:
            self._add_line(m.DIALOGUE, text, line)

    def _line(self, index: int, line: SourceLine, previous_blank: bool) -> bool:
        """Classify one line outside dialogue; return whether the next line counts as after a blank."""
        text = line.plain.strip()
        number = line.number
        next_blank = not self._next_is_text(index)
        if _PAGE_BREAK.fullmatch(text):
            self._close()
            self._emit(m.PAGE_BREAK, "", number, source=line)
            return True
        if text.startswith("#"):
            depth = len(text) - len(text.lstrip("#"))
            self._close()
            self._emit(m.SECTION, text[depth:].strip(), number, source=line, skip=depth, depth=depth)
            return True
        if text.startswith("="):
            self._close()
            self._emit(m.SYNOPSIS, text[1:].strip(), number, source=line, skip=1)
            return True
        if text.startswith("!"):
            self._add_line(m.ACTION, text[1:], line, skip=1)
            return False
        # Centered text and lyrics are marked line by line, so each line is its own element.
        if text.startswith(">") and text.endswith("<") and len(text) >= 2:
            self._close()
            self._emit(m.CENTERED, text[1:-1].strip(), number, source=line, skip=1)
            return False
        if text.startswith(">"):
            self._close()
            self._emit(m.TRANSITION, text[1:].strip(), number, source=line, skip=1)
            return False
        if text.startswith("~"):
            self._close()
            self._emit(m.LYRICS, text[1:].strip(), number, source=line, skip=1)
            return False
        # Fountain 1.1: "A Scene Heading is any line that has a blank line following it, and
        # either begins with INT or EXT or similar [...] A Scene Heading always has at least one
        # blank line preceding it." A single leading "." forces the prefix, not the blank lines.
        # A prefixed or forced line without them is action: it never becomes a cue.
        forced_heading = text.startswith(".") and text[1:2].isalnum()
        heading_like = previous_blank and (forced_heading or _HEADING_PREFIX.match(text) is not None)
        if heading_like and (next_blank or self.lenient_headings):
            self._heading(text[1:] if forced_heading else text, line, skip=1 if forced_heading else 0)
            return False
        if previous_blank and text.startswith("@") and self._character(text[1:], line, forced=True):
            return False
        if (previous_blank and next_blank and text.endswith("TO:") and _is_upper(text)
                and not line.trailing_space):
            self._close()
            self._emit(m.TRANSITION, text, number, source=line)
            return False
        if not heading_like and previous_blank and not next_blank and self._character(text, line, forced=False):
            return False
        # Action keeps its indentation (Fountain 1.1: "tabs and spaces are retained in Action").
        self._add_line(m.ACTION, line.plain.rstrip(), line, lead=False)
        return False

    def _heading(self, text: str, line: SourceLine, *, skip: int) -> None:
        self._close()
        scene_number = None
        text = text.rstrip()
        match = _SCENE_NUMBER.search(text)
        if match:
            scene_number = match.group(1)
            text = text[:match.start()]
        self._emit(m.SCENE_HEADING, text.strip(), line.number, source=line, skip=skip, scene_number=scene_number)

    def _character(self, cue: str, line: SourceLine, *, forced: bool) -> bool:
        parts = split_character(cue)
        if parts is None or not (forced or _is_upper(parts[0])):
            return False
        name, extension, dual = parts
        self._close()
        self._emit(m.CHARACTER, name, line.number, source=line, skip=1 if forced else 0,
                   extension=extension, dual=dual)
        self.in_dialogue, self.dual = True, dual
        return True

    def _add_line(self, kind: str, text: str, line: SourceLine, *, skip: int = 0, lead: bool = True) -> None:
        """Add a line to the open block of this kind, closing a block of another kind first.

        `text` is what the line gives the block; `skip` and `lead` say where it starts in the
        line (see `_notes`), so the line's inline notes are placed in the block's text.
        """
        if self.open_kind != kind:
            self._close()
            self.open_kind, self.open_lines, self.open_line = kind, [], line.number
            self.open_length, self.open_notes = -1, []
        base = self.open_length + 1  # after the "\n" that joins this line to the block
        if line.notes:
            self.open_notes += self._notes(line, text, skip, lead, base)
        self.open_lines.append(text)
        self.open_length = base + len(text)

    def _close(self) -> None:
        if self.open_kind is not None:
            dual = self.dual and self.open_kind == m.DIALOGUE
            self._append(self.open_kind, "\n".join(self.open_lines), self.open_line,
                                 tuple(self.open_notes), dual=dual)
        self.open_kind, self.open_lines, self.open_notes = None, [], []

    def _emit(self, kind: str, text: str, number: int, *, source: SourceLine | None = None,
              skip: int = 0, **fields) -> None:
        """Add one element; `source` (with `skip`, see `_notes`) is the line whose inline notes it keeps."""
        notes = ()
        if source is not None and source.notes:
            notes = tuple(self._notes(source, text, skip, True, 0))
        self._append(kind, text, number, notes, **fields)

    def _append(self, kind: str, text: str, number: int, notes: tuple[m.Note, ...], **fields) -> None:
        """Append an element, raising TooManyElements past `max_elements` (elements and inline notes)."""
        if self.max_elements is not None and len(self.elements) + self.notes_kept >= self.max_elements:
            raise TooManyElements(self.max_elements)
        self.elements.append(Element(kind=kind, text=text, line=number, notes=notes, **fields))

    def _notes(self, line: SourceLine, kept: str, skip: int, lead: bool, base: int) -> list[m.Note]:
        """The line's inline notes, placed at `base` + their offset in `kept`; raises TooManyElements
        past `max_elements`.

        `kept` is the part of the line's plain text an element keeps; it starts at the first
        non-space character after the line's leading spaces (`lead`; with `lead` False, at the
        line's start, as action keeps its indentation) and `skip` forcing characters. A note outside
        `kept` (on a forcing character, a scene number, a cue's extension) counts at its nearer end.
        """
        self.notes_kept += len(line.notes)
        if self.max_elements is not None and len(self.elements) + self.notes_kept > self.max_elements:
            raise TooManyElements(self.max_elements)
        plain = line.plain
        start = len(plain) - len(plain.lstrip()) if lead else 0
        found = plain.find(kept, start + skip) if kept else -1
        start = found if found >= 0 else start + skip
        end = len(kept)
        return [m.Note(base + min(max(position - start, 0), end), note) for position, note in line.note_positions()]

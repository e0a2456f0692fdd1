"""Turn raw Fountain text into numbered source lines, with boneyards gone and notes set aside.

This is the first pass of the parser: everything here works on characters, not on elements.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import FountainError

# Stands in the line text where an inline note was; never occurs in real screenplays (U+FFFC).
NOTE_MARK = "\ufffc"

# `/* ... */` may span lines and blank lines. `[[ ... ]]` may span lines, but a truly blank line
# (fewer than two spaces) ends it: "a blank line inside a note needs two spaces" (Fountain 1.1).
_OPENER = re.compile(r"/\*|\[\[")
_NOTE_OPENER, _BONEYARD_OPENER, _NO_OPENER = re.compile(r"\[\["), re.compile(r"/\*"), re.compile(r"(?!)")
_NOTE = re.compile(r"\[\[((?:(?!\]\]|\[\[).)*?)\]\]", re.DOTALL)
_BLANK_LINE_IN_NOTE = re.compile(r"\n[ ]?\n")
_BLANK_LINE_IN_BONEYARD = re.compile(r"\n[ ]*\n")

# Title page keys: "Title:", "Draft date:", "Contact:" ... (letters first, no dots or colons).
_TITLE_KEY = re.compile(r"([^\W\d_][\w '\-]*):[ ]*(.*)")


@dataclass(slots=True)
class SourceLine:
    """One line of the screenplay after boneyards are cut and notes replaced by NOTE_MARK."""

    number: int  # 1-based line in the original text where this line starts
    text: str
    notes: list[str] = field(default_factory=list)
    # The line ended in spaces before they were trimmed: "CUT TO:  " is then no transition
    # (Fountain 1.1: "add one or more spaces after the colon" to make such a line action).
    trailing_space: bool = False

    @property
    def plain(self) -> str:
        """The line without its note marks."""
        return self.text.replace(NOTE_MARK, "")

    @property
    def is_blank(self) -> bool:
        """Only whitespace and no note."""
        return not self.notes and not self.text.strip()

    @property
    def is_two_space(self) -> bool:
        """A whitespace-only line of two or more spaces: a blank line kept inside dialogue."""
        return self.is_blank and len(self.text) >= 2

    @property
    def is_note_only(self) -> bool:
        """A line holding nothing but notes (a standalone note)."""
        return bool(self.notes) and not self.plain.strip()

    def note_positions(self) -> list[tuple[int, str]]:
        """Each inline note with where it stood in `plain`: `[(index, note text), ...]`, in order."""
        positions, mark, found = [], -1, 0
        for note in self.notes:
            mark = self.text.find(NOTE_MARK, mark + 1)
            positions.append((mark - found, note))
            found += 1
        return positions


def decode(data: bytes) -> str:
    """Decode UTF-8 bytes (with or without a BOM); raise FountainError on anything else.

    NUL bytes are refused too: valid UTF-8, but the mark of a binary file, not of a screenplay.
    """
    if b"\x00" in data:
        raise FountainError("not UTF-8 text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FountainError("not UTF-8 text") from exc


def normalise(text: str) -> str:
    """Drop a BOM, turn CRLF/CR into LF and tabs into four spaces (Fountain 1.1, "Indenting")."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")


def source_lines(text: str) -> list[SourceLine]:
    """Split normalised text into lines, removing boneyards and replacing notes by NOTE_MARK.

    A boneyard inside a line is cut out and the text on either side of it joins into one line.
    A boneyard on lines of its own stands for what it hides: when it holds a blank line (whole
    paragraphs commented out) it leaves one empty line behind, so the paragraphs around it stay
    apart; otherwise (lines commented out of a paragraph) its lines vanish and the paragraph
    closes up. The spec says only that a boneyard is ignored; this reading agrees with both
    screenplain and Jouvence. A note becomes one NOTE_MARK in the line where it starts, its text
    kept in `notes`. Line numbers stay those of the original text.

    Linear in the length of `text`: each character is looked at a bounded number of times
    (a line's text is collected in parts and joined once; the start of the line an opener stands
    on is tracked as the scan moves forward, never searched for backwards from the opener).
    """
    lines: list[SourceLine] = []
    current = SourceLine(number=1, text="")
    parts: list[str] = []  # the current line's text so far, in non-empty pieces
    line_no = 1

    def end_line(next_number: int) -> None:
        nonlocal current, parts
        current.text = "".join(parts)
        lines.append(current)
        current, parts = SourceLine(number=next_number, text=""), []

    def add_literal(chunk: str) -> None:
        """Append text free of boneyards and notes to the current line, starting a new SourceLine at each newline."""
        nonlocal line_no
        first, *rest = chunk.split("\n")
        if first:
            parts.append(first)
        for part in rest:
            line_no += 1
            end_line(line_no)
            if part:
                parts.append(part)

    position = search = 0
    line_start, scanned = 0, 0  # where the line holding position `scanned` of `text` starts
    boneyards_can_close = True  # False once a "/*" has no "*/" after it: no later one has either
    notes_can_close = True  # False once a "[[" has no "]]" after it: no later note can close either
    openers = _OPENER
    while (opener := openers.search(text, search)) is not None:
        note = None
        if opener.group() == "/*":
            close = text.find("*/", opener.end()) if boneyards_can_close else -1
            if close < 0:
                boneyards_can_close = False
                openers = _NOTE_OPENER if notes_can_close else _NO_OPENER  # a "/*" is now text as written
                search = opener.end()
                continue  # an unclosed "/*" is text as written
            end = close + 2
            newline = text.rfind("\n", scanned, opener.start())
            if newline >= 0:
                line_start = newline + 1
            scanned = max(scanned, opener.start())
            if _vanishes(text, opener.start(), end, line_start):
                end += 1  # its own lines go, newline included
        else:
            match = _NOTE.match(text, opener.start())
            if match is None:
                # No "]]" ahead, or a "[[" before it. Every opener before that last "[[" (or the
                # "[" just before it) fails the same way: skip them, but never past a "/*".
                close = text.find("]]", opener.start() + 2)
                if close < 0:
                    notes_can_close = False
                    openers = _BONEYARD_OPENER if boneyards_can_close else _NO_OPENER
                    search = opener.start() + 1
                    continue
                last = text.rfind("[[", opener.start() + 2, close)
                jump = last - 1 if text[last - 1] == "[" else last
                boneyard = text.find("/*", opener.start() + 1, jump) if boneyards_can_close else -1
                search = max(opener.start() + 1, boneyard if boneyard >= 0 else jump)
                continue
            if _BLANK_LINE_IN_NOTE.search(match.group(1)):
                search = opener.start() + 1
                continue  # not a note (a blank line breaks it): its text stays as written
            note, end = match.group(1), match.end()
        add_literal(text[position:opener.start()])
        if note is not None:
            parts.append(NOTE_MARK)
            current.notes.append(note_text(note))
        line_no += text.count("\n", opener.start(), end)
        if note is None and not parts:
            current.number = line_no  # the line starts after the boneyard
        position = search = end
    add_literal(text[position:])
    current.text = "".join(parts)
    lines.append(current)
    for line in lines:
        # Trailing whitespace is invisible and means little, except on a whitespace-only line,
        # where two spaces mean "blank line inside dialogue".
        if line.text.strip():
            line.trailing_space = line.text != line.text.rstrip()
            line.text = line.text.rstrip()
    return lines


def note_text(raw: str) -> str:
    """A note's text as kept: outer whitespace and each line's trailing spaces dropped (so the
    two-space line that keeps an empty line inside a note becomes "")."""
    return "\n".join(line.rstrip() for line in raw.strip().split("\n"))


def _vanishes(text: str, start: int, end: int, line_start: int) -> bool:
    """A boneyard text[start:end] that fills whole lines and holds no blank line.

    `line_start` is where the line holding `start` begins.
    """
    return (
        start == line_start
        and text.startswith("\n", end)
        and _BLANK_LINE_IN_BONEYARD.search(text, start, end) is None
    )


def split_title_page(lines: list[SourceLine]) -> tuple[list[tuple[str, str]], int]:
    """Read the title page at the very start of the document, if there is one.

    Returns the (key, value) entries in order and the index of the first body line. Fountain
    1.1: `Key: value` lines, values may continue on indented lines (joined here with "\\n", each
    line stripped); the page ends at the first blank line. A line that is neither an entry nor a
    continuation also ends it and starts the body. A first line `KEY:` with no value and no
    indented continuation (e.g. `CUT TO:`) is not a title page. Inline notes in the title page
    are not kept.
    """
    entries: list[tuple[str, str]] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.is_blank:
            return entries, (index + 1 if entries else 0)
        match = _TITLE_KEY.fullmatch(line.plain)
        if match is None:
            break
        key, value = match.group(1).strip(), match.group(2).strip()
        continuation = []
        index += 1
        while index < len(lines) and _is_continuation(lines[index]):
            if lines[index].plain.strip():  # a line of notes only adds nothing (notes are not kept here)
                continuation.append(lines[index].plain.strip())
            index += 1
        if not entries and not value and not continuation:
            return [], 0
        entries.append((key, "\n".join(([value] if value else []) + continuation)))
    return entries, index


def _is_continuation(line: SourceLine) -> bool:
    """An indented, non-blank line continues the previous title page value."""
    return not line.is_blank and line.plain[:1] == " "

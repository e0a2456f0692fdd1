"""Estimate how much of a printed page a run of screenplay elements fills.

The trade measures a scene's length in eighths of a page (breakdowns, stripboards, call
sheets). A printed screenplay is 12-pt Courier on US Letter: 10 characters to the inch, 6 lines
to the inch, about 55 lines of text per page once the margins are taken. The columns are the
standard layout's: action, scene headings and transitions about 6.1 in wide (61 characters),
dialogue 3.5 in (35), parentheticals 3.0 in (30); character cues take one line each. Elements
are separated by one blank line, except inside a dialogue block (cue, parentheticals, speech),
which is printed without blank lines. Sections, synopses, notes and page breaks are not printed.

This is an estimate of the usual kind, not a reproduction of one program's pagination
(which also keeps headings with the next element, adds MORE/CONT'D and so on).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from . import model as m
from .model import Element

LINES_PER_PAGE = 55
EIGHTHS_PER_PAGE = 8

_WIDTH = {
    m.SCENE_HEADING: 61,
    m.ACTION: 61,
    m.TRANSITION: 61,
    m.CENTERED: 61,
    m.LYRICS: 35,
    m.DIALOGUE: 35,
    m.PARENTHETICAL: 30,
    m.CHARACTER: 61,
}
_IN_DIALOGUE_BLOCK = (m.PARENTHETICAL, m.DIALOGUE, m.LYRICS)


_WRAPPER = textwrap.TextWrapper()  # the standard library's word-splitting rules, its defaults


def wrapped_lines(text: str, width: int) -> int:
    """Printed lines for `text` word-wrapped at `width` characters; each source line at least one.

    The same count as `len(textwrap.wrap(line, width))` per line (Python's textwrap, default
    options), in linear time: textwrap cuts a word longer than the line by copying what is left
    of it for every line, quadratic in the word's length; here a long word is walked with an offset.
    """
    return sum(max(1, _wrap_count(line, width)) for line in text.split("\n"))


def _wrap_count(line: str, width: int) -> int:
    """`len(textwrap.wrap(line, width))` for width >= 1 (see TextWrapper._wrap_chunks, whose steps this follows)."""
    chunks = [chunk for chunk in _WRAPPER.wordsep_re.split(_WRAPPER._munge_whitespace(line)) if chunk]
    chunks.reverse()
    # A chunk "is whitespace" for textwrap when chunk.strip() == "": from `offset` on, that is when no
    # character at or after `offset` is a non-space, i.e. offset >= the end of chunk.rstrip().
    solid_end = [len(chunk.rstrip()) for chunk in chunks]
    offset = 0  # how much of the top chunk (chunks[-1]) earlier lines took
    count = 0
    while chunks:
        pieces: list[bool] = []  # per piece on this line: is it whitespace
        used = 0
        if count and offset >= solid_end[-1]:
            chunks.pop(), solid_end.pop()
            offset = 0
        while chunks:
            size = len(chunks[-1]) - offset
            if used + size > width:
                break
            pieces.append(offset >= solid_end[-1])
            used += size
            chunks.pop(), solid_end.pop()
            offset = 0
        if chunks and len(chunks[-1]) - offset > width:
            chunk, space_left = chunks[-1], width - used
            end = space_left
            hyphen = chunk.rfind("-", offset, offset + space_left)
            if hyphen > offset and any(c != "-" for c in chunk[offset:hyphen]):
                end = hyphen - offset + 1
            pieces.append(not chunk[offset:offset + end].strip())
            offset += end
        if pieces and pieces[-1]:
            pieces.pop()
        if pieces:
            count += 1
    return count


def printed_lines(elements: Iterable[Element]) -> int:
    """Printed lines (blank separator lines included) the elements fill in the standard layout."""
    total = 0
    previous: Element | None = None
    for element in elements:
        width = _WIDTH.get(element.kind)
        if width is None:
            continue  # not printed
        if element.kind == m.CHARACTER:
            lines = 1
        else:
            lines = wrapped_lines(element.text, width)
        dialogue_continues = (
            previous is not None
            and element.kind in _IN_DIALOGUE_BLOCK
            and previous.kind in (m.CHARACTER, *_IN_DIALOGUE_BLOCK)
        )
        if previous is not None and not dialogue_continues:
            lines += 1  # the blank line before this element
        total += lines
        previous = element
    return total


def page_eighths(elements: Iterable[Element]) -> int:
    """Length in eighths of a page: max(1, round(lines * 8 / 55)), halves rounded up.

    `lines` is `printed_lines(elements)`; see the module docstring for the layout assumed.
    """
    lines = printed_lines(elements)
    return max(1, (lines * EIGHTHS_PER_PAGE * 2 + LINES_PER_PAGE) // (LINES_PER_PAGE * 2))

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

import re
import textwrap
from bisect import bisect_right
from itertools import accumulate
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
    """`len(textwrap.wrap(line, width))` for width >= 1: `_plain_wrap_count` for the usual line, else
    TextWrapper._wrap_chunks step by step (see `_chunk_wrap_count`)."""
    munged = _WRAPPER._munge_whitespace(line)
    if munged[:1] != " " and _NOT_PLAIN.search(munged) is None:
        return _plain_wrap_count(munged, width)
    return _chunk_wrap_count(munged, width)


# A "plain" line: spaces are its only whitespace and it has no hyphen, so textwrap's chunks are
# simply its runs of spaces and of other characters.
_NOT_PLAIN = re.compile(r"[^\S ]|-")
_SPACES = re.compile(r" *")


def _plain_wrap_count(line: str, width: int) -> int:
    """textwrap's line count for a plain line not starting with a space, one step per printed line.

    A line from `start` (a non-space) takes whole words up to `start + width`; the spaces where it
    breaks are dropped. A word running past that limit starts the next line, unless it is longer
    than a line: then textwrap fills this line with its beginning and cuts it at the limit.
    """
    count, start, end = 0, 0, len(line)
    next_space = -1  # the first space at or after the last limit looked at (limits only grow: found once per word)
    while start < end:
        count += 1
        limit = start + width
        if end - start <= width:
            break
        if line[limit] == " ":
            start = _SPACES.match(line, limit).end()
            continue
        word_start = max(start, line.rfind(" ", start, limit) + 1)
        if next_space < limit:
            next_space = line.find(" ", limit)
            next_space = end if next_space < 0 else next_space
        start = limit if next_space - word_start > width else word_start
    return count


def _chunk_wrap_count(line: str, width: int) -> int:
    """`len(textwrap.wrap(line, width))` for a munged line, following TextWrapper._wrap_chunks step by step.

    A line takes the longest run of whole chunks that fits (found by bisection over the chunks'
    running lengths, not chunk by chunk); a chunk longer than a line is cut as textwrap cuts it
    (after its last hyphen that fits, else at the width), tracked by an offset into it.
    """
    chunks = [chunk for chunk in _WRAPPER.wordsep_re.split(line) if chunk]
    ends = list(accumulate(map(len, chunks)))  # ends[k]: length of chunks[0..k]
    solid: dict[int, int] = {}

    def blank(k: int, offset: int) -> bool:
        """Is chunks[k][offset:] whitespace to textwrap (`.strip() == ""`)? rstrip once per chunk."""
        if k not in solid:
            solid[k] = len(chunks[k].rstrip())
        return offset >= solid[k]

    k, offset, count, total = 0, 0, 0, len(chunks)
    while k < total:
        if count and blank(k, offset):  # a line after the first does not start with whitespace
            k, offset = k + 1, 0
        start = (ends[k - 1] if k else 0) + offset  # the text consumed so far
        fits = bisect_right(ends, start + width, k)  # chunks k..fits-1 fit whole on this line
        pieces = fits - k
        last = (fits - 1, offset if pieces == 1 else 0)
        if fits > k:
            k, offset = fits, 0
        if k < total and (ends[k] - (ends[k - 1] if k else 0)) - offset > width:
            chunk = chunks[k]
            used = (ends[k - 1] if k else 0) + offset - start
            end = space_left = width - used
            hyphen = chunk.rfind("-", offset, offset + space_left)
            if hyphen > offset and any(c != "-" for c in chunk[offset:hyphen]):
                end = hyphen - offset + 1
            pieces += 1
            last_blank = not chunk[offset:offset + end].strip()
            offset += end
        elif pieces:
            last_blank = blank(*last)
        else:
            break  # nothing fits and nothing is cut: only possible past the end
        if last_blank:
            pieces -= 1
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

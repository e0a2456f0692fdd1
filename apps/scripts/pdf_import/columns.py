"""Where a screenplay PDF puts each kind of line, found from the document itself (its most common left edges).

Screenwriting software agrees on the shape (action and headings at the left margin, dialogue about
1 in further in, parentheticals 1.6 in, character cues 2.2 in, transitions at the right) but not on
the inches: Slate and Final Draft put cues at 3.7 in, screenplain at 3.4, dual dialogue columns
differ again, and a title page may be set larger. So nothing here is a fixed position: the left
margin is the leftmost left edge shared by many lines, the cue column the usual left edge of an
upper-case line followed straight away by lines further left, the line pitch the usual distance
between consecutive baselines. One pass over the lines and a few counts.
"""
from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass

from apps.scripts.fountain import split_character

from .text import Line


@dataclass(frozen=True)
class Columns:
    """The document's columns, in points from the page's left edge, and its line metrics (points)."""

    left: float  # scene headings and action start here
    right: float  # action lines end here at most (the furthest one does, or the standard 60 characters)
    cue: float  # character cues start here (left + 22 characters when the script has none)
    char: float  # one character's width
    pitch: float  # baseline to baseline within a block; more than 1.5 of it is a blank line between
    centre: float  # the middle of the text column (Slate centres there)
    middle: float  # the middle of the page (screenplain centres there)
    dialogue: float | None  # dialogue starts here (None when no cue is followed by a line of dialogue)

    @property
    def transition(self) -> float:
        """A one-line block starting this far right (and not centred) is a transition: a quarter of the way from the
        cue column to the right edge (Slate's and screenplain's right-aligned ones, Final Draft's at 6 in)."""
        return self.cue + (self.right - self.cue) / 4

    def centred(self, line: Line, near: float = 1.5, *, indented: bool = True) -> bool:
        """Whether the line's middle is within `near` characters of the column's or the page's middle, and (`indented`)
        it starts two characters or more in from the left margin (a line as wide as the column is action)."""
        middle = (line.x + line.end) / 2
        if indented and line.x <= self.left + 2 * self.char:
            return False
        return abs(middle - self.centre) <= near * line.char or abs(middle - self.middle) <= near * line.char


def cue_of(line: Line, *, any_case: bool = False) -> tuple[str, str | None] | None:
    """(name, extensions) when the line can be a character cue: its name upper case (`any_case`: or not, for a line
    standing in the cue column), not starting with "(" ("(MORE)") nor ending with ":" (a transition). Split as Fountain
    splits a cue (`split_character`: the name, then "(...)" groups); a cue of another shape ("BOSS, 40 (ANY AGE),
    AGELESS," as screenplain prints one) is all name. Where the line stands decides whether it is one (see elements)."""
    text = line.text.strip()
    if text.startswith("(") or text.endswith(":") or len(text) > 80:
        return None
    parts = split_character(text)
    name, extension = (text, None) if parts is None or parts[2] else parts[:2]
    return (name, extension) if any_case or name.isupper() else None


def find_columns(pages: list[list[Line]], width: float) -> Columns:
    """The columns of the body pages (see the module docstring); `width` the page's. Pages must hold a line."""
    lines = [line for page in pages for line in page]
    char = statistics.median(line.char for line in lines)
    step = char / 2
    edges = Counter(round(line.x / step) for line in lines)
    most = max(edges.values())
    left = min(edge for edge, count in edges.items() if count >= min(most, max(2, most / 10))) * step
    # At least the standard line of action, 60 characters (6 in of 12-pt Courier): a short script may have no full line.
    right = max([line.end for line in lines if abs(line.x - left) <= char] + [left + 60 * char])
    gaps = Counter(round(b.y - a.y) for page in pages for a, b in zip(page, page[1:]) if b.y > a.y)
    size = statistics.median(line.size for line in lines)
    common = [gap for gap, count in gaps.items() if count >= max(gaps.values()) / 5 and gap >= 0.8 * size]
    pitch = min([size * 1.25, *common])
    speeches = [(line, after) for page in pages for line, after in zip(page, page[1:])
                if after.y - line.y <= 1.5 * pitch and after.x < line.x - 2 * char and line.x > left + 2 * char
                and cue_of(line) is not None]
    cue = statistics.median(line.x for line, _ in speeches) if speeches else left + 22 * char
    spoken = [after.x for _, after in speeches if not after.text.startswith("(")]
    right = max(right, cue + 10 * char)
    return Columns(left=left, right=right, cue=cue, char=char, pitch=pitch, centre=(left + right) / 2, middle=width / 2,
                   dialogue=statistics.median(spoken) if spoken else None)

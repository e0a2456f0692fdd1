"""A screenplay PDF's body lines read as elements, block by block, as a reader reads a printed script.

A block is the lines between two blank lines (a gap of more than 1.5 line pitches) on one page.
Its first line decides what it is, in this order:

- two cues side by side: dual dialogue, each column read as a speech (the right one `dual`);
- a line with a scene number, or at the left margin starting "INT." / "EXT." / "EST." / "I/E"
  (Fountain 1.1's prefixes), alone in its block or over upper-case lines (a long heading): a scene
  heading (a heading with text right under it is action, as Fountain 1.1 reads it);
- an upper-case name with only "(...)" extensions after it, indented, with the next line further
  left: a character cue, then parentheticals (from a line starting "(" to one ending ")") and
  dialogue; a last line "(MORE)" is the page's carry, dropped;
- one line far to the right (see `Columns.transition`), or indented and ending at the right margin
  (right-aligned): a transition;
- lines centred on the text column or the page: centred text, one element a line;
- anything else: action, its indentation kept as spaces.

A page's first block may continue the last one: "NAME (CONT'D)" under a "(MORE)" (or repeating the
speaker's name with CONT'D) adds to the speech, as do dialogue-indented lines with no cue (screenplain
prints no carry); action goes on when the page before ended mid-sentence (its last line full, or
not ending with a sentence's end or a closing mark).
Lines of one element are joined with a space where the line was full (the next word could not fit:
a wrap) and with "\\n" where it broke early (the writer's own line break).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from apps.scripts.fountain import Element, TooManyElements
from apps.scripts.fountain import model as m

from .columns import Columns, cue_of
from .furniture import HEADING_PREFIX
from .text import Line, Segment

_CONTINUED = re.compile(r"\(\s*(?:CONT'D|CONT\u2019D|CONTD|CONT\.?|CONTINUED|CONTINUING)\s*\)", re.I)
_MORE = re.compile(r"\(\s*MORE\s*\)", re.I)
_SPEECH = (m.DIALOGUE, m.PARENTHETICAL)
_SENTENCE_ENDS = set(".!?:;\"')]*_-\u2014\u2026")  # a line ending otherwise breaks off mid-sentence


@dataclass
class _Raw:
    """An element before its text is joined: its lines, and what the block told about it."""

    kind: str
    lines: list[Line]
    name: str = ""
    number: str | None = None
    extension: str | None = None
    dual: bool = False
    open: bool = False  # a parenthetical whose ")" has not come yet


def read_elements(pages: list[list[Line]], columns: Columns, max_elements: int | None) -> list[Element]:
    """The elements of the body pages, in order. Raises TooManyElements past `max_elements` (None: no limit)."""
    raws = _Reader(columns, max_elements).read(pages)
    numbers = {id(line): number for number, line in enumerate((line for page in pages for line in page), start=1)}
    rights: dict[tuple[str, int], float] = {}
    for raw in raws:
        if raw.kind in _SPEECH:
            for line in raw.lines:
                key = (raw.kind, round(line.x / columns.char))
                rights[key] = max(rights.get(key, 0.0), line.end)
    elements = []
    for raw in raws:
        first = raw.lines[0]
        if raw.kind in _SPEECH:
            text = _join(raw.lines, rights.get((raw.kind, round(first.x / columns.char)), columns.right), columns, indent=False)
        elif raw.kind == m.ACTION:
            text = _join(raw.lines, columns.right, columns, indent=True)
        elif raw.kind == m.CHARACTER:
            text = raw.name
        else:
            text = " ".join(line.text.strip() for line in raw.lines)
        elements.append(Element(kind=raw.kind, text=text, scene_number=raw.number, extension=raw.extension,
                                dual=raw.dual, line=numbers.get(id(first), 0)))
    return elements


def _soft(before: Line, after: Line, right: float) -> bool:
    """Whether the line break between `before` and `after` is a wrap: the first word of `after` did not fit after it."""
    word = len(after.text.strip().split(" ", 1)[0])
    return before.end + (1 + word) * before.char > right + before.char / 2


def _join(lines: list[Line], right: float, columns: Columns, *, indent: bool) -> str:
    """The lines' text: joined by a space at a wrap, by nothing after a word longer than the line (cut where the
    line was full), by "\\n" elsewhere; with `indent`, a line broken by the writer keeps its indentation as spaces."""
    parts = []
    for index, line in enumerate(lines):
        text = line.text.strip()
        before = lines[index - 1] if index else None
        if before is not None and _soft(before, line, right):
            cut = " " not in before.text.strip() and before.end >= right - 2 * before.char
            parts.append(("" if cut else " ") + text)
            continue
        spaces = round((line.x - columns.left) / columns.char) if indent and line.x > columns.left else 0
        parts.append(("\n" if index else "") + " " * spaces + text)
    return "".join(parts)


class _Reader:
    def __init__(self, columns: Columns, max_elements: int | None) -> None:
        self.c = columns
        self.max_elements = max_elements
        self.raws: list[_Raw] = []
        self.speaker: str | None = None  # whose speech the last elements are
        self.more = False  # the page before ended in "(MORE)"

    def read(self, pages: list[list[Line]]) -> list[_Raw]:
        for page in pages:
            for index, block in enumerate(self._blocks(page)):
                if self._carried(block, page_top=index == 0):
                    continue
                self.more = False
                self._block(block)
        return self.raws

    def _blocks(self, page: list[Line]) -> list[list[Line]]:
        blocks: list[list[Line]] = []
        for line in page:
            if blocks and line.y - blocks[-1][-1].y <= 1.5 * self.c.pitch:
                blocks[-1].append(line)
            else:
                blocks.append([line])
        return blocks

    def _emit(self, raw: _Raw) -> _Raw:
        if self.max_elements is not None and len(self.raws) >= self.max_elements:
            raise TooManyElements(self.max_elements)
        self.raws.append(raw)
        if raw.kind not in _SPEECH:
            self.speaker = raw.name if raw.kind == m.CHARACTER else None
        return raw

    def _block(self, block: list[Line]) -> None:
        c, line = self.c, block[0]
        if self._dual(block):
            return
        heading = line.number or (HEADING_PREFIX.match(line.text) and line.x < c.left + 2 * c.char)
        if heading and all(each.text.isupper() and abs(each.x - line.x) < c.char for each in block[1:]):
            self._emit(_Raw(m.SCENE_HEADING, block, number=line.number))
            return
        cue = cue_of(line, any_case=abs(line.x - c.cue) < c.char) if line.x > c.left + 2 * c.char else None
        if cue and len(block) > 1 and block[1].x < line.x - 1.5 * c.char:
            self._emit(_Raw(m.CHARACTER, [line], name=cue[0], extension=cue[1]))
            self._spoken(block[1:], dual=False)
        elif len(block) == 1 and not c.centred(line) and not line.text.startswith("(") and (
                line.x >= c.transition or (line.x > c.left + 2 * c.char and abs(line.end - c.right) < c.char / 2)):
            self._emit(_Raw(m.TRANSITION, block))
        elif all(c.centred(each) for each in block):
            for each in block:
                self._emit(_Raw(m.CENTERED, [each]))
        else:
            self._emit(_Raw(m.ACTION, block))

    def _spoken(self, lines: list[Line], dual: bool, column: float | None = None) -> None:
        """Parentheticals and dialogue of the current speech, after its cue (or carried to a new page). A line starting
        "(" at the dialogue's `column` (the document's, for a speech not side by side) is dialogue."""
        if lines and _MORE.fullmatch(lines[-1].text.strip()):
            lines, self.more = lines[:-1], True
        column = self.c.dialogue if column is None and not dual else column
        for line in lines:
            text = line.text.strip()
            last = self.raws[-1]
            if last.kind == m.PARENTHETICAL and last.open:
                last.lines.append(line)
            elif text.startswith("(") and (column is None or line.x > column + line.char):
                last = self._emit(_Raw(m.PARENTHETICAL, [line], dual=dual, open=True))
            elif last.kind == m.DIALOGUE:
                last.lines.append(line)
                continue
            else:
                self._emit(_Raw(m.DIALOGUE, [line], dual=dual))
                continue
            last.open = not text.endswith(")")

    def _carried(self, block: list[Line], *, page_top: bool) -> bool:
        """Read the block as the rest of the last element: a speech going on after an empty line of dialogue, or at a
        page's top what the page before broke off (module docstring)."""
        if not self.raws:
            return False
        last, c, line = self.raws[-1], self.c, block[0]
        if not page_top:
            if self.speaker is not None and last.kind in _SPEECH and not last.dual and self._spoken_lines(block):
                self._spoken(block, False)
                return True
            return False
        if last.kind == m.ACTION:
            before = last.lines[-1]
            mid_sentence = _soft(before, line, c.right) or before.text.rstrip()[-1:] not in _SENTENCE_ENDS
            if line.x < c.left + c.char and mid_sentence and not line.number and not HEADING_PREFIX.match(line.text):
                last.lines.extend(block)
                return True
            return False
        if self.speaker is None or last.kind not in (*_SPEECH, m.CHARACTER):
            return False
        cue = cue_of(line)
        if cue is not None:
            name, extension = cue
            rest = _CONTINUED.sub("", extension or "").strip()
            if name != self.speaker or (rest == (extension or "") and not self.more) or len(block) < 2:
                return False
            self._spoken(block[1:], last.dual)
            return True
        if self.more or (not last.dual and self._spoken_lines(block)):
            self._spoken(block, last.dual)
            return True
        return False

    def _spoken_lines(self, block: list[Line]) -> bool:
        """Whether the block's lines stand where dialogue (or a parenthetical, further in) stands, none of them a cue."""
        c = self.c
        column = c.dialogue if c.dialogue is not None else c.left + 10 * c.char
        first = block[0]
        return (abs(first.x - column) < c.char or (first.text.startswith("(") and column < first.x < c.cue - c.char)) \
            and all(column - c.char < line.x < c.cue - c.char for line in block)

    def _dual(self, block: list[Line]) -> bool:
        """Two speeches side by side: two cues on the first line, each column's lines read as one speech."""
        first = block[0]
        if len(block) < 2 or len(first.segments) < 2:
            return False
        gaps = [(b.x - a.end, index) for index, (a, b) in enumerate(zip(first.segments, first.segments[1:]), start=1)]
        split = max(gaps)[1]
        left_cue, right_cue = (_part(first, first.segments[:split]), _part(first, first.segments[split:]))
        cues = cue_of(left_cue), cue_of(right_cue)
        if None in cues or right_cue.x < self.c.centre - 2 * self.c.char:
            return False
        column = min(line.x for line in block[1:])  # the left speech's column
        boundary = right_cue.x - (left_cue.x - column) - self.c.char / 2
        sides: tuple[list[Line], list[Line]] = ([], [])
        for line in block[1:]:
            for side, segments in enumerate(([s for s in line.segments if s.x < boundary],
                                             [s for s in line.segments if s.x >= boundary])):
                if segments:
                    sides[side].append(_part(line, segments))
        for cue, cue_line, lines, dual in zip(cues, (left_cue, right_cue), sides, (False, True)):
            self._emit(_Raw(m.CHARACTER, [cue_line], name=cue[0], extension=cue[1], dual=dual))
            if lines:
                self._spoken(lines, dual, min(line.x for line in lines))
        return True


def _part(line: Line, segments: list[Segment]) -> Line:
    return Line(line.page, line.y, line.size, segments, number=line.number)

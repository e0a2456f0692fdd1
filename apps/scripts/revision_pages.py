"""Locked page numbers and revision pages: where each page of a revised screenplay falls once the script is locked.

Pure Python over the page layout (no database, no PDF). The trade's rules, as screenwriting
software and production guides describe them (WriterDuet "Lock Pages", Movie Magic Screenwriter
"Locked page breaks", Scripto "Locked pages", screenwriting.io "colored revisions"):

- Once the shooting script is locked, a page keeps its number and its content. Text added to
  page 12 that no longer fits runs onto new pages 12A, 12B... (past Z: 12AA, 12AB...), so page 13
  keeps its number; text added before the first page goes on pages A1, B1... Text cut from a page
  leaves white space at its foot: nothing moves up from the next page.
- A page whose whole content was cut is printed as an OMITTED page; consecutive ones as one
  page numbered "12-14".
- Changes are issued as revision pages: only the pages whose print changed, each revision in the
  next colour of the WGA order (white for the locked script, then blue, pink, yellow, green,
  goldenrod, buff, salmon, cherry; then "Second Blue"...), every changed line marked with an
  asterisk in the right margin.

How it is computed: each version is laid out by `apps.scripts.fountain.layout` into blocks and
their lines. The locked version's pages give each page's first line. A version's lines are
compared with the locked version's (`apps.scripts.sequence`: difflib within a work budget, else
a patience diff) and each locked page's first line is found in the version; the version's lines
between two such anchors are that page's, laid out alone by the same paginator (a split speech
gets its "(MORE)" and "(CONT'D)" back). Each version after the lock is one revision: its lines are
compared with the version before it for the asterisks, and a page is issued again when its print
(lines and page number) differs from the page of the same number before. A page that existed and
no longer has content is issued as OMITTED. Each step is linear in the texts (up to the diff's log
factor), so K revisions cost K times one.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from apps.scripts import sequence
from apps.scripts.fountain import Screenplay, Span
from apps.scripts.fountain import model as m
from apps.scripts.fountain.layout import Page, PageLimitExceeded, Piece
# The layout's own blocks and paginator, so revision pages break exactly as the script's pages do.
from apps.scripts.fountain.layout import _Block, _blocks, _Layout

__all__ = ["COLOURS", "RevisedPage", "Revision", "colour_name", "page_label", "revise"]

# After white (the locked script), in the WGA order (screenwriting.io, "What are colored revisions").
COLOURS = ("Blue", "Pink", "Yellow", "Green", "Goldenrod", "Buff", "Salmon", "Cherry")
_ORDINALS = ("", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth")
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def colour_name(level: int) -> str:
    """The colour of revision `level`: 0 "White" (the locked script), 1 "Blue", 2 "Pink"... 8 "Cherry",
    9 "Second Blue", 17 "Third Blue" (past the tenth round: "11th Blue"). Raises ValueError below 0."""
    if level < 0:
        raise ValueError("A revision level is 0 (white) or more.")
    if level == 0:
        return "White"
    round_, index = divmod(level - 1, len(COLOURS))
    prefix = _ORDINALS[round_] if round_ < len(_ORDINALS) else f"{round_ + 1}th"
    return f"{prefix} {COLOURS[index]}".strip()


def _letters(n: int) -> str:
    """1 → "A", 26 → "Z", 27 → "AA", 28 → "AB" (a spreadsheet's column letters)."""
    out = ""
    while n:
        n, rest = divmod(n - 1, 26)
        out = _LETTERS[rest] + out
    return out


def page_label(key: tuple[int, int]) -> str:
    """A page's number as printed from its key `(locked page, suffix)`: (12, 0) "12", (12, 1) "12A",
    (12, 27) "12AA", (0, 1) "A1" (pages before the first locked page take letters in front of 1)."""
    page, suffix = key
    if page == 0:
        return f"{_letters(suffix)}1"
    return f"{page}{_letters(suffix)}" if suffix else str(page)


@dataclass
class RevisedPage:
    """One page of the revised script.

    `key` orders the pages (see `page_label`); `label` is its printed number ("12A", "12-14" for
    a run of omitted pages); `lines` as `layout.Page.lines` (empty when `omitted`); `marks` the
    indexes of the lines that carry a revision mark; `level` the revision that last issued the
    page (0: white, as locked).
    """

    key: tuple[int, int]
    label: str
    lines: list[list[Piece]]
    marks: frozenset[int] = frozenset()
    level: int = 0
    omitted: bool = False
    signature: tuple = field(default=(), repr=False)


@dataclass
class Revision:
    """A revised script: every page in order (`pages`), and `level`, the latest revision (0: none yet).

    `issued` are the pages of the latest revision: what is printed on that colour and handed out.
    """

    pages: list[RevisedPage]
    level: int

    @property
    def issued(self) -> list[RevisedPage]:
        return [page for page in self.pages if self.level and page.level == self.level]


class _Laid:
    """A version's printed lines in reading order (`lines`, the layout's own line objects), the
    interned key of each (`keys`), the block each belongs to, and each block's first line."""

    def __init__(self, screenplay: Screenplay, interned: dict, notes: bool) -> None:
        self.blocks: list[_Block] = list(_blocks(screenplay.elements, notes))
        self.lines: list[list[Piece]] = []
        self.block_of: list[int] = []
        self.first: list[int] = []
        for index, block in enumerate(self.blocks):
            self.first.append(len(self.lines))
            self.lines.extend(block.lines)
            self.block_of.extend([index] * len(block.lines))
        self.at = {id(line): flat for flat, line in enumerate(self.lines)}
        self.keys = [_intern(interned, line) for line in self.lines]


def _intern(interned: dict, line: list[Piece]) -> int:
    """A small integer per distinct printed line (position, alignment, text and styles of its pieces)."""
    key = tuple((piece.x, piece.align, piece.runs) for piece in line)
    return interned.setdefault(key, len(interned))


def revise(locked: Screenplay, versions: Sequence[Screenplay], *, notes: bool = False, max_pages: int | None = None,
           on_step: Callable[[int, int], None] | None = None) -> Revision:
    """The revised script after `versions` (each version after the lock, in order: revision 1, 2...).

    Returns every page with its locked number and the revision that last issued it (see the
    module docstring); with no versions, the locked script itself (level 0). `notes` prints the
    writer's notes (as `layout(notes=True)`). Raises `PageLimitExceeded` when a version prints
    more than `max_pages` pages (None: no limit). `on_step(done, total)` is called once the locked
    version is laid out and after each version (progress; it may raise to stop). Linear in the
    texts' length per version.
    """
    interned: dict = {}
    base = _Laid(locked, interned, notes)
    pages = _Layout(max_pages).run(base.blocks)
    starts = _page_starts(base, pages)
    state = {(number, 0): _page((number, 0), page, base, interned, None, 0) for number, page in enumerate(pages, start=1)}
    if on_step is not None:
        on_step(0, len(versions))
    previous = base
    for level, screenplay in enumerate(versions, start=1):
        laid = _Laid(screenplay, interned, notes)
        opcodes = _opcodes(base.keys, laid.keys)
        anchors = _anchors(starts, opcodes, len(laid.lines))
        changed = _changed(opcodes if previous is base else _opcodes(previous.keys, laid.keys), len(laid.lines))
        produced = {}
        for number, lines in enumerate(_slots(laid, anchors, len(laid.lines), max_pages)):
            for key, page in _pages(number, lines):
                produced[key] = _page(key, page, laid, interned, changed, level)
        for key, page in produced.items():
            old = state.get(key)
            if old is None or old.signature != page.signature or page.marks:
                state[key] = page
        for key, old in list(state.items()):
            if key not in produced and not old.omitted:
                state[key] = RevisedPage(key, page_label(key), [], level=level, omitted=True, signature=("OMITTED",))
        previous = laid
        if on_step is not None:
            on_step(level, len(versions))
    return Revision(pages=_merge_omitted([state[key] for key in sorted(state)]), level=len(versions))


def _page_starts(laid: _Laid, pages: list[Page]) -> list[int]:
    """The index in `laid.lines` of each page's first printed line (a page opening on "(CONT'D)"
    starts at the line after it)."""
    starts = []
    for page in pages:
        flat = next((laid.at[id(line)] for line in page.lines if id(line) in laid.at), None)
        starts.append(starts[-1] if flat is None and starts else flat or 0)
    return starts


def _anchors(starts: list[int], opcodes: list[tuple], count: int) -> list[int]:
    """Where each locked page starts in the version: 0 first (lines added before page 1's first
    line go on A-pages before it), then the version's line that took each page's first line.

    `opcodes` go from the locked lines to the version's (difflib's shape). A kept line maps to
    itself; inside replaced lines the new ones are shared out in order (the first as many as the
    old lines before the page's start stay on the page before); lines inserted exactly at a page's
    start stay on the page before (its A-pages), so the page itself keeps its content.
    """
    anchors, index = [], 0
    for start in starts:
        while index < len(opcodes) and opcodes[index][2] <= start:
            index += 1
        if index == len(opcodes):
            anchors.append(count)
            continue
        tag, i1, _, j1, j2 = opcodes[index]
        anchors.append(j1 + (start - i1) if tag == "equal" else j1 + min(j2 - j1, max(0, start - i1)))
    return anchors


def _opcodes(before: list[int], after: list[int]) -> list[tuple]:
    """difflib's opcodes from one version's lines to another's, in bounded work (`apps.scripts.sequence`)."""
    return sequence.matcher(before, after, autojunk=False).get_opcodes()


def _changed(opcodes: list[tuple], count: int) -> bytearray:
    """A flag per line of the newer version (`count` lines): 1 where `opcodes` replace or insert it; a
    cut with nothing in its place marks the line before it (the first line when the cut is at the top)."""
    flags = bytearray(count)
    for tag, _, _, j1, j2 in opcodes:
        if tag in ("replace", "insert"):
            flags[j1:j2] = b"\x01" * (j2 - j1)
        elif tag == "delete" and count:
            flags[max(0, min(j1 - 1, count - 1))] = 1
    return flags


def _slots(laid: _Laid, anchors: list[int], count: int, max_pages: int | None):
    """The pages of each slot: before page 1 (number 0), then each locked page's lines laid out alone."""
    bounds = [0] + anchors + [count]
    total = 0
    for number in range(len(bounds) - 1):
        pages = _lay_out(laid, bounds[number], bounds[number + 1], max_pages)
        total += len(pages)
        if max_pages is not None and total > max_pages:
            raise PageLimitExceeded(max_pages)
        yield pages


def _lay_out(laid: _Laid, start: int, stop: int, max_pages: int | None) -> list[Page]:
    """laid.lines[start:stop] on pages, as the layout puts them (no page when there are none)."""
    if start >= stop:
        return []
    blocks = []
    for index in range(laid.block_of[start], laid.block_of[stop - 1] + 1):
        block = laid.blocks[index]
        first, size = laid.first[index], len(block.lines)
        low, high = max(start - first, 0), min(stop - first, size)
        if block.kind == m.PAGE_BREAK or (low == 0 and high == size):
            blocks.append(block)
            continue
        lines = block.lines[low:high]
        if block.kind == m.CHARACTER:  # a speech cut at a page: its cue again, and "(MORE)" where it goes on
            lines = ([[Piece(block.cue_x, (Span(f"{block.cue} (CONT'D)"),))]] if low else []) + lines
            lines += [[Piece(block.cue_x, (Span("(MORE)"),))]] if high < size else []
        blocks.append(_Block(block.kind, lines, block.cue, block.cue_x, block.keep_next))
    return _Layout(max_pages).run(blocks)


def _pages(number: int, pages: list[Page]):
    """`(key, page)` of a slot's pages: page `number` and its A-pages; an empty slot is page `number` with
    nothing on it (omitted). Slot 0, before page 1, has only A-pages (A1, B1...)."""
    if number == 0:
        yield from (((0, suffix), page) for suffix, page in enumerate(pages, start=1))
        return
    yield from (((number, suffix), page) for suffix, page in enumerate(pages or [None]))


def _page(key, page: Page | None, laid: _Laid, interned: dict, changed: bytearray | None, level: int) -> RevisedPage:
    if page is None:
        return RevisedPage(key, page_label(key), [], level=level, omitted=True, signature=("OMITTED",))
    marks = frozenset(row for row, line in enumerate(page.lines)
                      if changed is not None and id(line) in laid.at and changed[laid.at[id(line)]])
    signature = tuple(laid.keys[laid.at[id(line)]] if id(line) in laid.at else _intern(interned, line) for line in page.lines)
    return RevisedPage(key, page_label(key), page.lines, marks, level, signature=signature)


def _merge_omitted(pages: list[RevisedPage]) -> list[RevisedPage]:
    """Consecutive omitted pages of the same revision as one page numbered "first-last"."""
    out: list[RevisedPage] = []
    first_label = ""
    for page in pages:
        if page.omitted and out and out[-1].omitted and out[-1].level == page.level:
            out[-1] = RevisedPage(out[-1].key, f"{first_label}-{page_label(page.key)}", [], level=page.level,
                                  omitted=True, signature=out[-1].signature)
            continue
        first_label = page.label
        out.append(page)
    return out

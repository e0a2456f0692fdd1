"""What a printed screenplay page carries besides the script: taken off before the lines are read as elements.

- Page numbers ("2.", "12A.", "A1.", "12-14." for omitted pages, "Page 3 of 90", "- 3 -") and
  revision headers ("BLUE REVISION 12/03/26", "Blue Rev. (12/3/26)"), at the top or the foot of a
  page: a line made only of such pieces above the page's body or below it. The body's top is the
  highest first line of a page that is not such a line; its foot the lowest last one.
- The same text at the same height at the top or foot of most pages (a show's name, "CONFIDENTIAL"),
  digits aside, above the body's top or below its foot.
- Scene continueds ("CONTINUED:", "(CONTINUED)", "CONTINUED: (2)") as a page's first or last line.
- Revision marks: asterisks in the right margin (the trade marks each changed line so).
- Scene numbers in both margins of a heading ("12  INT. HOUSE - DAY  12"): kept as the line's
  `number`, as the trade prints them (Final Draft, the WGA's shooting-script format).
- A page saying only "OMITTED" (a locked script's cut page).

Every step is one pass over the lines, plus a count of texts over the pages' edges.
"""
from __future__ import annotations

import re
from collections import Counter

from .text import Line

_PAGE_NUMBER = re.compile(r"(?:page\s*)?[-(]?\s*[A-Z]{0,3}\d+[A-Z]{0,3}(?:-[A-Z]{0,3}\d+[A-Z]{0,3})?\s*[.)-]?(?:\s*of\s*\d+)?", re.I)
_COLOURS = "white|blue|pink|yellow|green|goldenrod|buff|salmon|cherry|tan|gold|ivory|grey|gray"
_REVISION = re.compile(rf"(?=.*\d).*\b(?:rev\b|rev\.|revised|revision|revisions|draft|{_COLOURS})|"
                       r".*\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b", re.I)
_CONTINUED = re.compile(r"\(?\s*continued\s*\)?:?(?:\s*\(\d+\))?", re.I)
# A scene number as printed: letters, digits, dashes and dots with a digit in it (Fountain 1.1's "#1-A#" set).
_SCENE_NUMBER = re.compile(r"(?=[A-Z.\-]*\d)[A-Z0-9][A-Z0-9.\-]{0,9}", re.I)
_MARK = re.compile(r"\*+")
# A scene heading's prefix (Fountain 1.1, "Scene Heading": INT, EXT, EST, INT./EXT, INT/EXT, I/E, then "." or a space).
HEADING_PREFIX = re.compile(r"(?:int\.?/ext|i/e|int|ext|est)[. ]", re.I)
_DIGITS = re.compile(r"\d+")


def remove(pages: list[list[Line]], width: float) -> list[list[Line]]:
    """The pages' body lines: furniture taken off, scene numbers moved to `Line.number` (see the module docstring).
    `width`: the page's, in points."""
    pages = [[line for line in (_unmarked(line, width) for line in page) if line is not None] for page in pages]
    recurring = _recurring(pages)
    patterned = [[_is_furniture(line) for line in page] for page in pages]
    furniture = [[mark or _key(line) in recurring for line, mark in zip(page, marks)] for page, marks in zip(pages, patterned)]
    # The body's top and foot: from the lines that are neither; when every line recurs (a file that repeats one
    # page), from the lines that only recur.
    top, foot = _extent(pages, furniture) if any(not all(marks) for marks in furniture) else _extent(pages, patterned)
    body_pages = []
    for page, marks in zip(pages, furniture):
        start, stop = 0, len(page)
        while start < stop and marks[start] and page[start].y < top - page[start].size / 2:
            start += 1
        while stop > start and marks[stop - 1] and page[stop - 1].y > foot + page[stop - 1].size / 2:
            stop -= 1
        body = page[start:stop]
        if body and _CONTINUED.fullmatch(body[0].text.strip()):
            body = body[1:]
        if body and _CONTINUED.fullmatch(body[-1].text.strip()):
            body = body[:-1]
        if len(body) == 1 and body[0].text.strip().upper() == "OMITTED":
            body = []
        body_pages.append([_numbered(line) for line in body])
    return body_pages


def _unmarked(line: Line, width: float) -> Line | None:
    """The line without revision asterisks at its right end (None when it held nothing else: a mark alone in the
    right half of the page)."""
    segments = line.segments
    while segments and _MARK.fullmatch(segments[-1].text) and (len(segments) > 1 or segments[-1].x > width / 2):
        segments = segments[:-1]
    if segments is line.segments:
        return line
    return Line(line.page, line.y, line.size, segments) if segments else None


def _extent(pages: list[list[Line]], marks: list[list[bool]]) -> tuple[float, float]:
    """(the highest first baseline, the lowest last one) of the unmarked lines of every page."""
    firsts = [next(line.y for line, mark in zip(page, page_marks) if not mark)
              for page, page_marks in zip(pages, marks) if not all(page_marks)]
    lasts = [next(line.y for line, mark in zip(reversed(page), reversed(page_marks)) if not mark)
             for page, page_marks in zip(pages, marks) if not all(page_marks)]
    return min(firsts, default=float("inf")), max(lasts, default=float("-inf"))


def _is_furniture(line: Line) -> bool:
    """A page number, a revision header or a scene continued, in one piece or several on the line."""
    return all(_PAGE_NUMBER.fullmatch(text) or _REVISION.match(text) or _CONTINUED.fullmatch(text)
               for text in (segment.text.strip() for segment in line.segments))


def _key(line: Line) -> tuple[int, str]:
    """Where a line stands (its baseline, to the point) and its text with digits made "#" (page numbers differ)."""
    return round(line.y), _DIGITS.sub("#", line.text.strip()).upper()


def _recurring(pages: list[list[Line]]) -> set[tuple[int, str]]:
    """The lines (`_key`) among the first two and last two of at least half the pages, and of three."""
    counts: Counter[tuple[int, str]] = Counter()
    for page in pages:
        edge = page[:2] + page[-2:] if len(page) > 4 else page
        counts.update({_key(line) for line in edge})
    least = max(3, len(pages) // 2)
    return {key for key, count in counts.items() if count >= least}


def _numbered(line: Line) -> Line:
    """A heading line with its scene numbers taken off its margins into `number` (left one first, else right one)."""
    segments = line.segments
    if len(segments) < 2:
        return line
    left = segments[0].text if _SCENE_NUMBER.fullmatch(segments[0].text) else None
    right = segments[-1].text if _SCENE_NUMBER.fullmatch(segments[-1].text) else None
    rest = segments[(1 if left else 0):(len(segments) - 1 if right else len(segments))]
    if not rest:
        return line
    heading = HEADING_PREFIX.match(rest[0].text) is not None
    if left and right and (left == right or heading):
        number = left
    elif left and heading:
        number, rest = left, segments[1:]
    elif right and heading:
        number, rest = right, segments[:-1]
    else:
        return line
    return Line(line.page, line.y, line.size, list(rest), number=number)

"""A screenplay PDF's title page: found, and read back as Fountain title page entries.

The trade's title page (as Slate, Final Draft and screenplain print it): the title centred about a
third of the way down, then "by" / "Written by" and the authors, a source ("Story by", "Based
on"), centred; contact details and the draft date at the foot, left or right. The first page is a
title page when the document has another page, no line of it starts a scene ("INT." ...), and at
least half of its lines in the upper two thirds are centred (on the text column or on the page).
"""
from __future__ import annotations

import re

from .columns import Columns, cue_of, find_columns
from .furniture import HEADING_PREFIX, remove
from .text import Document, Line

_CREDIT = re.compile(r"(?:(?:written|screenplay|teleplay|story|created|adapted|directed)(?:\s+(?:and|&)\s+\w+)*\s+)?by:?", re.I)
_SOURCE = re.compile(r"(?:story by|based on|from|adapted from|inspired by|original)\b", re.I)
_DATE = re.compile(r"\b(?:\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}|\d{4}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d)", re.I)
_NEAR = 4  # characters: title pages centre on the page or on the text column, which differ by 2.5 (Slate)
_COPYRIGHT = re.compile(r"(?:\(c\)|\u00a9|copyright)", re.I)


def split_title_page(document: Document) -> tuple[list[tuple[str, str]], list[list[Line]]]:
    """(title page entries, body pages with their furniture removed): no entries when the first page is not a title page."""
    pages = document.pages
    if len(pages) >= 2 and pages[0]:
        body = remove(pages[1:], document.width)
        if any(body):
            columns = find_columns([page for page in body if page], document.width)
            if _is_title_page(pages[0], columns, document.height):
                return _entries(pages[0], columns, document.height), body
    return [], remove(pages, document.width)


def _is_title_page(page: list[Line], columns: Columns, height: float) -> bool:
    if any(HEADING_PREFIX.match(line.text) for line in page):
        return False
    if any(cue_of(line) and after.x < line.x - 1.5 * line.char and after.y - line.y <= 1.5 * columns.pitch
           for line, after in zip(page, page[1:])):
        return False
    upper = [line for line in page if line.y < height * 2 / 3]
    return bool(upper) and 2 * sum(columns.centred(line, _NEAR, indented=False) for line in upper) >= len(upper)


def _groups(lines: list[Line], pitch: float) -> list[list[Line]]:
    """Lines split where a blank line (or a larger font's wider spacing) stands between them."""
    groups: list[list[Line]] = []
    for line in lines:
        if groups and line.y - groups[-1][-1].y <= 1.5 * max(pitch, line.size * 1.25):
            groups[-1].append(line)
        else:
            groups.append([line])
    return groups


def _text(lines: list[Line]) -> str:
    return "\n".join(line.text.strip() for line in lines)


def _entries(page: list[Line], columns: Columns, height: float) -> list[tuple[str, str]]:
    """The entries in the order Fountain writes them: Title, Credit, Author, Source, then the foot's."""
    upper = [line for line in page if line.y < height * 2 / 3]
    centred = [line for line in upper if columns.centred(line, _NEAR, indented=False)]
    kept = {id(line) for line in centred}
    foot = [line for line in page if id(line) not in kept]
    credit = next((index for index, line in enumerate(centred) if _CREDIT.fullmatch(line.text.strip())), None)
    entries: list[tuple[str, str]] = []
    if credit is None:
        groups = _groups(centred, columns.pitch)
        title, after = (groups[0] if groups else []), [line for group in groups[1:] for line in group]
    else:
        title, after = centred[:credit], centred[credit + 1:]
    if title:
        entries.append(("Title", _text(title)))
    if credit is not None:
        entries.append(("Credit", centred[credit].text.strip()))
    source = next((index for index, line in enumerate(after) if _SOURCE.match(line.text.strip())), len(after))
    if after[:source]:
        entries.append(("Author", _text(after[:source])))
    if after[source:]:
        entries.append(("Source", _text(after[source:])))
    contact = False
    for group in _groups(foot, columns.pitch):
        text = _text(group)
        if _COPYRIGHT.match(text):
            entries.append(("Copyright", text))
        elif _DATE.search(text) and len(group) == 1:
            entries.append(("Draft date", text))
        else:
            entries.append(("Notes" if contact else "Contact", text))
            contact = True
    return entries

"""A Final Draft title page to Fountain's `Key: value` entries and back.

Final Draft's title page (`<TitlePage><Content>`) is free paragraphs, centred or left-aligned,
with no keys; Fountain's (https://fountain.io/syntax#title-page) is keys. The keys are read by
where a paragraph stands, as screenplay title pages are laid out (the Fountain spec's own example,
Final Draft's title page template): centred, the title, then a credit ("Written by"), then the
author, then the source; left-aligned at the bottom, the copyright, a draft date and the contact.

A paragraph that starts with a key (`Draft date: 1 May`) has that key: any key when left-aligned,
one of KNOWN_KEYS when centred (a title may hold a colon). The writer lays entries out the same way
and writes the key out wherever the reader would not find it back, so every title page survives
a round trip through Final Draft's format, keys and order included.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from apps.scripts.fountain.emphasis import Span, plain, spans

from .markup import markup

KNOWN_KEYS = ("title", "credit", "author", "authors", "source", "draft date", "date", "contact", "copyright", "notes",
              "revision")
_CENTRED = ("title", "credit", "author", "authors", "source")
# A key as Fountain reads one (apps.scripts.fountain.source): a letter first, no dots or colons.
_KEY = re.compile(r"([^\W\d_][\w '\-]*):[ ]*(.*)", re.DOTALL)
_CREDIT = re.compile(r"(?:[^\n]{0,40}\s)?by", re.IGNORECASE)
_COPYRIGHT = re.compile(r"©|\(c\)|\bcopyright\b", re.IGNORECASE)
_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
_DATE = re.compile(rf"\b\d{{1,4}}[/.\-]\d{{1,2}}[/.\-]\d{{1,4}}\b|\b(?:{_MONTHS})[a-z]*\.?\s+\d", re.IGNORECASE)
_MERGED = ("Title", "Contact")  # consecutive paragraphs of these, keyed by place, are one entry's lines


@dataclass
class TitleParagraph:
    """One paragraph of a Final Draft title page: its alignment and its styled runs."""

    centred: bool
    runs: list[Span] = field(default_factory=list)


class _Layout:
    """Which key a paragraph has, from its place: the state a reader carries down the page."""

    def __init__(self) -> None:
        self.credited = False  # a credit line was seen: centred paragraphs now name the author, then the source
        self.after_credit = 0
        self.last_placed: str | None = None  # the key of the last paragraph keyed by place (None: by its key)

    def key_by_place(self, centred: bool, printed: str) -> str:
        if centred:
            if _CREDIT.fullmatch(printed.strip()):
                return "Credit"
            if not self.credited:
                return "Title"
            return "Author" if self.after_credit == 0 else "Source"
        if _COPYRIGHT.search(printed):
            return "Copyright"
        return "Draft date" if _DATE.search(printed) else "Contact"

    def merges(self, key: str) -> bool:
        """A paragraph keyed `key` by place joins the entry before it."""
        return key in _MERGED and self.last_placed == key

    def commit(self, key: str, *, placed: bool) -> None:
        lowered = key.lower()
        if lowered == "credit":
            self.credited = True
        elif self.credited and lowered in ("author", "authors", "source"):
            self.after_credit += 1
        self.last_placed = key if placed else None


def _explicit(centred: bool, printed: str) -> re.Match | None:
    match = _KEY.fullmatch(printed.split("\n", 1)[0].strip())
    if match is None or (centred and match.group(1).strip().lower() not in KNOWN_KEYS):
        return None
    return match


def read_title_page(paragraphs: list[TitleParagraph]) -> list[tuple[str, str]]:
    """The title page's `(key, value)` entries in page order; values in Fountain markup, lines
    joined with "\\n", each stripped, empty ones dropped. Empty paragraphs (Final Draft's spacing)
    are skipped."""
    layout = _Layout()
    entries: list[tuple[str, str]] = []
    for paragraph in paragraphs:
        printed = "".join(run.text for run in paragraph.runs)
        if not printed.strip():
            continue
        value = _lines(markup(paragraph.runs))
        match = _explicit(paragraph.centred, printed)
        if match is not None:
            key = match.group(1).strip()
            head, _, rest = value.partition(":")
            value = _lines(rest) if head.strip() == key else _lines(match.group(2))
            layout.commit(key, placed=False)
            entries.append((key, value))
            continue
        key = layout.key_by_place(paragraph.centred, printed)
        if layout.merges(key):
            entries[-1] = (key, entries[-1][1] + "\n" + value)
        else:
            entries.append((key, value))
        layout.commit(key, placed=True)
    return entries


def title_page_paragraphs(entries: list[tuple[str, str]]) -> list[TitleParagraph]:
    """The paragraphs that `read_title_page` reads back as `entries`: centred for the title, credit,
    author(s) and source, left-aligned for the rest; `Key: value` where the place would not say the key."""
    layout = _Layout()
    paragraphs = []
    for key, value in entries:
        centred = key.strip().lower() in _CENTRED
        printed = plain(value)
        placed = (printed.strip() != "" and _explicit(centred, printed) is None
                  and layout.key_by_place(centred, printed) == key)
        placed = placed and not layout.merges(key)
        runs = spans(value)
        if not placed:
            runs = [Span(f"{key}: " if value else f"{key}:"), *runs]
        layout.commit(key, placed=placed)
        paragraphs.append(TitleParagraph(centred=centred, runs=runs))
    return paragraphs


def _lines(text: str) -> str:
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())

"""Fountain emphasis (*italics*, **bold**, ***bold italics***, _underline_) read as data.

Element text keeps the writer's markup; `spans(text)` reads it into styled runs for whoever
renders it (the PDF export, an HTML view). Rules, from https://fountain.io/syntax#emphasis:
Markdown's, except that `_` underlines; the styles combine and nest
(`_Steel's face FILLS the *Leupold Mark 4* scope_`); emphasis never crosses a line break; a
marker only opens before a non-space and only closes after one (`*69 and then *23` stays as
written); a backslash makes the next `*` or `_` literal (`**\\*9765\\***`). As in Markdown,
an underscore inside a word (`file_name_here`) is no marker.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

# Escaped markers stand in the text as private-use characters while the markup is read.
_ESCAPES = {"\\*": "\ue000", "\\_": "\ue001"}
_UNESCAPE = {v: k[1] for k, v in _ESCAPES.items()}
# Longest marker first, so "***" is bold italics and not italics around "**".
_MARKUP = re.compile(
    r"(?P<m>\*\*\*|\*\*|\*|(?<![^\W_])_)(?=\S)(?P<inner>.+?)(?<=\S)(?P=m)(?!(?<=_)[^\W_])"
)
_STYLES = {"***": ("bold", "italic"), "**": ("bold",), "*": ("italic",), "_": ("underline",)}


@dataclass(frozen=True)
class Span:
    """A run of text in one style; `text` is what is printed (markers and escapes gone)."""

    text: str
    bold: bool = False
    italic: bool = False
    underline: bool = False


def spans(text: str) -> list[Span]:
    """Read the emphasis markup of `text` (one element's text, "\\n" between lines) into spans.

    The spans' texts joined give the text as printed; neighbouring spans differ in style.
    Unmatched markers are kept as written. Never raises.
    """
    result: list[Span] = []
    for number, line in enumerate(text.split("\n")):
        if number:
            _append(result, Span("\n"))
        for escape, mark in _ESCAPES.items():
            line = line.replace(escape, mark)
        _read(line, frozenset(), result)
    return result


def plain(text: str) -> str:
    """The text as printed: emphasis markers and escaping backslashes removed."""
    return "".join(span.text for span in spans(text))


def to_html(text: str) -> str:
    """The text with emphasis as <b>, <i>, <u> (outermost <b>, then <i>, then <u>), HTML-escaped."""
    out = []
    for span in spans(text):
        opening = "".join(f"<{t}>" for t, on in (("b", span.bold), ("i", span.italic),
                                                   ("u", span.underline)) if on)
        closing = "".join(f"</{t}>" for t in reversed(re.findall(r"<(\w)>", opening)))
        out.append(opening + html.escape(span.text, quote=False) + closing)
    return "".join(out)


def _read(line: str, styles: frozenset[str], result: list[Span]) -> None:
    position = 0
    for match in _MARKUP.finditer(line):
        _append(result, _span(line[position:match.start()], styles))
        _read(match.group("inner"), styles | set(_STYLES[match.group("m")]), result)
        position = match.end()
    _append(result, _span(line[position:], styles))


def _span(text: str, styles: frozenset[str]) -> Span:
    for mark, char in _UNESCAPE.items():
        text = text.replace(mark, char)
    return Span(text, "bold" in styles, "italic" in styles, "underline" in styles)


def _append(result: list[Span], span: Span) -> None:
    """Add a span, merging it into the previous one when the style is the same."""
    if not span.text:
        return
    last = result[-1] if result else None
    if last and (last.bold, last.italic, last.underline) == (span.bold, span.italic, span.underline):
        result[-1] = Span(last.text + span.text, span.bold, span.italic, span.underline)
    else:
        result.append(span)

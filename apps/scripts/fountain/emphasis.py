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
# Markers, longest first, so "***" is bold italics and not italics around "**".
_STYLES = {"***": ("bold", "italic"), "**": ("bold",), "*": ("italic",), "_": ("underline",)}
# Where each marker may close: after a non-space; an "_" also not before a letter or digit.
_CLOSERS = {
    "***": re.compile(r"(?<=\S)(?=\*\*\*)"),
    "**": re.compile(r"(?<=\S)(?=\*\*)"),
    "*": re.compile(r"(?<=\S)(?=\*)"),
    "_": re.compile(r"(?<=\S)(?=_(?![^\W_]))"),
}
_OPENER_CHARS = re.compile(r"[*_]")
_STARS, _UNDERSCORES, _NOTHING = re.compile(r"\*"), re.compile(r"_"), re.compile(r"(?!)")
_STAR_MARKERS, _UNDERSCORE_MARKER = ("***", "**", "*"), ("_",)
_MAX_DEPTH = 16  # emphasis cannot nest deeper than a few levels (see _read); a guard, never reached


@dataclass(frozen=True, slots=True)
class Span:
    """A run of text in one style; `text` is what is printed (markers and escapes gone)."""

    text: str
    bold: bool = False
    italic: bool = False
    underline: bool = False


def spans(text: str) -> list[Span]:
    """Read the emphasis markup of `text` (one element's text, "\\n" between lines) into spans.

    The spans' texts joined give the text as printed; neighbouring spans differ in style.
    Unmatched markers are kept as written. Never raises. Linear in the length of `text`.
    """
    pieces: list[tuple[str, tuple[bool, bool, bool]]] = []
    for number, line in enumerate(text.split("\n")):
        if number:
            pieces.append(("\n", (False, False, False)))
        for escape, mark in _ESCAPES.items():
            line = line.replace(escape, mark)
        _read(line, frozenset(), pieces, 0)
    return _merged(pieces)


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


def _read(line: str, styles: frozenset[str], pieces: list, depth: int) -> None:
    """Append `line`'s styled pieces to `pieces`, reading its markup as this regex would, left to right:
    `(***|**|*|(?<![^\\W_])_)(?=\\S)(.+?)(?<=\\S)\\1(?!(?<=_)[^\\W_])`, each match's inner text read again.

    The regex took quadratic time (a lazy `.+?` from every opener that has no closer, e.g. "*a "
    repeated). Here each opener takes the first closer after it; openers come in order, so each
    stretch of the line is searched for a marker's closer once (a found closer is kept while it
    lies ahead), and once no "*" (or no "_") can close any more, those openers are not even
    looked at: linear in the line's length. Inner texts are read again, but markup nests only a
    few levels deep (inside "*...*" no "*" can close, so only "_" nests there, and the reverse),
    so every character is read a bounded number of times.
    """
    style = ("bold" in styles, "italic" in styles, "underline" in styles)
    if depth > _MAX_DEPTH:
        pieces.append((_unescape(line), style))
        return
    found: dict[str, tuple[int, int]] = {}  # marker → (searched from, the first closer from there or -1)
    openers = _OPENER_CHARS
    position = search = 0
    length = len(line)
    while (opener := openers.search(line, search)) is not None:
        start = opener.start()
        match = None
        for marker in (_STAR_MARKERS if line[start] == "*" else _UNDERSCORE_MARKER):
            inner = start + len(marker)
            if (not line.startswith(marker, start) or inner >= length or line[inner].isspace()
                    or (marker == "_" and start and line[start - 1].isalnum())):
                continue
            since, close = found.get(marker, (-1, -1))
            if since < 0 or 0 <= close <= inner:  # not searched yet, or that closer is behind us
                hit = _CLOSERS[marker].search(line, inner + 1)
                since, close = inner + 1, hit.start() if hit else -1
                found[marker] = since, close
            if close >= 0:
                match = marker, inner, close
                break
            if marker in ("*", "_"):  # no "*" (or "_") closes from here on: stop looking at those openers
                openers = _openers_alive(found)
        if match is None:
            search = start + 1
            continue
        marker, inner, close = match
        if position < start:
            pieces.append((_unescape(line[position:start]), style))
        inside = styles | set(_STYLES[marker])
        if close - inner < 3 or _OPENER_CHARS.search(line, inner, close) is None:  # no markup can be inside: no need to read it
            pieces.append((_unescape(line[inner:close]), ("bold" in inside, "italic" in inside, "underline" in inside)))
        else:
            _read(line[inner:close], inside, pieces, depth + 1)
        position = search = close + len(marker)
    if position < length:
        pieces.append((_unescape(line[position:]), style))


def _openers_alive(found: dict[str, tuple[int, int]]) -> re.Pattern:
    """The openers still worth finding: "*" unless no "*" closes any more (no "**" or "***" then
    either), "_" unless no "_" does."""
    star, underscore = found.get("*", (0, 0))[1] >= 0, found.get("_", (0, 0))[1] >= 0
    return _OPENER_CHARS if star and underscore else _STARS if star else _UNDERSCORES if underscore else _NOTHING


def _unescape(text: str) -> str:
    for mark, char in _UNESCAPE.items():
        text = text.replace(mark, char)
    return text


def _merged(pieces: list[tuple[str, tuple[bool, bool, bool]]]) -> list[Span]:
    """Spans from styled pieces, neighbours of the same style joined (each text joined once: linear)."""
    result: list[Span] = []
    run: list[str] = []
    current = None
    for text, style in pieces:
        if not text:
            continue
        if style != current and run:
            result.append(Span("".join(run), *current))
            run = []
        current = style
        run.append(text)
    if run:
        result.append(Span("".join(run), *current))
    return result

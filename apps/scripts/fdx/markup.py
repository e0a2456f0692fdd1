"""Final Draft's styled text runs to Fountain emphasis markup, and note offsets between the two.

Final Draft keeps a paragraph's text as runs (`<Text Style="Bold+Italic">`); Slate's elements keep
Fountain markup (`**`, `*`, `_`; https://fountain.io/syntax#emphasis), read by
`apps.scripts.fountain.emphasis.spans`. `markup(runs)` writes runs as markup that `spans` reads
back as the same runs, and `plain_to_markup` / `markup_to_plain` move a note's offset from the
printed text to the markup and back. Everything here is linear in the length of the text.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from apps.scripts.fountain.emphasis import Span, spans

STYLES = ("bold", "italic", "underline")
_MARKER = {"bold": "**", "italic": "*", "underline": "_"}
_ESCAPE = str.maketrans({"*": "\\*", "_": "\\_"})
_MARKED = re.compile(r"[*_\\]")
_ESCAPE_LIKE = re.compile(r"\\[*_]")
_STAR_OPENS = re.compile(r"\*(?=\S)")
_UNDERSCORE_OPENS = re.compile(r"(?<![^\W_])_(?=\S)")


def markup(runs: list[Span]) -> str:
    """Fountain text that `spans` reads back as `runs` (lines split at "\\n", emphasis never crosses one).

    Each line is written nested (a style that lasts longer opens first, as in
    `_Steel FILLS the *Leupold Mark 4* scope_`), its literal `*` and `_` escaped (`\\*`) where
    they might read as markup (`_may_read_as_markup`); if that does not read back as the runs,
    each run marked on its own, escaped; and last, when Fountain cannot say it (`_` right after a
    letter cannot open), the line's text escaped without its emphasis. Whitespace at the edge of a
    styled run goes outside its markers (a marker opens before a non-space and closes after one):
    it loses that style. At most three readings of each line by `spans`: linear.
    """
    if not any(run.bold or run.italic or run.underline for run in runs):
        return _unstyled("".join(run.text for run in runs))
    lines: list[list[Span]] = [[]]
    for run in runs:
        first, *rest = run.text.split("\n")
        if first:
            lines[-1].append(Span(first, run.bold, run.italic, run.underline))
        for part in rest:
            lines.append([Span(part, run.bold, run.italic, run.underline)] if part else [])
    escapes = [_may_read_as_markup("".join(run.text for run in line)) for line in lines]
    whole = "\n".join(_nested(line, escape=escape) for line, escape in zip(lines, escapes))
    if _same(whole, runs):
        return whole
    return "\n".join(_line(line, escape=escape, tried=len(lines) == 1) for line, escape in zip(lines, escapes))


def _unstyled(text: str) -> str:
    """Plain text as markup: each line as it is, or with its `*` and `_` escaped where it might read as
    emphasis (`_may_read_as_markup`). Escaping never changes what is printed; it is kept to the lines
    that need it so the Fountain text stays as the writer would type it."""
    if not _MARKED.search(text):
        return text
    return "\n".join(line.translate(_ESCAPE) if _may_read_as_markup(line) else line for line in text.split("\n"))


def _may_read_as_markup(line: str) -> bool:
    """Whether `spans` might read part of the line as emphasis or an escape: a backslash before a marker,
    or a marker that may open (before a non-space; an `_` not after a letter or digit) before one that
    may close (after a non-space; an `_` not before a letter or digit). A superset of what `spans`
    reads (https://fountain.io/syntax#emphasis), found with four regex searches: C speed, no Span made."""
    if _ESCAPE_LIKE.search(line):
        return True
    backwards = line[::-1]
    for marker in (_STAR_OPENS, _UNDERSCORE_OPENS):
        first = marker.search(line)
        # A closer read backwards is an opener: the last closer is the first opener of the reversed line.
        last = marker.search(backwards) if first else None
        if first and last and first.start() + 1 < len(line) - 1 - last.start():
            return True
    return False


def plain_to_markup(text: str, plain: str, offsets: list[int]) -> list[int]:
    """Where each offset into the printed `plain` text (ascending) falls in its markup `text`: before
    the markup of the character it stood before; an offset at the end is the end of `text`."""
    if text == plain:
        return list(offsets)
    return _translate(((j, i) for i, j in _aligned(text, plain)), offsets, len(text))


def markup_to_plain(text: str, plain: str, offsets: list[int]) -> list[int]:
    """Where each offset into the markup `text` (ascending) falls in the printed `plain` text: the
    number of printed characters before it (the inverse of `plain_to_markup`)."""
    if text == plain:
        return list(offsets)
    return _translate(_aligned(text, plain), offsets, len(plain))


def _translate(pairs: Iterator[tuple[int, int]], offsets: list[int], end: int) -> list[int]:
    """Each offset (ascending) as the value of the first `(key, value)` pair whose key is at or past it; `end` past the last."""
    found, wanted = [], iter(offsets)
    target = next(wanted, None)
    for key, value in pairs:
        while target is not None and target <= key:
            found.append(value)
            target = next(wanted, None)
        if target is None:
            return found
    return found + [end] * (len(offsets) - len(found))


def _aligned(text: str, plain: str) -> Iterator[tuple[int, int]]:
    """(index in `text`, index in `plain`) of each printed character: a greedy walk where a character
    of the markup that is not the next printed one is a marker or an escape. Around markers a
    printed `*` may pair with a marker instead (a note there moves by a character or two)."""
    j, end = 0, len(plain)
    for i, char in enumerate(text):
        if j == end:
            return
        if char == plain[j]:
            yield i, j
            j += 1


def _line(runs: list[Span], *, escape: bool, tried: bool) -> str:
    """One line's markup (`escape`: its literal markers; `tried`: written nested, it was found not to read back)."""
    if not any(run.bold or run.italic or run.underline for run in runs):
        return _unstyled("".join(run.text for run in runs))
    attempts = [lambda: _flat(runs)]
    if not tried:
        attempts.insert(0, lambda: _nested(runs, escape=escape))
    expected = _signature(runs)
    for attempt in attempts:
        text = attempt()
        if _signature(spans(text)) == expected:
            return text
    return "".join(run.text for run in runs).translate(_ESCAPE)


def _styles(run: Span) -> tuple[str, ...]:
    return tuple(style for style in STYLES if getattr(run, style))


def _nested(runs: list[Span], *, escape: bool) -> str:
    """The line with markers opened and closed like HTML tags around the runs."""
    # lasting[i][style]: how many runs from i on keep that style (the longer, the further out it opens)
    lasting: list[dict[str, int]] = [{} for _ in runs] + [{}]
    for i in range(len(runs) - 1, -1, -1):
        lasting[i] = {style: lasting[i + 1].get(style, 0) + 1 for style in _styles(runs[i])}
    out: list[str] = []
    stack: list[str] = []  # open styles, outermost first
    pending = ""  # whitespace held back until it is known which markers close before it
    for i, run in enumerate(runs):
        text = run.text.translate(_ESCAPE) if escape else run.text
        want = set(_styles(run))
        while stack and not set(stack) <= want:
            out.append(_MARKER[stack.pop()])
        core = text.strip()
        if not core:
            pending += text
            continue
        lead = text[:len(text) - len(text.lstrip())]
        out += [pending, lead]
        opening = [style for style in STYLES if style in want and style not in stack]
        for style in sorted(opening, key=lambda s: -lasting[i][s]):  # stable: ties open bold, italic, underline
            out.append(_MARKER[style])
            stack.append(style)
        out.append(core)
        pending = text[len(text.rstrip()):]
    out += [_MARKER[style] for style in reversed(stack)]
    out.append(pending)
    return "".join(out)


def _flat(runs: list[Span]) -> str:
    """The line with each styled run marked on its own (`_***text***_`), literal markers escaped."""
    out = []
    for run in runs:
        text = run.text.translate(_ESCAPE)
        core = text.strip()
        styles = _styles(run)
        if not core or not styles:
            out.append(text)
            continue
        stars = "***" if run.bold and run.italic else "**" if run.bold else "*" if run.italic else ""
        under = "_" if run.underline else ""
        lead, trail = text[:len(text) - len(text.lstrip())], text[len(text.rstrip()):]
        out.append(f"{lead}{under}{stars}{core}{stars}{under}{trail}")
    return "".join(out)


def _same(text: str, runs: list[Span]) -> bool:
    """`spans(text)` prints the runs' text with the runs' styles on every character but whitespace."""
    return _signature(spans(text)) == _signature(runs)


def _signature(runs: list[Span]) -> tuple[str, list[tuple[tuple[str, ...], int]]]:
    """The printed text, and the styles of its non-whitespace characters as (styles, count) runs."""
    styled: list[tuple[tuple[str, ...], int]] = []
    for run in runs:
        count = len("".join(run.text.split()))  # its non-whitespace characters, at C speed
        if not count:
            continue
        styles = _styles(run)
        if styled and styled[-1][0] == styles:
            styled[-1] = (styles, styled[-1][1] + count)
        else:
            styled.append((styles, count))
    return "".join(run.text for run in runs), styled

"""Write a parsed screenplay back as canonical Fountain 1.1 text (https://fountain.io/syntax).

The promise: `parse(to_fountain(s))` gives the same elements as `s` (kind, text, scene number,
extension, dual, depth, inline notes; source line numbers aside) and the same title page, within
the limits `to_fountain` lists. Elements are
written one per paragraph with a blank line between them, except inside a dialogue block
(cue, parentheticals, speech, lyrics and notes within it), and forcing characters are added only
where the plain line would be read as something else.
"""

from __future__ import annotations

from . import model as m
from .model import Element, Note, Screenplay
from .parser import _HEADING_PREFIX, _PAGE_BREAK, _is_upper, split_character
from .source import normalise, source_lines, split_title_page

# First characters that force a kind on any line, even one that continues a paragraph.
_FORCING_ANYWHERE = ("!", "#", "=", ">", "~")


def to_fountain(screenplay: Screenplay) -> str:
    """The screenplay as Fountain text: title page, blank line, body; ends with one newline.

    Inline notes (`Element.notes`) are written back as `[[...]]` where they stood, an empty line
    inside a note as two spaces (Fountain 1.1: "if you wish a note to contain an empty line, you
    must place two spaces there"); note elements as `[[...]]` on a line of their own.
    Known limits (none occur in the shared test data): a literal "[[" and a later "]]" (or "/*"
    and "*/") that a boneyard or a note in the title page kept apart (both are removed by the
    parser) can pair up once written; a literal "[" right before a note (or a note whose text
    ends in "]") is read back inside it (outside it). When the first title page entry has an empty value, the first entry with a value is
    moved to the front. A heading that starts with neither a letter nor a digit and has no
    INT/EXT prefix cannot be forced, and comes back as action. Notes in the title page are not
    kept.
    """
    blocks = _title_page(screenplay.title_page)
    body = _body(screenplay.elements)
    if not blocks and body and split_title_page(source_lines(normalise(body)))[0]:
        body = "\n" + body  # a first line like "Note: ..." would be read as a title page
    text = "\n\n".join([*blocks, body] if body else blocks)
    return text + "\n" if text else ""


def _title_page(entries: list[tuple[str, str]]) -> list[str]:
    """`Key: value`, or `Key:` with the value's lines indented by four spaces below it."""
    if not entries:
        return []
    # The parser reads a first `KEY:` with nothing after it as body text, so an entry with a
    # value goes first when there is one (the order of the others is kept).
    first = next((i for i, (_, value) in enumerate(entries) if value), 0)
    ordered = [entries[first], *entries[:first], *entries[first + 1:]]
    lines = []
    for key, value in ordered:
        values = value.split("\n") if value else []
        if len(values) == 1:
            lines.append(f"{key}: {values[0]}")
        else:
            lines.append(f"{key}:")
            lines.extend(f"    {v}" for v in values)
    return ["\n".join(lines)]


def _body(elements: list[Element]) -> str:
    out: list[str] = []
    block_dual: bool | None = None  # the dual flag of the open dialogue block; None: no block
    for element in elements:
        # Inside a dialogue block the parser gives parentheticals, speech and lyrics the cue's
        # dual flag, and reads note-only lines as notes without closing the block.
        joins = block_dual is not None and (
            element.kind in (m.DIALOGUE, m.PARENTHETICAL, m.NOTE)
            or (element.kind == m.LYRICS and element.dual == block_dual)
        )
        if out:
            out.append("\n" if joins else "\n\n")
        out.append(_element(element))
        if element.kind == m.CHARACTER:
            block_dual = element.dual
        elif not joins:
            block_dual = None
    return "".join(out)


def _element(e: Element) -> str:
    kind, text, notes = e.kind, e.text, e.notes
    if kind == m.SCENE_HEADING:
        forced = "" if _HEADING_PREFIX.match(text) else "."
        number = f" #{e.scene_number}#" if e.scene_number else ""
        return f"{forced}{_noted(text, notes)}{number}"
    if kind == m.CHARACTER:
        cue = " ".join(part for part in (text, e.extension, "^" if e.dual else None) if part)
        natural = (
            _is_upper(text) and text[:1] not in ".!@#=>~[" and not _HEADING_PREFIX.match(text)
            and split_character(cue) == (text, e.extension, e.dual)
        )
        written = " ".join(part for part in (_noted(text, notes), e.extension, "^" if e.dual else None) if part)
        return written if natural else "@" + written
    if kind == m.DIALOGUE:
        return _lines(text, notes, lambda line, first: "" if line else "  ")
    if kind == m.ACTION:
        return _lines(text, notes, _action_forcing)
    if kind == m.TRANSITION:
        natural = _is_upper(text) and text.endswith("TO:") and "\n" not in text
        return _noted(text, notes) if natural else f"> {_noted(text, notes)}"
    if kind == m.NOTE:
        return _note(text) + _noted("", notes)
    noted = _noted(text, notes)
    return {
        m.PARENTHETICAL: noted,
        m.CENTERED: f"> {noted} <",
        m.LYRICS: f"~{noted}",
        m.SECTION: "#" * max(1, e.depth) + f" {noted}",
        m.SYNOPSIS: f"= {noted}",
        m.PAGE_BREAK: f"==={noted}",
    }.get(kind, noted)


def _note(text: str) -> str:
    """`[[text]]`, an empty line inside it written as two spaces so it does not end the note."""
    return "[[" + "\n".join(line or "  " for line in text.split("\n")) + "]]"


def _noted(text: str, notes: tuple[Note, ...], start: int = 0) -> str:
    """`text` (which starts at `start` in its element's text) with the notes placed in it written
    in where they stood; `notes` are those of this stretch."""
    if not notes:
        return text
    out, position = [], 0
    for note in sorted(notes, key=lambda note: note.offset):  # in order already when parsed: linear
        at = min(max(note.offset - start, 0), len(text))
        out += [text[position:at], _note(note.text)]
        position = at
    out.append(text[position:])
    return "".join(out)


def _lines(text: str, notes: tuple[Note, ...], forcing) -> str:
    """A text of several lines (action, speech), each with its own notes written in, each line
    given the prefix `forcing(line, first)` ("!" where the plain line would be misread)."""
    ordered = sorted(notes, key=lambda note: note.offset)
    out, start, index = [], 0, 0
    lines = text.split("\n")
    for number, line in enumerate(lines):
        end = start + len(line)
        last = number == len(lines) - 1
        mine = index
        while mine < len(ordered) and (ordered[mine].offset <= end or last):
            mine += 1
        out.append(forcing(line, number == 0) + _noted(line, tuple(ordered[index:mine]), start))
        index, start = mine, end + 1
    return "\n".join(out)


def _action_forcing(line: str, first: bool) -> str:
    """"!" where an action line would be read as something else: its first line when it looks
    like a heading, a cue, a transition..., any line that starts with a forcing character, is
    a page break or is empty (a truly blank line would end the paragraph)."""
    stripped = line.strip()
    misread = not stripped or stripped[:1] in _FORCING_ANYWHERE or _PAGE_BREAK.fullmatch(stripped)
    if first:
        cue = split_character(stripped)
        misread = (misread or stripped[:1] in (".", "@", "(") or _HEADING_PREFIX.match(stripped) or _is_upper(stripped)
                   or (cue is not None and _is_upper(cue[0])))
    return "!" if misread else ""

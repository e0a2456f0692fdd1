"""Write a parsed screenplay back as canonical Fountain 1.1 text (https://fountain.io/syntax).

The promise: `parse(to_fountain(s))` gives the same elements as `s` (kind, text, scene number,
extension, dual, depth; source line numbers aside) and the same title page. Elements are
written one per paragraph with a blank line between them, except inside a dialogue block
(cue, parentheticals, speech, lyrics and notes within it), and forcing characters are added only
where the plain line would be read as something else.
"""

from __future__ import annotations

from . import model as m
from .model import Element, Screenplay
from .parser import _HEADING_PREFIX, _PAGE_BREAK, _is_upper, split_character
from .source import normalise, source_lines, split_title_page

# First characters that force a kind on any line, even one that continues a paragraph.
_FORCING_ANYWHERE = ("!", "#", "=", ">", "~")


def to_fountain(screenplay: Screenplay) -> str:
    """The screenplay as Fountain text: title page, blank line, body; ends with one newline.

    Known limits (none occur in the shared test data): inline [[notes]] are not elements (the
    parser drops them from the text), so they are not written; a literal "[[" and a later "]]"
    (or "/*" and "*/") that were kept apart by such a note can then pair up. When the first
    title page entry has an empty value, the first entry with a value is moved to the front. A
    heading that starts with neither a letter nor a digit and has no INT/EXT prefix cannot be
    forced, and comes back as action.
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
    kind, text = e.kind, e.text
    if kind == m.SCENE_HEADING:
        forced = "" if _HEADING_PREFIX.match(text) else "."
        number = f" #{e.scene_number}#" if e.scene_number else ""
        return f"{forced}{text}{number}"
    if kind == m.CHARACTER:
        cue = " ".join(part for part in (text, e.extension, "^" if e.dual else None) if part)
        natural = (
            _is_upper(text) and text[:1] not in ".!@#=>~[" and not _HEADING_PREFIX.match(text)
            and split_character(cue) == (text, e.extension, e.dual)
        )
        return cue if natural else "@" + cue
    if kind == m.DIALOGUE:
        return "\n".join(line if line else "  " for line in text.split("\n"))
    if kind == m.TRANSITION:
        natural = _is_upper(text) and text.endswith("TO:") and "\n" not in text
        return text if natural else f"> {text}"
    simple = {
        m.PARENTHETICAL: text,
        m.CENTERED: f"> {text} <",
        m.LYRICS: f"~{text}",
        m.SECTION: "#" * max(1, e.depth) + f" {text}",
        m.SYNOPSIS: f"= {text}",
        m.NOTE: f"[[{text}]]",
        m.PAGE_BREAK: "===",
    }
    if kind in simple:
        return simple[kind]
    return _action(text)


def _action(text: str) -> str:
    """Action lines, each forced with "!" where it would otherwise be read as another kind.

    An empty line inside action (written "!" in the source) is written "!" again, since a
    truly blank line would end the paragraph.
    """
    lines = text.split("\n")
    first = lines[0].strip()
    misread = (
        not first or first[:1] in (".", "@", "(", *_FORCING_ANYWHERE)
        or _HEADING_PREFIX.match(first) or _is_upper(first) or _PAGE_BREAK.fullmatch(first)
    )
    out = ["!" + lines[0] if misread else lines[0]]
    for line in lines[1:]:
        stripped = line.strip()
        forced = not stripped or stripped[:1] in _FORCING_ANYWHERE or _PAGE_BREAK.fullmatch(stripped)
        out.append("!" + line if forced else line)
    return "\n".join(out)

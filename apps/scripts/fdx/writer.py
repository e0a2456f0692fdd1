"""Slate's screenplay model to Final Draft's XML (.fdx): `to_fdx`.

The file has the structure Final Draft reads and writes (`<FinalDraft DocumentType="Script">`,
`<Content>` of `<Paragraph Type=...>`, `<TitlePage>`), the paragraph types named as Final Draft
names them; `apps.scripts.fdx.reader` documents the mapping, which this reverses: a scene number
is the heading's `Number`, a page break `StartsNewPage="Yes"` on the next paragraph, a speech one
Dialogue paragraph per line, a cue and the cue after it marked dual one `<DualDialogue>`, centered
text an Action centred, a section `Outline <depth>`, a synopsis `Outline Body` (Final Draft's outline
types), lyrics a `Lyrics` type the file defines (`<ElementSettings>`, as it does any type Final Draft's
template lacks), emphasis the runs'
`Style`, an inline note a `<ScriptNote>` where it stood, a note element an empty General paragraph
holding it, an action whose first note names a Final Draft type (`FDX paragraph type: Shot`) a
paragraph of that type. `read_fdx(to_fdx(s))` gives back the elements of `s`, emphasis compared
as printed.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from apps.scripts.fountain import model as m
from apps.scripts.fountain.emphasis import Span, plain, spans
from apps.scripts.fountain.model import Element, Screenplay

from .markup import markup_to_plain
from .reader import TYPE_NOTE
from .titlepage import title_page_paragraphs

_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n'
# Characters XML 1.0 does not allow (https://www.w3.org/TR/xml/#charsets): dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_TYPES = {m.SCENE_HEADING: "Scene Heading", m.ACTION: "Action", m.CHARACTER: "Character", m.PARENTHETICAL: "Parenthetical",
          m.TRANSITION: "Transition", m.LYRICS: "Lyrics", m.SYNOPSIS: "Outline Body", m.CENTERED: "Action"}
_IN_BLOCK = (m.DIALOGUE, m.PARENTHETICAL, m.NOTE)
# The paragraph types of Final Draft's screenplay template (the <ElementSettings> of a file it wrote):
# any other type a file uses, the file defines.
TEMPLATE_TYPES = frozenset({"General", "Scene Heading", "Action", "Character", "Parenthetical", "Dialogue", "Transition", "Shot",
                            "Cast List", "New Act", "End of Act", "Outline Body", "Outline 1", "Outline 2", "Outline 3", "Outline 4"})


def to_fdx(screenplay: Screenplay) -> bytes:
    """The screenplay as a Final Draft file: UTF-8 XML bytes, indented, with its declaration."""
    root = ET.Element("FinalDraft", DocumentType="Script", Template="No", Version="5")
    body = _Body(ET.SubElement(root, "Content"))
    body.write(screenplay.elements)
    for fd_type in sorted(body.types - TEMPLATE_TYPES):
        _define(root, fd_type)
    if screenplay.title_page:
        content = ET.SubElement(ET.SubElement(root, "TitlePage"), "Content")
        for paragraph in title_page_paragraphs(screenplay.title_page):
            element = ET.SubElement(content, "Paragraph", Type="General", Alignment="Center" if paragraph.centred else "Left")
            _fill(element, paragraph.runs, [])
    ET.indent(root, space="  ")
    return _DECLARATION + ET.tostring(root, encoding="unicode").encode("utf-8") + b"\n"


def _define(root: ET.Element, fd_type: str) -> None:
    """Define a paragraph type Final Draft's screenplay template lacks, as its own files define each type
    (`<ElementSettings>`, as in a file Final Draft wrote): lyrics italic and set like dialogue, a deeper
    outline level hidden like the others, any other type (one a Final Draft file brought) like General."""
    settings = ET.SubElement(root, "ElementSettings", Type=fd_type)
    outline = fd_type.startswith("Outline ")
    style = "Italic" if fd_type == "Lyrics" else "Italic+HiddenText" if outline else ""
    left, right = ("2.50", "6.00") if fd_type == "Lyrics" else ("1.50", "7.50")
    ET.SubElement(settings, "FontSpec", Font="Courier Final Draft", Size="12", Style=style)
    ET.SubElement(settings, "ParagraphSpec", Alignment="Left", FirstIndent="0.00", Leading="Regular", LeftIndent=left,
                  RightIndent=right, SpaceBefore="0" if fd_type == "Lyrics" else "12", Spacing="1", StartsNewPage="No")
    ET.SubElement(settings, "Behavior", PaginateAs="Dialogue" if fd_type == "Lyrics" else "General", ReturnKey=fd_type)
    if outline:
        ET.SubElement(settings, "Outline", CanHide="Yes", Level="1")


class _Body:
    """Writes the elements into `<Content>`, a page break waiting for the next paragraph."""

    def __init__(self, content: ET.Element) -> None:
        self.content = content
        self.new_page = False
        self.types: set[str] = set()

    def write(self, elements: list[Element]) -> None:
        index, count = 0, len(elements)
        while index < count:
            element = elements[index]
            if element.kind == m.PAGE_BREAK:
                if self.new_page:
                    self._paragraph(self.content, "General")  # a page with nothing on it
                self.new_page = True
                if element.notes:
                    paragraph = self._paragraph(self.content, "General")
                    _fill(paragraph, [], [(0, note.text) for note in element.notes])
                index += 1
            elif element.kind == m.CHARACTER:
                end = _block_end(elements, index)
                if not element.dual and end < count and elements[end].kind == m.CHARACTER and elements[end].dual:
                    after = _block_end(elements, end)
                    dual = ET.SubElement(self._paragraph(self.content, "General"), "DualDialogue")
                    for inner in elements[index:after]:
                        self._element(dual, inner)
                    index = after
                else:
                    for inner in elements[index:end]:
                        self._element(self.content, inner)
                    index = end
            else:
                self._element(self.content, element)
                index += 1
        if self.new_page:
            self._paragraph(self.content, "General")

    def _paragraph(self, parent: ET.Element, fd_type: str, **attributes: str) -> ET.Element:
        if parent is self.content and self.new_page:
            attributes["StartsNewPage"] = "Yes"
            self.new_page = False
        self.types.add(fd_type)
        return ET.SubElement(parent, "Paragraph", Type=fd_type, **attributes)

    def _element(self, parent: ET.Element, element: Element) -> None:
        kind = element.kind
        if kind == m.NOTE:
            _fill(self._paragraph(parent, "General"), [], [(0, element.text)])
            return
        runs = spans(element.text)
        printed = "".join(run.text for run in runs)
        ordered = sorted(element.notes, key=lambda note: note.offset)
        offsets = markup_to_plain(element.text, printed, [note.offset for note in ordered])
        notes = [(offset, note.text) for offset, note in zip(offsets, ordered)]
        if kind == m.DIALOGUE:
            taken = 0
            for line_runs, start, end in _split_lines(runs):
                mine = []
                while taken < len(notes) and notes[taken][0] <= end:
                    mine.append((max(notes[taken][0] - start, 0), notes[taken][1]))
                    taken += 1
                _fill(self._paragraph(parent, "Dialogue"), line_runs, mine)
            return
        attributes = {}
        fd_type = _TYPES.get(kind, "General")
        if kind == m.ACTION and notes and notes[0][0] == 0 and notes[0][1].startswith(TYPE_NOTE):
            fd_type, notes = notes[0][1][len(TYPE_NOTE):].strip() or "General", notes[1:]
        elif kind == m.SECTION:
            fd_type = f"Outline {max(element.depth, 1)}"
        elif kind == m.CENTERED:
            attributes["Alignment"] = "Center"
        elif kind == m.SCENE_HEADING and element.scene_number:
            attributes["Number"] = element.scene_number
        if kind == m.CHARACTER:
            name = plain(element.text)
            runs = [Span(" ".join(part for part in (name, element.extension) if part))]
            notes = [(min(offset, len(name)), text) for offset, text in notes]
        elif kind in (m.SCENE_HEADING, m.TRANSITION):
            runs = [Span(printed)]
        _fill(self._paragraph(parent, fd_type, **attributes), runs, notes)


def _block_end(elements: list[Element], index: int) -> int:
    """The end of the dialogue block a cue at `index` starts, as Fountain's writer joins it
    (apps.scripts.fountain.writer): its speech, parentheticals, notes, and lyrics on its side."""
    dual = elements[index].dual
    end = index + 1
    while end < len(elements) and (elements[end].kind in _IN_BLOCK or (elements[end].kind == m.LYRICS and elements[end].dual == dual)):
        end += 1
    return end


def _split_lines(runs: list[Span]) -> list[tuple[list[Span], int, int]]:
    """The runs cut at "\\n": per line `(runs, start, end)` in printed offsets."""
    lines: list[tuple[list[Span], int, int]] = []
    current: list[Span] = []
    start = position = 0
    for run in runs:
        for number, part in enumerate(run.text.split("\n")):
            if number:
                lines.append((current, start, position))
                position += 1
                start, current = position, []
            if part:
                current.append(Span(part, run.bold, run.italic, run.underline))
                position += len(part)
    lines.append((current, start, position))
    return lines


def _fill(paragraph: ET.Element, runs: list[Span], notes: list[tuple[int, str]]) -> None:
    """Write the runs as `<Text Style=...>` into the paragraph and each note, `(printed offset, text)`
    in order, as a `<ScriptNote>` where it stood (one `<Paragraph>` per line of the note)."""
    position = note_index = 0
    for run in runs:
        end = position + len(run.text)
        piece = position
        while note_index < len(notes) and notes[note_index][0] < end:
            at = max(notes[note_index][0], piece)
            if at > piece:
                _text(paragraph, run, run.text[piece - position:at - position])
            _script_note(paragraph, notes[note_index][1])
            piece = at
            note_index += 1
        if piece < end:
            _text(paragraph, run, run.text[piece - position:])
        position = end
    for _, text in notes[note_index:]:
        _script_note(paragraph, text)


def _text(paragraph: ET.Element, run: Span, text: str) -> None:
    style = "+".join(name for name, on in (("Bold", run.bold), ("Italic", run.italic), ("Underline", run.underline)) if on)
    element = ET.SubElement(paragraph, "Text", Style=style) if style else ET.SubElement(paragraph, "Text")
    element.text = _NOT_XML.sub("", text)


def _script_note(paragraph: ET.Element, text: str) -> None:
    note = ET.SubElement(paragraph, "ScriptNote")
    for line in text.split("\n"):
        ET.SubElement(ET.SubElement(note, "Paragraph"), "Text").text = _NOT_XML.sub("", line)

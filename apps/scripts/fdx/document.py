"""A Final Draft (.fdx) file's XML read as a stream of paragraphs: no tree is built, nothing recurses.

The XML goes through defusedxml's parser (expat, with DTDs, entities and external references
refused: no billion laughs, no XXE) with a target that receives each start tag, text and end tag
(xml.etree's parser-target protocol). Only the parts of Final Draft's format Slate reads are kept:

    <FinalDraft DocumentType="Script">
      <Content>
        <Paragraph Type="Scene Heading" Number="12" StartsNewPage="Yes" Alignment="Center">
          <SceneProperties><Summary><Paragraph><Text>…</Text></Paragraph></Summary></SceneProperties>
          <Text Style="Bold+Underline+Italic+AllCaps">…</Text>  <LineBreak/>
          <ScriptNote><Paragraph><Text>…</Text></Paragraph></ScriptNote>
          <DualDialogue><Paragraph Type="Character">…</Paragraph>…</DualDialogue>
        </Paragraph>
      </Content>
      <TitlePage><Content><Paragraph Alignment="Center"><Text>…</Text></Paragraph></Content></TitlePage>
      <ScriptNotes><ScriptNote Range="15,19"><Paragraph><Text>…</Text></Paragraph></ScriptNote></ScriptNotes>
      <ElementSettings Type="Character"><FontSpec Style="AllCaps"/></ElementSettings>
    </FinalDraft>

Anything else (SceneProperties' other parts, headers, revisions, SmartType, elements nested
where Final Draft puts none) is skipped by counting its depth, so a file nested a million levels
deep costs a counter, read in linear time.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from apps.scripts.fountain.emphasis import Span
from apps.scripts.fountain.model import FountainError

from .titlepage import TitleParagraph


class NotFinalDraft(FountainError):
    """The bytes are not a Final Draft screenplay Slate can read (not XML, not FDX, or refused XML)."""


@dataclass
class Paragraph:
    """One paragraph of the script body as the file has it: its attributes, styled runs and notes.

    `notes` are the `<ScriptNote>`s inside it, each `(offset into the printed text, note text)`;
    `dual` holds the paragraphs of a `<DualDialogue>` inside it (None when it has none); `start`
    is where it begins in the count the `<ScriptNotes>` ranges use (see `Reader`).
    """

    type: str
    number: str | None = None
    new_page: bool = False
    centred: bool = False
    runs: list[Span] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)
    dual: list[Paragraph] | None = None
    summary: list[str] = field(default_factory=list)
    length: int = 0
    start: int = 0

    @property
    def printed(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass
class Document:
    """What `read_document` leaves once the body's paragraphs have been handed on: the title page,
    the `<ScriptNotes>` as `(range start or None, text)`, and the paragraph types Final Draft prints
    in capitals (their `<ElementSettings>` font has the AllCaps style)."""

    title_page: list[TitleParagraph] = field(default_factory=list)
    script_notes: list[tuple[int | None, str]] = field(default_factory=list)
    all_caps: set[str] = field(default_factory=set)


# What each element is, given its parent's role and its tag; any other element is skipped whole.
(_ROOT, _DOC, _BODY, _PARA, _INNER, _DUAL, _TEXT, _BREAK, _NOTE, _NOTE_PARA, _NOTE_TEXT, _PROPS, _SUMMARY,
 _TITLE, _TITLE_BODY, _TITLE_PARA, _NOTES, _SETTINGS, _FONT) = range(19)
_CHILD = {
    (_DOC, "Content"): _BODY, (_BODY, "Paragraph"): _PARA,
    (_PARA, "Text"): _TEXT, (_PARA, "LineBreak"): _BREAK, (_PARA, "ScriptNote"): _NOTE, (_PARA, "DualDialogue"): _DUAL,
    (_PARA, "SceneProperties"): _PROPS, (_PROPS, "Summary"): _SUMMARY, (_SUMMARY, "Paragraph"): _NOTE_PARA,
    (_DUAL, "Paragraph"): _INNER, (_INNER, "Text"): _TEXT, (_INNER, "LineBreak"): _BREAK, (_INNER, "ScriptNote"): _NOTE,
    (_NOTE, "Paragraph"): _NOTE_PARA, (_NOTE_PARA, "Text"): _NOTE_TEXT,
    (_DOC, "TitlePage"): _TITLE, (_TITLE, "Content"): _TITLE_BODY, (_TITLE_BODY, "Paragraph"): _TITLE_PARA,
    (_TITLE_PARA, "Text"): _TEXT,
    (_DOC, "ScriptNotes"): _NOTES, (_NOTES, "ScriptNote"): _NOTE,
    (_DOC, "ElementSettings"): _SETTINGS, (_SETTINGS, "FontSpec"): _FONT,
}
_STYLE_FLAGS = ("Bold", "Italic", "Underline")


def read_document(data: bytes, on_paragraph: Callable[[Paragraph], None]) -> Document:
    """Read FDX bytes, calling `on_paragraph` with each paragraph of the body in order.

    Raises `NotFinalDraft` (a FountainError) for bytes that are not well-formed XML, XML whose root
    is not `<FinalDraft>`, or XML with a DTD, entities or external references; whatever
    `on_paragraph` raises (e.g. TooManyElements) stops the read and goes up as is.
    """
    reader = _Reader(on_paragraph)
    parser = DefusedXMLParser(target=reader, forbid_dtd=True)
    try:
        parser.feed(data)
        parser.close()
    except ParseError as exc:
        raise NotFinalDraft(f"not a Final Draft file: the XML is not well-formed ({exc})") from None
    except DefusedXmlException:
        raise NotFinalDraft("not a Final Draft file Slate reads: it declares a DTD or entities, which Slate refuses") from None
    return reader.document


class _Reader:
    """The parser's target: keeps the role of each open element Slate reads, and a depth count of the skipped one."""

    def __init__(self, on_paragraph: Callable[[Paragraph], None]) -> None:
        self.on_paragraph = on_paragraph
        self.document = Document()
        self.roles = [_ROOT]
        self.owners: list = [None]  # per open element: the paragraph, note or title paragraph its text goes to
        self.skipped = 0  # depth inside an element Slate does not read
        self.chunks: list[str] = []  # text of the open <Text>
        self.style: tuple[bool, bool, bool, bool] = (False, False, False, False)
        self.note_lines: list[str] = []
        self.found = False  # the <FinalDraft> root was read
        self.position = 0  # the <ScriptNotes> count: each body paragraph's text, 2 per dual block, 1 per break

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        if self.skipped:
            self.skipped += 1
            return
        parent = self.roles[-1]
        if parent == _ROOT:
            if tag != "FinalDraft":
                raise NotFinalDraft(f"not a Final Draft file: its root element is <{tag[:40]}>, not <FinalDraft>")
            role = _DOC
            self.found = True
        else:
            role = _CHILD.get((parent, tag))
        if role is None:
            self.skipped = 1
            return
        owner = self.owners[-1]
        if role in (_PARA, _INNER):
            owner = Paragraph(type=attrib.get("Type", "General").strip() or "General", number=attrib.get("Number"),
                              new_page=attrib.get("StartsNewPage") == "Yes", centred=attrib.get("Alignment") == "Center")
            if role == _INNER:
                self.owners[-1].append(owner)
        elif role == _DUAL:
            if owner.dual is None:
                owner.dual = []
            owner = owner.dual  # its paragraphs go there (a second block in the same paragraph joins the first)
        elif role == _TITLE_PARA:
            owner = TitleParagraph(centred=attrib.get("Alignment") == "Center")
            self.document.title_page.append(owner)
        elif role in (_TEXT, _NOTE_TEXT):
            styles = set(attrib.get("Style", "").split("+"))
            self.style = (*(flag in styles for flag in _STYLE_FLAGS), "AllCaps" in styles)
            self.chunks = []
        elif role == _NOTE:
            self.note_lines = []
            if parent == _NOTES:
                owner = _range_start(attrib.get("Range", ""))
        elif role == _SUMMARY:
            self.note_lines = []
        elif role == _SETTINGS:
            owner = attrib.get("Type", "")
        elif role == _FONT and "AllCaps" in attrib.get("Style", "").split("+"):
            self.document.all_caps.add(owner)
        self.roles.append(role)
        self.owners.append(owner)

    def data(self, text: str) -> None:
        if not self.skipped and self.roles[-1] in (_TEXT, _NOTE_TEXT):
            self.chunks.append(text)

    def end(self, tag: str) -> None:
        if self.skipped:
            self.skipped -= 1
            return
        role = self.roles.pop()
        owner = self.owners.pop()
        parent_owner = self.owners[-1]
        if role == _TEXT:
            text = "".join(self.chunks).replace("\r\n", "\n").replace("\r", "\n")
            bold, italic, underline, caps = self.style
            if text:
                parent_owner.runs.append(Span(text.upper() if caps else text, bold, italic, underline))
                if isinstance(parent_owner, Paragraph):
                    parent_owner.length += len(text)
        elif role == _BREAK:
            parent_owner.runs.append(Span("\n"))
            parent_owner.length += 1
        elif role == _NOTE_TEXT:
            self.note_lines.append("".join(self.chunks))
        elif role == _NOTE_PARA:
            self.note_lines.append("\n")
        elif role == _NOTE:
            text = "".join(self.note_lines).replace("\r", "")
            if isinstance(parent_owner, Paragraph):
                parent_owner.notes.append((parent_owner.length, text))
            else:
                self.document.script_notes.append((owner, text))
        elif role == _SUMMARY:
            parent_owner.summary.append("".join(self.note_lines))
        elif role == _DUAL:
            self.position += 2
        elif role == _PARA:
            owner.start = self.position
            self.position += owner.length + 1
            self.on_paragraph(owner)

    def close(self) -> Document:
        if not self.found:
            raise NotFinalDraft("not a Final Draft file: there is no <FinalDraft> element")
        return self.document


def _range_start(text: str) -> int | None:
    """The start of a `Range="15,19"` (characters into the body, as Final Draft counts them), None when unreadable."""
    head = text.split(",", 1)[0].strip()
    return int(head) if head.isdigit() and len(head) < 12 else None

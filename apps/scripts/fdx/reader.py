"""Final Draft (.fdx) to Slate's screenplay model (`apps.scripts.fountain.Screenplay`): `read_fdx`.

Paragraph types, as Final Draft names them, become the Fountain 1.1 kinds
(https://fountain.io/syntax): Scene Heading (its `Number` the scene number), Action (centred:
one centered element per line), Character (extensions such as "(V.O.)" and "(CONT'D)" split off
as Fountain does), Parenthetical, Dialogue (consecutive paragraphs are one speech, an empty one a
blank line in it, as Fountain writes a speech), Transition, Lyrics; the outline types become
sections (`Outline 2` → depth 2) and synopses (`Summary`, `Outline Body`, a scene's
`<SceneProperties><Summary>`). A `<DualDialogue>` is dual dialogue: its second cue (and any after)
is the right-hand side. `StartsNewPage="Yes"` is a page break before the paragraph. Script notes
(in a paragraph, or in `<ScriptNotes>` by range) are the element's inline notes; a paragraph with
notes and no text, note elements. Styles become Fountain emphasis (`apps.scripts.fdx.markup`);
headings, cues and transitions keep only their text (Fountain reads emphasis markers in a heading
as part of its location). Any other type (General, Shot, Cast List, New Act, End of Act...), and
speech with no cue before it, is action with a first note naming its type ("FDX paragraph type:
Shot"), so `to_fdx` can write it back as it was.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from apps.scripts.fountain import model as m
from apps.scripts.fountain.emphasis import Span
from apps.scripts.fountain.model import Element, Note, Screenplay, TooManyElements
from apps.scripts.fountain.parser import split_character
from apps.scripts.fountain.source import note_text

from .document import Paragraph, read_document
from .markup import markup, plain_to_markup
from .titlepage import read_title_page

TYPE_NOTE = "FDX paragraph type: "  # the first note of an action made from a paragraph type Fountain has no kind for
_KINDS = {"Scene Heading": m.SCENE_HEADING, "Action": m.ACTION, "Character": m.CHARACTER, "Parenthetical": m.PARENTHETICAL,
          "Dialogue": m.DIALOGUE, "Transition": m.TRANSITION, "Lyrics": m.LYRICS, "Summary": m.SYNOPSIS,
          "Outline Body": m.SYNOPSIS}
_OUTLINE = re.compile(r"Outline (\d{1,2})\b")
_SPOKEN = (m.DIALOGUE, m.PARENTHETICAL, m.LYRICS)
_UNSTYLED = (m.SCENE_HEADING, m.TRANSITION, m.CHARACTER)


def read_fdx(data: bytes, *, max_elements: int | None = None) -> Screenplay:
    """Read a Final Draft file's bytes into a Screenplay (title page, then the body's elements).

    Element texts are as `Element` documents them, so `to_fountain` writes them as Fountain
    (`apps.scripts.fountain.writer`). Linear in the size of the file, however it is nested.
    Raises `NotFinalDraft` (a FountainError) for bytes that are not a Final Draft file, and
    `TooManyElements` as soon as more than `max_elements` elements and inline notes would be kept.
    """
    body = _Body(max_elements)
    document = read_document(data, body.add)
    body.place_script_notes(document.script_notes)
    return Screenplay(title_page=read_title_page(document.title_page), elements=body.elements(document.all_caps))


@dataclass
class _Draft:
    """An element being read: its styled runs and notes (offsets into the printed text), kept as the file has them."""

    kind: str
    fd_type: str
    runs: list[Span] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)
    length: int = 0
    scene_number: str | None = None
    dual: bool = False
    depth: int = 0


class _Body:
    """Turns the body's paragraphs, as they stream in, into drafts of elements; `elements` finishes them."""

    def __init__(self, max_elements: int | None) -> None:
        self.max_elements = max_elements
        self.drafts: list[_Draft] = []
        self.kept = 0  # drafts and notes so far (what max_elements counts)
        self.block: bool | None = None  # the dual flag of the open dialogue block; None: no block open
        # Per body paragraph: (start in the <ScriptNotes> count, length, the draft it went to, its offset there)
        self.anchors: list[tuple[int, int, _Draft | None, int]] = []

    def add(self, paragraph: Paragraph) -> None:
        if paragraph.new_page:
            self._new(m.PAGE_BREAK, paragraph.type)
            self.block = None
        if paragraph.dual is None:
            draft, base = self._paragraph(paragraph, dual=False)
            self.anchors.append((paragraph.start, paragraph.length, draft, base))
            return
        first = len(self.drafts)
        if paragraph.printed.strip() or paragraph.notes:
            self._paragraph(paragraph, dual=False)
        cues = 0
        for inner in paragraph.dual:
            self._paragraph(inner, dual=cues > 0)
            cues += inner.type == "Character"
        self.anchors.append((paragraph.start, 0, self.drafts[first] if first < len(self.drafts) else None, 0))

    def _paragraph(self, paragraph: Paragraph, *, dual: bool) -> tuple[_Draft | None, int]:
        """Add one paragraph; returns the draft its text went to and where it starts there."""
        fd_type = paragraph.type
        kind = _KINDS.get(fd_type)
        outline = _OUTLINE.match(fd_type)
        if outline:
            kind = m.SECTION
        if kind == m.ACTION and paragraph.centred:
            kind = m.CENTERED
        if kind in (m.DIALOGUE, m.PARENTHETICAL) and self.block is None:
            kind = None  # speech with no cue: Fountain would read it as action
        open_speech = kind == m.DIALOGUE and self.drafts and self.drafts[-1].kind == m.DIALOGUE and self.block is not None
        if not paragraph.printed.strip() and kind != m.LYRICS:  # an empty lyric is a line of the song left blank
            if open_speech:
                return self.drafts[-1], self._extend(self.drafts[-1], paragraph)
            first = len(self.drafts)
            for _, text in paragraph.notes:
                self._new(m.NOTE, fd_type, runs=[Span(text)])
            self._summary(paragraph)
            return (self.drafts[first] if first < len(self.drafts) else None), 0
        if open_speech:
            return self.drafts[-1], self._extend(self.drafts[-1], paragraph)
        draft = self._new(kind or m.ACTION, fd_type, runs=list(paragraph.runs), length=paragraph.length,
                          depth=int(outline.group(1)) if outline else 0)
        if kind is None:
            draft.notes.append((0, TYPE_NOTE + fd_type))
            self._count(1)
        self._notes(draft, paragraph, 0)
        if kind == m.SCENE_HEADING:
            draft.scene_number = paragraph.number
        if kind == m.CHARACTER:
            self.block = draft.dual = dual
        elif kind in _SPOKEN and self.block is not None:
            draft.dual = self.block
        else:
            self.block = None
        self._summary(paragraph)
        return draft, 0

    def _extend(self, draft: _Draft, paragraph: Paragraph) -> int:
        """Add a paragraph of speech to the speech before it, as its next line; returns where it starts."""
        draft.runs.append(Span("\n"))
        base = draft.length + 1
        draft.runs += paragraph.runs
        draft.length = base + paragraph.length
        self._notes(draft, paragraph, base)
        return base

    def _notes(self, draft: _Draft, paragraph: Paragraph, base: int) -> None:
        draft.notes += [(base + offset, text) for offset, text in paragraph.notes]
        self._count(len(paragraph.notes))

    def _summary(self, paragraph: Paragraph) -> None:
        for text in paragraph.summary:
            if text.strip():
                self._new(m.SYNOPSIS, "Summary", runs=[Span(" ".join(text.split()))])

    def _new(self, kind: str, fd_type: str, **fields) -> _Draft:
        draft = _Draft(kind=kind, fd_type=fd_type, **fields)
        self._count(1)
        self.drafts.append(draft)
        return draft

    def _count(self, more: int) -> None:
        self.kept += more
        if self.max_elements is not None and self.kept > self.max_elements:
            raise TooManyElements(self.max_elements)

    def place_script_notes(self, script_notes: list[tuple[int | None, str]]) -> None:
        """Give each `<ScriptNotes>` note to the element its range starts in (Final Draft counts each body
        paragraph's characters, 2 for a dual dialogue block, 1 for each paragraph break); a note on an
        empty paragraph goes to the next element's start; one that fits nowhere becomes a note element at the end."""
        if not script_notes:
            return
        starts = [anchor[0] for anchor in self.anchors]
        following: list[int | None] = [None] * (len(self.anchors) + 1)  # the next anchor with a draft, from each
        for index in range(len(self.anchors) - 1, -1, -1):
            following[index] = index if self.anchors[index][2] is not None else following[index + 1]
        for start, text in script_notes:
            index = bisect.bisect_right(starts, start) - 1 if start is not None else -1
            found = following[index] if index >= 0 else None
            if found is None:
                self._new(m.NOTE, "ScriptNote", runs=[Span(text)])
                continue
            paragraph_start, length, draft, base = self.anchors[found]
            offset = base + min(max(start - paragraph_start, 0), length) if found == index else base
            draft.notes.append((offset, text))
            self._count(1)

    def elements(self, all_caps: set[str]) -> list[Element]:
        """The drafts as elements (see the module docstring); raises TooManyElements past the limit."""
        out: list[Element] = []
        notes_kept = 0
        for draft in self.drafts:
            if draft.kind == m.PAGE_BREAK:
                out.append(Element(kind=m.PAGE_BREAK, text=""))
            elif draft.kind == m.NOTE:
                out.append(Element(kind=m.NOTE, text=_note(draft.runs[0].text)))
            else:
                runs = draft.runs
                if draft.fd_type in all_caps:
                    runs = [Span(run.text.upper(), run.bold, run.italic, run.underline) for run in runs]
                pieces = _pieces(draft.kind, runs, sorted(draft.notes, key=lambda note: note[0]))
                if not pieces:
                    out += [Element(kind=m.NOTE, text=_note(text)) for _, text in draft.notes]
                for piece_runs, notes in pieces:
                    out.append(_element(draft, piece_runs, notes))
                    notes_kept += len(notes)
            if self.max_elements is not None and len(out) + notes_kept > self.max_elements:
                raise TooManyElements(self.max_elements)
        return out


def _element(draft: _Draft, runs: list[Span], notes: list[tuple[int, str]]) -> Element:
    printed = "".join(run.text for run in runs)
    kind = draft.kind
    if kind == m.CHARACTER:
        parts = split_character(printed)
        name, extension = (parts[0], parts[1]) if parts else (printed.strip(), None)
        return Element(kind=kind, text=name, extension=extension, dual=draft.dual,
                       notes=tuple(Note(min(offset, len(name)), _note(text)) for offset, text in notes))
    text = markup([Span(printed)] if kind in _UNSTYLED else runs)
    offsets = plain_to_markup(text, printed, [offset for offset, _ in notes])
    number = "".join(c for c in draft.scene_number or "" if c.isalnum() or c in ".-")[:20] or None
    return Element(kind=kind, text=text, scene_number=number if kind == m.SCENE_HEADING else None,
                   dual=draft.dual if kind in _SPOKEN else False, depth=max(draft.depth, 1) if kind == m.SECTION else 0,
                   notes=tuple(Note(offset, _note(note)) for offset, (_, note) in zip(offsets, notes)))


def _note(raw: str) -> str:
    """A note's text as Fountain keeps one (source.note_text), with no "[[" or "]]" that would end it early."""
    return note_text(raw).replace("[[", "[ [").replace("]]", "] ]")


def _pieces(kind: str, runs: list[Span], notes: list[tuple[int, str]]) -> list[tuple[list[Span], list[tuple[int, str]]]]:
    """The element texts a draft becomes, each `(runs, notes)`, lines trimmed as Fountain keeps them
    (trailing spaces gone; leading ones too but in action): one text with its lines ("\\n") for
    action and dialogue (blank lines at the edges dropped), one per line for centered and lyrics,
    the lines joined by spaces for the one-line kinds. A parenthetical gets its brackets. `notes`
    (in order of offset) go to the line they stand in, those of a dropped line to the next kept
    text (or the end of the last). Nothing kept: no pieces (an empty lyric is kept: a line left blank).

    One pass over the lines, each cut from the runs at C speed: linear, however many lines.
    """
    printed = "".join(run.text for run in runs)
    strip_leading, one_per_line = kind != m.ACTION, kind in (m.CENTERED, m.LYRICS)
    inner_blanks = kind in (m.ACTION, m.DIALOGUE)
    if not notes and not any(run.bold or run.italic or run.underline for run in runs):
        return _plain_pieces(kind, printed)
    cutter = _Cutter(runs)
    pieces: list[tuple[list[Span], list[tuple[int, str]]]] = []
    joined, joined_notes, position = _Runs(), [], 0
    carried: list[str] = []  # notes of dropped lines, for the next kept one
    blanks, started, start, noted = 0, False, 0, 0
    while start <= len(printed):
        end = printed.find("\n", start)
        end = len(printed) if end < 0 else end
        line = printed[start:end]
        right = len(line.rstrip())
        left = min(len(line) - len(line.lstrip()), right) if strip_leading else 0
        mine = []
        while noted < len(notes) and notes[noted][0] <= end:
            mine.append((min(max(notes[noted][0] - start - left, 0), right - left), notes[noted][1]))
            noted += 1
        if right == left:
            carried += [text for _, text in mine]
            blanks += started and inner_blanks
        elif one_per_line:
            pieces.append((_Runs(cutter.cut(start + left, start + right)).spans(), [(0, text) for text in carried] + mine))
            carried = []
        else:
            if started:
                separator = "\n" * (blanks + 1) if inner_blanks else " "
                joined.add(separator, ())
                position += len(separator)
            joined_notes += [(position, text) for text in carried] + [(position + offset, text) for offset, text in mine]
            joined.extend(cutter.cut(start + left, start + right))
            position += right - left
            started, blanks, carried = True, 0, []
        start = end + 1
    if not one_per_line and started:
        pieces.append((joined.spans(), joined_notes))
    if not pieces:
        return [([], [(0, text) for text in carried])] if kind == m.LYRICS else []
    last_runs, last_notes = pieces[-1]
    last_notes += [(sum(len(run.text) for run in last_runs), text) for text in carried]
    if kind == m.PARENTHETICAL:
        text = "".join(run.text for run in last_runs)
        if not (text.startswith("(") and text.endswith(")")):
            pieces = [([Span("("), *last_runs, Span(")")], [(offset + 1, note) for offset, note in last_notes])]
    return pieces


def _plain_pieces(kind: str, printed: str) -> list[tuple[list[Span], list[tuple[int, str]]]]:
    """`_pieces` for text with no style and no notes, at C speed (a file of a million short lines)."""
    lines = [line.rstrip() for line in printed.split("\n")] if kind == m.ACTION else [line.strip() for line in printed.split("\n")]
    if kind in (m.CENTERED, m.LYRICS):
        return [([Span(line)], []) for line in lines if line] or ([([], [])] if kind == m.LYRICS else [])
    if kind in (m.ACTION, m.DIALOGUE):
        kept = [index for index, line in enumerate(lines) if line]
        if not kept:
            return []
        text = "\n".join(lines[kept[0]:kept[-1] + 1])
    else:
        text = " ".join(line for line in lines if line)
        if not text:
            return []
    if kind == m.PARENTHETICAL and not (text.startswith("(") and text.endswith(")")):
        text = f"({text})"
    return [([Span(text)], [])]


class _Runs:
    """Styled text built piece by piece, neighbours of one style joined once at the end (linear)."""

    def __init__(self, pieces=()) -> None:
        self.groups: list[tuple[tuple[bool, bool, bool], list[str]]] = []
        self.extend(pieces)

    def add(self, text: str, style: tuple) -> None:
        style = style or (False, False, False)
        if self.groups and self.groups[-1][0] == style:
            self.groups[-1][1].append(text)
        else:
            self.groups.append((style, [text]))

    def extend(self, pieces) -> None:
        for text, style in pieces:
            self.add(text, style)

    def spans(self) -> list[Span]:
        return [Span("".join(texts), *style) for style, texts in self.groups]


class _Cutter:
    """Cuts stretches `[left, right)` of printed offsets, in increasing order, out of styled runs."""

    def __init__(self, runs: list[Span]) -> None:
        self.runs = runs
        self.index = self.start = 0  # the first run that can still be cut, and its printed offset

    def cut(self, left: int, right: int):
        """The stretch as `(text, (bold, italic, underline))` pieces."""
        while self.index < len(self.runs) and self.start + len(self.runs[self.index].text) <= left:
            self.start += len(self.runs[self.index].text)
            self.index += 1
        index, start = self.index, self.start
        while index < len(self.runs) and start < right:
            run = self.runs[index]
            end = start + len(run.text)
            low, high = max(left, start), min(right, end)
            if low < high:
                yield run.text[low - start:high - start], (run.bold, run.italic, run.underline)
            start = end
            index += 1

"""Cutting one scene out of a Fountain screenplay and putting another in its place (pure text, no Django).

A scene runs from its heading line to the line before the next heading, as in
`apps.scripts.matching.read_scenes` — except that a section line (`# Act Two`) at the end of a
scene stays with what follows, since sections mark acts and sequences, never the inside of a scene.
Line numbers are the parser's 1-based `line` (Fountain 1.1: https://fountain.io/syntax). The
spliced text has LF line endings; everything outside the replaced scene is kept line for line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from apps.scripts import fountain
from apps.scripts.fountain import model as m

_NUMBER_MARK = re.compile(r"\s*#[^#\n]*#\s*$")
_FENCE = re.compile(r"^```[\w-]*\s*$")


@dataclass
class SceneSpan:
    """Where one scene sits in a screenplay's lines: `lines[start:end]` (0-based, end exclusive)."""

    start: int
    end: int
    parsed: fountain.ParsedScene


def lines_of(text: str) -> list[str]:
    """The text's lines as the parser counts them (BOM dropped, CRLF/CR as LF)."""
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def scene_spans(text: str, *, lenient_headings: bool = False) -> list[SceneSpan]:
    """Each scene's line span in `text`, in script order. Raises `fountain.FountainError` for unreadable text.

    `lenient_headings`: a heading needs no blank line after it (`fountain.parse`'s option; a model's answer often
    runs the action straight on), where Fountain 1.1 reads such a line as action."""
    parsed = fountain.scenes(fountain.parse(text, lenient_headings=lenient_headings))
    total = len(lines_of(text))
    spans = []
    for index, scene in enumerate(parsed):
        end = parsed[index + 1].line - 1 if index + 1 < len(parsed) else total
        sections = [e.line for e in scene.elements if e.kind == m.SECTION and e.line]
        if sections:
            end = min(end, sections[0] - 1)
        spans.append(SceneSpan(start=scene.line - 1, end=end, parsed=scene))
    return spans


def scene_text(text: str, span: SceneSpan) -> str:
    """The scene's own Fountain text (heading to its last non-blank line)."""
    return "\n".join(lines_of(text)[span.start:span.end]).strip("\n")


def clean_answer(answer: str) -> str:
    """Claude's answer as bare Fountain: Markdown code fences around it removed, outer blank lines trimmed."""
    lines = answer.strip().split("\n")
    if lines and _FENCE.match(lines[0].strip()):
        lines = lines[1:]
        if lines and lines[-1].strip() == "```":
            lines = lines[:-1]
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def scene_block(answer: str, *, number: str | None = None, fallback_heading: str | None = None) -> str | None:
    """The scene(s) in a cleaned answer, from the first scene heading on; None when there is no heading.

    Text before the first heading (a preamble) is dropped, since in the screenplay it would join
    the scene before. `fallback_heading` is put in front of an answer without a heading. `number`
    forces that scene number on the first heading (`INT. LIBRARY - DAY #12#`), so version import
    pairs the new text with the existing scene (apps.scripts.matching, rule 1) and the crew's
    shots, takes and notes stay with it.
    """
    text = _blank_after_headings(clean_answer(answer))
    spans = scene_spans(text) if text else []
    if not spans and fallback_heading and text:
        text = f"{fallback_heading}\n\n{text}"
        spans = scene_spans(text)
    if not spans:
        return None
    lines = lines_of(text)[spans[0].start:]
    if number:
        lines[0] = f"{_NUMBER_MARK.sub('', lines[0]).rstrip()} #{number}#"
    return "\n".join(lines).strip("\n")


def _blank_after_headings(text: str) -> str:
    """`text` with a blank line after each scene heading that runs straight on into the next line, so that what is
    spliced reads as the same scenes under Fountain 1.1's rule ("a blank line following it")."""
    if not text:
        return text
    lines = lines_of(text)
    runs_on = {span.start for span in scene_spans(text, lenient_headings=True)
               if span.start + 1 < len(lines) and lines[span.start + 1].strip()}
    return "\n".join(part for index, line in enumerate(lines) for part in ((line, "") if index in runs_on else (line,)))


def replace_scene(text: str, span: SceneSpan, block: str) -> str:
    """`text` with the scene at `span` replaced by `block`, one blank line after it."""
    lines = lines_of(text)
    after = lines[span.end:]
    return "\n".join(lines[:span.start] + block.split("\n") + ([""] if not after or after[0].strip() else []) + after)


def insert_scene(text: str, block: str, *, after: SceneSpan | None) -> str:
    """`text` with `block` inserted after the scene at `after` (None: at the end), blank lines around it."""
    lines = lines_of(text) if text.strip() else []
    at = after.end if after is not None else len(lines)
    head, tail = lines[:at], lines[at:]
    while head and not head[-1].strip():
        head.pop()
        tail.insert(0, "")
    before = [""] if head else []
    spacer = [""] if not tail or tail[0].strip() else []
    return "\n".join(head + before + block.split("\n") + spacer + tail)

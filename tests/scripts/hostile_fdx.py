"""Hostile Final Draft files: XML shaped to make a careless FDX reader slow, deep in recursion or huge in memory.

Each shape is a small unit of XML repeated to any size inside a valid Final Draft skeleton: nesting
a million levels deep (closed, and never closed), one paragraph of megabytes (plain, with the runs
that make Fountain's emphasis markup hard: "*a ", "_a ", "*a*" to escape, and thousands of styled runs), hundreds of
thousands of tiny paragraphs, speech lines, notes and dual dialogue blocks. `hostile_fdx(shape,
size)` builds one in linear time; tests/scripts/test_hostile_fdx.py and the end-to-end import test
use the same shapes.
"""
from __future__ import annotations

_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<FinalDraft DocumentType="Script" Template="No" Version="5"><Content>'
_TAIL = "</Content></FinalDraft>\n"
_SCENE = '<Paragraph Type="Scene Heading" Number="1"><Text>INT. ROOM - DAY</Text></Paragraph>'
_CUE = '<Paragraph Type="Character"><Text>BOB</Text></Paragraph>'

# Each shape: (prefix, unit repeated, suffix, unit closing the repeats in reverse or "").
SHAPES: dict[str, tuple[str, str, str, str]] = {
    "deep_nesting": (_HEAD + _SCENE + '<Paragraph Type="Action"><Text>Deep.</Text>', "<b>", "</Paragraph>" + _TAIL, "</b>"),
    "deep_paragraphs": (_HEAD + _SCENE, '<Paragraph Type="Action"><Text>a</Text>', _TAIL, "</Paragraph>"),
    "huge_paragraph": (_HEAD + _SCENE + '<Paragraph Type="Action"><Text>', "word ", "</Text></Paragraph>" + _TAIL, ""),
    "huge_star_a": (_HEAD + _SCENE + '<Paragraph Type="Action"><Text>', "*a ", "</Text></Paragraph>" + _TAIL, ""),
    "huge_marker_pairs": (_HEAD + _SCENE + '<Paragraph Type="Action"><Text>', "*a* _b_ ", "</Text></Paragraph>" + _TAIL, ""),
    "huge_underscore_a": (_HEAD + _SCENE + '<Paragraph Type="Dialogue"><Text>', "_a ", "</Text></Paragraph>" + _TAIL, ""),
    "styled_runs": (_HEAD + _SCENE + '<Paragraph Type="Action">',
                    '<Text Style="Bold">a</Text><Text Style="Italic+Underline">b </Text><Text>*_</Text>', "</Paragraph>" + _TAIL, ""),
    "line_breaks": (_HEAD + _SCENE + '<Paragraph Type="Action"><Text>', "a\n", "</Text></Paragraph>" + _TAIL, ""),
    "tiny_paragraphs": (_HEAD + _SCENE, '<Paragraph Type="Action"><Text>a</Text></Paragraph>', _TAIL, ""),
    "speech_lines": (_HEAD + _SCENE + _CUE, '<Paragraph Type="Dialogue"><Text>Hi there.</Text></Paragraph>', _TAIL, ""),
    "inline_notes": (_HEAD + _SCENE + '<Paragraph Type="Action">',
                     "<Text>a</Text><ScriptNote><Paragraph><Text>n</Text></Paragraph></ScriptNote>", "</Paragraph>" + _TAIL, ""),
    "script_notes": (_HEAD + _SCENE + '<Paragraph Type="Action"><Text>' + "a" * 1000 + "</Text></Paragraph></Content><ScriptNotes>",
                     '<ScriptNote Range="20,21"><Paragraph><Text>n</Text></Paragraph></ScriptNote>', "</ScriptNotes></FinalDraft>\n", ""),
    "dual_blocks": (_HEAD + _SCENE, '<Paragraph><DualDialogue><Paragraph Type="Character"><Text>A</Text></Paragraph><Paragraph Type='
                    '"Dialogue"><Text>x</Text></Paragraph><Paragraph Type="Character"><Text>B</Text></Paragraph><Paragraph Type='
                    '"Dialogue"><Text>y</Text></Paragraph></DualDialogue></Paragraph>', _TAIL, ""),
    "unknown_types": (_HEAD + _SCENE, '<Paragraph Type="Shot"><Text>ANGLE</Text></Paragraph>', _TAIL, ""),
    "title_page": (_HEAD + _SCENE + "</Content><TitlePage><Content>", '<Paragraph Alignment="Left"><Text>a</Text></Paragraph>',
                   "</Content></TitlePage></FinalDraft>\n", ""),
}


def hostile_fdx(shape: str, size: int) -> bytes:
    """The FDX file of `shape`, about `size` bytes long (its unit repeated, at least once), as UTF-8 bytes."""
    prefix, unit, suffix, closing = SHAPES[shape]
    count = max(1, (size - len(prefix) - len(suffix)) // (len(unit) + len(closing)))
    return (prefix + unit * count + closing * count + suffix).encode("utf-8")


def unclosed(shape: str, size: int) -> bytes:
    """The file of `shape` with every repeated unit left open: not well-formed, found only at its end."""
    prefix, unit, _, _ = SHAPES[shape]
    return (prefix + unit * max(1, (size - len(prefix)) // len(unit))).encode("utf-8")

"""Hostile screenplays: texts shaped to make a careless parser, layout or diff take quadratic time.

Each shape is a small unit repeated to any size: long runs on one line (spaces, tabs, "(", "*",
"_", "[[", "/*", "#", ">", "~") and the same runs across lines, the emphasis patterns that
once made the PDF export take 40 s ("*a " and "_a " repeated), and runs inside each element
kind (a cue, a heading, dialogue). `hostile(shape, size)` builds one in linear time; the
property tests (tests/scripts/test_linear_time.py) and the end-to-end acceptance test
(tests/e2e/test_hostile_screenplay.py) use the same shapes.
"""
from __future__ import annotations

# Each shape: (prefix, unit repeated, suffix). The prefix puts the run where the rule that reads
# it looks (a cue needs a blank line before it and text after it, a heading its INT. prefix).
SHAPES: dict[str, tuple[str, str, str]] = {
    "spaces": ("INT. ROOM - DAY\n\nBOB", " ", "(V.O.)\nHello.\n"),
    "tabs": ("INT. ROOM - DAY\n\nBOB", "\t", "x\nHello.\n"),
    "spaces_lines": ("INT. ROOM - DAY\n\n", "BOB      \n", "\n"),
    "parens": ("INT. ROOM - DAY\n\nBOB ", "(", "\nHello.\n"),
    "parens_closed": ("INT. ROOM - DAY\n\nBOB ", "() ", "x\nHello.\n"),
    "stars": ("INT. ROOM - DAY\n\n", "*", " a\n"),
    "underscores": ("INT. ROOM - DAY\n\n", "_", " a\n"),
    "star_a": ("INT. ROOM - DAY\n\n", "*a ", "\n"),
    "underscore_a": ("INT. ROOM - DAY\n\n", "_a ", "\n"),
    "star_a_lines": ("INT. ROOM - DAY\n\n", "*a *a *a *a\n", "\n"),
    "bold_open": ("INT. ROOM - DAY\n\n", "**a ", "\n"),
    "notes": ("INT. ROOM - DAY\n\n", "[[", "\n"),
    "notes_lines": ("INT. ROOM - DAY\n\n", "[[a\n", "\n"),
    "notes_nested": ("INT. ROOM - DAY\n\n", "[[a ]", "]]\n"),
    "notes_closed": ("INT. ROOM - DAY\n\n", "a[[n]]", "\n"),
    "notes_two_space_lines": ("INT. ROOM - DAY\n\n", "a[[n\n  \nm]] ", "\n"),
    "notes_in_speech": ("INT. ROOM - DAY\n\nBOB\n", "Hi[[n]] there.\n", ""),
    "boneyards": ("INT. ROOM - DAY\n\n", "/*", "\n"),
    "boneyards_lines": ("INT. ROOM - DAY\n\n", "/* a\n\n", "\n"),
    "boneyards_closed": ("INT. ROOM - DAY\n\n", "/**/", "\n"),
    "hashes": ("", "#", " Act\n"),
    "sections_lines": ("", "# Act\n\n", ""),
    "gt": ("INT. ROOM - DAY\n\n", ">", "\n"),
    "centered_lines": ("INT. ROOM - DAY\n\n", "> a <\n", ""),
    "tilde": ("INT. ROOM - DAY\n\n", "~", "\n"),
    "lyrics_lines": ("INT. ROOM - DAY\n\nBOB\n", "~la la\n", ""),
    "headings": ("", "INT. A - DAY\n\n", ""),
    "headings_glued": ("", "INT. A - DAY #1#\n", "\n"),
    "heading_dashes": ("INT. ROOM ", "- ", "DAY\n\nA.\n"),
    "heading_number": ("INT. ROOM - DAY #", "1", "\n\nA.\n"),
    "cues": ("INT. ROOM - DAY\n\n", "BOB\nHi.\n\n", ""),
    "dual_cues": ("INT. ROOM - DAY\n\n", "BOB ^\nHi.\n\n", ""),
    "dialogue_lines": ("INT. ROOM - DAY\n\nBOB\n", "Hi there.\n", ""),
    "parenthetical_lines": ("INT. ROOM - DAY\n\nBOB\n", "(beat)\n", "Hi.\n"),
    "one_word": ("INT. ROOM - DAY\n\n", "x", "\n"),
    "words": ("INT. ROOM - DAY\n\n", "word ", "\n"),
    "title_page": ("Title:\n", "    a line\n", "\nINT. ROOM - DAY\n\nA.\n"),
    "transitions": ("INT. ROOM - DAY\n\n", "CUT TO:\n\n", ""),
    "page_breaks": ("INT. ROOM - DAY\n\n", "===\n\n", ""),
    "escapes": ("INT. ROOM - DAY\n\n", "\\*", "\n"),
    "crlf": ("INT. ROOM - DAY\r\n\r\n", "A line.\r\n", ""),
    "mixed": ("INT. ROOM - DAY\n\n", " \t(*_[[/*#>~ ", "\n"),
}


def hostile(shape: str, size: int) -> str:
    """The screenplay of `shape` about `size` characters long (its unit repeated; at least once)."""
    prefix, unit, suffix = SHAPES[shape]
    count = max(1, (size - len(prefix) - len(suffix)) // len(unit))
    return prefix + unit * count + suffix


def hostile_bytes(shape: str, size: int) -> bytes:
    """`hostile(shape, size)` as UTF-8 bytes (a file to upload)."""
    return hostile(shape, size).encode("utf-8")

"""Cases of the Fountain parser test suites where Slate's parse deliberately differs.

One line per case: why Slate disagrees with that parser's expectation, or why the expectation is
not an element list. tests/scripts/test_fountain_conformance.py fails if a case listed here
passes, or a case not listed here fails.

EXCLUDED: cases that test another program's API, not a parse; not run, not counted.
CONTRADICTIONS: pairs of cases whose suites expect opposite results for the same input, so no
parser passes both; exactly one of each pair passes, and the other is a known difference.
"""

EXCLUDED: dict[str, dict[str, str]] = {
    "fountain-tools": {
        "SimpleCallbackParser": "tests fountain-tools' streaming callback API over four "
                                "concatenated files (one record per spoken line), not a parse of "
                                "one document",
    },
}

CONTRADICTIONS: list[tuple[tuple[str, str], tuple[str, str], str]] = [
    (("screenplain", "boneyard.html"), ("fountain-tools", "Boneyards"),
     "the same input: CUT TO: before a boneyard of whole paragraphs is a transition or action"),
    (("fountain-tools", "Lyrics"), ("jouvence", "test_lyrics#2"),
     "a ~lyric line followed by a plain line: lyric then action, or one action paragraph"),
    (("jouvence", "test_transitions#2"), ("screenplain", "forced-transition.html"),
     "a forced transition's text as written, or upper-cased by the parser"),
]

KNOWN_DIFFERENCES: dict[str, dict[str, str]] = {
    "fountain-tools": {
        "Boneyards": "Contradicts screenplain:boneyard.html (same input). A boneyard that hides "
                     "whole paragraphs leaves a paragraph break, so CUT TO: stands between blank "
                     "lines and is a transition (screenplain); fountain-tools makes it action.",
        "Character": "Slate keeps every extension as written, (CONT'D) included, where "
                     "fountain-tools drops (CONT'D); and 3CPO is a character (Fountain 1.1: a "
                     "name needs one letter, 'R2D2 works', not a leading one).",
        "Formatted": "Emphasis nests (Fountain 1.1's own example: _Steel's face FILLS the "
                     "*Leupold Mark 4* scope_ is underlined with italics inside); fountain-tools "
                     "leaves the inner *...* as written. Every other line matches.",
        "Notes": "A [[note]] with a truly blank line inside is no note (Fountain 1.1: a blank "
                 "line in a note needs two spaces; screenplain agrees); fountain-tools accepts it "
                 "and runs the dialogue on across a blank line into the next paragraphs.",
        "Sections": "A first line 'CUT TO:' with no value and nothing indented under it is not a "
                    "title page but a transition (screenplain agrees, and a script opening with "
                    "'FADE IN:' keeps it); the dump makes it an empty title page entry.",
        "Tags": "#tags at the end of lines are a fountain-tools extension, not Fountain 1.1; "
                "Slate keeps them in the text (a real '#1 fan' must stay in the action).",
    },
    "screenplain": {
        "forced-transition.html": "Contradicts jouvence:test_transitions#2 ('>fade to black' kept "
                                  "as written). screenplain's parser upper-cases a forced "
                                  "transition; Slate keeps the text as written.",
    },
    "jouvence": {
        "test_lyrics#2": "Contradicts fountain-tools:Lyrics (a ~ line then a plain line: lyric, "
                         "then action). Lyrics are forced line by line (Fountain 1.1: a line "
                         "starting with ~); Jouvence makes the whole paragraph action.",
    },
}

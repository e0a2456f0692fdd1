"""Cases of the Fountain parser test suites where Slate's parse deliberately differs.

One line per case: why Slate disagrees with that parser's expectation, or why the expectation is
not an element list. tests/scripts/test_fountain_conformance.py fails if a case listed here
passes, or a case not listed here fails.
"""

KNOWN_DIFFERENCES: dict[str, dict[str, str]] = {
    "fountain-tools": {
        "Boneyards": "Slate cuts the boneyard and keeps the line breaks around it, so CUT TO: "
                     "stands between blank lines and is a transition (screenplain agrees); "
                     "fountain-tools makes it action.",
        "Character": "Slate keeps every extension as written, (CONT'D) included, where "
                     "fountain-tools drops (CONT'D); and 3CPO is a character (Fountain 1.1 needs "
                     "one letter in a name, not a leading one).",
        "Formatted": "Expected output is emphasis rendered as HTML (<b>, <i>, <u>), not "
                     "elements; Slate keeps the *, ** and _ markup in the text as written.",
        "Notes": "A [[note]] with a truly blank line inside is no note (Fountain 1.1, as "
                 "screenplain); fountain-tools accepts it and runs the dialogue on across a "
                 "blank line into the next paragraphs.",
        "Parenthetical": "Slate reads a (parenthetical) line after another parenthetical as a "
                         "parenthetical; fountain-tools makes the second one dialogue.",
        "Sections": "A first line 'CUT TO:' with no value and nothing indented under it is not a "
                    "title page but a transition (as fountain-tools' own callback parser has it); "
                    "the dump makes it a title page entry.",
        "SimpleCallbackParser": "Tests fountain-tools' streaming callback API over four "
                                "concatenated files; one record per spoken line, not elements.",
        "Tags": "#tags at the end of lines are a fountain-tools extension, not Fountain 1.1; "
                "Slate keeps them in the text.",
    },
    "screenplain": {
        "forced-transition.html": "screenplain's HTML upper-cases a forced transition; Slate "
                                  "keeps the text as written (rendering is the app's choice).",
    },
    "jouvence": {
        "test_boneyard#2": "Slate removes only the text between /* and */; the line breaks "
                           "around it stay, so a boneyard on its own lines separates paragraphs "
                           "(as screenplain); Jouvence joins them.",
        "test_lyrics#2": "Lyrics are forced line by line (Fountain 1.1: a line starting with ~); "
                         "Jouvence makes the whole paragraph action when a later line lacks ~.",
        "test_transitions#3": "Trailing spaces are invisible, so 'NOT A TRANSITION TO:  ' between "
                              "blank lines is a transition; Jouvence rejects it for the spaces.",
    },
}

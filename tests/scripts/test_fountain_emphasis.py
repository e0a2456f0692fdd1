"""Emphasis as data: Element.spans and the emphasis helpers (Fountain 1.1, "Emphasis")."""

from __future__ import annotations

import pytest

from apps.scripts.fountain import Span, parse, plain, spans, to_html


def test_element_text_keeps_the_markup_and_spans_read_it():
    element = parse("Bob runs **fast** and _far_.").elements[0]
    assert element.text == "Bob runs **fast** and _far_."
    assert element.spans == [
        Span("Bob runs "), Span("fast", bold=True), Span(" and "), Span("far", underline=True), Span("."),
    ]


@pytest.mark.parametrize(("text", "html"), [
    ("*italics*", "<i>italics</i>"),
    ("**bold**", "<b>bold</b>"),
    ("***bold italics***", "<b><i>bold italics</i></b>"),
    ("_underline_", "<u>underline</u>"),
    ("_Steel's face FILLS the *Leupold Mark 4* scope_.",
     "<u>Steel's face FILLS the </u><i><u>Leupold Mark 4</u></i><u> scope</u>."),
    ("**\\*9765\\***", "<b>*9765*</b>"),
    ("He dialed *69 and then *23, and then hung up.", "He dialed *69 and then *23, and then hung up."),
    ("He dialed _69 and then 23 _, and then hung up.", "He dialed _69 and then 23 _, and then hung up."),
    ("my_file_name", "my_file_name"),
    ("*share a look.\nThis is going to be BAD.*", "*share a look.\nThis is going to be BAD.*"),
    ("a < b & c", "a &lt; b &amp; c"),
])
def test_emphasis_rules(text, html):
    assert to_html(text) == html


def test_plain_drops_markers_and_escapes():
    assert plain("**\\*9765\\*** _x_") == "*9765* x"
    assert spans("") == []

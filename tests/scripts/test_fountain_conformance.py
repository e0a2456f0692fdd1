"""Conformance: Slate's parser against three other Fountain parsers' test suites, judged by the spec.

Each suite's expected output is read into Slate's element model (one row per element: kind,
text and the fields that suite can express) and compared with Slate's parse of the same input.

The target (issue 17): every case whose result the Fountain 1.1 syntax page
(https://fountain.io/syntax) decides gives that result. Where a suite expects otherwise, each
place that differs is listed in fountain_known_differences.py (DIFFERENCES: the case, what the
suite expects there, what Slate gives, and the spec sentence that decides it, quoted); a case
then passes this test when its differences from the suite are exactly the listed ones, so a
listed case that starts to pass, or differs in any other place, fails it (the list cannot rot).
Every other case must match its suite. A pair of cases where two suites expect opposite results
(CONTRADICTIONS) counts once in the restated figure; the fountain-tools `Tags` case tests an
extension, not Fountain 1.1, and is reported apart (APART); cases that test another program's API
rather than a parse are EXCLUDED (not run, not counted).

Suites (see /work/shared/data/README.md): fountain-tools (`.txt` dumps, one `.txt` rendering of
emphasis as <b>/<i>/<u>, and two `.fdx`), screenplain (`.html` and `.fdx` renderings), Jouvence
(YAML `in:`/`out:`). Conversion rules shared by all: one action element per paragraph (blank
lines split action; runs of blank lines are not elements), trailing whitespace is not
significant, notes are compared only where the suite outputs them (fountain-tools also shows
where each inline note stood: compared as "[[note]]" in the element's text). The summary
(printed even without -s) gives the raw figure per suite, as each suite would score Slate, and
the restated one.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from apps.scripts.fountain import Screenplay, parse, parse_bytes, split_character

from apps.scripts.fountain.emphasis import to_html

from .fountain_known_differences import APART, CONTRADICTIONS, DIFFERENCES, EXCLUDED, Difference, Row as Listed

Row = tuple  # (kind, text, scene_number, extension, dual, depth)


class OutsideModel(Exception):
    """The case's expected output is not an element list Slate's model can be compared with."""


@dataclass
class Fields:
    """Which Element fields a suite's expected output expresses."""

    scene_number: bool = True
    extension: bool = True
    dual: str = "block"  # "block": every element of the right-hand side; "character": cue only; "": none
    depth: bool = True
    notes: bool = True
    title_page: bool = True
    title_keys_case: bool = True
    collapse_whitespace: bool = False
    emphasis_html: bool = False  # the suite renders emphasis as <b>, <i>, <u>
    inline_notes: bool = False  # the suite shows where inline notes stood: compared as "[[note]]" in the text


@dataclass
class Expected:
    rows: list[Row]
    title_page: list[tuple[str, str]] | None = None  # None: the suite does not express it


def clean_text(text: str, fields: Fields) -> str:
    """Trailing whitespace never counts; screenplain's HTML also collapses runs of spaces."""
    lines = [line.rstrip() for line in text.replace("\xa0", " ").split("\n")]
    if fields.collapse_whitespace:
        lines = [re.sub(r"[ \t]+", " ", line).strip() for line in lines]
    return "\n".join(lines)


def row(kind, text, fields: Fields, *, scene_number=None, extension=None, dual=False, depth=0) -> Row:
    return (
        kind,
        clean_text(text, fields),
        scene_number if fields.scene_number else None,
        extension if fields.extension else None,
        bool(dual) if fields.dual == "block" or (fields.dual == "character" and kind == "character") else None,
        depth if fields.depth else None,
    )


def project(screenplay: Screenplay, fields: Fields) -> Expected:
    """Slate's own parse, reduced to the fields the suite expresses."""
    rows = [
        row(e.kind, to_html(e.text) if fields.emphasis_html else with_notes(e) if fields.inline_notes else e.text, fields,
            scene_number=e.scene_number, extension=e.extension,
            dual=e.dual, depth=e.depth)
        for e in screenplay.elements
        if fields.notes or e.kind != "note"
    ]
    title = screenplay.title_page if fields.title_page else None
    if title is not None and not fields.title_keys_case:
        title = [(k.lower(), v) for k, v in title]
    return Expected(rows=rows, title_page=title)


def with_notes(element) -> str:
    """The element's text with each inline note written in where it stood, as "[[note]]"."""
    text, out, position = element.text, [], 0
    for note in element.notes:
        out += [text[position:note.offset], f"[[{note.text}]]"]
        position = note.offset
    return "".join(out) + text[position:]


def character_row(cue: str, fields: Fields, *, dual=False) -> Row:
    parts = split_character(cue)
    name, extension = (parts[0], parts[1]) if parts else (cue.strip(), None)
    return row("character", name, fields, extension=extension, dual=dual)


def paragraphs(text: str) -> list[str]:
    """Action text split at blank lines, as Slate makes one action element per paragraph."""
    return [p.strip("\n") for p in re.split(r"\n[ \t]*\n", text) if p.strip()]


# --- fountain-tools: `KIND:"text" "(ext)" (flags)` dumps ---------------------------------------

FOUNTAIN_TOOLS_FIELDS = Fields(dual="character", inline_notes=True)
_FT_ENTRY = re.compile(
    r"^(?:\[\[(?P<note>\d+)\]\]|/\*(?P<bone>\d+)\*/)?"
    r"(?P<kind>HEADING|ACTION|CHARACTER|DIALOGUE|PARENTHETICAL|TRANSITION|LYRIC|PAGEBREAK"
    r"|SECTION|SYNOPSIS|TITLEENTRY|NOTE|BONEYARD):",
    re.MULTILINE,
)
_FT_BODY = re.compile(
    r'"(?P<text>.*?)"(?P<ext> "[^"\n]*")?(?P<flags>(?: \([^()\n]*\))*)(?P<tags> tags:\S*)?',
    re.DOTALL,
)
_FT_MARK = re.compile(r"\[\[(\d+)\]\]")


def read_fountain_tools(dump: str) -> Expected:
    starts = list(_FT_ENTRY.finditer(dump))
    if not starts or starts[0].start() != 0:
        raise OutsideModel("not an element dump")
    entries, notes, title = [], {}, []
    for match, following in zip(starts, starts[1:] + [None]):
        chunk = dump[match.end(): following.start() if following else len(dump)]
        chunk = chunk[:-1] if following and chunk.endswith("\n") else chunk
        kind = match.group("kind")
        if kind == "TITLEENTRY":
            key, value = re.fullmatch(r'"(.*?)":"(.*)"', chunk, re.DOTALL).groups()
            lines = [line.strip() for line in value.split("\n") if line.strip()]
            title.append((key, "\n".join(lines)))
            continue
        body = _FT_BODY.fullmatch(chunk)
        if body is None:
            raise OutsideModel(f"unreadable entry {kind}: {chunk[:40]!r}")
        if body.group("tags"):
            raise OutsideModel("tags are a fountain-tools extension")
        flags = re.findall(r"\(([^()]*)\)", body.group("flags"))
        entry = {"kind": kind, "text": body.group("text"), "flags": flags,
                 "ext": (body.group("ext") or "").strip().strip('"') or None}
        if kind == "NOTE":
            notes[match.group("note")] = entry["text"].strip()
        elif kind != "BONEYARD":
            entries.append(entry)
    return Expected(rows=_fountain_tools_rows(entries, notes), title_page=title)


def _fountain_tools_rows(entries: list[dict], notes: dict[str, str]) -> list[Row]:
    f = FOUNTAIN_TOOLS_FIELDS

    def noted(text: str) -> str:  # an inline note's mark "[[0]]" replaced by the note, as Slate's rows show it
        return _FT_MARK.sub(lambda mark: f"[[{notes[mark.group(1)]}]]", text)

    rows: list[Row] = []
    merged: list[dict] = []
    for entry in entries:  # consecutive ACTION or DIALOGUE entries are one run of lines
        run = entry["kind"] if entry["kind"] in ("ACTION", "DIALOGUE") else None
        if run == "ACTION" and "centered" in entry["flags"]:
            run = None
        if merged and run and merged[-1]["run"] == run:
            merged[-1]["text"] += "\n" + entry["text"]
        else:
            merged.append({**entry, "run": run})
    for entry in merged:
        kind, text, flags = entry["kind"], re.sub(r"/\*\d+\*/", "", entry["text"]), entry["flags"]
        if entry["run"] == "ACTION":
            for paragraph in paragraphs(text):
                pending: list[str] = []
                for line in paragraph.split("\n"):
                    if _FT_MARK.sub("", line).strip() or not _FT_MARK.search(line):
                        pending.append(noted(line))
                        continue
                    if pending:
                        rows.append(row("action", "\n".join(pending), f))
                        pending = []
                    rows.extend(row("note", notes[n], f) for n in _FT_MARK.findall(line))
                if pending:
                    rows.append(row("action", "\n".join(pending), f))
            continue
        text = noted(text)
        if kind == "ACTION":  # centered
            rows.append(row("centered", text.strip(), f))
        elif kind == "HEADING":
            rows.append(row("scene_heading", text, f, scene_number=flags[0] if flags else None))
        elif kind == "CHARACTER":
            rows.append(row("character", text, f, extension=entry["ext"], dual="Dual" in flags))
        elif kind == "SECTION":
            rows.append(row("section", text, f, depth=int(flags[0])))
        else:
            slate_kind = {"DIALOGUE": "dialogue", "PARENTHETICAL": "parenthetical",
                          "TRANSITION": "transition", "LYRIC": "lyrics", "PAGEBREAK": "page_break",
                          "SYNOPSIS": "synopsis"}[kind]
            if kind == "PARENTHETICAL":
                text = f"({text})"
            rows.append(row(slate_kind, text, f))
    return rows


EMPHASIS_FIELDS = Fields(dual="character", title_page=False, emphasis_html=True)


def is_emphasis_rendering(dump: str) -> bool:
    """fountain-tools' Formatted.txt: the input's lines with emphasis rendered as HTML tags."""
    return _FT_ENTRY.match(dump) is None and re.search(r"</?[biu]>", dump) is not None


def read_emphasis_rendering(rendering: str) -> Expected:
    """One action row per paragraph, emphasis as HTML (the input is all action)."""
    return Expected(rows=[row("action", p, EMPHASIS_FIELDS) for p in paragraphs(rendering)])


# --- Final Draft .fdx ----------------------------------------------------------------------------

FDX_FIELDS = Fields(dual="block", depth=False, notes=False, title_page=False)
_FDX_KINDS = {"Scene Heading": "scene_heading", "Action": "action", "Character": "character",
              "Dialogue": "dialogue", "Parenthetical": "parenthetical", "Transition": "transition"}


def read_fdx(xml_text: str) -> Expected:
    root = ET.fromstring(xml_text.encode("utf-8"))
    content = root.find("Content")
    rows: list[Row] = []

    def walk(paragraphs_, dual_side: bool) -> None:
        characters_seen = 0
        for paragraph in paragraphs_:
            nested = paragraph.find("DualDialogue")
            if nested is not None:
                walk(nested.findall("Paragraph"), True)
                continue
            kind = _FDX_KINDS.get(paragraph.get("Type", ""))
            if kind is None:
                raise OutsideModel(f"FDX paragraph type {paragraph.get('Type')!r}")
            text = "".join("".join(t.itertext()) for t in paragraph.findall("Text"))
            if kind == "character":
                characters_seen += 1
            dual = dual_side and characters_seen >= 2
            if kind == "action" and paragraph.get("Alignment") == "Center":
                kind = "centered"
            if kind == "character":
                rows.append(character_row(text, FDX_FIELDS, dual=dual))
            elif kind == "dialogue" and rows and rows[-1][0] == "dialogue":
                rows[-1] = row("dialogue", rows[-1][1] + "\n" + text, FDX_FIELDS, dual=dual)
            else:
                rows.append(row(kind, text, FDX_FIELDS, scene_number=paragraph.get("Number"),
                                dual=dual))

    walk(content.findall("Paragraph"), False)
    return Expected(rows=rows)


# --- screenplain .html ---------------------------------------------------------------------------

SCREENPLAIN_HTML_FIELDS = Fields(notes=False, title_page=False, collapse_whitespace=True)


@dataclass
class _Node:
    tag: str
    classes: list[str]
    children: list = field(default_factory=list)  # _Node or str

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else ("\n" if c.tag == "br" else c.text())
                       for c in self.children)


class _TreeBuilder(HTMLParser):
    _VOID = {"br", "hr", "img", "meta", "link"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("root", [])
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = _Node(tag, (dict(attrs).get("class") or "").split())
        self.stack[-1].children.append(node)
        if tag not in self._VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(_Node(tag, (dict(attrs).get("class") or "").split()))

    def handle_endtag(self, tag):
        if tag not in self._VOID:
            while self.stack[-1].tag != tag:
                self.stack.pop()
            self.stack.pop()

    def handle_data(self, data):
        if data.strip("\n"):
            self.stack[-1].children.append(data)


def read_screenplain_html(html: str) -> Expected:
    if not html.strip():
        raise OutsideModel("screenplain's expected HTML for this file is empty")
    builder = _TreeBuilder()
    builder.feed(html)
    f = SCREENPLAIN_HTML_FIELDS
    rows: list[Row] = []

    def dialog(node: _Node, dual: bool) -> None:
        for p in (c for c in node.children if isinstance(c, _Node) and c.tag == "p"):
            text = p.text()
            if "character" in p.classes:
                rows.append(character_row(text, f, dual=dual))
            elif "parenthetical" in p.classes:
                rows.append(row("parenthetical", text, f, dual=dual))
            elif rows and rows[-1][0] == "dialogue":
                rows[-1] = row("dialogue", rows[-1][1] + "\n" + text, f, dual=dual)
            else:
                rows.append(row("dialogue", text, f, dual=dual))

    for node in builder.root.children:
        if isinstance(node, str):
            if node.strip():
                raise OutsideModel(f"loose text {node[:30]!r}")
            continue
        if node.tag == "h6":
            if "page-break" in node.classes:
                rows.append(row("page_break", "", f))
            numbers = [c.text() for c in node.children if isinstance(c, _Node) and "scnuml" in c.classes]
            text = "".join(c for c in node.children if isinstance(c, str))
            rows.append(row("scene_heading", text, f, scene_number=numbers[0] if numbers else None))
        elif re.fullmatch(r"h[1-5]", node.tag):
            rows.append(row("section", node.text(), f, depth=int(node.tag[1])))
        elif node.tag == "span" and any(c.endswith("-synopsis") for c in node.classes):
            rows.append(row("synopsis", node.text(), f))
        elif node.tag == "div" and "action" in node.classes:
            rows.extend(row("action", p.text(), f) for p in node.children if isinstance(p, _Node))
        elif node.tag == "div" and node.classes in (["transition"], ["centered"]):
            rows.append(row(node.classes[0], node.text(), f))
        elif node.tag == "div" and "dialog" in node.classes:
            dialog(node, False)
        elif node.tag == "div" and "dual" in node.classes:
            for side in (c for c in node.children if isinstance(c, _Node) and c.tag == "div"):
                dialog(side, "right" in side.classes)
        else:
            raise OutsideModel(f"unknown HTML block <{node.tag} class={node.classes}>")
    return Expected(rows=rows)


# --- Jouvence: YAML `in:` / `out:` with prefixes --------------------------------------------------

JOUVENCE_FIELDS = Fields(scene_number=False, dual="", depth=False, notes=False,
                         title_keys_case=False)
_JOUVENCE_PREFIXES = [("!><", "centered"), ("!", "action"), (".", "scene_heading"),
                      ("@", "character"), ("=", "dialogue"), ("_", "parenthetical"),
                      (">", "transition"), ("~", "lyrics"), ("#", "section"), ("+", "synopsis")]


def jouvence_cases(yaml_text: str) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(yaml_text) if doc]


def read_jouvence(case: dict) -> Expected:
    f = JOUVENCE_FIELDS
    rows: list[Row] = []
    for item in case.get("out") or []:
        if item == "<pagebreak>":
            rows.append(row("page_break", "", f))
            continue
        prefix, kind = next((p, k) for p, k in _JOUVENCE_PREFIXES if item.startswith(p))
        text = item[len(prefix):]
        if kind == "action":
            rows.extend(row("action", p, f) for p in paragraphs(text))
        elif kind == "character":
            rows.append(character_row(text, f))
        elif kind in ("centered", "section", "synopsis"):
            rows.append(row(kind, text.strip(), f))
        elif kind == "dialogue" and rows and rows[-1][0] == "dialogue":
            rows[-1] = row("dialogue", rows[-1][1] + "\n" + text, f)
        else:
            rows.append(row(kind, text, f))
    title = None
    if "title" in case:
        title = [(str(k).lower(), str(v).strip()) for k, v in (case["title"] or {}).items()]
    return Expected(rows=rows, title_page=title)


# --- the cases and the tests ---------------------------------------------------------------------

REPO = Path(__file__).resolve().parents[2]
SHARED_DATA = Path(os.environ.get("SLATE_SHARED_DATA", REPO.parent / "shared" / "data"))
FOUNTAIN_DATA = SHARED_DATA / "fountain"
SUITES = ("fountain-tools", "screenplain", "jouvence")


Item = tuple  # a row, or ("title", entries or None) standing first for the title page


@dataclass
class Result:
    """A case's run: whether Slate's parse matches the suite's expectation, and both as compared."""

    passed: bool
    explanation: str
    expected: list[Item] = field(default_factory=list)
    actual: list[Item] = field(default_factory=list)

    def hunks(self) -> list[tuple[tuple[Item, ...], tuple[Item, ...]]]:
        """Each place where Slate differs: (the suite's items there, Slate's items there), in order."""
        matcher = difflib.SequenceMatcher(None, self.expected, self.actual, autojunk=False)
        return [(tuple(self.expected[i1:i2]), tuple(self.actual[j1:j2]))
                for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


def items(expected: Expected) -> list[Item]:
    title = tuple(tuple(entry) for entry in expected.title_page) if expected.title_page is not None else None
    return [("title", title), *expected.rows]


@dataclass
class Case:
    suite: str
    case_id: str
    source: Callable[[], Screenplay]
    expected: Callable[[], Expected]
    fields: Fields

    def run(self) -> Result:
        """This case's result."""
        try:
            expected = self.expected()
            actual = project(self.source(), self.fields)
        except OutsideModel as exc:
            return Result(False, f"outside the element model: {exc}")
        if expected.title_page is None:
            actual.title_page = None
        want, got = items(expected), items(actual)
        if want == got:
            return Result(True, "ok", want, got)
        diff = difflib.unified_diff([repr(r) for r in want], [repr(r) for r in got], "expected", "slate", lineterm="", n=1)
        return Result(False, "\n".join(diff), want, got)

    def listed_item(self, listed: Listed) -> Item:
        """A row of fountain_known_differences as this case's suite compares it."""
        if listed.kind == "title":
            return ("title", listed.entries if self.fields.title_page else None)
        return row(listed.kind, listed.text, self.fields, scene_number=listed.scene_number, extension=listed.extension,
                   dual=listed.dual, depth=listed.depth)


def _file_parser(path: Path) -> Callable[[], Screenplay]:
    return lambda: parse_bytes(path.read_bytes())


def _no_single_input() -> Screenplay:
    raise OutsideModel("no single input file: a streaming callback over four concatenated files")


def collect_cases() -> list[Case]:
    cases: list[Case] = []
    folder = FOUNTAIN_DATA / "fountain-tools"
    for dump in sorted(folder.glob("*.txt")):
        if dump.stem in EXCLUDED["fountain-tools"]:
            continue
        source = folder / (re.sub(r"-(Merged|Unmerged)$", "", dump.stem) + ".fountain")
        reader, fields = read_fountain_tools, FOUNTAIN_TOOLS_FIELDS
        if is_emphasis_rendering(dump.read_text(encoding="utf-8")):
            reader, fields = read_emphasis_rendering, EMPHASIS_FIELDS
        cases.append(Case(
            "fountain-tools", dump.stem,
            _file_parser(source) if source.exists() else _no_single_input,
            lambda dump=dump, reader=reader: reader(dump.read_text(encoding="utf-8")),
            fields,
        ))
    # fountain-tools compares these two FDX files with its parse of the same-named .fountain.
    for name in ("TestFDX-FD", "TestFDX-FI"):
        cases.append(Case(
            "fountain-tools", f"{name}.fdx", _file_parser(folder / f"{name}.fountain"),
            lambda fdx=folder / f"{name}.fdx": read_fdx(fdx.read_text(encoding="utf-8")),
            FDX_FIELDS,
        ))
    folder = FOUNTAIN_DATA / "screenplain"
    for source in sorted(folder.glob("*.fountain")):
        for suffix, reader, fields in ((".html", read_screenplain_html, SCREENPLAIN_HTML_FIELDS),
                                       (".fdx", read_fdx, FDX_FIELDS)):
            expected = source.with_suffix(suffix)
            if expected.exists():
                cases.append(Case(
                    "screenplain", expected.name, _file_parser(source),
                    lambda e=expected, r=reader: r(e.read_text(encoding="utf-8")), fields,
                ))
    for path in sorted((FOUNTAIN_DATA / "jouvence").glob("*.yaml")):
        for number, doc in enumerate(jouvence_cases(path.read_text(encoding="utf-8")), start=1):
            cases.append(Case(
                "jouvence", f"{path.stem}#{number}", lambda doc=doc: parse(doc["in"]),
                lambda doc=doc: read_jouvence(doc), JOUVENCE_FIELDS,
            ))
    return cases


@functools.cache
def cases() -> dict[tuple[str, str], Case]:
    return {(case.suite, case.case_id): case for case in collect_cases()}


@functools.cache
def results() -> dict[tuple[str, str], Result]:
    return {key: case.run() for key, case in cases().items()}


def listed(suite: str, case_id: str) -> list[Difference]:
    return [d for d in DIFFERENCES if (d.suite, d.case) == (suite, case_id)]


def listed_hunks(key: tuple[str, str]) -> list[tuple[tuple[Item, ...], tuple[Item, ...]]]:
    case = cases()[key]
    return [(tuple(case.listed_item(r) for r in d.expects), tuple(case.listed_item(r) for r in d.slate))
            for d in listed(*key)]


def meets_target(key: tuple[str, str]) -> bool:
    """The case gives what the spec decides: it matches its suite, or differs exactly where listed."""
    result = results()[key]
    return result.passed if not listed(*key) else (not result.passed and result.hunks() == listed_hunks(key))


CASE_IDS = [key for key in cases() if key not in APART]


@pytest.mark.parametrize(("suite", "case_id"), CASE_IDS, ids=[f"{s}:{c}" for s, c in CASE_IDS])
def test_case_matches_its_suite_or_differs_only_where_the_spec_decides(suite, case_id):
    result = results()[(suite, case_id)]
    if not listed(suite, case_id):
        assert result.passed, f"{suite}:{case_id} differs:\n{result.explanation}"
        return
    assert not result.passed, f"{suite}:{case_id} now passes; remove its entries from DIFFERENCES"
    assert result.actual, f"{suite}:{case_id}: {result.explanation}"
    found = [(list(want), list(got)) for want, got in result.hunks()]
    assert result.hunks() == listed_hunks((suite, case_id)), (
        f"{suite}:{case_id} differs from its suite otherwise than DIFFERENCES says; the places it differs "
        f"(suite's items, Slate's items):\n" + "\n".join(map(repr, found)))


def test_every_suite_has_cases():
    for suite in SUITES:
        assert any(s == suite for s, _ in CASE_IDS), f"no cases found for {suite} in {FOUNTAIN_DATA}"


def entry_problems(d: Difference) -> list[str]:
    """What is wrong with a DIFFERENCES entry: no such counted case, the same on both sides, no
    section of the syntax page, or no whole sentence of it quoted."""
    where = f"{d.suite}:{d.case}"
    problems = []
    if (d.suite, d.case) not in results() or (d.suite, d.case) in APART:
        problems.append(f"{where} is not a counted case")
    if d.expects == d.slate:
        problems.append(f"{where}: the suite's and Slate's sides are the same")
    if not d.section.strip():
        problems.append(f"{where}: no section of the syntax page")
    sentences = [q.strip() for q in d.spec]
    if not sentences or not all(len(q) > 20 and q[-1] in '.!?:"' for q in sentences):
        problems.append(f"{where}: no whole spec sentence quoted")
    return problems


def test_every_listed_difference_names_a_case_what_each_side_gives_and_the_spec_sentence():
    assert [problem for d in DIFFERENCES for problem in entry_problems(d)] == []


def test_the_list_cannot_rot(monkeypatch):
    """A listed case that passes, a case that differs in a place not listed, and an entry without its
    sentence all fail the target (here with a changed list: the real one is checked above)."""
    import tests.scripts.test_fountain_conformance as this

    original = list(DIFFERENCES)
    passing = ("jouvence", "test_lyrics#1")
    fake = Difference(*passing, expects=(Listed("action", "x"),), slate=(Listed("lyrics", "x"),), section="Lyrics",
                      spec=("You create a Lyric by starting with a line with a tilde ~.",))
    assert results()[passing].passed and meets_target(passing)
    monkeypatch.setattr(this, "DIFFERENCES", [*original, fake])
    assert not meets_target(passing)
    character = ("fountain-tools", "Character")
    monkeypatch.setattr(this, "DIFFERENCES", [d for d in original if d.note != "the same with a curly apostrophe"])
    assert not meets_target(character)
    monkeypatch.setattr(this, "DIFFERENCES", original)
    assert meets_target(character)
    assert entry_problems(dataclasses.replace(fake, spec=())) != [] and entry_problems(dataclasses.replace(fake, spec=("Lyrics",))) != []


def test_excluded_and_apart_cases_exist_and_are_few():
    excluded = [(suite, case_id) for suite, cases_ in EXCLUDED.items() for case_id in cases_]
    assert len(excluded) <= 2
    for suite, case_id in excluded:
        assert (FOUNTAIN_DATA / suite / f"{case_id}.txt").exists(), f"{suite}:{case_id} is not a case"
        assert (suite, case_id) not in results()
    assert list(APART) == [("fountain-tools", "Tags")]
    assert all(key in results() for key in APART)


@pytest.mark.parametrize("pair", CONTRADICTIONS, ids=[f"{a[1]}|{b[1]}" for a, b, _ in CONTRADICTIONS])
def test_contradicting_cases_exactly_one_passes_and_the_other_is_listed(pair):
    """Two suites expect opposite results for the same kind of input: no parser can pass both."""
    first, second, _ = pair
    assert results()[first].passed != results()[second].passed
    loser = second if results()[first].passed else first
    assert listed(*loser), f"{loser[0]}:{loser[1]} fails but its difference is not listed with the spec sentence"


def summary() -> list[str]:
    """The raw figure per suite, the restated one, and every listed difference with its spec sentence."""
    lines = ["", "Fountain conformance summary", "  raw, as each suite scores Slate (every case run, against its own expectation):"]
    for suite in SUITES:
        ran = [(c, r) for (s, c), r in results().items() if s == suite]
        passed = sum(1 for _, r in ran if r.passed)
        listed_cases = {d.case for d in DIFFERENCES if d.suite == suite}
        apart = sum(1 for s, _ in APART if s == suite)
        lines.append(f"    {suite}: {len(ran)} run, {passed} passed ({100 * passed / len(ran):.1f}%); "
                     f"{len(listed_cases)} differ where the spec decides" + (f", {apart} reported apart" if apart else ""))
    total = len(results())
    passed = sum(1 for r in results().values() if r.passed)
    lines.append(f"    overall: {passed}/{total} passed = {100 * passed / total:.1f}%")
    counted = [key for key in results() if key not in APART]
    partner = {}  # a contradicting pair counts once: as its passing side, with the other side listed
    for a, b, _ in CONTRADICTIONS:
        winner, loser = (a, b) if results()[a].passed else (b, a)
        partner[winner], partner[loser] = loser, None
    units = [key for key in counted if partner.get(key, ()) is not None]
    met = [key for key in units if meets_target(key) and (key not in partner or meets_target(partner[key]))]
    agree = sum(1 for key in units if results()[key].passed)
    lines.append(f"  restated (the Fountain 1.1 syntax page, fountain.io/syntax, as the judge): {len(met)}/{len(units)} = "
                 f"{100 * len(met) / len(units):.1f}% give what the page decides (where it is silent, what the suite expects)")
    lines.append(f"    {total} run, {len(APART)} reported apart, {len(CONTRADICTIONS)} contradicting pairs counted once: "
                 f"{agree} match their suite ({len(CONTRADICTIONS)} of them the side of a pair the spec decides for), "
                 f"{len(units) - agree} differ only where the spec decides against the suite")
    lines.append(f"  {len(DIFFERENCES)} differences decided by the spec (suite expects -> Slate gives; the sentence):")
    for d in DIFFERENCES:
        lines.append(f"    - {d.suite}:{d.case}: {_shown(d.expects)} -> {_shown(d.slate)}")
        lines.append(f"      {d.section}: " + " ".join(f"\u201c{q}\u201d" for q in d.spec) + (f" -- {d.note}" if d.note else ""))
    for (suite, case_id), reason in APART.items():
        result = results()[(suite, case_id)]
        lines.append(f"  reported apart: {suite}:{case_id} ({reason}): "
                     + ("passes" if result.passed else f"not counted; {result.explanation}"))
    excluded = [f"{suite}:{case_id} ({reason})" for suite, cases_ in EXCLUDED.items() for case_id, reason in cases_.items()]
    lines.append(f"  {len(excluded)} case{'' if len(excluded) == 1 else 's'} excluded: " + ("; ".join(excluded) or "none"))
    lines.append(f"  {len(CONTRADICTIONS)} pairs of cases expect opposite results (one of each can pass): "
                 + "; ".join(f"{a[0]}:{a[1]} / {b[0]}:{b[1]}" for a, b, _ in CONTRADICTIONS))
    return lines


def _shown(rows) -> str:
    return " + ".join(f"title page {list(r.entries)}" if r.kind == "title" else
                      f"{r.kind} {r.text!r}" + "".join(f" {name}={value!r}" for name, value in
                                                      (("number", r.scene_number), ("extension", r.extension))
                                                      if value) for r in rows) or "nothing"


def test_zz_conformance_summary(capsys):
    """Print the raw figures per suite and the restated one, even without -s; every counted case meets the target."""
    with capsys.disabled():
        print("\n".join(summary()))
    assert all(meets_target(key) for key in results() if key not in APART)

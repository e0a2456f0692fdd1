"""Every step a member's screenplay text goes through takes time linear in its length, whatever the text.

Each hostile shape of tests/scripts/hostile.py, and (property-based, hypothesis) random units
made of the hostile pieces (runs of spaces and tabs, "(", "*", "_", "[[", "/*", "#", ">", "~",
"*a ", on one line or across lines), is repeated to a text of SMALL characters and to one eight
times as long; each step (parse, scenes with their eighths, PDF with its emphasis and layout,
the same with the notes printed, Fountain export, diff against an edited copy, the edited copy's
revision pages against the text locked) must take less
than RATIO_LIMIT times as long on the long one. Linear work gives about 8x, n log n about 9x,
quadratic 64x. The work is measured as CPU time of this process with the garbage collector
paused (so neither other processes nor collection pauses count), the median of a few runs, all
in the same test run.
"""
from __future__ import annotations

import gc
import os
import statistics
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.scripts import fountain, matching, sequence
from apps.scripts.fountain import Span, spans, split_character
from apps.scripts.fountain.layout import wrap
from apps.scripts.fountain.pagination import wrapped_lines
from apps.scripts.fountain.source import source_lines
from apps.scripts.pdf import revision_pdf, screenplay_pdf
from apps.scripts.revision_pages import revise
from tests.scripts.diffing import script_diff
from tests.scripts.hostile import SHAPES, hostile

SMALL = 2_000  # characters (times each step's scale); the long text is 8x
RATIO_LIMIT = 20.0
NOISE_FLOOR_S = 0.003  # below this on the long text, a ratio says nothing
PIECES = [" ", "    ", "\t", "(", ")", "*", "_", "[[", "]]", "/*", "*/", "#", ">", "<", "~", "*a ", "_a ", "a", "BOB", "\n", "\n\n",
          "INT. ", "^", "=", "!", "@", ".", "\\", "-", "#1#", "(V.O.)"]


def edited(text: str) -> str:
    """The text with a small change near its start and a scene added at its end (what a diff compares)."""
    return text.replace("ROOM", "HALL", 1).replace(" ", "  ", 1) + "\n\nEXT. PARK - DAY\n\nBirds.\n"


# Each step, and how many times SMALL its short text is: the cheap steps run on longer texts, where
# a quadratic term made of C-speed scans (a str.find per printed line) stands out of the linear work.
STEPS = {
    "parse": (lambda text: fountain.parse(text), 6),
    "scenes": (lambda text: matching.read_scenes(text), 6),
    "fountain": (lambda text: fountain.to_fountain(fountain.parse(text)), 6),
    "pdf": (lambda text: screenplay_pdf(fountain.parse(text)), 1),
    "pdf_with_notes": (lambda text: screenplay_pdf(fountain.parse(text), notes=True), 1),
    "diff": (lambda text: script_diff(text, edited(text)), 1),
    # Locked at the text, the edited copy as its blue revision: the whole revised script, A-pages and marks.
    "revision": (lambda text: revision_pdf(revise(fountain.parse(text), [fountain.parse(edited(text))]).pages, headers={1: "Blue"}, title=""), 1),
}


def _cpu_now() -> float:
    """CPU seconds of this process (`time.process_time`, to the microsecond) and of its children waited for
    (`os.times`, to the clock tick: 10 ms)."""
    children = os.times()
    return time.process_time() + children.children_user + children.children_system


def cpu_seconds(step, text: str, repeats: int) -> float:
    """The median CPU time of `repeats` runs of `step(text)`, the garbage collector paused; the CPU time of the
    processes the step ran and waited for counts too (the PDF import reads in a process of its own)."""
    times = []
    for _ in range(repeats):
        gc.disable()  # no collect() first: with Django and pytest loaded it costs 0.1 s, more than the steps
        try:
            start = _cpu_now()
            step(text)
            times.append(_cpu_now() - start)
        finally:
            gc.enable()
    return statistics.median(times)


def growth(step, short: str, long: str) -> tuple[float, float, float]:
    """`(ratio, short s, long s)`: how much longer the step takes on the long text. One run each,
    then, only if that looks super-linear, the median of five (a busy machine cannot fail it)."""
    for repeats in (1, 5):
        small, large = cpu_seconds(step, short, repeats), cpu_seconds(step, long, repeats)
        ratio = large / max(small, 1e-6)
        if large < NOISE_FLOOR_S or ratio < RATIO_LIMIT:
            break
    return ratio, small, large


def assert_linear(make, label: str) -> None:
    """Each step takes less than RATIO_LIMIT times as long on `make(8 * n)` as on `make(n)`."""
    for name, (step, scale) in STEPS.items():
        short, long = make(SMALL * scale), make(8 * SMALL * scale)
        ratio, small, large = growth(step, short, long)
        assert large < NOISE_FLOOR_S or ratio < RATIO_LIMIT, (
            f"{name} on {label}: {len(short):,} chars {small * 1000:.1f} ms, {len(long):,} chars {large * 1000:.1f} ms "
            f"({ratio:.1f}x for 8x the text)")


def repeated(unit: str, size: int) -> str:
    prefix = "INT. ROOM - DAY\n\n"
    return prefix + unit * max(1, (size - len(prefix)) // len(unit))


def test_the_shapes_cover_every_hostile_piece_of_the_issue():
    units = "".join(unit for _, unit, _ in SHAPES.values())
    for piece in (" ", "\t", "(", "*", "_", "[[", "/*", "#", ">", "~", "*a ", "_a "):
        assert piece in units


@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.timeout(60)  # a quadratic step takes minutes here: fail, do not hang
def test_every_step_is_linear_on_each_hostile_shape(shape):
    assert_linear(lambda size: hostile(shape, size), shape)


@settings(max_examples=15, deadline=None, database=None)
@given(unit=st.lists(st.sampled_from(PIECES), min_size=1, max_size=6).map("".join))
@pytest.mark.timeout(120)
def test_every_step_is_linear_on_random_runs_of_hostile_pieces(unit):
    assert_linear(lambda size: repeated(unit, size), repr(unit))


@settings(max_examples=60, deadline=None, database=None)
@given(a=st.lists(st.integers(0, 3), max_size=300), b=st.lists(st.integers(0, 3), max_size=300))
def test_difflib_works_within_its_budget_and_else_falls_back_to_a_valid_patience_diff(a, b):
    found = sequence.matcher(a, b, autojunk=False, budget=200)
    assert found.work <= 200 + len(a) + len(b)  # the budget, and at most the last step's overshoot
    blocks = found.get_matching_blocks()
    i0 = j0 = 0
    for i, j, size in blocks:
        assert i >= i0 and j >= j0 and a[i:i + size] == b[j:j + size]
        i0, j0 = i + size, j + size
    assert tuple(blocks[-1]) == (len(a), len(b), 0)


# The functions that walk one long line: on runs of a megabyte, where a scan repeated per printed
# line (a quadratic term at C speed, invisible at a few KB) is seconds, not milliseconds.
LINE_FUNCTIONS = {
    "wrapped_lines": lambda line: wrapped_lines(line, 61),
    "layout.wrap": lambda line: wrap([Span(line)], 60),
    "spans": lambda line: spans(line),
    "source_lines": lambda line: source_lines(line),
    "split_character": lambda line: split_character(line),
}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("unit", ["x", " ", "*", "_", "*a ", "_a ", "a-", "-", "(", "[[", "/*", "ab  ", "\u00a0a"])
@pytest.mark.parametrize("name", sorted(LINE_FUNCTIONS))
def test_functions_over_one_long_line_are_linear_on_a_megabyte(name, unit):
    function = LINE_FUNCTIONS[name]
    short, long = "BOB " + unit * (125_000 // len(unit)), "BOB " + unit * (1_000_000 // len(unit))
    ratio, small, large = growth(function, short, long)
    assert large < NOISE_FLOOR_S or ratio < RATIO_LIMIT, f"{name} on {unit!r}: {small * 1000:.1f} ms, then {large * 1000:.1f} ms ({ratio:.1f}x)"

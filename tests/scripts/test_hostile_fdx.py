"""Hostile Final Draft files (tests/scripts/hostile_fdx.py): reading one takes time linear in its size,
whatever its shape, never recursion, and a 5 MiB one is read whole (or refused with a reason).

As tests/scripts/test_linear_time.py does for Fountain text: each shape at SMALL bytes and at eight
times that, each step (reading the FDX, writing the result as Fountain, writing it back as FDX) must
take less than RATIO_LIMIT times as long on the long file, measured as this process's CPU time with
the garbage collector paused (test_linear_time.growth). That the import of such a file through the
job never holds up other members' writes is shown end to end in tests/e2e/test_hostile_fdx.py.
"""
from __future__ import annotations

import pytest

from apps.scripts.fdx import NotFinalDraft, read_fdx, to_fdx
from apps.scripts.fountain import Span, TooManyElements, spans, to_fountain
from tests.scripts.hostile_fdx import SHAPES, hostile_fdx, unclosed
from tests.scripts.test_linear_time import NOISE_FLOOR_S, RATIO_LIMIT, growth

SMALL = 40_000  # bytes; the long file is 8x
FIVE_MIB = 5 * 1024 * 1024

STEPS = {
    "read": lambda data: read_fdx(data),
    "fountain": lambda data: to_fountain(read_fdx(data)),
    "fdx": lambda data: to_fdx(read_fdx(data)),
}


def refused(data: bytes) -> str:
    try:
        read_fdx(data)
    except NotFinalDraft as exc:
        return str(exc)
    return ""


@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.timeout(120)  # a quadratic step takes minutes here: fail, do not hang
def test_every_step_is_linear_on_each_hostile_fdx_shape(shape):
    short, long = hostile_fdx(shape, SMALL), hostile_fdx(shape, 8 * SMALL)
    for name, step in STEPS.items():
        ratio, small, large = growth(step, short, long)
        assert large < NOISE_FLOOR_S or ratio < RATIO_LIMIT, (
            f"{name} on {shape}: {len(short):,} bytes {small * 1000:.1f} ms, {len(long):,} bytes {large * 1000:.1f} ms "
            f"({ratio:.1f}x for 8x the file)")


@pytest.mark.parametrize("shape", ["deep_nesting", "deep_paragraphs", "tiny_paragraphs"])
@pytest.mark.timeout(120)
def test_a_file_left_unclosed_is_refused_in_time_linear_in_its_size(shape):
    short, long = unclosed(shape, SMALL), unclosed(shape, 8 * SMALL)

    assert "not well-formed" in refused(short) and "not well-formed" in refused(long)
    ratio, small, large = growth(refused, short, long)
    assert large < NOISE_FLOOR_S or ratio < RATIO_LIMIT, f"{small * 1000:.1f} ms, then {large * 1000:.1f} ms ({ratio:.1f}x)"


@pytest.mark.timeout(120)
def test_5_mib_files_nested_a_million_levels_deep_are_read_without_recursion():
    screenplay = read_fdx(hostile_fdx("deep_nesting", FIVE_MIB))  # ~870,000 levels of <b> inside a paragraph
    assert [(e.kind, e.text) for e in screenplay.elements] == [("scene_heading", "INT. ROOM - DAY"), ("action", "Deep.")]

    screenplay = read_fdx(hostile_fdx("deep_paragraphs", FIVE_MIB))  # paragraphs inside paragraphs: Final Draft has none
    assert [(e.kind, e.text) for e in screenplay.elements] == [("scene_heading", "INT. ROOM - DAY"), ("action", "a")]

    assert "not well-formed" in refused(unclosed("deep_nesting", FIVE_MIB))


@pytest.mark.timeout(120)
def test_5_mib_paragraphs_are_read_whole_with_their_emphasis_markers_escaped():
    action = read_fdx(hostile_fdx("huge_star_a", FIVE_MIB)).elements[1]
    assert action.kind == "action" and action.text.startswith("*a *a ") and len(action.text) > FIVE_MIB - 1000  # prints as written

    action = read_fdx(hostile_fdx("huge_marker_pairs", FIVE_MIB)).elements[1]
    assert action.text.startswith("\\*a\\* \\_b\\_ ") and len(action.text) > FIVE_MIB  # would print in italics, underlined

    styled = read_fdx(hostile_fdx("styled_runs", FIVE_MIB)).elements[1]
    assert spans(styled.text)[:4] == [Span("a", bold=True), Span("b", italic=True, underline=True), Span(" *_"), Span("a", bold=True)]
    assert len(spans(styled.text)) == 3 * styled.text.count("**a**") > 60_000  # every run kept its style


@pytest.mark.timeout(120)
def test_5_mib_of_tiny_paragraphs_is_read_or_refused_at_the_element_limit():
    screenplay = read_fdx(hostile_fdx("speech_lines", FIVE_MIB))
    assert [e.kind for e in screenplay.elements] == ["scene_heading", "character", "dialogue"]
    assert screenplay.elements[2].text.count("\n") > 80_000  # one speech: a line per paragraph

    with pytest.raises(TooManyElements):
        read_fdx(hostile_fdx("tiny_paragraphs", FIVE_MIB), max_elements=50_000)
    with pytest.raises(TooManyElements):
        read_fdx(hostile_fdx("inline_notes", FIVE_MIB), max_elements=50_000)

"""A screenplay PDF shaped to be hostile imports in time linear in its size, or is refused early with a reason.

The shapes of tests/scripts/hostile_pdf.py (thousands of tiny text runs, kerned arrays of
one-character strings, a huge page count, everything on one page) are built at SMALL bytes and at
eight times that; `read_pdf` must take less than RATIO_LIMIT times as long on the large one (CPU
time, garbage collector paused, as tests/scripts/test_linear_time.py measures). Past the import's
limits (pages, bytes of drawing instructions, a stream that unpacks past its limit) the file is
refused with a `PdfTooLarge` naming the limit, before the pages are read. The issue's acceptance
file, 5 MiB of tiny runs, imports.
"""
from __future__ import annotations

import pytest

from apps.scripts.fountain import model as m
from apps.scripts.pdf_import import PdfTooLarge, read_pdf
from apps.scripts.pdf_import import text
from apps.scripts.pdf_import.text import MAX_PAGE_CONTENT, MAX_PAGES
from tests.scripts.hostile_pdf import SHAPES, hostile_pdf
from tests.scripts.test_linear_time import NOISE_FLOOR_S, RATIO_LIMIT, growth

SMALL = 48 * 1024  # bytes; the large file is 8x


@pytest.mark.parametrize("shape", [shape for shape in SHAPES if shape != "flate_bomb"])
@pytest.mark.timeout(120)  # a quadratic step takes minutes at this size: fail, do not hang
def test_the_import_is_linear_in_the_size_of_each_hostile_shape(shape):
    short, long = hostile_pdf(shape, SMALL), hostile_pdf(shape, 8 * SMALL)

    ratio, small, large = growth(read_pdf, short, long)

    assert large < NOISE_FLOOR_S or ratio < RATIO_LIMIT, (
        f"{shape}: {len(short):,} bytes {small * 1000:.0f} ms, {len(long):,} bytes {large * 1000:.0f} ms "
        f"({ratio:.1f}x for 8x the file)")


@pytest.mark.timeout(120)
def test_a_5_mib_pdf_of_tiny_text_runs_imports():
    data = hostile_pdf("tiny_runs", 5 * 1024 * 1024)

    screenplay = read_pdf(data)

    kinds = {element.kind for element in screenplay.elements}
    assert len(data) >= 5 * 1024 * 1024 and kinds == {m.SCENE_HEADING, m.ACTION, m.CHARACTER, m.DIALOGUE}
    assert sum(element.kind == m.SCENE_HEADING for element in screenplay.elements) > 1000


def test_a_huge_page_count_is_refused_before_the_pages_are_read():
    data = hostile_pdf("pages", 5 * 1024 * 1024)

    with pytest.raises(PdfTooLarge, match="too many pages") as refused:
        read_pdf(data)

    assert refused.value.limit == MAX_PAGES and f"{MAX_PAGES:,}" in str(refused.value)


def test_a_page_with_more_to_draw_than_a_page_can_hold_is_refused():
    data = hostile_pdf("one_page", MAX_PAGE_CONTENT + 64 * 1024)

    with pytest.raises(PdfTooLarge, match="page 1") as refused:
        read_pdf(data)

    assert refused.value.limit == MAX_PAGE_CONTENT


def test_a_flate_bomb_is_refused_where_it_unpacks_past_the_limit():
    data = hostile_pdf("flate_bomb", 256 * 1024)  # unpacks to about a thousand times that

    with pytest.raises(PdfTooLarge, match="unpacks") as refused:
        read_pdf(data)

    assert len(data) < 512 * 1024 and refused.value.limit == MAX_PAGE_CONTENT


def test_a_reader_that_runs_out_of_memory_ends_its_own_process_and_the_file_is_refused(monkeypatch):
    # Enough for Python, pypdf and PDFium to start (about 50 MiB of address space), not for 2 MiB of kerned text.
    monkeypatch.setattr(text, "MAX_READER_MEMORY", 64 * 1024 * 1024)

    with pytest.raises(PdfTooLarge, match="memory") as refused:
        read_pdf(hostile_pdf("kerned", 2 * 1024 * 1024))

    assert refused.value.limit == 64 * 1024 * 1024


def test_a_reader_past_its_time_is_killed_and_the_file_is_refused(monkeypatch):
    monkeypatch.setattr(text, "MAX_READER_WALL_S", 0.01)  # less than the reader's start-up

    with pytest.raises(PdfTooLarge, match="time"):
        read_pdf(hostile_pdf("kerned", 256 * 1024))

"""Hostile screenplay PDFs: files shaped to make a careless PDF import take quadratic time or all the memory.

Each shape is a unit of drawing repeated until the file reaches a size; `hostile_pdf(shape, size)`
builds one in linear time, with pypdf making the file around content streams written here (as
apps/scripts/pdf.py does). The linear-time tests (tests/scripts/test_hostile_pdf.py) and
tests/scripts/bench_hostile_pdf.py use the same shapes:

- `tiny_runs`: every character its own text object (`BT /F1 12 Tf x y Td (c) Tj ET`), on
  screenplay-like lines (heading, cue, dialogue, action) of pages of 55 lines;
- `kerned`: each line one `TJ` array of one-character strings with a kerning number between each;
- `pages`: a huge page count, each page holding one short line;
- `one_page`: all of `tiny_runs` on one single page, the lines drawn over each other;
- `flate_bomb`: one page whose compressed content unpacks to about a thousand times its size.

Content is stored uncompressed (the file's size is its text) except for `flate_bomb`.
"""
from __future__ import annotations

import io
import zlib

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, StreamObject

PAGE_W, PAGE_H = 612, 792
LINES = [  # (x in points, text): one screenplay page's worth of shapes, repeated
    (108, "INT. ROOM - DAY"), (108, ""), (108, "A man waits by the door."), (108, ""),
    (266.4, "BOB"), (180, "Hello there, friend."), (108, ""),
]
SHAPES = ("tiny_runs", "kerned", "pages", "one_page", "flate_bomb")


def _font() -> DictionaryObject:
    return DictionaryObject({NameObject("/F1"): DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Courier"), NameObject("/Encoding"): NameObject("/WinAnsiEncoding")})})


def _line_ops(x: float, y: float, text: str, kerned: bool) -> str:
    if kerned:
        return f"BT /F1 12 Tf {x:.2f} {y:.2f} Td [" + " -1 ".join(f"({c})" for c in text) + "] TJ ET\n"
    return "".join(f"BT /F1 12 Tf {x + 7.2 * i:.2f} {y:.2f} Td ({c}) Tj ET\n" for i, c in enumerate(text) if c != " ")


def _pages(shape: str, size: int) -> list[bytes]:
    """The content streams of the file's pages, together about `size` bytes."""
    if shape == "pages":
        unit = b"BT /F1 12 Tf 108 700 Td (A.) Tj ET"
        return [unit] * max(1, size // (len(unit) + 320))  # ~320 bytes of page object and cross-reference around each
    if shape == "flate_bomb":
        return []
    pages, page, total, line = [], [], 0, 0
    while total < size:
        x, text = LINES[line % len(LINES)]
        y = PAGE_H - 72 - 12 * (line % 55 if shape != "one_page" else line % 55)
        ops = _line_ops(x, y, text, shape == "kerned") if text else ""
        page.append(ops)
        total += len(ops)
        line += 1
        if shape != "one_page" and line % 55 == 0:
            pages.append("".join(page).encode("latin-1"))
            page = []
    if page or not pages:
        pages.append("".join(page).encode("latin-1"))
    return pages


def hostile_pdf(shape: str, size: int) -> bytes:
    """A PDF of `shape` (see the module docstring) about `size` bytes long."""
    writer = PdfWriter()
    resources = DictionaryObject({NameObject("/Font"): _font()})
    streams = _pages(shape, size)
    for content in streams:
        page = writer.add_blank_page(PAGE_W, PAGE_H)
        stream = DecodedStreamObject()
        stream.set_data(content)
        page.replace_contents(stream)
        page[NameObject("/Resources")] = resources
    if shape == "flate_bomb":
        page = writer.add_blank_page(PAGE_W, PAGE_H)
        unit = b"BT /F1 12 Tf 108 700 Td (A) Tj ET\n"
        compressor = zlib.compressobj(9)
        chunk = unit * (1 << 16)
        parts, packed = [], 0
        while packed < size:
            part = compressor.compress(chunk)
            parts.append(part)
            packed += len(part) + 1  # the deflate of a repeated unit grows by a byte or so per chunk
        parts.append(compressor.flush())
        stream = StreamObject()
        stream._data = b"".join(parts)
        stream[NameObject("/Filter")] = NameObject("/FlateDecode")
        page.replace_contents(stream)
        page[NameObject("/Resources")] = resources
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()

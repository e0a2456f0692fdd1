"""The PDF reader's own process: a screenplay PDF's text runs with their positions, read through PDFium.

Run by `apps.scripts.pdf_import.text.read_runs` as `python -I reader_process.py MAX_PAGES MAX_PAGE_CONTENT
MAX_CONTENT`. It imports what it needs (neither Django nor Slate), says READY on stdout, and waits for the file
on stdin: the parent sets the limits on its memory and CPU time in between (prlimit), so a hostile file can make
this process fail, never the worker that started it. It answers one JSON object on stdout:

    {"pages": [[[y, x, end, text, points], ...], ...], "width": w, "height": h}
    {"error": "not_pdf" | "encrypted" | "too_large", "detail": str, "what": str, "found": int | null, "limit": int}

`y` is a run's baseline from the page's top, `x` and `end` its left and right edges from the page's left
(points, the media box: ISO 32000-1, 14.11.2); `points` its font size as printed (the size set by `Tf`
times the text and transformation matrices' scale, ISO 32000-1, 9.4.4). A run is a stretch of characters on
one baseline that follow each other (the next one starts at most a third of an em from where the last ended,
so `TJ` kerning keeps a run whole); characters PDFium makes up (the spaces and line ends of its text page,
`FPDFText_IsGenerated`) are left out, and rotated, mirrored or slanted characters (watermarks, stamps) too.

Before PDFium reads a page, pypdf (its `Configuration` limits on what a stream may unpack to) measures every
page's drawing instructions against MAX_PAGE_CONTENT and their sum against MAX_CONTENT, as pypdf's guide
advises, and PDFium's page count is checked against MAX_PAGES: such files are refused with the limit they
pass. PDFium (pypdfium2's `raw` bindings of the fpdf_text API) then reads each page's text in C++, about
twenty times as fast as pypdf's text visitor on 5 MiB files (docs/performance.md).
"""
from __future__ import annotations

import ctypes
import io
import json
import os
import sys

import pypdfium2 as pdfium
import pypdfium2.raw as raw
from pypdf import PdfReader, apply_configuration
from pypdf.errors import FileNotDecryptedError, LimitReachedError, PyPdfError

READY = b"ready\n"
EM_GAP = 1 / 3  # a character starting further than this (in ems) from where the last ended starts a new run
SKEW = 0.01  # a matrix whose b or c is past this share of a or d is slanted or rotated


def main(argv: list[str]) -> int:
    max_pages, max_page_content, max_content = (int(value) for value in argv[1:4])
    os.write(1, READY)  # started, everything imported: the parent sets the limits, then sends the file
    data = sys.stdin.buffer.read()
    try:
        answer = read(data, max_pages, max_page_content, max_content)
    except Refused as refused:
        answer = refused.answer
    sys.stdout.write(json.dumps(answer, separators=(",", ":")))
    return 0


class Refused(Exception):
    def __init__(self, error: str, detail: str = "", *, what: str = "", found: int | None = None, limit: int = 0):
        super().__init__(error)
        self.answer = {"error": error, "detail": detail, "what": what, "found": found, "limit": limit}


def read(data: bytes, max_pages: int, max_page_content: int, max_content: int) -> dict:
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise Refused("encrypted") from None
        raise Refused("not_pdf", f"PDFium: {exc}") from None
    count = len(document)
    if count > max_pages:
        raise Refused("too_large", what="too many pages", found=count, limit=max_pages)
    if count == 0:
        raise Refused("not_pdf", "This PDF has no pages.")
    measure(data, max_page_content, max_content)
    pages = []
    for number in range(count):
        page = document[number]
        left, _, _, top = page.get_mediabox()
        textpage = page.get_textpage()
        pages.append(page_runs(textpage.raw, top, left))
        textpage.close()
        page.close()
    left, bottom, right, top = document[0].get_mediabox()
    return {"pages": pages, "width": right - left, "height": top - bottom}


def measure(data: bytes, max_page_content: int, max_content: int) -> None:
    """Refuse a file whose pages draw past the limits, through pypdf (whose decoders stop at the limit)."""
    limits = {f"{name}_maximum_output_length": max_page_content for name in ("zlib", "lzw", "run_length", "brotli", "jbig2")}
    total = 0
    with apply_configuration(**limits):
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise Refused("encrypted")
            for number, page in enumerate(reader.pages):
                contents = page.get_contents()
                size = len(contents.get_data()) if contents is not None else 0
                if size > max_page_content:
                    raise Refused("too_large", what=f"a page with too much to draw on it (page {number + 1}, bytes of drawing instructions)",
                                  found=size, limit=max_page_content)
                total += size
                if total > max_content:
                    raise Refused("too_large", what="too much to draw (bytes of drawing instructions)", limit=max_content)
        except FileNotDecryptedError:
            raise Refused("encrypted") from None
        except LimitReachedError:
            raise Refused("too_large", what="a stream that unpacks past the limit (bytes)", limit=max_page_content) from None
        except Refused:
            raise
        except (PyPdfError, ValueError, KeyError, IndexError, TypeError, AttributeError, RecursionError,
                ZeroDivisionError, OverflowError, UnicodeError, NotImplementedError) as exc:
            raise Refused("not_pdf", f"{type(exc).__name__}: {str(exc)[:200]}") from None


def page_runs(textpage, top: float, left: float) -> list[list]:
    """The page's runs, `[y, x, end, text, points]` each, in the order the page draws them."""
    count = raw.FPDFText_CountChars(textpage)
    if count <= 0:
        return []
    units = (ctypes.c_ushort * (count + 1))()
    written = raw.FPDFText_GetText(textpage, 0, count, units)
    text = bytes(units)[:max(0, written - 1) * 2].decode("utf-16-le", errors="replace")
    if len(text) != count:  # a character outside the BMP takes two units: read them one by one
        text = "".join(chr(raw.FPDFText_GetUnicode(textpage, i) or 0xFFFD) for i in range(count))
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    matrix, box = raw.FS_MATRIX(), raw.FS_RECTF()
    get_origin, is_generated, get_size = raw.FPDFText_GetCharOrigin, raw.FPDFText_IsGenerated, raw.FPDFText_GetFontSize
    get_matrix, get_box = raw.FPDFText_GetMatrix, raw.FPDFText_GetLooseCharBox
    runs: list[list] = []
    run: list | None = None  # [y, x, end, chars, points] of the run being read; `end` is where its last character began
    last_index = -1
    scale = 0.0

    def close() -> None:
        if run is not None:
            get_box(textpage, last_index, box)
            run[2] = max(run[2], box.right - left)
            runs.append([run[0], run[1], run[2], "".join(run[3]), run[4]])

    for index, char in enumerate(text):
        if char in " \r\n\ufffe" and is_generated(textpage, index) == 1:
            continue
        get_origin(textpage, index, origin_x, origin_y)
        x, y = origin_x.value - left, top - origin_y.value
        if run is not None and abs(y - run[0]) < run[4] * 0.01 and 0 <= x - run[2] <= run[4] * (scale + EM_GAP):
            run[3].append(char)
            run[2] = x
            last_index = index
            continue
        close()
        run = None
        get_matrix(textpage, index, matrix)
        a, b, c, d = matrix.a, matrix.b, matrix.c, matrix.d
        points = abs(get_size(textpage, index)) * a
        if a <= 0 or d <= 0 or abs(b) > SKEW * a or abs(c) > SKEW * d or points <= 0:
            continue  # rotated, mirrored or slanted: a watermark or a stamp, not the script
        get_box(textpage, index, box)
        scale = max(0.0, (box.right - box.left) / points)  # this character's advance, in ems
        run = [y, x, x, [char], points]
        last_index = index
    close()
    return runs


if __name__ == "__main__":
    sys.exit(main(sys.argv))

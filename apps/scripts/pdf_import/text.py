"""A PDF's text runs with their positions, read through pypdf, grouped into printed lines and segments.

pypdf's text visitor (`PageObject.extract_text(visitor_text=...)`, pypdf's "Extract Text" guide)
gives each run of text with the text matrix and the current transformation matrix at its start;
their product (ISO 32000-1, 9.4.2) places the run on the page. The visitor does not give a run's
width, so a run is taken as monospaced at 0.6 em a character: screenplays are set in 12-pt Courier
or a font with Courier's metrics (Courier Prime, Courier Final Draft), 10 characters to the inch,
and widths are only used to space runs on one line and to find right-aligned text.

pypdf's resource limits (`pypdf.apply_configuration` over its `Configuration`) bound the work: each
stream unpacks to at most MAX_PAGE_CONTENT bytes (a flate bomb is refused at that point, not after
gigabytes), and every page's content is measured before it is read, as pypdf's guide advises
(`len(page.get_contents().get_data())`), against MAX_PAGE_CONTENT and, for the whole file,
MAX_CONTENT. Reading is linear in the content (pypdf's parse), then n log n in the runs (sorting).
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass

from pypdf import PdfReader, apply_configuration
from pypdf.errors import FileNotDecryptedError, LimitReachedError, PyPdfError

from .errors import EncryptedPdf, NotAPdf, PdfTooLarge

EM = 0.6  # a Courier character's advance, in ems (Adobe's Courier AFM: 600 units)
MAX_PAGES = 2_000  # a feature script prints 90-180 pages, a season's bible a few hundred
MAX_PAGE_CONTENT = 6 * 1024 * 1024  # bytes of one page's unpacked drawing instructions (a real page: 3-100 KB)
MAX_CONTENT = 12 * 1024 * 1024  # the same, for the whole file (a long script: 1-5 MB)
_LIMITS = {f"{name}_maximum_output_length": MAX_PAGE_CONTENT for name in ("zlib", "lzw", "run_length", "brotli", "jbig2")}
# The errors pypdf raises on a damaged file besides its own (found by feeding it truncated and altered PDFs:
# tests/scripts/test_pdf_import.py; NotImplementedError is its "Unsupported filter").
_DAMAGED = (PyPdfError, ValueError, KeyError, IndexError, TypeError, AttributeError, RecursionError,
            ZeroDivisionError, OverflowError, UnicodeError, NotImplementedError)
# A glyph the font has no character for comes out as a control character (Courier Prime's ".notdef" as NUL).
_UNKNOWN = dict.fromkeys([*range(0, 9), *range(11, 32), 127], "\ufffd")
# The pieces of a run between gaps of two spaces or more (a single space stays inside a piece).
_PIECE = re.compile(r"[^ ](?:[^ ]| (?=[^ ]))*")


@dataclass(slots=True)
class Segment:
    """Text on one line with no gap of two characters or more inside: `x` and `end` in points from the page's left edge."""

    x: float
    end: float
    text: str


@dataclass(slots=True)
class Line:
    """One printed line: `y` its baseline in points from the page's top edge, `size` its font size (points),
    `segments` left to right (a line with a scene number in each margin has three until `furniture` takes
    them off into `number`)."""

    page: int
    y: float
    size: float
    segments: list[Segment]
    number: str | None = None

    @property
    def x(self) -> float:
        return self.segments[0].x

    @property
    def end(self) -> float:
        return self.segments[-1].end

    @property
    def char(self) -> float:
        """One character's width on this line, in points."""
        return self.size * EM

    @property
    def text(self) -> str:
        """The segments joined with as many spaces as the gaps between them hold."""
        parts = [self.segments[0].text]
        for before, segment in zip(self.segments, self.segments[1:]):
            parts.append(" " * max(1, round((segment.x - before.end) / self.char)) + segment.text)
        return "".join(parts)


@dataclass
class Document:
    """The pages' lines, top to bottom, and the page size in points."""

    pages: list[list[Line]]
    width: float
    height: float


def read_document(data: bytes) -> Document:
    """Every page's printed lines. Raises NotAPdf, EncryptedPdf, PdfTooLarge (see the module docstring)."""
    if b"%PDF-" not in data[:1024]:  # where readers look for the header (ISO 32000-1, 7.5.2, and Acrobat's tolerance)
        raise NotAPdf("This file is not a PDF.")
    with apply_configuration(**_LIMITS):
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise EncryptedPdf()
            count = len(reader.pages)
            if count > MAX_PAGES:
                raise PdfTooLarge("too many pages", count, MAX_PAGES)
            box = (float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)) if count else None
            runs, total = [], 0
            for number, page in enumerate(reader.pages):
                contents = page.get_contents()
                size = len(contents.get_data()) if contents is not None else 0
                if size > MAX_PAGE_CONTENT:
                    raise PdfTooLarge(f"a page with too much to draw on it (page {number + 1}, bytes of drawing instructions)",
                                      size, MAX_PAGE_CONTENT)
                total += size
                if total > MAX_CONTENT:
                    raise PdfTooLarge("too much to draw (bytes of drawing instructions)", None, MAX_CONTENT)
                runs.append(_runs(page, float(page.mediabox.top), float(page.mediabox.left)))
        except (FileNotDecryptedError, EncryptedPdf):
            raise EncryptedPdf() from None
        except LimitReachedError:
            raise PdfTooLarge("a stream that unpacks past the limit (bytes)", None, MAX_PAGE_CONTENT) from None
        except PdfTooLarge:
            raise
        except _DAMAGED as exc:  # pypdf's reading only: the lines are made below, outside
            raise NotAPdf(f"This PDF is damaged or not a PDF Slate can read ({type(exc).__name__}: {str(exc)[:200]}).") from None
    if box is None:
        raise NotAPdf("This PDF has no pages.")
    pages = [_lines(number, page_runs) for number, page_runs in enumerate(runs)]
    return Document(pages=pages, width=box[0], height=box[1])


def _runs(page, height: float, left: float) -> list[tuple[float, float, str, float]]:
    """(baseline from the top, x of the first visible character, text, size) of every upright run on the page."""
    runs: list[tuple[float, float, str, float]] = []
    previous = [None]  # (baseline, x as pypdf gave it, x where it ended) of the line's last run; None after a line's end

    def visit(text, cm, tm, font, size):
        if not text:
            return  # pypdf's flush of nothing (at ET, Tf, cm): no run, and the line goes on
        last, previous[0] = previous[0], None
        ended = text.endswith("\n")
        text = text.rstrip("\n").replace("\t", " ").translate(_UNKNOWN)
        a, b = tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3]
        c, d = tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3]
        points = abs(float(size or 0)) * a
        if a <= 0 or d <= 0 or abs(b) > 0.01 * a or abs(c) > 0.01 * d or points <= 0:
            return  # rotated, mirrored or slanted: a watermark or a stamp, not the script
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4] - left
        y = height - (tm[4] * cm[1] + tm[5] * cm[3] + cm[5])
        width = points * EM
        stripped = text.lstrip(" ")
        leading = len(text) - len(stripped)
        reported = x
        same_line = last is not None and abs(last[0] - y) < points / 3
        if same_line and abs(x - last[1]) < width / 100:
            x = last[2]  # a run shown right after the last without moving (a change of font): pypdf gives the same x
        # pypdf starts a run with one space of its own when a gap parts it from the run before on the line (its
        # word-gap guess), and then places it where its first character is; the file's own spaces come before it.
        elif leading and same_line and x - last[2] > width / 2:
            leading -= 1
        if not ended:
            previous[0] = (y, reported, x + (leading + len(stripped)) * width)
        if stripped.strip():
            runs.append((y, x + leading * width, stripped.rstrip(" "), points))

    page.extract_text(orientations=(0,), visitor_text=visit)
    return runs


def _lines(number: int, runs: list[tuple[float, float, str, float]]) -> list[Line]:
    """Runs grouped into lines (baselines within a third of the font size), each line's runs into segments."""
    runs.sort()
    lines: list[Line] = []
    group: list[tuple[float, float, str, float]] = []
    for run in runs:
        if group and run[0] - group[0][0] > group[0][3] / 3:
            lines.append(_line(number, group))
            group = []
        group.append(run)
    if group:
        lines.append(_line(number, group))
    return lines


def _line(number: int, group: list[tuple[float, float, str, float]]) -> Line:
    size = max(run[3] for run in group)
    char = size * EM
    built: list[_Built] = []
    for _, x, text, points in sorted(group, key=lambda run: run[1]):
        width = points * EM
        for piece in _PIECE.finditer(text):
            _place(built, x + piece.start() * width, x + piece.end() * width, piece.group(), char)
    segments = [Segment(segment.x, segment.end, "".join(segment.parts)) for segment in built]
    return Line(page=number, y=group[0][0], size=size, segments=segments)


@dataclass(slots=True)
class _Built:
    """A segment being put together: its pieces (joined once, at the end) and the text that starts at each character."""

    x: float
    end: float
    parts: list[str]
    starts: dict[int, str]


def _place(built: list[_Built], x: float, end: float, text: str, char: float) -> None:
    """Add a piece of text to the line: into the last segment when the gap is under two characters, else as a new one.
    A piece printed again where the same piece starts (bold made by overprinting) is dropped."""
    if built:
        last = built[-1]
        gap = x - last.end
        at = round((x - last.x) / char)
        if gap < -char / 2 and last.starts.get(at) == text:
            return
        if gap < 1.5 * char:
            last.parts.append(" " * max(0, round(gap / char)) + text)
            last.starts[at] = text
            last.end = max(last.end, end)
            return
    built.append(_Built(x, end, [text], {0: text}))

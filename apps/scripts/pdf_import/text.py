"""A PDF's text runs with their positions, read through PDFium in a process of its own, grouped into printed lines
and segments.

reader_process.py reads the file (PDFium through pypdfium2, after pypdf has measured what each page draws) under
limits on memory and CPU time, so a hostile file costs at most those and ends that process only, never the worker;
it answers each page's runs: stretches of characters on one baseline with their left and right edges and size.
Within a run the characters are taken as evenly spaced (a screenplay's Courier, or a font with Courier's metrics
such as Courier Prime or Courier Final Draft, prints 10 characters to the inch, 0.6 em each); widths are only used
to space runs on one line and to find right-aligned text.

The limits: MAX_PAGES pages; MAX_PAGE_CONTENT bytes of drawing instructions a page, unpacked (a flate bomb is
refused where it passes that, not after gigabytes), MAX_CONTENT for the whole file; the reader's MAX_READER_MEMORY,
MAX_READER_CPU_S and MAX_READER_WALL_S. Reading is linear in the content, then n log n in the runs (sorting).
"""
from __future__ import annotations

import json
import logging
import re
import os
import resource
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import EncryptedPdf, NotAPdf, PdfTooLarge

log = logging.getLogger(__name__)

EM = 0.6  # a Courier character's advance, in ems (Adobe's Courier AFM: 600 units)
MAX_PAGES = 2_000  # a feature script prints 90-180 pages, a season's bible a few hundred
MAX_PAGE_CONTENT = 6 * 1024 * 1024  # bytes of one page's unpacked drawing instructions (a real page: 3-100 KB)
MAX_CONTENT = 12 * 1024 * 1024  # the same, for the whole file (a long script: 1-5 MB)
MAX_READER_MEMORY = 2 * 1024**3  # bytes of address space for the reader's process (5 MiB files need ~200 MiB)
MAX_READER_CPU_S = 60  # seconds of CPU for it (5 MiB files take 1-3 s)
MAX_READER_WALL_S = 120  # and of the clock, in case it waits on nothing
_READER = Path(__file__).with_name("reader_process.py")
READY = b"ready\n"  # what the reader says once it has started (reader_process.READY)
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
    answer = read_runs(data)
    error = answer.get("error")
    if error == "encrypted":
        raise EncryptedPdf()
    if error == "too_large":
        raise PdfTooLarge(answer["what"], answer["found"], answer["limit"])
    if error is not None:
        detail = answer.get("detail") or "its structure could not be read"
        raise NotAPdf(f"This PDF is damaged or not a PDF Slate can read ({detail}).")
    pages = [_lines(number, [(y, x, end, text.replace("\t", " ").translate(_UNKNOWN), points) for y, x, end, text, points in runs])
             for number, runs in enumerate(answer["pages"])]
    return Document(pages=pages, width=float(answer["width"]), height=float(answer["height"]))


def read_runs(data: bytes) -> dict:
    """The answer of reader_process.py (its docstring gives the shape) for the PDF `data`, read in a process of its
    own under MAX_READER_MEMORY bytes of address space and MAX_READER_CPU_S seconds of CPU (`prlimit(2)`), and
    killed past MAX_READER_WALL_S. Raises PdfTooLarge when the reader runs out of either, NotAPdf when it fails
    otherwise (PDFium is C++: a file that crashes it ends that process only)."""
    argv = [sys.executable, "-I", str(_READER), str(MAX_PAGES), str(MAX_PAGE_CONTENT), str(MAX_CONTENT)]
    # The limits are set from here once the reader has started and imported what it needs (`prlimit(2)`; a
    # preexec_fn is not safe in the worker's threads); it reads the file only after.
    deadline = time.monotonic() + MAX_READER_WALL_S
    with subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as reader:
        try:
            _wait_ready(reader, deadline)
            resource.prlimit(reader.pid, resource.RLIMIT_AS, (MAX_READER_MEMORY, MAX_READER_MEMORY))
            resource.prlimit(reader.pid, resource.RLIMIT_CPU, (MAX_READER_CPU_S, MAX_READER_CPU_S + 1))
            resource.prlimit(reader.pid, resource.RLIMIT_CORE, (0, 0))
            stdout, stderr = reader.communicate(data, timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            reader.kill()
            reader.communicate()
            raise PdfTooLarge("more to read than an import has time for (seconds)", None, MAX_READER_WALL_S) from None
        except BaseException:
            reader.kill()
            raise
    if reader.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise PdfTooLarge("more to read than an import has time for (seconds)", None, MAX_READER_CPU_S)
    try:
        answer = json.loads(stdout)
    except ValueError:
        answer = None
    if reader.returncode != 0 or not isinstance(answer, dict):
        if b"MemoryError" in stderr or b"std::bad_alloc" in stderr or b"Out of memory" in stderr:
            raise PdfTooLarge("more to read than an import has memory for (bytes: a stream in it unpacks to more than a screenplay holds)",
                              None, MAX_READER_MEMORY)
        log.warning("the PDF reader failed (exit %s): %s", reader.returncode, stderr[-2000:].decode(errors="replace"))
        raise NotAPdf("This PDF is damaged or not a PDF Slate can read (the reader stopped on it).")
    return answer


def _wait_ready(reader: subprocess.Popen, deadline: float) -> None:
    """Wait for the reader's READY line (read straight from the pipe: nothing follows it until the file is sent)."""
    said = b""
    while not said.endswith(b"\n"):
        if not select.select([reader.stdout], [], [], max(0.0, deadline - time.monotonic()))[0]:
            raise subprocess.TimeoutExpired(reader.args, MAX_READER_WALL_S)
        chunk = os.read(reader.stdout.fileno(), 64)
        if not chunk:
            break  # it ended: communicate() collects why
        said += chunk
    if said and said != READY:
        raise NotAPdf("This PDF could not be read (the reader did not start).")


def _lines(number: int, runs: list[tuple[float, float, float, str, float]]) -> list[Line]:
    """Runs grouped into lines (baselines within a third of the font size), each line's runs into segments."""
    runs.sort()
    lines: list[Line] = []
    group: list[tuple[float, float, float, str, float]] = []
    for run in runs:
        if group and run[0] - group[0][0] > group[0][4] / 3:
            lines.append(_line(number, group))
            group = []
        group.append(run)
    if group:
        lines.append(_line(number, group))
    return lines


def _line(number: int, group: list[tuple[float, float, float, str, float]]) -> Line:
    size = max(run[4] for run in group)
    char = size * EM
    built: list[_Built] = []
    for _, x, end, text, points in sorted(group, key=lambda run: run[1]):
        # The run's characters as evenly spaced over its width (a Courier run's are: 0.6 em each).
        width = (end - x) / len(text) if end > x and text else points * EM
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

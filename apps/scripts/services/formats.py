"""Which screenplay format an uploaded file is, judged by its content, and its Fountain text, made in the job.

Slate keeps every version as Fountain text; a crew gets its script as Fountain, Final Draft or PDF.
The request only detects the format (`detect_format`: a few bytes, and at most the first tag of an
XML file); the job converts (`upload_text`: the whole file read into a Screenplay, written as
Fountain), so a large or hostile file never occupies the web process.
"""
from __future__ import annotations

from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from django.conf import settings

from apps.core.errors import ApplicationError
from apps.scripts import fountain, reading
from apps.scripts.fdx import read_fdx

FOUNTAIN, FDX, PDF = "fountain", "fdx", "pdf"
LABELS = {FOUNTAIN: "Fountain", FDX: "Final Draft", PDF: "PDF"}
ACCEPTED = "Slate reads screenplays in Fountain (.fountain, UTF-8 text), Final Draft (.fdx) or PDF"
_SNIFF_BYTES = 64 * 1024  # an XML file's root tag comes first, after at most a declaration and comments
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


class _Root(Exception):
    """Raised by the sniffing parser's target at the first start tag: its name is all detection needs."""

    def __init__(self, tag: str) -> None:
        super().__init__(tag)
        self.tag = tag


class _FirstTag:
    def start(self, tag: str, attrib: dict) -> None:
        raise _Root(tag)

    def close(self) -> None:
        return None


def detect_format(data: bytes) -> str:
    """`"pdf"`, `"fdx"` or `"fountain"` for an uploaded screenplay, from its content, never its name.

    A PDF starts with the `%PDF-` header (ISO 32000-1, 7.5.2; whitespace before it allowed); a file
    starting with `<` (after a byte order mark and whitespace) is XML, a Final Draft file when its
    root element is `<FinalDraft>`; anything else is taken as Fountain text, which the caller checks
    is UTF-8. Reads at most the first 64 KiB. Raises `ApplicationError` 400 `unsupported_format`
    for XML that is not Final Draft, or that Slate refuses (a DTD or entities), naming the formats
    Slate reads.
    """
    head = data[:_SNIFF_BYTES]
    start = head
    for bom in _BOMS:
        if start.startswith(bom):
            start = start[len(bom):]
            break
    start = start.lstrip()
    if start.startswith(b"%PDF-"):
        return PDF
    if not start.startswith(b"<") and not head.startswith(_BOMS[1:]):
        return FOUNTAIN
    parser = DefusedXMLParser(target=_FirstTag(), forbid_dtd=True)
    try:
        parser.feed(head)
    except _Root as root:
        if root.tag == "FinalDraft":
            return FDX
        raise unsupported(f"This file is XML (its root element is <{root.tag[:60]}>), not a Final Draft screenplay.") from None
    except DefusedXmlException:
        raise unsupported("This file is XML with a DTD or entities, which Slate refuses.") from None
    except ParseError:
        pass
    raise unsupported("This file starts like XML or HTML but is not a Final Draft screenplay.")


def unsupported(reason: str) -> ApplicationError:
    """The 400 `unsupported_format` error: `reason`, then the formats Slate reads."""
    return ApplicationError(f"{reason} {ACCEPTED}.", code="unsupported_format")


def upload_text(data: bytes, file_format: str) -> str:
    """The Fountain text of an uploaded file of `file_format` (from `detect_format`): run in the import job.

    Fountain is stored already checked (UTF-8); a Final Draft file is read by `apps.scripts.fdx`, a
    PDF by `apps.scripts.pdf_import` (imported here, in the worker, only when needed), each within
    SLATE_SCRIPT_MAX_ELEMENTS, and written as Fountain (`fountain.to_fountain`) unless its elements alone are
    past SLATE_SCRIPT_MAX_LINES lines (the version checks the text's exact count). Raises `ApplicationError` 400
    `unreadable_file` with the reader's reason (not a Final Draft file, a scanned PDF...), or
    `too_large` naming the limit.
    """
    if file_format == FOUNTAIN:
        return data.decode("utf-8")
    limit = settings.SLATE_SCRIPT_MAX_ELEMENTS
    try:
        if file_format == FDX:
            screenplay = read_fdx(data, max_elements=limit)
        else:
            from apps.scripts.pdf_import import read_pdf  # noqa: PLC0415 — pypdf and the PDF reader load in the worker, on demand

            screenplay = read_pdf(data, max_elements=limit)
    except fountain.TooManyElements:
        raise reading.limit_error("too many elements", limit + 1, "SLATE_SCRIPT_MAX_ELEMENTS", limit) from None
    except fountain.FountainError as exc:
        reason = str(exc).rstrip(".")
        raise ApplicationError(f"Slate could not import this {LABELS[file_format]} file. {reason[:1].upper()}{reason[1:]}.",
                               code="unreadable_file") from None
    # The Fountain text has at least the elements' own lines: past the limit, writing it would be work for nothing.
    lines = sum(element.text.count("\n") + 1 for element in screenplay.elements)
    if lines > settings.SLATE_SCRIPT_MAX_LINES:
        raise reading.limit_error("more lines than a screenplay can have", lines, "SLATE_SCRIPT_MAX_LINES", settings.SLATE_SCRIPT_MAX_LINES)
    return fountain.to_fountain(screenplay)

"""Checks for uploaded files: size, content (never the name), and safe generated storage names."""
from __future__ import annotations

import contextlib
import re
import unicodedata
import uuid
from pathlib import PurePosixPath, PureWindowsPath

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, UnidentifiedImageError

from apps.core.errors import ApplicationError

IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


MULTIPART_OVERHEAD_BYTES = 64 * 1024


def check_request_size(request, *, limit_bytes: int, what: str) -> None:
    """Refuse a request whose declared body is over the file limit `limit_bytes` (plus room for the
    multipart envelope) before reading any of it (HTTP 413)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit_bytes + MULTIPART_OVERHEAD_BYTES:
        raise too_large(what, limit_bytes)


def check_upload_size(upload: UploadedFile, *, limit_bytes: int, what: str) -> None:
    """Refuse an empty upload (400) or one over `limit_bytes` (413)."""
    if upload.size == 0:
        raise ApplicationError(f"The {what} is empty.", code="empty_file")
    if upload.size > limit_bytes:
        raise too_large(what, limit_bytes)


def too_large(what: str, limit_bytes: int) -> ApplicationError:
    """The 413 error for an upload over its limit, giving the limit in MiB."""
    return ApplicationError(
        f"The {what} is larger than the {human_size(limit_bytes)} limit.",
        code="too_large", status=413, extra={"limit_bytes": limit_bytes},
    )


def human_size(n: int) -> str:
    """Bytes as people read them: '4 GiB', '25 MiB', '900 KiB', '512 bytes'."""
    for unit, factor in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if n >= factor:
            value = n / factor
            return f"{value:.0f} {unit}" if value == int(value) or value >= 10 else f"{value:.1f} {unit}"
    return f"{n} bytes"


def display_filename(name: str, *, max_length: int = 200) -> str:
    """A file name safe to show and store as metadata: no directories, controls or odd Unicode forms.

    Takes the last path component (POSIX or Windows separators, so `..\\..\\x` gives `x`),
    normalises to NFC, drops control and format characters (e.g. RTL overrides), trims to
    `max_length` characters. Never used as a storage path.
    """
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = re.sub(r"\s+", " ", base).strip().lstrip(".")
    return base[:max_length] or "upload"


def generated_name(prefix: str, extension: str) -> str:
    """A storage path made by us, never from user input: `<prefix>/<uuid hex>.<extension>`."""
    extension = re.sub(r"[^a-z0-9]", "", extension.lower())[:8] or "bin"
    return f"{prefix}/{uuid.uuid4().hex}.{extension}"


def inspect_image(upload: UploadedFile) -> tuple[str, int, int]:
    """`(extension, width_px, height_px)` of an uploaded photo, judged by its content with Pillow.

    Accepts JPEG, PNG and WebP. Raises `ApplicationError` 400 `not_an_image` for anything else,
    a truncated image, or a decompression bomb (Pillow's MAX_IMAGE_PIXELS).
    """
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            fmt = image.format
            width, height = image.size
            image.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()  # verify() does not decode pixels; a truncated file fails here
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ApplicationError(f"This file is not a readable photo ({exc.__class__.__name__}).", code="not_an_image") from None
    finally:
        upload.seek(0)
    if fmt not in IMAGE_FORMATS:
        raise ApplicationError(f"Photos must be JPEG, PNG or WebP, not {fmt}.", code="not_an_image")
    return IMAGE_FORMATS[fmt], width, height


@contextlib.contextmanager
def stored_upload(upload, name: str):
    """Save `upload` to storage at the generated `name`; remove it again if the block raises.

    Use around the database writes that record the file, so a failed write leaves no orphan.
    Yields the name the storage actually used.
    """
    saved = default_storage.save(name, upload)
    try:
        yield saved
    except BaseException:
        default_storage.delete(saved)
        raise

"""Serving stored files to members only, with HTTP range requests so video can seek.

The web process streams the file itself, or, behind nginx (`SLATE_MEDIA_ACCEL_REDIRECT`, see
deploy/nginx/), answers with an empty body and an `X-Accel-Redirect` header that has nginx send
the file from MEDIA_ROOT: the permission check stays in Django, the bytes and ranges are nginx's.
"""
from __future__ import annotations

import asyncio
import os
import re
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse, StreamingHttpResponse

from apps.core.errors import NotFoundError
from apps.core.integers import DB_INT_MAX, int_in_range

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_CHUNK = 256 * 1024
_END = object()


class _ReadOffTheLoop:
    """A streaming response that an ASGI server gets block by block, each read in the default thread pool.

    Django's `StreamingHttpResponse.__aiter__` serves a synchronous iterator (a file) by reading ALL of it into
    a list through `sync_to_async`, which runs on the one thread-sensitive thread that also runs every sync
    view: while a 40 MB export was read, `/api/health/` and every write of that process waited (a 239 ms
    health answer in tests/e2e/test_hostile_screenplay.py). Here each block is read with
    `asyncio.to_thread` and sent before the next is read. The synchronous path (`streaming_content`, WSGI,
    the test client) is Django's own.
    """

    async def __aiter__(self):
        blocks = iter(self.streaming_content)
        while (block := await asyncio.to_thread(next, blocks, _END)) is not _END:
            yield block


class StreamedFileResponse(_ReadOffTheLoop, FileResponse):
    """Django's `FileResponse` (a file object, read in `block_size` blocks, Content-Length and Content-Type from it)
    whose blocks an ASGI server reads off the event loop and off the sync-view thread (`_ReadOffTheLoop`)."""


class StreamedResponse(_ReadOffTheLoop, StreamingHttpResponse):
    """Django's `StreamingHttpResponse` over a synchronous iterator of bytes, read block by block off the event
    loop and off the sync-view thread under ASGI (`_ReadOffTheLoop`)."""


def file_response(request, name: str, *, content_type: str, download_name: str | None = None) -> HttpResponse:
    """Stream the stored file `name`; honours one `Range: bytes=a-b` (RFC 9110 §14) with 206/416.

    The caller has already checked that the user may see the file. Positions past any file (even
    thousands of digits long) are answered like any unsatisfiable range: 416. Raises `NotFoundError`
    when the file is missing on disk.

    With `SLATE_MEDIA_ACCEL_REDIRECT` set (a URI prefix such as "/_protected/"), the answer is an
    empty 200 carrying `X-Accel-Redirect: <prefix><name, percent-encoded>` plus the Content-Type,
    Content-Disposition and Cache-Control below; nginx replaces it with the file and answers any
    Range itself (its static module: 206, 416, Accept-Ranges, ETag).
    """
    if not name or not default_storage.exists(name):
        raise NotFoundError("The file is not there (yet).")
    if settings.SLATE_MEDIA_ACCEL_REDIRECT:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = accel_redirect_uri(name)
        return _with_file_headers(response, download_name)
    path = default_storage.path(name)
    size = os.path.getsize(path)
    match = _RANGE.match(request.headers.get("Range", "").strip())
    if match and (match.group(1) or match.group(2)):
        start_s, end_s = match.groups()
        if start_s:
            start = _position(start_s)
            end = min(_position(end_s), size - 1) if end_s else size - 1
        else:
            start, end = max(size - _position(end_s), 0), size - 1
        if start >= size or start > end:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        response = StreamedResponse(_read_range(path, start, end - start + 1), status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    else:
        response = StreamedFileResponse(open(path, "rb"), content_type=content_type)
        response.block_size = _CHUNK
        response["Content-Length"] = str(size)
    response["Accept-Ranges"] = "bytes"
    return _with_file_headers(response, download_name)


def accel_redirect_uri(name: str) -> str:
    """The `X-Accel-Redirect` URI of the stored file `name` (a storage name, relative to MEDIA_ROOT, "/"-separated):
    SLATE_MEDIA_ACCEL_REDIRECT joined with the name, percent-encoded (nginx decodes it; a "?" or "%" in a name
    stays part of the path)."""
    prefix = settings.SLATE_MEDIA_ACCEL_REDIRECT.rstrip("/")
    return f"{prefix}/{quote(name.lstrip('/'), safe='/')}"


def _with_file_headers(response: HttpResponse, download_name: str | None) -> HttpResponse:
    response["Cache-Control"] = "private, max-age=3600"
    if download_name:
        ascii_name = download_name.encode("ascii", "replace").decode().replace('"', "")
        response["Content-Disposition"] = f'inline; filename="{ascii_name}"'
    return response


def file_responses(*content_types: str) -> dict:
    """The OpenAPI responses of a view answering with `file_response`: the whole file (200) or one range of it (206),
    in any of `content_types` (for `@extend_schema(responses=...)`)."""
    return {(code, content_type): bytes for code in (200, 206) for content_type in content_types}


def _position(digits: str) -> int:
    """A byte position of a Range header; one past any file (DB_INT_MAX) when it has more digits than that."""
    value = int_in_range(digits, minimum=0)
    return DB_INT_MAX if value is None else value


def _read_range(path: str, start: int, length: int):
    with open(path, "rb") as handle:
        handle.seek(start)
        while length > 0:
            chunk = handle.read(min(_CHUNK, length))
            if not chunk:
                break
            length -= len(chunk)
            yield chunk

"""The request limits of `project/daphne_options.py` for any ASGI server (uvicorn), as ASGI middleware.

Under daphne, twisted answers first (a long line, a body past the limit) and this layer never
fires. Under uvicorn, which hands the app the request line, the headers and a streamed body, the
same requests get the same answers here, in Slate's error shape (`{message, code, extra}`):
- a request target (path and query) past LINE_LIMIT_BYTES → 414 (RFC 9110 section 15.5.15);
- one header line past LINE_LIMIT_BYTES → 431 (RFC 6585 section 5);
- a declared Content-Length past `max_request_body_bytes()` → 413 before any of the body is read;
  a chunked body once its running total passes it (RFC 9110 section 15.5.14). Django's handler is
  told the client went away (it stops reading), and the connection closes after the answer.
"""
from __future__ import annotations

import json

from project.daphne_options import max_request_body_bytes

LINE_LIMIT_BYTES = 16384  # twisted's LineReceiver.MAX_LENGTH under daphne: the same limit under any server


async def _answer(send, status: int, message: str, code: str, extra: dict) -> None:
    body = json.dumps({"message": message, "code": code, "extra": extra}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class RequestLimits:
    """ASGI middleware for `http` scopes: 414 / 431 / 413 as described in the module docstring."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        target = len(scope.get("raw_path") or scope["path"].encode()) + len(scope.get("query_string", b""))
        if target > LINE_LIMIT_BYTES:
            return await _answer(send, 414, f"The request's address is longer than {LINE_LIMIT_BYTES} bytes.", "too_long",
                                 {"limit_bytes": LINE_LIMIT_BYTES})
        length = None
        for name, value in scope["headers"]:
            if len(name) + len(value) + 2 > LINE_LIMIT_BYTES:
                return await _answer(send, 431, f"The request's header is longer than {LINE_LIMIT_BYTES} bytes.", "too_long",
                                     {"limit_bytes": LINE_LIMIT_BYTES})
            if name == b"content-length" and value.isdigit():
                length = int(value)
        limit = max_request_body_bytes()
        too_large = (f"The request body is larger than the {limit} bytes Slate accepts; upload big files resumably (/api/uploads/).",
                     "too_large", {"limit_bytes": limit})
        if length is not None and length > limit:
            return await _answer(send, 413, *too_large)
        read = 0
        refused = False

        async def limited_receive():
            nonlocal read, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                read += len(message.get("body", b""))
                if read > limit:
                    refused = True
                    return {"type": "http.disconnect"}
            return message

        await self.app(scope, limited_receive, send)
        if refused:
            await _answer(send, 413, *too_large)

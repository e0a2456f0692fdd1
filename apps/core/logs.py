"""Logging: the request id every log line of a request carries, and the JSON log format (LOG_FORMAT=json).

A request's id is taken from its `X-Request-ID` header when that is a sane token (`clean_request_id`), else
generated, sent back in the answer's `X-Request-ID` header (`RequestIdMiddleware`), and held in a context
variable for as long as the request runs. `RequestIdFilter` (on the console handler, project/settings.py)
puts it on every log record as `request_id`; the JSON formatter writes it out. Work a request causes
elsewhere takes the id along: the live frames of its events (apps.realtime.sender) and the Huey message of
each job it creates (apps.jobs.enqueue), so the worker's log lines for that job carry it too
(`bound_request_id` around the job). Plain lines (the default, as `make run` shows them) stay as they were.
"""
from __future__ import annotations

import contextlib
import contextvars
import logging
import re
import uuid
from typing import Iterator

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

HEADER = "X-Request-ID"
MAX_LENGTH = 128
_VALID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@+=/-]{0,%d}" % (MAX_LENGTH - 1))

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("slate_request_id", default=None)


def new_request_id() -> str:
    """A fresh request id: 32 hex digits (a random UUID)."""
    return uuid.uuid4().hex


def clean_request_id(raw: str | None) -> str | None:
    """`raw` when it is a usable request id — 1 to 128 characters of letters, digits and `._:@+=/-`, starting
    with a letter or digit — else None (a missing, empty, over-long or odd header is replaced, never refused)."""
    if raw is None:
        return None
    raw = raw.strip()
    return raw if _VALID.fullmatch(raw) else None


def current_request_id() -> str | None:
    """The id of the request (or of the job a request created) this code runs for; None outside one."""
    return _request_id.get()


@contextlib.contextmanager
def bound_request_id(request_id: str | None) -> Iterator[None]:
    """Run the block with `request_id` as the current one (a usable id only; None or an odd one changes nothing)."""
    request_id = clean_request_id(request_id)
    if request_id is None:
        yield
        return
    token = _request_id.set(request_id)
    try:
        yield
    finally:
        _request_id.reset(token)


class RequestIdMiddleware:
    """Give each HTTP request an id (`X-Request-ID` in, or a new one), held while it runs and sent back in `X-Request-ID`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = clean_request_id(request.headers.get(HEADER)) or new_request_id()
        request.request_id = request_id
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Put the current request id on each record as `request_id` (None outside a request); never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get()
        return True


class JsonFormatter(_JsonFormatter):
    """One JSON object per line (python-json-logger): `time` (ISO 8601, UTC), `level`, `logger`, `message`,
    `process`, `request_id`, the `extra` fields a caller gave (Django's `status_code`…), and `exc_info` as
    text. Django's `request` object is left out (its repr says nothing the message does not)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "{levelname}{name}{message}{process}")
        kwargs.setdefault("style", "{")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", "time")
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request"])
        super().__init__(*args, **kwargs)

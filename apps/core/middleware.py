"""The API's answer to a bug: Slate's JSON error with status 500, in DEBUG too, and the traceback in the log."""
from __future__ import annotations

import logging

from django.core import signals
from django.http import JsonResponse

log = logging.getLogger("django.request")

SERVER_ERROR = {"message": "Something went wrong on the server; it has been logged.", "code": "server_error", "extra": {}}


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def server_error_response() -> JsonResponse:
    """`{"message", "code": "server_error", "extra": {}}` with HTTP 500."""
    return JsonResponse(SERVER_ERROR, status=500)


def expected_error_response(request, exception: Exception) -> JsonResponse | None:
    """The API's answer to an exception its handler expects (apps.core.exceptions: 404, 403, 503 `busy`…) as a
    plain JSON response with the handler's headers; None when the handler does not expect it (a bug)."""
    from apps.core.exceptions import exception_handler

    expected = exception_handler(exception, {"request": request})
    if expected is None:
        return None
    response = JsonResponse(expected.data, status=expected.status_code)
    for name, value in expected.items():
        response.setdefault(name, value)
    return response


class ApiServerErrorMiddleware:
    """An exception no handler expected, raised by a view under `/api/`, is answered 500 with the JSON body
    every API client parses — never Django's HTML page (DEBUG) and never a 4xx that would hide it. What
    the API's exception handler knows (404, 403, a body too big…) is answered as it says, plain views too.

    It is logged as Django logs a 500 (logger `django.request`, level ERROR, with the traceback, so
    `mail_admins` and log shippers see it) and `got_request_exception` is sent, as Django does (the test
    client re-raises it from there). Outside `/api/` Django's own handling stays.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_api(request):
            return None
        expected = expected_error_response(request, exception)  # a plain view's 404, 403, 400… as DRF views answer them
        if expected is not None:
            return expected
        signals.got_request_exception.send(sender=None, request=request)
        log.error("Internal Server Error: %s", request.path, exc_info=(type(exception), exception, exception.__traceback__),
                  extra={"status_code": 500, "request": request})
        response = server_error_response()
        response._has_been_logged = True  # django.utils.log.log_response would log it again, without the traceback
        return response

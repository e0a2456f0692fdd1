"""What the HTTP layer under Slate (daphne's twisted, or project/asgi_limits.py under uvicorn) does before Slate sees a request (project/asgi.py): request bodies reach Slate as
they were sent, and a request too long to read is answered with a status, not a dropped connection."""
from __future__ import annotations

import http.client
import json

import pytest

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("body", [b"--c637--\r\n", b"--c637\r\nno headers and no end", b"\x00\xff not multipart at all"])
def test_a_malformed_multipart_body_is_answered_by_slate_in_its_error_shape(slate, body):
    client = slate.jwt_client("alice")
    before = client.get(f"/api/scenes/?production={slate.production_id}")["count"]

    conn = http.client.HTTPConnection("127.0.0.1", slate.port, timeout=30)
    conn.request("POST", "/api/scenes/", body=body, headers={"Authorization": f"Bearer {slate.token('alice')}",
                                                             "Content-Type": "multipart/form-data; boundary=c637"})
    response = conn.getresponse()
    answer = response.read()
    conn.close()

    assert response.status == 400, answer
    assert response.headers["Content-Type"] == "application/json"
    assert set(json.loads(answer)) == {"message", "code", "extra"}
    assert client.get(f"/api/scenes/?production={slate.production_id}")["count"] == before


def raw_exchange(slate, request: bytes) -> tuple[int, dict, bytes]:
    """Send `request` as is on a new connection; the status line's code, the headers and the body of the answer."""
    import socket

    with socket.create_connection(("127.0.0.1", slate.port), timeout=30) as conn:
        conn.sendall(request)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value for name, value in (line.split(": ", 1) for line in lines[1:])}  # case-insensitive (RFC 9110)
    return int(lines[0].split()[1]), headers, body


@pytest.mark.parametrize("where, status", [("query", 414), ("header", 431)])
def test_a_request_line_or_header_past_16_kib_is_answered_414_or_431_in_slates_error_shape(slate, where, status):
    long = "&".join(f"scenes={i}" for i in range(3000))  # 30 KB
    target, header = (f"/api/props/?{long}", "") if where == "query" else ("/api/props/", f"X-Long: {long}\r\n")
    request = f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {slate.token('alice')}\r\n{header}\r\n"

    code, headers, body = raw_exchange(slate, request.encode())

    assert code == status
    assert headers["content-type"] == "application/json"
    assert json.loads(body) == {"message": json.loads(body)["message"], "code": "too_long", "extra": {"limit_bytes": 16384}}


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_body_past_every_upload_limit_is_refused_413_before_it_is_read(slate, chunked):
    # The server's limit: the largest upload limit (multipart media, 256 MiB by default) + 1 MiB. The client
    # announces 10 GB (answered as soon as the headers are in), or streams chunks (answered once past the limit).
    import socket
    import time

    head = (f"POST /api/media/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {slate.token('alice')}\r\n"
            "Content-Type: application/octet-stream\r\n")
    head += "Transfer-Encoding: chunked\r\n\r\n" if chunked else "Content-Length: 10000000000\r\n\r\n"
    block = b"x" * (1024 * 1024)
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", slate.port), timeout=30) as conn:
        conn.sendall(head.encode())
        sent = 0
        try:
            while chunked and sent < 400 * 1024 * 1024:  # stopped by the server at 257 MiB when it works
                conn.sendall(b"%x\r\n%s\r\n" % (len(block), block) if chunked else block)
                sent += len(block)
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = b""
        with __import__("contextlib").suppress(ConnectionResetError):
            while chunk := conn.recv(65536):
                answer += chunk
    head_text, _, body = answer.partition(b"\r\n\r\n")
    assert head_text.startswith(b"HTTP/1.1 413"), answer[:300]
    error = json.loads(body)
    assert error["code"] == "too_large" and error["extra"]["limit_bytes"] == 257 * 1024 * 1024
    assert sent <= 300 * 1024 * 1024  # cut off near the limit, not read to the end
    assert time.monotonic() - started < 20
    assert slate.jwt_client("alice").get("/api/health/") == {"ok": True}  # the server is fine

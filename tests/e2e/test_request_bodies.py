"""Request bodies reach Slate as they were sent, through daphne (project/asgi.py): twisted does not parse them first."""
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

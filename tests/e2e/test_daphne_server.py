"""The same server-facing tests under daphne (`SLATE_ASGI_SERVER=daphne`) as under the default, uvicorn:
the live workspace's stream, socket auth and the 1009 close, and the request limits (daphne's twisted
layer, project/daphne_options.py). Both servers are supported (`manage.py run_web`)."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import SlateServer, serve
from tests.e2e.test_http_limits import (  # noqa: F401 — collected here again, against daphne
    test_a_body_past_every_upload_limit_is_refused_413_before_it_is_read,
    test_a_malformed_multipart_body_is_answered_by_slate_in_its_error_shape,
    test_a_request_line_or_header_past_16_kib_is_answered_414_or_431_in_slates_error_shape,
)
from tests.e2e.test_live_workspace import (  # noqa: F401
    test_a_message_over_the_servers_limit_is_closed_with_1009_and_others_stay_connected,
    test_connected_client_gets_every_stored_event_once_while_web_and_worker_write_at_once,
    test_non_member_subscribe_is_refused_and_receives_nothing_of_the_production,
    test_reconnect_with_after_replays_every_missed_event_once_in_order,
    test_scene_status_change_reaches_another_member_as_scene_updated,
    test_socket_auth_needs_a_bearer_token_or_a_session_from_our_origin,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def slate(request) -> SlateServer:
    """Slate as the session's `slate`, with its web process served by daphne."""
    yield from serve(request, SlateServer(asgi_server="daphne"))


def test_the_web_process_is_daphne(slate: SlateServer):
    """run_web replaced itself with the server: the process the tests talk to is uvicorn's."""
    from pathlib import Path

    cmdline = Path(f"/proc/{slate.web.pid}/cmdline").read_bytes().split(b"\0")
    assert any(part.endswith(b"daphne") for part in cmdline), cmdline

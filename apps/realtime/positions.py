"""Where a production's stream stood when a REST read began: the `Slate-Stream-Seq` response header.

A client that asks for a production's data over REST and then subscribes to its stream must not
miss what changed in between. Asking with `Slate-Production: <id>` on a GET under /api/, a member
of that production gets `Slate-Stream-Seq: <seq>` on the answer: the production's latest stored
event (`Event.seq`, 0 for none) read *before* the view reads anything, so every event up to that
seq is in the answer and anything later may not be. The client subscribes with `after_seq` at the
lowest such position it holds and the server replays the rest, instead of fetching everything
again once the socket is up (issue 16; DESIGN.md, "WebSocket protocol"). Events are applied
idempotently by id and version, so an event both in the answer and replayed does no harm.

Nothing is added for a non-member, an anonymous request, a write, or a request without the header.
"""
from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from apps.realtime.access import is_member
from apps.realtime.models import Event

REQUEST_HEADER = "HTTP_SLATE_PRODUCTION"
RESPONSE_HEADER = "Slate-Stream-Seq"


class StreamPositionMiddleware:
    """Adds `Slate-Stream-Seq` to a member's GET under /api/ that names its production in `Slate-Production`.

    Two small reads when asked (membership, the stream's head by the (production, seq) index), none otherwise.
    Needs the session and authentication middlewares before it (a bearer token's user is not known here: such
    clients get no header and fetch again after subscribing, as before).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        position = self._position(request)
        response = self.get_response(request)
        if position is not None and response.status_code == 200:
            # No Vary: a cache that hands this answer to another request hands it an older position, which is still
            # a true lower bound (the client replays from it or reads again), never a newer one.
            response[RESPONSE_HEADER] = str(position)
        return response

    @staticmethod
    def _position(request: HttpRequest) -> int | None:
        raw = request.META.get(REQUEST_HEADER, "")
        if request.method != "GET" or not request.path.startswith("/api/") or not raw.isdigit() or len(raw) > 18:
            return None
        return stream_position(user=getattr(request, "user", None), production_id=int(raw))


def stream_position(*, user, production_id: int) -> int | None:
    """The seq of production `production_id`'s latest stored event (0 for none) when `user` is on its crew, else None
    (anonymous, not a member). Read it *before* the data it stands for (the module's docstring says why)."""
    if user is None or not user.is_authenticated or not is_member(user=user, production_id=production_id):
        return None
    # The newest seq by the (production, seq) unique index: one index probe, whatever the stream's length.
    return Event.objects.filter(production_id=production_id).order_by("-seq").values_list("seq", flat=True).first() or 0

"""REST: a production's activity feed — its stored events, newest first, exactly as the socket sent them."""
from __future__ import annotations

import json

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.errors import ApplicationError
from apps.core.integers import parse_int
from apps.productions.permissions import require_member
from apps.realtime.models import Event
from apps.realtime.services import event_json

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class EventEnvelopeSerializer(serializers.Serializer):
    """One stored event, the DESIGN.md envelope the WebSocket sends: `{id, seq, type, production, entity, entity_id,
    data, actor, at}`; `seq` is its place in the production's stream (1, 2, 3…, no gaps). `entity_id` is a number (a UUID string for jobs); `data` is the entity's REST
    representation; `actor` is `{id, name}` or null for the system; `at` is ISO 8601 UTC with milliseconds."""

    id = serializers.IntegerField()
    seq = serializers.IntegerField(help_text="The event's place in its production's stream: 1, 2, 3…, with no gaps, in commit order.")
    type = serializers.CharField(help_text="`<entity>.<verb>`, e.g. `scene.updated`.")
    production = serializers.IntegerField()
    entity = serializers.CharField()
    entity_id = serializers.JSONField(help_text="The entity's id: an integer, or a UUID string (jobs).")
    data = serializers.DictField(help_text="The entity as its REST endpoint returns it (its last state for `.deleted`).")
    actor = inline_serializer("EventActor", {"id": serializers.IntegerField(), "name": serializers.CharField()}, allow_null=True)
    at = serializers.DateTimeField()


def _positive_int(request, name: str, *, default: int | None = None) -> int | None:
    """A query parameter that is a whole number from 1 to 2^63-1 (`default` when absent); 400 `invalid` otherwise."""
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    return parse_int(raw, name=name, minimum=1)


class EventListView(APIView):
    """`GET /api/events/?production=<id>`: the production's event log, newest first, for its activity feed."""

    @extend_schema(
        parameters=[
            OpenApiParameter("production", OpenApiTypes.INT, required=True, description="The production whose events to list."),
            OpenApiParameter("before", OpenApiTypes.INT, description="Only events with an id below this one (the next page: the last id you got)."),
            OpenApiParameter("page_size", OpenApiTypes.INT, description=f"Events per page, {DEFAULT_PAGE_SIZE} by default, at most {MAX_PAGE_SIZE}."),
        ],
        responses=inline_serializer(
            "EventPage",
            {
                "next": serializers.URLField(allow_null=True, help_text="The URL of the older page (`before` = the last id here), null at the start of the log."),
                "results": EventEnvelopeSerializer(many=True),
            },
        ),
    )
    def get(self, request):
        """The stored events of a production the user is on, newest first: `{"next": url | null, "results": [envelope, ...]}`.

        Paginated by id (`?before=<id>&page_size=N`), so new events arriving meanwhile never shift a
        page. Each item is exactly the envelope the WebSocket sent. 400 `invalid` without
        `production` or with a bad number; 404 for a production the user is not on.
        """
        production_id = _positive_int(request, "production")
        if production_id is None:
            raise ApplicationError("Say which production's events to list: ?production=<id>.", code="invalid",
                                   extra={"fields": {"production": ["This query parameter is required."]}})
        before = _positive_int(request, "before")
        page_size = min(_positive_int(request, "page_size", default=DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE)
        require_member(user=request.user, production=production_id)

        events = Event.objects.filter(production_id=production_id).select_related("actor").order_by("-id")
        if before is not None:
            events = events.filter(id__lt=before)
        rows = list(events[: page_size + 1])
        page, more = rows[:page_size], len(rows) > page_size
        # The very text the socket sends (envelope_json), parsed back so DRF renders it as part of the page.
        results = [json.loads(event_json(e)) for e in page]
        next_url = None
        if more:
            query = request.query_params.copy()
            query["before"] = str(page[-1].id)
            next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
        return Response({"next": next_url, "results": results})

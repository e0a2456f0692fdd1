"""REST: a user's own notifications, their preferences, and their devices' push subscriptions."""
from __future__ import annotations

from datetime import datetime, timezone as dt_timezone

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.errors import ApplicationError
from apps.core.integers import parse_int
from apps.notifications import selectors, services
from apps.notifications.models import Notification
from apps.notifications.serializers import (EndpointSerializer, NotificationSerializer, PreferencesSerializer, PushSubscriptionCreateSerializer,
                                            PushSubscriptionSerializer, ReadAllResultSerializer, ReadAllSerializer, TestPushResultSerializer,
                                            UnreadCountSerializer, VapidPublicKeySerializer)


def _flag(value) -> bool | None:
    if value is None:
        return None
    return str(value).lower() in ("1", "true", "yes", "on")


def _positive_int(value, name: str) -> int | None:
    """An optional id query parameter: None when absent, else 1 to 2**63 - 1 (400 `invalid` otherwise)."""
    return None if value in (None, "") else parse_int(value, name=name, minimum=1)


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The signed-in user's own notifications (newest first); someone else's is a 404.

    `GET /api/notifications/?unread=true&production=7`, `GET unread-count/`, `POST {id}/read/`,
    `POST read-all/` (optional `{"production": id}`), `GET|PUT preferences/`.
    """

    serializer_class = NotificationSerializer

    def get_queryset(self):
        """Own notifications only; `?unread=true` and `?production=<id>` filter them (400 for a non-numeric id)."""
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        params = self.request.query_params
        return selectors.notification_list(user=self.request.user, unread=_flag(params.get("unread")),
                                           production_id=_positive_int(params.get("production"), "production"))

    @extend_schema(parameters=[
        OpenApiParameter("unread", OpenApiTypes.BOOL, description="Only unread ones."),
        OpenApiParameter("production", OpenApiTypes.INT, description="Only this production's."),
    ])
    def list(self, request, *args, **kwargs):
        """The user's notifications, newest first, paginated."""
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=UnreadCountSerializer)
    @action(detail=False, methods=["get"], url_path="unread-count", filter_backends=[], pagination_class=None)
    def unread_count(self, request):
        """`{"unread": n}`: the number on the bell."""
        return Response({"unread": selectors.unread_count(user=request.user)})

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def read(self, request, pk=None):
        """Mark one notification read (idempotent); answers it. Sends `notification.updated` to the user's other tabs."""
        notification = self.get_object()
        return Response(NotificationSerializer(services.notification_mark_read(notification=notification, user=request.user)).data)

    @extend_schema(request=ReadAllSerializer, responses=ReadAllResultSerializer)
    @action(detail=False, methods=["post"], url_path="read-all", filter_backends=[], pagination_class=None)
    def read_all(self, request):
        """Mark all unread notifications read, or only those of `production`; answers `{"marked": n}`."""
        body = ReadAllSerializer(data=request.data if isinstance(request.data, dict) else {})
        body.is_valid(raise_exception=True)
        marked = services.notification_mark_all_read(user=request.user, production_id=body.validated_data.get("production"))
        return Response({"marked": marked})

    @extend_schema(methods=["GET"], responses=PreferencesSerializer)
    @extend_schema(methods=["PUT"], request=PreferencesSerializer, responses=PreferencesSerializer)
    @action(detail=False, methods=["get", "put"], filter_backends=[], pagination_class=None)
    def preferences(self, request):
        """The user's channels per kind and quiet hours; PUT changes what it sends (400 naming a bad kind, channel, time or zone)."""
        if request.method == "PUT":
            if not isinstance(request.data, dict):
                raise ApplicationError("Send an object with `kinds` and/or `quiet_hours`.", code="invalid")
            kinds, quiet = request.data.get("kinds"), request.data.get("quiet_hours")
            if kinds is not None and not isinstance(kinds, dict):
                raise ApplicationError("`kinds` is an object: {kind: {channel: true|false}}.", code="invalid", extra={"fields": {"kinds": ["Must be an object."]}})
            if quiet is not None and not isinstance(quiet, dict):
                raise ApplicationError("`quiet_hours` is an object.", code="invalid", extra={"fields": {"quiet_hours": ["Must be an object."]}})
            return Response(services.preference_set(user=request.user, kinds=kinds, quiet_hours=quiet))
        return Response(services.preference_get(user=request.user))


class PushSubscriptionViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The signed-in user's devices that receive Web Push (RFC 8030) and the server's VAPID public key (RFC 8292).

    `GET vapid-public-key/`, `POST /` (the browser's `PushSubscription.toJSON()`), `GET /`, `DELETE {id}/`,
    `POST unsubscribe/ {"endpoint"}`, `POST test/`.
    """

    serializer_class = PushSubscriptionSerializer

    def get_queryset(self):
        """Own subscriptions only (someone else's id is a 404)."""
        if getattr(self, "swagger_fake_view", False):
            from apps.notifications.models import PushSubscription

            return PushSubscription.objects.none()
        return selectors.push_subscription_list(user=self.request.user)

    @extend_schema(request=PushSubscriptionCreateSerializer, responses={201: PushSubscriptionSerializer, 200: PushSubscriptionSerializer})
    def create(self, request, *args, **kwargs):
        """Store this browser's subscription: 201 when new, 200 when the endpoint was known (keys updated, moved to this user).

        400 `invalid_subscription` for an endpoint that is not https or not a known push service, a
        p256dh that is not a P-256 point, an auth secret that is not 16 bytes.
        """
        body = PushSubscriptionCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        expires_ms = data.get("expirationTime")
        expiration = datetime.fromtimestamp(expires_ms / 1000, tz=dt_timezone.utc) if expires_ms else None
        row, created = services.push_subscription_save(
            user=request.user, endpoint=data["endpoint"], p256dh=data["keys"]["p256dh"], auth=data["keys"]["auth"],
            expiration_time=expiration, user_agent=request.headers.get("User-Agent", ""),
        )
        return Response(PushSubscriptionSerializer(row).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def perform_destroy(self, instance):
        """Forget the device (204)."""
        services.push_subscription_delete(user=self.request.user, subscription=instance)

    @extend_schema(responses=VapidPublicKeySerializer)
    @action(detail=False, methods=["get"], url_path="vapid-public-key", filter_backends=[], pagination_class=None)
    def vapid_public_key(self, request):
        """`{"public_key": ...}`, the `applicationServerKey` browsers subscribe with (generated on first use, then kept)."""
        from apps.notifications.vapid import vapid_public_key

        return Response({"public_key": vapid_public_key()})

    @extend_schema(request=EndpointSerializer, responses={204: None})
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def unsubscribe(self, request):
        """Forget the subscription with this endpoint, if it is the user's (204 either way: nothing leaks)."""
        body = EndpointSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.push_subscription_delete(user=request.user, endpoint=body.validated_data["endpoint"])
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=TestPushResultSerializer)
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def test(self, request):
        """Send a test push to each of the user's devices (through the worker); answers `{"queued": n}`."""
        return Response({"queued": services.push_send_test(user=request.user)})

"""Signed-in devices of the signed-in user: the list, signing one out, signing out everywhere (apps.accounts.devices)."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts import devices
from apps.accounts.models import SignedInDevice


class DeviceSerializer(serializers.ModelSerializer):
    """A signed-in device: `{id, kind: "session"|"jwt", label: "Chrome on Android", ip, user_agent, created_at,
    last_seen_at (within a minute), this_device}`; `this_device` is true for the one the request came from."""

    label = serializers.SerializerMethodField()
    this_device = serializers.SerializerMethodField()

    class Meta:
        model = SignedInDevice
        fields = ["id", "kind", "label", "ip", "user_agent", "created_at", "last_seen_at", "this_device"]
        read_only_fields = fields

    def get_label(self, device) -> str:
        """The device in words, from its user agent: 'Chrome on Android' (`devices.device_label`)."""
        return devices.device_label(device.user_agent)

    def get_this_device(self, device) -> bool:
        """Whether this is the device the request comes from (`context["this_device"]`, a device id)."""
        return device.pk == self.context.get("this_device")


class SignOutEverywhereSerializer(serializers.Serializer):
    """`{"include_this_device"?: false}`: true signs this device out too."""

    include_this_device = serializers.BooleanField(default=False)


class SignedOutSerializer(serializers.Serializer):
    """After "sign out everywhere": for a JWT client that stays signed in, its new `{"access", "refresh"}` pair."""

    access = serializers.CharField(required=False)
    refresh = serializers.CharField(required=False)


class DeviceListView(APIView):
    """The devices the signed-in user is signed in on."""

    @extend_schema(responses=DeviceSerializer(many=True))
    def get(self, request):
        """`GET /api/me/devices/`: every browser session and token client of the user, the most recently seen first
        (a plain list: one row per sign-in). 401 when signed out."""
        rows = devices.device_list(user=request.user)
        context = {"this_device": devices.current_device_id(request)}
        return Response(DeviceSerializer(rows, many=True, context=context).data)


class DeviceView(APIView):
    """One signed-in device of the user."""

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk: int):
        """`DELETE /api/me/devices/{id}/`: sign that device out (its session cookie, refresh token and access tokens
        stop working at once: apps/accounts/authentication.py; its sockets close with 4401). 204; 404 `not_found` for a device that is not yours."""
        devices.device_sign_out(user=request.user, device_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SignOutEverywhereView(APIView):
    """Sign out every other session and token client of the user."""

    @extend_schema(request=SignOutEverywhereSerializer, responses=SignedOutSerializer)
    def post(self, request):
        """`POST /api/me/sign-out-everywhere/` with `{"include_this_device"?}`: every other browser session (also
        ones not listed) and every refresh token issued before stop working; this one stays signed in (a JWT client
        gets a new `{"access", "refresh"}` pair in the answer, `{}` for a browser) unless `include_this_device`."""
        data = SignOutEverywhereSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        refresh = devices.user_sign_out_everywhere(user=request.user, request=request, **data.validated_data)
        if refresh is None:
            return Response({})
        return Response({"access": str(refresh.access_token), "refresh": str(refresh)})

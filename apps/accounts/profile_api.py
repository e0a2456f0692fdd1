"""`/api/me/email/…` (change of address, verified first: apps.accounts.email_change), `/api/me/avatar/` and
`/api/users/{id}/avatar/` (apps.accounts.profile)."""
from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import parsers, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts import email_change, profile
from apps.accounts.api import _AuthThrottled
from apps.accounts.models import User
from apps.accounts.serializers import UserSerializer
from apps.core.errors import ApplicationError
from apps.core.files import file_response, file_responses
from apps.core.throttling import ScopedRateThrottle
from apps.core.uploads import check_request_size


class EmailStateSerializer(serializers.Serializer):
    """`{"email", "pending_email"}`: the address in use and one waiting for its emailed link ("" when none)."""

    email = serializers.EmailField(read_only=True)
    pending_email = serializers.CharField(read_only=True)


class EmailChangeSerializer(serializers.Serializer):
    """`{"email", "password"}`: the new address (at most 254 characters, RFC 5321's limit) and the current password."""

    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=256, trim_whitespace=False, write_only=True)


class EmailConfirmSerializer(serializers.Serializer):
    """`{"token"}` from the link mailed to the new address."""

    token = serializers.CharField(max_length=600)


class AvatarUploadSerializer(serializers.Serializer):
    """Multipart `file`: a JPEG, PNG or WebP picture."""

    file = serializers.FileField()


def _email_state(user: User) -> dict:
    return {"email": user.email, "pending_email": user.pending_email}


class EmailChangeView(APIView):
    """One's own email address and a change waiting for confirmation."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(responses=EmailStateSerializer)
    def get(self, request):
        """`{"email", "pending_email"}` of the signed-in user. 401 when signed out."""
        return Response(_email_state(request.user))

    @extend_schema(request=EmailChangeSerializer, responses={202: EmailStateSerializer})
    def post(self, request):
        """Ask to use `{"email"}` (with the current `password`): answers 202 with the state, `pending_email` set; the
        new address gets a link, the current one a notice; the address changes only when the link is followed.

        An address another account uses answers the same (no account can be found out this way) and never changes
        anything. 400 `wrong_password` or `invalid` (details in `extra.fields`), 401 when signed out, 429 `throttled`.
        """
        data = EmailChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = email_change.email_change_request(user=request.user, **data.validated_data)
        return Response(_email_state(user), status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={200: EmailStateSerializer})  # a DELETE answers 204 unless told
    def delete(self, request):
        """Cancel the pending change (its link stops working); answers 200 with the state."""
        return Response(_email_state(email_change.email_change_cancel(user=request.user)))


class EmailChangeConfirmView(_AuthThrottled):
    """Follow the link mailed to the new address (signed in or not: the token names the account)."""

    @extend_schema(request=EmailConfirmSerializer, responses=UserSerializer)
    def post(self, request):
        """Make the pending address the account's email from `{"token"}`; answers 200 with the user.

        400 `invalid_token` (malformed, expired, used or replaced link), 400 `email_taken` (another account took the
        address meanwhile), 429 `throttled` over the `auth` rate.
        """
        data = EmailConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(UserSerializer(email_change.email_change_confirm(**data.validated_data)).data)


class AvatarView(APIView):
    """One's own picture."""

    parser_classes = [parsers.MultiPartParser]

    @extend_schema(request={"multipart/form-data": AvatarUploadSerializer}, responses=UserSerializer)
    def post(self, request):
        """Set the picture from multipart `file` (JPEG, PNG or WebP by content, at most SLATE_MAX_AVATAR_UPLOAD_BYTES,
        5 MiB by default); stored as a 256 px square WebP. Answers 200 with the user (`avatar_url`).

        400 `invalid` (no file), `empty_file` or `not_an_image`; 401 when signed out; 413 `too_large`.
        """
        limit = settings.SLATE_MAX_AVATAR_UPLOAD_BYTES
        check_request_size(request, limit_bytes=limit, what="picture")
        upload = request.FILES.get("file")
        if upload is None:
            raise ApplicationError("Attach the picture as `file`.", code="invalid", extra={"fields": {"file": ["No file was sent."]}})
        return Response(UserSerializer(profile.user_set_avatar(user=request.user, upload=upload, limit_bytes=limit)).data)

    @extend_schema(request=None, responses={200: UserSerializer})  # a DELETE answers 204 unless told
    def delete(self, request):
        """Remove the picture; answers 200 with the user (`avatar_url` null)."""
        return Response(UserSerializer(profile.user_delete_avatar(user=request.user)).data)


class UserAvatarView(APIView):
    """A user's picture, for themselves and the people who share a production with them."""

    @extend_schema(responses=file_responses("image/webp"))
    def get(self, request, pk: int):
        """The picture (WebP). 404 for a user without one, or who shares no production with the signed-in user."""
        visible = User.objects.filter(pk=pk).exclude(avatar="")
        if pk != request.user.pk:
            visible = visible.filter(memberships__production__memberships__user=request.user)
        user = visible.distinct().first()
        if user is None:
            raise ApplicationError("No such picture.", code="not_found", status=404)
        response = file_response(request, user.avatar.name, content_type="image/webp")
        response["Cache-Control"] = "private, max-age=86400"  # the URL changes with the picture (`?v=`)
        return response

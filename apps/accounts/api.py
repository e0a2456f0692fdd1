"""Auth endpoints: session sign-in for the browser, JWT for other clients, registration."""
from __future__ import annotations

from django.contrib.auth import login, logout
from django.middleware.csrf import get_token
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.views import TokenObtainPairView

from apps.accounts import services
from apps.accounts.serializers import (
    LoginSerializer, MeSerializer, RegisterSerializer, SlateTokenSerializer, UserSerializer, VerifySerializer,
)
from apps.accounts.two_factor import sign_in_second_factor
from apps.core.csrf import ensure_csrf_cookie_once
from apps.core.throttling import AccountLockout, AddressThrottle
from apps.productions.services import user_register_invited


class _AuthThrottled(APIView):
    throttle_classes = [AddressThrottle]
    throttle_scope = "auth"
    permission_classes = [permissions.AllowAny]


class LoginView(_AuthThrottled):
    """Session sign-in for the browser; answers the user and sets the session and CSRF cookies."""

    throttle_classes = [AddressThrottle, AccountLockout]
    error_statuses = {"post": (401,)}  # apps.core.schema: two_factor_required, an account with two-factor authentication

    @extend_schema(request=LoginSerializer, responses=MeSerializer)
    def post(self, request):
        """Sign in with `{"login", "password", "code"?}`; answers 200 with the user and sets the session and CSRF cookies.

        400 `invalid_credentials` for a wrong login or password (the same for both), 403 `email_unverified`; for an
        account with two-factor authentication 401 `two_factor_required` without `code` (nobody is signed in: send
        the three again) and 400 `invalid_code` for a wrong or used one (a failed sign-in for the lock-out);
        429 `throttled` over the `auth` rate per address (SLATE_AUTH_THROTTLE), 429 `signin_locked` for a login
        past SLATE_SIGNIN_LOCKOUT failed sign-ins (both with Retry-After).
        """
        data = LoginSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        code = fields.pop("code", None)
        user = services.user_authenticate(request, **fields)
        sign_in_second_factor(request, user=user, login=fields["login"], code=code)
        login(request, user)
        get_token(request)
        return Response(MeSerializer(user).data)


class LogoutView(APIView):
    """End the browser session."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        """End the browser session (no body); answers 204, also when nobody was signed in."""
        logout(request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    """The signed-in user; also sets the CSRF cookie the browser app sends back as X-CSRFToken when it is missing."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        """The signed-in user with `two_factor` (401 otherwise); also sets the CSRF cookie the browser app sends back as X-CSRFToken
        when the browser has none (apps.core.csrf)."""
        ensure_csrf_cookie_once(request)
        return Response(MeSerializer(request.user).data)


class RegisterView(_AuthThrottled):
    """Create an account; a verification link goes to the email address."""

    @extend_schema(request=RegisterSerializer, responses={201: UserSerializer})
    def post(self, request):
        """Create an account from `{"username", "email", "password", "name"?, "invitation"?}`; answers 201 with the user.

        Without `invitation` the user is unverified and a verification link goes to the email address.
        With a valid invitation token for that email the user is verified at once (they may sign in
        straight away) and is on the invitation's production with its role. 400 `invalid` (details in
        `extra.fields`) for a taken username or email or a password Django's validators refuse; 400
        `invalid_invitation` (unknown, withdrawn, used or expired token) or `invitation_other_email`
        (another address than the invited one), creating nothing; 429 `throttled` over the `auth` rate.
        """
        data = RegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        invitation = fields.pop("invitation", None)
        if invitation:
            user = user_register_invited(**fields, invitation=invitation)
        else:
            user = services.user_register(**fields)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


class VerifyEmailView(_AuthThrottled):
    """Confirm an email address with the `uid` and `token` of the emailed link."""

    @extend_schema(request=VerifySerializer, responses=UserSerializer)
    def post(self, request):
        """Confirm an email address with `{"uid", "token"}` from the emailed link; answers 200 with the user.

        400 `invalid_token` for a link that is invalid or has expired; 429 `throttled` over the `auth` rate.
        """
        data = VerifySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(UserSerializer(services.user_verify_email(**data.validated_data)).data)


class TokenView(TokenObtainPairView):
    """JWT access + refresh pair for tablets, scripts and other non-browser clients."""

    serializer_class = SlateTokenSerializer
    throttle_classes = [AddressThrottle, AccountLockout]
    throttle_scope = "auth"

"""Auth endpoints: session sign-in for the browser, JWT for other clients, registration."""
from __future__ import annotations

from django.contrib.auth import login, logout
from django.middleware.csrf import get_token
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer
from rest_framework_simplejwt.views import TokenObtainPairView

from apps.accounts import services
from apps.accounts.models import User


class UserSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "email", "name", "display_name", "email_verified"]
        read_only_fields = fields


class LoginSerializer(serializers.Serializer):
    login = serializers.CharField(max_length=254, help_text="Username or email.")
    password = serializers.CharField(max_length=256, trim_whitespace=False)


class RegisterSerializer(serializers.Serializer):
    username = serializers.RegexField(r"^[\w.@+-]{2,150}$", max_length=150)
    email = serializers.EmailField()
    password = serializers.CharField(max_length=256, trim_whitespace=False, write_only=True)
    name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")


class VerifySerializer(serializers.Serializer):
    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=128)


class _AuthThrottled(APIView):
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"
    permission_classes = [permissions.AllowAny]


class LoginView(_AuthThrottled):
    """Session sign-in for the browser; answers the user and sets the session and CSRF cookies."""

    @extend_schema(request=LoginSerializer, responses=UserSerializer)
    def post(self, request):
        data = LoginSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_authenticate(request, **data.validated_data)
        login(request, user)
        get_token(request)
        return Response(UserSerializer(user).data)


class LogoutView(APIView):
    """End the browser session."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        logout(request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    """The signed-in user; also sets the CSRF cookie the browser app sends back as X-CSRFToken."""

    @extend_schema(responses=UserSerializer)
    def get(self, request):
        get_token(request)
        return Response(UserSerializer(request.user).data)


class RegisterView(_AuthThrottled):
    """Create an account; a verification link goes to the email address."""

    @extend_schema(request=RegisterSerializer, responses={201: UserSerializer})
    def post(self, request):
        data = RegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_register(**data.validated_data)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


class VerifyEmailView(_AuthThrottled):
    """Confirm an email address with the `uid` and `token` of the emailed link."""

    @extend_schema(request=VerifySerializer, responses=UserSerializer)
    def post(self, request):
        data = VerifySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(UserSerializer(services.user_verify_email(**data.validated_data)).data)


class SlateTokenSerializer(TokenObtainPairSerializer):
    """simplejwt's pair, refused for an unverified email like the session sign-in."""

    def validate(self, attrs):
        data = super().validate(attrs)
        if not self.user.email_verified:
            from apps.core.errors import ApplicationError

            raise ApplicationError("Confirm your email address first: we sent you a link.", code="email_unverified", status=403)
        return data


class TokenView(TokenObtainPairView):
    """JWT access + refresh pair for tablets, scripts and other non-browser clients."""

    serializer_class = SlateTokenSerializer
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

"""REST: productions (with live stats) and their members."""
from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import requested_version
from apps.core.errors import ApplicationError
from apps.core.integers import path_id
from apps.core.throttling import ScopedRateThrottle
from apps.productions import services
from apps.productions.models import Invitation, Membership, Role
from apps.productions.ownership import production_transfer_ownership
from apps.productions.selectors import membership_list, production_list
from apps.productions.serializers import (InvitationPreviewSerializer, InvitationSentSerializer, InvitationSerializer, InvitationTokenSerializer,
                                          MembershipSerializer, OwnershipTransferredSerializer, OwnershipTransferSerializer,
                                          ProductionSerializer)


class ProductionViewSet(viewsets.ModelViewSet):
    """Productions the user is on, each with live stats; the creator becomes the owner."""

    serializer_class = ProductionSerializer
    filterset_fields = ["code"]
    search_fields = ["title", "code", "description"]
    ordering_fields = ["title", "created_at", "start_date"]
    http_method_names = ["get", "post", "patch", "put", "delete", "head", "options"]
    error_statuses = {"update": (428,), "partial_update": (428,)}  # apps.core.schema: an update names its version
    throttle_scope = "auth"  # only `transfer_ownership` throttles (it checks a password); the other actions have no scoped throttle

    def get_queryset(self):
        """The user's productions, annotated with their stats and the user's `my_role`."""
        return production_list(user=self.request.user)

    def perform_create(self, serializer):
        """Create the production with the user as its owner; answered like a GET, with stats and `my_role`."""
        production = services.production_create(actor=self.request.user, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=production.pk)  # with my_role and stats, as GET answers

    def perform_update(self, serializer):
        """Update for owners and producers (403 otherwise), based on the request's `version` (body or If-Match).

        Raises 428 `version_required` without a version, 409 `conflict` when it is stale.
        """
        version = requested_version(self.request)
        if version is None:
            raise ApplicationError("An update must say which version it is based on: send `version`.", code="version_required", status=428)
        serializer.instance = services.production_update(instance=serializer.instance, actor=self.request.user, version=version, **serializer.validated_data)

    def perform_destroy(self, instance):
        """Delete the production and everything in it; owners only (403 otherwise)."""
        services.production_delete(instance=instance, actor=self.request.user)

    @extend_schema(request=OwnershipTransferSerializer, responses=OwnershipTransferredSerializer)
    @action(detail=True, methods=["post"], url_path="transfer-ownership", filter_backends=[], pagination_class=None,
            throttle_classes=[ScopedRateThrottle])
    def transfer_ownership(self, request, pk=None):
        """`POST {"user": user id, "password": your current password}`: make that member an owner; you become a producer.

        Answers 200 `{"owner": membership, "previous_owner": membership}`. 403 `forbidden` unless you are an
        owner; 400 `wrong_password`, `not_a_member` (the user is not on the crew), `invalid` (yourself, or a
        malformed body); 404 for a production you are not on; 429 past the sign-in rate (it checks a password).
        """
        body = OwnershipTransferSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        owner, previous = production_transfer_ownership(production=path_id(pk), actor=request.user,
                                                        user_id=body.validated_data["user"], password=body.validated_data["password"])
        context = self.get_serializer_context()
        return Response({"owner": MembershipSerializer(owner, context=context).data,
                         "previous_owner": MembershipSerializer(previous, context=context).data})


class MembershipViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """`productions/{id}/members`: the crew and their roles; owners and producers manage it."""

    serializer_class = MembershipSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filterset_fields = ["role"]
    search_fields = ["user__username", "user__name"]  # not email: a search must not reveal hidden contacts (sees_contacts)
    ordering_fields = ["role", "created_at"]

    def get_queryset(self):
        """Members of the production in the URL, if the user is on it; none while drf-spectacular builds the schema."""
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular builds the schema without a URL
            return Membership.objects.none()
        return membership_list(user=self.request.user, production_id=path_id(self.kwargs["production_pk"]))

    def list(self, request, *args, **kwargs):
        """`GET productions/{id}/members/`: the crew and their roles; 404 for a production the user is not on."""
        from apps.productions.permissions import require_member

        require_member(user=request.user, production=path_id(self.kwargs["production_pk"]))  # a non-member gets 404, not an empty crew
        return super().list(request, *args, **kwargs)

    def _production(self):
        production = production_list(user=self.request.user).filter(pk=path_id(self.kwargs["production_pk"])).first()
        if production is None:
            from apps.core.errors import NotFoundError

            raise NotFoundError()
        return production

    @extend_schema(responses={201: MembershipSerializer, 202: InvitationSentSerializer})
    def create(self, request, *args, **kwargs):
        """Add someone to the crew: `POST {"user_login": username or email, "role"}` (role defaults to `crew`).

        Answers 201 with the membership when the login names a Slate account. When it is the email of
        no account, an invitation is emailed instead (a pending one to that address is refreshed) and
        the answer is 202 `{"invitation": {...}}`. 400 `invalid` without `user_login`, `unknown_user`
        (neither an account nor an email), `already_member`; 403 unless owner or producer (only an
        owner adds or invites an owner); 404 for a production the user is not on.
        """
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not data.validated_data.get("user_login"):
            raise ApplicationError("Say who to add: user_login (username or email).", code="invalid", extra={"fields": {"user_login": ["This field is required."]}})
        added = services.membership_add_or_invite(
            production=self._production(), actor=request.user,
            user_login=data.validated_data["user_login"], role=data.validated_data.get("role", Role.CREW),
        )
        if isinstance(added, Invitation):
            return Response({"invitation": InvitationSerializer(added, context=self.get_serializer_context()).data},
                            status=status.HTTP_202_ACCEPTED)
        return Response(self.get_serializer(added).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        """Change a member's role — owners and producers, and only an owner gives or takes the owner role (403) — and/or
        their contact details (`phone`, `address`, `emergency_contact`: the person themselves and whoever sees contacts).

        The `version` is optional here (default: the current one); 400 `last_owner` when demoting the last owner.
        """
        data = dict(serializer.validated_data)
        contacts = {name: data.pop(name) for name in ("phone", "address", "emergency_contact") if name in data}
        version = requested_version(self.request)
        with transaction.atomic():
            membership = serializer.instance
            if contacts:
                membership = services.membership_set_contacts(membership=membership, actor=self.request.user, version=version, **contacts)
                version = membership.version
            if "role" in data or not contacts:
                membership = services.membership_set_role(membership=membership, actor=self.request.user, role=data.get("role", membership.role),
                                                          version=version)
        serializer.instance = membership

    def perform_destroy(self, instance):
        """Take someone off the crew: owners and producers, or the member themselves; 400 `last_owner` for the last owner."""
        services.membership_remove(membership=instance, actor=self.request.user)


class InvitationViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """`productions/{id}/invitations`: invitations not yet accepted (expired ones too); owners and producers only.

    Invitations are sent by adding someone by email on `productions/{id}/members` (202).
    """

    serializer_class = InvitationSerializer
    search_fields = ["email"]
    ordering_fields = ["created_at", "expires_at", "email"]

    def get_queryset(self):
        """Pending invitations of the production in the URL: 404 for a non-member, 403 for a member who does not manage."""
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular builds the schema without a URL
            return Invitation.objects.none()
        return services.invitation_list(user=self.request.user, production_id=path_id(self.kwargs["production_pk"]))

    def perform_destroy(self, instance):
        """Withdraw the invitation (its link stops working); 204. Only an owner withdraws an owner's invitation (403)."""
        services.invitation_revoke(invitation=instance, actor=self.request.user)


class InvitationAcceptView(APIView):
    """Accept an emailed invitation as the signed-in user: join the production with the invited role."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(request=InvitationTokenSerializer, responses=MembershipSerializer)
    def post(self, request):
        """`POST {"token"}` → 200 with the new membership (or the existing one, role unchanged, for someone already on the crew).

        403 `invitation_other_email` when the signed-in account's email is not the invited one;
        400 `invalid_invitation` for an unknown, withdrawn, used or expired token; 401 when signed out.
        """
        data = InvitationTokenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.invitation_accept(token=data.validated_data["token"], user=request.user)
        return Response(MembershipSerializer(membership).data)


class InvitationPreviewView(APIView):
    """What an emailed invitation offers, shown on its landing page before signing in or registering."""

    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(request=InvitationTokenSerializer, responses=InvitationPreviewSerializer)
    def post(self, request):
        """`POST {"token"}` → 200 `{email, role, production: {id, title}, invited_by: {id, name}, expires_at}`; no sign-in needed.

        400 `invalid_invitation` for an unknown, withdrawn, used or expired token.
        """
        data = InvitationTokenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(InvitationPreviewSerializer(services.invitation_find(token=data.validated_data["token"])).data)

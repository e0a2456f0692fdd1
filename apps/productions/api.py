"""REST: productions (with live stats) and their members."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from apps.accounts.api import UserSerializer
from apps.core.api import requested_version
from apps.core.errors import ApplicationError
from apps.productions import services
from apps.productions.models import Membership, Production, Role
from apps.productions.selectors import membership_list, production_list, production_stats, stats_from


class StatsSerializer(serializers.Serializer):
    scene_count = serializers.IntegerField()
    completed_scene_count = serializers.IntegerField()
    shot_count = serializers.IntegerField()
    completion_percent = serializers.FloatField(help_text="0–100.")
    total_eighths = serializers.IntegerField(help_text="Page eighths of all scenes.")
    completed_eighths = serializers.IntegerField(help_text="Page eighths of completed scenes.")


class ProductionSerializer(serializers.ModelSerializer):
    stats = serializers.SerializerMethodField()
    my_role = serializers.SerializerMethodField()

    class Meta:
        model = Production
        fields = ["id", "title", "code", "description", "start_date", "end_date", "version", "created_at", "updated_at", "stats", "my_role"]
        read_only_fields = ["id", "version", "created_at", "updated_at", "stats", "my_role"]

    @extend_schema_field(StatsSerializer)
    def get_stats(self, obj) -> dict:
        # Annotated by production_list() for lists; a single production (an event) gets two aggregates.
        if hasattr(obj, "scene_count"):
            return stats_from(obj.__dict__)
        return production_stats(production_id=obj.pk)

    def get_my_role(self, obj) -> str | None:
        # Per user: only in answers to a request. An event goes to every member, so it carries None.
        if self.context.get("request") is None:
            return None
        return getattr(obj, "my_role", None)


class MembershipSerializer(serializers.ModelSerializer):
    user = UserSerializer(read_only=True)
    user_login = serializers.CharField(write_only=True, required=False, help_text="Username or email of the person to add.")

    class Meta:
        model = Membership
        fields = ["id", "production", "user", "user_login", "role", "version", "created_at"]
        read_only_fields = ["id", "production", "user", "version", "created_at"]


class ProductionViewSet(viewsets.ModelViewSet):
    """Productions the user is on, each with live stats; the creator becomes the owner."""

    serializer_class = ProductionSerializer
    filterset_fields = ["code"]
    search_fields = ["title", "code", "description"]
    ordering_fields = ["title", "created_at", "start_date"]
    http_method_names = ["get", "post", "patch", "put", "delete", "head", "options"]

    def get_queryset(self):
        return production_list(user=self.request.user)

    def perform_create(self, serializer):
        production = services.production_create(actor=self.request.user, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=production.pk)  # with my_role and stats, as GET answers

    def perform_update(self, serializer):
        version = requested_version(self.request)
        if version is None:
            raise ApplicationError("An update must say which version it is based on: send `version`.", code="version_required", status=428)
        serializer.instance = services.production_update(instance=serializer.instance, actor=self.request.user, version=version, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.production_delete(instance=instance, actor=self.request.user)


class MembershipViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """`productions/{id}/members`: the crew and their roles; owners and producers manage it."""

    serializer_class = MembershipSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filterset_fields = ["role"]
    search_fields = ["user__username", "user__email", "user__name"]
    ordering_fields = ["role", "created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular builds the schema without a URL
            return Membership.objects.none()
        return membership_list(user=self.request.user, production_id=self.kwargs["production_pk"])

    def list(self, request, *args, **kwargs):
        from apps.productions.permissions import require_member

        require_member(user=request.user, production=int(self.kwargs["production_pk"]))  # a non-member gets 404, not an empty crew
        return super().list(request, *args, **kwargs)

    def _production(self):
        production = production_list(user=self.request.user).filter(pk=self.kwargs["production_pk"]).first()
        if production is None:
            from apps.core.errors import NotFoundError

            raise NotFoundError()
        return production

    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not data.validated_data.get("user_login"):
            raise ApplicationError("Say who to add: user_login (username or email).", code="invalid", extra={"fields": {"user_login": ["This field is required."]}})
        membership = services.membership_add(
            production=self._production(), actor=request.user,
            user_login=data.validated_data["user_login"], role=data.validated_data.get("role", Role.CREW),
        )
        return Response(self.get_serializer(membership).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        role = serializer.validated_data.get("role", serializer.instance.role)
        serializer.instance = services.membership_set_role(membership=serializer.instance, actor=self.request.user, role=role, version=requested_version(self.request))

    def perform_destroy(self, instance):
        services.membership_remove(membership=instance, actor=self.request.user)

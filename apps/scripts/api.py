"""REST: screenplays, their versions, and Fountain import."""
from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api import ProductionScopedViewSet, ScopedPrimaryKeyRelatedField
from apps.core.uploads import check_request_size
from apps.jobs.api import JobSerializer
from apps.productions.models import Production
from apps.productions.permissions import require_write
from apps.productions.selectors import scope_to_user
from apps.scripts import services
from apps.scripts.models import Script, ScriptVersion


class ScriptVersionSerializer(serializers.ModelSerializer):
    """A version of a screenplay, without its text; all read-only.

    `number` counts 1, 2...; `source` says how it was made; `title_page` is `[[key, value], ...]`;
    `scene_count` and `page_eighths` (its length in eighths of a page) come from the import.
    """

    class Meta:
        model = ScriptVersion
        fields = ["id", "production", "script", "number", "source", "source_name", "title_page", "scene_count", "page_eighths",
                  "created_by", "created_at"]
        read_only_fields = fields


class ScriptVersionDetailSerializer(ScriptVersionSerializer):
    """A version of a screenplay with its full Fountain `text`; all read-only."""

    class Meta(ScriptVersionSerializer.Meta):
        fields = ScriptVersionSerializer.Meta.fields + ["text"]
        read_only_fields = fields


class ScriptSerializer(serializers.ModelSerializer):
    """A screenplay: `production`, `title`, and who created it; scripts are made by upload, and only `title` changes.

    Read-only: id, created_by, version, created_at, updated_at.
    """

    production = ScopedPrimaryKeyRelatedField(queryset=Production.objects.all())

    class Meta:
        model = Script
        fields = ["id", "production", "title", "created_by", "version", "created_at", "updated_at"]
        read_only_fields = ["id", "created_by", "version", "created_at", "updated_at"]


class ScriptUploadSerializer(serializers.Serializer):
    """Screenplay upload body (multipart/form-data): `production`, `file` (Fountain, UTF-8), optional `title` and `script`.

    Without a `title` the file name is used.
    """

    production = ScopedPrimaryKeyRelatedField(queryset=Production.objects.all())
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    script = ScopedPrimaryKeyRelatedField(queryset=Script.objects.all(), required=False, allow_null=True,
                                          help_text="Import as the next version of this script (else: a script with the same title, else a new one).")
    # Empty files reach the service, which answers them with code `empty_file`.
    file = serializers.FileField(allow_empty_file=True, help_text="A .fountain screenplay (UTF-8 text).")


class ScriptUploadResponseSerializer(ScriptSerializer):
    """The answer to an upload: the script, with its import `job` in full."""

    job = JobSerializer(read_only=True)

    class Meta(ScriptSerializer.Meta):
        fields = ScriptSerializer.Meta.fields + ["job"]


class ScriptViewSet(ProductionScopedViewSet):
    """Screenplays of the user's productions. `POST` (multipart: production, title, file) imports a Fountain
    file and answers 201 with the script and its import `job`; a file uploaded with the title of an existing
    script of the production is imported as that script's next version."""

    serializer_class = ScriptSerializer
    filterset_fields = ["production"]
    search_fields = ["title"]
    parser_classes = [parsers.JSONParser, parsers.MultiPartParser]
    update_service = services.script_update
    delete_service = services.script_delete

    queryset = Script.objects.all()

    @extend_schema(request={"multipart/form-data": ScriptUploadSerializer}, responses={201: ScriptUploadResponseSerializer})
    def create(self, request, *args, **kwargs):
        """Import a screenplay: `POST` multipart with `production`, `file`, optional `title` and `script` (at most SLATE_MAX_SCRIPT_UPLOAD_BYTES, 5 MiB by default).

        Answers 201 with the script and the `job` that adds its version, scenes and characters; a named
        `script`, or one with the same title, gets its next version. 400 `invalid`, `empty_file` or
        `not_fountain`; 403 for a viewer; 413 `too_large`.
        """
        check_request_size(request, limit_bytes=settings.SLATE_MAX_SCRIPT_UPLOAD_BYTES, what="screenplay")
        data = ScriptUploadSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        production = data.validated_data["production"]
        require_write(user=request.user, production=production)
        script, job = services.script_upload(production=production, actor=request.user, title=data.validated_data["title"],
                                             upload=data.validated_data["file"], script=data.validated_data.get("script"))
        body = ScriptSerializer(script).data | {"job": JobSerializer(job).data}
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(responses=ScriptVersionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def versions(self, request, pk=None):
        """`GET`: the script's versions, oldest first, paginated; without text (`GET /api/script-versions/{id}/` has it)."""
        script = self.get_object()
        queryset = ScriptVersion.objects.filter(script=script).order_by("number")
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(ScriptVersionSerializer(page, many=True).data)


class ScriptVersionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Script versions of the user's productions; the detail includes the Fountain `text`."""

    filterset_fields = ["production", "script"]

    def get_queryset(self):
        """Versions of the user's productions only (other ids answer 404)."""
        return scope_to_user(ScriptVersion.objects.all(), user=self.request.user)

    def get_serializer_class(self):
        """The detail (`retrieve`) includes the Fountain `text`; the list leaves it out."""
        return ScriptVersionDetailSerializer if self.action == "retrieve" else ScriptVersionSerializer

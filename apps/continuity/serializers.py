"""Serializers of continuity notes and their photos (the REST shapes, also the `data` of their events, registered with
realtime), and the photo upload body."""
from __future__ import annotations

from rest_framework import serializers

from apps.continuity.models import ContinuityNote, ContinuityPhoto
from apps.productions.scoped import ScopedPrimaryKeyRelatedField
from apps.scenes.models import Scene, Shot, Take


class ContinuityPhotoSerializer(serializers.ModelSerializer):
    """A continuity photo, all read-only: `url` streams the image, `width`/`height` in pixels, `size_bytes` in bytes.

    `original_name` is the uploaded file's name, for display only.
    """

    url = serializers.SerializerMethodField()

    class Meta:
        model = ContinuityPhoto
        fields = ["id", "production", "note", "url", "original_name", "width", "height", "size_bytes", "uploaded_by", "created_at"]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        """The members-only URL that streams the image: `/api/continuity-photos/{id}/file/`."""
        return f"/api/continuity-photos/{obj.pk}/file/"


class ContinuityNoteSerializer(serializers.ModelSerializer):
    """A continuity note on a `scene`, optionally pinned to a `shot` and a `take` of it.

    `flagged`: needs attention before the next setup. Read-only: id, production (the scene's), author,
    author_name, `mentions` (ids of members @-mentioned in `body`), `photos` (see ContinuityPhotoSerializer),
    version, created_at, updated_at.
    """

    scene = ScopedPrimaryKeyRelatedField(queryset=Scene.objects.all())
    shot = ScopedPrimaryKeyRelatedField(queryset=Shot.objects.all(), required=False, allow_null=True)
    take = ScopedPrimaryKeyRelatedField(queryset=Take.objects.all(), required=False, allow_null=True)
    photos = ContinuityPhotoSerializer(many=True, read_only=True)
    author_name = serializers.CharField(source="author.display_name", read_only=True, allow_null=True)  # not `default`: DRF skips defaults in PATCH responses

    class Meta:
        model = ContinuityNote
        fields = ["id", "production", "scene", "shot", "take", "category", "body", "flagged", "author", "author_name", "mentions",
                  "photos", "version", "created_at", "updated_at"]
        read_only_fields = ["id", "production", "author", "author_name", "mentions", "photos", "version", "created_at", "updated_at"]


class PhotoUploadSerializer(serializers.Serializer):
    """Photo upload body (multipart/form-data): `file`, a JPEG, PNG or WebP judged by its content."""

    file = serializers.FileField(help_text="JPEG, PNG or WebP.")

"""The comment serializer: the REST shape of a comment, also the `data` of its events (registered with realtime)."""
from __future__ import annotations

from rest_framework import serializers

from apps.comments.models import Comment
from apps.continuity.models import ContinuityNote
from apps.media.models import MediaAsset
from apps.productions.scoped import ScopedPrimaryKeyRelatedField
from apps.scenes.models import Scene, Shot, Take


class CommentSerializer(serializers.ModelSerializer):
    """A comment on exactly one of `scene`, `shot`, `take`, `continuity_note`, `media_asset` (ids); a reply names `parent` and takes its target.

    `frame` (0-based, media assets only) pins it to a frame of the clip, `frame_end` (inclusive) makes
    it a range; `timecode` / `timecode_end` are those frames as SMPTE HH:MM:SS:FF at the asset's rate
    (';' before FF for drop-frame). Read-only: id, production, author, author_name, timecode,
    timecode_end, `mentions` (ids of members @-mentioned in `body`), version, created_at, updated_at.
    """

    parent = ScopedPrimaryKeyRelatedField(queryset=Comment.objects.all(), required=False, allow_null=True)
    scene = ScopedPrimaryKeyRelatedField(queryset=Scene.objects.all(), required=False, allow_null=True)
    shot = ScopedPrimaryKeyRelatedField(queryset=Shot.objects.all(), required=False, allow_null=True)
    take = ScopedPrimaryKeyRelatedField(queryset=Take.objects.all(), required=False, allow_null=True)
    continuity_note = ScopedPrimaryKeyRelatedField(queryset=ContinuityNote.objects.all(), required=False, allow_null=True)
    media_asset = ScopedPrimaryKeyRelatedField(queryset=MediaAsset.objects.all(), required=False, allow_null=True)
    author_name = serializers.CharField(source="author.display_name", read_only=True, allow_null=True)  # not `default`: DRF skips defaults in PATCH responses
    timecode = serializers.SerializerMethodField(help_text="SMPTE timecode of `frame` at the asset's frame rate.")
    timecode_end = serializers.SerializerMethodField(help_text="SMPTE timecode of `frame_end` at the asset's frame rate.")

    class Meta:
        model = Comment
        fields = ["id", "production", "author", "author_name", "parent", "scene", "shot", "take", "continuity_note", "media_asset",
                  "frame", "frame_end", "timecode", "timecode_end", "body", "resolved", "mentions", "version", "created_at", "updated_at"]
        read_only_fields = ["id", "production", "author", "author_name", "timecode", "timecode_end", "mentions", "version", "created_at",
                            "updated_at"]

    def get_timecode(self, obj) -> str | None:
        """SMPTE timecode of the comment's `frame` in its clip; None when not pinned to a frame or the frame rate is unknown."""
        return _timecode(obj, obj.frame)

    def get_timecode_end(self, obj) -> str | None:
        """SMPTE timecode of the last frame of the comment's range (`frame_end`); None for a single frame."""
        return _timecode(obj, obj.frame_end)


def _timecode(comment: Comment, frame: int | None) -> str | None:
    """SMPTE label of a frame of the comment's asset (start timecode + frame, drop-frame when the asset is)."""
    if frame is None or comment.media_asset_id is None:
        return None
    return comment.media_asset.timecode_at(frame)

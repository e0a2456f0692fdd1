"""REST: threaded comments."""
from __future__ import annotations

from apps.comments import services
from apps.comments.models import Comment
from apps.comments.serializers import CommentSerializer
from apps.productions.scoped import ProductionScopedViewSet


class CommentViewSet(ProductionScopedViewSet):
    """Comments of the user's productions; filter by what they are on (`?scene=`, `?media_asset=`...) or `parent`."""

    serializer_class = CommentSerializer
    filterset_fields = ["production", "scene", "shot", "take", "continuity_note", "media_asset", "parent", "resolved", "author"]
    search_fields = ["body"]
    ordering_fields = ["created_at", "frame"]
    create_service = services.comment_create
    update_service = services.comment_update
    delete_service = services.comment_delete

    queryset = Comment.objects.select_related("author", "media_asset").prefetch_related("mentions")

"""Reads scoped to what a user may see: the productions they are a member of."""
from __future__ import annotations

from django.db.models import Count, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from apps.core.integers import DB_INT_MAX, int_in_range
from apps.productions.models import Membership, Production


def scope_to_user(queryset: QuerySet, *, user) -> QuerySet:
    """`queryset` of production-owned rows cut down to the productions `user` is a member of.

    Works for any model with a `production` foreign key, and for `Production` itself. One join;
    (production, user) is unique, so no row is duplicated.
    """
    if not user.is_authenticated:
        return queryset.none()
    if queryset.model is Production:
        return queryset.filter(memberships__user=user)
    return queryset.filter(production__memberships__user=user)


def production_list(*, user) -> QuerySet[Production]:
    """The user's productions, each annotated with its live stats and the user's `my_role`.

    Stats come from aggregate subqueries (not per-row queries): `scene_count`,
    `completed_scene_count`, `shot_count`, `total_eighths`, `completed_eighths`.
    """
    from django.db.models import OuterRef, Subquery

    from apps.scenes.models import SceneStatus, Scene, Shot

    scenes = Scene.objects.filter(production=OuterRef("pk")).order_by().values("production")
    shots = Shot.objects.filter(production=OuterRef("pk")).order_by().values("production")
    done = Q(status=SceneStatus.COMPLETED)

    def _agg(qs, expr):
        return Coalesce(Subquery(qs.annotate(v=expr).values("v")[:1], output_field=IntegerField()), Value(0))

    if not user.is_authenticated:
        return Production.objects.none()
    my_role = Membership.objects.filter(production=OuterRef("pk"), user=user).values("role")[:1]
    return (
        scope_to_user(Production.objects.all(), user=user)
        .annotate(
            scene_count=_agg(scenes, Count("id")),
            completed_scene_count=_agg(scenes, Count("id", filter=done)),
            total_eighths=_agg(scenes, Sum("page_eighths")),
            completed_eighths=_agg(scenes, Sum("page_eighths", filter=done)),
            shot_count=_agg(shots, Count("id")),
            my_role=Subquery(my_role),
        )
    )


def production_stats(*, production_id: int) -> dict:
    """Live stats of one production in two aggregate queries.

    Shape: `{"scene_count": int, "completed_scene_count": int, "shot_count": int,
    "completion_percent": float (0–100, one decimal), "total_eighths": int, "completed_eighths": int}`.
    """
    from apps.scenes.models import SceneStatus, Scene, Shot

    done = Q(status=SceneStatus.COMPLETED)
    row = Scene.objects.filter(production_id=production_id).aggregate(
        scene_count=Count("id"),
        completed_scene_count=Count("id", filter=done),
        total_eighths=Coalesce(Sum("page_eighths"), 0),
        completed_eighths=Coalesce(Sum("page_eighths", filter=done), 0),
    )
    row["shot_count"] = Shot.objects.filter(production_id=production_id).count()
    return stats_from(row)


def stats_from(values: dict) -> dict:
    """The stats dict from counts (an annotated Production or an aggregate row)."""
    scene_count = values["scene_count"] or 0
    completed = values["completed_scene_count"] or 0
    return {
        "scene_count": scene_count,
        "completed_scene_count": completed,
        "shot_count": values["shot_count"] or 0,
        "completion_percent": round(100.0 * completed / scene_count, 1) if scene_count else 0.0,
        "total_eighths": values["total_eighths"] or 0,
        "completed_eighths": values["completed_eighths"] or 0,
    }


def membership_list(*, user, production_id: int) -> QuerySet[Membership]:
    """Members of a production the user is in, with their users (for the members screen)."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(production_id=production_id, production__memberships__user=user).select_related("user")


def membership_role(*, user, production_id: int) -> str | None:
    """The user's role on the production, or None for a non-member (and for an id no row can have: past the
    64-bit range, a foreign-key lookup would crash SQLite instead of matching nothing)."""
    if isinstance(production_id, str):
        production_id = int_in_range(production_id, minimum=1)
    if not user.is_authenticated or production_id is None or not 1 <= production_id <= DB_INT_MAX:
        return None
    return Membership.objects.filter(user=user, production_id=production_id).values_list("role", flat=True).first()

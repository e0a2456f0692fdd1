"""The scenes app's part of a production's stats (`apps.productions.stats`): `scene_count`,
`completed_scene_count`, `total_eighths`, `completed_eighths` and `shot_count`."""
from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from apps.productions.stats import StatsSource
from apps.scenes.models import Scene, SceneStatus, Shot


def _aggregate(queryset, expression):
    return Coalesce(Subquery(queryset.annotate(v=expression).values("v")[:1], output_field=IntegerField()), Value(0))


def annotations() -> dict:
    """Aggregate subqueries correlated with `OuterRef("pk")` of a Production queryset (one per stat, no row multiplied)."""
    scenes = Scene.objects.filter(production=OuterRef("pk")).order_by().values("production")
    shots = Shot.objects.filter(production=OuterRef("pk")).order_by().values("production")
    done = Q(status=SceneStatus.COMPLETED)
    return {
        "scene_count": _aggregate(scenes, Count("id")),
        "completed_scene_count": _aggregate(scenes, Count("id", filter=done)),
        "total_eighths": _aggregate(scenes, Sum("page_eighths")),
        "completed_eighths": _aggregate(scenes, Sum("page_eighths", filter=done)),
        "shot_count": _aggregate(shots, Count("id")),
    }


def table(production_id: int) -> tuple[str, list]:
    """One row with the five stats of the production: one pass over its scenes, one count of its shots.

    Written out rather than built with the ORM: on the write path of every scene and shot change,
    Django took about 1 ms to build the equivalent annotated query, the database 0.05 ms to run it.
    Portable SQL (CASE, not FILTER).
    """
    from django.db import connection

    q = connection.ops.quote_name
    scene, shot = q(Scene._meta.db_table), q(Shot._meta.db_table)
    status, eighths = q(Scene._meta.get_field("status").column), q(Scene._meta.get_field("page_eighths").column)
    scene_fk, shot_fk = q(Scene._meta.get_field("production").column), q(Shot._meta.get_field("production").column)
    sql = (
        f"(SELECT COUNT(*) AS scene_count,"
        f" COALESCE(SUM(CASE WHEN {status} = %s THEN 1 ELSE 0 END), 0) AS completed_scene_count,"
        f" COALESCE(SUM({eighths}), 0) AS total_eighths,"
        f" COALESCE(SUM(CASE WHEN {status} = %s THEN {eighths} ELSE 0 END), 0) AS completed_eighths,"
        f" (SELECT COUNT(*) FROM {shot} WHERE {shot_fk} = %s) AS shot_count"
        f" FROM {scene} WHERE {scene_fk} = %s)"
    )
    done = SceneStatus.COMPLETED.value
    return sql, [done, done, production_id, production_id]


SOURCE = StatsSource(annotations=annotations, table=table)

"""Reads scoped to what a user may see: the productions they are a member of."""
from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.db.models import F, OuterRef, QuerySet, Subquery

from apps.core.integers import DB_INT_MAX, int_in_range
from apps.productions.models import MANAGER_ROLES, Membership, Production
from apps.productions.stats import stats_annotations, stats_tables


def scope_to_user(queryset: QuerySet, *, user, with_role: bool = False) -> QuerySet:
    """`queryset` of production-owned rows cut down to the productions `user` is a member of.

    Works for any model with a `production` foreign key, and for `Production` itself. One join;
    (production, user) is unique, so no row is duplicated. `with_role`: each row also carries
    `user_role`, the user's role on its production, and `two_factor_rule`, its `require_two_factor`, read through
    the same join (for a permission check without a query of its own).
    """
    if not user.is_authenticated:
        return queryset.none()
    path = "memberships" if queryset.model is Production else "production__memberships"
    queryset = queryset.filter(**{f"{path}__user": user})
    if with_role:
        rule = "require_two_factor" if queryset.model is Production else "production__require_two_factor"
        queryset = queryset.annotate(user_role=F(f"{path}__role"), two_factor_rule=F(rule))
    return queryset


def production_list(*, user) -> QuerySet[Production]:
    """The user's productions, each annotated with its live stats (`apps.productions.stats`: `scene_count`,
    `completed_scene_count`, `shot_count`, `total_eighths`, `completed_eighths`, as aggregate subqueries,
    not per-row queries) and the user's `my_role`."""
    if not user.is_authenticated:
        return Production.objects.none()
    my_role = Membership.objects.filter(production=OuterRef("pk"), user=user).values("role")[:1]
    return scope_to_user(Production.objects.all(), user=user).annotate(**stats_annotations(), my_role=Subquery(my_role))


def production_stats(*, production_id: int) -> dict:
    """Live stats of one production in one query (every stats source's table, `apps.productions.stats.stats_tables`).

    Shape: `{"scene_count": int, "completed_scene_count": int, "shot_count": int,
    "completion_percent": float (0–100, one decimal), "total_eighths": int, "completed_eighths": int}`.
    """
    from django.db import connection

    aliases, tables, params = stats_tables(production_id)
    if not aliases:
        return stats_from({})
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(f'{a}.*' for a in aliases)} FROM {tables}", params)
        columns = [column[0] for column in cursor.description]
        row = cursor.fetchone()
    return stats_from(dict(zip(columns, row)))


def production_with_stats(*, production_id: int) -> Production | None:
    """One production with its live stats as attributes (what `ProductionSerializer.stats` reads), in one query;
    None if it does not exist. For `production.updated` after a scene or shot changed.
    """
    from django.db import connection

    table = connection.ops.quote_name(Production._meta.db_table)
    aliases, tables, params = stats_tables(production_id)
    joined = "".join(f", {a}.*" for a in aliases)
    sql = f"SELECT p.*{joined} FROM {table} p{' CROSS JOIN ' + tables if tables else ''} WHERE p.id = %s"
    return next(iter(Production.objects.raw(sql, [*params, production_id])), None)


def stats_from(values: dict) -> dict:
    """The stats dict from counts (an annotated Production or an aggregate row)."""
    scene_count = values.get("scene_count") or 0
    completed = values.get("completed_scene_count") or 0
    return {
        "scene_count": scene_count,
        "completed_scene_count": completed,
        "shot_count": values.get("shot_count") or 0,
        "completion_percent": round(100.0 * completed / scene_count, 1) if scene_count else 0.0,
        "total_eighths": values.get("total_eighths") or 0,
        "completed_eighths": values.get("completed_eighths") or 0,
    }


def is_member(*, user, production_id: int) -> bool:
    """True when `user` is on the production's crew (any role). Registered with realtime as its membership check."""
    return Membership.objects.filter(user=user, production_id=production_id).exists()


MENTION = re.compile(r"(?<![\w@.])@([\w.+-]{1,150})")  # `@username` not inside a word or an email address


def mentioned_members(*, production_id: int, body: str) -> list:
    """Users `@username`-mentioned in `body` (text) who are on the production's crew, as User rows (others are
    ignored, not leaked). For comments and continuity notes, whose mentions are told (`notify`)."""
    names = {name.rstrip(".") for name in MENTION.findall(body)}
    if not names:
        return []
    return list(get_user_model().objects.filter(username__in=names, memberships__production_id=production_id))


def membership_list(*, user, production_id: int) -> QuerySet[Membership]:
    """Members of a production the user is in, with their users (for the members screen)."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(production_id=production_id, production__memberships__user=user).select_related("user")


def managed_productions(*, user) -> QuerySet[Production]:
    """The productions the user manages (owner or producer: `MANAGER_ROLES`), by title; none for an anonymous user."""
    if not user.is_authenticated:
        return Production.objects.none()
    return Production.objects.filter(memberships__user=user, memberships__role__in=MANAGER_ROLES).order_by("title").distinct()


def _membership_of(*, user, production_id):
    """The user's memberships on the production (none for an id no row can have: past the 64-bit range, a
    foreign-key lookup would crash SQLite instead of matching nothing)."""
    if isinstance(production_id, str):
        production_id = int_in_range(production_id, minimum=1)
    if not user.is_authenticated or production_id is None or not 1 <= production_id <= DB_INT_MAX:
        return Membership.objects.none()
    return Membership.objects.filter(user=user, production_id=production_id)


def membership_role(*, user, production_id: int) -> str | None:
    """The user's role on the production, or None for a non-member (and for an id no row can have)."""
    return _membership_of(user=user, production_id=production_id).values_list("role", flat=True).first()


def membership_role_and_two_factor_rule(*, user, production_id: int) -> tuple[str | None, bool]:
    """`(role, require_two_factor)`: the user's role on the production and whether it requires two-factor
    authentication of its owners and producers, in one query; `(None, False)` for a non-member."""
    row = _membership_of(user=user, production_id=production_id).values_list("role", "production__require_two_factor").first()
    return row or (None, False)

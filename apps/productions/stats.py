"""A production's live stats (the dashboard, `ProductionSerializer.stats`), counted by the apps that own the rows.

Productions imports no domain app: each app that counts something registers a `StatsSource` from its
`AppConfig.ready()` (the scenes app: scene and shot counts, page eighths), and the selectors combine
every source — as annotations of a production list, or as one query for one production.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class StatsSource:
    """One app's part of the stats.

    `annotations()`: `{stat name: expression}` for a `Production` queryset, each correlated with the
    production through `OuterRef("pk")` (a subquery; never a join that multiplies rows).
    `table(production_id)`: `(sql, params)`, a parenthesised SELECT that yields one row whose columns
    are the same stat names, for that production; written out for speed on the write path.
    """

    annotations: Callable[[], dict[str, Any]]
    table: Callable[[int], tuple[str, list]]


_sources: list[StatsSource] = []


def register_stats_source(source: StatsSource) -> None:
    """Add an app's stats (called once, from its `AppConfig.ready()`)."""
    if source not in _sources:
        _sources.append(source)


def stats_annotations() -> dict[str, Any]:
    """Every registered source's annotations, for `Production.objects.annotate(**…)`."""
    return {name: expression for source in _sources for name, expression in source.annotations().items()}


def stats_tables(production_id: int) -> tuple[list[str], str, list]:
    """`(aliases, from_sql, params)`: every source's one-row table for the production, cross-joined
    (`(SELECT …) s0 CROSS JOIN (SELECT …) s1`), and the aliases `s0, s1…` to select `alias.*` from."""
    aliases, parts, params = [], [], []
    for index, source in enumerate(_sources):
        sql, table_params = source.table(production_id)
        aliases.append(f"s{index}")
        parts.append(f"{sql} s{index}")
        params += table_params
    return aliases, " CROSS JOIN ".join(parts), params

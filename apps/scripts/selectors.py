"""Reads of screenplays and their versions, with what their serializers need loaded up front."""
from __future__ import annotations

from django.db.models import QuerySet

from apps.core.errors import ApplicationError, NotFoundError
from apps.productions.selectors import scope_to_user
from apps.scripts.models import Script, ScriptVersion


def script_version_list(*, user, script: Script | None = None) -> QuerySet[ScriptVersion]:
    """Versions the user may see (of `script` when given), oldest first, without their text.

    `created_by` is joined (for `created_by_name`), `text` and `scene_ids` are left unread, so a
    page of versions costs the same few queries however many there are.
    """
    queryset = scope_to_user(ScriptVersion.objects.all(), user=user)
    if script is not None:
        queryset = queryset.filter(script=script)
    return queryset.select_related("created_by").defer("text", "scene_ids").order_by("script_id", "number")


def script_version_pair(*, script: Script, from_number: int | None = None,
                        to_number: int | None = None) -> tuple[ScriptVersion | None, ScriptVersion]:
    """The two versions of `script` a diff compares, by version number: `(older or None, newer)`.

    `to_number` defaults to the latest version, `from_number` to the version `to` was made from
    (else the one before it); 0, or a v1 without a parent, means an empty script (None). Their
    `text` is left unread until used (it may be megabytes). Raises
    `NotFoundError` for a version number the script does not have, `ApplicationError` 400 for 0 as `to`.
    """
    versions = ScriptVersion.objects.filter(script=script).select_related("script").defer("text")
    if to_number is None:
        newer = versions.order_by("-number").first()
        if newer is None:
            raise NotFoundError("This script has no versions yet.")
    else:
        newer = _version(versions, to_number)
    if from_number is None:
        parent = versions.filter(pk=newer.parent_id).first() if newer.parent_id else None
        older = parent if parent is not None else versions.filter(number__lt=newer.number).order_by("-number").first()
    else:
        older = None if from_number == 0 else _version(versions, from_number)
    return older, newer


def _version(versions: QuerySet[ScriptVersion], number: int) -> ScriptVersion:
    if number < 1:
        raise ApplicationError("A version number is 1 or more (0 only as `from`: an empty script).", code="invalid")
    found = versions.filter(number=number).first()
    if found is None:
        raise NotFoundError(f"This script has no v{number}.")
    return found

"""Locked pages and revisions: lock a script's pages at a version, unlock them, and print a later version as revision pages.

Once a production locks the shooting script (`script_lock`), the locked version is the white
script and its page numbers never change; each later version is a revision in the WGA colour
order, its level its distance from the lock (v4 after a lock at v2 is revision 2, pink), dated
the day it was saved (in settings.TIME_ZONE). Versions are deleted only with their script, so
their numbers run on without gaps. The page rules are `apps.scripts.revision_pages`; the PDF is
`apps.scripts.pdf.revision_pdf`; a render is made once and kept like the other exports
(`apps.scripts.services.renders`, kinds `revision` and `revised`).
"""
from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.jobs.services import JobContext
from apps.productions.entities import entity_update
from apps.scripts import reading
from apps.scripts.fountain.layout import PageLimitExceeded
from apps.scripts.models import RenderKind, Script, ScriptVersion
from apps.scripts.pdf import revision_pdf
from apps.scripts.revision_pages import colour_name, revise

REVISION_KINDS = (RenderKind.REVISION, RenderKind.REVISED)


@dataclass(frozen=True)
class RevisionInfo:
    """A version's revision: `level` (0 the locked white script, 1 blue, 2 pink...), `colour` ("Blue"),
    `name` ("Blue Revision"; "White" for the locked script), `date` (the day the version was saved)
    and `header`, as printed at the top of its pages ("Blue Revision – 03/12/26", month/day/year as US
    productions date their pages)."""

    level: int
    colour: str
    name: str
    date: datetime.date

    @property
    def header(self) -> str:
        return f"{self.name} \u2013 {self.date:%m/%d/%y}"


def revision_info(*, version: ScriptVersion, locked: ScriptVersion) -> RevisionInfo | None:
    """The revision `version` is once the pages were locked at `locked` (None: it is older than the lock)."""
    level = version.number - locked.number
    if level < 0:
        return None
    colour = colour_name(level)
    return RevisionInfo(level=level, colour=colour, name=f"{colour} Revision" if level else colour,
                        date=timezone.localtime(version.created_at).date())


def script_lock(*, script: Script, actor, version: int, number: int | None = None) -> Script:
    """Lock the script's pages (and its scene numbers) at its version `number` (None: the latest).

    From then on that version is the white script: its page numbers never change and each later
    version prints as revision pages (see the module docstring). Locking again at another version
    moves the lock (the revisions then count from there). Publishes `script.updated`. Raises
    `ApplicationError` 400 `invalid` when the script has no such version (or none at all),
    `ConflictError` 409 when `version` (the script's own edit counter) is stale.
    """
    versions = ScriptVersion.objects.filter(script=script).defer("text", "scene_ids")
    at = versions.filter(number=number).first() if number is not None else versions.order_by("-number").first()
    if at is None:
        raise ApplicationError(f"This script has no v{number} to lock." if number is not None else
                               "This script has no version to lock yet.", code="invalid")
    return entity_update(instance=script, actor=actor, version=version, locked_version=at, locked_at=timezone.now(),
                         numbering_locked=True)


def script_unlock(*, script: Script, actor, version: int) -> Script:
    """Unlock the script's pages: versions print with plain page numbers again (scene numbers stay locked
    until `numbering_locked` is turned off). Publishes `script.updated`; 409 when `version` is stale."""
    return entity_update(instance=script, actor=actor, version=version, locked_version=None, locked_at=None)


@dataclass
class _Chain:
    locked: ScriptVersion
    versions: list[ScriptVersion]  # after the lock, up to the version printed


def _chain(version: ScriptVersion, kind: str) -> _Chain:
    """The locked version and the versions after it up to `version`, texts unread. Raises
    `ApplicationError` 400 `not_locked`, `before_lock`, or `no_revision` (revision pages of the locked version itself)."""
    script = version.script
    if script.locked_version_id is None:
        raise ApplicationError(f'The pages of "{script.title}" are not locked: lock them first, then each later version '
                               "prints as revision pages.", code="not_locked")
    versions = ScriptVersion.objects.filter(script_id=script.pk).defer("text", "scene_ids")
    locked = versions.get(pk=script.locked_version_id)
    if version.number < locked.number:
        raise ApplicationError(f"v{version.number} is older than the locked v{locked.number}: it has no revision pages.",
                               code="before_lock")
    if kind == RenderKind.REVISION and version.number == locked.number:
        raise ApplicationError(f"v{version.number} is the locked (white) script itself: revision pages start with the next version.",
                               code="no_revision")
    return _Chain(locked, list(versions.filter(number__gt=locked.number, number__lte=version.number).order_by("number")))


def revision_size(*, version: ScriptVersion, kind: str) -> int:
    """Characters a revision render reads: the locked version's text and every later one's up to `version`."""
    chain = _chain(version, kind)
    return chain.locked.text_length + sum(v.text_length for v in chain.versions)


def revision_key(*, version: ScriptVersion, kind: str) -> str:
    """What a kept revision render depends on besides the texts (sha256, hex): the lock (version and time), the
    versions after it, their dates as printed (TIME_ZONE), the script's title."""
    chain = _chain(version, kind)
    depends = [str(chain.locked.pk), version.script.locked_at.isoformat(), version.script.title,
               *(f"{v.pk}:{revision_info(version=v, locked=chain.locked).header}" for v in chain.versions)]
    return hashlib.sha256("\n".join(depends).encode()).hexdigest()


def revision_content(*, version: ScriptVersion, kind: str, ctx: JobContext | None = None) -> bytes:
    """The PDF of `version`'s revision pages (`revision`: only the pages it changed) or of the whole revised
    script (`revised`: the title page, then every page with its locked number and the header of the revision
    that last changed it).

    Every text is read within the screenplay limits (`apps.scripts.reading`). Reports progress on `ctx`
    version by version. Raises `ApplicationError` 400 `not_locked`, `before_lock`, `no_revision` (see
    `_chain`), `no_changes` when the version changes no printed page, `too_large` past a limit
    (SLATE_SCRIPT_MAX_PAGES counted while laying out).
    """
    chain = _chain(version, kind)
    _progress(ctx, 0.1, f"Reading the locked v{chain.locked.number}")
    locked = reading.read(ScriptVersion.objects.values_list("text", flat=True).get(pk=chain.locked.pk))
    texts = dict(ScriptVersion.objects.filter(pk__in=[v.pk for v in chain.versions]).values_list("pk", "text"))
    screenplays = [reading.read(texts[v.pk]).screenplay for v in chain.versions]
    limit = settings.SLATE_SCRIPT_MAX_PAGES
    try:
        revised = revise(locked.screenplay, screenplays, max_pages=limit,
                         on_step=lambda done, total: _progress(ctx, 0.2 + 0.7 * done / max(total, 1),
                                                               f"Revision {done} of {total}" if done else "Laying out the locked pages"))
    except PageLimitExceeded:
        raise reading.limit_error("too many pages", limit + 1, "SLATE_SCRIPT_MAX_PAGES", limit) from None
    headers = {level: revision_info(version=v, locked=chain.locked).header for level, v in enumerate(chain.versions, start=1)}
    if kind == RenderKind.REVISED:
        title_page = screenplays[-1].title_page if screenplays else locked.screenplay.title_page
        return revision_pdf(revised.pages, headers=headers, title=version.script.title, title_page=title_page, created=version.created_at)
    if not revised.issued:
        raise ApplicationError(f"v{version.number} changes no printed page of v{version.number - 1}: there are no revision pages to print.",
                               code="no_changes")
    return revision_pdf(revised.issued, headers=headers, title=f"{version.script.title} \u2013 {headers[revised.level]}",
                        created=version.created_at)


def _progress(ctx: JobContext | None, fraction: float, message: str) -> None:
    if ctx is not None:
        ctx.progress(fraction, message, force=False)

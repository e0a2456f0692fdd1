"""Diffs and exports of script versions: made once, by a job, kept under MEDIA_ROOT, served from there.

Versions never change, so a PDF, a Fountain export or a diff is made once and kept as a
`ScriptRender` (a file under `scripts/renders/`, generated name). A request for one
(`script_render_get`) is answered from the kept file; when there is none yet it is made in the
request only for texts up to SLATE_SCRIPT_INLINE_MAX_BYTES characters (well under 100 ms,
whatever the text), else the answer is the job (`script.render`) that makes it: the web process
never computes for long, whatever a member's text holds. The job reports progress, notices
cancellation, and refuses text past the screenplay limits (`apps.scripts.reading`).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from apps.core.errors import ApplicationError
from apps.core.uploads import generated_name
from apps.jobs.models import TERMINAL_STATUSES, Job, JobStatus
from apps.jobs.services import JobContext, job_create
from apps.scenes.models import Scene
from apps.scripts import diff, fountain, reading
from apps.scripts.fdx import to_fdx
from apps.scripts.fountain.layout import PageLimitExceeded
from apps.scripts.models import RenderKind, ScriptRender, ScriptVersion
from apps.scripts.pdf import screenplay_pdf
from apps.scripts.services import revisions

RENDER_KIND = "script.render"
# How Slate reads a Fountain text into a render: raise it when the parser, the Fountain writer or
# the layout gives another result for the same text (2: issue 17, a heading needs a blank line
# after it, and notes are kept in the Fountain export), so renders kept from before are made again.
READING = "2"
_EXTENSIONS = {RenderKind.PDF: "pdf", RenderKind.PDF_NOTES: "pdf", RenderKind.FOUNTAIN: "fountain", RenderKind.FDX: "fdx", RenderKind.DIFF: "json",
               RenderKind.REVISION: "pdf", RenderKind.REVISED: "pdf"}


@dataclass
class Outcome:
    """What a request for a render gets: the kept `render` (its file is ready), the `content` made
    in the request, or the `job` that makes it (pending, running, or failed with its reason)."""

    render: ScriptRender | None = None
    content: bytes | None = None
    job: Job | None = None


def script_render_get(*, version: ScriptVersion, kind: str, actor, older: ScriptVersion | None = None) -> Outcome:
    """The PDF, Fountain or Final Draft export, diff (from `older`, None: an empty script) or revision pages of `version`, or the job that makes it.

    Fast whatever the text: a kept render is looked up (the versions may come with their `text`
    deferred: it is read only to render a small one); a small text (both texts, for a diff, at
    most SLATE_SCRIPT_INLINE_MAX_BYTES characters together) is rendered at once; otherwise a
    `script.render` job is started (or the one already making it returned). A kept render whose
    key changed since (the script renamed, for a PDF; a scene renumbered, for a diff) is made
    again. `actor` (who asks) is not recorded: a render serves everyone. Raises `ApplicationError`
    400 `too_large` for small text past a screenplay limit; for revision pages (whose size is the
    locked text and every later one's), 400 `not_locked`, `before_lock`, `no_revision` at once
    and `no_changes` when made (see `apps.scripts.services.revisions`).
    """
    base_number = older.number if (kind == RenderKind.DIFF and older is not None) else 0
    key = render_key(version=version, kind=kind, older=older)
    render = ScriptRender.objects.filter(version=version, kind=kind, base_number=base_number).select_related("job").first()
    if render is not None and render.file and render.key == key and default_storage.exists(render.file):
        return Outcome(render=render)
    size = version.text_length + (older.text_length if older is not None and kind == RenderKind.DIFF else 0)
    if kind in revisions.REVISION_KINDS:
        size = revisions.revision_size(version=version, kind=kind)
    if size <= settings.SLATE_SCRIPT_INLINE_MAX_BYTES:
        return Outcome(content=render_content(version=version, kind=kind, older=older))
    return Outcome(job=_render_job(version=version, kind=kind, base_number=base_number, key=key))


def render_key(*, version: ScriptVersion, kind: str, older: ScriptVersion | None = None) -> str:
    """What a kept render depends on beyond the versions' texts (sha256, hex): how Slate reads
    Fountain (`READING`), and for a PDF the script's title (its metadata title), for a diff the
    current numbers of the scenes it names, for revision pages the lock and the versions since
    (`revisions.revision_key`)."""
    depends = [READING]
    if kind in (RenderKind.PDF, RenderKind.PDF_NOTES):
        depends.append(version.script.title)
    if kind in revisions.REVISION_KINDS:
        depends.append(revisions.revision_key(version=version, kind=kind))
    if kind == RenderKind.DIFF:
        ids = [pk for v in (older, version) if v is not None for pk in (v.scene_ids or []) if pk]
        depends.append(repr(sorted(Scene.objects.filter(pk__in=ids).values_list("pk", "number"))))
    return hashlib.sha256("\n".join(depends).encode()).hexdigest()


def render_content(*, version: ScriptVersion, kind: str, older: ScriptVersion | None = None, ctx: JobContext | None = None) -> bytes:
    """The render's bytes: PDF (`PDF_NOTES`: the writer's [[notes]] printed in italics), Fountain (UTF-8), Final Draft (`apps.scripts.fdx.to_fdx`) or the diff as JSON (see `diff_data`).

    Reports progress on `ctx` (page by page, scene by scene), which also notices cancellation.
    Raises `ApplicationError` 400 `too_large` past a screenplay limit (SLATE_SCRIPT_MAX_PAGES
    counted while laying out, before anything is drawn).
    """
    if kind in revisions.REVISION_KINDS:
        return revisions.revision_content(version=version, kind=kind, ctx=ctx)
    if kind == RenderKind.DIFF:
        return json.dumps(diff_data(older=older, newer=version, ctx=ctx), cls=DjangoJSONEncoder, separators=(",", ":")).encode()
    read = reading.read(version.text)
    step = {RenderKind.PDF: "Laying out the pages", RenderKind.PDF_NOTES: "Laying out the pages", RenderKind.FDX: "Writing the Final Draft file"}.get(kind, "Writing the Fountain text")
    _progress(ctx, 0.3, step)
    if kind == RenderKind.FOUNTAIN:
        return fountain.to_fountain(read.screenplay).encode("utf-8")
    if kind == RenderKind.FDX:
        return to_fdx(read.screenplay)
    limit = settings.SLATE_SCRIPT_MAX_PAGES
    try:
        return screenplay_pdf(read.screenplay, title=version.script.title, max_pages=limit, notes=kind == RenderKind.PDF_NOTES,
                              created=version.created_at,
                              on_page=lambda pages: _progress(ctx, 0.3 + 0.6 * min(pages / max(read.pages, 1), 1.0), f"Page {pages}", force=False))
    except PageLimitExceeded:
        raise reading.limit_error("too many pages", limit + 1, "SLATE_SCRIPT_MAX_PAGES", limit) from None


def diff_data(*, older: ScriptVersion | None, newer: ScriptVersion, ctx: JobContext | None = None) -> dict:
    """What changed from `older` (None: an empty script) to `newer`, scene by scene (see `apps.scripts.diff.scenes_diff`).

    Each scene also gets `scene`: the id of the production's scene it is (null when there is
    none), and `number` is that scene's current number. Returns `{"from", "to", "scenes", "summary"}`.
    """
    old_scenes = reading.read(older.text).scenes if older is not None else []
    new_scenes = reading.read(newer.text).scenes
    _progress(ctx, 0.4, "Comparing scenes")
    result = diff.scenes_diff(old_scenes, new_scenes,
                              on_scene=lambda done, total: _progress(ctx, 0.4 + 0.5 * done / max(total, 1), f"Scene {done} of {total}", force=False))
    scene_ids = {"from": list(older.scene_ids or []) if older is not None else [], "to": list(newer.scene_ids or [])}
    numbers = dict(Scene.objects.filter(pk__in=[pk for ids in scene_ids.values() for pk in ids if pk]).values_list("pk", "number"))
    for scene in result["scenes"]:
        scene_id = None
        if scene["to_index"] is not None:
            scene_id = _at(scene_ids["to"], scene["to_index"])
        if scene_id is None and scene["from_index"] is not None:
            scene_id = _at(scene_ids["from"], scene["from_index"])
        scene["scene"] = scene_id if scene_id in numbers else None
        scene["number"] = numbers.get(scene_id, scene["number"])
    return {"from": older.number if older is not None else 0, "to": newer.number, **result}


def _at(ids: list, index: int):
    return ids[index] if index < len(ids) else None


@transaction.atomic
def _render_job(*, version: ScriptVersion, kind: str, base_number: int, key: str) -> Job:
    """The job making this render: the one already pending or running, the one that failed for the
    same key (its `error` says why; trying again would fail again), else a new `script.render` job
    (without a creator: it serves whoever asks, and notifies nobody)."""
    render, _ = ScriptRender.objects.get_or_create(version=version, kind=kind, base_number=base_number,
                                                   defaults={"production_id": version.production_id})
    render = ScriptRender.objects.select_for_update().get(pk=render.pk)
    job = render.job
    if job is not None and (job.status not in TERMINAL_STATUSES or (job.status == JobStatus.FAILED and job.params.get("key") == key)):
        return job
    # A render is shared by everyone who asks for it, and a download needs no "finished" notification: a system job.
    render.job = job_create(production_id=version.production_id, kind=RENDER_KIND, actor=None,
                            params={"render_id": render.pk, "version_id": version.pk, "render": kind, "from": base_number, "key": key},
                            message=f"Waiting for a worker to make the {RenderKind(kind).label.lower()}")
    render.save(update_fields=["job", "updated_at"])
    return render.job


def script_render(ctx: JobContext) -> dict:
    """Job handler (`script.render`): make a PDF, Fountain or Final Draft export or diff of a version and keep it.

    The work runs outside any transaction; a short one records the file (and removes the one it
    replaces, after commit). Returns `{"render", "version_id", "from", "size_bytes"}`.
    """
    render = ScriptRender.objects.select_related("version__script").filter(pk=ctx.params["render_id"]).first()
    if render is None:
        raise ApplicationError("This version was deleted; there is nothing to render.", code="not_found")
    version = render.version
    older = None
    if render.kind == RenderKind.DIFF and render.base_number:
        older = ScriptVersion.objects.filter(script_id=version.script_id, number=render.base_number).first()
        if older is None:
            raise ApplicationError(f"v{render.base_number} was deleted; there is nothing to compare with.", code="not_found")
    ctx.progress(0.05, "Reading the screenplay", force=True)
    key = render_key(version=version, kind=render.kind, older=older)
    content = render_content(version=version, kind=render.kind, older=older, ctx=ctx)
    ctx.progress(0.95, "Keeping the result", force=True)
    name = default_storage.save(generated_name("scripts/renders", _EXTENSIONS[render.kind]), ContentFile(content))
    try:
        with transaction.atomic():
            row = ScriptRender.objects.select_for_update().get(pk=render.pk)
            replaced = row.file
            row.file, row.key, row.size_bytes = name, key, len(content)
            row.save(update_fields=["file", "key", "size_bytes", "updated_at"])
            if replaced:
                transaction.on_commit(lambda: default_storage.delete(replaced))
    except BaseException:
        default_storage.delete(name)
        raise
    return {"render": render.kind, "version_id": version.pk, "from": render.base_number, "size_bytes": len(content)}


def script_render_retry(job: Job) -> dict:
    """Retry preparation of a failed `script.render` job (`job_handler(on_retry=...)`): the same job makes the render again.

    Called inside `apps.jobs.services.job_retry`'s transaction, the render's row locked. Raises
    `ApplicationError` 400 `not_retryable` when the version was deleted (its render with it), when
    the older version of a diff was deleted, or when a later job makes this render now. A render
    has no state of its own to reset (its file is kept only once made). Returns the params with
    `key` as it is now, so requests for the render find this job (`_render_job`) while it runs, and
    after a new failure.
    """
    render = ScriptRender.objects.select_for_update().filter(pk=job.params.get("render_id")).first()
    if render is None:
        raise ApplicationError("This version was deleted; there is nothing to render.", code="not_retryable")
    version = ScriptVersion.objects.select_related("script").get(pk=render.version_id)
    label = f"{RenderKind(render.kind).label.lower()} of v{version.number}"
    if render.job_id not in (None, job.pk):
        raise ApplicationError(f"A later job makes the {label} now: see that job.", code="not_retryable")
    older = None
    if render.kind == RenderKind.DIFF and render.base_number:
        older = ScriptVersion.objects.filter(script_id=version.script_id, number=render.base_number).first()
        if older is None:
            raise ApplicationError(f"v{render.base_number} was deleted; there is nothing to compare v{version.number} with.",
                                   code="not_retryable")
    if render.job_id is None:
        render.job = job
        render.save(update_fields=["job", "updated_at"])
    return {**job.params, "key": render_key(version=version, kind=render.kind, older=older)}


def renders_delete_files(*, versions) -> None:
    """After the current transaction commits, remove the kept render files of `versions` (a queryset)."""
    names = list(ScriptRender.objects.filter(version__in=versions).exclude(file="").values_list("file", flat=True))
    if names:
        transaction.on_commit(lambda: [default_storage.delete(name) for name in names])


def _progress(ctx: JobContext | None, fraction: float, message: str, *, force: bool = True) -> None:
    if ctx is not None:
        ctx.progress(fraction, message, force=force)

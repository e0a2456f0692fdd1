"""Screenplay text coming in: an uploaded file (Fountain, Final Draft or PDF) or an edit saved in Slate, each checked at once and turned into a job.

The request only checks what is cheap (size, the format from the content, for Fountain UTF-8,
binary, too many lines; a stale parent) and stores the file under a generated name; the job
(`script.import`, `script.edit`) converts a Final Draft or PDF file to Fountain
(`apps.scripts.services.formats`), reads, matches and saves it through `script_version_create`,
in a worker, so no member's file can keep the web process or the database busy.
"""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from apps.core.errors import ApplicationError, ConflictError
from apps.productions.entities import entity_create
from apps.core.uploads import check_upload_size, display_filename, generated_name, stored_upload
from apps.jobs.models import Job
from apps.jobs.services import JobCancelled, JobContext, job_create
from apps.realtime.events import serialize_entity
from apps.scripts.models import Script, ScriptVersion, VersionSource
from apps.scripts.services import formats
from apps.scripts.services.versions import check_screenplay_text, control_ratio, script_version_create

IMPORT_KIND = "script.import"
EDIT_KIND = "script.edit"


def decode_screenplay(data: bytes) -> str:
    """The Fountain text of an uploaded file (UTF-8, BOM allowed). Raises `ApplicationError` 400 for
    an empty file (`empty_file`), a binary or non-UTF-8 one (`unsupported_format`, naming the formats
    Slate reads), or one past SLATE_SCRIPT_MAX_LINES (`too_large`)."""
    if not data.strip():
        raise ApplicationError("The screenplay file is empty.", code="empty_file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise formats.unsupported("This file is neither a PDF nor a Final Draft file, and not UTF-8 text: it is binary, "
                                  "or text in another encoding.") from None
    if "\x00" in text or control_ratio(text) > 0.01:
        raise formats.unsupported("This file looks binary: it is neither a PDF, nor a Final Draft file, nor Fountain text.")
    check_screenplay_text(text)
    return text


@transaction.atomic
def script_upload(*, production, actor, title: str, upload: UploadedFile, script: Script | None = None) -> tuple[Script, Job]:
    """Accept a screenplay upload (Fountain, Final Draft or PDF) for `production` and start its import job.

    Checks size (SLATE_MAX_SCRIPT_UPLOAD_BYTES → 413) and the format, from the content
    (`formats.detect_format`): a file none of the three is 400 `unsupported_format`; Fountain text
    is checked at once (UTF-8, not binary, at most SLATE_SCRIPT_MAX_LINES lines → 400). Nothing is
    stored before; then the file is kept under a generated name and the job (`script.import`)
    converts a Final Draft or PDF file to Fountain and reads it, in a worker. An upload naming
    `script`, or with the title of one of the production's scripts (or, without a title, the same
    file name) is a new draft of it: the job adds its next version. Returns `(script, job)`;
    publishes `script.created` (for a new script) and `job.created`.
    """
    check_upload_size(upload, limit_bytes=settings.SLATE_MAX_SCRIPT_UPLOAD_BYTES, what="screenplay")
    data = upload.read()
    if not data.strip():
        raise ApplicationError("The screenplay file is empty.", code="empty_file")
    file_format = formats.detect_format(data)
    if file_format == formats.FOUNTAIN:
        data = decode_screenplay(data).encode("utf-8")
    if script is not None and script.production_id != production.pk:
        raise ApplicationError("That script belongs to another production.", code="invalid")
    title = title.strip() or display_filename(upload.name)
    if script is None:
        script = Script.objects.filter(production=production, title=title).order_by("-created_at", "-id").first()
    if script is None:
        script = entity_create(instance=Script(production=production, title=title, created_by=actor), actor=actor)
    with stored_upload(ContentFile(data), generated_name("scripts/uploads", file_format)) as name:
        job = job_create(production_id=production.pk, kind=IMPORT_KIND, actor=actor,
                         params={"script_id": script.pk, "path": name, "format": file_format,
                                 "source_name": display_filename(upload.name), "actor_id": getattr(actor, "pk", None)})
    return script, job


@transaction.atomic
def script_edit_start(*, script: Script, actor, text: str, summary: str = "", parent: ScriptVersion | None = None) -> Job:
    """Accept an edited screenplay for `script` and start the job that saves it as the next version (source `edit`).

    Answers at once: 400 `empty_text` / `not_fountain` / `too_large` (SLATE_SCRIPT_MAX_LINES),
    400 `invalid` for a `parent` of another script, 409 `conflict` (with the latest version in
    `extra.current`) when `parent` is no longer the latest. The text is kept under a generated
    name; the job (`script.edit`) checks the parent again when it saves (a version added
    meanwhile fails the job, nothing saved). Publishes `job.created`. Returns the job.
    """
    check_screenplay_text(text)
    if parent is not None:
        if parent.script_id != script.pk:
            raise ApplicationError("That version belongs to another script.", code="invalid", extra={"fields": {"parent": ["Not a version of this script."]}})
        latest = ScriptVersion.objects.filter(script=script).order_by("-number").first()
        if latest is not None and latest.pk != parent.pk:
            raise ConflictError(f"This script is now at v{latest.number}: your text was based on v{parent.number}. "
                                "Review the newer version and apply your change to it.", current=serialize_entity("script_version", latest))
    with stored_upload(ContentFile(text.encode("utf-8")), generated_name("scripts/edits", "fountain")) as name:
        return job_create(production_id=script.production_id, kind=EDIT_KIND, actor=actor,
                          params={"script_id": script.pk, "path": name, "summary": summary.strip()[:200],
                                  "parent_id": parent.pk if parent is not None else None, "actor_id": getattr(actor, "pk", None)},
                          message="Waiting for a worker to save the edit")


def script_import(ctx: JobContext) -> dict:
    """Job handler (`script.import`): read the uploaded file — Fountain, or Final Draft or PDF converted
    to Fountain first (`formats.upload_text`) — and add it as the script's next version through
    `script_version_create` (which keeps the crew's scenes).

    Removes the uploaded copy once saved, refused or cancelled (a failure a rerun may cure keeps it
    for a retry, see `_saved`). Returns `{"script_version_id", "version", "scene_count",
    "character_count"}`; raises `ApplicationError` for a file Slate cannot read (`unreadable_file`,
    `not_fountain`) or past a screenplay limit (`too_large`): the job fails with that reason, nothing saved.
    """
    file_format = ctx.params.get("format", formats.FOUNTAIN)  # jobs queued before FDX and PDF have no format: Fountain
    return _saved(ctx, lambda script, actor, text: script_version_create(
        script=script, text=text, source=VersionSource.UPLOAD, actor=actor, source_name=ctx.params.get("source_name", ""), ctx=ctx),
        read=lambda data: formats.upload_text(data, file_format), what=formats.LABELS.get(file_format, "Fountain"))


def script_edit(ctx: JobContext) -> dict:
    """Job handler (`script.edit`): save the edited text as the script's next version (source `edit`).

    Fails (nothing saved, readable `error`) when the parent it was based on is no longer the
    latest version, or the text is refused. Returns as `script_import` does.
    """
    def save(script: Script, actor, text: str) -> ScriptVersion:
        parent_id = ctx.params.get("parent_id")
        parent = ScriptVersion.objects.filter(pk=parent_id).first() if parent_id else None
        if parent_id and parent is None:
            raise ApplicationError("The version this edit was based on was deleted; nothing was saved.", code="conflict")
        return script_version_create(script=script, text=text, source=VersionSource.EDIT, actor=actor,
                                     summary=ctx.params.get("summary", ""), parent=parent, ctx=ctx)

    return _saved(ctx, save)


def _saved(ctx: JobContext, save, *, read=lambda data: data.decode("utf-8"), what: str = "Fountain") -> dict:
    """Read the job's stored file as text (`read(bytes)`, which converts a Final Draft or PDF upload),
    run `save(script, actor, text)` (which makes the version), and remove the file once the version
    is saved, or the file refused, or the job cancelled.

    A failure that a rerun may cure (a database error; `busy`, the scenes kept changing: status 5xx)
    keeps the file, so the failed job can be retried (`script_import_retry`).
    """
    try:
        script = Script.objects.filter(pk=ctx.params["script_id"]).first()
        if script is None:
            raise ApplicationError("The script was deleted; nothing was saved.", code="not_found")
        actor = get_user_model().objects.filter(pk=ctx.params.get("actor_id")).first()
        ctx.progress(0.02, "Reading the screenplay" if what == "Fountain" else f"Reading the {what} file", force=True)
        with default_storage.open(ctx.params["path"], "rb") as handle:
            text = read(handle.read())
        version = save(script, actor, text)
    except JobCancelled:
        default_storage.delete(ctx.params["path"])
        raise
    except ApplicationError as exc:
        if exc.status < 500:
            default_storage.delete(ctx.params["path"])
        raise
    default_storage.delete(ctx.params["path"])
    return {"script_version_id": version.pk, "version": version.number, "scene_count": version.scene_count,
            "character_count": version.character_count}


# --- retrying a failed import or edit (`job_handler(on_retry=...)`, apps.jobs.kinds) -------------

def script_import_retry(job: Job) -> None:
    """Retry preparation of a failed `script.import` job: the same stored file is read again.

    Called inside `apps.jobs.services.job_retry`'s transaction. Raises `ApplicationError` 400
    `not_retryable` when the script was deleted, or when the uploaded text is no longer stored
    (it is removed once Slate refused it: the file itself must be fixed and uploaded again).
    Nothing waits on an import but the job, so nothing else changes. Returns None (params kept).
    """
    _stored_text_or_refuse(job, _script_or_refuse(job), what="uploaded screenplay", then="upload the file again")


def script_edit_retry(job: Job) -> None:
    """Retry preparation of a failed `script.edit` job: the same stored text is saved again.

    As `script_import_retry`, and also refused (400 `not_retryable`) when the version the edit was
    based on was deleted or is no longer the script's latest (the edit would conflict again).
    Returns None (params kept).
    """
    script = _script_or_refuse(job)
    parent_id = job.params.get("parent_id")
    if parent_id:
        parent = ScriptVersion.objects.filter(pk=parent_id, script=script).first()
        if parent is None:
            raise _not_retryable("The version this edit was based on was deleted: apply the change to the current version.")
        latest = ScriptVersion.objects.filter(script=script).order_by("-number").first()
        if latest.pk != parent.pk:
            raise _not_retryable(f"{script.title} is now at v{latest.number}: this edit was based on v{parent.number}. "
                                 "Review the newer version and apply your change to it.")
    _stored_text_or_refuse(job, script, what="edited text", then="save the edit again")


def _not_retryable(reason: str) -> ApplicationError:
    return ApplicationError(reason, code="not_retryable")


def _script_or_refuse(job: Job) -> Script:
    script = Script.objects.filter(pk=job.params.get("script_id")).first()
    if script is None:
        raise _not_retryable("The script was deleted: there is nothing to add this version to.")
    return script


def _stored_text_or_refuse(job: Job, script: Script, *, what: str, then: str) -> None:
    path = job.params.get("path")
    if not path or not default_storage.exists(path):
        raise _not_retryable(f"The {what} for {script.title} is no longer kept (Slate removes it once it refused it): {then}.")

"""Screenplays: upload a Fountain file, import it as a version with its scenes and characters."""
from __future__ import annotations

import re

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max

from apps.breakdown.models import Character
from apps.core.errors import ApplicationError
from apps.core.services import entity_create, entity_delete, entity_update
from apps.core.uploads import check_upload_size, display_filename, generated_name, stored_upload
from apps.jobs.models import Job
from apps.jobs.services import JobContext, job_create
from apps.productions.models import Production
from apps.productions.services import production_stats_publish
from apps.realtime.services import publish_entity
from apps.scenes.models import IntExt, Scene
from apps.scripts import fountain
from apps.scripts.models import Script, ScriptVersion, VersionSource

IMPORT_KIND = "script.import"
_INT_EXT = {"INT": IntExt.INT, "EXT": IntExt.EXT, "INT/EXT": IntExt.INT_EXT, "EST": IntExt.EST, "": IntExt.NONE}


def decode_screenplay(data: bytes) -> str:
    """The Fountain text of an uploaded file (UTF-8, BOM allowed). Raises `ApplicationError` 400 for
    an empty, binary or non-UTF-8 file."""
    if not data.strip():
        raise ApplicationError("The screenplay file is empty.", code="empty_file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ApplicationError("The screenplay must be UTF-8 text in Fountain format; this file is binary or in another encoding.",
                               code="not_fountain") from None
    if "\x00" in text or _control_ratio(text) > 0.01:
        raise ApplicationError("The screenplay must be Fountain text; this file looks binary.", code="not_fountain")
    return text


def _control_ratio(text: str) -> float:
    sample = text[:65536]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    return controls / max(len(sample), 1)


@transaction.atomic
def script_upload(*, production, actor, title: str, upload: UploadedFile, script: Script | None = None) -> tuple[Script, Job]:
    """Accept a `.fountain` upload for `production` and start its import job.

    Checks size (SLATE_MAX_SCRIPT_UPLOAD_BYTES → 413) and content (UTF-8 text, not binary →
    400) before anything is stored; the text is kept under a generated name for the job. An
    upload naming `script`, or with the title of one of the production's scripts (or, without a title, the same file
    name) is a new draft of it: the job adds its next version. Returns `(script, job)`; publishes
    `script.created` (for a new script) and `job.created`.
    """
    check_upload_size(upload, limit_bytes=settings.SLATE_MAX_SCRIPT_UPLOAD_BYTES, what="screenplay")
    text = decode_screenplay(upload.read())
    if script is not None and script.production_id != production.pk:
        raise ApplicationError("That script belongs to another production.", code="invalid")
    title = title.strip() or display_filename(upload.name)
    if script is None:
        script = Script.objects.filter(production=production, title=title).order_by("-created_at", "-id").first()
    if script is None:
        script = entity_create(instance=Script(production=production, title=title, created_by=actor), actor=actor)
    with stored_upload(ContentFile(text.encode("utf-8")), generated_name("scripts/uploads", "fountain")) as name:
        job = job_create(production_id=production.pk, kind=IMPORT_KIND, actor=actor,
                         params={"script_id": script.pk, "path": name, "source_name": display_filename(upload.name),
                                 "actor_id": getattr(actor, "pk", None)})
    return script, job


def _unique(candidate: str, taken: set[str]) -> str:
    """`candidate`, or with the first free letter after it (12 → 12A → 12B...) when taken."""
    result, suffix = candidate, 0
    while result in taken:
        result = f"{candidate}{chr(ord('A') + suffix)}" if suffix < 26 else f"{candidate}-{suffix}"
        suffix += 1
    return result


def scene_numbers(parsed: list[fountain.ParsedScene]) -> list[str]:
    """Scene numbers for parsed scenes: the script's own `#12A#` numbers, else counting on from the
    last number ('12' or '12A' → '13'; the first scene is '1').

    Unique within the script: a duplicate gets the next free letter (12, 12A, 12B...).
    """
    numbers: list[str] = []
    taken: set[str] = set()
    previous = ""
    for scene in parsed:
        number = re.sub(r"[^A-Za-z0-9.\-]", "", (scene.number or "").strip())[:14]
        if not number:
            match = re.match(r"^(\d+)", previous)
            number = str(int(match.group(1)) + 1) if match else str(len(numbers) + 1)
        number = _unique(number, taken)
        numbers.append(number)
        taken.add(number)
        previous = number
    return numbers


def script_import(ctx: JobContext) -> dict:
    """Job handler: parse the uploaded Fountain file and, in one transaction, add a ScriptVersion,
    its Scenes (script order, sluglines, page eighths, synopsis) and the Characters who speak.

    A scene whose number already exists in the production is updated in place (its status, shots,
    takes, notes and comments stay); the others are created. Raises `ApplicationError` for text
    Slate cannot read as Fountain. Returns `{"script_version_id", "scene_count", "character_count"}`.
    """
    from django.contrib.auth import get_user_model

    script = Script.objects.get(pk=ctx.params["script_id"])
    actor = get_user_model().objects.filter(pk=ctx.params.get("actor_id")).first()
    ctx.progress(0.05, "Reading the screenplay", force=True)
    with default_storage.open(ctx.params["path"], "rb") as handle:
        data = handle.read()
    try:
        screenplay = fountain.parse_bytes(data)
    except fountain.FountainError as exc:
        raise ApplicationError(f"This is not a screenplay Slate can read: {exc}") from None
    parsed = fountain.scenes(screenplay)
    numbers = scene_numbers(parsed)
    ctx.progress(0.3, f"Found {len(parsed)} scenes", force=True)

    with transaction.atomic():
        # Imports into one production run one at a time: each reads the scenes it then numbers and
        # creates, and two drafts of one script must not take the same version number.
        Production.objects.select_for_update().filter(pk=script.production_id).first()
        script = Script.objects.select_for_update().get(pk=script.pk)
        number = (ScriptVersion.objects.filter(script=script).aggregate(m=Max("number"))["m"] or 0) + 1
        version = ScriptVersion.objects.create(
            production_id=script.production_id, script=script, number=number, source=VersionSource.UPLOAD,
            source_name=ctx.params.get("source_name", ""), text=data.decode("utf-8-sig"),
            title_page=[list(pair) for pair in screenplay.title_page], scene_count=len(parsed),
            page_eighths=sum(s.page_eighths for s in parsed), created_by=actor,
        )
        existing = {s.number: s for s in Scene.objects.filter(production_id=script.production_id)}
        base_order = 0
        characters: dict[str, list[Scene]] = {}
        for index, (item, scene_number) in enumerate(zip(parsed, numbers)):
            fields = {
                "int_ext": _INT_EXT.get(item.slugline.int_ext, IntExt.NONE),
                "location": item.slugline.location[:200],
                "time_of_day": item.slugline.time_of_day[:64],
                "synopsis": item.synopsis,
                "page_eighths": max(1, item.page_eighths),
                "script_order": base_order + index,
            }
            scene = existing.get(scene_number)
            if scene is None:
                scene = entity_create(instance=Scene(production_id=script.production_id, number=scene_number, script_version=version, **fields), actor=actor)
            else:
                scene = entity_update(instance=scene, actor=actor, version=scene.version, script_version=version, **fields)
            for name in item.characters:
                characters.setdefault(name[:200], []).append(scene)
            if index % 20 == 0:
                ctx.progress(0.3 + 0.6 * index / max(len(parsed), 1), f"Scene {scene_number}")
        known = {c.name: c for c in Character.objects.filter(production_id=script.production_id)}
        for name, scenes in characters.items():
            character = known.get(name)
            if character is None:
                character = entity_create(instance=Character(production_id=script.production_id, name=name), actor=actor, m2m={"scenes": scenes})
            else:
                character.scenes.add(*scenes)
                publish_entity(character, "updated", actor=actor)
        publish_entity(version, "created", actor=actor)
        script.save(update_fields=["updated_at"])
        production_stats_publish(production_id=script.production_id, actor=actor)
        transaction.on_commit(lambda: default_storage.delete(ctx.params["path"]))
    return {"script_version_id": version.pk, "version": version.number, "scene_count": len(parsed), "character_count": len(characters)}


def script_update(*, instance: Script, actor, version: int, **changes) -> Script:
    """Rename a script; 409 when stale."""
    changes = {name: value for name, value in changes.items() if name in ("title",)}
    return entity_update(instance=instance, actor=actor, version=version, **changes)


def script_delete(*, instance: Script, actor) -> None:
    """Delete a script and its versions; its scenes stay (they are the production's, with their shots and notes)."""
    entity_delete(instance=instance, actor=actor)

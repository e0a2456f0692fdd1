"""Screenplays: upload a Fountain file; add versions (upload, edit, AI generation) that keep the crew's scenes.

Scene matching and numbering rules: `apps.scripts.matching`; the version diff: `apps.scripts.diff`.
"""
from __future__ import annotations

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from apps.breakdown.models import Character
from apps.core.errors import ApplicationError, ConflictError
from apps.core.services import entity_create, entity_delete, entity_update
from apps.core.uploads import check_upload_size, display_filename, generated_name, stored_upload
from apps.jobs.models import Job
from apps.jobs.services import JobContext, job_create
from apps.productions.services import production_lock, production_stats_publish
from apps.realtime.events import serialize_entity
from apps.realtime.services import publish_entity
from apps.scenes.models import IntExt, Scene
from apps.scripts import diff, fountain, matching
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


# Kept for callers of the old name; the rules live in apps.scripts.matching.
scene_numbers = matching.scene_numbers


def check_screenplay_text(text: str) -> None:
    """Refuse text that is no screenplay: `ApplicationError` 400 `empty_text` when blank, `not_fountain` when binary."""
    if not text or not text.strip():
        raise ApplicationError("The screenplay is empty.", code="empty_text")
    if "\x00" in text or _control_ratio(text) > 0.01:
        raise ApplicationError("The screenplay must be Fountain text; this looks binary.", code="not_fountain")


def script_import(ctx: JobContext) -> dict:
    """Job handler (`script.import`): read the uploaded Fountain file and add it as the script's next
    version through `script_version_create` (which keeps the crew's scenes).

    Removes the uploaded copy once committed. Returns `{"script_version_id", "version", "scene_count",
    "character_count"}`; raises `ApplicationError` for text Slate cannot read as Fountain.
    """
    from django.contrib.auth import get_user_model

    script = Script.objects.get(pk=ctx.params["script_id"])
    actor = get_user_model().objects.filter(pk=ctx.params.get("actor_id")).first()
    ctx.progress(0.02, "Reading the screenplay", force=True)
    with default_storage.open(ctx.params["path"], "rb") as handle:
        data = handle.read()
    text = decode_screenplay(data)
    with transaction.atomic():
        version = script_version_create(script=script, text=text, source=VersionSource.UPLOAD, actor=actor,
                                        source_name=ctx.params.get("source_name", ""), ctx=ctx)
        transaction.on_commit(lambda: default_storage.delete(ctx.params["path"]))
    return {"script_version_id": version.pk, "version": version.number, "scene_count": version.scene_count,
            "character_count": version.character_count}


def script_version_create(*, script: Script, text: str, source: str, actor, source_name: str = "", summary: str = "",
                          parent: ScriptVersion | None = None, ctx: JobContext | None = None) -> ScriptVersion:
    """Add the next version (v1, v2...) of `script` from Fountain `text` and bring the production's
    scenes in line with it, keeping everything the crew built on them.

    The one way a version is made: upload (the import job), edit (`POST /api/scripts/{id}/versions/`)
    and AI generation. `source` is a `VersionSource`; `parent` is the version the text was made from
    (default: the latest) — a `parent` that is no longer the latest is a 409 `conflict` (someone
    added a version meanwhile). In one transaction, with the production locked: the new scenes are
    paired with the script's scenes by `apps.scripts.matching` (number, then slugline and text);
    a paired scene keeps its id, status, shots, takes, notes and comments, takes the new slugline,
    eighths, order, synopsis (when the text has one) and version, and is flagged `needs_review`
    ("Text changed in vN") when its text changed; an unpaired new scene is created ("New in vN"
    from v2 on); a scene no longer in the text is kept and flagged ("Not in vN"). Numbers: an
    unlocked script is numbered in order (forced `#12#` numbers kept); a `numbering_locked` script
    keeps every number and numbers new scenes after the scene before them (3 → 3A → 3B). Speaking
    characters are created or linked (links are only added). Publishes scene.created/updated,
    character.created/updated, script_version.created and production.updated; reports progress on
    `ctx`. The version carries `changes` = {"added", "removed", "moved", "changed"} counts and
    `scene_ids` (the Scene of each of its scenes, in order); `character_count` (how many characters
    speak) is set on the returned object only.
    Raises `ApplicationError` 400 `empty_text` / `not_fountain` / `invalid`.
    """
    check_screenplay_text(text)
    if source not in VersionSource.values:
        raise ApplicationError(f"Unknown version source {source!r}.", code="invalid")
    _progress(ctx, 0.05, "Reading the screenplay")
    try:
        screenplay, parsed = matching.read_scenes(text)
    except fountain.FountainError as exc:
        raise ApplicationError(f"This is not a screenplay Slate can read: {exc}", code="not_fountain") from None
    _progress(ctx, 0.25, f"Found {len(parsed)} scenes")

    with transaction.atomic():
        # Versions of one production are made one at a time: each reads the scenes it then numbers
        # and updates, and two drafts of one script must not take the same version number.
        production_lock(production_id=script.production_id)
        script = Script.objects.select_for_update().get(pk=script.pk)
        latest = ScriptVersion.objects.filter(script=script).order_by("-number").first()
        if parent is not None and parent.script_id != script.pk:
            raise ApplicationError("That version belongs to another script.", code="invalid", extra={"fields": {"parent": ["Not a version of this script."]}})
        if parent is not None and parent.pk != latest.pk:  # `latest` exists: `parent` is one of the script's versions
            raise ConflictError(f"This script is now at v{latest.number}: your text was based on v{parent.number}. "
                                "Review the newer version and apply your change to it.", current=serialize_entity("script_version", latest))
        version = ScriptVersion.objects.create(
            production_id=script.production_id, script=script, number=(latest.number if latest else 0) + 1, source=source,
            source_name=source_name[:200], summary=summary.strip()[:200], parent=parent or latest, text=text,
            title_page=[list(pair) for pair in screenplay.title_page], scene_count=len(parsed),
            page_eighths=sum(s.parsed.page_eighths for s in parsed), created_by=actor,
        )
        scenes, changes = _scenes_reconcile(script=script, version=version, parsed=parsed, actor=actor, ctx=ctx)
        version.character_count = _characters_link(production_id=script.production_id, parsed=parsed, scenes=scenes, actor=actor)
        version.scene_ids = [scene.pk for scene in scenes]
        version.changes = changes
        version.save(update_fields=["scene_ids", "changes", "updated_at"])
        publish_entity(version, "created", actor=actor)
        script.save(update_fields=["updated_at"])
        production_stats_publish(production_id=script.production_id, actor=actor)
    _progress(ctx, 0.95, f"v{version.number}: {changes['added']} new, {changes['changed']} changed, {changes['removed']} gone")
    return version


def _scenes_reconcile(*, script: Script, version: ScriptVersion, parsed: list[matching.ScriptScene], actor,
                      ctx: JobContext | None) -> tuple[list[Scene], dict[str, int]]:
    """Pair, renumber, update, create and flag the production's scenes for `version` (see
    `script_version_create`). Returns the scene of each parsed scene and the change counts."""
    n, previous_id = version.number, version.parent_id
    script_versions = set(ScriptVersion.objects.filter(script=script).exclude(pk=version.pk).values_list("pk", flat=True))
    # NO KEY UPDATE: rows others insert meanwhile (a comment, a shot) may still reference these scenes.
    existing = list(Scene.objects.select_for_update(no_key=True).filter(production_id=script.production_id).order_by("script_order", "id"))
    ours = [s for s in existing if s.script_version_id in script_versions]
    textless = [s for s in existing if s.script_version_id is None]
    old = ours + textless
    known = _old_scene_texts(ours)
    old_candidates = [
        matching.Candidate(number=s.number, key=known[s.pk].key, text=known[s.pk].text, words=known[s.pk].words) if s.pk in known
        else matching.Candidate(number=s.number, key=matching.slugline_key(fountain.SceneHeading(s.int_ext, s.location, s.time_of_day)), text=None)
        for s in old
    ]
    new_candidates = matching.candidates(parsed, default_numbers=matching.scene_numbers([p.parsed for p in parsed]))
    pairs = matching.match_scenes(old_candidates, new_candidates)
    moved = matching.moved(pairs)
    paired = set(pairs.values())
    dropped = [i for i in range(len(ours)) if i not in paired]
    fixed = {s.number for s in existing if s.script_version_id is not None and s.script_version_id not in script_versions}
    fixed |= {old[i].number for i in range(len(ours), len(old)) if i not in paired}
    numbers, moves = matching.plan_numbers(parsed=[p.parsed for p in parsed], pairs=pairs, old_numbers=[s.number for s in old],
                                           locked=script.numbering_locked, fixed=fixed, dropped=dropped)
    # Scenes whose number changes first step aside to a placeholder no real number can be ("~<id>"),
    # so swapping 3 and 4 never breaks the unique number; nobody sees it outside this transaction.
    final = {old[i].pk: numbers[j] for j, i in pairs.items()} | {old[i].pk: number for i, number in moves.items()}
    for scene in old:
        if scene.pk in final and final[scene.pk] != scene.number:
            Scene.objects.filter(pk=scene.pk).update(number=f"~{scene.pk}")

    # Reading order: the new script's, each dropped scene where it used to be; hand-made scenes the script does not hold stay put.
    order = [(i, j) for i, j in diff.merged_order(len(old), len(parsed), pairs) if j is not None or i < len(ours)]
    result: list[Scene | None] = [None] * len(parsed)
    counts = {"added": 0, "removed": 0, "moved": 0, "changed": 0}
    for position, (i, j) in enumerate(order):
        fields: dict = {"script_order": position}
        if j is not None:
            item = parsed[j].parsed
            fields |= {"number": numbers[j], "script_version": version, "int_ext": _INT_EXT.get(item.slugline.int_ext, IntExt.NONE),
                       "location": item.slugline.location[:200], "time_of_day": item.slugline.time_of_day[:64],
                       "page_eighths": min(max(1, item.page_eighths), 8 * 200)}
            if item.synopsis:  # a script without synopses leaves the crew's own synopsis alone
                fields["synopsis"] = item.synopsis
        if i is None:
            review = {"needs_review": True, "review_reason": f"New in v{n}"} if n > 1 else {}
            scene = entity_create(instance=Scene(production_id=script.production_id, **fields, **review), actor=actor)
            counts["added"] += 1
        else:
            scene, before = old[i], old_candidates[i]
            if j is None:
                if scene.script_version_id == previous_id:  # dropped by this version (earlier drops are flagged already)
                    fields |= {"needs_review": True, "review_reason": f"Not in v{n}"}
                    counts["removed"] += 1
                if i in moves:
                    fields["number"] = moves[i]
            elif before.text is not None and before.text != parsed[j].text:
                fields |= {"needs_review": True, "review_reason": f"Text changed in v{n}"}
                counts["changed"] += 1
            elif i < len(ours) and scene.script_version_id != previous_id:
                fields |= {"needs_review": True, "review_reason": f"Back in v{n}"}
            elif j in moved:
                counts["moved"] += 1
            scene = entity_update(instance=scene, actor=actor, version=scene.version, **fields)
        if j is not None:
            result[j] = scene
        if position % 20 == 0:
            _progress(ctx, 0.25 + 0.65 * position / max(len(order), 1), f"Scene {scene.number}", force=False)
    return result, counts


def _old_scene_texts(scenes: list[Scene]) -> dict[int, matching.ScriptScene]:
    """Each scene's text in the version it last came from: {scene id: ScriptScene} (each version parsed once)."""
    by_version: dict[int, list[Scene]] = {}
    for scene in scenes:
        by_version.setdefault(scene.script_version_id, []).append(scene)
    found: dict[int, matching.ScriptScene] = {}
    for version in ScriptVersion.objects.filter(pk__in=by_version).only("id", "text", "scene_ids"):
        _, parsed = matching.read_scenes(version.text)
        if len(version.scene_ids) == len(parsed):
            where = {pk: k for k, pk in enumerate(version.scene_ids)}
            for scene in by_version[version.pk]:
                if scene.pk in where:
                    found[scene.pk] = parsed[where[scene.pk]]
        else:  # imported before versions kept their scene ids: scenes were then numbered in script order
            where = {number: k for k, number in enumerate(matching.scene_numbers([p.parsed for p in parsed]))}
            for scene in by_version[version.pk]:
                if scene.number in where:
                    found[scene.pk] = parsed[where[scene.number]]
    return found


def _characters_link(*, production_id: int, parsed: list[matching.ScriptScene], scenes: list[Scene], actor) -> int:
    """Create the speaking characters the production lacks and link each to the scenes it speaks in.

    Links are only added (a cast member's character keeps its scenes). Publishes character.created,
    or character.updated when a character gained scenes. Returns how many characters speak.
    """
    speaking: dict[str, list[Scene]] = {}
    for item, scene in zip(parsed, scenes):
        for name in item.parsed.characters:
            speaking.setdefault(name[:200], []).append(scene)
    known = {c.name: c for c in Character.objects.filter(production_id=production_id, name__in=list(speaking))}
    links = set(Character.scenes.through.objects.filter(character__in=list(known.values())).values_list("character_id", "scene_id"))
    for name, in_scenes in speaking.items():
        character = known.get(name)
        if character is None:
            entity_create(instance=Character(production_id=production_id, name=name), actor=actor, m2m={"scenes": in_scenes})
            continue
        missing = [scene for scene in in_scenes if (character.pk, scene.pk) not in links]
        if missing:
            character.scenes.add(*missing)
            publish_entity(character, "updated", actor=actor)
    return len(speaking)


def _progress(ctx: JobContext | None, fraction: float, message: str, *, force: bool = True) -> None:
    if ctx is not None:
        ctx.progress(fraction, message, force=force)


LOCKABLE = ("genre", "tone")
SCRIPT_FIELDS = ("title", "logline", "genre", "tone", "genre_locked", "tone_locked", "numbering_locked")


def script_update(*, instance: Script, actor, version: int, generated: bool = False, **changes) -> Script:
    """Change a script's title, logline, genre, tone and locks; 409 when `version` is stale.

    Lock rules: a locked genre (or tone) changes only in a request that also unlocks it
    (`{"genre": "Noir", "genre_locked": false}`); otherwise 400 `locked`. `generated=True` (AI
    generation) may never change a lock, nor a locked value: 400 `locked`. `numbering_locked`
    freezes scene numbers for production (see `script_version_create`). Other fields are ignored.
    """
    changes = {name: value for name, value in changes.items() if name in SCRIPT_FIELDS}
    if generated:
        for lock in ("genre_locked", "tone_locked", "numbering_locked"):
            if lock in changes and changes[lock] != getattr(instance, lock):
                raise ApplicationError("AI generation cannot lock or unlock a script's settings.", code="locked",
                                       extra={"fields": {lock: ["Only the crew changes this."]}})
    for name in LOCKABLE:
        lock = f"{name}_locked"
        if name in changes and changes[name] != getattr(instance, name) and getattr(instance, lock) and changes.get(lock, True):
            raise ApplicationError(f"The {name} is locked: unlock it in the same change to edit it.", code="locked",
                                   extra={"fields": {name: [f"Locked. Send {lock}: false with the new {name}."]}})
    return entity_update(instance=instance, actor=actor, version=version, **changes)


def script_delete(*, instance: Script, actor) -> None:
    """Delete a script and its versions; its scenes stay (they are the production's, with their shots and notes)."""
    entity_delete(instance=instance, actor=actor)

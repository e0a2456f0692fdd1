"""Script versions: read a new text, work out what it does to the production's scenes, then apply that in one short transaction.

The work is split so that nothing heavy runs while the database is locked (on SQLite a write
transaction holds up every write of every production; DESIGN.md, "Processes"):

1. `_prepare` (no transaction, no lock): parse the text within the screenplay limits
   (`apps.scripts.reading`), read a snapshot of the production's scenes, re-read the texts they
   came from, pair old and new scenes (`apps.scripts.matching`), number them, and write down
   every change as a plan, with a fingerprint of what the plan was made from.
2. `_apply` (one transaction, production locked): check the parent and the fingerprint, then
   insert the version, and update and insert the scenes and characters in bulk, and publish.
   It takes milliseconds per hundred scenes, whatever the text was like.

If someone changed the scenes in between (the fingerprint differs), the plan is made again, up
to PLAN_ATTEMPTS times.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from apps.breakdown.models import Character
from apps.core.errors import ApplicationError, ConflictError
from apps.productions.services import production_lock, production_stats_publish
from apps.realtime.events import serialize_entities, serialize_entity
from apps.realtime.services import publish_entity
from apps.scenes.models import IntExt, Scene, scene_number_validator
from apps.scripts import diff, fountain, matching, reading
from apps.scripts.models import Script, ScriptVersion, VersionSource

_INT_EXT = {"INT": IntExt.INT, "EXT": IntExt.EXT, "INT/EXT": IntExt.INT_EXT, "EST": IntExt.EST, "": IntExt.NONE}
PLAN_ATTEMPTS = 3
_SNAPSHOT_FIELDS = ("id", "number", "script_version_id", "int_ext", "location", "time_of_day", "script_order")
# Scene fields a version may set (never status, shots, notes or anything else the crew owns).
_SCENE_FIELDS = ("number", "script_version", "int_ext", "location", "time_of_day", "page_eighths", "synopsis",
                 "needs_review", "review_reason", "script_order")


class _StalePlan(Exception):
    """The production's scenes changed between planning and applying: plan again."""


def check_screenplay_text(text: str) -> None:
    """Refuse text that is no screenplay: `ApplicationError` 400 `empty_text` when blank, `not_fountain` when binary,
    `too_large` past SLATE_SCRIPT_MAX_LINES. C speed, so fit for a request."""
    if not text or not text.strip():
        raise ApplicationError("The screenplay is empty.", code="empty_text")
    if "\x00" in text or control_ratio(text) > 0.01:
        raise ApplicationError("The screenplay must be Fountain text; this looks binary.", code="not_fountain")
    reading.check_lines(text)


_CONTROLS = dict.fromkeys(c for c in range(32) if chr(c) not in "\t\n\r\f")


def control_ratio(text: str) -> float:
    """The share of control characters (other than tab and line breaks) in the first 64 KiB of `text` (C speed)."""
    sample = text[:65536]
    return (len(sample) - len(sample.translate(_CONTROLS))) / max(len(sample), 1)


@dataclass
class _Plan:
    """Everything a new version changes, worked out outside any transaction (see the module docstring)."""

    fingerprint: str
    latest_number: int  # the script's latest version number when planned (0: none); the new one is one more
    reading: reading.Reading
    # Per parsed scene j: ("old", scene id) or ("new", index into `creates`).
    target: list[tuple[str, int]] = field(default_factory=list)
    updates: dict[int, dict[str, Any]] = field(default_factory=dict)  # scene id → fields (script_version: True = the new version)
    creates: list[dict[str, Any]] = field(default_factory=list)
    renumbered: list[int] = field(default_factory=list)  # scene ids whose number changes (they step aside first)
    changes: dict[str, int] = field(default_factory=dict)


def script_version_create(*, script: Script, text: str, source: str, actor, source_name: str = "", summary: str = "",
                          parent: ScriptVersion | None = None, ctx=None) -> ScriptVersion:
    """Add the next version (v1, v2...) of `script` from Fountain `text` and bring the production's
    scenes in line with it, keeping everything the crew built on them.

    The one way a version is made: upload (the `script.import` job), edit (the `script.edit` job
    behind `POST /api/scripts/{id}/versions/`) and AI generation, always in a worker. `source` is a
    `VersionSource`; `parent` is the version the text was made from (default: the latest) — a
    `parent` that is no longer the latest is a 409 `conflict` (someone added a version meanwhile).
    The new scenes are paired with the script's scenes by `apps.scripts.matching` (number, then
    slugline and text); a paired scene keeps its id, status, shots, takes, notes and comments,
    takes the new slugline, eighths, order, synopsis (when the text has one) and version, and is
    flagged `needs_review` ("Text changed in vN") when its text changed; an unpaired new scene is
    created ("New in vN" from v2 on); a scene no longer in the text is kept and flagged ("Not in
    vN"). Numbers: an unlocked script is numbered in order (forced `#12#` numbers kept); a
    `numbering_locked` script keeps every number and numbers new scenes after the scene before
    them (3 → 3A → 3B). Speaking characters are created or linked (links are only added).
    Publishes scene.created/updated, character.created/updated, script_version.created and
    production.updated; reports progress on `ctx` (anything with `progress(fraction, message,
    force=...)`, e.g. a `JobContext`, which also notices cancellation). The version carries
    `changes` = {"added", "removed", "moved", "changed"} counts and `scene_ids` (the Scene of each
    of its scenes, in order); `character_count` (how many characters speak) is set on the returned
    object only. The text is read and matched outside any transaction; the changes are applied in
    one short one (see the module docstring).
    Raises `ApplicationError` 400 `empty_text` / `not_fountain` / `invalid` / `too_large` (past a
    SLATE_SCRIPT_MAX_* limit), `ConflictError` 409.
    """
    check_screenplay_text(text)
    if source not in VersionSource.values:
        raise ApplicationError(f"Unknown version source {source!r}.", code="invalid")
    if parent is not None and parent.script_id != script.pk:
        raise ApplicationError("That version belongs to another script.", code="invalid", extra={"fields": {"parent": ["Not a version of this script."]}})
    _progress(ctx, 0.05, "Reading the screenplay")
    read = reading.read(text)
    _progress(ctx, 0.25, f"Found {len(read.scenes)} scenes")
    for attempt in range(PLAN_ATTEMPTS):
        plan = _prepare(script=script, read=read, parent=parent, ctx=ctx)
        _progress(ctx, 0.85, "Saving the new version")
        try:
            version = _apply(script=script, plan=plan, text=text, source=source, source_name=source_name, summary=summary,
                             parent=parent, actor=actor)
            break
        except _StalePlan:
            if attempt == PLAN_ATTEMPTS - 1:
                raise ApplicationError("The production's scenes kept changing while this version was being saved; "
                                       "nothing was saved. Try again.", code="busy", status=503) from None
            _progress(ctx, 0.3, "Scenes changed meanwhile: matching again")
    changes = version.changes
    _progress(ctx, 0.95, f"v{version.number}: {changes['added']} new, {changes['changed']} changed, {changes['removed']} gone")
    return version


# --- 1. the plan, outside any transaction ----------------------------------------------------------

def _snapshot(script_id: int, production_id: int, *, lock: bool = False) -> tuple[str, list[dict], set[int], bool, ScriptVersion | None]:
    """What a plan depends on: `(fingerprint, scenes, the script's version ids, numbering_locked, latest version)`.

    The fingerprint covers every scene's id, number, version, slugline and order, the script's
    versions and its numbering lock: if it is unchanged, a plan made from it is still right.
    With `lock`, the scene rows are locked FOR NO KEY UPDATE (rows others insert meanwhile, a
    comment or a shot, may still reference them).
    """
    scenes_query = Scene.objects.filter(production_id=production_id).order_by("script_order", "id")
    if lock:
        scenes_query = scenes_query.select_for_update(no_key=True)
    scenes = list(scenes_query.values(*_SNAPSHOT_FIELDS))
    versions = list(ScriptVersion.objects.filter(script_id=script_id).order_by("number").values_list("id", "number"))
    locked = Script.objects.filter(pk=script_id).values_list("numbering_locked", flat=True).first() or False
    digest = hashlib.sha256(repr((locked, versions, [tuple(s[f] for f in _SNAPSHOT_FIELDS) for s in scenes])).encode()).hexdigest()
    latest = ScriptVersion.objects.filter(pk=versions[-1][0]).only("id", "number", "script_id").first() if versions else None
    return digest, scenes, {pk for pk, _ in versions}, locked, latest


def _prepare(*, script: Script, read: reading.Reading, parent: ScriptVersion | None, ctx) -> _Plan:
    """Pair, number, flag and order the production's scenes for the new text (see `script_version_create`), as a plan."""
    fingerprint, existing, script_versions, locked, latest = _snapshot(script.pk, script.production_id)
    if parent is not None and latest is not None and parent.pk != latest.pk:
        _conflict(parent, latest)
    number = (latest.number if latest else 0) + 1
    previous_id = parent.pk if parent is not None else (latest.pk if latest else None)
    parsed = read.scenes
    ours = [s for s in existing if s["script_version_id"] in script_versions]
    textless = [s for s in existing if s["script_version_id"] is None]
    old = ours + textless
    known = _old_scene_texts(ours, ctx)
    old_candidates = [
        matching.Candidate(number=s["number"], key=known[s["id"]].key, text=known[s["id"]].text, words=known[s["id"]].words) if s["id"] in known
        else matching.Candidate(number=s["number"], key=matching.slugline_key(fountain.SceneHeading(s["int_ext"], s["location"], s["time_of_day"])), text=None)
        for s in old
    ]
    new_candidates = matching.candidates(parsed, default_numbers=matching.scene_numbers([p.parsed for p in parsed]))
    _progress(ctx, 0.5, "Matching scenes")
    pairs = matching.match_scenes(old_candidates, new_candidates)
    moved = matching.moved(pairs)
    paired = set(pairs.values())
    dropped = [i for i in range(len(ours)) if i not in paired]
    fixed = {s["number"] for s in existing if s["script_version_id"] is not None and s["script_version_id"] not in script_versions}
    fixed |= {old[i]["number"] for i in range(len(ours), len(old)) if i not in paired}
    numbers, moves = matching.plan_numbers(parsed=[p.parsed for p in parsed], pairs=pairs, old_numbers=[s["number"] for s in old],
                                           locked=locked, fixed=fixed, dropped=dropped)
    for j, value in [*enumerate(numbers), *((None, n) for n in moves.values())]:
        try:
            scene_number_validator(value)
        except ValidationError:
            heading = f"{parsed[j].parsed.heading!r}" if j is not None else "A scene the new text drops"
            raise ApplicationError(f"{heading} would get the scene number {value!r}, which is not a scene number (letters and digits "
                                   "like 12, 12A or A12, at most 16 characters). Give it a #number# in the text.", code="invalid") from None
    plan = _Plan(fingerprint=fingerprint, latest_number=number - 1, reading=read,
                 target=[("new", -1)] * len(parsed))
    final = {old[i]["id"]: numbers[j] for j, i in pairs.items()} | {old[i]["id"]: n for i, n in moves.items()}
    plan.renumbered = [s["id"] for s in old if s["id"] in final and final[s["id"]] != s["number"]]

    # Reading order: the new script's, each dropped scene where it used to be; hand-made scenes the script does not hold stay put.
    order = [(i, j) for i, j in diff.merged_order(len(old), len(parsed), pairs) if j is not None or i < len(ours)]
    counts = {"added": 0, "removed": 0, "moved": 0, "changed": 0}
    for position, (i, j) in enumerate(order):
        fields: dict[str, Any] = {"script_order": position}
        if j is not None:
            item = parsed[j].parsed
            fields |= {"number": numbers[j], "script_version": True, "int_ext": _INT_EXT.get(item.slugline.int_ext, IntExt.NONE),
                       "location": item.slugline.location[:200], "time_of_day": item.slugline.time_of_day[:64],
                       "page_eighths": min(max(1, item.page_eighths), 8 * 200)}
            if item.synopsis:  # a script without synopses leaves the crew's own synopsis alone
                fields["synopsis"] = item.synopsis
        if i is None:
            if number > 1:
                fields |= {"needs_review": True, "review_reason": f"New in v{number}"}
            plan.target[j] = ("new", len(plan.creates))
            plan.creates.append(fields)
            counts["added"] += 1
            continue
        scene, before = old[i], old_candidates[i]
        if j is None:
            if scene["script_version_id"] == previous_id:  # dropped by this version (earlier drops are flagged already)
                fields |= {"needs_review": True, "review_reason": f"Not in v{number}"}
                counts["removed"] += 1
            if i in moves:
                fields["number"] = moves[i]
        else:
            plan.target[j] = ("old", scene["id"])
            if before.text is not None and before.text != parsed[j].text:
                fields |= {"needs_review": True, "review_reason": f"Text changed in v{number}"}
                counts["changed"] += 1
            elif i < len(ours) and scene["script_version_id"] != previous_id:
                fields |= {"needs_review": True, "review_reason": f"Back in v{number}"}
            elif j in moved:
                counts["moved"] += 1
        plan.updates[scene["id"]] = fields
    plan.changes = counts
    return plan


def _old_scene_texts(scenes: list[dict], ctx) -> dict[int, matching.ScriptScene]:
    """Each scene's text in the version it last came from: {scene id: ScriptScene} (each version parsed once)."""
    by_version: dict[int, list[dict]] = {}
    for scene in scenes:
        by_version.setdefault(scene["script_version_id"], []).append(scene)
    found: dict[int, matching.ScriptScene] = {}
    for version in ScriptVersion.objects.filter(pk__in=by_version).only("id", "text", "scene_ids"):
        _progress(ctx, 0.35, "Reading the previous version")
        _, parsed = matching.read_scenes(version.text)
        if version.scene_ids and len(version.scene_ids) != len(parsed):
            # Stored before Slate kept to the spec's blank line after a scene heading (issue 17):
            # read it as it was read then, so each scene gets back its own text.
            _, lenient = matching.read_scenes(version.text, lenient_headings=True)
            if len(lenient) == len(version.scene_ids):
                parsed = lenient
        if len(version.scene_ids) == len(parsed):
            where = {pk: k for k, pk in enumerate(version.scene_ids)}
            for scene in by_version[version.pk]:
                if scene["id"] in where:
                    found[scene["id"]] = parsed[where[scene["id"]]]
        else:  # imported before versions kept their scene ids: scenes were then numbered in script order
            where = {number: k for k, number in enumerate(matching.scene_numbers([p.parsed for p in parsed]))}
            for scene in by_version[version.pk]:
                if scene["number"] in where:
                    found[scene["id"]] = parsed[where[scene["number"]]]
    return found


def _conflict(parent: ScriptVersion, latest: ScriptVersion):
    raise ConflictError(f"This script is now at v{latest.number}: your text was based on v{parent.number}. "
                        "Review the newer version and apply your change to it.", current=serialize_entity("script_version", latest))


# --- 2. applying the plan: one short transaction ---------------------------------------------------

@transaction.atomic
def _apply(*, script: Script, plan: _Plan, text: str, source: str, source_name: str, summary: str,
           parent: ScriptVersion | None, actor) -> ScriptVersion:
    """Insert the version and write the plan's scene and character changes in bulk; publish the events.

    Raises `_StalePlan` when the production's scenes are no longer what the plan was made from,
    `ConflictError` when `parent` is no longer the latest version.
    """
    # Versions of one production are made one at a time: each reads the scenes it then numbers
    # and updates, and two drafts of one script must not take the same version number.
    production_lock(production_id=script.production_id)
    fingerprint, _, _, _, latest = _snapshot(script.pk, script.production_id, lock=True)
    if parent is not None and latest is not None and parent.pk != latest.pk:
        _conflict(parent, latest)
    if fingerprint != plan.fingerprint:
        raise _StalePlan()
    read = plan.reading
    version = ScriptVersion.objects.create(
        production_id=script.production_id, script=script, number=plan.latest_number + 1, source=source,
        source_name=source_name[:200], summary=summary.strip()[:200], parent=parent or latest, text=text,
        title_page=[list(pair) for pair in read.screenplay.title_page], scene_count=len(read.scenes),
        page_eighths=sum(s.parsed.page_eighths for s in read.scenes), created_by=actor, changes=plan.changes,
    )
    now = timezone.now()
    # Scenes whose number changes first step aside to a placeholder no real number can be ("~<id>"),
    # so swapping 3 and 4 never breaks the unique number; nobody sees it outside this transaction.
    Scene.objects.bulk_update([Scene(pk=pk, number=f"~{pk}") for pk in plan.renumbered], ["number"], batch_size=500)
    changed = _scene_updates(plan.updates, version)
    _write_scenes(changed, now)
    created = Scene.objects.bulk_create([Scene(production_id=script.production_id, **_fields(fields, version)) for fields in plan.creates],
                                        batch_size=500)
    scene_ids = [pk if kind == "old" else created[pk].pk for kind, pk in plan.target]
    touched = {scene.pk for scene in changed}
    fresh = {s.pk: s for s in Scene.objects.filter(pk__in=[*touched, *(s.pk for s in created)]).prefetch_related("assignees")}
    new_ids = {scene.pk for scene in created}
    in_order = sorted(fresh.values(), key=lambda s: (s.script_order, s.pk))  # reading order, as the old one-by-one writes
    for scene, data in zip(in_order, serialize_entities("scene", in_order)):
        publish_entity(scene, "created" if scene.pk in new_ids else "updated", actor=actor, data=data)
    version.scene_ids = scene_ids
    version.character_count = _characters_link(production_id=script.production_id, parsed=read.scenes, scene_ids=scene_ids, actor=actor)
    version.save(update_fields=["scene_ids", "updated_at"])
    publish_entity(version, "created", actor=actor)
    Script.objects.filter(pk=script.pk).update(updated_at=now)
    production_stats_publish(production_id=script.production_id, actor=actor)
    return version


def _fields(fields: dict[str, Any], version: ScriptVersion) -> dict[str, Any]:
    return {name: (version if name == "script_version" else value) for name, value in fields.items()}


def _write_scenes(scenes: list[Scene], now) -> None:
    """UPDATE the version's fields of each scene (and `version` + 1, `updated_at`) in one executemany.

    Django's bulk_update builds a CASE expression per field over all the rows, which took 0.6 s
    for a thousand scenes inside the transaction; one prepared UPDATE run per row takes ~30 ms.
    """
    if not scenes:
        return
    fields = [Scene._meta.get_field(name) for name in _SCENE_FIELDS]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = (f"UPDATE {quote(Scene._meta.db_table)} SET {assignments}, {quote('version')} = {quote('version')} + 1, "
           f"{quote('updated_at')} = %s WHERE {quote('id')} = %s")
    stamp = Scene._meta.get_field("updated_at").get_db_prep_save(now, connection)
    rows = [[f.get_db_prep_save(getattr(scene, f.attname), connection) for f in fields] + [stamp, scene.pk] for scene in scenes]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _scene_updates(updates: dict[int, dict[str, Any]], version: ScriptVersion) -> list[Scene]:
    """The scenes the plan changes (those where a field's value differs), with the plan's values set.

    A scene the plan leaves as it is (same number, order, slugline...) is not written, publishes
    nothing and keeps its `version`, as `entity_update` does for a change that changes nothing.
    """
    current = Scene.objects.in_bulk(list(updates))
    changed = []
    for pk, fields in updates.items():
        scene = current[pk]
        differs = {}
        for name, value in _fields(fields, version).items():
            attribute = "script_version_id" if name == "script_version" else name
            wanted = value.pk if name == "script_version" else value
            if getattr(scene, attribute) != wanted:
                differs[name] = value
        if differs:
            for name, value in differs.items():
                setattr(scene, name, value)
            changed.append(scene)
    return changed


def _characters_link(*, production_id: int, parsed: list[matching.ScriptScene], scene_ids: list[int], actor) -> int:
    """Create the speaking characters the production lacks and link each to the scenes it speaks in.

    Links are only added (a cast member's character keeps its scenes), in bulk. Publishes
    character.created, or character.updated when a character gained scenes. Returns how many
    characters speak.
    """
    speaking: dict[str, list[int]] = {}
    for item, scene_id in zip(parsed, scene_ids):
        for name in item.parsed.characters:
            speaking.setdefault(name[:200], []).append(scene_id)
    if not speaking:
        return 0
    known = {c.name: c for c in Character.objects.filter(production_id=production_id, name__in=list(speaking))}
    new = Character.objects.bulk_create([Character(production_id=production_id, name=name) for name in speaking if name not in known],
                                        batch_size=500)
    links = set(Character.scenes.through.objects.filter(character__in=list(known.values())).values_list("character_id", "scene_id"))
    through = Character.scenes.through
    added: list = []
    gained: set[int] = set()
    for character in [*known.values(), *new]:
        for scene_id in dict.fromkeys(speaking[character.name]):
            if (character.pk, scene_id) not in links:
                added.append(through(character_id=character.pk, scene_id=scene_id))
                gained.add(character.pk)
    through.objects.bulk_create(added, batch_size=1000)
    fresh = Character.objects.filter(pk__in=[c.pk for c in new] + [pk for pk in gained if pk in {c.pk for c in known.values()}]).prefetch_related("scenes")
    new_ids = {c.pk for c in new}
    in_order = sorted(fresh, key=lambda c: c.pk)
    for character, data in zip(in_order, serialize_entities("character", in_order)):
        publish_entity(character, "created" if character.pk in new_ids else "updated", actor=actor, data=data)
    return len(speaking)


def _progress(ctx, fraction: float, message: str) -> None:
    if ctx is not None:
        ctx.progress(fraction, message, force=True)

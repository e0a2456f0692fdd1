"""AI writing: a script version from a logline, and one scene generated or regenerated, as jobs.

`script_generate_start` and `scene_generate_start` check the request and create the job (no
network); the handlers `script_generate` and `scene_generate` run in the worker: they stream
Claude's Fountain text to every member (`job.progress` events whose `data.text` is the text so
far, see `client.stream_text`) and, only once the whole answer is in, add it as the script's next
version through `apps.scripts.services.script_version_create` (source `generation`). A failure,
a timeout, an empty answer or a cancellation leaves no version behind; nothing is overwritten.
A failed job can be run again as it was (`script_generate_retry`, `scene_generate_retry`).
"""
from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from apps.breakdown.models import Character
from apps.core.errors import ApplicationError
from apps.generation.config import require_anthropic
from apps.generation.writing import prompts, splice
from apps.generation.writing.client import stream_text
from apps.jobs.models import Job
from apps.jobs.services import JobContext, job_create
from apps.scenes.models import Scene
from apps.scripts.models import Script, ScriptVersion, VersionSource

SCRIPT_KIND = "ai.write_script"
SCENE_KIND = "ai.write_scene"
MAX_CHARACTERS_IN_PROMPT = 40
_SCENE_EXPECTED_CHARS = 4000


def _invalid(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, code="invalid", extra={"fields": {field: [message]}})


def _latest_version(script: Script) -> ScriptVersion | None:
    return ScriptVersion.objects.filter(script=script).order_by("-number").first()


def _same_production(script: Script, **objects) -> None:
    for field, obj in objects.items():
        if obj is not None and obj.production_id != script.production_id:
            raise _invalid(field, f"That {field.replace('_', ' ')} belongs to another production.")


# --- starting ------------------------------------------------------------------------------

@transaction.atomic
def script_generate_start(*, script: Script, actor, logline: str = "", form: str = "screenplay") -> Job:
    """Start writing a new version of `script` from `logline` (default: the script's own) in `form`.

    `form`: "outline" (three acts, scene headings with synopses), "treatment" (scenes in prose) or
    "screenplay". Raises `NotConfiguredError` (503) without ANTHROPIC_API_KEY, `ApplicationError`
    400 `invalid` without a logline or for another form. Returns the pending job (`ai.write_script`,
    params `{"script_id", "logline", "form", "actor_id"}`); publishes `job.created`.
    """
    require_anthropic()
    logline = (logline or script.logline or "").strip()
    if not logline:
        raise _invalid("logline", "Give a logline: the story in a sentence or two.")
    if form not in prompts.FORMS:
        raise _invalid("form", f"form must be one of {', '.join(prompts.FORMS)}.")
    return job_create(production_id=script.production_id, kind=SCRIPT_KIND, actor=actor, message="Waiting for a worker",
                      params={"script_id": script.pk, "logline": logline, "form": form, "actor_id": getattr(actor, "pk", None)})


@transaction.atomic
def scene_generate_start(*, script: Script, actor, scene: Scene | None = None, after_scene: Scene | None = None,
                         setting: str = "", goal: str = "", tension: str = "", tone: str = "",
                         characters: list[Character] | tuple = ()) -> Job:
    """Start writing one scene of `script`: regenerate `scene`, or a new one after `after_scene` (neither: at the end).

    The brief — `setting`, `goal`, `tension`, `tone` (free text) — is required for a new scene
    (at least a setting or a goal). `characters` are added to those in play (a regenerated scene's
    own characters; for a new scene, characters named in the brief). Raises `NotConfiguredError`
    (503) without ANTHROPIC_API_KEY, `ApplicationError` 400 `invalid` (both scene and after_scene,
    objects of another production, a scene not in the script's latest version, an empty brief).
    Returns the pending job (`ai.write_scene`); publishes `job.created`.
    """
    require_anthropic()
    if scene is not None and after_scene is not None:
        raise _invalid("scene", "Give either scene (to regenerate it) or after_scene (for a new scene), not both.")
    _same_production(script, scene=scene, after_scene=after_scene)
    for character in characters:
        _same_production(script, characters=character)
    brief = {"setting": setting.strip(), "goal": goal.strip(), "tension": tension.strip(), "tone": tone.strip()}
    if scene is None and not (brief["setting"] or brief["goal"]):
        raise _invalid("setting", "Describe the new scene: at least its setting or its goal.")
    latest = _latest_version(script)
    for field, target in (("scene", scene), ("after_scene", after_scene)):
        if target is not None and (latest is None or scene_index(latest, target) is None):
            raise _invalid(field, f"Scene {target.number} is not in the latest version of {script.title}.")
    params = {"script_id": script.pk, "scene_id": getattr(scene, "pk", None), "after_scene_id": getattr(after_scene, "pk", None),
              **brief, "character_ids": [c.pk for c in characters], "actor_id": getattr(actor, "pk", None)}
    return job_create(production_id=script.production_id, kind=SCENE_KIND, actor=actor, params=params, message="Waiting for a worker")


# --- retrying (`job_handler(on_retry=...)`, apps.jobs.kinds) ---------------------------------

def script_generate_retry(job: Job) -> None:
    """Retry preparation of a failed `ai.write_script` job: the same request is sent to Claude again.

    Called inside `apps.jobs.services.job_retry`'s transaction. Raises `NotConfiguredError` (503)
    without ANTHROPIC_API_KEY, `ApplicationError` 400 `not_retryable` when the script was deleted.
    A failed run saved nothing and nothing waits on it but the job. Returns None (params kept).
    """
    require_anthropic()
    _script_or_refuse(job)


def scene_generate_retry(job: Job) -> None:
    """Retry preparation of a failed `ai.write_scene` job: the same brief is sent to Claude again.

    Raises `NotConfiguredError` (503) without ANTHROPIC_API_KEY, `ApplicationError` 400
    `not_retryable` when the script, or the scene to rewrite (or to follow) was deleted or is no
    longer in the script's latest version. Characters deleted since are left out of the prompt, as
    in a first run. Returns None (params kept).
    """
    require_anthropic()
    script = _script_or_refuse(job)
    latest = _latest_version(script)
    for key, what in (("scene_id", "to rewrite"), ("after_scene_id", "the new one was to follow")):
        scene_id = job.params.get(key)
        if scene_id is None:
            continue
        scene = Scene.objects.filter(pk=scene_id).first()
        if scene is None:
            raise ApplicationError(f"The scene {what} was deleted.", code="not_retryable")
        if latest is None or scene_index(latest, scene) is None:
            raise ApplicationError(f"Scene {scene.number} is no longer in the latest version of {script.title}.", code="not_retryable")


def _script_or_refuse(job: Job) -> Script:
    script = Script.objects.filter(pk=job.params.get("script_id")).first()
    if script is None:
        raise ApplicationError("The script was deleted: there is nothing to write for.", code="not_retryable")
    return script


# --- running -------------------------------------------------------------------------------

def script_generate(ctx: JobContext) -> dict:
    """Job handler (`ai.write_script`): stream a whole script version from the logline, then add it as the next version.

    The prompt carries the script's genre and tone (locked ones marked so) and the sheets of the
    production's characters. Returns `{"script_version_id", "version"}`. Raises `ApplicationError`
    for Claude's errors, an empty answer, or an answer without scene headings.
    """
    from apps.scripts.services import script_version_create

    script = _script_or_fail(ctx.params["script_id"])
    actor = get_user_model().objects.filter(pk=ctx.params.get("actor_id")).first()
    form = ctx.params["form"]
    characters = list(Character.objects.filter(production_id=script.production_id).order_by("name")[:MAX_CHARACTERS_IN_PROMPT])
    system, user = prompts.script_prompt(script=script, characters=characters, logline=ctx.params["logline"], form=form)
    answer = stream_text(ctx, system=system, user=user, expected_chars=settings.SLATE_ANTHROPIC_MAX_TOKENS * 3, message=f"Writing the {form}…")
    text = splice.clean_answer(answer)
    if not splice.scene_spans(text):
        raise ApplicationError("Claude's text has no scene headings (INT./EXT. …); nothing was saved.", code="ai_malformed")
    version = script_version_create(script=script, text=text + "\n", source=VersionSource.GENERATION, actor=actor,
                                    source_name=settings.SLATE_ANTHROPIC_MODEL, summary=f"Generated {form} from the logline",
                                    ctx=_LastStretch(ctx))
    return {"script_version_id": version.pk, "version": version.number}


def scene_generate(ctx: JobContext) -> dict:
    """Job handler (`ai.write_scene`): stream one scene, splice it into the latest version's text, add that as the next version.

    A regenerated scene replaces its own block and keeps its number (forced `#N#`), so it stays the
    same Scene with its shots and notes; a new scene goes after `after_scene` (or at the end) and is
    numbered by the import. The splice is made on the version that is latest when the answer is
    complete. Returns `{"script_version_id", "version"}`. Raises `ApplicationError` for Claude's
    errors, an empty answer, a new scene without a heading, or a scene gone from the script meanwhile.
    """
    from apps.scripts.services import script_version_create

    params = ctx.params
    script = _script_or_fail(params["script_id"])
    actor = get_user_model().objects.filter(pk=params.get("actor_id")).first()
    scene = _scene_or_fail(params.get("scene_id"))
    after_scene = _scene_or_fail(params.get("after_scene_id"))
    context = _surroundings(script, _latest_version(script), scene=scene, after_scene=after_scene)
    characters = _characters_in_play(script=script, scene=scene, params=params)
    system, user = prompts.scene_prompt(script=script, characters=characters, setting=params["setting"], goal=params["goal"],
                                        tension=params["tension"], tone=params["tone"], **context)
    label = f"scene {scene.number}" if scene is not None else "a new scene"
    answer = stream_text(ctx, system=system, user=user, expected_chars=_SCENE_EXPECTED_CHARS, message=f"Writing {label}…")

    latest = _latest_version(script)  # whatever is latest now: a version added meanwhile is built on, not lost
    new_text, summary = _spliced(script, latest, answer, scene=scene, after_scene=after_scene)
    version = script_version_create(script=script, text=new_text, source=VersionSource.GENERATION, actor=actor,
                                    source_name=settings.SLATE_ANTHROPIC_MODEL, summary=summary, parent=latest, ctx=_LastStretch(ctx))
    return {"script_version_id": version.pk, "version": version.number}


def _position(script: Script, latest: ScriptVersion | None, target: Scene | None) -> tuple[str, list[splice.SceneSpan], int | None]:
    """`(text, spans, index of target)` in the latest version; index None without a target. Raises when the target is gone."""
    if target is not None and latest is None:
        raise ApplicationError(f"{script.title} has no version any more; nothing was saved.", code="invalid")
    text = latest.text if latest is not None else ""
    spans = splice.scene_spans(text) if text.strip() else []
    if target is None:
        return text, spans, None
    index = scene_index(latest, target, spans)
    if index is None:
        raise ApplicationError(f"Scene {target.number} is no longer in {script.title}; nothing was saved.", code="invalid")
    return text, spans, index


def _surroundings(script: Script, latest: ScriptVersion | None, *, scene: Scene | None, after_scene: Scene | None) -> dict:
    """The prompt's `current` (the scene to rewrite), `before` and `after` scene texts."""
    text, spans, index = _position(script, latest, scene or after_scene)
    if scene is None and index is None:
        index = len(spans) - 1  # a new scene at the end
    if scene is not None:
        lo, hi = index - 1, index + 1
    else:
        lo, hi = index, index + 1

    def at(i: int) -> str:
        return splice.scene_text(text, spans[i]) if 0 <= i < len(spans) else ""

    return {"current": at(index) if scene is not None else "", "before": at(lo), "after": at(hi)}


def _spliced(script: Script, latest: ScriptVersion | None, answer: str, *, scene: Scene | None, after_scene: Scene | None) -> tuple[str, str]:
    """`(new version text, summary)`: `answer` in place of `scene`, or inserted after `after_scene` (None: at the end)."""
    text, spans, index = _position(script, latest, scene or after_scene)
    if scene is not None:
        block = splice.scene_block(answer, number=scene.number, fallback_heading=spans[index].parsed.heading)
        return splice.replace_scene(text, spans[index], block), f"Regenerated scene {scene.number}"
    block = splice.scene_block(answer)
    if block is None:
        raise ApplicationError("Claude's scene has no scene heading (INT./EXT. …); nothing was saved.", code="ai_malformed")
    if after_scene is not None:
        return splice.insert_scene(text, block, after=spans[index]), f"New scene after scene {after_scene.number}"
    return splice.insert_scene(text, block, after=spans[-1] if spans else None), "New scene at the end"


class _LastStretch:
    """The job context as the version import sees it: its 0–1 progress mapped onto the job's last 10 %
    (writing took the first 90 %), so the bar never jumps back. Cancellation still raises `JobCancelled`;
    everything else (`job`, `params`, `check_cancelled`) is the context's own."""

    def __init__(self, ctx: JobContext):
        self._ctx = ctx

    def __getattr__(self, name: str):
        return getattr(self._ctx, name)

    def progress(self, fraction: float, message: str | None = None, *, force: bool = False, extra: dict | None = None) -> None:
        self._ctx.progress(0.9 + 0.1 * min(max(fraction, 0.0), 1.0), message, force=force, extra=extra)


def _script_or_fail(script_id) -> Script:
    script = Script.objects.filter(pk=script_id).first()
    if script is None:
        raise ApplicationError("The script was deleted; nothing was written.", code="not_found")
    return script


def _scene_or_fail(scene_id) -> Scene | None:
    if scene_id is None:
        return None
    scene = Scene.objects.filter(pk=scene_id).first()
    if scene is None:
        raise ApplicationError("The scene was deleted meanwhile; nothing was saved.", code="invalid")
    return scene


def scene_index(version: ScriptVersion, scene: Scene, spans: list[splice.SceneSpan] | None = None) -> int | None:
    """The index of `scene` among the scenes of `version` (None: not in it): by the version's `scene_ids`, else by scene number."""
    if spans is None:
        spans = splice.scene_spans(version.text)
    ids = list(version.scene_ids or [])
    if len(ids) == len(spans):
        return ids.index(scene.pk) if scene.pk in ids else None
    from apps.scripts.matching import scene_numbers

    numbers = scene_numbers([span.parsed for span in spans])
    return numbers.index(scene.number) if scene.number in numbers else None


def _characters_in_play(*, script: Script, scene: Scene | None, params: dict) -> list[Character]:
    """The characters whose sheets go into a scene prompt: the scene's own, the requested ones, those the brief names."""
    chosen = Character.objects.filter(production_id=script.production_id)
    picked = {c.pk: c for c in chosen.filter(pk__in=params.get("character_ids") or [])}
    if scene is not None:
        picked.update({c.pk: c for c in chosen.filter(scenes=scene)})
    brief = " ".join(params.get(k, "") for k in ("setting", "goal", "tension", "tone")).upper()
    if brief.strip():
        for character in chosen.exclude(pk__in=picked):
            if re.search(rf"(?<!\w){re.escape(character.name)}(?!\w)", brief):
                picked[character.pk] = character
    return sorted(picked.values(), key=lambda c: c.name)[:MAX_CHARACTERS_IN_PROMPT]

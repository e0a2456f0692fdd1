"""AI breakdown: Claude lists what each scene needs (cast, props, stunts...) as validated structured output.

One Messages API call per scene, with one tool whose `input_schema` is `BREAKDOWN_TOOL` and
`tool_choice` forcing it (tool use: https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/overview).
The tool input is checked against that schema here (`validate`, a small JSON Schema subset:
type, properties, required, additionalProperties, enum, minLength, maxLength) before anything is
stored; a malformed answer fails the job and stores nothing. All scenes of a job are read first and
saved together in one transaction at the end, as pending `BreakdownSuggestion`s the crew reviews
(apps.breakdown.services).
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from apps.breakdown.models import BreakdownCategory
from apps.breakdown.services import breakdown_suggestions_replace
from apps.core.errors import ApplicationError
from apps.generation.config import require_anthropic
from apps.generation.writing import prompts, splice
from apps.generation.writing.client import stream_tool_input
from apps.generation.writing.services import scene_index
from apps.jobs.models import Job
from apps.jobs.services import JobContext, job_create
from apps.scenes.models import Scene
from apps.scripts.models import ScriptVersion

KIND = "ai.breakdown"

BREAKDOWN_TOOL = {
    "name": "record_breakdown",
    "description": "Record the breakdown elements of the scene: every cast member, extra, prop, costume, effect and so on "
                   "that the production must provide, each with the scene text that calls for it.",
    "input_schema": {
        "type": "object",
        "properties": {
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "category": {"type": "string", "enum": list(BreakdownCategory.values)},
                        "name": {"type": "string", "minLength": 1, "maxLength": 200,
                                 "description": "Short name: 'Pocket watch', 'CYBER BOB', 'Rain'."},
                        "description": {"type": "string", "description": "Details: how many, what state, what it does."},
                        "evidence": {"type": "string", "minLength": 1, "description": "The scene's own words that call for it, quoted."},
                    },
                    "required": ["category", "name", "evidence"],
                    "additionalProperties": False,
                },
            },
        },
        "required": ["items"],
        "additionalProperties": False,
    },
}

_TYPES = {"object": dict, "array": list, "string": str}


def validate(value, schema: dict, path: str = "input") -> list[str]:
    """The ways `value` breaks `schema` (the JSON Schema subset BREAKDOWN_TOOL uses), as readable strings; [] when it fits."""
    expected = _TYPES[schema["type"]]
    if not isinstance(value, expected):
        return [f"{path} should be {'an' if schema['type'][0] in 'aeiou' else 'a'} {schema['type']}, not {type(value).__name__}"]
    errors: list[str] = []
    if expected is dict:
        properties = schema.get("properties", {})
        errors += [f"{path} is missing {name!r}" for name in schema.get("required", []) if name not in value]
        if schema.get("additionalProperties") is False:
            errors += [f"{path} has an unexpected {name!r}" for name in value if name not in properties]
        for name, sub in properties.items():
            if name in value:
                errors += validate(value[name], sub, f"{path}.{name}")
    elif expected is list:
        for index, item in enumerate(value):
            errors += validate(item, schema["items"], f"{path}[{index}]")
    else:
        if "enum" in schema and value not in schema["enum"]:
            errors.append(f"{path} is {value!r}, not one of {', '.join(schema['enum'])}")
        if len(value.strip()) < schema.get("minLength", 0):
            errors.append(f"{path} is empty")
        if len(value) > schema.get("maxLength", len(value)):
            errors.append(f"{path} is longer than {schema['maxLength']} characters")
    return errors


@transaction.atomic
def breakdown_start(*, actor, scene: Scene | None = None, script_version: ScriptVersion | None = None) -> Job:
    """Start an AI breakdown of one `scene` or of every scene of `script_version` (exactly one of the two).

    Raises `NotConfiguredError` (503) without ANTHROPIC_API_KEY, `ApplicationError` 400 `invalid`
    otherwise. Returns the pending `ai.breakdown` job (params `{"scene_ids", "actor_id"}`).
    """
    require_anthropic("AI breakdown")
    if (scene is None) == (script_version is None):
        raise ApplicationError("Give a scene or a script_version to break down.", code="invalid",
                               extra={"fields": {"scene": ["Give a scene or a script_version."]}})
    if scene is not None:
        production_id, scene_ids = scene.production_id, [scene.pk]
    else:
        production_id = script_version.production_id
        scene_ids = [pk for pk in (script_version.scene_ids or []) if pk is not None] or list(
            Scene.objects.filter(script_version=script_version).values_list("pk", flat=True))
        if not scene_ids:
            raise ApplicationError(f"{script_version} has no scenes to break down.", code="invalid")
    return job_create(production_id=production_id, kind=KIND, actor=actor, message="Waiting for a worker",
                      params={"scene_ids": scene_ids, "script_version_id": getattr(script_version, "pk", None),
                              "actor_id": getattr(actor, "pk", None)})


def breakdown_retry(job: Job) -> None:
    """Retry preparation of a failed `ai.breakdown` job (`job_handler(on_retry=...)`): the same scenes are broken down again.

    Called inside `apps.jobs.services.job_retry`'s transaction. Raises `NotConfiguredError` (503)
    without ANTHROPIC_API_KEY, `ApplicationError` 400 `not_retryable` when every scene to break down
    was deleted (scenes deleted among others are skipped, as in a first run). A failed run stored no
    suggestion, and a run replaces the scene's pending ones, so a rerun adds no duplicates. Returns
    None (params kept).
    """
    require_anthropic("AI breakdown")
    if not Scene.objects.filter(pk__in=job.params.get("scene_ids") or []).exists():
        raise ApplicationError("The scenes to break down were deleted: there is nothing to break down.", code="not_retryable")


def breakdown_run(ctx: JobContext) -> dict:
    """Job handler (`ai.breakdown`): ask Claude for each scene's breakdown, validate all, then store them as pending suggestions.

    A scene's text is its block in the version it last came from (else its slugline and synopsis).
    Returns `{"scene_count", "suggestion_count"}`. Raises `ApplicationError` for Claude's errors and
    for an answer that does not match the schema ("Claude's breakdown did not match the expected
    shape: …"); then, as on cancellation, no suggestion of any scene is stored.
    """
    actor = get_user_model().objects.filter(pk=ctx.params.get("actor_id")).first()
    scenes = Scene.objects.filter(pk__in=ctx.params["scene_ids"]).select_related("script_version")
    by_id = {scene.pk: scene for scene in scenes}
    ordered = [by_id[pk] for pk in ctx.params["scene_ids"] if pk in by_id]
    if not ordered:
        raise ApplicationError("The scenes to break down were deleted meanwhile.", code="invalid")
    spans_of: dict[int, list] = {}
    results: list[tuple[Scene, list[dict]]] = []
    for index, scene in enumerate(ordered):
        fraction = 0.05 + 0.85 * index / len(ordered)
        ctx.progress(fraction, f"Breaking down scene {scene.number} ({index + 1} of {len(ordered)})", force=True)
        system, user = prompts.breakdown_prompt(label=f"scene {scene.number}", text=_scene_text(scene, spans_of))
        answer = stream_tool_input(ctx, system=system, user=user, tool=BREAKDOWN_TOOL, fraction=fraction,
                                   message=f"Breaking down scene {scene.number}")
        errors = validate(answer, BREAKDOWN_TOOL["input_schema"])
        if errors:
            shown = "; ".join(errors[:5]) + (f" (and {len(errors) - 5} more)" if len(errors) > 5 else "")
            raise ApplicationError(f"Claude's breakdown did not match the expected shape: {shown}. Nothing was saved.", code="ai_malformed")
        results.append((scene, answer["items"]))
    ctx.progress(0.95, "Saving the suggestions", force=True)
    job = Job.objects.get(pk=ctx.job.pk)
    with transaction.atomic():
        count = sum(len(breakdown_suggestions_replace(scene=scene, items=items, job=job, actor=actor)) for scene, items in results)
    return {"scene_count": len(results), "suggestion_count": count}


def _scene_text(scene: Scene, spans_of: dict[int, list]) -> str:
    """The scene's Fountain text in the version it came from; its slugline and synopsis when that is unknown.

    `spans_of` caches each version's parsed scene spans by version id (a whole version parses once).
    """
    version = scene.script_version
    if version is not None:
        if version.pk not in spans_of:
            spans_of[version.pk] = splice.scene_spans(version.text)
        spans = spans_of[version.pk]
        index = scene_index(version, scene, spans)
        if index is not None:
            return splice.scene_text(version.text, spans[index])
    text = "\n\n".join(part for part in (scene.slugline, scene.synopsis) if part)
    if not text:
        raise ApplicationError(f"Scene {scene.number} has no screenplay text to break down.", code="invalid")
    return text

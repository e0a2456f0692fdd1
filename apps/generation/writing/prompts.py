"""The prompts Slate sends Claude for writing and for breakdowns.

Everything Claude writes must be Fountain (https://fountain.io/syntax) so it goes through the same
parser and version import as an uploaded screenplay: outlines and treatments too, written as act
sections (`# Act One`), scene headings and `= synopsis` lines, so their scenes reach the board.
User-supplied text goes inside XML-style tags, as Anthropic's prompting guide recommends
(https://docs.anthropic.com/en/docs/build-with-claude/prompt-engineering/use-xml-tags).
"""
from __future__ import annotations

from django.conf import settings

FORMS = ("outline", "treatment", "screenplay")

WRITER_SYSTEM = (
    "You are a professional screenwriter working inside Slate, a film production's shared workspace. "
    "You write in Fountain plain-text screenplay format (https://fountain.io/syntax): scene headings such as "
    "'INT. LIBRARY - NIGHT' on their own line, action paragraphs, character cues in upper case followed by their "
    "dialogue, parentheticals in brackets, transitions ending in 'TO:'. Blank lines separate elements. "
    "Answer with the Fountain text only: no preamble, no commentary, no Markdown code fences. "
    "Respect the locked genre and tone you are given, and write each character true to their sheet."
)

_FORM_RULES = {
    "outline": (
        "Write a three-act outline. Use one Fountain section line per act ('# Act One', '# Act Two', '# Act Three'). "
        "Under each act list the scenes it needs, each as a scene heading (INT./EXT. LOCATION - DAY or NIGHT) followed by "
        "one synopsis line starting with '= ' that says what happens and what changes. No action paragraphs, no dialogue."
    ),
    "treatment": (
        "Write a treatment. Use one Fountain section line per act ('# Act One', '# Act Two', '# Act Three'). Each scene is a "
        "scene heading, a synopsis line starting with '= ', then one or two paragraphs of vivid present-tense prose telling "
        "what happens. No character cues and no dialogue blocks."
    ),
    "screenplay": (
        "Write a complete short screenplay. Start with a Fountain title page (Title:, Credit: Written by, Author:), then a "
        "blank line, then the scenes: scene headings, action, character cues and dialogue, parentheticals, transitions."
    ),
}


def _tagged(tag: str, text: str) -> str:
    return f"<{tag}>\n{text.strip()}\n</{tag}>"


def _word_budget() -> int:
    """Roughly how many words fit in SLATE_ANTHROPIC_MAX_TOKENS, with a margin so the answer is not cut off."""
    return max(200, int(settings.SLATE_ANTHROPIC_MAX_TOKENS * 0.55))


def story_context(*, script, characters, logline: str | None = None) -> str:
    """The script's title, logline (or `logline`), genre and tone (marked locked or not) and the character sheets, as prompt text."""
    lines = [f"Title: {script.title}"]
    logline = script.logline if logline is None else logline
    if logline:
        lines.append(f"Logline: {logline}")
    for label, value, locked in (("Genre", script.genre, script.genre_locked), ("Tone", script.tone, script.tone_locked)):
        if value and locked:
            lines.append(f"{label} (locked: keep to it exactly): {value}")
        elif value:
            lines.append(f"{label} (current, may evolve): {value}")
    parts = [_tagged("story", "\n".join(lines))]
    sheets = [character_sheet(c) for c in characters]
    if sheets:
        parts.append(_tagged("characters", "\n\n".join(sheets)))
    return "\n\n".join(parts)


def character_sheet(character) -> str:
    """One character's sheet: name, then description, personality, goals, voice, backstory (those filled in)."""
    lines = [character.name]
    for label in ("description", "personality", "goals", "voice", "backstory"):
        value = getattr(character, label).strip()
        if value:
            lines.append(f"  {label.capitalize()}: {value}")
    return "\n".join(lines)


def script_prompt(*, script, characters, logline: str, form: str) -> tuple[str, str]:
    """`(system, user)` asking for a whole script version in `form` (outline, treatment or screenplay) from `logline`."""
    user = "\n\n".join([
        story_context(script=script, characters=characters, logline=logline),
        f"{_FORM_RULES[form]} Tell the story of the logline above. Keep it within about {_word_budget()} words so it is complete. "
        "Give the characters listed above their parts; you may add minor characters.",
    ])
    return WRITER_SYSTEM, user


def scene_prompt(*, script, characters, setting: str, goal: str, tension: str, tone: str,
                 current: str = "", before: str = "", after: str = "") -> tuple[str, str]:
    """`(system, user)` asking for one scene: a rewrite of `current` when given, else a new scene between `before` and `after`."""
    brief = [f"Setting: {setting}" if setting else "", f"Goal of the scene: {goal}" if goal else "",
             f"Tension / conflict: {tension}" if tension else "", f"Tone of the scene: {tone}" if tone else ""]
    brief_text = "\n".join(b for b in brief if b) or "No brief: keep the scene's story beats and make it work better."
    parts = [story_context(script=script, characters=characters), _tagged("scene_brief", brief_text)]
    if before:
        parts.append(_tagged("scene_before", before[-4000:]))
    if current:
        parts.append(_tagged("scene_to_rewrite", current))
    if after:
        parts.append(_tagged("scene_after", after[:4000]))
    task = ("Rewrite the scene in <scene_to_rewrite> following the scene brief." if current
            else "Write a new scene that follows the scene brief and fits between the scenes around it.")
    parts.append(f"{task} Write exactly one scene: one scene heading (INT./EXT. LOCATION - DAY or NIGHT), then its action "
                 f"and dialogue, within about {min(_word_budget(), 1500)} words. Do not repeat the surrounding scenes.")
    return WRITER_SYSTEM, "\n\n".join(parts)


BREAKDOWN_SYSTEM = (
    "You are a first assistant director breaking down a screenplay scene for scheduling and budgeting. "
    "List every element the production must provide, in these categories: cast (speaking or named characters), "
    "extras (background actors), props (objects actors handle), wardrobe (costumes and notable clothing), makeup_hair "
    "(makeup, hair, wounds, blood, prosthetics), vehicles (picture cars and anything driven or ridden), animals, stunts, "
    "special_effects (practical effects: rain, fire, smoke, explosions, breakaways), sound (effects or playback needed on "
    "set), set_dressing (furniture and objects dressing the set), special_equipment (cranes, drones, underwater housings, "
    "process trailers). Only list what the text calls for or clearly implies. For each element give a short name, any "
    "useful detail (how many, what state), and quote the words of the scene that call for it in `evidence`, verbatim. "
    "Record the breakdown with the tool; do not answer in prose."
)


def breakdown_prompt(*, label: str, text: str) -> tuple[str, str]:
    """`(system, user)` asking for the breakdown elements of one scene (`label` e.g. 'Scene 12', `text` its Fountain)."""
    return BREAKDOWN_SYSTEM, f"Break down {label}.\n\n{_tagged('scene', text)}"

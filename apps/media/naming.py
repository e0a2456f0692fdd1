"""What a camera file's name and metadata say about it: reel, clip name, and its scene/shot/take.

Pure functions over a file name or ffprobe's JSON, plus `link_suggestion_for`, which looks the
parsed numbers up in a production (the only Django-aware function; it imports models lazily so
apps.media.ffmpeg can use the rest without Django).

Slate numbering (US convention, as on a clapperboard): "12A" is scene 12, setup (shot) A, so a
file named `12A_3.mov` is scene 12, shot A, take 3. One exception: when the production has a scene
numbered exactly "12A" (an added scene, as in a locked script), that scene wins and the shot is
left open. A shot given on its own (`Sc12A_ShB_Tk3`, a metadata "shot" tag) is never split off.
Sources: the clapperboard conventions in the American Cinematographer Manual; camera metadata as
ffprobe reports it (e.g. Blackmagic's `com.blackmagic-design.camera.scene`/`.take`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

__all__ = ["Slate", "parse_file_name", "parse_slate_tags", "split_scene_and_shot", "reel_name_from_probe",
           "clip_name_from_probe", "link_suggestion_for"]


@dataclass(frozen=True)
class Slate:
    """Scene/shot/take as written on a slate or in a file name, before looking anything up.

    scene: "12A" as written (leading zeros dropped), shot: "A" when given on its own else None,
    take: int >= 1 or None. text: the part of the name or metadata it was read from.
    """

    scene: str
    shot: str | None
    take: int | None
    text: str


def _key(name: str) -> str:
    """"com.blackmagic-design.camera.Scene_Number" -> "scenenumber": last dotted part, lower case, alphanumerics."""
    return re.sub(r"[^a-z0-9]", "", str(name).rsplit(".", 1)[-1].lower())


def _tags(raw: dict) -> list[tuple[str, str]]:
    """(key, value) of the container's tags, then of every stream's, for string values."""
    pairs = list(((raw.get("format") or {}).get("tags") or {}).items())
    for stream in raw.get("streams") or []:
        pairs += list((stream.get("tags") or {}).items())
    return [(k, v.strip()) for k, v in pairs if isinstance(v, str) and v.strip()]


def reel_name_from_probe(raw: dict) -> str | None:
    """Return the camera reel (roll) name from ffprobe's JSON, or None.

    First the QuickTime timecode track's `reel_name`, then any stream's or the container's key whose
    last dotted part is reel_name, reel, reelname, reelnumber, tapename or tape (MXF writes
    `reel_name` on its tracks; Final Cut and camera vendors use `com.apple.proapps.reel` and the like).
    """
    tmcd = [s for s in raw.get("streams") or [] if s.get("codec_tag_string") == "tmcd"]
    for stream in tmcd:
        value = (stream.get("tags") or {}).get("reel_name")
        if isinstance(value, str) and value.strip():
            return value.strip()
    wanted = ("reelname", "reel", "reelnumber", "tapename", "tape")
    return next((v for k, v in _tags(raw) if _key(k) in wanted), None)


def clip_name_from_probe(raw: dict) -> str | None:
    """Return the camera's clip name from ffprobe's JSON, or None.

    Keys whose last dotted part ends in "clipname" (e.g. `com.arri.camera.ClipName`,
    `clip_name`), an MXF `material_package_name`, or QuickTime's `com.apple.quicktime.displayname`.
    A container `title` is not a clip name (downloaded files carry film titles there) and is ignored.
    """
    for key, value in _tags(raw):
        normalised = _key(key)
        if normalised.endswith("clipname") or normalised in ("materialpackagename", "displayname"):
            return value
    return None


# --- file names ----------------------------------------------------------------------------------

# Camera roll / clip ids that precede the slate in camera file names: A001C003 (ARRI, RED, Sony),
# A001, C0003, and dates/times (20240501, 120530).
_CAMERA_TOKEN = re.compile(r"^(?:[A-Z]\d{3}(?:C\d{3,4})?|C\d{3,4}|\d{6,8})$", re.I)
_SCENE_LABELLED = re.compile(r"^(?:SCENE|SCN|SC|S)0*([A-Z]?\d{1,4}[A-Z]{0,2})$", re.I)
_SHOT_LABELLED = re.compile(r"^(?:SHOT|SH)0*([A-Z0-9]{1,3})$", re.I)
_TAKE_LABELLED = re.compile(r"^(?:TAKE|TK|T)0*([1-9]\d{0,2})$", re.I)
_SCENE_BARE = re.compile(r"^0*([A-Z]?[1-9]\d{0,3}[A-Z]{0,2})$", re.I)
_SHOT_BARE = re.compile(r"^[A-Z]{1,2}$", re.I)
_TAKE_BARE = re.compile(r"^(?:TAKE|TK|T)?0*([1-9]\d?)$", re.I)  # 1-99: "432_433" is frames, not a take


def parse_file_name(name: str) -> Slate | None:
    """Return the scene/shot/take a camera file's name spells, or None.

    name: a file name or path (directories and the extension are ignored). The name is split at
    `_`, `-`, `.` and spaces; camera roll and clip ids (A001C003, A001, C0003) and dates are
    skipped. Accepted, case-insensitive, leading zeros ignored:
    labelled parts in any order, `S12A_T03`, `Sc12_ShA_Tk3`, `Scene12-Shot2-Take4` (a scene part is
    required); or bare parts in a row, scene then take, `12A_3`, `12A-3`, `012A_T3`,
    `A001C003_12A_3`, or scene, shot, take `12_A_3`. Takes are 1-999 when labelled, 1-99 when bare.
    Examples: "12A_3.mov" -> Slate("12A", None, 3, "12A_3"); "Sc12_ShA_Tk3" -> Slate("12", "A", 3, ...).
    """
    stem = PurePath(str(name).replace("\\", "/")).name
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    tokens = [t for t in re.split(r"[_\-\s.]+", stem) if t]

    labelled: dict[str, tuple[str, str]] = {}
    for token in tokens:
        for part, pattern in (("scene", _SCENE_LABELLED), ("shot", _SHOT_LABELLED), ("take", _TAKE_LABELLED)):
            match = pattern.match(token)
            if match and part not in labelled:
                labelled[part] = (match[1], token)
                break
    if "scene" in labelled:
        text = "_".join(token for _, token in labelled.values())
        take = labelled.get("take")
        return Slate(scene=labelled["scene"][0].upper(), shot=labelled["shot"][0].upper() if "shot" in labelled else None,
                     take=int(take[0]) if take else None, text=text)

    slate_tokens = [t for t in tokens if not _CAMERA_TOKEN.match(t)]
    for i, token in enumerate(slate_tokens):
        scene = _SCENE_BARE.match(token)
        if scene is None:
            continue
        rest = slate_tokens[i + 1:i + 3]
        if len(rest) == 2 and _SHOT_BARE.match(rest[0]) and _TAKE_BARE.match(rest[1]):
            return Slate(scene=scene[1].upper(), shot=rest[0].upper(), take=int(_TAKE_BARE.match(rest[1])[1]),
                         text="_".join([token, *rest]))
        if rest and (take := _TAKE_BARE.match(rest[0])):
            return Slate(scene=scene[1].upper(), shot=None, take=int(take[1]), text=f"{token}_{rest[0]}")
    return None


def parse_slate_tags(tags: dict) -> Slate | None:
    """Return the scene/shot/take of a camera's slate metadata, or None when it names no scene.

    tags: a flat {key: value} of metadata (container and stream tags). Keys are matched on their last
    dotted part, case-insensitive, ignoring `_`/`-` and a trailing "number"/"name"/"no": ...scene,
    ...shot, ...take (so `com.blackmagic-design.camera.scene`, `Scene_Number`, `TAKE` all count).
    Values keep leading letters ("12A"); a take value's digits are read ("T03", "Take 3" -> 3).
    """
    found: dict[str, str] = {}
    for key, value in tags.items():
        if not isinstance(value, str) or not value.strip():
            continue
        normalised = re.sub(r"(number|name|no)$", "", _key(key))
        for part in ("scene", "shot", "take"):
            if normalised.endswith(part) and part not in found:
                found[part] = value.strip()
    scene = re.sub(r"^0+(?=\d)", "", re.sub(r"[^A-Za-z0-9]", "", found.get("scene", ""))).upper()
    if not scene:
        return None
    shot = re.sub(r"[^A-Za-z0-9]", "", found.get("shot", "")).upper() or None
    take_digits = re.search(r"\d+", found.get("take", ""))
    take = int(take_digits[0]) if take_digits and int(take_digits[0]) > 0 else None
    text = ", ".join(f"{part} {found[part]}" for part in ("scene", "shot", "take") if part in found)
    return Slate(scene=scene, shot=shot, take=take, text=text)


def split_scene_and_shot(slate: Slate, scene_numbers: set[str] | frozenset[str] = frozenset()) -> tuple[str, str | None]:
    """Return (scene number, shot number) for a slate, applying the US "12A = scene 12, setup A" rule.

    scene_numbers: the production's scene numbers, upper case. A shot given on its own is kept and
    the scene is taken as written. Otherwise a scene written with trailing letters is split into
    digits and setup ("12A" -> ("12", "A")) unless the production has a scene numbered exactly
    that ("12A" exists -> ("12A", None)). A scene that is only digits has no shot (None).
    """
    if slate.shot is not None:
        return slate.scene, slate.shot
    match = re.match(r"^([A-Z]?\d+)([A-Z]{1,2})$", slate.scene)
    if match is None or slate.scene in scene_numbers:
        return slate.scene, None
    return match[1], match[2]


def link_suggestion_for(*, production_id: int, file_name: str, tags: dict) -> dict:
    """Return where a clip belongs per its slate metadata or file name, looked up in a production.

    tags: flat metadata (metadata beats the file name when it names a scene). The shape is
    MediaAsset.link_suggestion: {"source": "metadata"|"file_name", "text", "scene_number",
    "shot_number", "take_number", "scene", "shot", "take"} with the ids of the rows that exist (null
    for the ones that do not, and for everything under a missing one); {} when nothing matched.
    When no shot is named and the scene has exactly one shot, that shot is suggested.
    """
    from apps.scenes.models import Scene, Shot, Take

    slate, source = parse_slate_tags(tags), "metadata"
    if slate is None:
        slate, source = parse_file_name(file_name), "file_name"
    if slate is None:
        return {}
    scene_numbers = {n.upper() for n in Scene.objects.filter(production_id=production_id).values_list("number", flat=True)}
    scene_number, shot_number = split_scene_and_shot(slate, scene_numbers)
    scene = Scene.objects.filter(production_id=production_id, number__iexact=scene_number).first()
    shot = take = None
    if scene is not None:
        if shot_number is None:
            only = list(Shot.objects.filter(scene=scene)[:2])
            if len(only) == 1:
                shot, shot_number = only[0], only[0].number
        else:
            shot = Shot.objects.filter(scene=scene, number__iexact=shot_number).first()
    if shot is not None and slate.take is not None:
        take = Take.objects.filter(shot=shot, number=slate.take).first()
    return {"source": source, "text": slate.text, "scene_number": scene_number, "shot_number": shot_number,
            "take_number": slate.take, "scene": scene.pk if scene else None, "shot": shot.pk if shot else None,
            "take": take.pk if take else None}

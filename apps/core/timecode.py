"""SMPTE timecode (SMPTE ST 12-1): parse and format "HH:MM:SS:FF" labels as frame counts.

Frame counts are ints from 00:00:00:00. Frame rates may be given as a `Fraction`, a float, an int
or an ffprobe rational string ("24000/1001"). Drop-frame timecode ("HH:MM:SS;FF") exists only at
29.97 and 59.94 fps: it skips frame numbers 0-1 (0-3 at 59.94) at the start of every minute
except minutes 00, 10, 20, 30, 40, 50, so that the label keeps up with the wall clock.
`start_timecode_from_probe` finds a clip's start timecode in ffprobe's JSON, wherever the camera or
the muxer put it. No Django imports: this module is used by the media pipeline, the take log (apps.scenes) and plain scripts.
"""

from __future__ import annotations

import re
from fractions import Fraction

__all__ = ["parse_timecode", "format_timecode", "nominal_fps", "is_drop_frame_rate", "start_timecode_from_probe",
           "TIMECODE_RATES", "span_frames"]

# The rates timecode runs at on a set, as crews write them, and the exact frames per second of each: the
# NTSC-family rates are N*1000/1001 (SMPTE ST 12-1 counts them at the next whole rate, N).
TIMECODE_RATES: dict[str, Fraction] = {
    "23.976": Fraction(24000, 1001), "24": Fraction(24), "25": Fraction(25), "29.97": Fraction(30000, 1001),
    "30": Fraction(30), "47.952": Fraction(48000, 1001), "48": Fraction(48), "50": Fraction(50),
    "59.94": Fraction(60000, 1001), "60": Fraction(60),
}

# Either all ':' (non-drop), or ':' with ';' / '.' before the frames (drop-frame, ST 12-1
# and most NLEs), or ';' throughout (how Premiere Pro writes drop-frame).
_TIMECODE_RE = re.compile(
    r"^(?P<hh>\d{2})(?P<s1>[:;])(?P<mm>\d{2})(?P=s1)(?P<ss>\d{2})(?P<s3>[:;.])(?P<ff>\d{2})$"
)
_HOURS_PER_DAY = 24


def _fps_value(fps: Fraction | float | int | str) -> Fraction:
    """Return fps as an exact Fraction; ValueError for zero, negative or non-numeric rates."""
    if isinstance(fps, bool):
        raise ValueError(f"frame rate must be a number, not {fps!r}")
    try:
        value = Fraction(fps)
        if isinstance(fps, float):  # 29.97 -> 2997/100, not the nearest binary fraction
            value = value.limit_denominator(1001)
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        raise ValueError(f"frame rate {fps!r} is not a number") from None
    if value <= 0:
        raise ValueError(f"frame rate must be positive, got {fps!r}")
    return value


def nominal_fps(fps: Fraction | float | int | str) -> int:
    """Return the whole frame count per timecode second for a rate (23.976 -> 24, 29.97 -> 30).

    fps: frames per second. Returns an int >= 1. Raises ValueError for a rate that is not a
    positive number. Source: SMPTE ST 12-1, which counts NTSC-family rates at the next whole rate.
    """
    return max(1, round(_fps_value(fps)))


def is_drop_frame_rate(fps: Fraction | float | int | str) -> bool:
    """Return True when drop-frame timecode is defined for fps (29.97 or 59.94, i.e. N*1000/1001).

    fps: frames per second (a float such as 29.97 is accepted within 0.01 fps).
    Raises ValueError for a rate that is not a positive number. Source: SMPTE ST 12-1.
    """
    nominal = nominal_fps(fps)
    return nominal in (30, 60) and abs(float(_fps_value(fps)) - nominal * 1000 / 1001) < 0.01


def _dropped_per_minute(nominal: int) -> int:
    return 2 * nominal // 30  # 2 frame numbers at 29.97, 4 at 59.94


def parse_timecode(tc: str, fps: Fraction | float | int | str) -> int:
    """Return the frame count of a SMPTE timecode label at a frame rate.

    tc: "HH:MM:SS:FF" (non-drop), "HH:MM:SS;FF" / "HH:MM:SS.FF" / "HH;MM;SS;FF" (drop-frame).
    fps: frames per second, e.g. Fraction(24000, 1001), 25, 29.97, "30000/1001".
    Returns frames since 00:00:00:00 (int >= 0). Raises ValueError with a readable message for
    malformed labels, out-of-range fields (hours >= 24, minutes or seconds >= 60, frames >= the
    nominal rate), drop-frame at a rate other than 29.97/59.94, and frame numbers that drop-frame
    skips (e.g. 00:01:00;00). Source: SMPTE ST 12-1.
    """
    if not isinstance(tc, str):
        raise ValueError(f"timecode must be a string like 01:00:00:00, not {tc!r}")
    match = _TIMECODE_RE.match(tc.strip())
    if match is None:
        raise ValueError(
            f"{tc!r} is not a timecode: expected HH:MM:SS:FF, or HH:MM:SS;FF for drop-frame"
        )
    if match["s1"] == ";" and match["s3"] != ";":
        raise ValueError(f"{tc!r} mixes separators: use HH:MM:SS;FF or HH;MM;SS;FF")
    hh, mm, ss, ff = (int(match[k]) for k in ("hh", "mm", "ss", "ff"))
    drop_frame = match["s3"] in ";."
    nominal = nominal_fps(fps)

    if hh >= _HOURS_PER_DAY:
        raise ValueError(f"{tc!r}: hours must be 00-23")
    if mm >= 60 or ss >= 60:
        raise ValueError(f"{tc!r}: minutes and seconds must be 00-59")
    if ff >= nominal:
        raise ValueError(f"{tc!r}: frames must be 00-{nominal - 1:02d} at {nominal} fps")

    frames = (hh * 3600 + mm * 60 + ss) * nominal + ff
    if not drop_frame:
        return frames

    if not is_drop_frame_rate(fps):
        raise ValueError(
            f"{tc!r} is drop-frame timecode, which exists only at 29.97 and 59.94 fps (got {fps})"
        )
    drop = _dropped_per_minute(nominal)
    if ss == 0 and ff < drop and mm % 10 != 0:
        raise ValueError(
            f"{tc!r} does not exist in drop-frame timecode: frames 00-{drop - 1:02d} are skipped "
            "at the start of every minute not divisible by 10"
        )
    total_minutes = hh * 60 + mm
    return frames - drop * (total_minutes - total_minutes // 10)


def format_timecode(frames: int, fps: Fraction | float | int | str, *, drop_frame: bool) -> str:
    """Return the SMPTE timecode label of a frame count at a frame rate.

    frames: frames since 00:00:00:00, an int >= 0; counts of 24 hours or more wrap around
    (timecode is a 24-hour clock). fps: frames per second. drop_frame: write "HH:MM:SS;FF"
    drop-frame timecode (only at 29.97/59.94) instead of "HH:MM:SS:FF".
    Raises ValueError for negative or non-integer frames, or drop-frame at another rate.
    Source: SMPTE ST 12-1.
    """
    if isinstance(frames, bool) or not isinstance(frames, int):
        raise ValueError(f"frames must be a whole number, not {frames!r}")
    if frames < 0:
        raise ValueError(f"frames must not be negative, got {frames}")
    nominal = nominal_fps(fps)

    if drop_frame:
        if not is_drop_frame_rate(fps):
            raise ValueError(
                f"drop-frame timecode exists only at 29.97 and 59.94 fps (got {fps})"
            )
        drop = _dropped_per_minute(nominal)
        frames_per_minute = 60 * nominal - drop
        frames_per_10_minutes = 10 * 60 * nominal - 9 * drop
        frames %= frames_per_10_minutes * 6 * _HOURS_PER_DAY
        tens, rest = divmod(frames, frames_per_10_minutes)
        # Put the skipped labels back: 9 minutes' worth per full 10 minutes, plus one per
        # minute begun within the current 10 minutes (minute 0 of each ten skips nothing).
        skipped = 9 * drop * tens
        if rest >= drop:
            skipped += drop * ((rest - drop) // frames_per_minute)
        frames += skipped
    else:
        frames %= nominal * 3600 * _HOURS_PER_DAY

    ff = frames % nominal
    seconds = frames // nominal
    separator = ";" if drop_frame else ":"
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}{separator}{ff:02d}"


def span_frames(tc_in: str, tc_out: str, fps: Fraction | float | int | str, *, max_frames: int | None = None) -> int:
    """Return the frames from `tc_in` to `tc_out` at a rate: out minus in, the out point being the first frame after.

    Both labels are parsed by parse_timecode (so ValueError for a malformed or out-of-range label,
    drop-frame at a rate without it, or a label drop-frame skips) and must count the same way: both
    drop-frame (";") or both non-drop (":"), else ValueError. Timecode is a 24-hour clock, so an
    out before the in is read as running past midnight (23:59:50:00 to 00:00:10:00 is 20 s). The span
    must be at least one frame, and at most `max_frames` when given: ValueError otherwise (an out
    typed before its in would otherwise read as nearly a day). Source: SMPTE ST 12-1.
    """
    first, last = parse_timecode(tc_in, fps), parse_timecode(tc_out, fps)
    if (tc_in.strip()[-3] in ";.") != (tc_out.strip()[-3] in ";."):
        raise ValueError(f"{tc_in!r} and {tc_out!r} count differently: both drop-frame (;) or both non-drop (:)")
    day = 24 * 3600 * nominal_fps(fps)
    if is_drop_frame_rate(fps) and tc_in.strip()[-3] in ";.":
        day = parse_timecode("23:59:59;" + f"{nominal_fps(fps) - 1:02d}", fps) + 1
    frames = (last - first) % day
    if frames == 0 or (max_frames is not None and frames > max_frames):
        raise ValueError(f"{tc_out!r} is not after {tc_in!r}")
    return frames


def _normalised_key(key: str) -> str:
    """"com.apple.quicktime.TimeCode" -> "timecode": the last dotted part, lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", key.rsplit(".", 1)[-1].lower())


def start_timecode_from_probe(raw: dict, fps: Fraction | float | int | str) -> str | None:
    """Return a clip's start timecode from ffprobe's JSON, checked and written the SMPTE way, or None.

    raw: `ffprobe -show_format -show_streams -of json` output; fps: the clip's frame rate.
    Looked for, first usable wins: the QuickTime/MP4 timecode track (a data stream tagged "tmcd"),
    the video stream's tag (MPEG-2 GOP, MOV), any other stream's tag (MXF's timecode track, audio),
    the container's tag (MXF material package, DV, MP4 written by ffmpeg), then vendor keys of the
    container whose last dotted part is "timecode", "starttimecode" or "timecodestart"
    (e.g. "com.apple.quicktime.timecode"). A label is usable when parse_timecode accepts it at fps
    (so drop-frame only at 29.97/59.94, frames below the nominal rate): the result is
    format_timecode of it, i.e. "HH:MM:SS:FF" non-drop or "HH:MM:SS;FF" drop-frame (a drop-frame
    label written "HH;MM;SS;FF" or "HH:MM:SS.FF" comes back as "HH:MM:SS;FF"). Never raises for
    odd metadata: an unusable label is skipped. Sources: ffprobe's JSON, QuickTime File Format
    (timecode media), SMPTE ST 377-1 (MXF), SMPTE ST 12-1.
    """
    streams = raw.get("streams") or []
    tmcd = [s for s in streams if s.get("codec_tag_string") == "tmcd"]
    video = [s for s in streams if s.get("codec_type") == "video"]
    others = [s for s in streams if s not in tmcd and s not in video]
    container = (raw.get("format") or {}).get("tags") or {}
    candidates: list[str] = []
    for stream in [*tmcd, *video, *others]:
        candidates += [v for k, v in (stream.get("tags") or {}).items() if k.lower() == "timecode"]
    candidates += [v for k, v in container.items() if k.lower() == "timecode"]
    candidates += [v for k, v in container.items()
                   if k.lower() != "timecode" and _normalised_key(k) in ("timecode", "starttimecode", "timecodestart")]
    for label in candidates:
        if not isinstance(label, str):
            continue
        label = label.strip()
        try:
            frames = parse_timecode(label, fps)
        except ValueError:
            continue
        return format_timecode(frames, fps, drop_frame=label[-3] in ";.")
    return None

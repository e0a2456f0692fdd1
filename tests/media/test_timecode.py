"""SMPTE ST 12-1 timecode: known frame counts, drop-frame counting, readable errors, and where files keep it.

Files are written with ffmpeg at every rate of the issue (drop-frame and non-drop, MOV, MP4, MXF) and
what Slate stores is compared with what ffprobe reports.
"""

import json
import subprocess
from fractions import Fraction

import pytest

from apps.media.ffmpeg import probe
from apps.media.timecode import (
    format_timecode,
    is_drop_frame_rate,
    nominal_fps,
    parse_timecode,
    start_timecode_from_probe,
)

NTSC_30 = Fraction(30000, 1001)
NTSC_60 = Fraction(60000, 1001)


@pytest.mark.parametrize(
    ("fps", "expected"),
    [
        (24, 24), (25, 25), (50, 50), (23.976, 24), (Fraction(24000, 1001), 24),
        (29.97, 30), ("30000/1001", 30), (NTSC_30, 30), (59.94, 60), (NTSC_60, 60),
    ],
)
def test_nominal_fps_counts_ntsc_rates_at_the_next_whole_rate(fps, expected):
    assert nominal_fps(fps) == expected


@pytest.mark.parametrize(
    ("tc", "fps", "frames"),
    [
        ("00:00:00:00", 24, 0),
        ("00:00:01:00", 25, 25),
        ("01:00:00:00", 24, 86_400),
        ("01:00:00:00", Fraction(24000, 1001), 86_400),  # 23.976 counts 24 labels a second
        ("23:59:59:24", 25, 24 * 3600 * 25 - 1),
        ("00:01:00:00", NTSC_30, 1800),  # non-drop at 29.97 skips nothing
        ("10:00:00:00", 30, 1_080_000),
    ],
)
def test_parse_non_drop_frame_timecode(tc, fps, frames):
    assert parse_timecode(tc, fps) == frames
    assert format_timecode(frames, fps, drop_frame=False) == tc


@pytest.mark.parametrize(
    ("tc", "fps", "frames"),
    [
        ("00:00:59;29", NTSC_30, 1799),
        ("00:01:00;02", NTSC_30, 1800),  # ;00 and ;01 do not exist at minute 1
        ("00:02:00;02", NTSC_30, 3598),
        ("00:09:59;29", NTSC_30, 17_981),
        ("00:10:00;00", NTSC_30, 17_982),  # every tenth minute keeps ;00 and ;01
        ("00:11:00;02", NTSC_30, 17_982 + 1800),
        ("01:00:00;00", NTSC_30, 107_892),
        ("23:59:59;29", NTSC_30, 24 * 6 * 17_982 - 1),
        ("00:01:00;04", NTSC_60, 3600),  # four labels dropped at 59.94
        ("00:10:00;00", NTSC_60, 35_964),
        ("01:00:00;00", NTSC_60, 215_784),
    ],
)
def test_drop_frame_timecode_matches_known_frame_counts(tc, fps, frames):
    assert parse_timecode(tc, fps) == frames
    assert format_timecode(frames, fps, drop_frame=True) == tc


@pytest.mark.parametrize("tc", ["00:01:00;02", "00:01:00.02", "00;01;00;02"])
def test_drop_frame_separators_are_accepted(tc):
    assert parse_timecode(tc, 29.97) == 1800


@pytest.mark.parametrize("fps", [NTSC_30, NTSC_60])
def test_drop_frame_round_trips_the_first_eleven_minutes_and_samples_of_the_day(fps):
    per_day = 24 * 6 * (10 * 60 * nominal_fps(fps) - 9 * 2 * nominal_fps(fps) // 30)
    every_frame = range(0, 11 * 60 * nominal_fps(fps))
    for frames in [*every_frame, *range(0, per_day, 997), per_day - 1]:
        tc = format_timecode(frames, fps, drop_frame=True)
        assert parse_timecode(tc, fps) == frames, tc


def test_drop_frame_labels_follow_each_other_without_gaps_except_at_minutes():
    labels = [format_timecode(f, NTSC_30, drop_frame=True) for f in range(1798, 1802)]
    assert labels == ["00:00:59;28", "00:00:59;29", "00:01:00;02", "00:01:00;03"]


def test_format_wraps_at_24_hours():
    assert format_timecode(24 * 3600 * 24, 24, drop_frame=False) == "00:00:00:00"
    assert format_timecode(24 * 6 * 17_982 + 5, NTSC_30, drop_frame=True) == "00:00:00;05"


def test_drop_frame_is_defined_only_at_2997_and_5994():
    assert is_drop_frame_rate(NTSC_30) and is_drop_frame_rate(59.94)
    assert not is_drop_frame_rate(30) and not is_drop_frame_rate(25)
    assert not is_drop_frame_rate(Fraction(24000, 1001))


@pytest.mark.parametrize(
    ("tc", "fps", "message"),
    [
        ("1:00:00:00", 24, "is not a timecode"),
        ("01:00:00", 24, "is not a timecode"),
        ("01-00-00-00", 24, "is not a timecode"),
        ("01:00:00:00:00", 24, "is not a timecode"),
        ("", 24, "is not a timecode"),
        ("aa:bb:cc:dd", 24, "is not a timecode"),
        ("01;00:00;00", NTSC_30, "is not a timecode"),
        ("01;00;00:00", NTSC_30, "mixes separators"),
        ("01:00:00:24", 24, "frames must be 00-23 at 24 fps"),
        ("01:00:00:25", 25, "frames must be 00-24"),
        ("01:00:00;30", NTSC_30, "frames must be 00-29"),
        ("01:60:00:00", 24, "minutes and seconds must be 00-59"),
        ("01:00:60:00", 24, "minutes and seconds must be 00-59"),
        ("24:00:00:00", 24, "hours must be 00-23"),
        ("00:01:00;00", NTSC_30, "does not exist in drop-frame timecode"),
        ("00:01:00;01", 29.97, "does not exist in drop-frame timecode"),
        ("00:01:00;03", NTSC_60, "does not exist in drop-frame timecode"),
        ("00:00:00;00", 25, "only at 29.97 and 59.94"),
        ("00:00:00;00", 30, "only at 29.97 and 59.94"),
        ("00:00:00:00", 0, "must be positive"),
        ("00:00:00:00", -24, "must be positive"),
        ("00:00:00:00", "fast", "is not a number"),
    ],
)
def test_malformed_timecode_raises_a_readable_error(tc, fps, message):
    with pytest.raises(ValueError, match=message):
        parse_timecode(tc, fps)


def test_non_string_timecode_raises_value_error():
    with pytest.raises(ValueError, match="must be a string"):
        parse_timecode(3600, 24)


@pytest.mark.parametrize(
    ("frames", "fps", "drop_frame", "message"),
    [
        (-1, 24, False, "must not be negative"),
        (1.5, 24, False, "whole number"),
        (0, 25, True, "only at 29.97 and 59.94"),
        (0, 30, True, "only at 29.97 and 59.94"),
    ],
)
def test_format_rejects_impossible_requests(frames, fps, drop_frame, message):
    with pytest.raises(ValueError, match=message):
        format_timecode(frames, fps, drop_frame=drop_frame)


# --- start timecode, frame rate and reel of real files, against ffprobe ------------------------------


# (rate, start timecode): every rate of the issue, drop-frame where it exists and non-drop at the same rate.
RATES_AND_TIMECODES = [
    ("24000/1001", "01:00:00:00"), ("24", "10:59:59:23"), ("25", "01:02:03:24"),
    ("30000/1001", "01:00:00;00"), ("30000/1001", "00:59:59:29"), ("30000/1001", "00:09:59;29"),
    ("30", "23:59:59:29"), ("50", "01:00:00:49"), ("60000/1001", "01:00:00;00"), ("60000/1001", "01:00:00:00"),
]
# container: (extension, video codec, reel written)
CONTAINERS = {"mov": ("mov", "libx264", True), "mp4": ("mp4", "libx264", False), "mxf": ("mxf", "mpeg2video", True)}


def write_clip(path, *, rate: str, timecode: str | None, codec: str, reel: str | None) -> None:
    args = ["ffmpeg", "-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", f"testsrc2=size=160x120:rate={rate}",
            "-t", "0.25", "-c:v", codec, "-pix_fmt", "yuv420p"]
    if timecode:
        args += ["-timecode", timecode]
    if reel and path.suffix == ".mov":
        args += ["-metadata:s:v:0", f"reel_name={reel}"]  # the mov muxer puts it on the tmcd track
    elif reel:
        args += ["-metadata", f"reel_name={reel}"]  # the mxf muxer puts it on every track
    subprocess.run([*args, str(path)], check=True)


def ffprobe_json(path) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def ffprobe_says(path) -> tuple[str, str | None, str | None]:
    """(r_frame_rate, timecode, reel_name) as ffprobe reports them, wherever it puts them."""
    raw = ffprobe_json(path)
    video = next(s for s in raw["streams"] if s["codec_type"] == "video")
    tags = [s.get("tags", {}) for s in raw["streams"]] + [raw["format"].get("tags", {})]
    timecode = next((t["timecode"] for t in tags if "timecode" in t), None)
    reel = next((t["reel_name"] for t in tags if "reel_name" in t), None)
    return video["r_frame_rate"], timecode, reel


@pytest.mark.parametrize("container", sorted(CONTAINERS))
@pytest.mark.parametrize(("rate", "timecode"), RATES_AND_TIMECODES)
def test_probe_stores_the_start_timecode_rate_and_reel_ffprobe_reports(tmp_path, container, rate, timecode):
    extension, codec, writes_reel = CONTAINERS[container]
    clip = tmp_path / f"A001C007.{extension}"
    write_clip(clip, rate=rate, timecode=timecode, codec=codec, reel="A001" if writes_reel else None)
    rate_said, timecode_said, reel_said = ffprobe_says(clip)

    result = probe(clip)

    assert timecode_said == timecode  # ffmpeg wrote what it was asked to
    assert result.start_timecode == timecode_said  # drop-frame or not, as its ';' says
    assert result.frame_rate == rate_said and Fraction(rate_said) == Fraction(rate)
    assert result.reel_name == reel_said == ("A001" if writes_reel else None)
    assert parse_timecode(result.start_timecode, result.frame_rate) == parse_timecode(timecode, Fraction(rate))


def test_clip_at_125_fps_without_timecode_has_none(tmp_path):
    clip = tmp_path / "timelapse.mp4"
    write_clip(clip, rate="25/2", timecode=None, codec="libx264", reel=None)

    result = probe(clip)

    assert result.frame_rate == ffprobe_says(clip)[0] == "25/2"
    assert result.frame_rate_fps == 12.5
    assert result.start_timecode is None and result.reel_name is None


def raw_with(streams=(), container=None) -> dict:
    return {"streams": list(streams), "format": {"tags": container or {}}}


@pytest.mark.parametrize(
    ("raw", "fps", "expected"),
    [
        # the timecode track wins over the video stream and the container
        (raw_with([{"codec_type": "video", "tags": {"timecode": "02:00:00:00"}},
                   {"codec_type": "data", "codec_tag_string": "tmcd", "tags": {"timecode": "01:00:00:00"}}],
                  {"timecode": "03:00:00:00"}), 24, "01:00:00:00"),
        (raw_with([{"codec_type": "video", "tags": {"TimeCode": "02:00:00:00"}}], {"timecode": "03:00:00:00"}), 24,
         "02:00:00:00"),
        (raw_with([{"codec_type": "video"}, {"codec_type": "data", "tags": {"timecode": "04:00:00:00"}}]), 25,
         "04:00:00:00"),
        (raw_with([{"codec_type": "video"}], {"timecode": "05:00:00;02"}), NTSC_30, "05:00:00;02"),
        # vendor keys of QuickTime/MXF metadata
        (raw_with([{"codec_type": "video"}], {"com.apple.quicktime.timecode": "06:00:00:00"}), 25, "06:00:00:00"),
        (raw_with([{"codec_type": "video"}], {"Start_TimeCode": "07:00:00:00"}), 50, "07:00:00:00"),
        # drop-frame written other ways comes back as HH:MM:SS;FF
        (raw_with([{"codec_type": "video", "tags": {"timecode": "01;00;00;00"}}]), NTSC_30, "01:00:00;00"),
        (raw_with([{"codec_type": "video", "tags": {"timecode": "01:00:00.00"}}]), NTSC_60, "01:00:00;00"),
        # unusable labels are skipped for the next source, or give None
        (raw_with([{"codec_type": "video", "tags": {"timecode": "01:00:00;00"}}], {"timecode": "08:00:00:00"}), 25,
         "08:00:00:00"),
        (raw_with([{"codec_type": "video", "tags": {"timecode": "01:00:00:30"}}]), 25, None),
        (raw_with([{"codec_type": "video", "tags": {"timecode": "garbage"}}]), 24, None),
        (raw_with([{"codec_type": "video"}]), 24, None),
        ({}, 24, None),
    ],
    ids=["tmcd-first", "video-tag", "other-stream", "container-df", "quicktime-key", "start-timecode-key",
         "df-semicolons", "df-dot", "df-at-25-skipped", "frames-past-rate", "garbage", "none", "empty-json"],
)
def test_start_timecode_is_found_where_cameras_and_muxers_put_it(raw, fps, expected):
    assert start_timecode_from_probe(raw, fps) == expected

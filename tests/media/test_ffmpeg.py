"""The dailies media pipeline on real clips with the real ffmpeg/ffprobe (no mocks).

Expected values were read by hand with
`ffprobe -v error -show_entries format=format_name,duration:stream=codec_name,width,height,
r_frame_rate,channels:stream_tags=timecode,reel_name -of compact <clip>`.
"""

import json
import os
import struct
import subprocess
from fractions import Fraction
from pathlib import Path

import pytest
from PIL import Image

from apps.media.ffmpeg import (
    MediaCancelled,
    MediaError,
    ffmpeg_command_for_proxy,
    make_filmstrip,
    make_poster,
    make_proxy,
    make_waveform,
    probe,
    proxy_command,
)
from apps.media.timecode import parse_timecode

REPO = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("SLATE_SHARED_DATA", REPO / ".." / "shared" / "data"))
VIDEO = DATA / "video"

MP4 = "mov,mp4,m4a,3gp,3g2,mj2"
# file: (format_name, width, height, frame_rate, video, audio, channels, duration_s, tc, reel)
EXPECTED = {
    "tears_of_steel_640x360_10s.mp4": (
        MP4, 640, 360, "24/1", "h264", None, None, 10.0, None, None),
    "big_buck_bunny_720p_h264_aac51_5s.mp4": (
        MP4, 1280, 720, "25/1", "h264", "aac", 6, 5.312, None, None),
    "big_buck_bunny_0_30_vp8_vorbis_30s.webm": (
        "matroska,webm", 1280, 720, "24/1", "vp8", "vorbis", 2, 30.003, None, None),
    "big_buck_bunny_432_433_vp8_vorbis_1s.webm": (
        "matroska,webm", 1280, 720, "24/1", "vp8", "vorbis", 2, 1.0, None, None),
    "derived_tos_prores_proxy_tc_01000000.mov": (
        MP4, 640, 360, "24/1", "prores", "pcm_s24le", 2, 3.0, "01:00:00:00", "A001C003"),
    "intel_car-detection_h264_aac.mp4": (
        MP4, 768, 432, "25/2", "h264", "aac", 2, 30.208, None, None),
}


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-y", *args], check=True)


def ffprobe_streams(path: Path) -> dict:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
        check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(out)


def top_level_boxes(path: Path) -> list[str]:
    """The ISO BMFF top-level box types in file order (ISO/IEC 14496-12, 4.2)."""
    data, offset, boxes = path.read_bytes(), 0, []
    while offset + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[offset:offset + 8])
        if size == 1:
            size = struct.unpack(">Q", data[offset + 8:offset + 16])[0]
        boxes.append(kind.decode("latin-1"))
        if size == 0:
            break
        offset += size
    return boxes


def dir_listing(path: Path) -> set[str]:
    return {p.name for p in path.iterdir()}


@pytest.fixture(scope="module")
def audio_only(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("audio") / "sound_only.m4a"
    ffmpeg("-i", str(VIDEO / "big_buck_bunny_720p_h264_aac51_5s.mp4"), "-t", "1", "-vn",
           "-c:a", "copy", str(path))
    return path


def test_every_sample_clip_has_expected_values():
    assert {p.name for p in VIDEO.iterdir()} == set(EXPECTED), f"sample clips in {VIDEO} changed"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_probe_reads_sample_clip(name):
    fmt, width, height, rate, vcodec, acodec, channels, duration_s, tc, reel = EXPECTED[name]

    result = probe(VIDEO / name)

    assert result.format_name == fmt
    assert (result.width, result.height) == (width, height)
    assert result.frame_rate == rate
    num, den = map(int, rate.split("/"))
    assert result.frame_rate_fps == pytest.approx(num / den)
    assert result.video_codec == vcodec
    assert result.audio_codec == acodec
    assert result.audio_channels == channels
    assert result.duration_s == pytest.approx(duration_s, abs=1 / result.frame_rate_fps)
    assert result.start_timecode == tc
    assert result.reel_name == reel
    assert result.size_bytes == (VIDEO / name).stat().st_size
    assert result.raw["format"]["format_name"] == fmt


def test_probe_reads_drop_frame_timecode_at_2997(tmp_path):
    clip = tmp_path / "df.mov"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30000/1001", "-t", "0.5",
           "-timecode", "01:00:00;00", "-c:v", "libx264", "-pix_fmt", "yuv420p", str(clip))

    result = probe(clip)

    assert result.frame_rate == "30000/1001"
    assert result.frame_rate_fps == pytest.approx(29.97, abs=0.001)
    assert result.start_timecode == "01:00:00;00"
    assert parse_timecode(result.start_timecode, result.frame_rate) == 107_892
    assert result.audio_codec is None and result.audio_channels is None


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_text("INT. KITCHEN - NIGHT\nThis is not a video.\n"),
         "ffprobe could not read the file: moov atom not found"),
        (lambda p: p.write_bytes(b""), "the file is empty"),
        (lambda p: p.write_bytes((VIDEO / "tears_of_steel_640x360_10s.mp4").read_bytes()[:30_000]),
         "ffprobe could not read the file: moov atom not found"),
        (lambda p: None, "the file does not exist"),
    ],
    ids=["text-renamed-mp4", "empty", "truncated-30kb", "missing"],
)
def test_probe_rejects_unreadable_file_with_readable_message(tmp_path, make, message):
    path = tmp_path / "A001C004.mp4"
    make(path)

    with pytest.raises(MediaError) as caught:
        probe(path)

    assert str(caught.value) == message
    assert "@ 0x" not in str(caught.value) and str(tmp_path) not in str(caught.value)


def test_probe_rejects_audio_only_file(audio_only):
    with pytest.raises(MediaError, match="^no video stream in the file$"):
        probe(audio_only)


@pytest.mark.parametrize(("suffix", "format_name"), [("jpg", "image2"), ("png", "png_pipe")])
def test_probe_rejects_still_image(tmp_path, suffix, format_name):
    still = tmp_path / f"frame.{suffix}"
    ffmpeg("-i", str(VIDEO / "tears_of_steel_640x360_10s.mp4"), "-frames:v", "1", str(still))

    with pytest.raises(MediaError, match=f"still image \\({format_name}\\), not a video"):
        probe(still)


def test_proxy_of_clip_with_51_audio_is_faststart_h264_aac_stereo(tmp_path):
    src = VIDEO / "big_buck_bunny_720p_h264_aac51_5s.mp4"
    dest = tmp_path / "proxy.mp4"
    source = probe(src)

    make_proxy(src, dest, duration_s=source.duration_s)

    info = ffprobe_streams(dest)
    video = next(s for s in info["streams"] if s["codec_type"] == "video")
    audio = [s for s in info["streams"] if s["codec_type"] == "audio"]
    assert video["codec_name"] == "h264" and video["pix_fmt"] == "yuv420p"
    assert (video["width"], video["height"]) == (1280, 720)
    assert video["r_frame_rate"] == source.frame_rate == "25/1"
    assert [(a["codec_name"], a["channels"]) for a in audio] == [("aac", 2)]
    assert float(info["format"]["duration"]) == pytest.approx(source.duration_s, abs=0.1)
    boxes = top_level_boxes(dest)
    assert boxes.index("moov") < boxes.index("mdat"), boxes
    assert dir_listing(tmp_path) == {"proxy.mp4"}


def test_proxy_of_clip_without_audio_is_scaled_down_keeping_timecode(tmp_path):
    src = tmp_path / "A001C005.mov"
    ffmpeg("-i", str(VIDEO / "derived_tos_prores_proxy_tc_01000000.mov"), "-t", "1", "-an",
           "-c", "copy", str(src))
    dest = tmp_path / "proxy.mp4"

    make_proxy(src, dest, duration_s=probe(src).duration_s, max_width=320)

    info = ffprobe_streams(dest)
    assert [s["codec_type"] for s in info["streams"]] == ["video", "data"]  # data: tmcd
    video = info["streams"][0]
    assert (video["codec_name"], video["pix_fmt"]) == ("h264", "yuv420p")
    assert (video["width"], video["height"]) == (320, 180)
    assert video["r_frame_rate"] == "24/1"
    assert float(info["format"]["duration"]) == pytest.approx(1.0, abs=0.1)
    assert video["tags"]["timecode"] == "01:00:00:00"  # the source's start timecode is kept


def test_proxy_is_never_upscaled_and_has_even_dimensions(tmp_path):
    src = tmp_path / "odd.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=321x241:rate=25", "-t", "0.4", "-c:v", "libx264",
           "-pix_fmt", "yuv444p", str(src))
    dest = tmp_path / "proxy.mp4"

    make_proxy(src, dest, duration_s=0.4)

    video = ffprobe_streams(dest)["streams"][0]
    assert (video["width"], video["height"]) == (320, 240)


def test_proxy_reports_increasing_progress_ending_at_one(tmp_path):
    src = VIDEO / "big_buck_bunny_0_30_vp8_vorbis_30s.webm"
    seen: list[float] = []

    make_proxy(src, tmp_path / "proxy.mp4", duration_s=30.003, max_width=320,
               on_progress=seen.append)

    assert len(seen) >= 2 and seen[-1] == 1.0
    assert seen == sorted(seen) and seen[0] < seen[-1]
    assert all(0.0 <= f <= 1.0 for f in seen)


def test_cancelling_from_progress_stops_and_leaves_nothing(tmp_path):
    src = VIDEO / "big_buck_bunny_0_30_vp8_vorbis_30s.webm"
    dest = tmp_path / "proxy.mp4"
    dest.write_bytes(b"the previous proxy")
    seen: list[float] = []

    with pytest.raises(MediaCancelled):
        make_proxy(src, dest, duration_s=30.003, on_progress=lambda f: seen.append(f) or False)

    assert len(seen) == 1 and seen[0] < 1.0
    assert dest.read_bytes() == b"the previous proxy"
    assert dir_listing(tmp_path) == {"proxy.mp4"}


def test_proxy_timeout_raises_and_leaves_nothing(tmp_path):
    src = VIDEO / "big_buck_bunny_0_30_vp8_vorbis_30s.webm"

    with pytest.raises(MediaError, match="took longer than the 0.3 s allowed"):
        make_proxy(src, tmp_path / "proxy.mp4", duration_s=30.003, timeout_s=0.3)

    assert dir_listing(tmp_path) == set()


def test_proxy_of_truncated_faststart_file_raises_ffmpeg_error_and_leaves_nothing(tmp_path):
    # moov comes first in this clip, so ffprobe reads the cut file; ffmpeg fails on the data.
    src = tmp_path / "cut.mp4"
    src.write_bytes((VIDEO / "intel_car-detection_h264_aac.mp4").read_bytes()[:30_000])
    assert top_level_boxes(VIDEO / "intel_car-detection_h264_aac.mp4")[1] == "moov"

    with pytest.raises(MediaError, match="^the proxy could not be made: .*partial file") as caught:
        make_proxy(src, tmp_path / "proxy.mp4", duration_s=30.2)

    assert "@ 0x" not in str(caught.value)
    assert dir_listing(tmp_path) == {"cut.mp4"}


def test_proxy_of_audio_only_file_raises_before_running_ffmpeg(tmp_path, audio_only):
    with pytest.raises(MediaError, match="^no video stream in the file$"):
        make_proxy(audio_only, tmp_path / "proxy.mp4", duration_s=1.0)

    assert dir_listing(tmp_path) == set()


def test_proxy_command_runs_bare(tmp_path):
    src = VIDEO / "tears_of_steel_640x360_10s.mp4"
    dest = tmp_path / "bare.mp4"

    argv = ffmpeg_command_for_proxy(src, dest, max_width=320, has_audio=False)
    subprocess.run([*argv[:1], "-t", "0.5", *argv[1:]], check=True, capture_output=True)

    assert argv.count("-i") == 1 and "-r" not in argv and "fps=" not in " ".join(argv)
    assert {"libx264", "yuv420p", "veryfast", "+faststart"} <= set(argv)
    assert "aac" not in argv and "0:a:0" not in argv
    assert ffprobe_streams(dest)["streams"][0]["width"] == 320
    with_audio = ffmpeg_command_for_proxy(src, dest)
    assert {"aac", "128k", "0:a:0"} <= set(with_audio)


@pytest.mark.parametrize(
    ("name", "kwargs", "size"),
    [
        ("big_buck_bunny_720p_h264_aac51_5s.mp4", {}, (1280, 720)),
        ("big_buck_bunny_720p_h264_aac51_5s.mp4", {"max_width": 320}, (320, 180)),
        ("derived_tos_prores_proxy_tc_01000000.mov", {"at_s": 999.0}, (640, 360)),  # past the end
        ("intel_car-detection_h264_aac.mp4", {"at_s": 0.0, "max_width": 2000}, (768, 432)),
    ],
)
def test_poster_is_a_jpeg_of_the_expected_size(tmp_path, name, kwargs, size):
    dest = tmp_path / "poster.jpg"

    make_poster(VIDEO / name, dest, **kwargs)

    with Image.open(dest) as image:
        assert image.format == "JPEG"
        assert image.size == size
    assert dir_listing(tmp_path) == {"poster.jpg"}


def test_poster_squares_anamorphic_pixels(tmp_path):
    src = tmp_path / "anamorphic.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=480x360:rate=24", "-t", "0.5", "-vf", "setsar=4/3",
           "-c:v", "libx264", "-pix_fmt", "yuv420p", str(src))

    make_poster(src, tmp_path / "poster.jpg")

    with Image.open(tmp_path / "poster.jpg") as image:
        assert image.size == (640, 360)


def test_poster_of_unreadable_file_raises_and_writes_nothing(tmp_path):
    src = tmp_path / "notes.mp4"
    src.write_text("not a video")

    with pytest.raises(MediaError, match="^ffprobe could not read the file"):
        make_poster(src, tmp_path / "poster.jpg")

    assert dir_listing(tmp_path) == {"notes.mp4"}


# --- constant frame rate, filmstrip, waveform, metadata ---------------------------------------------

def frame_times(path: Path) -> list[float]:
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "frame=pts_time",
                          "-of", "csv=p=0", str(path)], check=True, capture_output=True, text=True).stdout
    return sorted(float(line.strip(",")) for line in out.split())


@pytest.fixture(scope="module")
def variable_rate_clip(tmp_path_factory) -> Path:
    """30 fps with every fifth frame dropped and its timestamps kept: 24 pictures a second, at uneven times."""
    path = tmp_path_factory.mktemp("vfr") / "phone.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-f", "lavfi", "-i", "sine=frequency=440",
           "-t", "2", "-vf", "select='not(eq(mod(n,5),0))'", "-fps_mode", "vfr", "-c:v", "libx264",
           "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(path))
    return path


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_proxy_of_every_sample_clip_has_the_source_rate_constant(tmp_path, name):
    source = probe(VIDEO / name)
    dest = tmp_path / "proxy.mp4"

    make_proxy(VIDEO / name, dest, duration_s=source.duration_s, max_width=320, info=source)

    video = ffprobe_streams(dest)["streams"][0]
    assert video["r_frame_rate"] == video["avg_frame_rate"] == source.frame_rate
    fps = Fraction(source.frame_rate)
    times = frame_times(dest)
    assert times == pytest.approx([float(n / fps) for n in range(len(times))], abs=1e-3)  # frame n at n/fps


def test_proxy_of_a_variable_rate_clip_is_constant_at_the_nearest_standard_rate(tmp_path, variable_rate_clip):
    raw = ffprobe_streams(variable_rate_clip)["streams"][0]
    assert raw["r_frame_rate"] != raw["avg_frame_rate"]  # ffprobe sees a variable rate
    source = probe(variable_rate_clip)
    assert source.frame_rate == "24/1"
    dest = tmp_path / "proxy.mp4"

    make_proxy(variable_rate_clip, dest, duration_s=source.duration_s, info=source)

    video = ffprobe_streams(dest)["streams"][0]
    assert video["r_frame_rate"] == video["avg_frame_rate"] == "24/1"
    times = frame_times(dest)
    assert times == pytest.approx([n / 24 for n in range(len(times))], abs=1e-3)
    assert len(times) == pytest.approx(24 * 2, abs=2)


def test_proxy_command_is_the_argv_make_proxy_runs(tmp_path):
    src = VIDEO / "derived_tos_prores_proxy_tc_01000000.mov"
    info = probe(src)

    argv = proxy_command(src, tmp_path / "p.mp4", info, max_width=640)

    assert argv[argv.index("-timecode") + 1] == "01:00:00:00"
    assert "fps=fps=24/1" in argv[argv.index("-filter_complex") + 1]
    assert {"aac", "+faststart", "libx264"} <= set(argv)


@pytest.mark.parametrize(("frames", "max_tiles", "count", "columns", "rows", "step"),
                         [(72, 100, 72, 10, 8, 1), (72, 10, 9, 9, 1, 8), (240, 100, 80, 10, 8, 3), (5, 100, 5, 5, 1, 1)])
def test_filmstrip_is_a_sprite_sheet_with_its_index(tmp_path, frames, max_tiles, count, columns, rows, step):
    src = tmp_path / "proxy.mp4"
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=size=320x180:rate=24", "-frames:v", str(frames), "-c:v", "libx264",
           "-pix_fmt", "yuv420p", str(src))
    dest = tmp_path / "filmstrip.jpg"

    meta = make_filmstrip(src, dest, frame_count=frames, frame_rate="24/1", max_tiles=max_tiles, tile_width=96)

    assert meta == {"columns": columns, "rows": rows, "count": count, "tile_width": 96, "tile_height": 54,
                    "interval_s": step / 24, "frames": list(range(0, frames, step))}
    with Image.open(dest) as image:
        assert image.format == "JPEG" and image.size == (columns * 96, rows * 54)
    assert dir_listing(tmp_path) == {"proxy.mp4", "filmstrip.jpg"}


def test_filmstrip_of_unreadable_proxy_raises_and_leaves_nothing(tmp_path):
    src = tmp_path / "proxy.mp4"
    src.write_text("not a video")

    with pytest.raises(MediaError, match="^the filmstrip could not be made: "):
        make_filmstrip(src, tmp_path / "filmstrip.jpg", frame_count=10, frame_rate="24/1")

    assert dir_listing(tmp_path) == {"proxy.mp4"}


def test_waveform_is_a_png_of_the_configured_size(tmp_path):
    src = VIDEO / "big_buck_bunny_720p_h264_aac51_5s.mp4"
    dest = tmp_path / "waveform.png"

    meta = make_waveform(src, dest, size="900x60", duration_s=5.312)

    assert meta == {"width": 900, "height": 60, "duration_s": 5.312}
    with Image.open(dest) as image:
        assert image.format == "PNG" and image.size == (900, 60)
        assert image.getextrema()[3][1] > 0  # some sound was drawn (alpha channel not all transparent)


def test_waveform_of_clip_without_audio_raises_and_leaves_nothing(tmp_path):
    with pytest.raises(MediaError, match="^the waveform could not be made"):
        make_waveform(VIDEO / "tears_of_steel_640x360_10s.mp4", tmp_path / "waveform.png", duration_s=10.0)

    assert dir_listing(tmp_path) == set()


def test_probe_reads_recording_time_clip_name_and_slate_tags(tmp_path):
    clip = tmp_path / "A001C003.mov"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=160x120:rate=24", "-t", "0.2", "-c:v", "libx264",
           "-metadata", "creation_time=2025-03-04T05:06:07Z", "-metadata", "com.arri.camera.ClipName=A001C003_250304",
           "-metadata", "com.blackmagic-design.camera.scene=12A", "-movflags", "use_metadata_tags", str(clip))

    result = probe(clip)

    assert result.recorded_at.isoformat() == "2025-03-04T05:06:07+00:00"
    assert result.clip_name == "A001C003_250304"
    assert result.tags["com.blackmagic-design.camera.scene"] == "12A"
    assert result.frame_count == 5


def test_placeholder_creation_time_is_not_a_recording_time():
    result = probe(VIDEO / "big_buck_bunny_720p_h264_aac51_5s.mp4")  # creation_time 1970-01-01

    assert result.recorded_at is None
    assert probe(VIDEO / "intel_car-detection_h264_aac.mp4").recorded_at.isoformat() == "2018-04-19T22:46:00+00:00"


def test_a_worker_without_ffmpeg_says_so_instead_of_blaming_the_file(tmp_path, monkeypatch):
    clip = tmp_path / "clip.mov"
    clip.write_bytes(b"not looked at")
    monkeypatch.setenv("PATH", str(tmp_path))  # no ffmpeg, no ffprobe on it

    from apps.media.ffmpeg.running import ToolMissing, run_picture, run_with_progress

    with pytest.raises(ToolMissing, match=r"^ffprobe is not installed on the worker .* install ffmpeg there, then retry$"):
        probe(clip)
    with pytest.raises(MediaError, match=r"^ffmpeg is not installed on the worker"):
        run_picture(["ffmpeg", "-i", str(clip), str(tmp_path / "poster.jpg")], "the poster", clip, timeout_s=5)
    with pytest.raises(MediaError, match=r"^ffmpeg is not installed on the worker"):
        run_with_progress(["ffmpeg", "-i", str(clip), str(tmp_path / "proxy.mp4")], clip, 1.0, None, timeout_s=5)

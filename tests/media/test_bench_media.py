"""`manage.py bench_media` prints its table (timings are printed, never asserted)."""
import re
import shutil
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

ROW = re.compile(r"^(?P<name>\S.*?)\s+(?P<duration>\d+\.\d\d)\s+(?P<bare>\d+\.\d\d)\s+(?P<encode>\d+\.\d\d)\s+"
                 r"(?P<check>\d+\.\d\d)\s+(?P<speed>\d+\.\d)x\s+(?P<ratio>\d+\.\d{3})\s+(?P<with_check>\d+\.\d{3})$")


def test_bench_prints_one_row_per_clip_and_a_total(shared_data, tmp_path):
    clips = tmp_path / "video"
    clips.mkdir()
    shutil.copy(shared_data / "video" / "big_buck_bunny_432_433_vp8_vorbis_1s.webm", clips)
    out = StringIO()

    call_command("bench_media", "--repeat", "1", "--clips", str(clips), stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[1].split() == ["clip", "duration", "s", "bare", "s", "encode", "s", "check", "s", "speed", "x", "wrapper", "+check"]
    rows = [ROW.match(line) for line in lines[3:-1] if not line.startswith("-")]
    assert all(rows), lines
    assert [r["name"] for r in rows] == ["big_buck_bunny_432_433_vp8_vorbis_1s.webm", "total"]
    assert rows[0]["duration"] == "1.00" and rows[1]["duration"] == "1.00"
    assert float(rows[0]["ratio"]) > 0 and float(rows[0]["speed"]) > 0
    assert float(rows[0]["with_check"]) >= float(rows[0]["ratio"])
    assert lines[-1].startswith("wrapper = ")


def test_bench_refuses_an_empty_folder(tmp_path):
    with pytest.raises(CommandError, match="No clips in"):
        call_command("bench_media", "--clips", str(tmp_path), stdout=StringIO())

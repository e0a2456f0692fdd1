"""A worker killed mid-encode (SIGKILL, as the kernel's out-of-memory killer does) takes its ffmpeg
with it, and its scratch folder is removed when a worker starts again — never a live worker's.

Real processes: a Python process runs `apps.media.ffmpeg.run_with_progress` on a real clip from
shared/data/video inside `apps.jobs.scratch.scratch_dir`, and is SIGKILLed alone (not its group).
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from apps.jobs import scratch
from tests.procs import alive, children

REPO = Path(__file__).resolve().parents[2]
CLIP = Path(os.environ.get("SLATE_SHARED_DATA", REPO.parent / "shared" / "data")) / "video" / "big_buck_bunny_0_30_vp8_vorbis_30s.webm"

ENCODER = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from apps.jobs.scratch import scratch_dir
    from apps.media import ffmpeg

    clip = Path(sys.argv[1])
    info = ffmpeg.probe(clip)
    with scratch_dir("slate-media-") as tmp:
        out = Path(tmp) / "proxy.mp4"
        print("SCRATCH", tmp, flush=True)
        def report(fraction):
            print("PROGRESS", fraction, flush=True)
        ffmpeg.run_with_progress(ffmpeg.proxy_command(clip, out, info), clip, info.duration_s, report, 120)
    print("DONE", flush=True)
""")


@pytest.fixture
def temp_root(tmp_path, monkeypatch):
    """The system temp dir of this test and of the processes it starts: a private folder."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setenv("TMPDIR", str(root))
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    return root


def start_encoder() -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO), "DJANGO_SETTINGS_MODULE": "tests.settings"}
    return subprocess.Popen([sys.executable, "-c", ENCODER, str(CLIP)], cwd=REPO, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_sigkilled_encoder_takes_its_ffmpeg_with_it_and_its_scratch_folder_goes_at_the_next_start(temp_root):
    encoder = start_encoder()
    try:
        scratch_path = None
        for line in encoder.stdout:  # until ffmpeg has really started encoding
            if line.startswith("SCRATCH "):
                scratch_path = Path(line.split(" ", 1)[1].strip())
            if line.startswith("PROGRESS ") and float(line.split()[1]) > 0.02:
                break
        else:
            pytest.fail(f"the encoder ended early: {encoder.stderr.read()[-2000:]}")
        ffmpegs = [pid for pid, cmd in children(encoder.pid).items() if cmd.startswith("ffmpeg ")]
        assert len(ffmpegs) == 1
        assert (scratch_path / "proxy.mp4").exists() and scratch_path.name.startswith(f"slate-media-{encoder.pid}.")

        # When the encoding process alone is SIGKILLed (its process group is not)
        os.kill(encoder.pid, signal.SIGKILL)
        killed = time.monotonic()
        encoder.wait(5)

        # Then its ffmpeg is gone within a second or two, not left encoding
        while alive(ffmpegs[0]) and time.monotonic() - killed < 2.0:
            time.sleep(0.02)
        assert not alive(ffmpegs[0]), "ffmpeg survived the worker that started it"
        # and its scratch folder, with the partial proxy, is left until a worker starts
        assert scratch_path.is_dir()
        with scratch.scratch_dir("slate-media-") as live:  # a live worker's folder (this process's)
            other = temp_root / "slate-media-notes"  # not a scratch folder's name
            other.mkdir()

            removed = scratch.remove_orphaned()

            assert removed == [scratch_path]
            assert not scratch_path.exists()
            assert Path(live).is_dir() and other.is_dir()
    finally:
        if encoder.poll() is None:
            encoder.kill()
            encoder.wait(5)


def test_a_dead_owner_whose_pid_was_given_to_another_process_does_not_keep_its_folder(temp_root):
    # This process's pid, but another start time: a dead worker whose pid the kernel gave to us.
    start = scratch.owner_tag().split(".")[1]
    stale = temp_root / f"slate-clip-{os.getpid()}.{int(start) + 1}-abcd1234"
    stale.mkdir()
    (stale / "clip.mp4").write_bytes(b"partial")

    assert scratch.remove_orphaned() == [stale]
    assert not stale.exists()


def test_scratch_folders_are_named_after_their_owner_and_removed_after_the_block(temp_root):
    with scratch.scratch_dir("slate-reel-") as path:
        assert Path(path).parent == temp_root
        assert Path(path).name.startswith(f"slate-reel-{scratch.owner_tag()}-")
        assert scratch.remove_orphaned() == []
    assert not Path(path).exists()
    with pytest.raises(ValueError):
        with scratch.scratch_dir("slate-unknown-"):
            pass

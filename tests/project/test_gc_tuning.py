"""The web process's garbage-collector settings (project/gc_tuning.py)."""
from __future__ import annotations

import gc
import subprocess
import sys

import pytest

from project.gc_tuning import parse_threshold


@pytest.mark.parametrize("text, expected", [("10000,10,10", (10000, 10, 10)), ("5000", (5000,)), ("0", None), ("", None), (" 700, 10 ", (700, 10))])
def test_a_threshold_is_read_as_gc_set_threshold_takes_it(text, expected):
    assert parse_threshold(text) == expected


@pytest.mark.parametrize("text", ["-1", "a,b", "1,2,3,4", "10,0"])
def test_a_threshold_that_is_not_one_is_refused(text):
    with pytest.raises(ValueError):
        parse_threshold(text)


def test_loading_the_asgi_application_freezes_start_up_and_sets_the_threshold(tmp_path):
    """In a process of its own, as a web process loads it: start-up's objects are frozen, the threshold set."""
    code = ("import gc, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'project.settings'; "
            "import project.asgi; print(gc.get_freeze_count() > 100_000, gc.get_threshold())")
    env = {"DEBUG": "true", "SLATE_GC_THRESHOLD": "12345,11,12", "PATH": "/usr/bin:/bin", "SLATE_VAR_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env, cwd=str(__import__("pathlib").Path(__file__).resolve().parents[2]))
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "True (12345, 11, 12)", out.stdout
    assert gc.get_threshold()[0] != 12345  # the test process itself is left alone

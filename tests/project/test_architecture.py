"""The architecture as a contract (docs/architecture.md): the layers hold, and a change that breaks them fails here.

- import-linter (`.importlinter`) checks the apps' layers — infrastructure (core → realtime → jobs), the
  tenancy root (accounts, productions), notifications, the domain apps, the tools (demo) —, that no two
  apps import each other (no cycle), and inside each app: api above services above serializers above
  models. Imports inside functions count too.
- A copy of `apps/` with one import pointing a layer up makes `lint-imports` fail and name that import.
- No module in apps/ is over 400 lines (migrations aside); realtime finds no serializer by a dotted path.
- Every module-level function in apps/ has a caller in apps/ or project/ (vulture; tests are not callers:
  a service only tests call is dead code a reader would follow by its name).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
VULTURE = Path(sys.executable).with_name("vulture")
# Functions called by a framework, not by our code: registered by their decorator (atexit, Huey, job handlers)
# or named by a setting (`handler404 = "apps.core.views.not_found"` in project/urls.py).
CALLED_BY_FRAMEWORK = ["--ignore-decorators", "@atexit.register,@job_handler,@db_periodic_task,@db_task,@HUEY.on_startup,@receiver",
                       "--ignore-names", "not_found,__getattr__"]
MAX_LINES = 400


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """`lint-imports` over the `apps` package under `root`, with the repository's contract (no cache: a copy changes)."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(LINT_IMPORTS), "--config", str(ROOT / ".importlinter"), "--no-cache"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_layer_contracts_hold():
    done = lint_imports(ROOT)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 3 kept, 0 broken." in done.stdout, done.stdout


@pytest.fixture(scope="module")
def apps_copy(tmp_path_factory) -> Path:
    """A copy of apps/ (sources only) to break on purpose."""
    root = tmp_path_factory.mktemp("layers")
    shutil.copytree(ROOT / "apps", root / "apps", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return root


@pytest.mark.parametrize("module, line, named", [
    # the bottom layer pointing up: core importing a domain app
    ("apps/core/errors.py", "from apps.scenes.models import Scene", "apps.core.errors -> apps.scenes.models"),
    # infrastructure pointing up inside a function: realtime importing the tenancy root
    ("apps/realtime/events.py", "def _up():\n    from apps.productions.models import Production", "apps.realtime.events -> apps.productions.models"),
    # a domain app's services importing its own HTTP layer
    ("apps/scenes/services.py", "from apps.scenes.api import SceneViewSet", "apps.scenes.services -> apps.scenes.api"),
    # two domain apps using each other both ways (comments already import continuity's notes)
    ("apps/continuity/services.py", "from apps.comments.services import comment_create", ".continuity -> .comments"),
])
def test_an_import_that_points_a_layer_up_fails_with_the_import_named(apps_copy, module, line, named):
    path = apps_copy / module
    original = path.read_text()
    path.write_text(original + f"\n\n{line}  # noqa\n")
    try:
        done = lint_imports(apps_copy)
    finally:
        path.write_text(original)

    assert done.returncode != 0, done.stdout
    assert "BROKEN" in done.stdout
    assert named in done.stdout, done.stdout


def test_no_module_in_apps_is_over_400_lines():
    sizes = {str(path.relative_to(ROOT)): len(path.read_text().splitlines())
             for path in (ROOT / "apps").rglob("*.py") if "migrations" not in path.parts}

    assert {path: lines for path, lines in sizes.items() if lines > MAX_LINES} == {}


def test_realtime_finds_no_serializer_by_a_dotted_path():
    found = [f"{path.relative_to(ROOT)}:{number}" for path in (ROOT / "apps" / "realtime").rglob("*.py")
             for number, text in enumerate(path.read_text().splitlines(), 1) if "import_string" in text]

    assert found == []


def test_every_function_in_apps_has_a_caller_outside_the_tests():
    done = subprocess.run([str(VULTURE), "apps", "project", "--min-confidence", "60", "--exclude", "*/migrations/*",
                           *CALLED_BY_FRAMEWORK], cwd=ROOT, capture_output=True, text=True, timeout=120)

    assert done.stderr == ""
    assert [line for line in done.stdout.splitlines() if "unused function" in line] == []


def test_the_function_check_finds_a_function_nobody_calls(tmp_path):
    (tmp_path / "lonely.py").write_text("def used():\n    return 1\n\n\ndef orphan():\n    return used()\n")

    done = subprocess.run([str(VULTURE), str(tmp_path), "--min-confidence", "60", *CALLED_BY_FRAMEWORK],
                          capture_output=True, text=True, timeout=60)

    assert "unused function 'orphan'" in done.stdout
    assert "'used'" not in done.stdout

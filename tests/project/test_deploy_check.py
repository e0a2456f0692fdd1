"""`manage.py check --deploy` is clean with production-style settings, and unsafe settings are refused."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_", "DJANGO_"))}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120)


def test_deploy_checklist_is_clean_with_production_settings():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DEBUG="false", SECRET_KEY="k" * 20 + "production-secret-with-enough-entropy-0123456789",
        ALLOWED_HOSTS="slate.example.com", CSRF_TRUSTED_ORIGINS="https://slate.example.com",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_a_secret_key_refuses_to_start():
    result = _manage("check", DEBUG="false", ALLOWED_HOSTS="slate.example.com")

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_without_allowed_hosts_refuses_to_start():
    result = _manage("check", DEBUG="false", SECRET_KEY="x" * 50)

    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_models_and_migrations_agree():
    result = _manage("makemigrations", "--check", "--dry-run", DEBUG="true")

    assert result.returncode == 0, result.stdout + result.stderr

"""Emailed deep links point at the address the app serves: SLATE_PUBLIC_URL, else SLATE_HOST/SLATE_PORT (project/settings.py)."""
from __future__ import annotations

import runpy
from pathlib import Path

import pytest

SETTINGS = Path(__file__).resolve().parents[2] / "project" / "settings.py"


def settings_with(monkeypatch, tmp_path, **env) -> dict:
    """project/settings.py evaluated afresh under `env` (production-style, so no local .env default matters)."""
    base = {"DEBUG": "false", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "slate.example.com", "SLATE_VAR_DIR": str(tmp_path),
            "SLATE_PUBLIC_URL": "", "SLATE_HOST": "127.0.0.1", "SLATE_PORT": "8000"}
    for name, value in {**base, **env}.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


@pytest.mark.parametrize("env, expected", [
    ({}, "http://127.0.0.1:8000"),
    ({"SLATE_PORT": "8500"}, "http://127.0.0.1:8500"),
    ({"SLATE_HOST": "192.168.1.20", "SLATE_PORT": "9000"}, "http://192.168.1.20:9000"),
    ({"SLATE_HOST": "0.0.0.0", "SLATE_PORT": "8500"}, "http://localhost:8500"),
    ({"SLATE_HOST": "::1"}, "http://[::1]:8000"),
    ({"SLATE_PORT": "8500", "SLATE_PUBLIC_URL": "https://slate.example.com"}, "https://slate.example.com"),
])
def test_links_point_at_the_served_address_unless_a_public_url_is_set(monkeypatch, tmp_path, env, expected):
    assert settings_with(monkeypatch, tmp_path, **env)["SLATE_PUBLIC_URL"] == expected

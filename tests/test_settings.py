"""Settings come from the environment, and production refuses to start without a secret key."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_check(**env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env |= {"DJANGO_SETTINGS_MODULE": "yongkang.settings", **env_overrides}
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_without_secret_key_says_what_to_do():
    result = run_check(DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_with_secret_key_starts():
    result = run_check(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 60)
    assert result.returncode == 0, result.stderr


def test_language_and_time_zone(settings):
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True

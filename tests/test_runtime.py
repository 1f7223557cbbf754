"""The runtime parts are the configured ones: CI's second run must really use PostgreSQL and
Redis, and the embedded default must be SQLite with a filesystem broker."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_database_and_cache_are_the_configured_ones():
    if settings.SEATWISE_EXPECT_SERVICES:
        assert connection.vendor == "postgresql"
        assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
        assert settings.CELERY_BROKER_URL.startswith("redis://")
    else:
        assert connection.vendor in {"sqlite", "postgresql"}
    cache.set("seatwise-runtime-probe", {"n": 1}, 30)
    assert cache.get("seatwise-runtime-probe") == {"n": 1}
    cache.delete("seatwise-runtime-probe")
    assert cache.get("seatwise-runtime-probe") is None


def test_production_settings_refuse_the_development_secret():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production"}
    env.pop("DJANGO_SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_production_settings_pass_check_deploy_with_the_required_variables(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "portal.example.com",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout

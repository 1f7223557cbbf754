"""The runtime parts are the configured ones: CI's second run must really use PostgreSQL and
Redis, and the embedded default must be SQLite with a filesystem broker."""

import json
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


def _settings_under(env_overrides: dict[str, str], tmp_path) -> dict:
    """Load the dev settings in a fresh interpreter with ``env_overrides`` and report the
    runtime parts they chose."""
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps({'db': settings.DATABASES['default']['ENGINE'], "
        "'db_name': str(settings.DATABASES['default']['NAME']), "
        "'cache': settings.CACHES['default']['BACKEND'], 'broker': settings.CELERY_BROKER_URL, "
        "'email': settings.EMAIL_BACKEND, 'email_host': getattr(settings, 'EMAIL_HOST', ''), "
        "'email_port': getattr(settings, 'EMAIL_PORT', 0)}))"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "REDIS_", "CELERY_", "EMAIL_", "CACHE_"))
    }
    env.update(DJANGO_SETTINGS_MODULE="config.settings.dev", SEATWISE_VAR_DIR=str(tmp_path))
    env.update(env_overrides)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_with_nothing_set_the_embedded_default_needs_no_server(tmp_path):
    chosen = _settings_under({}, tmp_path)
    assert chosen["db"] == "django.db.backends.sqlite3"
    assert chosen["db_name"] == str(tmp_path / "seatwise.sqlite3")
    assert chosen["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert chosen["broker"] == "filesystem://"
    assert chosen["email"] == "django.core.mail.backends.filebased.EmailBackend"


def test_environment_variables_switch_to_postgresql_redis_and_smtp(tmp_path):
    chosen = _settings_under(
        {
            "DATABASE_URL": "postgres://seatwise:secret@db.internal:5432/seatwise",
            "REDIS_URL": "redis://cache.internal:6379/0",
            "EMAIL_URL": "smtp://mailer:pw@smtp.internal:2525/?tls=True",
        },
        tmp_path,
    )
    assert chosen["db"] == "django.db.backends.postgresql"
    assert chosen["db_name"] == "seatwise"
    assert chosen["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert chosen["broker"] == "redis://cache.internal:6379/0"
    assert chosen["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (chosen["email_host"], chosen["email_port"]) == ("smtp.internal", 2525)


def test_the_usual_email_settings_also_select_smtp(tmp_path):
    chosen = _settings_under(
        {"EMAIL_HOST": "smtp.example.com", "EMAIL_PORT": "465", "CELERY_BROKER_URL": "amqp://x//"},
        tmp_path,
    )
    assert chosen["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (chosen["email_host"], chosen["email_port"]) == ("smtp.example.com", 465)
    assert chosen["broker"] == "amqp://x//"

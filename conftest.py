"""Shared pytest fixtures."""

import pytest
from django.core.cache import cache

# The Partner Center sandbox process, started once for the session by the first test that
# asks for it (tests/sandboxes/partner_center.py).
from tests.sandboxes.partner_center import partner_center_sandbox  # noqa: F401 (fixture)


@pytest.fixture(autouse=True)
def _isolated_var_dir(settings, tmp_path):
    """Every test writes mailbox files, clock offsets and media under its own directory."""
    settings.VAR_DIR = tmp_path / "var"
    settings.MAILBOX_DIR = tmp_path / "var" / "mailbox"
    settings.MEDIA_ROOT = tmp_path / "var" / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: generations restart with each test's database,
    so entries left by another test could otherwise look current."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def sms(settings):
    """Text messages and calls go to memory for this test; the list of what was sent."""
    from seatwise.notifications.sms import MemorySmsBackend

    settings.SMS_BACKEND = "seatwise.notifications.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    yield MemorySmsBackend.outbox
    MemorySmsBackend.outbox.clear()

"""Shared pytest fixtures."""

import pytest


@pytest.fixture(autouse=True)
def _isolated_var_dir(settings, tmp_path):
    """Every test writes mailbox files, clock offsets and media under its own directory."""
    settings.VAR_DIR = tmp_path / "var"
    settings.MAILBOX_DIR = tmp_path / "var" / "mailbox"
    settings.MEDIA_ROOT = tmp_path / "var" / "media"

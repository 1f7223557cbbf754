"""Mailbox housekeeping for the embedded default."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings

from seatwise.core import clock

MAILBOX_KEEP_DAYS = 14


def mailbox_prune(*, keep_days: int = MAILBOX_KEEP_DAYS) -> int:
    """Delete mailbox files (e-mail and SMS) older than ``keep_days``; return how many."""
    root = Path(settings.MAILBOX_DIR)
    if not root.exists():
        return 0
    cutoff = (clock.now() - dt.timedelta(days=keep_days)).timestamp()
    removed = 0
    for path in root.rglob("*"):
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink()
            removed += 1
    return removed

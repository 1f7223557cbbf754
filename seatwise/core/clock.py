"""The one clock. Every time-dependent rule calls ``now()`` or ``today()``.

Tests freeze it with time-machine (which moves ``datetime`` itself). The demo can shift it
forward: ``manage.py clock --shift 30d`` writes an offset to ``var/clock-offset`` that every
process (web, worker, beat) adds, so renewals and billing runs can be watched without waiting.
The offset is honoured only when ``SEATWISE_CLOCK_SHIFT`` is on (the default in DEBUG).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from django.conf import settings
from django.utils import timezone

_cache: dict[str, object] = {"mtime": None, "offset": dt.timedelta(0)}


def _offset_path() -> Path:
    return Path(settings.VAR_DIR) / "clock-offset"


def offset() -> dt.timedelta:
    if not getattr(settings, "SEATWISE_CLOCK_SHIFT", False):
        return dt.timedelta(0)
    path = _offset_path()
    try:
        mtime = os.stat(path).st_mtime_ns
    except FileNotFoundError:
        return dt.timedelta(0)
    if _cache["mtime"] != mtime:
        seconds = int(path.read_text().strip() or 0)
        _cache.update(mtime=mtime, offset=dt.timedelta(seconds=seconds))
    return _cache["offset"]  # type: ignore[return-value]


def now() -> dt.datetime:
    """The current time, aware, in UTC, plus the demo's shift if one is set."""
    return timezone.now() + offset()


def today() -> dt.date:
    return now().date()


def set_offset(delta: dt.timedelta) -> None:
    path = _offset_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(str(int(delta.total_seconds())))


def parse_duration(text: str) -> dt.timedelta:
    """``30d``, ``12h``, ``90m``, ``-1d`` -> timedelta."""
    text = text.strip()
    units = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
    if not text or text[-1] not in units:
        raise ValueError("Use a number followed by d, h, m or s, e.g. 30d")
    return dt.timedelta(**{units[text[-1]]: int(text[:-1])})

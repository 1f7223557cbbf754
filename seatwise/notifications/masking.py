"""Keep codes and secret links out of the delivery log (pure text functions)."""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "*"
# Four or more digits, possibly spaced or dashed as a voice call or a phone reads them.
_DIGIT_RUN = re.compile(r"\d(?:[ ,.\-]{0,2}\d){3,}")
_DIGIT = re.compile(r"\d")


def mask_secrets(text: str, *, secrets: Iterable[str] = ()) -> str:
    """``text`` with every known secret value and every run of 4+ digits masked."""
    for secret in sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, MASK * min(len(secret), 8))
    return _DIGIT_RUN.sub(lambda match: _DIGIT.sub(MASK, match.group()), text)

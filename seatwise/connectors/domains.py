"""Rules for the prefix of a Microsoft initial domain (``<prefix>.onmicrosoft.com``) and the
free names suggested when one is taken. Pure: no ORM, no network."""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.utils.translation import gettext as _

from seatwise.connectors.exceptions import InvalidTenantDomain

SUFFIX = ".onmicrosoft.com"
MIN_LENGTH = 2
MAX_LENGTH = 27
_PREFIX = re.compile(r"^[a-z0-9]+$")


def prefix_normalize(value: object) -> str:
    """``value`` without surrounding spaces, in lower case, with a pasted
    ``.onmicrosoft.com`` suffix removed. Does not validate."""
    text = str(value or "").strip().lower()
    if text.endswith(SUFFIX):
        text = text[: -len(SUFFIX)]
    return text


def prefix_validate(value: object) -> str:
    """The normalized prefix, or ``InvalidTenantDomain`` with a message the user can read."""
    prefix = prefix_normalize(value)
    if not prefix:
        raise InvalidTenantDomain(_("Enter a domain name."), details={"field": "domain"})
    if not _PREFIX.match(prefix):
        raise InvalidTenantDomain(
            _("Use Latin letters and digits only: no spaces, dots, dashes or other symbols."),
            details={"field": "domain"},
        )
    if not MIN_LENGTH <= len(prefix) <= MAX_LENGTH:
        raise InvalidTenantDomain(
            _("The domain name must have %(min)d to %(max)d characters.")
            % {"min": MIN_LENGTH, "max": MAX_LENGTH},
            details={"field": "domain"},
        )
    return prefix


def _fit(base: str, tail: str) -> str:
    return base[: MAX_LENGTH - len(tail)] + tail


def suggestion_candidates(*, prefix: str, country: str = "", year: int) -> Iterator[str]:
    """Names to try, in order, when ``prefix`` is taken: the name with the country code,
    with the year, then with 1, 2, 3…; each cut to fit the maximum length; no repeats."""
    seen = {prefix}
    tails = []
    country = re.sub(r"[^a-z]", "", (country or "").lower())
    if country:
        tails.append(country)
    tails.append(str(year))
    tails.extend(str(n) for n in range(1, 100))
    for tail in tails:
        candidate = _fit(prefix, tail)
        if candidate not in seen:
            seen.add(candidate)
            yield candidate

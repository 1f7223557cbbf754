"""Reads through the vendor ports: is a tenant domain free, and which free names to offer."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice

from seatwise.connectors.domains import prefix_validate, suggestion_candidates
from seatwise.connectors.ports import TenantDomainChecker
from seatwise.connectors.registry import MICROSOFT, connector_for
from seatwise.core import clock

SUGGESTIONS = 3
MAX_LOOKUPS = 12  # calls to the vendor for suggestions, at most, per check


@dataclass(frozen=True)
class DomainCheck:
    prefix: str
    available: bool
    suggestions: tuple[str, ...] = ()

    @property
    def domain(self) -> str:
        return f"{self.prefix}.onmicrosoft.com"


def tenant_domain_check(
    *, prefix: str, country: str = "", connector: TenantDomainChecker | None = None
) -> DomainCheck:
    """Whether ``<prefix>.onmicrosoft.com`` is free, asked through the Microsoft connector;
    when it is taken, up to three free variants (with the country code, the year, digits),
    each asked too. Raises ``InvalidTenantDomain`` for a malformed prefix and
    ``ConnectorUnavailable`` when the vendor cannot answer."""
    prefix = prefix_validate(prefix)
    connector = connector or connector_for(MICROSOFT)
    if connector.domain_available(prefix=prefix):
        return DomainCheck(prefix=prefix, available=True)
    candidates = suggestion_candidates(prefix=prefix, country=country, year=clock.today().year)
    found: list[str] = []
    for candidate in islice(candidates, MAX_LOOKUPS):
        if connector.domain_available(prefix=candidate):
            found.append(candidate)
            if len(found) == SUGGESTIONS:
                break
    return DomainCheck(prefix=prefix, available=False, suggestions=tuple(found))

"""The ports vendor connectors implement. Domain code depends on these protocols only and
finds an implementation through ``registry.connector_for``; it never imports a client."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class TenantDomainChecker(Protocol):
    """Availability of a Microsoft initial domain ``<prefix>.onmicrosoft.com``.

    Maps onto Partner Center's ``HEAD /v1/domains/{prefix}.onmicrosoft.com`` (200: the domain
    exists, so it is *not* available; 404: available). Both methods raise
    ``ConnectorUnavailable`` when the vendor cannot answer; they never guess.
    """

    def domain_available(self, *, prefix: str) -> bool:
        """True when nobody holds ``<prefix>.onmicrosoft.com`` (``prefix`` is lower case,
        Latin letters and digits, already validated)."""
        ...

    def domain_reserve(self, *, prefix: str) -> None:
        """Note that a customer registered with ``prefix``; the tenant is created later, at
        provisioning. Called inside the registration's transaction, after
        ``domain_available``. Raises ``TenantDomainTaken`` if it was taken meanwhile. A
        connector without reservations (Partner Center has none) does nothing."""
        ...

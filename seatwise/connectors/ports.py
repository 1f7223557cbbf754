"""The ports vendor connectors implement. Domain code depends on these protocols only and
finds an implementation through ``registry.connector_for``; it never imports a client."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from seatwise.connectors.vendor import (
    AgreementContact,
    NewCustomer,
    PurchaseItem,
    PurchaseResult,
    VendorCustomer,
    VendorSubscription,
)


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


@runtime_checkable
class MicrosoftCustomers(Protocol):
    """Customer tenants at Microsoft (Partner Center §9.2–9.4 and §11).

    Every write takes ``request_id``: the idempotency key of the logical operation (sent as
    ``MS-RequestId``), stored by the caller before the call and reused on every retry of the
    same operation, so a repeat never creates a second tenant or order. Errors are the typed
    exceptions of ``connectors.exceptions``: ``ConnectorUnavailable`` when the vendor cannot
    answer now (retry later with the same ``request_id``), ``VendorError`` subclasses for an
    answer that will not change on retry."""

    def customer_create(self, *, request_id: str, customer: NewCustomer) -> VendorCustomer:
        """Create the tenant; the answer carries the admin credentials, once."""
        ...

    def customer_get(self, *, customer_id: str) -> VendorCustomer: ...

    def customer_find(self, *, domain: str) -> VendorCustomer | None:
        """The partner's customer whose domain is ``domain`` (``x.onmicrosoft.com``), or
        ``None``: how an existing tenant shows up once it accepted the relationship link."""
        ...

    def relationship_link(self) -> str:
        """The reseller relationship URL a customer's admin opens to accept the partner."""
        ...

    def agreement_confirm(
        self, *, request_id: str, customer_id: str, contact: AgreementContact, accepted_at
    ) -> None:
        """Record the customer's acceptance of the Microsoft Customer Agreement; an
        acceptance already on record for the same contact is not an error."""
        ...


@runtime_checkable
class MicrosoftSubscriptions(Protocol):
    """Purchases and subscriptions (Partner Center §9.6–9.8)."""

    def purchase(
        self, *, request_id: str, customer_id: str, items: list[PurchaseItem]
    ) -> PurchaseResult:
        """Buy ``items`` for the customer (cart + checkout). Idempotent by ``request_id``:
        repeated after a lost answer, it returns the first purchase's result and buys
        nothing more."""
        ...

    def subscription_get(self, *, customer_id: str, subscription_id: str) -> VendorSubscription: ...

    def subscriptions_list(self, *, customer_id: str) -> list[VendorSubscription]: ...

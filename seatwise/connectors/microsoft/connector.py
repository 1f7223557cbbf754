"""The Partner Center connector: the ports ``TenantDomainChecker``, ``MicrosoftCustomers``
and ``MicrosoftSubscriptions`` over ``PartnerCenterClient`` (docs/adr/0016).

Select it with ``SEATWISE_MICROSOFT_CONNECTOR =
"seatwise.connectors.microsoft.connector.PartnerCenterConnector"``; ``connector_for(
"microsoft", provider=org)`` builds it from that provider's ``PartnerCenterCredentials``,
and without a provider (or a provider without a row) from the ``SEATWISE_PARTNER_CENTER_*``
settings."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

from seatwise.connectors.exceptions import ConnectorNotConfigured
from seatwise.connectors.microsoft import errors
from seatwise.connectors.microsoft.client import (
    DEFAULT_API_URL,
    DEFAULT_AUTHORITY_URL,
    PartnerCenterClient,
    PartnerCenterConfig,
)
from seatwise.connectors.microsoft.mapping import (
    LineError,
    OrderLine,
    agreement_body,
    agreement_template_id,
    cart_body,
    cart_line_errors,
    checkout_errors,
    customer_domain,
    customer_from_payload,
    enum,
    new_customer_body,
    order_lines,
    parse_datetime,
    prop,
    relationship_url,
    same_offer,
    subscription_from_order_line,
    subscription_from_payload,
    text,
)
from seatwise.connectors.models import PartnerCenterCredentials
from seatwise.connectors.vendor import (
    AgreementContact,
    NewCustomer,
    PurchaseItem,
    PurchaseResult,
    VendorCustomer,
    VendorSubscription,
)
from seatwise.core.errors import ValidationError

logger = logging.getLogger("seatwise.connectors.microsoft")

# uuid5 namespace of the request ids the connector derives from a caller's request id.
REQUEST_ID_NAMESPACE = uuid.UUID("8b0e7c52-58a1-4f7e-9d0c-5ea7f1d2c016")
# How long after its order became invisible a purchase is asked again (§7: up to 15 min).
ORDER_VISIBILITY_RETRY = 60.0

# One token cache per process, shared by the connectors it builds (keyed by credentials).
SHARED_TOKEN_CACHE: dict[tuple, Any] = {}


def derived_request_id(request_id: str, step: str) -> str:
    """A deterministic ``MS-RequestId`` for a later step of one logical operation: the
    sandbox (and Microsoft) refuse one id for two different requests, so checkout cannot
    reuse the cart's id, yet a replay must send the very same ids again."""
    return str(uuid.uuid5(REQUEST_ID_NAMESPACE, f"{request_id}:{step}"))


def _setting(name: str, default: Any) -> Any:
    value = getattr(settings, name, None)
    return default if value in (None, "") else value


def config_from_settings(**values: Any) -> PartnerCenterConfig:
    """A client configuration from the ``SEATWISE_PARTNER_CENTER_*`` settings; ``values``
    (credentials of a provider) win over the settings."""
    config = {
        "api_url": _setting("SEATWISE_PARTNER_CENTER_URL", DEFAULT_API_URL),
        "authority_url": _setting("SEATWISE_PARTNER_CENTER_AUTHORITY", DEFAULT_AUTHORITY_URL),
        "tenant_id": _setting("SEATWISE_PARTNER_CENTER_TENANT", ""),
        "client_id": _setting("SEATWISE_PARTNER_CENTER_CLIENT_ID", ""),
        "client_secret": _setting("SEATWISE_PARTNER_CENTER_CLIENT_SECRET", ""),
        "refresh_token": _setting("SEATWISE_PARTNER_CENTER_REFRESH_TOKEN", ""),
        "partner_id": _setting("SEATWISE_PARTNER_CENTER_PARTNER_ID", ""),
        "connect_timeout": float(_setting("SEATWISE_PARTNER_CENTER_CONNECT_TIMEOUT", 5.0)),
        "read_timeout": float(_setting("SEATWISE_PARTNER_CENTER_READ_TIMEOUT", 30.0)),
        "max_attempts": int(_setting("SEATWISE_PARTNER_CENTER_MAX_ATTEMPTS", 3)),
        "max_throttle_retries": int(_setting("SEATWISE_PARTNER_CENTER_MAX_THROTTLE_RETRIES", 3)),
        "max_inline_wait": float(_setting("SEATWISE_PARTNER_CENTER_MAX_INLINE_WAIT", 60.0)),
        "backoff_base": float(_setting("SEATWISE_PARTNER_CENTER_BACKOFF_BASE", 1.0)),
        "poll_interval": float(_setting("SEATWISE_PARTNER_CENTER_POLL_INTERVAL", 5.0)),
        "poll_timeout": float(_setting("SEATWISE_PARTNER_CENTER_POLL_TIMEOUT", 900.0)),
    }
    config.update({key: value for key, value in values.items() if value not in (None, "")})
    if not (config["tenant_id"] and config["client_id"] and config["client_secret"]):
        raise ConnectorNotConfigured(
            _("Partner Center credentials are not configured."),
            details={"vendor": "microsoft"},
        )
    return PartnerCenterConfig(**config)


def config_for(provider: Any = None) -> PartnerCenterConfig:
    """The configuration for ``provider`` (an organization or its id): its credentials row
    when it has one, else the settings."""
    row = None
    if provider is not None:
        row = PartnerCenterCredentials.objects.filter(organization=provider).first()
    if row is None:
        return config_from_settings()
    return config_from_settings(
        api_url=row.api_url,
        authority_url=row.authority_url,
        tenant_id=row.tenant_id,
        client_id=row.client_id,
        client_secret=row.client_secret(),
        refresh_token=row.refresh_token(),
        partner_id=row.partner_id,
    )


class PartnerCenterConnector:
    """Microsoft through Partner Center. Every write takes the caller's stored
    ``request_id`` and is safe to repeat with it."""

    vendor = "microsoft"

    def __init__(
        self,
        client: PartnerCenterClient | None = None,
        *,
        provider: Any = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        if client is None:
            options: dict[str, Any] = {"token_cache": SHARED_TOKEN_CACHE}
            if transport is not None:
                options["transport"] = transport
            if sleep is not None:
                options["sleep"] = sleep
            client = PartnerCenterClient(config_for(provider), **options)
        self.client = client
        self._agreement_template = ""

    def __repr__(self) -> str:
        return f"<PartnerCenterConnector {self.client!r}>"

    # --- TenantDomainChecker --------------------------------------------------------------

    def domain_available(self, *, prefix: str) -> bool:
        return not self.client.domain_exists(customer_domain(prefix))

    def domain_reserve(self, *, prefix: str) -> None:
        """Partner Center has no reservation: the domain is taken when the tenant is
        created (``customer_create`` raises ``TenantDomainTaken`` if it went meanwhile)."""
        return None

    # --- MicrosoftCustomers ---------------------------------------------------------------

    def customer_create(self, *, request_id: str, customer: NewCustomer) -> VendorCustomer:
        payload = self.client.customer_create(new_customer_body(customer), request_id=request_id)
        return customer_from_payload(payload)

    def customer_get(self, *, customer_id: str) -> VendorCustomer:
        return customer_from_payload(self.client.customer_get(customer_id))

    def customer_find(self, *, domain: str) -> VendorCustomer | None:
        wanted = domain.strip().lower()
        for payload in self.client.customers_list(domain_prefix=wanted):
            customer = customer_from_payload(payload)
            if customer.domain == wanted:
                return customer
        return None

    def relationship_link(self) -> str:
        """The reseller relationship URL, asking for no DAP (Seatwise uses GDAP, §11.1)."""
        url = relationship_url(self.client.relationship_request())
        parts = urlsplit(url)
        query = [
            (key, "false" if key.lower() == "dap" else value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
        ]
        return urlunsplit(parts._replace(query=urlencode(query)))

    def agreement_confirm(
        self, *, request_id: str, customer_id: str, contact: AgreementContact, accepted_at
    ) -> None:
        if not self._agreement_template:
            self._agreement_template = agreement_template_id(self.client.agreements_metadata())
        if not self._agreement_template:
            raise errors.PartnerCenterError(
                _("Partner Center offers no Microsoft Customer Agreement template.")
            )
        body = agreement_body(
            template_id=self._agreement_template, contact=contact, accepted_at=accepted_at
        )
        try:
            self.client.agreement_create(customer_id, body, request_id=request_id)
        except errors.AgreementAlreadyExists:
            logger.info("Customer %s had already accepted the agreement", customer_id)

    # --- MicrosoftSubscriptions -----------------------------------------------------------

    def subscription_get(self, *, customer_id: str, subscription_id: str) -> VendorSubscription:
        return subscription_from_payload(self.client.subscription_get(customer_id, subscription_id))

    def subscriptions_list(self, *, customer_id: str) -> list[VendorSubscription]:
        return [
            subscription_from_payload(payload)
            for payload in self.client.subscriptions_list(customer_id)
        ]

    def addons_list(self, *, customer_id: str, subscription_id: str) -> list[VendorSubscription]:
        return [
            subscription_from_payload(payload)
            for payload in self.client.addons_list(customer_id, subscription_id)
        ]

    def subscription_update(
        self,
        *,
        request_id: str,
        customer_id: str,
        subscription_id: str,
        quantity: int | None = None,
        status: str | None = None,
        auto_renew: bool | None = None,
        friendly_name: str | None = None,
    ) -> VendorSubscription:
        """Change a subscription by GET-modify-PATCH of the whole resource (§9.8), waiting
        out a 202. Only the arguments given change."""
        changes = {
            name: value
            for name, value in (
                ("quantity", quantity),
                ("status", status),
                ("auto_renew", auto_renew),
                ("friendly_name", friendly_name),
            )
            if value is not None
        }
        if not changes:
            return self.subscription_get(customer_id=customer_id, subscription_id=subscription_id)
        payload = self.client.subscription_update(
            customer_id, subscription_id, changes, request_id=request_id
        )
        return subscription_from_payload(payload)

    def purchase(
        self, *, request_id: str, customer_id: str, items: list[PurchaseItem]
    ) -> PurchaseResult:
        """Cart (``MS-RequestId`` = ``request_id``), then checkout (an id derived from it).

        Safe to repeat with the same ``request_id`` after any failure: the cart create is
        replayed into the same cart, the checkout into the same orders; a checkout refused
        because the cart was already ordered is recovered from the cart and the orders. A
        cart can be checked out once, so nothing is bought twice.

        The guarantee lasts as long as the vendor remembers request ids (24 h in the
        sandbox; Microsoft does not document its window): past it a repeat would create a
        new cart and buy again, so a caller reconciles an older pending purchase (its
        subscriptions, ``subscriptions_list``) instead of repeating it."""
        if not items:
            raise ValidationError(_("Nothing to buy."))
        cart = self.client.cart_create(customer_id, cart_body(items), request_id=request_id)
        line_errors = cart_line_errors(cart)
        if line_errors:
            raise self._line_error(line_errors[0], request_id=request_id)
        cart_id = text(prop(cart, "id"))
        result = self._checkout(request_id=request_id, customer_id=customer_id, cart=cart)
        orders = [order for order in prop(result, "orders", default=[]) or [] if order]
        failures = checkout_errors(result)
        if failures:
            partial = self._result(
                customer_id=customer_id, items=items, orders=orders, strict=False
            )
            error = self._line_error(failures[0], request_id=request_id)
            error.partial_result = partial
            error.details = {**error.details, "order_ids": list(partial.order_ids)}
            raise error
        logger.info(
            "Partner Center purchase %s: cart %s, %d order(s)", request_id, cart_id, len(orders)
        )
        return self._result(customer_id=customer_id, items=items, orders=orders, strict=True)

    # --- purchase internals ---------------------------------------------------------------

    def _checkout(self, *, request_id: str, customer_id: str, cart: Mapping) -> Mapping:
        """Check the cart out, or find what its earlier checkout produced: a checkout
        refused (already ordered, in progress, expired...) of a cart that *is* ordered is
        the answer to an earlier attempt that got lost."""
        cart_id = text(prop(cart, "id"))
        try:
            return self.client.cart_checkout(
                customer_id, cart_id, request_id=derived_request_id(request_id, "checkout")
            )
        except (errors.PartnerCenterError, errors.CartInProgress, errors.OrderInProgress) as exc:
            orders = self._orders_of_ordered_cart(
                customer_id=customer_id,
                cart_id=cart_id,
                order_ids=_order_ids_in(getattr(exc, "data", ())),
            )
            if orders is None:
                raise
            logger.info("Partner Center cart %s was already ordered; recovered", cart_id)
            return {"orders": orders}

    def _orders_of_ordered_cart(
        self, *, customer_id: str, cart_id: str, order_ids: Sequence[str] = ()
    ) -> list[dict] | None:
        """The orders an already checked-out cart became, or ``None`` when the cart is not
        ordered. Order ids come from the refusal (the sandbox's ``data``) or the cart's
        lines when they name them; otherwise orders are matched by their lines (offer and
        quantity per order group), nearest in time to the cart's last change."""
        cart = self.client.cart_get(customer_id, cart_id)
        if enum(prop(cart, "status")) != "ordered":
            return None
        lines = prop(cart, "lineItems", default=[]) or []
        named = list(order_ids) or sorted(
            (
                {text(prop(line, "orderId")) for line in lines}
                | {text(order_id) for order_id in prop(cart, "orderIds", default=[]) or []}
            )
            - {""}
        )
        if named:
            try:
                return [self.client.order_get(customer_id, order_id) for order_id in named]
            except errors.PartnerCenterNotFound:
                raise self._orders_not_visible() from None
        groups: dict[str, list[tuple[str, int]]] = {}
        for line in lines:
            group = text(prop(line, "orderGroup")) or "0"
            groups.setdefault(group, []).append(
                (text(prop(line, "catalogItemId")), int(prop(line, "quantity", default=0) or 0))
            )
        since = parse_datetime(prop(cart, "creationTimestamp"))
        anchor = parse_datetime(prop(cart, "lastModifiedTimestamp")) or since
        candidates = []
        for order in self.client.orders_list(customer_id):
            created = parse_datetime(prop(order, "creationDate"))
            if since and created and created < since - dt.timedelta(minutes=1):
                continue
            distance = abs((created - anchor).total_seconds()) if created and anchor else 0.0
            candidates.append((distance, order))
        candidates.sort(key=lambda pair: pair[0])
        found: list[dict] = []
        used: set[str] = set()
        for wanted in groups.values():
            for _distance, order in candidates:
                order_id = text(prop(order, "id"))
                if order_id in used:
                    continue
                if _same_lines(wanted, order_lines(order)):
                    found.append(order)
                    used.add(order_id)
                    break
            else:
                raise self._orders_not_visible()
        return found

    @staticmethod
    def _orders_not_visible() -> errors.PartnerCenterUnavailable:
        return errors.unavailable(
            _("The order is not visible at Partner Center yet; try again later."),
            retry_after=ORDER_VISIBILITY_RETRY,
            cls=errors.OperationPending,
        )

    def _result(
        self, *, customer_id: str, items: Sequence[PurchaseItem], orders: list, strict: bool
    ) -> PurchaseResult:
        """One subscription per item, in the order asked for. ``strict``: every item must
        be accounted for (else ``PurchaseIncomplete``)."""
        lines = [line for order in orders for line in order_lines(order)]
        order_ids = tuple(dict.fromkeys(line.order_id for line in lines if line.order_id))
        by_order: dict[str, list[VendorSubscription]] = {}
        for order_id in order_ids:
            by_order[order_id] = [
                subscription_from_payload(payload)
                for payload in self.client.subscriptions_list(customer_id, order_id=order_id)
            ]
        used_lines: set[int] = set()
        used_subscriptions: set[str] = set()
        chosen: list[VendorSubscription] = []
        for item in items:
            index = _pick_line(item, lines, used_lines)
            if index is None:
                if strict:
                    raise errors.PurchaseIncomplete(
                        _("Partner Center's orders do not include %(item)s.")
                        % {"item": item.catalog_item_id}
                    )
                continue
            used_lines.add(index)
            subscription = self._subscription_of(
                customer_id=customer_id,
                line=lines[index],
                known=by_order.get(lines[index].order_id, []),
                used=used_subscriptions,
            )
            used_subscriptions.add(subscription.subscription_id)
            chosen.append(subscription)
        return PurchaseResult(order_ids=order_ids, subscriptions=tuple(chosen))

    def _subscription_of(
        self,
        *,
        customer_id: str,
        line: OrderLine,
        known: list[VendorSubscription],
        used: set[str],
    ) -> VendorSubscription:
        subscription = None
        if line.subscription_id:
            subscription = next(
                (s for s in known if s.subscription_id == line.subscription_id), None
            )
            if subscription is None:
                try:
                    subscription = subscription_from_payload(
                        self.client.subscription_get(customer_id, line.subscription_id)
                    )
                except errors.PartnerCenterNotFound:
                    subscription = None
        else:
            subscription = next(
                (
                    s
                    for s in known
                    if s.subscription_id not in used
                    and same_offer(line.offer_id, s.offer_id)
                    and s.quantity == line.quantity
                ),
                None,
            )
        if subscription is None:
            return subscription_from_order_line(line)
        changes: dict[str, Any] = {}
        if not subscription.order_id:
            changes["order_id"] = line.order_id
        if subscription.unit_price is None and line.unit_price is not None:
            changes["unit_price"] = line.unit_price
            changes["currency"] = subscription.currency or line.currency
        return dataclasses.replace(subscription, **changes) if changes else subscription

    @staticmethod
    def _line_error(failure: LineError, *, request_id: str):
        body = errors.ErrorBody(
            http_status=400, vendor_code=failure.vendor_code, description=failure.description
        )
        return errors.error_for(body, request_id=request_id)


def _order_ids_in(data: Sequence[Any]) -> list[str]:
    """Order ids an error's ``data`` names (the sandbox's already-ordered refusal)."""
    found: list[str] = []
    for entry in data or ():
        for order_id in prop(entry, "orderIds", default=[]) or []:
            if text(order_id) and text(order_id) not in found:
                found.append(text(order_id))
    return found


def _same_lines(wanted: list[tuple[str, int]], got: list[OrderLine]) -> bool:
    if len(wanted) != len(got):
        return False
    remaining = list(got)
    for offer, quantity in wanted:
        match = next(
            (
                line
                for line in remaining
                if same_offer(offer, line.offer_id) and line.quantity == quantity
            ),
            None,
        )
        if match is None:
            return False
        remaining.remove(match)
    return True


def _pick_line(item: PurchaseItem, lines: list[OrderLine], used: set[int]) -> int | None:
    for exact in (True, False):
        for index, line in enumerate(lines):
            if index in used or not same_offer(item.catalog_item_id, line.offer_id):
                continue
            if not exact or line.quantity == item.quantity:
                return index
    return None

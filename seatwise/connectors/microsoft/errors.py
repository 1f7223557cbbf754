"""Partner Center's error answers as typed exceptions (contract §5, §6, §7, §10).

Two families, so a caller decides by class, never by parsing text:

* **permanent** (``PartnerCenterError``, a ``VendorError``): the vendor refused and will
  refuse again (a business rule, bad input). Show ``message`` (the vendor's description).
* **temporary** (``VendorRetryLater``, a ``ConnectorUnavailable``): try again later with the
  same request id, after ``retry_after`` seconds. The client never waits minutes itself; a
  task reschedules.

Every class has a stable snake_case ``code``; ``vendor_code`` keeps Microsoft's number.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.utils.translation import gettext as _

from seatwise.connectors.exceptions import (
    TenantDomainTaken,
    VendorError,
    VendorRetryLater,
)
from seatwise.core.errors import ApplicationError

# --- the parsed body ------------------------------------------------------------------------


@dataclass(frozen=True)
class ErrorBody:
    """One error answer, whatever its shape: the standard body (§5), the newer one with
    ``message``/``errorName``/``isRetryable``, the 429 body (§6), a cart line ``error`` or an
    ``orderErrors`` entry (§9.6)."""

    http_status: int
    vendor_code: str = ""
    description: str = ""
    error_name: str = ""
    is_retryable: bool | None = None
    data: tuple[Any, ...] = field(default=())


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def error_body_from_dict(payload: Any, *, http_status: int) -> ErrorBody:
    if not isinstance(payload, dict):
        return ErrorBody(http_status=http_status, description=_text(payload)[:1024])
    lowered = {str(key).lower(): value for key, value in payload.items()}
    code = lowered.get("code", lowered.get("errorcode"))
    if isinstance(code, float | int) and not isinstance(code, bool):
        code = int(code)
    description = (
        _text(lowered.get("description"))
        or _text(lowered.get("errordescription"))
        or _text(lowered.get("message"))
    )
    retryable = lowered.get("isretryable")
    data = lowered.get("data")
    return ErrorBody(
        http_status=http_status,
        vendor_code=_text(code),
        description=description[:1024],
        error_name=_text(lowered.get("errorname")),
        is_retryable=retryable if isinstance(retryable, bool) else None,
        data=tuple(data) if isinstance(data, list) else (),
    )


def error_body_parse(*, http_status: int, content: bytes) -> ErrorBody:
    """Parse an error response body; tolerant of an empty or non-JSON body."""
    if not content:
        return ErrorBody(http_status=http_status)
    try:
        payload = json.loads(content)
    except ValueError:
        return ErrorBody(
            http_status=http_status, description=content[:1024].decode("utf-8", "replace")
        )
    return error_body_from_dict(payload, http_status=http_status)


# --- permanent ------------------------------------------------------------------------------


class PartnerCenterError(VendorError):
    """Partner Center refused; retrying the same request will not help. The generic class
    for a 4xx whose code Seatwise does not know; ``message`` is the vendor's description."""

    code = "vendor_error"
    vendor_codes: ClassVar[tuple[str, ...]] = ()

    def __init__(self, message: str, *, vendor_code: str = "", details=None, code=None):
        super().__init__(message, vendor_code=vendor_code, details=details, code=code)
        self.http_status = 0
        self.error_name = ""
        self.data: tuple[Any, ...] = ()
        self.request_id = ""


class PartnerCenterUnauthorized(PartnerCenterError):
    """401 twice (even with a fresh token), or the token endpoint refused the credentials."""

    code = "vendor_unauthorized"
    status = 502


class PartnerCenterForbidden(PartnerCenterError):
    code = "vendor_forbidden"
    status = 502


class ConditionalAccessBlocked(PartnerCenterForbidden):
    code = "vendor_conditional_access_blocked"
    vendor_codes = ("900309",)


class AppUserTokenRequired(PartnerCenterError):
    """An App+User-only call got an app-only token: configure a refresh token."""

    code = "vendor_app_user_token_required"
    status = 502
    vendor_codes = ("900316",)


class PartnerCenterNotFound(PartnerCenterError):
    code = "vendor_not_found"
    status = 404


class PartnerCenterConflict(PartnerCenterError):
    code = "vendor_conflict"
    status = 409


class NoFreeLicences(PartnerCenterError):
    code = "no_free_licences"
    vendor_codes = ("60012",)


class OutsideWindow(PartnerCenterError):
    """The change is no longer allowed: its window (cancellation, seat reduction) passed."""

    code = "outside_window"


class CancellationWindowClosed(OutsideWindow):
    code = "cancellation_window_closed"
    vendor_codes = ("900117", "900213")


class SeatReductionWindowClosed(OutsideWindow):
    code = "seat_reduction_window_closed"
    vendor_codes = ("900257", "900214")


class QuantityCannotDecrease(PartnerCenterError):
    code = "quantity_cannot_decrease"
    vendor_codes = ("800090",)


class QuantityRuleViolated(PartnerCenterError):
    code = "quantity_rule_violated"


class QuantityWhileSuspended(QuantityRuleViolated):
    code = "quantity_change_while_suspended"
    vendor_codes = ("2001",)


class QuantityOutOfRange(QuantityRuleViolated):
    code = "quantity_out_of_range"
    vendor_codes = ("2002", "900275")


class SubscriptionSuspended(PartnerCenterError):
    code = "subscription_suspended"
    vendor_codes = ("800091",)


class AutoRenewNotEligible(PartnerCenterError):
    code = "auto_renew_not_eligible"
    vendor_codes = ("800093",)


class TrialTermChangeRefused(PartnerCenterError):
    code = "trial_term_change_refused"
    vendor_codes = ("800107",)


class CustomerDetailsRefused(PartnerCenterError):
    """The customer's company details miss what its country requires (§9.2)."""

    code = "customer_details_refused"


class RegistrationNumberMissing(CustomerDetailsRefused):
    code = "registration_number_missing"
    vendor_codes = ("600049",)


class RegistrationNumberInvalid(CustomerDetailsRefused):
    code = "registration_number_invalid"
    vendor_codes = ("600050",)


class PhoneNumberMissing(CustomerDetailsRefused):
    code = "phone_number_missing"
    vendor_codes = ("600051",)


class RegistrationNumberNotSupported(CustomerDetailsRefused):
    code = "registration_number_not_supported"
    vendor_codes = ("600002",)


class AgreementAlreadyExists(PartnerCenterError):
    code = "agreement_already_exists"
    status = 409
    vendor_codes = ("600061",)


class AddonWithoutBase(PartnerCenterError):
    code = "addon_without_base"
    vendor_codes = ("400041",)


class CustomerAgreementMissing(PartnerCenterError):
    """Sandbox-only code 990001: the customer has not accepted the MCA."""

    code = "customer_agreement_missing"
    vendor_codes = ("990001",)


class CartExpired(PartnerCenterError):
    """Sandbox-only code 990002."""

    code = "cart_expired"
    vendor_codes = ("990002",)


class MixedLicenceGroups(PartnerCenterError):
    """Sandbox-only code 990003."""

    code = "mixed_licence_groups"
    vendor_codes = ("990003",)


class RequestIdReused(PartnerCenterError):
    """Sandbox-only code 990004: one ``MS-RequestId`` sent for two different requests, a
    bug on our side."""

    code = "request_id_reused"
    status = 500
    vendor_codes = ("990004",)


class CartAlreadyOrdered(PartnerCenterError):
    """Sandbox-only code 990007: the cart was checked out before (the connector recovers
    the orders; callers see this only if that fails)."""

    code = "cart_already_ordered"
    status = 409
    vendor_codes = ("990007",)


class PurchaseIncomplete(PartnerCenterError):
    """Checkout answered, but its orders do not account for every item asked for."""

    code = "purchase_incomplete"
    status = 502


# --- temporary ------------------------------------------------------------------------------


class PartnerCenterUnavailable(VendorRetryLater):
    """Network error, timeout or 5xx, still so after the bounded retries."""

    code = "connector_unavailable"
    default_retry_after: ClassVar[float] = 60.0
    vendor_codes: ClassVar[tuple[str, ...]] = ()

    def __init__(self, message: str, *, retry_after: float, vendor_code: str = "", details=None):
        super().__init__(message, retry_after=retry_after, vendor_code=vendor_code, details=details)
        self.http_status = 0
        self.request_id = ""


class Throttled(PartnerCenterUnavailable):
    """429 more often than the client retries in place, or asking to wait longer than it
    waits in place; ``retry_after`` is the vendor's ``Retry-After``."""

    code = "vendor_throttled"


class SubscriptionNotReady(PartnerCenterUnavailable):
    """409 / 800082, or a 409 while a renewal is processed: resubmit after ≥ 2 minutes."""

    code = "subscription_not_ready"
    default_retry_after = 120.0
    vendor_codes = ("800082",)


class OrderInProgress(PartnerCenterUnavailable):
    code = "order_in_progress"
    default_retry_after = 30.0
    vendor_codes = ("800060",)


class CartInProgress(PartnerCenterUnavailable):
    code = "cart_in_progress"
    default_retry_after = 30.0
    vendor_codes = ("800064",)


class PendingOperation(PartnerCenterUnavailable):
    """900278: another operation on the subscription is pending; retry after 24 h."""

    code = "pending_operation"
    default_retry_after = 24 * 3600.0
    vendor_codes = ("900278",)


class OperationPending(PartnerCenterUnavailable):
    """A 202 (accepted) change did not show before the poll timeout. Ask again later with
    the same request id; it is not a failure."""

    code = "vendor_operation_pending"


PERMANENT_BY_CODE: dict[str, type[PartnerCenterError]] = {
    vendor_code: cls
    for cls in (
        ConditionalAccessBlocked,
        AppUserTokenRequired,
        NoFreeLicences,
        CancellationWindowClosed,
        SeatReductionWindowClosed,
        QuantityCannotDecrease,
        QuantityWhileSuspended,
        QuantityOutOfRange,
        SubscriptionSuspended,
        AutoRenewNotEligible,
        TrialTermChangeRefused,
        RegistrationNumberMissing,
        RegistrationNumberInvalid,
        PhoneNumberMissing,
        RegistrationNumberNotSupported,
        AgreementAlreadyExists,
        AddonWithoutBase,
        CustomerAgreementMissing,
        CartExpired,
        MixedLicenceGroups,
        RequestIdReused,
        CartAlreadyOrdered,
    )
    for vendor_code in cls.vendor_codes
}

TEMPORARY_BY_CODE: dict[str, type[PartnerCenterUnavailable]] = {
    vendor_code: cls
    for cls in (SubscriptionNotReady, OrderInProgress, CartInProgress, PendingOperation)
    for vendor_code in cls.vendor_codes
}

# Operation names the client passes, where one status means something particular.
CUSTOMER_CREATE = "customer_create"
SUBSCRIPTION_UPDATE = "subscription_update"


def unavailable(
    message: str,
    *,
    retry_after: float | None = None,
    cls: type[PartnerCenterUnavailable] = PartnerCenterUnavailable,
    body: ErrorBody | None = None,
    request_id: str = "",
) -> PartnerCenterUnavailable:
    """A temporary error; ``retry_after`` defaults to the class's delay."""
    error = cls(
        message,
        retry_after=cls.default_retry_after if retry_after is None else retry_after,
        vendor_code=body.vendor_code if body else "",
        details={"vendor_code": body.vendor_code} if body and body.vendor_code else None,
    )
    error.http_status = body.http_status if body else 0
    error.request_id = request_id
    return error


def error_for(body: ErrorBody, *, operation: str = "", request_id: str = "") -> ApplicationError:
    """The typed exception for an error answer (never raised here: the caller raises)."""
    vendor_code = body.vendor_code
    description = body.description
    if vendor_code in TEMPORARY_BY_CODE:
        cls = TEMPORARY_BY_CODE[vendor_code]
        return unavailable(
            description or _("Partner Center is busy; try again later."),
            cls=cls,
            body=body,
            request_id=request_id,
        )
    known = vendor_code in PERMANENT_BY_CODE
    if body.http_status == 409 and operation == CUSTOMER_CREATE and not known:
        return TenantDomainTaken(
            _("This domain name is already taken; choose another one."),
            details={"field": "domain", "vendor_code": vendor_code},
        )
    if body.http_status == 409 and operation == SUBSCRIPTION_UPDATE and not known:
        return unavailable(
            description or _("The subscription is being processed; try again later."),
            cls=SubscriptionNotReady,
            body=body,
            request_id=request_id,
        )
    if body.http_status >= 500 or body.http_status in (408,):
        return unavailable(
            description or _("Partner Center did not answer."), body=body, request_id=request_id
        )
    cls = PERMANENT_BY_CODE.get(vendor_code)
    if cls is None:
        cls = {
            401: PartnerCenterUnauthorized,
            403: PartnerCenterForbidden,
            404: PartnerCenterNotFound,
            409: PartnerCenterConflict,
        }.get(body.http_status, PartnerCenterError)
    message = description or _("Partner Center refused the request (HTTP %(status)s).") % {
        "status": body.http_status
    }
    error = cls(
        message,
        vendor_code=vendor_code,
        details={"vendor_code": vendor_code} if vendor_code else None,
    )
    error.http_status = body.http_status
    error.error_name = body.error_name
    error.data = body.data
    error.request_id = request_id
    return error

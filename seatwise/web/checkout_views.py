"""Checkout pages: billing address → payment method → agreements (and shipping, when a line
is shippable) → confirm → pay. Then the payment result page an order's card payment
returns to.

The choices of the steps are kept in the session (shape only); the confirm page mints an
idempotency key posted back as a hidden field, and ``cart.checkout.checkout_place`` prices
the cart again on the server and places the order. Visitors are sent to sign in and come
back here (their cart joins the user's cart at sign-in).
"""

from __future__ import annotations

import uuid
from dataclasses import asdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from seatwise.cart.checkout import (
    CheckoutDetails,
    CheckoutError,
    billing_errors,
    checkout_check,
    checkout_pay_again,
    checkout_place,
    checkout_requirements,
    tenants_clean,
)
from seatwise.cart.selectors import cart_totals
from seatwise.connectors.domains import prefix_normalize
from seatwise.core.errors import ApplicationError, NotFoundError
from seatwise.orders.enums import OrderStatus, PaymentMethod
from seatwise.orders.selectors import order_amounts, order_get
from seatwise.orders.services import BUYING_ROLES, BillingAddress
from seatwise.orders.states import PAYABLE
from seatwise.payments.enums import Gateway, PaymentStatus
from seatwise.payments.selectors import payment_list
from seatwise.payments.services import payment_checkout_form
from seatwise.tenancy.exceptions import OrganizationNotFound
from seatwise.tenancy.selectors import require_role
from seatwise.web.cart_views import cart_for, cart_viewer_for
from seatwise.web.errors import render_error
from seatwise.web.formatting import format_money
from seatwise.web.order_views import STATUS_BADGES
from seatwise.web.shop import shop_for
from seatwise.web.signin import client_ip

CHECKOUT_SESSION_KEY = "checkout"
BILLING_FIELDS = (
    "name",
    "address_line1",
    "address_line2",
    "postal_code",
    "city",
    "country",
    "tax_number",
)
STEPS = ("billing", "payment", "agreements", "confirm")


def _messages() -> dict[str, str]:
    return {
        "organization_not_found": _("You do not act for an organization yet."),
        "role_required": _("Your role in this organization does not allow placing orders."),
        "order_not_found": _("This order does not exist or is not yours."),
    }


# --- Request state --------------------------------------------------------------------------


class _Stop(Exception):
    """Leave the view with ``response``."""

    def __init__(self, response):
        self.response = response


def _checkout_state(request, *, allow_empty: bool = False):
    """The organization, the cart and its totals, or ``_Stop`` with where to go instead."""
    organization = shop_for(request).viewer
    try:
        if organization is None:
            raise OrganizationNotFound("No organization.")
        require_role(user=request.user, organization=organization, roles=BUYING_ROLES)
    except ApplicationError as exc:
        raise _Stop(render_error(request, exc, _messages())) from None
    cart = cart_for(request)
    viewer = cart_viewer_for(request)
    totals = cart_totals(cart=cart, viewer=viewer)
    if not totals.lines and not allow_empty:
        messages.info(request, _("Your cart is empty."))
        raise _Stop(HttpResponseRedirect(reverse("web:cart")))
    if totals.has_unavailable and not allow_empty:
        messages.error(
            request, _("Some items in your cart are not sold to you: remove them to continue.")
        )
        raise _Stop(HttpResponseRedirect(reverse("web:cart")))
    return organization, cart, viewer, totals


def _saved(request) -> dict:
    saved = request.session.get(CHECKOUT_SESSION_KEY)
    return saved if isinstance(saved, dict) else {}


def _save(request, **values) -> None:
    saved = _saved(request)
    saved.update(values)
    request.session[CHECKOUT_SESSION_KEY] = saved


def _details(request, organization) -> CheckoutDetails:
    saved = _saved(request)
    billing = saved.get("billing")
    if isinstance(billing, dict):
        address = BillingAddress(**{k: str(billing.get(k, "")) for k in BILLING_FIELDS})
    else:
        address = BillingAddress.of(organization)
    tenants = saved.get("tenants") if isinstance(saved.get("tenants"), dict) else {}
    return CheckoutDetails(
        billing=address,
        payment_method=str(saved.get("payment_method", "")),
        accept_mca=saved.get("accept_mca") is True,
        accept_vendor_terms=saved.get("accept_vendor_terms") is True,
        target_tenants={int(k): str(v) for k, v in tenants.items() if str(k).isdigit()},
        ship_to_billing=saved.get("ship_to_billing") is True,
    )


def _step_of(error_field: str) -> str:
    if error_field.startswith("billing_"):
        return "billing"
    if error_field == "payment_method":
        return "payment"
    return "agreements"


def _first_incomplete(errors: dict[str, str]) -> str | None:
    steps = {_step_of(name) for name in errors}
    return next((step for step in STEPS if step in steps), None)


def _step_url(step: str) -> str:
    return reverse(f"web:checkout_{step}" if step != "billing" else "web:checkout")


def _render(request, template: str, step: str, context: dict):
    return render(request, template, {"step": step, "steps": STEPS, **context})


def checkout_view(view=None, *, post_without_cart: bool = False):
    """Signed in, acting for an organization with a buying role, with a cart to check out
    (a POST of ``post_without_cart`` views gets through with an empty cart: the second
    click of a double-clicked *Confirm* finds its order by the idempotency key)."""
    if view is None:
        return lambda view: checkout_view(view, post_without_cart=post_without_cart)

    @login_required
    @require_http_methods(["GET", "POST"])
    def wrapped(request, *args, **kwargs):
        try:
            state = _checkout_state(
                request, allow_empty=post_without_cart and request.method == "POST"
            )
            return view(request, *state, *args, **kwargs)
        except _Stop as stop:
            return stop.response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# --- Steps ----------------------------------------------------------------------------------


@checkout_view
def checkout_billing(request, organization, cart, viewer, totals):
    details = _details(request, organization)
    values = asdict(details.billing)
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {name: request.POST.get(name, "")[:300] for name in BILLING_FIELDS}
        errors = billing_errors(billing=BillingAddress(**values))
        if not errors:
            _save(request, billing=values)
            return HttpResponseRedirect(reverse("web:checkout_payment"))
    return _render(
        request,
        "web/checkout_billing.html",
        "billing",
        {"values": values, "errors": errors, "totals": totals},
    )


@checkout_view
def checkout_payment(request, organization, cart, viewer, totals):
    required = checkout_requirements(organization=organization, totals=totals)
    details = _details(request, organization)
    chosen = details.payment_method or required.payment_methods[0]
    error = ""
    if request.method == "POST":
        chosen = request.POST.get("payment_method", "")
        if chosen in required.payment_methods:
            _save(request, payment_method=chosen)
            return HttpResponseRedirect(reverse("web:checkout_agreements"))
        error = _("Choose one of the payment methods offered.")
    return _render(
        request,
        "web/checkout_payment.html",
        "payment",
        {
            "methods": [(m, PaymentMethod(m).label) for m in required.payment_methods],
            "chosen": chosen,
            "error": error,
            "contract": organization.is_contract_customer,
            "totals": totals,
        },
    )


@checkout_view
def checkout_agreements(request, organization, cart, viewer, totals):
    required = checkout_requirements(organization=organization, totals=totals)
    details = _details(request, organization)
    tenants = {
        item.line.pk: prefix_normalize(
            details.target_tenants.get(item.line.pk) or item.default_tenant
        )
        for item in required.microsoft_lines
    }
    errors: dict[str, str] = {}
    accept_mca, accept_vendor = details.accept_mca, details.accept_vendor_terms
    ship = details.ship_to_billing
    if request.method == "POST":
        accept_mca = request.POST.get("accept_mca") == "on"
        accept_vendor = request.POST.get("accept_vendor_terms") == "on"
        ship = request.POST.get("ship_to_billing") == "on"
        tenants = {
            item.line.pk: request.POST.get(f"tenant_{item.line.pk}", "")[:100]
            for item in required.microsoft_lines
        }
        candidate = CheckoutDetails(
            billing=details.billing,
            payment_method=required.payment_methods[0],
            accept_mca=accept_mca,
            accept_vendor_terms=accept_vendor,
            target_tenants=tenants,
            ship_to_billing=ship,
        )
        errors = {
            name: message
            for name, message in checkout_check(
                organization=organization, totals=totals, details=candidate, required=required
            ).items()
            if _step_of(name) == "agreements"
        }
        if not errors:
            _save(
                request,
                accept_mca=accept_mca,
                accept_vendor_terms=accept_vendor,
                ship_to_billing=ship,
                tenants={str(k): v for k, v in tenants.items()},
            )
            return HttpResponseRedirect(reverse("web:checkout_confirm"))
    return _render(
        request,
        "web/checkout_agreements.html",
        "agreements",
        {
            "required": required,
            "tenant_rows": [
                (item.line, tenants.get(item.line.pk, ""), errors.get(f"tenant_{item.line.pk}"))
                for item in required.microsoft_lines
            ],
            "accept_mca": accept_mca,
            "accept_vendor_terms": accept_vendor,
            "ship_to_billing": ship,
            "errors": errors,
            "billing": details.billing,
            "mca_url": settings.SEATWISE_MCA_URL,
        },
    )


@checkout_view(post_without_cart=True)
def checkout_confirm(request, organization, cart, viewer, totals):
    details = _details(request, organization)
    if request.method == "POST":  # checkout_place checks everything again, in its transaction
        try:
            result = checkout_place(
                user=request.user,
                cart=cart,
                viewer=viewer,
                provider=shop_for(request).provider,
                details=details,
                idempotency_key=request.POST.get("idempotency_key", ""),
                ip=client_ip(request),
            )
        except CheckoutError as exc:
            messages.error(request, exc.message)
            step = _first_incomplete(exc.details.get("fields", {})) or "billing"
            return HttpResponseRedirect(_step_url(step))
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("web:cart"))
        request.session.pop(CHECKOUT_SESSION_KEY, None)
        return _after_placing(request, result.order, result.payment)
    required = checkout_requirements(organization=organization, totals=totals)
    errors = checkout_check(
        organization=organization, totals=totals, details=details, required=required
    )
    if errors:
        return HttpResponseRedirect(_step_url(_first_incomplete(errors) or "billing"))
    tenants = tenants_clean(target_tenants=details.target_tenants)
    return _render(
        request,
        "web/checkout_confirm.html",
        "confirm",
        {
            "totals": totals,
            "billing": details.billing,
            "method": PaymentMethod(details.payment_method).label,
            "rows": [(priced, tenants.get(priced.line.pk, "")) for priced in totals.lines],
            "shipping_required": required.shipping_required,
            "idempotency_key": uuid.uuid4().hex,
        },
    )


def _result_url(request, order) -> str:
    return request.build_absolute_uri(reverse("web:order_payment", args=[order.number]))


def _after_placing(request, order, payment):
    """A card payment: the page that posts the signed form to LiqPay; otherwise the order's
    payment page (which says the invoice is on its way)."""
    if (
        payment is not None
        and payment.gateway == Gateway.LIQPAY
        and payment.status == PaymentStatus.PENDING
    ):
        try:
            form = payment_checkout_form(
                payment=payment,
                result_url=_result_url(request, order),
                server_url=request.build_absolute_uri(reverse("payments:liqpay_callback")),
                language=translation.get_language() or "uk",
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("web:order_payment", args=[order.number]))
        return render(
            request,
            "web/checkout_pay.html",
            {"order": order, "form": form, "amount": format_money(order.money("total"))},
        )
    return HttpResponseRedirect(reverse("web:order_payment", args=[order.number]))


@login_required
@require_POST
def order_pay_again(request, number: str):
    """*Pay again* after a declined card payment: a new attempt, then LiqPay's page."""
    organization = shop_for(request).viewer
    try:
        if organization is None:
            raise OrganizationNotFound("No organization.")
        result = checkout_pay_again(
            user=request.user,
            organization=organization,
            number=number,
            provider=shop_for(request).provider,
        )
    except NotFoundError as exc:
        return render_error(request, exc, _messages())
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("web:order_payment", args=[number]))
    return _after_placing(request, result.order, result.payment)


# --- Payment result -------------------------------------------------------------------------


@csrf_exempt  # LiqPay may come back with a POST; the page only reads and ignores the body
@login_required
@require_http_methods(["GET", "POST"])
def order_payment(request, number: str):
    """The order's status as Seatwise holds it (the redirect from the gateway proves
    nothing), polled every 2 s with HTMX while a card payment is pending."""
    organization = shop_for(request).viewer
    try:
        if organization is None:
            raise OrganizationNotFound("No organization.")
        order = order_get(user=request.user, organization=organization, number=number)
    except ApplicationError as exc:
        return render_error(request, exc, _messages())
    payments = list(payment_list(organization=organization, reference=order.number))
    latest = payments[0] if payments else None
    pending = (
        order.payment_method == PaymentMethod.LIQPAY
        and order.status in PAYABLE
        and (latest is None or latest.status == PaymentStatus.PENDING)
    )
    context = {
        "order": order,
        "badge": STATUS_BADGES.get(order.status, "text-bg-light"),
        "total": format_money(order_amounts(order=order)["total"]),
        "pending": pending,
        "invoice": order.payment_method == PaymentMethod.INVOICE,
        "paid": order.paid_at is not None,
        "failed": order.status == OrderStatus.FAILED,
        "can_pay_again": (
            order.status == OrderStatus.FAILED
            and order.payment_method == PaymentMethod.LIQPAY
            and order.paid_at is None
        ),
    }
    template = "web/account/order_payment_status.html" if request.htmx else None
    return render(request, template or "web/account/order_payment.html", context)

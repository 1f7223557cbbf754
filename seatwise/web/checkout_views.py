"""Checkout pages, in the order of the SMART cloud guide: billing address → shipping address
→ shipping method (both only when a line ships; the method only when the provider has any)
→ payment method → agreements → confirm → pay. Then the payment result page an order's
card payment returns to.

The billing and shipping steps offer the organization's address book (the company
profile's address first, then the saved ones) and *New address*, which is saved to the book.
The choices of the steps are kept in the session (shape only); the confirm page mints an
idempotency key posted back as a hidden field, and ``cart.checkout.checkout_place`` prices
the cart again on the server (with the chosen shipping method) and places the order.
Visitors are sent to sign in and come back here (their cart joins the user's cart at
sign-in).
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, replace

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
from django_countries import countries

from seatwise.cart.checkout import (
    PROFILE,
    AddressChoice,
    CheckoutDetails,
    CheckoutError,
    CheckoutRequirements,
    address_of,
    billing_errors,
    checkout_address_choices,
    checkout_address_pick,
    checkout_check,
    checkout_pay_again,
    checkout_place,
    checkout_requirements,
    checkout_tenant_check,
    tenants_clean,
)
from seatwise.cart.selectors import cart_totals, tenant_domain_options
from seatwise.connectors.domains import SUFFIX, prefix_normalize
from seatwise.core.errors import ApplicationError, NotFoundError
from seatwise.orders.enums import OrderStatus, PaymentMethod
from seatwise.orders.selectors import order_amounts, order_get
from seatwise.orders.services import BUYING_ROLES, BillingAddress
from seatwise.orders.states import PAYABLE
from seatwise.payments.enums import Gateway, PaymentStatus
from seatwise.payments.selectors import payment_list
from seatwise.payments.services import payment_checkout_form
from seatwise.tenancy.addresses import ADDRESS_FIELDS, AddressInvalid, AddressNotFound
from seatwise.tenancy.exceptions import OrganizationNotFound
from seatwise.tenancy.selectors import require_role
from seatwise.tenancy.services import address_add
from seatwise.web.address_forms import NEW, SAME, AddressForm, blank, choice_label
from seatwise.web.cart_views import cart_for, cart_viewer_for
from seatwise.web.errors import render_error
from seatwise.web.formatting import format_money
from seatwise.web.order_views import STATUS_BADGES
from seatwise.web.ratelimits import rate_limit_message, rate_limit_wait
from seatwise.web.shop import shop_for
from seatwise.web.signin import client_ip

CHECKOUT_SESSION_KEY = "checkout"
BILLING_FIELDS = ADDRESS_FIELDS
STEPS = ("billing", "shipping", "shipping_method", "payment", "agreements", "confirm")
STEP_URLS = {
    "billing": "web:checkout",
    "shipping": "web:checkout_shipping",
    "shipping_method": "web:checkout_shipping_method",
    "payment": "web:checkout_payment",
    "agreements": "web:checkout_agreements",
    "confirm": "web:checkout_confirm",
}


def _messages() -> dict[str, str]:
    return {
        "organization_not_found": _("You do not act for an organization yet."),
        "role_required": _("Your role in this organization does not allow placing orders."),
        "order_not_found": _("This order does not exist or is not yours."),
        "address_not_found": _("This address does not exist or is not yours."),
    }


# --- Request state --------------------------------------------------------------------------


class _Stop(Exception):
    """Leave the view with ``response``."""

    def __init__(self, response):
        self.response = response


def _checkout_state(request, *, allow_empty: bool = False):
    """The organization, the cart and its totals (with the shipping method chosen so far),
    or ``_Stop`` with where to go instead."""
    organization = shop_for(request).viewer
    try:
        if organization is None:
            raise OrganizationNotFound("No organization.")
        require_role(user=request.user, organization=organization, roles=BUYING_ROLES)
    except ApplicationError as exc:
        raise _Stop(render_error(request, exc, _messages())) from None
    if _saved(request).get("organization") not in (None, organization.pk):
        # The user now acts for another organization: its own addresses, its own choices.
        request.session.pop(CHECKOUT_SESSION_KEY, None)
    cart = cart_for(request)
    viewer = cart_viewer_for(request)
    totals = cart_totals(
        cart=cart,
        viewer=viewer,
        checkout=True,
        shipping_method_id=_saved(request).get("shipping_method"),
    )
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
    """Keep the choices of a step, for the organization the user acts for."""
    saved = _saved(request)
    saved.update(values, organization=shop_for(request).viewer.pk)
    request.session[CHECKOUT_SESSION_KEY] = saved


def _address(values: object) -> BillingAddress | None:
    if not isinstance(values, dict):
        return None
    return BillingAddress(**{name: str(values.get(name, "")) for name in ADDRESS_FIELDS})


def _method_id(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() else None


def _details(request, organization) -> CheckoutDetails:
    saved = _saved(request)
    tenants = saved.get("tenants") if isinstance(saved.get("tenants"), dict) else {}
    return CheckoutDetails(
        billing=_address(saved.get("billing")) or BillingAddress.of(organization),
        payment_method=str(saved.get("payment_method", "")),
        accept_mca=saved.get("accept_mca") is True,
        accept_vendor_terms=saved.get("accept_vendor_terms") is True,
        target_tenants={int(k): str(v) for k, v in tenants.items() if str(k).isdigit()},
        ship_to_billing=saved.get("ship_to_billing") is True,
        shipping_address=_address(saved.get("shipping")),
        shipping_method_id=_method_id(saved.get("shipping_method")),
    )


def _steps(required: CheckoutRequirements) -> tuple[str, ...]:
    """The steps this cart goes through: the shipping ones only when a line ships."""
    skipped = set()
    if not required.shipping_required:
        skipped |= {"shipping", "shipping_method"}
    elif not required.needs_shipping_method:
        skipped.add("shipping_method")
    return tuple(step for step in STEPS if step not in skipped)


def _step_of(error_field: str) -> str:
    if error_field.startswith("billing_"):
        return "billing"
    if error_field == "shipping_method":
        return "shipping_method"
    if error_field.startswith("shipping_") or error_field == "ship_to_billing":
        return "shipping"
    if error_field == "payment_method":
        return "payment"
    return "agreements"


def _first_incomplete(errors: dict[str, str]) -> str | None:
    steps = {_step_of(name) for name in errors}
    return next((step for step in STEPS if step in steps), None)


def _step_url(step: str) -> str:
    return reverse(STEP_URLS[step])


def _next_url(step: str, steps: tuple[str, ...]) -> str:
    return _step_url(steps[steps.index(step) + 1])


def _back_url(step: str, steps: tuple[str, ...]) -> str:
    index = steps.index(step)
    return _step_url(steps[index - 1]) if index else reverse("web:cart")


def _render(request, template: str, step: str, steps: tuple[str, ...], context: dict):
    return render(
        request,
        template,
        {"step": step, "steps": steps, "back_url": _back_url(step, steps), **context},
    )


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


# --- Address forms (billing and shipping) ---------------------------------------------------


def _pick(request, organization, key: str) -> AddressChoice:
    """The choice ``key`` of the organization's book; ``AddressNotFound`` otherwise."""
    return checkout_address_pick(user=request.user, organization=organization, key=key)


def _posted_values(request) -> dict[str, str]:
    return {name: str(request.POST.get(name, ""))[:300] for name in ADDRESS_FIELDS}


def _address_from_post(
    request, organization, *, fallback: str, tax_number: bool = True
) -> tuple[AddressChoice | None, dict, str]:
    """The address the form posted: a choice of the book (another organization's id is
    refused), or a new one saved to the book. Returns (the choice when it may be used, the
    field errors, the select's value); nothing is written on an error."""
    key = str(request.POST.get("address", NEW))[:20]
    if key == NEW:
        try:
            entry = address_add(
                actor=request.user, organization=organization, **_posted_values(request)
            )
        except AddressInvalid as exc:
            return None, dict(exc.details.get("fields", {})), key
        except ApplicationError as exc:  # a full address book
            return None, {"address": exc.message}, key
        return AddressChoice(key=str(entry.pk), address=address_of(entry)), {}, key
    try:
        choice = _pick(request, organization, key)
    except AddressNotFound:
        return None, {"address": _("Choose one of your addresses.")}, fallback
    errors = billing_errors(billing=choice.address)
    if not tax_number:
        errors.pop("tax_number", None)
    if errors:
        errors["address"] = _(
            "This address is incomplete: choose another one or enter a new address."
        )
        return None, errors, key
    return choice, {}, key


def _values(
    selected: str, keys: dict[str, AddressChoice], organization, billing: BillingAddress | None
) -> dict:
    """What the fields show for the choice ``selected``."""
    if selected == SAME and billing is not None:
        return asdict(billing)
    if selected in keys:
        return asdict(keys[selected].address)
    return blank(organization)


def _selected(
    request,
    organization,
    keys: dict[str, AddressChoice],
    *,
    saved: object,
    default: str,
    extra: tuple[str, ...],
) -> str:
    """The choice a GET shows: asked for by the select (HTMX), else the one saved (when
    still in the book), else ``default``. ``extra``: the choices beside the book's. An id
    asked for that is not in the organization's book (another organization's) raises
    ``AddressNotFound``."""
    asked = request.GET.get("address")
    if asked and asked not in keys and asked not in extra:
        _pick(request, organization, asked)  # raises: not in this organization's book
    selected = str(asked or saved or default)
    return selected if selected in keys or selected in extra else default


# --- Steps ----------------------------------------------------------------------------------


@checkout_view
def checkout_billing(request, organization, cart, viewer, totals):
    required = checkout_requirements(organization=organization, totals=totals)
    steps = _steps(required)
    choices = checkout_address_choices(organization=organization)
    keys = {choice.key: choice for choice in choices}
    default = PROFILE if keys[PROFILE].complete else NEW
    errors: dict[str, str] = {}
    if request.method == "POST":
        choice, errors, selected = _address_from_post(request, organization, fallback=default)
        if choice is not None:
            _save(request, billing=asdict(choice.address), billing_choice=choice.key)
            return HttpResponseRedirect(_next_url("billing", steps))
        values = (
            _posted_values(request)
            if selected == NEW
            else _values(selected, keys, organization, None)
        )
    else:
        try:
            selected = _selected(
                request,
                organization,
                keys,
                saved=_saved(request).get("billing_choice"),
                default=default,
                extra=(NEW,),
            )
        except AddressNotFound as exc:
            return render_error(request, exc, _messages())
        values = _values(selected, keys, organization, None)
    form = AddressForm(
        prefix="billing",
        url=reverse("web:checkout"),
        label=_("Select a billing address from your address book or enter a new address."),
        choices=[(c.key, choice_label(c)) for c in keys.values()] + [(NEW, _("New address"))],
        selected=selected,
        values=values,
        errors=errors,
    )
    return _address_step(request, "billing", steps, form=form, errors=errors, totals=totals)


def _address_step(request, step: str, steps, *, form, errors, totals):
    """An address step's page, or only its address fields when HTMX asks for the choice
    just made in the select."""
    if request.htmx and request.method == "GET":
        return render(request, "web/partials/checkout_address.html", {"form": form})
    titles = {"billing": _("Billing address"), "shipping": _("Shipping address")}
    return _render(
        request,
        "web/checkout_address_step.html",
        step,
        steps,
        {"form": form, "errors": errors, "totals": totals, "step_title": titles[step]},
    )


@checkout_view
def checkout_shipping(request, organization, cart, viewer, totals):
    """Where the goods go: the billing address, one of the book's, or a new one."""
    required = checkout_requirements(organization=organization, totals=totals)
    steps = _steps(required)
    if "shipping" not in steps:
        return HttpResponseRedirect(_next_url("billing", steps))
    billing = _details(request, organization).billing
    choices = checkout_address_choices(organization=organization)
    keys = {choice.key: choice for choice in choices}
    errors: dict[str, str] = {}
    if request.method == "POST" and request.POST.get("address") == SAME:
        _save(request, ship_to_billing=True, shipping=None, shipping_choice=SAME)
        return HttpResponseRedirect(_next_url("shipping", steps))
    if request.method == "POST":
        choice, errors, selected = _address_from_post(
            request, organization, fallback=SAME, tax_number=False
        )
        if choice is not None:
            _save(
                request,
                ship_to_billing=False,
                shipping={**asdict(choice.address), "tax_number": ""},
                shipping_choice=choice.key,
            )
            return HttpResponseRedirect(_next_url("shipping", steps))
        values = (
            _posted_values(request)
            if selected == NEW
            else _values(selected, keys, organization, billing)
        )
    else:
        try:
            selected = _selected(
                request,
                organization,
                keys,
                saved=_saved(request).get("shipping_choice"),
                default=SAME,
                extra=(NEW, SAME),
            )
        except AddressNotFound as exc:
            return render_error(request, exc, _messages())
        values = _values(selected, keys, organization, billing)
    form = AddressForm(
        prefix="shipping",
        url=reverse("web:checkout_shipping"),
        label=_("Select a shipping address from your address book or enter a new address."),
        choices=[(SAME, _("Same as billing address"))]
        + [(c.key, choice_label(c)) for c in keys.values()]
        + [(NEW, _("New address"))],
        selected=selected,
        values=values,
        errors=errors,
        with_tax_number=False,
    )
    return _address_step(request, "shipping", steps, form=form, errors=errors, totals=totals)


@checkout_view
def checkout_shipping_method(request, organization, cart, viewer, totals):
    """One of the provider's shipping methods, priced in the cart's currency."""
    required = checkout_requirements(organization=organization, totals=totals)
    steps = _steps(required)
    if "shipping_method" not in steps:
        return HttpResponseRedirect(_step_url("payment"))
    offered = {str(quote.method_id): quote for quote in required.shipping_methods}
    chosen = str(_details(request, organization).shipping_method_id or "")
    if chosen not in offered:
        chosen = next(iter(offered))
    error = ""
    if request.method == "POST":
        chosen = str(request.POST.get("shipping_method", ""))[:20]
        if chosen in offered:
            _save(request, shipping_method=offered[chosen].method_id)
            return HttpResponseRedirect(_next_url("shipping_method", steps))
        error = _("Choose one of the shipping methods offered.")
    return _render(
        request,
        "web/checkout_shipping_method.html",
        "shipping_method",
        steps,
        {
            "methods": [
                (key, quote.name, format_money(quote.price.quantize()))
                for key, quote in offered.items()
            ],
            "chosen": chosen,
            "error": error,
            "totals": totals,
        },
    )


@checkout_view
def checkout_payment(request, organization, cart, viewer, totals):
    required = checkout_requirements(organization=organization, totals=totals)
    steps = _steps(required)
    details = _details(request, organization)
    chosen = details.payment_method or required.payment_methods[0]
    error = ""
    if request.method == "POST":
        chosen = request.POST.get("payment_method", "")
        if chosen in required.payment_methods:
            _save(request, payment_method=chosen)
            return HttpResponseRedirect(_next_url("payment", steps))
        error = _("Choose one of the payment methods offered.")
    return _render(
        request,
        "web/checkout_payment.html",
        "payment",
        steps,
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
    steps = _steps(required)
    details = _details(request, organization)
    tenants = {
        item.line.pk: prefix_normalize(
            details.target_tenants.get(item.line.pk) or item.default_tenant
        )
        for item in required.microsoft_lines
    }
    errors: dict[str, str] = {}
    accept_mca, accept_vendor = details.accept_mca, details.accept_vendor_terms
    if request.method == "POST":
        accept_mca = request.POST.get("accept_mca") == "on"
        accept_vendor = request.POST.get("accept_vendor_terms") == "on"
        tenants = {
            item.line.pk: request.POST.get(f"tenant_{item.line.pk}", "")[:100]
            for item in required.microsoft_lines
        }
        candidate = replace(
            details,
            payment_method=required.payment_methods[0],
            accept_mca=accept_mca,
            accept_vendor_terms=accept_vendor,
            target_tenants=tenants,
        )
        errors = {
            name: message
            for name, message in checkout_check(
                organization=organization, totals=totals, details=candidate, required=required
            ).items()
            if _step_of(name) == "agreements"
        }
        checked: dict[str, str] = {}  # each domain asked once
        for item in required.microsoft_lines:
            name = f"tenant_{item.line.pk}"
            value = prefix_normalize(tenants.get(item.line.pk, ""))
            if name in errors or not value:
                continue
            if value not in checked:
                checked[value] = checkout_tenant_check(organization=organization, value=value).error
            if checked[value]:
                errors[name] = checked[value]
        if not errors:
            _save(
                request,
                accept_mca=accept_mca,
                accept_vendor_terms=accept_vendor,
                tenants={str(k): v for k, v in tenants.items()},
            )
            return HttpResponseRedirect(_next_url("agreements", steps))
    return _render(
        request,
        "web/checkout_agreements.html",
        "agreements",
        steps,
        {
            "required": required,
            "tenant_rows": [
                (
                    item.line,
                    prefix_normalize(tenants.get(item.line.pk, "")),
                    errors.get(f"tenant_{item.line.pk}"),
                )
                for item in required.microsoft_lines
            ],
            "known_tenants": [
                prefix_normalize(domain)
                for domain in (
                    tenant_domain_options(organization=organization)
                    if required.microsoft_lines
                    else ()
                )
            ],
            "accept_mca": accept_mca,
            "accept_vendor_terms": accept_vendor,
            "errors": errors,
            "mca_url": settings.SEATWISE_MCA_URL,
        },
    )


@login_required
@require_http_methods(["GET"])
def checkout_tenant_status(request):
    """The line under a tenant field of the agreements step (HTMX): the organization's own
    tenant, a new name that is free, or why not (taken, with free names to pick)."""
    organization = shop_for(request).viewer
    raw = request.GET.get("domain", "")
    context: dict = {"suffix": SUFFIX}
    wait = rate_limit_wait(request, action="domain_check", scope=f"user:{request.user.pk}")
    if organization is None or not raw.strip():
        context["state"] = "empty"
    elif wait:
        context.update(state="unavailable", message=rate_limit_message(wait))
    else:
        check = checkout_tenant_check(organization=organization, value=raw)
        if check.existing:
            context.update(state="existing", domain=check.domain)
        elif not check.error:
            context.update(state="new", domain=check.domain)
        elif check.suggestions:
            context.update(
                state="taken",
                check={"domain": check.domain, "suggestions": check.suggestions},
            )
        else:
            context.update(state="invalid", message=check.error)
    response = render(request, "web/partials/tenant_status.html", context)
    response["Cache-Control"] = "no-store"
    return response


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
        _steps(required),
        {
            "totals": totals,
            "billing": details.billing,
            "billing_country": countries.name(details.billing.country),
            "method": PaymentMethod(details.payment_method).label,
            "rows": [(priced, tenants.get(priced.line.pk, "")) for priced in totals.lines],
            "shipping_required": required.shipping_required,
            "shipping": details.shipping_address or details.billing,
            "shipping_country": countries.name(
                (details.shipping_address or details.billing).country
            ),
            "ship_to_billing": details.shipping_address is None,
            "shipping_method": totals.shipping_method,
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

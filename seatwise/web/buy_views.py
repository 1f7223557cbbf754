"""*Buy now* (ALEF 2.2): the order page of one offer. The buyer names the tenant (Microsoft
offers: a known tenant domain or a new one, checked through the connector), the number of
licences and the billing period; the total follows (HTMX, or *Update total* without
JavaScript). A reseller acting for its customer also gets *Price options*: a markup % or a
target customer price, with the summary table. Then *Next step* to the offer's add-ons
(*Skip* / *Confirm*) or, without add-ons, *Add to cart*.

Thin views: the form is parsed here, prices come from ``cart.selectors`` (never from the
browser) and the lines are written by ``cart.services.cart_buy_now``."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from seatwise.cart.selectors import (
    PriceOptions,
    offer_is_microsoft,
    offer_price_options,
    price_override_allowed,
    tenant_domain_options,
)
from seatwise.cart.services import cart_buy_now, line_markup_for
from seatwise.catalog.enums import BillingPlan
from seatwise.catalog.exceptions import OfferNotFound
from seatwise.catalog.models import Offer
from seatwise.connectors.domains import MAX_LENGTH, SUFFIX
from seatwise.connectors.exceptions import ConnectorUnavailable, InvalidTenantDomain
from seatwise.connectors.selectors import tenant_domain_check
from seatwise.core.errors import ApplicationError
from seatwise.tenancy.exceptions import OrganizationNotFound
from seatwise.web.cart_views import cart_for, cart_viewer_for, require_buyer
from seatwise.web.errors import render_error
from seatwise.web.shop import shop_for

NEW_TENANT = "new"
ACTIONS = ("update", "next", "add", "skip", "confirm")


def _messages() -> dict[str, str]:
    return {
        "organization_not_found": _("Choose the organization you buy for first."),
    }


@dataclass
class BuyForm:
    """The order page's fields as typed (shape only; the services check the rest)."""

    billing_plan: str = ""
    quantity_raw: str = ""
    tenant: str = ""
    domain: str = ""
    markup_raw: str = ""
    target_raw: str = ""
    addons: dict[int, str] = field(default_factory=dict)  # chosen add-on id → quantity typed
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def quantity(self) -> int | None:
        try:
            return int(self.quantity_raw)
        except (TypeError, ValueError):
            return None


def _decimal(raw: str) -> Decimal | None:
    raw = (raw or "").strip().replace(",", ".")
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return Decimal("NaN")
    return value


def _offer(offer_id: int) -> Offer:
    try:
        return Offer.objects.select_related("product__vendor").get(
            pk=offer_id, is_active=True, product__is_active=True
        )
    except Offer.DoesNotExist:
        raise OfferNotFound(_("This offer is no longer sold.")) from None


def _plans(offer: Offer, viewer, markup: Decimal | None = None) -> list[tuple[str, PriceOptions]]:
    """The offer's billing plans that have a price for the viewer, each with its unit price
    (with the *Price options* markup when one is set)."""
    plans = []
    for plan in offer.billing_plans or []:
        options = offer_price_options(
            viewer=viewer,
            offer=offer,
            billing_plan=plan,
            quantity=offer.min_quantity,
            markup_percent=markup,
        )
        if options is not None:
            plans.append((plan, options))
    return plans


def _plan_label(plan: str) -> str:
    try:
        return str(BillingPlan(plan).label)
    except ValueError:
        return plan


def _parse(data, offer: Offer, plans: list[str]) -> BuyForm:
    form = BuyForm(
        billing_plan=str(data.get("billing_plan") or (plans[0] if plans else "")),
        quantity_raw=str(data.get("quantity") or offer.min_quantity).strip(),
        tenant=str(data.get("tenant") or "").strip(),
        domain=str(data.get("domain") or "").strip()[:100],
        markup_raw=str(data.get("markup_percent") or "").strip()[:20],
        target_raw=str(data.get("target_price") or "").strip()[:20],
    )
    if form.billing_plan not in plans:
        form.errors["billing_plan"] = _("Choose one of the billing periods offered.")
        form.billing_plan = plans[0] if plans else ""
    quantity = form.quantity
    if quantity is None or not offer.min_quantity <= quantity <= offer.max_quantity:
        form.errors["quantity"] = _("Choose a quantity from %(min)s to %(max)s.") % {
            "min": offer.min_quantity,
            "max": offer.max_quantity,
        }
    for addon_id in data.getlist("addon") if hasattr(data, "getlist") else []:
        try:
            key = int(addon_id)
        except (TypeError, ValueError):
            continue
        form.addons[key] = str(data.get(f"addon_quantity_{key}") or "").strip()
    return form


def _markup(form: BuyForm, *, offer: Offer, viewer, allowed: bool) -> Decimal | None:
    """The *Price options* markup the form asks for (None: the default); errors go on the
    form. Ignored for anyone who may not set prices."""
    if not allowed or not form.billing_plan:
        return None
    try:
        return line_markup_for(
            viewer=viewer,
            offer=offer,
            billing_plan=form.billing_plan,
            markup_percent=_decimal(form.markup_raw),
            target_price=_decimal(form.target_raw),
        )
    except ApplicationError as exc:
        name = (exc.details or {}).get("field", "markup_percent")
        form.errors[name] = exc.message
        return None


def _tenant(form: BuyForm, *, offer: Offer, check: bool) -> str:
    """The tenant domain the form names (Microsoft offers), or "" with an error on the form.
    A new domain is asked about through the connector when ``check``."""
    if not offer_is_microsoft(offer=offer):
        return ""
    if form.tenant != NEW_TENANT:
        if not form.tenant:
            form.errors["tenant"] = _("Choose the tenant the licences go to, or create a new one.")
        return form.tenant
    if not check:
        return form.domain
    try:
        result = tenant_domain_check(prefix=form.domain)
    except InvalidTenantDomain as exc:
        form.errors["domain"] = exc.message
        return ""
    except ConnectorUnavailable:
        form.errors["domain"] = _("We could not check the domain name now. Try again in a moment.")
        return ""
    if not result.available:
        form.errors["domain"] = _("%(domain)s is already taken.") % {"domain": result.domain}
        return ""
    return result.domain


def _addon_rows(offer: Offer, viewer, form: BuyForm) -> list[dict]:
    rows = []
    for addon in offer.addons.filter(is_active=True).select_related("product").order_by("name"):
        plans = list(addon.billing_plans or [])
        plan = form.billing_plan if form.billing_plan in plans else (plans[0] if plans else "")
        options = offer_price_options(
            viewer=viewer, offer=addon, billing_plan=plan, quantity=addon.min_quantity
        )
        if options is None:
            continue
        rows.append(
            {
                "offer": addon,
                "plan": plan,
                "options": options,
                "chosen": addon.pk in form.addons,
                "quantity": form.addons.get(addon.pk) or form.quantity_raw,
            }
        )
    return rows


def _context(request, *, offer: Offer, form: BuyForm, markup, step: int = 1) -> dict:
    viewer = cart_viewer_for(request)
    plans = _plans(offer, viewer, markup)
    allowed = price_override_allowed(user=request.user, organization=viewer.organization)
    quantity = form.quantity if "quantity" not in form.errors else offer.min_quantity
    options = (
        offer_price_options(
            viewer=viewer,
            offer=offer,
            billing_plan=form.billing_plan,
            quantity=quantity or offer.min_quantity,
            markup_percent=markup,
        )
        if form.billing_plan
        else None
    )
    microsoft = offer_is_microsoft(offer=offer)
    tenants = tenant_domain_options(organization=viewer.organization) if microsoft else ()
    has_addons = offer.addons.filter(is_active=True).exists()
    return {
        "offer": offer,
        "product": offer.product,
        "form": form,
        "plans": [
            {"value": plan, "label": _plan_label(plan), "unit_price": plan_options.unit_price}
            for plan, plan_options in plans
        ],
        "options": options,
        "price_options_allowed": allowed,
        "price_options_open": allowed
        and bool(
            form.markup_raw
            or form.target_raw
            or "markup_percent" in form.errors
            or "target_price" in form.errors
        ),
        "microsoft": microsoft,
        "tenants": tenants,
        "tenant_choice": form.tenant or (tenants[0] if tenants else NEW_TENANT),
        "new_tenant": NEW_TENANT,
        "suffix": SUFFIX,
        "domain_max_length": MAX_LENGTH,
        "has_addons": has_addons,
        "addon_rows": _addon_rows(offer, viewer, form) if step == 2 else [],
        "step": step,
        "organization": viewer.organization,
    }


@login_required
@require_http_methods(["GET", "POST"])
def buy_now(request, offer_id: int):
    try:
        offer = _offer(offer_id)
        if shop_for(request).viewer is None:
            raise OrganizationNotFound(_("Choose the organization you buy for first."))
    except ApplicationError as exc:
        return render_error(request, exc, _messages())
    viewer = cart_viewer_for(request)
    plans = [plan for plan, _options in _plans(offer, viewer)]
    if not plans:
        return render_error(request, OfferNotFound(_("This offer is not sold to you.")))
    data = request.POST if request.method == "POST" else request.GET
    form = _parse(data, offer, plans)
    allowed = price_override_allowed(user=request.user, organization=viewer.organization)
    markup = _markup(form, offer=offer, viewer=viewer, allowed=allowed)
    action = request.POST.get("action") if request.method == "POST" else None
    if action not in ACTIONS or action == "update" or form.errors:
        return _page(request, offer=offer, form=form, markup=markup)
    tenant = _tenant(form, offer=offer, check=True)
    if form.errors:
        return _page(request, offer=offer, form=form, markup=markup)
    has_addons = offer.addons.filter(is_active=True).exists()
    if action == "next" and has_addons:
        return _page(request, offer=offer, form=form, markup=markup, step=2)
    addons = _chosen_addons(form, offer) if action == "confirm" else []
    if form.errors:
        return _page(request, offer=offer, form=form, markup=markup, step=2)
    try:
        require_buyer(request)
        lines = cart_buy_now(
            cart=cart_for(request, create=True),
            user=request.user,
            viewer=viewer,
            offer=offer,
            billing_plan=form.billing_plan,
            quantity=form.quantity,
            target_tenant=tenant,
            markup_percent=markup,
            addons=addons,
        )
    except ApplicationError as exc:
        form.errors["general"] = exc.message
        return _page(request, offer=offer, form=form, markup=markup, step=2 if addons else 1)
    messages.success(
        request,
        _("Added to your cart: %(names)s.")
        % {"names": ", ".join(line.offer.name for line in lines)},
    )
    return HttpResponseRedirect(reverse("web:cart"))


def _chosen_addons(form: BuyForm, offer: Offer) -> list[tuple[Offer, int]]:
    allowed = {a.pk: a for a in offer.addons.filter(is_active=True)}
    chosen = []
    for addon_id, raw in form.addons.items():
        addon = allowed.get(addon_id)
        if addon is None:
            form.errors["general"] = _("Choose add-ons of this offer only.")
            continue
        try:
            quantity = int(raw)
        except (TypeError, ValueError):
            quantity = None
        if quantity is None or not addon.min_quantity <= quantity <= addon.max_quantity:
            form.errors["general"] = _(
                "Choose a quantity from %(min)s to %(max)s for %(offer)s."
            ) % {"min": addon.min_quantity, "max": addon.max_quantity, "offer": addon.name}
            continue
        chosen.append((addon, quantity))
    if not chosen and not form.errors:
        form.errors["general"] = _("Choose at least one add-on, or skip this step.")
    return chosen


def _page(request, *, offer: Offer, form: BuyForm, markup, step: int = 1):
    context = _context(request, offer=offer, form=form, markup=markup, step=step)
    template = "web/buy_now_addons.html" if step == 2 else "web/buy_now.html"
    return render(request, template, context, status=200)


@login_required
@require_GET
def buy_now_summary(request, offer_id: int):
    """The total and the *Price options* table for the form's current values (HTMX)."""
    try:
        offer = _offer(offer_id)
    except ApplicationError as exc:
        return render_error(request, exc, _messages())
    viewer = cart_viewer_for(request)
    plans = [plan for plan, _options in _plans(offer, viewer)]
    form = _parse(request.GET, offer, plans)
    allowed = price_override_allowed(user=request.user, organization=viewer.organization)
    markup = _markup(form, offer=offer, viewer=viewer, allowed=allowed)
    context = _context(request, offer=offer, form=form, markup=markup)
    return render(request, "web/partials/buy_summary.html", context)

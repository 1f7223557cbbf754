"""The cart pages: add to cart (product page form), the header mini-cart and ``/cart/``.

Each view resolves the request's cart (a visitor's by the id kept in their session, a
signed-in user's by user and acting organization), calls one cart service and renders. The
browser sends an offer, a billing plan and a quantity, never a price: totals are priced on
the server for the viewer. Every form works without JavaScript (POST, then redirect) and
with HTMX (the fragment is swapped in place).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from seatwise.cart.models import Cart
from seatwise.cart.selectors import (
    CartTotals,
    CartViewer,
    cart_find,
    cart_totals,
    cart_viewer_get,
    price_override_allowed,
)
from seatwise.cart.services import (
    cart_coupon_apply,
    cart_coupon_remove,
    cart_get_or_create,
    cart_line_add,
    cart_line_remove,
    cart_line_update,
    cart_merge,
    cart_save_for_later,
)
from seatwise.catalog.exceptions import OfferNotFound
from seatwise.catalog.models import Offer
from seatwise.core.errors import ApplicationError, ValidationError
from seatwise.orders.services import BUYING_ROLES
from seatwise.tenancy.exceptions import RoleRequired
from seatwise.tenancy.selectors import current_organization, require_role
from seatwise.web.errors import render_error, safe_next
from seatwise.web.shop import ORGANIZATION_SESSION_KEY, shop_for

CART_SESSION_KEY = "cart_id"
MINI_CART_TEMPLATE = "web/partials/mini_cart.html"


# --- Resolving the request's cart ---------------------------------------------------------


def cart_viewer_for(request) -> CartViewer:
    shop = shop_for(request)
    return cart_viewer_get(
        organization=shop.viewer,
        provider=shop.provider,
        price_context=shop.price_context,
        currency=shop.currency,
        cache=shop.cache,
    )


def _user(request):
    return request.user if request.user.is_authenticated else None


def require_buyer(request) -> None:
    """A signed-in user changes the cart of the organization they act for only with a role
    that may buy there (as at checkout and in the API); a read-only member only looks.
    Visitors have their own cart."""
    viewer = shop_for(request).viewer
    if not request.user.is_authenticated or viewer is None:
        return
    try:
        require_role(user=request.user, organization=viewer, roles=BUYING_ROLES)
    except RoleRequired:
        raise RoleRequired(
            _("Your role in %(organization)s is read-only: it cannot buy.")
            % {"organization": viewer.name}
        ) from None


def cart_for(request, *, create: bool = False) -> Cart | None:
    """The request's cart: found (None if there is none yet) or, with ``create``, made."""
    viewer = shop_for(request).viewer
    cart_id = request.session.get(CART_SESSION_KEY)
    if not create:
        return cart_find(user=_user(request), organization=viewer, cart_id=cart_id)
    if not request.session.session_key:
        request.session.save()
    cart = cart_get_or_create(
        session_key=request.session.session_key or "",
        user=_user(request),
        organization=viewer,
        cart_id=cart_id,
    )
    # For a visitor, the id names their cart; for a user it only says "has a cart" (the
    # cart is always looked up by user and organization), so pages skip the mini-cart query.
    request.session[CART_SESSION_KEY] = cart.pk
    return cart


def mini_cart_totals(request) -> CartTotals | None:
    """The header's mini-cart: None (and no query) while the session has no cart."""
    if CART_SESSION_KEY not in request.session:
        return None
    cart = cart_for(request)
    if cart is None:
        return None
    return cart_totals(cart=cart, viewer=cart_viewer_for(request))


def cart_merge_on_login(sender, request, user, **kwargs) -> None:
    """``user_logged_in``: the visitor's cart joins the user's cart for the organization they
    act for. Django keeps the session's data when it changes the session key at login, so
    the visitor's cart id is still there."""
    if request is None or not hasattr(request, "session"):
        return
    cart_id = request.session.pop(CART_SESSION_KEY, None)
    organization = current_organization(
        user=user, requested_id=request.session.get(ORGANIZATION_SESSION_KEY)
    )
    visitor_cart = (
        cart_find(user=None, organization=None, cart_id=cart_id) if cart_id is not None else None
    )
    if visitor_cart is not None:
        user_cart = cart_get_or_create(session_key="", user=user, organization=organization)
        cart_merge(from_cart=visitor_cart, into_cart=user_cart)
    else:
        user_cart = cart_find(user=user, organization=organization)
    if user_cart is not None:
        request.session[CART_SESSION_KEY] = user_cart.pk


# --- Forms (shape only) -------------------------------------------------------------------


class CartAddForm(forms.Form):
    offer = forms.IntegerField(min_value=1, required=False)
    billing_plan = forms.CharField(max_length=12, required=False)
    # The list pages' cards send both in one select: "<offer id>:<billing plan>".
    choice = forms.RegexField(regex=r"^[1-9][0-9]{0,9}:[a-z_]{1,12}$", required=False)
    # The range is the offer's: the service checks it and names it.
    quantity = forms.IntegerField(error_messages={"invalid": gettext_lazy("Enter a whole number.")})
    next = forms.CharField(required=False, max_length=2000)

    def clean(self):
        data = super().clean()
        if data.get("choice"):
            offer, plan = data["choice"].split(":")
            data["offer"], data["billing_plan"] = int(offer), plan
        if not data.get("offer") or not data.get("billing_plan"):
            raise forms.ValidationError(_("Choose an offer and a billing plan."))
        return data


class QuantityForm(forms.Form):
    quantity = forms.IntegerField(error_messages={"invalid": gettext_lazy("Enter a whole number.")})


class CouponForm(forms.Form):
    code = forms.CharField(
        max_length=40,
        error_messages={"required": gettext_lazy("Enter a discount code.")},
        strip=True,
    )


def _form_error(form) -> ValidationError:
    message = " ".join(str(m) for errors in form.errors.values() for m in errors)
    return ValidationError(message or _("Check the form."), details=form.errors.get_json_data())


# --- Views ----------------------------------------------------------------------------------


def _cart_page(request, *, coupon_error: str = "", error: str = ""):
    """The cart page, or for HTMX its body plus the mini-cart swapped out of band. HTMX
    answers carry their error in the body with status 200, because HTMX does not swap
    error responses."""
    cart = cart_for(request)
    totals = cart_totals(cart=cart, viewer=cart_viewer_for(request))
    viewer = shop_for(request).viewer
    context = {
        "totals": totals,
        "coupon_error": coupon_error or totals.coupon_error,
        "cart_error": error,
        "can_save_for_later": request.user.is_authenticated and viewer is not None,
        "price_options_allowed": price_override_allowed(user=request.user, organization=viewer),
    }
    template = "web/partials/cart_body.html" if request.htmx else "web/cart.html"
    response = render(request, template, context)
    if request.htmx:
        response.write(
            render(request, MINI_CART_TEMPLATE, {"mini_cart": totals, "oob": True}).content
        )
    return response


def _back_to_cart(request, *, error: ApplicationError | None = None):
    if request.htmx:
        return _cart_page(
            request,
            error=error.message if error else "",
        )
    if error is not None:
        messages.error(request, error.message)
    return HttpResponseRedirect(reverse("web:cart"))


@require_GET
def cart_page(request):
    return _cart_page(request)


@require_POST
def cart_add(request):
    form = CartAddForm(request.POST)
    back = safe_next(request, request.POST.get("next"), default="web:cart")
    try:
        if not form.is_valid():
            raise _form_error(form)
        try:
            offer = Offer.objects.select_related("product").get(
                pk=form.cleaned_data["offer"], is_active=True
            )
        except Offer.DoesNotExist:
            raise OfferNotFound(_("This offer is no longer sold.")) from None
        require_buyer(request)
        cart = cart_for(request, create=True)
        line = cart_line_add(
            cart=cart,
            offer=offer,
            billing_plan=form.cleaned_data["billing_plan"],
            quantity=form.cleaned_data["quantity"],
        )
    except ApplicationError as error:
        if request.htmx:
            return render(
                request,
                "web/partials/cart_add_result.html",
                {"error": error.message},
            )
        if error.status == 404:
            return render_error(request, error)
        messages.error(request, error.message)
        return HttpResponseRedirect(back)
    message = _("Added to your cart: %(name)s.") % {"name": line.offer.name}
    if request.htmx:
        response = render(request, "web/partials/cart_add_result.html", {"message": message})
        totals = cart_totals(cart=cart, viewer=cart_viewer_for(request))
        response.write(
            render(request, MINI_CART_TEMPLATE, {"mini_cart": totals, "oob": True}).content
        )
        return response
    messages.success(request, message)
    return HttpResponseRedirect(back)


@require_POST
def cart_line_update_view(request, pk: int):
    cart = cart_for(request)
    form = QuantityForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_error(form)
        if cart is None:
            raise ValidationError(_("This item is no longer in your cart."))
        require_buyer(request)
        cart_line_update(cart=cart, line_id=pk, quantity=form.cleaned_data["quantity"])
    except ApplicationError as error:
        return _back_to_cart(request, error=error)
    return _back_to_cart(request)


@require_POST
def cart_line_remove_view(request, pk: int):
    cart = cart_for(request)
    try:
        if cart is None:
            raise ValidationError(_("This item is no longer in your cart."))
        require_buyer(request)
        cart_line_remove(cart=cart, line_id=pk)
    except ApplicationError as error:
        return _back_to_cart(request, error=error)
    return _back_to_cart(request)


@require_POST
def cart_coupon_apply_view(request):
    form = CouponForm(request.POST)
    cart = cart_for(request)
    try:
        if not form.is_valid():
            raise _form_error(form)
        if cart is None or not cart.lines.exists():
            raise ValidationError(_("Add something to your cart before applying a coupon."))
        require_buyer(request)
        cart_coupon_apply(
            cart=cart, code=form.cleaned_data["code"], viewer=cart_viewer_for(request)
        )
    except ApplicationError as error:
        if request.htmx:
            return _cart_page(request, coupon_error=error.message)
        messages.error(request, error.message)
        return HttpResponseRedirect(reverse("web:cart"))
    return _back_to_cart(request)


@require_POST
def cart_coupon_remove_view(request):
    cart = cart_for(request)
    if cart is not None:
        cart_coupon_remove(cart=cart)
    return _back_to_cart(request)


@require_GET
def mini_cart(request):
    return render(request, MINI_CART_TEMPLATE, {"mini_cart": mini_cart_totals(request)})


@require_POST
def cart_save_for_later_view(request):
    """*Save for later*: the cart becomes a draft order, listed in Orders, to resume later."""
    if not request.user.is_authenticated:
        return HttpResponseRedirect(reverse("web:cart"))
    cart = cart_for(request)
    try:
        if cart is None:
            raise ValidationError(_("Your cart is empty."))
        order = cart_save_for_later(
            cart=cart,
            user=request.user,
            viewer=cart_viewer_for(request),
            ip=request.META.get("REMOTE_ADDR"),
            user_agent=request.headers.get("User-Agent", ""),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return HttpResponseRedirect(reverse("web:cart"))
    messages.success(
        request,
        _("Saved for later as order %(number)s. Resume it from this list when you are ready.")
        % {"number": order.number},
    )
    return HttpResponseRedirect(reverse("web:orders"))

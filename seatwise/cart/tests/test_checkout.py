"""Checkout: the cart becomes one order, priced again on the server, with its agreement,
coupon redemption and payment; a refusal writes nothing and keeps the cart."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings

from seatwise.cart.checkout import (
    CheckoutCartChanged,
    CheckoutDetails,
    CheckoutError,
    checkout_place,
    checkout_requirements,
)
from seatwise.cart.models import Cart, CartLine
from seatwise.cart.selectors import cart_totals, cart_viewer_get
from seatwise.cart.services import cart_get_or_create, cart_line_add
from seatwise.cart.tests.factories import build_cart_shop
from seatwise.catalog.enums import VendorKind
from seatwise.catalog.models import Product
from seatwise.catalog.tests.factories import make_offer, make_vendor
from seatwise.core.cache import generation_bump
from seatwise.core.errors import PermissionDeniedError
from seatwise.orders.enums import OrderStatus, PaymentMethod
from seatwise.orders.models import Order
from seatwise.orders.services import BillingAddress
from seatwise.payments.enums import Gateway, PaymentStatus
from seatwise.payments.models import Payment
from seatwise.payments.tests.factories import make_account
from seatwise.pricing.enums import CouponKind
from seatwise.pricing.exceptions import CouponError
from seatwise.pricing.models import Coupon, CouponRedemption
from seatwise.pricing.selectors import price_context_get
from seatwise.tenancy.enums import AgreementType, Role
from seatwise.tenancy.exceptions import OrganizationNotFound
from seatwise.tenancy.models import AgreementAcceptance
from seatwise.tenancy.tests.factories import make_member, make_reseller

pytestmark = pytest.mark.django_db

ADDRESS = BillingAddress(
    name="Fabrikam School",
    address_line1="1 Khreshchatyk St",
    postal_code="01001",
    city="Kyiv",
    country="UA",
)


@pytest.fixture
def shop():
    data = build_cart_shop()
    press = make_vendor("Tech Press", VendorKind.STORE)
    Product.objects.filter(pk=data.book_offer.product_id).update(vendor=press)
    data.book_offer.refresh_from_db()
    make_account(data.provider)
    return data


@pytest.fixture
def buyer(shop):
    return make_member(shop.customer)


def _viewer(shop, organization=None):
    organization = organization or shop.customer
    return cart_viewer_get(
        organization=organization,
        provider=shop.provider,
        price_context=price_context_get(provider=shop.provider, viewer=organization),
        currency="USD",
    )


def _cart(shop, user, *offers, organization=None):
    cart = cart_get_or_create(session_key="", user=user, organization=organization or shop.customer)
    for offer, quantity in offers:
        cart_line_add(
            cart=cart, offer=offer, billing_plan=offer.billing_plans[0], quantity=quantity
        )
    return cart


def _details(cart=None, **changes) -> CheckoutDetails:
    values = {
        "billing": ADDRESS,
        "payment_method": PaymentMethod.LIQPAY,
        "accept_mca": True,
        "accept_vendor_terms": True,
        "target_tenants": {line.pk: "fabrikam" for line in cart.lines.all()} if cart else {},
        "ship_to_billing": True,
    }
    values.update(changes)
    return CheckoutDetails(**values)


def _place(shop, user, cart, key="key-1", **changes):
    return checkout_place(
        user=user,
        cart=cart,
        viewer=_viewer(shop),
        provider=shop.provider,
        details=_details(cart, **changes),
        idempotency_key=key,
        ip="203.0.113.7",
    )


def test_placing_prices_the_cart_again_and_empties_it(shop, buyer):
    cart = _cart(shop, buyer, (shop.e3, 2))
    expected = cart_totals(cart=cart, viewer=_viewer(shop))
    result = _place(shop, buyer, cart)
    order = result.order
    assert result.created
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert order.payment_method == PaymentMethod.LIQPAY
    assert order.seller == shop.reseller
    assert order.total == expected.total.amount
    line = order.lines.get()
    assert (line.quantity, line.unit_price) == (2, expected.lines[0].unit_price.amount)
    assert line.target_tenant == "fabrikam.onmicrosoft.com"
    assert (order.billing_name, order.billing_city, order.billing_country) == (
        "Fabrikam School",
        "Kyiv",
        "UA",
    )
    payment = result.payment
    assert (payment.gateway, payment.status, payment.reference) == (
        Gateway.LIQPAY,
        PaymentStatus.PENDING,
        order.number,
    )
    assert payment.amount == order.total.quantize(Decimal("0.01"))
    assert not CartLine.objects.filter(cart=cart).exists()


def test_the_same_key_places_one_order(shop, buyer):
    cart = _cart(shop, buyer, (shop.e3, 1))
    first = _place(shop, buyer, cart, key="double-click")
    second = _place(shop, buyer, Cart.objects.get(pk=cart.pk), key="double-click")
    assert not second.created
    assert second.order == first.order
    assert second.payment == first.payment
    assert Order.objects.count() == 1
    assert Payment.objects.count() == 1


def test_a_key_another_checkout_used_answers_with_that_order(shop, buyer):
    """The cart remembers only its last checkout: a key used before, then the cart filled
    and placed again with a new key, still finds its own order (from the orders' unique
    key), writes nothing and keeps the cart."""
    cart = _cart(shop, buyer, (shop.e3, 1))
    first = _place(shop, buyer, cart, key="first")
    _cart(shop, buyer, (shop.e3, 2))
    second = _place(shop, buyer, Cart.objects.get(pk=cart.pk), key="second")
    _cart(shop, buyer, (shop.e3, 3))
    again = _place(shop, buyer, Cart.objects.get(pk=cart.pk), key="first")
    assert not again.created
    assert again.order == first.order and again.payment == first.payment
    assert Order.objects.count() == 2 and second.order != first.order
    assert Payment.objects.count() == 2
    assert cart.lines.get().quantity == 3


def test_a_microsoft_line_requires_the_mca_and_records_it(shop, buyer):
    cart = _cart(shop, buyer, (shop.e3, 1))
    required = checkout_requirements(
        organization=shop.customer, totals=cart_totals(cart=cart, viewer=_viewer(shop))
    )
    assert required.needs_mca and not required.needs_vendor_terms
    with pytest.raises(CheckoutError) as error:
        _place(shop, buyer, cart, accept_mca=False)
    assert "accept_mca" in error.value.details["fields"]
    assert not Order.objects.exists() and not AgreementAcceptance.objects.exists()
    assert cart.lines.count() == 1

    order = _place(shop, buyer, cart).order
    acceptance = AgreementAcceptance.objects.get()
    assert order.agreement_acceptance == acceptance
    assert (acceptance.organization, acceptance.user, acceptance.version, acceptance.ip) == (
        shop.customer,
        buyer,
        settings.SEATWISE_MCA_VERSION,
        "203.0.113.7",
    )
    assert acceptance.agreement == AgreementType.MICROSOFT_CUSTOMER_AGREEMENT

    # Accepted once: the next order does not ask again and links the same acceptance.
    cart = _cart(shop, buyer, (shop.e3, 3))
    required = checkout_requirements(
        organization=shop.customer, totals=cart_totals(cart=cart, viewer=_viewer(shop))
    )
    assert not required.needs_mca
    again = _place(shop, buyer, cart, key="key-2", accept_mca=False).order
    assert again.agreement_acceptance == acceptance
    assert AgreementAcceptance.objects.count() == 1


def test_other_vendors_need_their_terms_and_shippable_lines_a_shipping_address(shop, buyer):
    cart = _cart(shop, buyer, (shop.book_offer, 1))
    required = checkout_requirements(
        organization=shop.customer, totals=cart_totals(cart=cart, viewer=_viewer(shop))
    )
    assert required.needs_vendor_terms and required.shipping_required
    assert not required.needs_mca and not required.microsoft_lines
    with pytest.raises(CheckoutError) as error:
        _place(shop, buyer, cart, accept_vendor_terms=False, ship_to_billing=False)
    assert set(error.value.details["fields"]) == {"accept_vendor_terms", "ship_to_billing"}
    assert not Order.objects.exists() and cart.lines.count() == 1
    assert _place(shop, buyer, cart).order.lines.get().target_tenant == ""


def test_a_vendors_terms_are_recorded_once_per_version_with_who_when_and_where(shop, buyer):
    press = shop.book_offer.product.vendor
    cart = _cart(shop, buyer, (shop.book_offer, 1))
    required = checkout_requirements(
        organization=shop.customer, totals=cart_totals(cart=cart, viewer=_viewer(shop))
    )
    assert [(t.slug, t.name, t.version) for t in required.vendor_terms] == [
        (press.slug, "Tech Press", "1")
    ]
    order = _place(shop, buyer, cart).order
    acceptance = AgreementAcceptance.objects.get(agreement=AgreementType.VENDOR_TERMS)
    assert (
        acceptance.organization,
        acceptance.subject,
        acceptance.version,
        acceptance.user,
        acceptance.ip,
    ) == (shop.customer, press.slug, "1", buyer, "203.0.113.7")
    assert acceptance.accepted_at is not None and order.status == OrderStatus.AWAITING_PAYMENT

    # Accepted: the next order of the same vendor does not ask again, nor record anything.
    cart = _cart(shop, buyer, (shop.book_offer, 1))
    totals = cart_totals(cart=cart, viewer=_viewer(shop))
    assert not checkout_requirements(organization=shop.customer, totals=totals).needs_vendor_terms
    _place(shop, buyer, cart, key="key-2", accept_vendor_terms=False)
    assert AgreementAcceptance.objects.filter(agreement=AgreementType.VENDOR_TERMS).count() == 1

    # A new version of the vendor's terms is asked for again (written as the admin does:
    # with the catalogue's generation bumped, which the checkout's cached read follows).
    type(press).objects.filter(pk=press.pk).update(terms_version="2")
    generation_bump()
    cart = _cart(shop, buyer, (shop.book_offer, 1))
    with pytest.raises(CheckoutError) as error:
        _place(shop, buyer, cart, key="key-3", accept_vendor_terms=False)
    assert set(error.value.details["fields"]) == {"accept_vendor_terms"}
    _place(shop, buyer, cart, key="key-3")
    assert list(
        AgreementAcceptance.objects.filter(agreement=AgreementType.VENDOR_TERMS)
        .order_by("pk")
        .values_list("version", flat=True)
    ) == ["1", "2"]


def test_a_tenant_chosen_on_buy_now_is_the_checkouts_default_and_used_when_none_is_given(
    shop, buyer
):
    cart = _cart(shop, buyer, (shop.e3, 1))
    CartLine.objects.filter(cart=cart).update(target_tenant="contosoedu.onmicrosoft.com")
    required = checkout_requirements(
        organization=shop.customer, totals=cart_totals(cart=cart, viewer=_viewer(shop))
    )
    assert [item.default_tenant for item in required.microsoft_lines] == [
        "contosoedu.onmicrosoft.com"
    ]
    order = _place(shop, buyer, cart, target_tenants={}).order
    assert order.lines.get().target_tenant == "contosoedu.onmicrosoft.com"


def test_a_wrong_tenant_domain_or_billing_address_is_refused(shop, buyer):
    cart = _cart(shop, buyer, (shop.e3, 1))
    line = cart.lines.get()
    with pytest.raises(CheckoutError) as error:
        _place(
            shop,
            buyer,
            cart,
            target_tenants={line.pk: "not valid!"},
            billing=BillingAddress(name="", country="ZZ"),
        )
    fields = error.value.details["fields"]
    assert f"tenant_{line.pk}" in fields
    assert {"billing_name", "billing_address_line1", "billing_country"} <= set(fields)
    assert not Order.objects.exists() and not Payment.objects.exists()


def test_a_contract_customer_pays_by_invoice_only(shop, buyer):
    shop.customer.is_contract_customer = True
    shop.customer.save(update_fields=["is_contract_customer"])
    cart = _cart(shop, buyer, (shop.e3, 1))
    with pytest.raises(CheckoutError) as error:
        _place(shop, buyer, cart, payment_method=PaymentMethod.LIQPAY)
    assert "payment_method" in error.value.details["fields"]
    result = _place(shop, buyer, cart, payment_method=PaymentMethod.INVOICE)
    assert result.order.status == OrderStatus.AWAITING_PAYMENT
    assert result.order.payment_method == PaymentMethod.INVOICE
    assert (result.payment.gateway, result.payment.account) == (Gateway.INVOICE, None)


def test_others_cannot_pay_by_invoice(shop, buyer):
    cart = _cart(shop, buyer, (shop.e3, 1))
    with pytest.raises(CheckoutError):
        _place(shop, buyer, cart, payment_method=PaymentMethod.INVOICE)
    assert not Order.objects.exists()


def test_the_coupon_is_redeemed_with_the_order_and_its_last_use_goes_once(shop, buyer):
    coupon = Coupon.objects.create(
        organization=shop.reseller,
        code="LAST",
        kind=CouponKind.PERCENT,
        value=Decimal(10),
        usage_limit=1,
    )
    cart = _cart(shop, buyer, (shop.e3, 1))
    cart.coupon_code = "LAST"
    cart.save(update_fields=["coupon_code"])
    other = make_member(shop.customer)
    other_cart = _cart(shop, other, (shop.e3, 1))
    other_cart.coupon_code = "LAST"
    other_cart.save(update_fields=["coupon_code"])
    # Both buyers saw the discount; the first confirmation takes the last use.
    seen = cart_totals(cart=other_cart, viewer=_viewer(shop))
    assert seen.discount.amount > 0

    order = _place(shop, buyer, cart).order
    assert order.discount > 0
    redemption = CouponRedemption.objects.get()
    assert (redemption.coupon, redemption.order_reference) == (coupon, order.number)
    coupon.refresh_from_db()
    assert coupon.times_used == 1

    with pytest.raises((CheckoutCartChanged, CouponError)):
        _place(shop, other, other_cart, key="key-2")
    assert Order.objects.count() == 1
    assert other_cart.lines.count() == 1


def test_the_coupon_redemption_race_rolls_the_whole_order_back(shop, buyer, monkeypatch):
    """The redemption re-checks the limit under the coupon's row lock: when the last use
    went between the totals and the redemption, the order is not placed at all."""
    Coupon.objects.create(
        organization=shop.reseller,
        code="RACE",
        kind=CouponKind.PERCENT,
        value=Decimal(10),
        usage_limit=1,
    )
    cart = _cart(shop, buyer, (shop.e3, 1))
    cart.coupon_code = "RACE"
    cart.save(update_fields=["coupon_code"])
    from seatwise.cart import checkout

    real_redeem = checkout.coupon_redeem

    def redeem_after_a_rival(**kwargs):
        real_redeem(**{**kwargs, "order_reference": "rival-order"})
        return real_redeem(**kwargs)

    monkeypatch.setattr(checkout, "coupon_redeem", redeem_after_a_rival)
    with pytest.raises(CouponError):
        _place(shop, buyer, cart)
    assert not Order.objects.exists()
    assert not CouponRedemption.objects.exists()
    assert not Payment.objects.exists()
    assert cart.lines.count() == 1


def test_refusals_leave_the_cart_and_write_nothing(shop, buyer):
    empty = _cart(shop, buyer)
    with pytest.raises(CheckoutCartChanged):
        _place(shop, buyer, empty)
    unpriced = make_offer(shop.e3.product, "Office 365 E5", sku="E5-NO-PRICE")
    cart = _cart(shop, buyer, (unpriced, 1))  # no price list sells it
    assert cart_totals(cart=cart, viewer=_viewer(shop)).has_unavailable
    with pytest.raises(CheckoutCartChanged):
        _place(shop, buyer, cart)
    with pytest.raises(CheckoutCartChanged):
        _place(shop, buyer, cart, key="")
    assert not Order.objects.exists() and not Payment.objects.exists()
    assert cart.lines.count() == 1


def test_a_read_only_member_cannot_place_and_nobody_checks_out_anothers_cart(shop, buyer):
    reader = make_member(shop.customer, role=Role.READ_ONLY)
    cart = _cart(shop, reader, (shop.e3, 1))
    with pytest.raises(PermissionDeniedError):
        _place(shop, reader, cart)
    mine = _cart(shop, buyer, (shop.e3, 1))
    colleague = make_member(shop.customer)
    with pytest.raises(CheckoutCartChanged):
        _place(shop, colleague, mine)
    assert not Order.objects.exists()
    assert mine.lines.count() == 1 and cart.lines.count() == 1


def test_the_role_carried_by_the_cart_lock_decides_like_require_role(shop, buyer):
    """The checkout reads the buyer's role with its cart lock: reseller staff acting inside
    the customer place its cart; an own read-only membership wins over a reseller role; a
    stranger is refused as not found, and nothing is written for either refusal."""
    staff = make_member(shop.reseller, role=Role.ACCOUNT_MANAGER)
    cart = _cart(shop, staff, (shop.e3, 1))
    assert _place(shop, staff, cart).created

    reader = make_member(shop.reseller, role=Role.OWNER)
    make_member(shop.customer, role=Role.READ_ONLY, user=reader)
    refused = _cart(shop, reader, (shop.e3, 1))
    with pytest.raises(PermissionDeniedError):
        _place(shop, reader, refused, key="key-2")

    stranger = make_member(make_reseller(shop.provider), role=Role.OWNER)
    foreign = _cart(shop, stranger, (shop.e3, 1))
    with pytest.raises(OrganizationNotFound):
        _place(shop, stranger, foreign, key="key-3")
    assert Order.objects.count() == 1
    assert refused.lines.count() == 1 and foreign.lines.count() == 1

"""Reseller orders for a customer (ALEF 2.2–2.3): *Price options* on a line (a markup % or a
target customer price), the summary table, *Buy now* into the cart, *Save for later* as a
draft order and *Resume*; who may do each."""

from decimal import Decimal

import pytest

from seatwise.audit.enums import AuditEventType
from seatwise.audit.models import AuditEvent
from seatwise.cart.calculations import (
    MarkupOutOfRange,
    customer_unit_price,
    markup_for_target,
    price_option_rows,
)
from seatwise.cart.exceptions import (
    AddonNeedsBase,
    CartNotSavable,
    DraftNotResumable,
    InvalidMarkup,
    InvalidTargetTenant,
    PriceOverrideDenied,
)
from seatwise.cart.models import CartLine
from seatwise.cart.selectors import (
    cart_line_price_options,
    cart_totals,
    cart_viewer_get,
    offer_price_options,
    price_override_allowed,
    tenant_domain_options,
)
from seatwise.cart.services import (
    cart_buy_now,
    cart_get_or_create,
    cart_line_add,
    cart_line_price_set,
    cart_save_for_later,
    order_draft_resume,
)
from seatwise.cart.tests.factories import build_cart_shop
from seatwise.catalog.tests.factories import make_offer, make_product
from seatwise.core.money import Money
from seatwise.orders.enums import OrderStatus
from seatwise.orders.models import Order
from seatwise.orders.tests.factories import line as order_line
from seatwise.orders.tests.factories import make_order
from seatwise.pricing.enums import PriceListKind
from seatwise.pricing.models import PriceList
from seatwise.pricing.selectors import price_context_get
from seatwise.pricing.tests.factories import make_price
from seatwise.tenancy.enums import Role
from seatwise.tenancy.tests.factories import make_customer, make_member, make_reseller
from seatwise.tenancy.tests.factories import make_user as make_plain_user

pytestmark = pytest.mark.django_db

EUR = "EUR"


def usd(value: str) -> Money:
    return Money(Decimal(value), "USD")


# --- pure maths ---------------------------------------------------------------------------


def test_a_ten_percent_markup_on_14_16_gives_15_58_and_a_margin_of_1_42_like_alef():
    partner = Money(Decimal("14.16"), EUR)
    unit = customer_unit_price(partner=partner, markup_percent=Decimal(10))
    assert unit == Money(Decimal("15.576"), EUR)  # full precision until display
    unit_row, total_row = price_option_rows(
        partner=partner, srp=Money(Decimal("16.87"), EUR), customer_unit=unit, quantity=1
    )
    assert unit_row == total_row
    assert unit_row.partner_price.amount == Decimal("14.16")
    assert unit_row.suggested_retail_price.amount == Decimal("16.87")
    assert unit_row.customer_price.amount == Decimal("15.58")
    assert unit_row.margin.amount == Decimal("1.42")


def test_the_second_row_is_the_quantity_each_cell_rounded_once():
    partner = Money(Decimal("14.16"), EUR)
    unit = customer_unit_price(partner=partner, markup_percent=Decimal(10))
    _one, ten = price_option_rows(
        partner=partner, srp=Money(Decimal("16.87"), EUR), customer_unit=unit, quantity=10
    )
    assert (ten.quantity, ten.partner_price.amount, ten.customer_price.amount) == (
        10,
        Decimal("141.60"),
        Decimal("155.76"),
    )
    assert ten.suggested_retail_price.amount == Decimal("168.70")
    assert ten.margin.amount == Decimal("14.16")


def test_a_target_price_becomes_the_markup_over_the_partner_price_to_three_decimals():
    partner = Money(Decimal("14.16"), EUR)
    assert markup_for_target(partner=partner, target=Money(Decimal("15.58"), EUR)) == Decimal(
        "10.028"
    )
    assert markup_for_target(partner=partner, target=Money(Decimal("14.16"), EUR)) == 0
    assert markup_for_target(partner=partner, target=Money(Decimal("0"), EUR)) == -100
    with pytest.raises(MarkupOutOfRange):
        markup_for_target(partner=Money(Decimal(0), EUR), target=Money(Decimal(1), EUR))
    with pytest.raises(MarkupOutOfRange):
        markup_for_target(partner=partner, target=Money(Decimal(1), "USD"))


# --- set-up ---------------------------------------------------------------------------------


@pytest.fixture
def shop():
    return build_cart_shop()


@pytest.fixture
def alef_offer(shop):
    """An offer whose partner price is ALEF's 14.16 (ERP 16.87)."""
    offer = make_offer(make_product("Microsoft 365 Business"), sku="M365-BUS")
    cost = PriceList.objects.get(organization=shop.provider, kind=PriceListKind.COST)
    resale = PriceList.objects.get(organization=shop.provider, kind=PriceListKind.RESELLER)
    make_price(cost, offer, "12.00", "16.87", billing_plan="monthly")
    make_price(resale, offer, "14.16", "16.87", billing_plan="monthly")
    return offer


def _viewer(shop, organization):
    return cart_viewer_get(
        organization=organization,
        provider=shop.provider,
        price_context=price_context_get(provider=shop.provider, viewer=organization),
        currency="USD",
    )


@pytest.fixture
def reseller_owner(shop):
    return make_member(shop.reseller, Role.OWNER)


@pytest.fixture
def acting_cart(shop, reseller_owner):
    return cart_get_or_create(session_key="", user=reseller_owner, organization=shop.customer)


# --- who may set prices ---------------------------------------------------------------------


def test_only_managing_staff_of_the_customers_own_reseller_may_set_prices(shop, reseller_owner):
    assert price_override_allowed(user=reseller_owner, organization=shop.customer)
    manager = make_member(shop.reseller, Role.ACCOUNT_MANAGER)
    assert price_override_allowed(user=manager, organization=shop.customer)
    # the customer's own owner, a read-only reseller member, another reseller's owner,
    # provider staff inside a reseller's customer, and the reseller for itself: no
    assert not price_override_allowed(user=make_member(shop.customer), organization=shop.customer)
    assert not price_override_allowed(
        user=make_member(shop.reseller, Role.READ_ONLY), organization=shop.customer
    )
    other = make_reseller(shop.provider)
    assert not price_override_allowed(user=make_member(other), organization=shop.customer)
    assert not price_override_allowed(user=make_member(shop.provider), organization=shop.customer)
    assert not price_override_allowed(user=reseller_owner, organization=shop.reseller)
    assert not price_override_allowed(user=make_plain_user(), organization=shop.customer)
    assert not price_override_allowed(user=reseller_owner, organization=None)


def test_provider_staff_may_set_prices_in_a_direct_customer(shop):
    direct = make_customer(shop.provider)
    assert price_override_allowed(user=make_member(shop.provider), organization=direct)


# --- cart_line_price_set --------------------------------------------------------------------


def test_a_markup_on_a_line_sets_the_customer_unit_price_from_the_partner_price(
    shop, alef_offer, reseller_owner, acting_cart
):
    viewer = _viewer(shop, shop.customer)
    line = cart_line_add(cart=acting_cart, offer=alef_offer, billing_plan="monthly", quantity=1)
    default = cart_totals(cart=acting_cart, viewer=viewer).lines[0]
    # default 5 %: 14.16 × 1.05 = 14.868, quoted to the cent
    assert default.unit_price.amount == Decimal("14.87")

    cart_line_price_set(
        cart=acting_cart, line_id=line.pk, user=reseller_owner, markup_percent=Decimal(10)
    )
    priced = cart_totals(cart=acting_cart, viewer=viewer).lines[0]
    assert priced.unit_price == Money(Decimal("15.58"), "USD")  # 14.16 × 1.10 = 15.576
    assert priced.total.amount == Decimal("15.58")
    assert priced.partner_price.amount == Decimal("14.16")
    assert priced.margin.amount == Decimal("1.42")
    options = cart_line_price_options(cart=acting_cart, line_id=line.pk, viewer=viewer)
    assert [
        (r.quantity, r.partner_price, r.suggested_retail_price, r.customer_price, r.margin)
        for r in options.rows
    ] == [(1, usd("14.16"), usd("16.87"), usd("15.58"), usd("1.42"))] * 2


def test_a_target_price_is_stored_as_the_markup_and_clearing_restores_the_default(
    shop, alef_offer, reseller_owner, acting_cart
):
    viewer = _viewer(shop, shop.customer)
    line = cart_line_add(cart=acting_cart, offer=alef_offer, billing_plan="monthly", quantity=2)
    cart_line_price_set(
        cart=acting_cart,
        line_id=line.pk,
        user=reseller_owner,
        viewer=viewer,
        target_price=Decimal("15.58"),
    )
    line.refresh_from_db()
    assert line.markup_percent == Decimal("10.028")
    assert cart_totals(cart=acting_cart, viewer=viewer).lines[0].total.amount == Decimal("31.16")

    cart_line_price_set(cart=acting_cart, line_id=line.pk, user=reseller_owner)
    line.refresh_from_db()
    assert line.markup_percent is None


@pytest.mark.parametrize(
    "values",
    [
        {"markup_percent": Decimal("-100.5")},
        {"markup_percent": Decimal("10000")},
        {"markup_percent": 1.5},
        {"markup_percent": Decimal(5), "target_price": Decimal(20)},
        {"target_price": Decimal("-1")},
        {"target_price": Decimal("NaN")},
    ],
)
def test_bad_markups_are_refused_and_change_nothing(
    shop, alef_offer, reseller_owner, acting_cart, values
):
    line = cart_line_add(cart=acting_cart, offer=alef_offer, billing_plan="monthly", quantity=1)
    with pytest.raises(InvalidMarkup):
        cart_line_price_set(
            cart=acting_cart,
            line_id=line.pk,
            user=reseller_owner,
            viewer=_viewer(shop, shop.customer),
            **values,
        )
    line.refresh_from_db()
    assert line.markup_percent is None


def test_a_customers_own_user_may_not_set_a_price(shop, alef_offer):
    user = make_member(shop.customer, Role.OWNER)
    cart = cart_get_or_create(session_key="", user=user, organization=shop.customer)
    line = cart_line_add(cart=cart, offer=alef_offer, billing_plan="monthly", quantity=1)
    with pytest.raises(PriceOverrideDenied):
        cart_line_price_set(cart=cart, line_id=line.pk, user=user, markup_percent=Decimal(-50))
    line.refresh_from_db()
    assert line.markup_percent is None


def test_another_resellers_owner_may_not_set_a_price_on_a_line(shop, alef_offer, acting_cart):
    cart_line_add(cart=acting_cart, offer=alef_offer, billing_plan="monthly", quantity=1)
    stranger = make_member(make_reseller(shop.provider))
    with pytest.raises(PriceOverrideDenied):
        cart_line_price_set(
            cart=acting_cart,
            line_id=acting_cart.lines.get().pk,
            user=stranger,
            markup_percent=Decimal(1),
        )


# --- Buy now --------------------------------------------------------------------------------


def test_buy_now_adds_the_line_with_its_tenant_markup_and_chosen_addons(
    shop, reseller_owner, acting_cart
):
    viewer = _viewer(shop, shop.customer)
    lines = cart_buy_now(
        cart=acting_cart,
        user=reseller_owner,
        viewer=viewer,
        offer=shop.e3,
        billing_plan="monthly",
        quantity=10,
        target_tenant="Fabrikam",
        markup_percent=Decimal(10),
        addons=[(shop.teams_addon, 3)],
    )
    assert [(line.offer, line.quantity) for line in lines] == [(shop.e3, 10), (shop.teams_addon, 3)]
    base = CartLine.objects.get(cart=acting_cart, offer=shop.e3)
    assert (base.target_tenant, base.markup_percent) == ("fabrikam.onmicrosoft.com", Decimal(10))
    priced = cart_totals(cart=acting_cart, viewer=viewer).lines[0]
    assert priced.unit_price.amount == Decimal("20.70") * Decimal("1.1")


def test_buy_now_with_a_markup_is_refused_to_the_customers_user_and_adds_nothing(shop):
    user = make_member(shop.customer)
    cart = cart_get_or_create(session_key="", user=user, organization=shop.customer)
    with pytest.raises(PriceOverrideDenied):
        cart_buy_now(
            cart=cart,
            user=user,
            viewer=_viewer(shop, shop.customer),
            offer=shop.e3,
            billing_plan="monthly",
            quantity=1,
            target_tenant="fabrikam",
            markup_percent=Decimal(1),
        )
    assert not CartLine.objects.exists()


def test_buy_now_needs_a_tenant_for_a_microsoft_offer_and_only_its_own_addons(
    shop, reseller_owner, acting_cart
):
    viewer = _viewer(shop, shop.customer)
    common = {
        "cart": acting_cart,
        "user": reseller_owner,
        "viewer": viewer,
        "billing_plan": "monthly",
        "quantity": 1,
    }
    with pytest.raises(InvalidTargetTenant):
        cart_buy_now(offer=shop.e3, target_tenant="", **common)
    with pytest.raises(InvalidTargetTenant):
        cart_buy_now(offer=shop.e3, target_tenant="bad name!", **common)
    with pytest.raises(AddonNeedsBase):
        cart_buy_now(offer=shop.teams_addon, target_tenant="fabrikam", **common)
    assert not CartLine.objects.exists()


def test_tenant_options_are_the_domains_of_placed_orders_not_of_drafts(shop):
    assert tenant_domain_options(organization=shop.customer) == ()
    assert tenant_domain_options(organization=None) == ()
    make_order(shop.customer, lines=[order_line(shop.e3, target_tenant="old.onmicrosoft.com")])
    make_order(
        shop.customer,
        status=OrderStatus.DRAFT,
        lines=[order_line(shop.e3, target_tenant="draft.onmicrosoft.com")],
    )
    assert tenant_domain_options(organization=shop.customer) == ("old.onmicrosoft.com",)


def test_a_known_tenant_may_be_chosen_for_buy_now(shop, reseller_owner, acting_cart):
    make_order(shop.customer, lines=[order_line(shop.e3, target_tenant="old.onmicrosoft.com")])
    cart_buy_now(
        cart=acting_cart,
        user=reseller_owner,
        viewer=_viewer(shop, shop.customer),
        offer=shop.e3,
        billing_plan="annual",
        quantity=2,
        target_tenant="old.onmicrosoft.com",
    )
    assert acting_cart.lines.get().target_tenant == "old.onmicrosoft.com"


def test_offer_price_options_total_follows_quantity_and_markup(shop, alef_offer):
    viewer = _viewer(shop, shop.customer)
    options = offer_price_options(
        viewer=viewer,
        offer=alef_offer,
        billing_plan="monthly",
        quantity=3,
        markup_percent=Decimal(10),
    )
    # 15.576 quoted as 15.58 a unit, so 3 are 46.74 (the line is unit price × quantity)
    assert options.total.amount == Decimal("46.74")
    assert options.rows[1].margin.amount == Decimal("4.26")  # 46.74 − 42.48
    assert options.default_markup_percent == Decimal(5)
    assert (
        offer_price_options(viewer=viewer, offer=alef_offer, billing_plan="annual", quantity=1)
        is None
    )


# --- Save for later and Resume --------------------------------------------------------------


def _saved(shop, reseller_owner, acting_cart, alef_offer):
    viewer = _viewer(shop, shop.customer)
    line = cart_line_add(cart=acting_cart, offer=alef_offer, billing_plan="monthly", quantity=1)
    line.target_tenant = "fabrikam.onmicrosoft.com"
    line.save(update_fields=["target_tenant"])
    cart_line_price_set(
        cart=acting_cart, line_id=line.pk, user=reseller_owner, markup_percent=Decimal(10)
    )
    return cart_save_for_later(cart=acting_cart, user=reseller_owner, viewer=viewer, ip="10.0.0.1")


def test_save_for_later_makes_a_draft_with_the_margin_and_empties_the_cart(
    shop, alef_offer, reseller_owner, acting_cart
):
    order = _saved(shop, reseller_owner, acting_cart, alef_offer)
    assert order.status == OrderStatus.DRAFT
    assert (order.organization, order.seller, order.placed_by) == (
        shop.customer,
        shop.reseller,
        reseller_owner,
    )
    line = order.lines.get()
    assert line.unit_price == Decimal("15.5800")
    assert line.line_total == Decimal("15.5800")
    assert line.partner_unit_price == Decimal("14.1600")
    assert line.markup_percent == Decimal("10.000")
    assert line.target_tenant == "fabrikam.onmicrosoft.com"
    assert order.total == Decimal("15.5800")
    assert not acting_cart.lines.exists()
    entry = AuditEvent.objects.get(event=AuditEventType.ORDER_SAVED_FOR_LATER)
    assert (entry.organization, entry.actor, entry.acting_from) == (
        shop.customer,
        reseller_owner,
        shop.reseller,
    )
    assert entry.details["order"] == order.number
    assert entry.ip_address == "10.0.0.1"


def test_an_empty_cart_or_a_visitors_cannot_be_saved(shop, reseller_owner, acting_cart):
    viewer = _viewer(shop, shop.customer)
    with pytest.raises(CartNotSavable):
        cart_save_for_later(cart=acting_cart, user=reseller_owner, viewer=viewer)
    visitor = cart_get_or_create(session_key="x", user=None, organization=None)
    with pytest.raises(CartNotSavable):
        cart_save_for_later(cart=visitor, user=reseller_owner, viewer=_viewer(shop, None))
    assert not Order.objects.exists()


def test_resume_moves_the_lines_back_with_their_markup_and_closes_the_draft(
    shop, alef_offer, reseller_owner, acting_cart
):
    order = _saved(shop, reseller_owner, acting_cart, alef_offer)
    order_draft_resume(order=order, cart=acting_cart, user=reseller_owner)
    line = acting_cart.lines.get()
    assert (line.offer, line.quantity, line.markup_percent, line.target_tenant) == (
        alef_offer,
        1,
        Decimal("10.000"),
        "fabrikam.onmicrosoft.com",
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert order.events.last().message == "Resumed in the cart"
    assert AuditEvent.objects.filter(
        event=AuditEventType.ORDER_DRAFT_RESUMED, acting_from=shop.reseller
    ).exists()
    with pytest.raises(DraftNotResumable):
        order_draft_resume(order=order, cart=acting_cart, user=reseller_owner)
    assert acting_cart.lines.get().quantity == 1


def test_the_customers_own_user_may_resume_the_resellers_draft_at_the_resellers_price(
    shop, alef_offer, reseller_owner, acting_cart
):
    order = _saved(shop, reseller_owner, acting_cart, alef_offer)
    user = make_member(shop.customer, Role.TECHNICAL)
    cart = cart_get_or_create(session_key="", user=user, organization=shop.customer)
    order_draft_resume(order=order, cart=cart, user=user)
    priced = cart_totals(cart=cart, viewer=_viewer(shop, shop.customer)).lines[0]
    assert priced.total.amount == Decimal("15.58")


def test_another_organization_cannot_resume_a_draft_and_nothing_changes(
    shop, alef_offer, reseller_owner, acting_cart
):
    from seatwise.tenancy.exceptions import OrganizationNotFound

    order = _saved(shop, reseller_owner, acting_cart, alef_offer)
    other_customer = make_customer(shop.reseller)
    outsider = make_member(other_customer)
    outsider_cart = cart_get_or_create(session_key="", user=outsider, organization=other_customer)
    with pytest.raises(OrganizationNotFound):
        order_draft_resume(order=order, cart=outsider_cart, user=outsider)
    stranger = make_member(make_reseller(shop.provider))
    with pytest.raises(OrganizationNotFound):
        order_draft_resume(order=order, cart=outsider_cart, user=stranger)
    # a user of the organization, but into someone else's cart
    member = make_member(shop.customer)
    with pytest.raises(DraftNotResumable):
        order_draft_resume(order=order, cart=acting_cart, user=member)
    order.refresh_from_db()
    assert order.status == OrderStatus.DRAFT
    assert not CartLine.objects.exists()

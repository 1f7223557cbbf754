"""Reseller orders for a customer, through the pages (ALEF 2.2–2.3): *Buy now* from the
product page, the order page (tenant, licences, billing period, total), *Price options* with
the summary table for the acting reseller only, the add-ons step (*Skip* / *Confirm*) or
*Add to cart*, *Save for later* on the cart page, the draft in Orders and *Resume*; and who
may see or resume what."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from seatwise.audit.enums import AuditEventType
from seatwise.audit.models import AuditEvent
from seatwise.cart.models import CartLine
from seatwise.catalog.models import Offer
from seatwise.connectors.models import TenantDomain
from seatwise.orders.enums import OrderStatus
from seatwise.orders.models import Order
from seatwise.tenancy.enums import Role
from seatwise.tenancy.tests.factories import make_customer, make_member, make_reseller

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


@pytest.fixture
def aad_offer(shop):
    """An offer without add-ons (AAD Premium P1, 6.00 ERP a month)."""
    return Offer.objects.get(sku="AAD-P1")


def _acting(shop, role=Role.OWNER):
    """A client signed in as an owner of the shop's reseller, acting for its customer."""
    user = make_member(shop.reseller, role)
    client = Client()
    client.force_login(user)
    assert (
        client.post("/organizations/switch/", {"organization": shop.customer.pk}).status_code == 302
    )
    return client, user


def _member(organization, role=Role.OWNER):
    user = make_member(organization, role)
    client = Client()
    client.force_login(user)
    return client, user


def _buy(client, offer, **data):
    data.setdefault("billing_plan", "monthly")
    data.setdefault("quantity", 1)
    return client.post(f"/buy/{offer.pk}/", data)


# --- the product page and the order page ------------------------------------------------------


def test_the_product_page_offers_buy_now_to_signed_in_buyers_only(shop):
    visitor = Client().get("/p/office-365-e3/").content.decode()
    assert "data-buy-now-link" not in visitor
    client, _user = _member(shop.customer)
    page = client.get("/p/office-365-e3/").content.decode()
    assert f'href="/buy/{shop.e3.pk}/" data-buy-now-link="{shop.e3.sku}"' in page
    # an add-on is bought from its base offer's add-ons step, not on its own
    assert f'data-buy-now-link="{shop.teams_addon.sku}"' not in (
        client.get("/p/teams-phone/").content.decode()
    )


def test_the_order_page_needs_a_sign_in(shop):
    response = Client().get(f"/buy/{shop.e3.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_order_page_asks_tenant_licences_and_billing_period_and_shows_the_total(shop):
    client, _user = _member(shop.customer)
    page = client.get(f"/buy/{shop.e3.pk}/").content.decode()
    assert 'name="tenant"' in page and ">Create new<" in page
    assert 'name="domain"' in page
    assert 'name="quantity" value="1" min="1" max="300"' in page
    assert '<option value="monthly" selected>Monthly · $21.74</option>' in page
    assert '<option value="annual">Annual · $260.82</option>' in page
    assert "data-buy-total>$21.74<" in page  # 20.70 × 1.05, the customer's price
    assert "Price options" not in page  # a customer's own user
    assert 'value="next">Next step<' in page  # Office has an add-on


def test_an_unknown_offer_is_a_404_and_an_offer_not_sold_to_the_buyer_is_refused(shop):
    client, _user = _member(shop.customer)
    assert client.get("/buy/999999/").status_code == 404
    # academic only: the shop's customer is a commercial buyer
    response = _buy(client, shop.e3_academic, tenant="new", domain="fabrikamschool", action="add")
    assert "Your organization is not eligible for this offer." in response.content.decode()
    assert not CartLine.objects.exists()


def test_the_acting_reseller_gets_price_options_and_the_summary_table(shop):
    client, _user = _acting(shop)
    page = client.get(f"/buy/{shop.e3.pk}/").content.decode()
    assert "Price options" in page
    assert 'name="markup_percent"' in page and 'name="target_price"' in page
    assert "Partner Price" in page and "Suggested Retail Price" in page and "Your margin" in page


def test_the_order_page_and_the_addons_step_name_the_organization_ordered_for(shop):
    client, _user = _acting(shop)
    page = client.get(f"/buy/{shop.e3.pk}/").content.decode()
    assert f"Order for {shop.customer.name} ·" in page
    addons = _buy(
        client, shop.e3, tenant="new", domain="fabrikamschool", action="next"
    ).content.decode()
    assert "Step 2 of 2" in addons
    assert f"Order for {shop.customer.name} ·" in addons


def test_the_summary_follows_quantity_and_markup_over_htmx(shop):
    client, _user = _acting(shop)
    response = client.get(
        f"/buy/{shop.e3.pk}/summary/",
        {"billing_plan": "monthly", "quantity": "10", "markup_percent": "10"},
        headers=HX,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "data-buy-total>$227.70<" in body  # 20.70 × 1.10 × 10
    unit = body.split('data-options-row="unit"')[1].split("</tr>")[0]
    total = body.split('data-options-row="total"')[1].split("</tr>")[0]
    assert 'data-cell="partner">$20.70<' in unit
    assert 'data-cell="srp">$23.00<' in unit
    assert 'data-cell="customer">$22.77<' in unit
    assert 'data-cell="margin">$2.07<' in unit
    assert 'data-cell="quantity">10<' in total
    assert 'data-cell="customer">$227.70<' in total
    assert 'data-cell="margin">$20.70<' in total


def test_a_target_price_gives_the_markup_in_the_summary(shop):
    client, _user = _acting(shop)
    body = client.get(
        f"/buy/{shop.e3.pk}/summary/",
        {"billing_plan": "monthly", "quantity": "1", "target_price": "22.77"},
    ).content.decode()
    assert "Markup on this order: 10 %" in body
    assert "data-buy-total>$22.77<" in body


def test_a_customer_user_sending_a_markup_gets_the_normal_price_and_no_table(shop, aad_offer):
    client, _user = _member(shop.customer)
    body = client.get(
        f"/buy/{shop.e3.pk}/summary/",
        {"billing_plan": "monthly", "quantity": "1", "markup_percent": "-90"},
    ).content.decode()
    assert "data-buy-total>$21.74<" in body
    assert "data-price-options-table" not in body
    _buy(client, aad_offer, tenant="new", domain="fabrikamx", markup_percent="-90", action="add")
    line = CartLine.objects.get()
    assert line.markup_percent is None


def test_update_total_works_without_javascript(shop):
    client, _user = _acting(shop)
    response = _buy(client, shop.e3, quantity=3, markup_percent="10", action="update")
    page = response.content.decode()
    assert response.status_code == 200
    assert "data-buy-total>$68.31<" in page  # 22.77 × 3
    assert "Monthly · $22.77<" in page  # the billing period shows the marked-up unit price
    assert "<details" in page and "data-price-options open" in page
    assert not CartLine.objects.exists()


def test_bad_input_is_shown_on_the_page_and_adds_nothing(shop):
    client, _user = _acting(shop)
    page = _buy(
        client, shop.e3, quantity=0, markup_percent="-200", action="next", tenant="new"
    ).content.decode()
    assert "Choose a quantity from 1 to 300." in page
    assert "The markup must be between -100 and 9999 percent." in page
    page = _buy(
        client, shop.e3, markup_percent="5", target_price="30", tenant="new", domain="ok"
    ).content.decode()
    assert "Give a markup or a target customer price, not both." in page
    page = _buy(client, shop.e3, tenant="new", domain="no way!", action="next").content.decode()
    assert "Use Latin letters and digits only" in page
    TenantDomain.objects.create(prefix="taken")
    page = _buy(client, shop.e3, tenant="new", domain="taken", action="next").content.decode()
    assert "taken.onmicrosoft.com is already taken." in page
    assert not CartLine.objects.exists()


# --- Add to cart, add-ons ---------------------------------------------------------------------


def test_an_offer_without_addons_goes_straight_to_the_cart_with_tenant_and_markup(shop, aad_offer):
    client, _user = _acting(shop)
    offer = aad_offer
    page = client.get(f"/buy/{offer.pk}/").content.decode()
    assert 'value="add">Add to cart<' in page and "Next step" not in page
    response = _buy(
        client,
        offer,
        quantity=4,
        tenant="new",
        domain="FabrikamNew",
        markup_percent="10",
        action="add",
    )
    assert response.status_code == 302 and response["Location"] == "/cart/"
    line = CartLine.objects.get()
    assert (line.offer, line.quantity, line.markup_percent, line.target_tenant) == (
        offer,
        4,
        Decimal("10.000"),
        "fabrikamnew.onmicrosoft.com",
    )
    cart = client.get("/cart/").content.decode()
    assert "Tenant: fabrikamnew.onmicrosoft.com" in cart
    assert "data-line-margin" in cart  # partner price and margin for the acting reseller


def test_next_step_shows_the_addons_then_skip_adds_only_the_offer(shop):
    client, _user = _acting(shop)
    page = _buy(
        client, shop.e3, quantity=5, tenant="new", domain="fabrikamschool", action="next"
    ).content.decode()
    assert "Step 2 of 2" in page
    assert f'data-addon="{shop.teams_addon.sku}"' in page
    assert 'value="skip">Skip<' in page and 'value="confirm">Confirm<' in page
    assert not CartLine.objects.exists()
    response = _buy(
        client, shop.e3, quantity=5, tenant="new", domain="fabrikamschool", action="skip"
    )
    assert response.status_code == 302
    assert list(CartLine.objects.values_list("offer__sku", "quantity")) == [(shop.e3.sku, 5)]


def test_confirm_adds_the_offer_and_the_chosen_addons(shop):
    client, _user = _acting(shop)
    response = _buy(
        client,
        shop.e3,
        quantity=5,
        tenant="new",
        domain="fabrikamschool",
        markup_percent="10",
        action="confirm",
        addon=[shop.teams_addon.pk],
        **{f"addon_quantity_{shop.teams_addon.pk}": "2"},
    )
    assert response.status_code == 302
    lines = {line.offer_id: line for line in CartLine.objects.all()}
    assert lines[shop.e3.pk].quantity == 5 and lines[shop.e3.pk].markup_percent == 10
    assert lines[shop.teams_addon.pk].quantity == 2
    assert lines[shop.teams_addon.pk].target_tenant == "fabrikamschool.onmicrosoft.com"


def test_confirm_without_a_chosen_addon_or_with_a_bad_quantity_stays_on_step_two(shop):
    client, _user = _acting(shop)
    page = _buy(
        client, shop.e3, tenant="new", domain="fabrikamschool", action="confirm"
    ).content.decode()
    assert "Choose at least one add-on, or skip this step." in page
    page = _buy(
        client,
        shop.e3,
        tenant="new",
        domain="fabrikamschool",
        action="confirm",
        addon=[shop.teams_addon.pk],
        **{f"addon_quantity_{shop.teams_addon.pk}": "0"},
    ).content.decode()
    assert "Choose a quantity from 1 to 300 for Teams Phone Standard." in page
    page = _buy(
        client, shop.e3, tenant="new", domain="fabrikamschool", action="confirm", addon=[shop.e3.pk]
    ).content.decode()
    assert "Choose add-ons of this offer only." in page
    assert not CartLine.objects.exists()


def test_a_store_offer_needs_no_tenant(shop):
    client, _user = _member(shop.customer)
    page = client.get(f"/buy/{shop.book_offer.pk}/").content.decode()
    assert 'name="tenant"' not in page
    response = _buy(client, shop.book_offer, billing_plan="one_time", quantity=2, action="add")
    assert response.status_code == 302
    assert CartLine.objects.get().target_tenant == ""


# --- Save for later, Orders, Resume -----------------------------------------------------------


def _save_draft(shop, aad_offer):
    client, user = _acting(shop)
    _buy(
        client,
        aad_offer,
        quantity=2,
        tenant="new",
        domain="fabrikamschool",
        markup_percent="10",
        action="add",
    )
    response = client.post("/cart/save-for-later/")
    return client, user, response


def test_save_for_later_keeps_a_draft_listed_in_orders_with_resume(shop, aad_offer):
    client, user, response = _save_draft(shop, aad_offer)
    assert response.status_code == 302 and response["Location"] == "/account/orders/"
    order = Order.objects.get()
    assert order.status == OrderStatus.DRAFT
    line = order.lines.get()
    assert line.partner_unit_price == Decimal("5.4000")  # 6.00 × 0.9
    assert line.markup_percent == Decimal("10.000")
    assert not CartLine.objects.exists()
    page = client.get("/account/orders/").content.decode()
    assert f"Saved for later as order {order.number}." in page
    assert 'data-status="draft">Draft<' in page
    resume = reverse("web:order_resume", args=[order.number])
    assert f'action="{resume}" data-resume="{order.number}"' in page
    entry = AuditEvent.objects.get(event=AuditEventType.ORDER_SAVED_FOR_LATER)
    assert entry.acting_from == shop.reseller and entry.actor == user


def test_the_cart_page_offers_save_for_later_to_signed_in_buyers_only(shop):
    visitor = Client()
    visitor.post("/cart/add/", {"offer": shop.e3.pk, "billing_plan": "monthly", "quantity": 1})
    assert "data-save-for-later" not in visitor.get("/cart/").content.decode()
    assert visitor.post("/cart/save-for-later/").status_code == 302
    assert not Order.objects.exists()
    client, _user = _member(shop.customer)
    response = client.post("/cart/save-for-later/", follow=True)
    assert "Your cart is empty." in response.content.decode()
    assert not Order.objects.exists()


def test_resume_puts_the_lines_back_in_the_cart_and_closes_the_draft(shop, aad_offer):
    client, _user, _response = _save_draft(shop, aad_offer)
    order = Order.objects.get()
    response = client.post(f"/account/orders/{order.number}/resume/")
    assert response.status_code == 302 and response["Location"] == "/cart/"
    line = CartLine.objects.get()
    assert (line.quantity, line.markup_percent, line.target_tenant) == (
        2,
        Decimal("10.000"),
        "fabrikamschool.onmicrosoft.com",
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    cart = client.get("/cart/").content.decode()
    assert f"Order {order.number} is back in your cart." in cart
    assert "$11.88" in cart  # 5.40 × 1.10 × 2
    again = client.post(f"/account/orders/{order.number}/resume/", follow=True)
    assert "Only an order saved for later can be resumed." in again.content.decode()
    assert CartLine.objects.get().quantity == 2


def test_the_customers_own_user_sees_and_resumes_the_draft(shop, aad_offer):
    _client, _user, _response = _save_draft(shop, aad_offer)
    order = Order.objects.get()
    client, _user = _member(shop.customer, Role.TECHNICAL)
    assert f'data-resume="{order.number}"' in client.get("/account/orders/").content.decode()
    assert client.post(f"/account/orders/{order.number}/resume/").status_code == 302


@pytest.mark.parametrize("who", ["anonymous", "other_customer", "other_reseller", "read_only"])
def test_others_cannot_see_or_resume_a_draft(shop, who, aad_offer):
    _client, _user, _response = _save_draft(shop, aad_offer)
    order = Order.objects.get()
    if who == "anonymous":
        client = Client()
    elif who == "other_customer":
        client, _u = _member(make_customer(shop.reseller, "Other customer"))
    elif who == "other_reseller":
        other = make_reseller(shop.provider, "Other reseller")
        client, _u = _member(other)
        client.post("/organizations/switch/", {"organization": shop.customer.pk})
    else:
        client, _u = _member(shop.customer, Role.READ_ONLY)
    response = client.post(f"/account/orders/{order.number}/resume/")
    expected = {"anonymous": 302, "other_customer": 404, "other_reseller": 404, "read_only": 403}
    assert response.status_code == expected[who]
    if who in ("other_customer", "other_reseller"):
        assert (
            f'data-resume="{order.number}"' not in client.get("/account/orders/").content.decode()
        )
    order.refresh_from_db()
    assert order.status == OrderStatus.DRAFT
    assert not CartLine.objects.exists()
    assert not AuditEvent.objects.filter(event=AuditEventType.ORDER_DRAFT_RESUMED).exists()


def test_a_read_only_member_gets_the_order_page_but_cannot_add(shop, aad_offer):
    client, _user = _member(shop.customer, Role.READ_ONLY)
    assert client.get(f"/buy/{aad_offer.pk}/").status_code == 200
    response = _buy(client, aad_offer, tenant="new", domain="fabrikamschool", action="add")
    assert "is read-only: it cannot buy." in response.content.decode()
    assert not CartLine.objects.exists()

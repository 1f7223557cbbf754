"""My account → Microsoft subscriptions: the access matrix, the customer's columns (SMART
guide 7) and the reseller's (ALEF manual 2.3, for staff acting inside the customer), the
detail page, drift shown and taken by a manager only, and the order detail's provisioning
state of each line."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta
from decimal import Decimal
from urllib.parse import quote

import pytest

from seatwise.audit.enums import AuditEventType
from seatwise.audit.models import AuditEvent
from seatwise.core import clock
from seatwise.orders.enums import LineStatus, OrderStatus, ProvisioningStatus, RefundState
from seatwise.orders.models import OrderLine, ProvisioningRequest
from seatwise.orders.tests.factories import line, make_order, make_vendor_offer
from seatwise.subscriptions.enums import AccountStatus, SubscriptionStatus
from seatwise.subscriptions.models import Subscription, SubscriptionEvent, VendorAccount
from seatwise.tenancy.enums import Role
from seatwise.tenancy.tests.factories import (
    make_customer,
    make_member,
    make_provider,
    make_reseller,
    make_user,
)
from seatwise.web.tests.helpers import text

pytestmark = pytest.mark.django_db

LIST = "/account/subscriptions/"
_seq = itertools.count(1)


@pytest.fixture
def orgs():
    provider = make_provider("Provider")
    reseller = make_reseller(provider, "Reseller")
    return {
        "provider": provider,
        "reseller": reseller,
        "acme": make_customer(reseller, "Acme"),
        "globex": make_customer(reseller, "Globex"),
    }


def make_tenant(organization, domain: str = "acmecorp.onmicrosoft.com") -> VendorAccount:
    return VendorAccount.objects.create(
        organization=organization,
        domain=domain,
        status=AccountStatus.ACTIVE,
        vendor_customer_id="0d1f7c9e-tenant",
        created_at=clock.now(),
        activated_at=clock.now(),
    )


def make_subscription(account: VendorAccount, **extra) -> Subscription:
    values = {
        "organization": account.organization,
        "account": account,
        "vendor_subscription_id": f"sub-{next(_seq)}",
        "name": "Microsoft 365 Business Basic",
        "offer_name": "Microsoft 365 Business Basic",
        "quantity": 10,
        "assigned": 7,
        "status": SubscriptionStatus.ACTIVE,
        "term": "P1Y",
        "billing_plan": "monthly",
        "currency": "USD",
        "unit_price": Decimal("6.00"),
        "partner_unit_price": Decimal("5.10"),
        "created_at": clock.now() - timedelta(days=30),
        "term_end": clock.now() + timedelta(days=335),
        "cancellation_allowed_until": clock.now() - timedelta(days=23),
    }
    values.update(extra)
    return Subscription.objects.create(**values)


@pytest.fixture
def subscription(orgs):
    offer = make_vendor_offer(name="Microsoft 365 Business Basic")
    return make_subscription(make_tenant(orgs["acme"]), offer=offer)


def _detail(subscription) -> str:
    return f"/account/subscriptions/{subscription.pk}/"


def _drifted(subscription) -> Subscription:
    Subscription.objects.filter(pk=subscription.pk).update(
        vendor_quantity=12,
        vendor_status=SubscriptionStatus.SUSPENDED,
        drift_detected_at=clock.now(),
    )
    subscription.refresh_from_db()
    return subscription


def _row(html: str, subscription) -> str:
    match = re.search(rf'<tr data-subscription="{subscription.pk}".*?</tr>', html, re.S)
    assert match, f"no row of subscription {subscription.pk}"
    return match.group(0)


# --- access -----------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, subscription):
    for url in (LIST, _detail(subscription)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_a_user_without_an_organization_is_told_so(client, subscription):
    client.force_login(make_user())
    assert client.get(LIST).status_code == 404
    assert client.get(_detail(subscription)).status_code == 404


def test_another_organization_sees_neither_the_subscription_nor_its_row(client, orgs, subscription):
    _drifted(subscription)
    client.force_login(make_member(orgs["globex"], Role.OWNER))
    listing = text(client.get(LIST))
    assert f'data-subscription="{subscription.pk}"' not in listing
    assert "No Microsoft subscriptions yet." in listing
    for response in (
        client.get(_detail(subscription)),
        client.post(f"/account/subscriptions/{subscription.pk}/accept-drift/"),
    ):
        assert response.status_code == 404
        assert "This subscription does not exist or is not yours." in text(response)
    subscription.refresh_from_db()
    assert subscription.quantity == 10 and subscription.has_drift


# --- the list ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.READ_ONLY, Role.BILLING, Role.OWNER])
def test_a_customer_sees_name_state_quantity_date_price_and_total(client, orgs, subscription, role):
    client.force_login(make_member(orgs["acme"], role))
    html = text(client.get(LIST))
    assert 'id="subscriptions-table" data-columns="customer"' in html
    for column in ("Name", "State", "Quantity", "Creation date", "Price", "Total amount"):
        assert f">{column}</th>" in html
    assert "Reseller monthly cost" not in html
    row = _row(html, subscription)
    assert "Microsoft 365 Business Basic" in row and "acmecorp.onmicrosoft.com" in row
    assert 'data-status="active"' in row and ">10<" in row
    assert subscription.created_at.strftime("%Y-%m-%d") in row
    assert '<td class="text-end" data-price>$6.00</td>' in row
    assert '<td class="text-end" data-total>$60.00</td>' in row
    assert f'href="{_detail(subscription)}">Details…</a>' in row


def test_reseller_staff_acting_inside_the_customer_see_the_reseller_columns(
    client, orgs, subscription
):
    addon = make_subscription(
        subscription.account,
        name="Teams Phone Standard",
        parent=subscription,
        quantity=2,
        unit_price=Decimal("8.00"),
        partner_unit_price=Decimal("6.80"),
    )
    client.force_login(make_member(orgs["reseller"], Role.ACCOUNT_MANAGER))
    assert f'data-subscription="{subscription.pk}"' not in text(client.get(LIST))
    client.post("/organizations/switch/", {"organization": orgs["acme"].pk})

    html = text(client.get(LIST))

    assert 'id="subscriptions-table" data-columns="reseller"' in html
    for column in (
        "Active",
        "Subscription / domain",
        "Term end",
        "Assigned",
        "Purchased",
        "Add-ons",
        "Vendor",
        "Type",
        "Unit cost",
        "Monthly cost",
        "Yearly cost",
        "Reseller monthly cost",
        "Reseller yearly cost",
    ):
        assert f">{column}</th>" in html
    row = _row(html, subscription)
    assert subscription.term_end.strftime("%Y-%m-%d") in row
    assert '<td class="text-end">7</td>' in row  # assigned
    assert '<td class="text-end">10</td>' in row  # purchased
    assert '<td class="text-end">1</td>' in row  # one add-on
    assert f"<td>{subscription.offer.product.vendor.name}</td>" in row
    assert "<td>Licence</td>" in row
    assert 'data-cost="unit">$6.00<' in row
    assert 'data-cost="monthly">$60.00<' in row
    assert 'data-cost="yearly">$720.00<' in row
    assert 'data-cost="reseller-monthly">$51.00<' in row
    assert 'data-cost="reseller-yearly">$612.00<' in row
    assert "Details…" in row
    addon_row = _row(html, addon)
    assert f'data-addon-of="{subscription.pk}"' in addon_row
    assert 'data-cost="monthly">$16.00<' in addon_row
    # the add-on comes right after its base subscription
    assert html.index(f'data-subscription="{subscription.pk}"') < html.index(
        f'data-subscription="{addon.pk}"'
    )


def test_a_drifted_subscription_is_flagged_in_the_list(client, orgs, subscription):
    calm = make_subscription(subscription.account, name="Exchange Online (Plan 1)")
    _drifted(subscription)
    client.force_login(make_member(orgs["acme"]))
    html = text(client.get(LIST))
    assert "Changed at Microsoft" in _row(html, subscription)
    assert "data-drift" in _row(html, subscription)
    assert "data-drift" not in _row(html, calm)


def test_the_list_query_count_does_not_grow_with_subscriptions(
    client, orgs, subscription, django_assert_max_num_queries
):
    client.force_login(make_member(orgs["acme"]))
    with django_assert_max_num_queries(30) as few:
        client.get(LIST)
    other = make_tenant(orgs["acme"], "acmetwo.onmicrosoft.com")
    for n in range(5):
        base = make_subscription(other, offer=make_vendor_offer(name=f"Offer {n}"))
        make_subscription(other, parent=base)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert response.content.decode().count("data-subscription=") == 11


# --- the detail -------------------------------------------------------------------------------


def test_the_detail_shows_every_field_the_tenant_and_the_events(client, orgs, subscription):
    SubscriptionEvent.objects.create(
        organization=orgs["acme"],
        subscription=subscription,
        kind="created",
        message="Provisioned at Microsoft.",
        at=clock.now(),
    )
    client.force_login(make_member(orgs["acme"], Role.READ_ONLY))
    response = client.get(_detail(subscription))
    assert response.status_code == 200
    html = text(response)
    assert '<span id="subscription-quantity">10</span>' in html
    assert 'id="subscription-status" data-status="active">Active<' in html
    assert "$6.00" in html and "$60.00" in html
    assert f'href="/account/tenants/{subscription.account_id}/"' in html
    assert "acmecorp.onmicrosoft.com" in html
    assert subscription.term_end.strftime("%Y-%m-%d") in html
    assert "Yes, at the end of the term" in html
    assert "(passed)" in html  # the cancellation window closed a week after purchase
    assert "1 year" in html and "Monthly" in html
    assert 'data-event="created"' in html and "Provisioned at Microsoft." in html
    assert "Reseller monthly cost" not in html
    assert "data-drift-panel" not in html and 'id="drift-accept"' not in html


def test_staff_acting_inside_the_customer_see_the_costs_on_the_detail(client, orgs, subscription):
    client.force_login(make_member(orgs["provider"], Role.OWNER))
    client.post("/organizations/switch/", {"organization": orgs["acme"].pk})
    html = text(client.get(_detail(subscription)))
    assert 'data-cost="reseller-monthly">$51.00<' in html
    assert 'data-cost="reseller-yearly">$612.00<' in html


def test_drift_shows_both_sides_and_a_manager_takes_microsofts_values(client, orgs, subscription):
    _drifted(subscription)
    client.force_login(make_member(orgs["acme"], Role.ACCOUNT_MANAGER))
    html = text(client.get(_detail(subscription)))
    assert "data-drift-panel" in html
    assert "Microsoft reports 12 seats / status Suspended; Seatwise has 10 / Active." in html
    assert 'id="drift-accept"' in html

    response = client.post(f"/account/subscriptions/{subscription.pk}/accept-drift/", follow=True)

    assert response.status_code == 200
    page = text(response)
    assert "Microsoft's values are now the record: 12 seats, Suspended." in page
    assert '<span id="subscription-quantity">12</span>' in page
    assert 'id="subscription-status" data-status="suspended"' in page
    assert "data-drift-panel" not in page
    subscription.refresh_from_db()
    assert subscription.quantity == 12 and subscription.status == SubscriptionStatus.SUSPENDED
    assert not subscription.has_drift and subscription.vendor_quantity is None
    assert subscription.events.filter(kind="drift_accepted").count() == 1
    assert AuditEvent.objects.filter(
        organization=orgs["acme"], event=AuditEventType.SUBSCRIPTION_DRIFT_ACCEPTED
    ).exists()


@pytest.mark.parametrize("role", [Role.READ_ONLY, Role.BILLING, Role.TECHNICAL])
def test_a_member_without_a_managing_role_may_not_take_microsofts_values(
    client, orgs, subscription, role
):
    _drifted(subscription)
    client.force_login(make_member(orgs["acme"], role))
    html = text(client.get(_detail(subscription)))
    assert "data-drift-panel" in html and 'id="drift-accept"' not in html

    response = client.post(f"/account/subscriptions/{subscription.pk}/accept-drift/")

    assert response.status_code == 403
    assert "does not allow changing its subscriptions" in text(response)
    subscription.refresh_from_db()
    assert subscription.quantity == 10 and subscription.status == SubscriptionStatus.ACTIVE
    assert subscription.has_drift and subscription.vendor_quantity == 12
    assert not subscription.events.exists()
    assert not AuditEvent.objects.filter(event=AuditEventType.SUBSCRIPTION_DRIFT_ACCEPTED).exists()


def test_a_subscription_id_that_is_not_a_number_is_not_a_page(client, orgs):
    client.force_login(make_member(orgs["acme"]))
    assert client.get("/account/subscriptions/abc/").status_code == 404


# --- the order detail: provisioning of each line ----------------------------------------------


@pytest.fixture
def paid(orgs):
    offer = make_vendor_offer(name="Microsoft 365 Business Basic")
    return make_order(
        orgs["acme"],
        status=OrderStatus.PROVISIONING,
        lines=[line(offer, quantity=3, unit_price="6.00", target_tenant="acmecorp")],
    )


def _order_page(client, order) -> str:
    return text(client.get(f"/account/orders/{quote(order.number)}/"))


def test_the_order_detail_shows_a_queued_line(client, orgs, paid):
    client.force_login(make_member(orgs["acme"]))
    html = _order_page(client, paid)
    assert 'data-provisioning="queued">Queued<' in html


def test_the_order_detail_shows_a_failed_line_with_the_vendors_message_and_the_refund(
    client, orgs, paid
):
    order_line = paid.lines.get()
    ProvisioningRequest.objects.filter(line=order_line).update(
        status=ProvisioningStatus.FAILED_PERMANENT,
        last_error="The offer is not available in the customer's market.",
        refund_state=RefundState.DUE,
        refund_amount=Decimal("18.00"),
    )
    OrderLine.objects.filter(pk=order_line.pk).update(status=LineStatus.FAILED)
    client.force_login(make_member(orgs["acme"]))

    html = _order_page(client, paid)

    assert 'data-provisioning="failed_permanent">Failed<' in html
    assert "The vendor said: The offer is not available in the customer's market." in html
    assert "A refund of $18.00 is due." in html

    ProvisioningRequest.objects.filter(line=order_line).update(refund_state=RefundState.REQUESTED)
    assert "A refund of $18.00 was requested." in _order_page(client, paid)


def test_the_order_detail_shows_a_retry_and_links_a_provisioned_line(client, orgs, paid):
    request = ProvisioningRequest.objects.get(line__order=paid)
    at = clock.now() + timedelta(minutes=5)
    ProvisioningRequest.objects.filter(pk=request.pk).update(
        status=ProvisioningStatus.FAILED_RETRYING, next_attempt_at=at, last_error="timeout"
    )
    client.force_login(make_member(orgs["acme"]))
    html = _order_page(client, paid)
    assert f"Will retry at {at:%Y-%m-%d %H:%M}" in html
    assert "The vendor said" not in html

    subscription = make_subscription(make_tenant(orgs["acme"]))
    ProvisioningRequest.objects.filter(pk=request.pk).update(
        status=ProvisioningStatus.SUCCEEDED, subscription=subscription, next_attempt_at=None
    )
    html = _order_page(client, paid)
    assert 'data-provisioning="succeeded">Provisioned<' in html
    assert f'href="/account/subscriptions/{subscription.pk}/" data-line-subscription' in html

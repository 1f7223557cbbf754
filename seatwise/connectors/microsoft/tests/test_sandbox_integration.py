"""The connector against the local Partner Center sandbox (sandboxes/partner_center/), over
real HTTP, started by the shared helper of tests/sandboxes/partner_center.py."""

from __future__ import annotations

import datetime as dt
import uuid

import httpx
import pytest

from seatwise.connectors.exceptions import ConnectorUnavailable, TenantDomainTaken
from seatwise.connectors.microsoft import errors
from seatwise.connectors.microsoft.client import PartnerCenterClient, PartnerCenterConfig
from seatwise.connectors.microsoft.connector import PartnerCenterConnector
from seatwise.connectors.vendor import AgreementContact, NewCustomer, PurchaseItem
from tests.sandboxes.partner_center import start_partner_center

TENANT = "partner.onmicrosoft.com"
BASIC = "CFQ7TTC0LH18:0001:CFQ7TTC0K971"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    """A sandbox server of this module's own (tests/sandboxes/partner_center.py)."""
    started = start_partner_center(tmp_path_factory.mktemp("partner_center"))
    yield started
    started.stop()


@pytest.fixture
def control(sandbox):
    def call(path: str, body: dict) -> dict:
        response = httpx.post(f"{sandbox.url}/_sandbox/{path}", json=body, timeout=5)
        assert response.status_code == 200, response.text
        return response.json()

    call("reset", {})
    return call


@pytest.fixture
def sleeps():
    return []


def make_connector(sandbox, sleeps: list, **config) -> PartnerCenterConnector:
    settings = {
        "tenant_id": TENANT,
        "client_id": sandbox.client_id,
        "client_secret": sandbox.client_secret,
        "refresh_token": "sam-refresh-token",
        "api_url": sandbox.url,
        "authority_url": sandbox.url,
        **config,
    }
    return PartnerCenterConnector(
        PartnerCenterClient(PartnerCenterConfig(**settings), sleep=sleeps.append)
    )


def new_customer(prefix: str) -> NewCustomer:
    return NewCustomer(
        domain_prefix=prefix,
        company_name="Sandbox Test Ltd",
        email="billing@sandbox.test",
        first_name="Ana",
        last_name="Diaz",
        address_line1="1 Main St",
        city="Redmond",
        postal_code="98052",
        country="US",
        state="WA",
    )


@pytest.fixture
def customer(sandbox, control, sleeps):
    connector = make_connector(sandbox, sleeps)
    created = connector.customer_create(
        request_id=str(uuid.uuid4()), customer=new_customer(f"sw{uuid.uuid4().hex[:10]}")
    )
    connector.agreement_confirm(
        request_id=str(uuid.uuid4()),
        customer_id=created.customer_id,
        contact=AgreementContact("Ana", "Diaz", "ana@sandbox.test"),
        accepted_at=dt.datetime.now(dt.UTC),
    )
    return created


def test_a_new_tenant_takes_its_domain(sandbox, control, sleeps):
    connector = make_connector(sandbox, sleeps)
    prefix = f"sw{uuid.uuid4().hex[:10]}"

    assert connector.domain_available(prefix=prefix) is True
    created = connector.customer_create(request_id=str(uuid.uuid4()), customer=new_customer(prefix))

    assert created.admin_username == f"admin@{prefix}.onmicrosoft.com"
    assert created.admin_password
    assert connector.domain_available(prefix=prefix) is False
    found = connector.customer_find(domain=f"{prefix}.onmicrosoft.com")
    assert found is not None
    assert found.customer_id == created.customer_id
    assert found.admin_password == ""
    with pytest.raises(TenantDomainTaken):
        connector.customer_create(request_id=str(uuid.uuid4()), customer=new_customer(prefix))


@pytest.mark.parametrize("lost", ["/carts", "/checkout"])
def test_a_purchase_whose_answer_was_lost_is_bought_once(sandbox, control, sleeps, customer, lost):
    connector = make_connector(sandbox, sleeps, max_attempts=1)
    items = [PurchaseItem(BASIC, 3, "P1Y", "monthly")]
    request_id = str(uuid.uuid4())
    control("faults", {"next": [{"path": lost, "kind": "drop", "when": "after"}]})

    with pytest.raises(ConnectorUnavailable):
        connector.purchase(request_id=request_id, customer_id=customer.customer_id, items=items)
    first = connector.purchase(request_id=request_id, customer_id=customer.customer_id, items=items)
    control("clock", {"advance_hours": 23})  # still inside the sandbox's 24 h replay window
    again = connector.purchase(request_id=request_id, customer_id=customer.customer_id, items=items)

    assert again == first
    (subscription,) = connector.subscriptions_list(customer_id=customer.customer_id)
    assert subscription.subscription_id == first.subscriptions[0].subscription_id
    assert subscription.quantity == 3
    assert first.subscriptions[0].unit_price is not None


def test_a_retried_purchase_in_flight_is_answered_once(sandbox, control, sleeps, customer):
    """A network error mid-checkout is retried in place with the same ids (same cart,
    same order)."""
    connector = make_connector(sandbox, sleeps)
    control("faults", {"next": [{"path": "/checkout", "kind": "drop", "when": "after"}]})

    result = connector.purchase(
        request_id=str(uuid.uuid4()),
        customer_id=customer.customer_id,
        items=[PurchaseItem(BASIC, 2, "P1Y", "monthly")],
    )

    assert sleeps == [1.0]
    assert len(connector.subscriptions_list(customer_id=customer.customer_id)) == 1
    assert result.subscriptions[0].quantity == 2


def test_a_throttled_call_waits_the_retry_after_and_succeeds(sandbox, control, sleeps):
    connector = make_connector(sandbox, sleeps)
    control("faults", {"force_429_next": 1, "retry_after": 2})

    assert connector.domain_available(prefix=f"sw{uuid.uuid4().hex[:10]}") is True
    assert sleeps == [2.0]


def test_seats_change_by_get_modify_patch_and_keep_auto_renew(sandbox, control, sleeps, customer):
    connector = make_connector(sandbox, sleeps)
    bought = connector.purchase(
        request_id=str(uuid.uuid4()),
        customer_id=customer.customer_id,
        items=[PurchaseItem(BASIC, 3, "P1Y", "monthly")],
    )
    subscription_id = bought.subscriptions[0].subscription_id

    updated = connector.subscription_update(
        request_id=str(uuid.uuid4()),
        customer_id=customer.customer_id,
        subscription_id=subscription_id,
        quantity=5,
    )

    assert updated.quantity == 5
    assert updated.auto_renew is True
    control("clock", {"advance_days": 8})
    with pytest.raises(errors.OutsideWindow):
        connector.subscription_update(
            request_id=str(uuid.uuid4()),
            customer_id=customer.customer_id,
            subscription_id=subscription_id,
            quantity=1,
        )

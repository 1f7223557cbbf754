"""Tenants and subscriptions against the Partner Center sandbox (a real process, real HTTP):
a new tenant created once with its sign-in e-mailed, an existing tenant linked when its admin
accepts, and drift found by the sync, shown, never copied over silently."""

from __future__ import annotations

import itertools

import pytest

from seatwise.audit.models import AuditEvent
from seatwise.connectors.exceptions import TenantDomainTaken
from seatwise.core import clock
from seatwise.core.errors import PermissionDeniedError
from seatwise.notifications.models import Delivery
from seatwise.orders.provisioning import provisioning_drain
from seatwise.orders.tests.factories import make_parties
from seatwise.orders.tests.pc import paid_order, sandbox  # noqa: F401
from seatwise.subscriptions.enums import AccountOrigin, AccountStatus
from seatwise.subscriptions.models import Subscription, SubscriptionEvent, VendorAccount
from seatwise.subscriptions.services import (
    TenantNotOurs,
    account_for_domain,
    subscription_drift_accept,
    subscriptions_sync,
    tenant_create_at_vendor,
    tenant_link_check,
    tenant_link_start,
    tenant_request,
)
from seatwise.tenancy.enums import Role
from seatwise.tenancy.tests.factories import make_member

pytestmark = pytest.mark.django_db

_names = itertools.count(1)


def _prefix() -> str:
    return f"swsub{clock.now():%H%M%S}{next(_names)}"


@pytest.fixture
def customer():
    return make_parties()["customer"]


def test_a_new_tenant_is_created_once_and_its_sign_in_mailed_once(
    sandbox,  # noqa: F811
    customer,
    django_capture_on_commit_callbacks,
):
    owner = make_member(customer)
    prefix = _prefix()
    with django_capture_on_commit_callbacks(execute=True):  # the worker's task, eagerly
        account = tenant_request(actor=owner, organization=customer, prefix=prefix)
    account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE
    assert account.domain == f"{prefix}.onmicrosoft.com"
    assert account.credentials_sent_to == owner.email
    assert AuditEvent.objects.filter(organization=customer, event="tenant_requested").exists()
    # Again (a retried task): the same tenant, no second e-mail.
    tenant_create_at_vendor(account_id=account.pk)
    assert Delivery.objects.filter(event="subscriptions.tenant_created").count() == 1
    ids = [c["id"] for c in sandbox.control("customers")["items"] if c["domain"] == account.domain]
    assert ids == [account.vendor_customer_id]


def test_a_taken_name_is_refused_with_free_suggestions(sandbox, customer):  # noqa: F811
    owner = make_member(customer)
    with pytest.raises(TenantDomainTaken) as error:
        tenant_request(actor=owner, organization=customer, prefix="contoso")
    assert error.value.details["suggestions"]
    assert not VendorAccount.objects.exists()


def test_a_read_only_member_cannot_add_a_tenant(sandbox, customer):  # noqa: F811
    viewer = make_member(customer, role=Role.READ_ONLY)
    with pytest.raises(PermissionDeniedError):
        tenant_request(actor=viewer, organization=customer, prefix=_prefix())


def test_an_existing_tenant_is_linked_once_its_admin_accepts(sandbox, customer):  # noqa: F811
    owner = make_member(customer)
    domain = f"{_prefix()}.onmicrosoft.com"
    sandbox.control("tenants", {"domain": domain, "companyName": "Existing Co"})
    started = tenant_link_start(actor=owner, organization=customer, domain=domain)
    assert started.url.startswith(sandbox.url)
    account = started.account
    assert (account.origin, account.status) == (AccountOrigin.LINKED, AccountStatus.LINK_PENDING)
    assert tenant_link_check(account_id=account.pk).status == AccountStatus.LINK_PENDING
    sandbox.control("relationships/accept", {"domain": domain})
    linked = tenant_link_check(account_id=account.pk)
    assert linked.status == AccountStatus.ACTIVE and linked.vendor_customer_id
    # Another customer cannot claim it.
    other = make_parties()["customer"]
    with pytest.raises(TenantNotOurs):
        account_for_domain(organization=other, domain=domain)


def test_drift_at_microsoft_is_shown_not_copied_until_accepted(sandbox, customer):  # noqa: F811
    owner = make_member(customer)
    order = paid_order(customer=customer, buyer=owner, tenant=_prefix(), quantity=5)
    provisioning_drain()
    subscription = Subscription.objects.get(organization=customer)
    account = subscription.account
    assert subscriptions_sync(account_id=account.pk).drifted == 0

    path = f"customers/{account.vendor_customer_id}/subscriptions/"
    sandbox.control(path + subscription.vendor_subscription_id, {"quantity": 9})
    result = subscriptions_sync(account_id=account.pk)
    assert (result.checked, result.drifted) == (1, 1)
    subscription.refresh_from_db()
    assert subscription.quantity == 5  # the record is not overwritten
    assert (subscription.vendor_quantity, subscription.has_drift) == (9, True)
    subscriptions_sync(account_id=account.pk)  # seen again: logged once
    assert SubscriptionEvent.objects.filter(subscription=subscription, kind="drift").count() == 1

    subscription = subscription_drift_accept(actor=owner, subscription=subscription)
    assert (subscription.quantity, subscription.has_drift) == (9, False)
    assert subscriptions_sync(account_id=account.pk).drifted == 0
    assert order.lines.get().provisioning_request.subscription_id == subscription.pk


def test_drift_is_cleared_when_microsoft_matches_again(sandbox, customer):  # noqa: F811
    paid_order(customer=customer, tenant=_prefix(), quantity=4)
    provisioning_drain()
    subscription = Subscription.objects.get(organization=customer)
    account = subscription.account
    path = f"customers/{account.vendor_customer_id}/subscriptions/"
    sandbox.control(path + subscription.vendor_subscription_id, {"status": "suspended"})
    subscriptions_sync(account_id=account.pk)
    subscription.refresh_from_db()
    assert subscription.vendor_status == "suspended" and subscription.status == "active"
    sandbox.control(path + subscription.vendor_subscription_id, {"status": "active"})
    subscriptions_sync(account_id=account.pk)
    subscription.refresh_from_db()
    assert not subscription.has_drift
    kinds = list(subscription.events.values_list("kind", flat=True))
    assert kinds == ["created", "drift", "in_sync"]

"""The tenants and subscriptions API: the customer's Microsoft tenants (asked for, linked,
checked) and the subscriptions in them with their costs, drift and history; the access
matrix of every endpoint, nothing changed on a refusal, and replays of the POSTs.

Microsoft is faked (``FakeMicrosoft``, named by ``SEATWISE_MICROSOFT_CONNECTOR``); the
database is real."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from seatwise.audit.models import AuditEvent
from seatwise.connectors.vendor import VendorCustomer
from seatwise.core.models import IdempotencyRecord
from seatwise.subscriptions.enums import AccountOrigin, AccountStatus, SubscriptionStatus
from seatwise.subscriptions.models import Subscription, SubscriptionEvent, VendorAccount
from seatwise.tenancy.enums import Role
from seatwise.tenancy.services import api_key_create
from seatwise.tenancy.tests.factories import (
    make_customer,
    make_member,
    make_provider,
    make_reseller,
)

pytestmark = pytest.mark.django_db

TENANTS = "/api/v1/tenants/"
SUBSCRIPTIONS = "/api/v1/subscriptions/"
DAY = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
DAY_JSON = "2026-03-02T09:30:00Z"
RELATIONSHIP_URL = (
    "https://admin.microsoft.com/Adminportal/Home?invType=ResellerRelationship"
    "&partnerId=fake-partner#/BillingAccounts/partner-invitation"
)

_seq = itertools.count(1)


class FakeMicrosoft:
    """Microsoft's side of tenants: names taken, tenants whose admin accepted the reseller
    relationship, and the calls made. Class-level: the registry builds a new instance for
    every use."""

    taken: set[str] = set()
    accepted: dict[str, str] = {}  # domain -> company name at Microsoft
    calls: list[str] = []

    @classmethod
    def reset(cls) -> None:
        cls.taken, cls.accepted, cls.calls = set(), {}, []

    def domain_available(self, *, prefix: str) -> bool:
        self.calls.append(f"domain_available {prefix}")
        return prefix not in self.taken

    def domain_reserve(self, *, prefix: str) -> None:
        self.taken.add(prefix)

    def customer_create(self, *, request_id: str, customer) -> VendorCustomer:
        domain = f"{customer.domain_prefix}.onmicrosoft.com"
        self.calls.append(f"customer_create {domain}")
        return VendorCustomer(
            customer_id=f"tid-{customer.domain_prefix}",
            domain=domain,
            company_name=customer.company_name,
            admin_username=f"admin@{domain}",
            admin_password="Once-Only-Secret-1",
        )

    def customer_get(self, *, customer_id: str) -> VendorCustomer:
        raise AssertionError("not used here")

    def customer_find(self, *, domain: str) -> VendorCustomer | None:
        self.calls.append(f"customer_find {domain}")
        if domain not in self.accepted:
            return None
        return VendorCustomer(
            customer_id=f"tid-{domain.split('.')[0]}",
            domain=domain,
            company_name=self.accepted[domain],
        )

    def relationship_link(self) -> str:
        self.calls.append("relationship_link")
        return RELATIONSHIP_URL

    def agreement_confirm(self, *, request_id, customer_id, contact, accepted_at) -> None:
        self.calls.append(f"agreement_confirm {customer_id}")


@pytest.fixture
def microsoft(settings):
    FakeMicrosoft.reset()
    settings.SEATWISE_MICROSOFT_CONNECTOR = f"{__name__}.FakeMicrosoft"
    yield FakeMicrosoft
    FakeMicrosoft.reset()


@pytest.fixture
def parties():
    provider = make_provider()
    reseller = make_reseller(provider)
    return {"provider": provider, "reseller": reseller, "customer": make_customer(reseller)}


@pytest.fixture
def customer(parties):
    return parties["customer"]


@pytest.fixture
def owner(customer):
    return make_member(customer, Role.OWNER)


@pytest.fixture
def api(customer, owner):
    return _key_client(owner, customer)


def _key_client(user, organization) -> Client:
    _key, raw = api_key_create(user=user, organization=organization, name="Integration")
    return Client(headers={"X-API-Key": raw})


def _session_client(user, organization=None) -> Client:
    client = Client()
    client.force_login(user)
    if organization is not None:
        session = client.session
        session["organization_id"] = organization.pk
        session.save()
    return client


def _post(client, url: str, body: dict | None = None, key: str | None = None):
    headers = {"Idempotency-Key": key} if key is not None else {}
    if body is None:
        return client.post(url, headers=headers)
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def _error(code: str, message: str, details: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def _tenant(organization, domain: str | None = None, **fields) -> VendorAccount:
    values = {
        "organization": organization,
        "domain": domain or f"tenant{next(_seq)}.onmicrosoft.com",
        "company_name": organization.name,
        "origin": AccountOrigin.CREATED,
        "status": AccountStatus.ACTIVE,
        "vendor_customer_id": f"tid-{next(_seq)}",
        "created_at": DAY,
        "activated_at": DAY,
    }
    values.update(fields)
    return VendorAccount.objects.create(**values)


def _subscription(account: VendorAccount, **fields) -> Subscription:
    values = {
        "organization_id": account.organization_id,
        "account": account,
        "vendor_subscription_id": f"sub-{next(_seq)}",
        "name": "Microsoft 365 Business Basic",
        "offer_name": "Microsoft 365 Business Basic",
        "quantity": 5,
        "status": SubscriptionStatus.ACTIVE,
        "term": "P1Y",
        "billing_plan": "monthly",
        "currency": "USD",
        "unit_price": Decimal("6.0000"),
        "partner_unit_price": Decimal("5.4000"),
        "created_at": DAY,
        "term_end": DAY + dt.timedelta(days=365),
        "synced_at": DAY,
    }
    values.update(fields)
    return Subscription.objects.create(**values)


def _event(subscription: Subscription, kind: str, message: str, at: dt.datetime):
    return SubscriptionEvent.objects.create(
        organization_id=subscription.organization_id,
        subscription=subscription,
        kind=kind,
        message=message,
        at=at,
    )


def _drifted(account: VendorAccount) -> Subscription:
    """5 licences on record; Microsoft reports 9."""
    return _subscription(
        account,
        vendor_quantity=9,
        vendor_status=SubscriptionStatus.ACTIVE,
        drift_detected_at=DAY + dt.timedelta(hours=1),
    )


def _tenant_json(account: VendorAccount, **overrides) -> dict:
    body = {
        "id": account.pk,
        "vendor": "microsoft",
        "domain": account.domain,
        "company_name": account.company_name,
        "origin": account.origin,
        "status": account.status,
        "vendor_customer_id": account.vendor_customer_id,
        "last_error": "",
        "created_at": DAY_JSON,
        "activated_at": DAY_JSON,
    }
    body.update(overrides)
    return body


def _subscription_json(subscription: Subscription, **overrides) -> dict:
    body = {
        "id": subscription.pk,
        "tenant": {"id": subscription.account_id, "domain": subscription.account.domain},
        "vendor_subscription_id": subscription.vendor_subscription_id,
        "parent_id": None,
        "offer_id": None,
        "name": "Microsoft 365 Business Basic",
        "offer_name": "Microsoft 365 Business Basic",
        "quantity": 5,
        "assigned": 0,
        "status": "active",
        "term": "P1Y",
        "billing_plan": "monthly",
        "auto_renew": True,
        "currency": "USD",
        "unit_price": "6.00",
        "created_at": DAY_JSON,
        "term_end": "2027-03-02T09:30:00Z",
        "cancellation_allowed_until": None,
        "synced_at": DAY_JSON,
        "vendor_quantity": None,
        "vendor_status": "",
        "drift_detected_at": None,
    }
    body.update(overrides)
    return body


def _page(items: list, total: int | None = None, page_size: int = 24) -> dict:
    total = len(items) if total is None else total
    return {
        "items": items,
        "page": 1,
        "page_size": page_size,
        "total": total,
        "pages": max(1, -(-total // page_size)),
    }


# --- tenants: list and get -----------------------------------------------------------------


def test_tenant_list_pages_the_organizations_tenants_by_domain(parties, customer, api):
    beta = _tenant(customer, "beta.onmicrosoft.com")
    alpha = _tenant(
        customer,
        "alpha.onmicrosoft.com",
        origin=AccountOrigin.LINKED,
        status=AccountStatus.LINK_PENDING,
        vendor_customer_id="",
        activated_at=None,
    )
    _tenant(make_customer(parties["reseller"]), "another.onmicrosoft.com")

    first = api.get(TENANTS, {"page_size": 1})
    second = api.get(TENANTS, {"page_size": 1, "page": 2})

    assert first.status_code == 200
    assert first.json() == {
        "items": [
            _tenant_json(
                alpha,
                origin="linked",
                status="link_pending",
                vendor_customer_id="",
                activated_at=None,
            )
        ],
        "page": 1,
        "page_size": 1,
        "total": 2,
        "pages": 2,
    }
    assert second.json()["items"] == [_tenant_json(beta)]


def test_a_tenant_never_shows_sign_in_details(customer, api):
    account = _tenant(
        customer,
        admin_username="admin@contoso.onmicrosoft.com",
        credentials_sent_to="owner@contoso.example",
        credentials_sent_at=DAY,
    )

    body = api.get(f"{TENANTS}{account.pk}/").json()

    assert body == _tenant_json(account)
    assert "admin" not in json.dumps(body) and "owner@" not in json.dumps(body)


def test_tenant_list_runs_the_same_queries_for_one_tenant_or_many(customer, api):
    _tenant(customer)
    with time_machine.travel(DAY, tick=False):  # the key's last use is written once a minute
        api.get(TENANTS)
        with CaptureQueriesContext(connection) as one:
            assert api.get(TENANTS).json()["total"] == 1
        for _ in range(4):
            _tenant(customer)
        with CaptureQueriesContext(connection) as five:
            assert api.get(TENANTS).json()["total"] == 5

    # The key, the role, the count and the page.
    assert len(five) == len(one) == 4


@pytest.mark.parametrize("tenant_id", ["999999", "99999999999999999999"])
def test_an_unknown_tenant_is_a_404(api, tenant_id):
    response = api.get(f"{TENANTS}{tenant_id}/")

    assert (response.status_code, response.json()) == (
        404,
        _error("tenant_not_found", "Tenant not found."),
    )


# --- tenants: a new one --------------------------------------------------------------------


def test_tenant_create_records_a_requested_tenant(customer, owner, api, microsoft):
    with time_machine.travel(DAY, tick=False):
        response = _post(api, TENANTS, {"prefix": "Contoso2"})

    assert response.status_code == 201
    account = VendorAccount.objects.get()
    assert response.json() == _tenant_json(
        account,
        domain="contoso2.onmicrosoft.com",
        company_name=customer.name,
        origin="created",
        status="requested",
        vendor_customer_id="",
        activated_at=None,
    )
    assert (account.organization, account.requested_by) == (customer, owner)
    assert microsoft.calls == ["domain_available contoso2"]
    assert AuditEvent.objects.filter(
        organization=customer, actor=owner, event="tenant_requested"
    ).exists()


def test_a_new_tenant_is_created_by_the_worker_and_its_sign_in_never_answered(
    customer, api, microsoft, django_capture_on_commit_callbacks
):
    with time_machine.travel(DAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        created = _post(api, TENANTS, {"prefix": "contoso2"})

    tenant = api.get(f"{TENANTS}{created.json()['id']}/").json()
    assert (tenant["status"], tenant["vendor_customer_id"]) == ("active", "tid-contoso2")
    assert "customer_create contoso2.onmicrosoft.com" in microsoft.calls
    assert "Once-Only-Secret-1" not in json.dumps(tenant) + json.dumps(api.get(TENANTS).json())
    assert "admin@" not in json.dumps(tenant)


def test_a_taken_prefix_is_a_409_with_free_suggestions_and_nothing_recorded(api, microsoft):
    microsoft.taken = {"contoso", "contoso1"}

    with time_machine.travel(DAY, tick=False):
        response = _post(api, TENANTS, {"prefix": "contoso"})

    assert response.status_code == 409
    assert response.json() == _error(
        "tenant_domain_taken",
        "contoso.onmicrosoft.com is taken.",
        {"field": "prefix", "suggestions": ["contoso2026", "contoso2", "contoso3"]},
    )
    assert not VendorAccount.objects.exists()


def test_a_prefix_on_record_for_another_customer_is_taken_too(parties, api, microsoft):
    _tenant(make_customer(parties["reseller"]), "fabrikam.onmicrosoft.com")

    response = _post(api, TENANTS, {"prefix": "fabrikam"})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "tenant_domain_taken"
    assert VendorAccount.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"prefix": "contoso-2"},
            _error(
                "invalid_tenant_domain",
                "Use Latin letters and digits only: no spaces, dots, dashes or other symbols.",
                {"field": "prefix"},
            ),
        ),
        (
            {"prefix": ""},
            _error("invalid_tenant_domain", "Enter a domain name.", {"field": "prefix"}),
        ),
        (
            {"prefix": "contoso", "admin_password": "x"},
            _error(
                "invalid_input",
                "payload.admin_password: Extra inputs are not permitted",
                {
                    "fields": [
                        {
                            "field": "payload.admin_password",
                            "message": "Extra inputs are not permitted",
                        }
                    ]
                },
            ),
        ),
    ],
    ids=["symbols", "empty", "unknown-field"],
)
def test_a_malformed_new_tenant_is_a_400_and_nothing_recorded(api, microsoft, body, expected):
    response = _post(api, TENANTS, body)

    assert (response.status_code, response.json()) == (400, expected)
    assert not VendorAccount.objects.exists()
    assert microsoft.calls == []


def test_tenant_create_repeated_with_the_same_key_creates_one_tenant_and_replays(api, microsoft):
    first = _post(api, TENANTS, {"prefix": "contoso2"}, key="tenant-1")
    again = _post(api, TENANTS, {"prefix": "contoso2"}, key="tenant-1")
    other = _post(api, TENANTS, {"prefix": "contoso3"}, key="tenant-1")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert list(VendorAccount.objects.values_list("domain", flat=True)) == [
        "contoso2.onmicrosoft.com"
    ]
    assert microsoft.calls == ["domain_available contoso2"]


def test_only_a_customer_has_tenants(parties, microsoft):
    reseller = parties["reseller"]
    client = _key_client(make_member(reseller, Role.OWNER), reseller)

    response = _post(client, TENANTS, {"prefix": "contoso2"})

    assert (response.status_code, response.json()) == (
        400,
        _error("invalid_input", "Only a customer has Microsoft tenants."),
    )
    assert not VendorAccount.objects.exists()


# --- tenants: an existing one --------------------------------------------------------------


def test_tenant_link_records_a_pending_tenant_and_answers_the_relationship_link(
    customer, owner, api, microsoft
):
    with time_machine.travel(DAY, tick=False):
        response = _post(api, f"{TENANTS}link/", {"domain": "Contoso.onmicrosoft.com"})

    assert response.status_code == 201
    account = VendorAccount.objects.get()
    assert response.json() == {
        "tenant": _tenant_json(
            account,
            domain="contoso.onmicrosoft.com",
            origin="linked",
            status="link_pending",
            vendor_customer_id="",
            activated_at=None,
        ),
        "relationship_url": RELATIONSHIP_URL,
    }
    assert account.requested_by == owner
    assert AuditEvent.objects.filter(organization=customer, event="tenant_link_requested").exists()


def test_tenant_link_check_activates_the_tenant_once_its_admin_accepted(api, microsoft):
    linked = _post(api, f"{TENANTS}link/", {"domain": "contoso.onmicrosoft.com"}).json()
    check_url = f"{TENANTS}{linked['tenant']['id']}/check/"

    waiting = _post(api, check_url)
    microsoft.accepted["contoso.onmicrosoft.com"] = "Contoso Ltd"
    with time_machine.travel(DAY, tick=False):
        accepted = _post(api, check_url)

    assert (waiting.status_code, waiting.json()["status"]) == (200, "link_pending")
    assert accepted.status_code == 200
    assert accepted.json() == {
        **linked["tenant"],
        "status": "active",
        "vendor_customer_id": "tid-contoso",
        "company_name": "Contoso Ltd",
        "activated_at": DAY_JSON,
    }
    assert VendorAccount.objects.get().status == AccountStatus.ACTIVE


def test_checking_an_active_tenant_answers_it_without_asking_microsoft(customer, api, microsoft):
    account = _tenant(customer)

    response = _post(api, f"{TENANTS}{account.pk}/check/")

    assert (response.status_code, response.json()) == (200, _tenant_json(account))
    assert microsoft.calls == []


def test_a_tenant_of_another_customer_cannot_be_linked(parties, api, microsoft):
    theirs = _tenant(make_customer(parties["reseller"]), "fabrikam.onmicrosoft.com")

    response = _post(api, f"{TENANTS}link/", {"domain": "fabrikam.onmicrosoft.com"})

    assert response.status_code == 409
    assert response.json() == _error(
        "tenant_not_ours",
        "The tenant fabrikam.onmicrosoft.com belongs to another customer.",
        {"field": "domain"},
    )
    assert list(VendorAccount.objects.all()) == [theirs]


def test_a_link_without_a_connection_to_microsoft_is_a_503_and_may_be_retried(api):
    # The embedded connector only checks names: it cannot give a relationship link.
    first = _post(api, f"{TENANTS}link/", {"domain": "contoso.onmicrosoft.com"}, key="link-1")

    assert first.status_code == 503
    assert first.json() == _error(
        "connector_not_configured",
        "No connection to Microsoft is configured; tenants cannot be created now.",
    )
    assert not VendorAccount.objects.exists()
    assert not IdempotencyRecord.objects.exists()  # the same key runs again later


def test_tenant_link_repeated_with_the_same_key_replays_the_first_answer(api, microsoft):
    body = {"domain": "contoso.onmicrosoft.com"}

    first = _post(api, f"{TENANTS}link/", body, key="link-1")
    again = _post(api, f"{TENANTS}link/", body, key="link-1")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert microsoft.calls == ["relationship_link"]
    assert VendorAccount.objects.count() == 1


# --- subscriptions: list and get -----------------------------------------------------------


def test_subscription_list_pages_newest_first_with_tenant_and_status_filters(
    parties, customer, api
):
    one, two = _tenant(customer, "one.onmicrosoft.com"), _tenant(customer, "two.onmicrosoft.com")
    old = _subscription(one)
    new = _subscription(
        two,
        created_at=DAY + dt.timedelta(days=1),
        status=SubscriptionStatus.SUSPENDED,
        billing_plan="annual",
        unit_price=Decimal("72.0000"),
    )
    drifted = _drifted(one)
    drifted.created_at = DAY - dt.timedelta(days=1)
    drifted.save(update_fields=["created_at"])
    _subscription(_tenant(make_customer(parties["reseller"])))  # another organization's

    everything = api.get(SUBSCRIPTIONS)
    in_one = api.get(SUBSCRIPTIONS, {"tenant_id": one.pk})
    suspended = api.get(SUBSCRIPTIONS, {"status": "suspended"})

    new_json = _subscription_json(
        new,
        created_at="2026-03-03T09:30:00Z",
        status="suspended",
        billing_plan="annual",
        unit_price="72.00",
    )
    drifted_json = _subscription_json(
        drifted,
        created_at="2026-03-01T09:30:00Z",
        vendor_quantity=9,
        vendor_status="active",
        drift_detected_at="2026-03-02T10:30:00Z",
    )
    assert everything.status_code == 200
    assert everything.json() == _page([new_json, _subscription_json(old), drifted_json])
    assert in_one.json() == _page([_subscription_json(old), drifted_json])
    assert suspended.json() == _page([new_json])


@pytest.mark.parametrize(
    ("query", "status", "expected"),
    [
        (
            {"status": "cancelled-ish"},
            400,
            _error(
                "invalid_status",
                "Unknown subscription status.",
                {"field": "status", "allowed": list(SubscriptionStatus.values)},
            ),
        ),
        ({"page": 0}, 400, _error("invalid_input", "page must be 1 or more.", {"field": "page"})),
        ({"tenant_id": 999999}, 404, _error("tenant_not_found", "Tenant not found.")),
    ],
    ids=["status", "page", "tenant"],
)
def test_subscription_list_refuses_a_bad_filter(api, query, status, expected):
    response = api.get(SUBSCRIPTIONS, query)

    assert (response.status_code, response.json()) == (status, expected)


def test_subscription_list_runs_the_same_queries_for_one_subscription_or_many(customer, api):
    account = _tenant(customer)
    _subscription(account)
    with time_machine.travel(DAY, tick=False):
        api.get(SUBSCRIPTIONS)
        with CaptureQueriesContext(connection) as one:
            assert api.get(SUBSCRIPTIONS).json()["total"] == 1
        for _ in range(4):
            _subscription(_tenant(customer))
        with CaptureQueriesContext(connection) as five:
            assert api.get(SUBSCRIPTIONS).json()["total"] == 5

    # The key, the role, the count and the page (tenants joined).
    assert len(five) == len(one) == 4


def test_subscription_get_answers_costs_drift_and_history_newest_first(customer, api):
    subscription = _drifted(_tenant(customer))
    _event(subscription, "created", "Provisioned at Microsoft.", DAY)
    _event(
        subscription,
        "drift",
        "Microsoft reports 9 × active; Seatwise has 5 × active.",
        DAY + dt.timedelta(hours=1),
    )

    response = api.get(f"{SUBSCRIPTIONS}{subscription.pk}/")

    assert response.status_code == 200
    assert response.json() == {
        **_subscription_json(
            subscription,
            vendor_quantity=9,
            vendor_status="active",
            drift_detected_at="2026-03-02T10:30:00Z",
        ),
        "costs": {
            "monthly": "30.00",
            "yearly": "360.00",
            # The customer's own member does not see the reseller's cost.
            "reseller_monthly": None,
            "reseller_yearly": None,
        },
        "events": [
            {
                "kind": "drift",
                "message": "Microsoft reports 9 × active; Seatwise has 5 × active.",
                "at": "2026-03-02T10:30:00Z",
            },
            {"kind": "created", "message": "Provisioned at Microsoft.", "at": DAY_JSON},
        ],
    }


def test_reseller_staff_acting_inside_the_customer_see_the_resellers_cost(parties, customer):
    subscription = _subscription(_tenant(customer), billing_plan="annual")
    manager = make_member(parties["reseller"], Role.ACCOUNT_MANAGER)

    response = _session_client(manager, customer).get(f"{SUBSCRIPTIONS}{subscription.pk}/")

    assert response.status_code == 200
    # 5 × 6.00 a year is 2.50 a month; the reseller pays 5 × 5.40 a year.
    assert response.json()["costs"] == {
        "monthly": "2.50",
        "yearly": "30.00",
        "reseller_monthly": "2.25",
        "reseller_yearly": "27.00",
    }


def test_a_subscription_without_prices_has_no_costs(customer, api):
    subscription = _subscription(_tenant(customer), unit_price=None, partner_unit_price=None)

    body = api.get(f"{SUBSCRIPTIONS}{subscription.pk}/").json()

    assert body["unit_price"] is None
    assert body["costs"] == dict.fromkeys(
        ("monthly", "yearly", "reseller_monthly", "reseller_yearly")
    )


# --- subscriptions: accepting drift --------------------------------------------------------


def test_accepting_drift_takes_microsofts_quantity_logs_it_and_replays(customer, owner, api):
    subscription = _drifted(_tenant(customer))
    url = f"{SUBSCRIPTIONS}{subscription.pk}/accept-drift/"

    with time_machine.travel(DAY + dt.timedelta(hours=2), tick=False):
        first = _post(api, url, key="drift-1")
        again = _post(api, url, key="drift-1")

    assert (first.status_code, again.status_code) == (200, 200)
    body = first.json()
    assert (body["quantity"], body["vendor_quantity"], body["drift_detected_at"]) == (9, None, None)
    assert body["costs"]["monthly"] == "54.00"
    assert body["events"][0] == {
        "kind": "drift_accepted",
        "message": "Microsoft's values taken: 9 × active (was 5 × active).",
        "at": "2026-03-02T11:30:00Z",
    }
    assert body == api.get(url.removesuffix("accept-drift/")).json()
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == body
    subscription.refresh_from_db()
    assert (subscription.quantity, subscription.has_drift) == (9, False)
    assert SubscriptionEvent.objects.filter(kind="drift_accepted").count() == 1
    assert AuditEvent.objects.filter(
        organization=customer, actor=owner, event="subscription_drift_accepted"
    ).exists()


def test_accepting_when_there_is_no_drift_changes_nothing(customer, api):
    subscription = _subscription(_tenant(customer))

    response = _post(api, f"{SUBSCRIPTIONS}{subscription.pk}/accept-drift/")

    assert (response.status_code, response.json()["quantity"]) == (200, 5)
    assert not SubscriptionEvent.objects.exists()


# --- access ---------------------------------------------------------------------------------


def _snapshot() -> tuple:
    return (
        list(VendorAccount.objects.order_by("pk").values_list("pk", "status")),
        list(
            Subscription.objects.order_by("pk").values_list("pk", "quantity", "drift_detected_at")
        ),
        SubscriptionEvent.objects.count(),
    )


def test_every_endpoint_refuses_an_anonymous_caller(customer, microsoft):
    account = _tenant(customer)
    subscription = _drifted(account)
    before = _snapshot()
    anonymous = Client()

    responses = [
        anonymous.get(TENANTS),
        _post(anonymous, TENANTS, {"prefix": "contoso2"}, key="k"),
        _post(anonymous, f"{TENANTS}link/", {"domain": "contoso.onmicrosoft.com"}, key="k"),
        anonymous.get(f"{TENANTS}{account.pk}/"),
        _post(anonymous, f"{TENANTS}{account.pk}/check/", key="k"),
        anonymous.get(SUBSCRIPTIONS),
        anonymous.get(f"{SUBSCRIPTIONS}{subscription.pk}/"),
        _post(anonymous, f"{SUBSCRIPTIONS}{subscription.pk}/accept-drift/", key="k"),
    ]

    unauthenticated = _error("not_authenticated", "Sign in or send an API key.")
    assert [(r.status_code, r.json()) for r in responses] == [(401, unauthenticated)] * 8
    assert _snapshot() == before
    assert not IdempotencyRecord.objects.exists()
    assert microsoft.calls == []


def test_another_organizations_tenant_and_subscription_are_404s_and_stay_unchanged(
    parties, customer, microsoft
):
    account = _tenant(customer, status=AccountStatus.LINK_PENDING, origin=AccountOrigin.LINKED)
    subscription = _drifted(account)
    microsoft.accepted[account.domain] = "Contoso Ltd"
    before = _snapshot()
    outsider_org = make_customer(parties["reseller"])
    outsider = _key_client(make_member(outsider_org, Role.OWNER), outsider_org)
    no_tenant = _error("tenant_not_found", "Tenant not found.")
    no_subscription = _error("subscription_not_found", "Subscription not found.")

    listed = [outsider.get(TENANTS), outsider.get(SUBSCRIPTIONS)]
    responses = [
        outsider.get(f"{TENANTS}{account.pk}/"),
        _post(outsider, f"{TENANTS}{account.pk}/check/", key="k1"),
        outsider.get(SUBSCRIPTIONS, {"tenant_id": account.pk}),
        outsider.get(f"{SUBSCRIPTIONS}{subscription.pk}/"),
        _post(outsider, f"{SUBSCRIPTIONS}{subscription.pk}/accept-drift/", key="k2"),
    ]

    assert [r.json() for r in listed] == [_page([]), _page([])]
    assert [(r.status_code, r.json()) for r in responses] == [
        (404, no_tenant),
        (404, no_tenant),
        (404, no_tenant),
        (404, no_subscription),
        (404, no_subscription),
    ]
    assert _snapshot() == before
    assert microsoft.calls == []


def test_a_read_only_member_reads_but_cannot_add_link_check_or_accept(customer, microsoft):
    account = _tenant(customer, status=AccountStatus.LINK_PENDING, origin=AccountOrigin.LINKED)
    subscription = _drifted(account)
    microsoft.accepted[account.domain] = "Contoso Ltd"
    before = _snapshot()
    reader = _session_client(make_member(customer, Role.READ_ONLY))

    reads = [
        reader.get(TENANTS),
        reader.get(f"{TENANTS}{account.pk}/"),
        reader.get(SUBSCRIPTIONS),
        reader.get(f"{SUBSCRIPTIONS}{subscription.pk}/"),
    ]
    writes = [
        _post(reader, TENANTS, {"prefix": "contoso2"}, key="k1"),
        _post(reader, f"{TENANTS}link/", {"domain": "fabrikam.onmicrosoft.com"}, key="k2"),
        _post(reader, f"{TENANTS}{account.pk}/check/", key="k3"),
        _post(reader, f"{SUBSCRIPTIONS}{subscription.pk}/accept-drift/", key="k4"),
    ]

    assert [r.status_code for r in reads] == [200] * 4
    assert reads[0].json()["items"][0]["id"] == account.pk
    assert reads[2].json()["items"][0]["id"] == subscription.pk
    refused = _error("role_required", "Your role does not allow this.", {"role": "read_only"})
    assert [(r.status_code, r.json()) for r in writes] == [(403, refused)] * 4
    assert _snapshot() == before
    assert microsoft.calls == []


@pytest.mark.parametrize("role", [Role.BILLING, Role.TECHNICAL])
def test_accepting_drift_needs_a_managing_role(customer, role):
    subscription = _drifted(_tenant(customer))
    before = _snapshot()
    client = _key_client(make_member(customer, role), customer)

    response = _post(client, f"{SUBSCRIPTIONS}{subscription.pk}/accept-drift/")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "role_required"
    assert _snapshot() == before


def test_a_billing_member_cannot_add_a_tenant(customer, microsoft):
    client = _key_client(make_member(customer, Role.BILLING), customer)

    response = _post(client, TENANTS, {"prefix": "contoso2"})

    assert response.status_code == 403
    assert not VendorAccount.objects.exists()


@pytest.mark.parametrize("role", [Role.TECHNICAL, Role.ACCOUNT_MANAGER])
def test_a_technical_member_or_manager_may_add_link_and_check_tenants(customer, microsoft, role):
    client = _key_client(make_member(customer, role), customer)

    created = _post(client, TENANTS, {"prefix": "contoso2"})
    linked = _post(client, f"{TENANTS}link/", {"domain": "fabrikam.onmicrosoft.com"})
    checked = _post(client, f"{TENANTS}{linked.json()['tenant']['id']}/check/")

    assert (created.status_code, linked.status_code, checked.status_code) == (201, 201, 200)
    assert VendorAccount.objects.count() == 2


def test_reseller_staff_acting_inside_the_customer_may_accept_drift(parties, customer):
    subscription = _drifted(_tenant(customer))
    manager = make_member(parties["reseller"], Role.ACCOUNT_MANAGER)
    client = _session_client(manager, customer)

    response = client.post(f"{SUBSCRIPTIONS}{subscription.pk}/accept-drift/")

    assert (response.status_code, response.json()["quantity"]) == (200, 9)

"""Payloads <-> vendor values, tolerant as contract §3 and §13 ask."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from seatwise.connectors.microsoft import mapping
from seatwise.connectors.microsoft.tests import payloads
from seatwise.connectors.vendor import (
    AgreementContact,
    NewCustomer,
    PurchaseItem,
    RefundableBatch,
    VendorCustomer,
)

UTC = dt.UTC


def test_a_documented_subscription_maps_to_the_vendor_value():
    subscription = mapping.subscription_from_payload(payloads.SUBSCRIPTION)

    assert subscription.subscription_id == payloads.SUBSCRIPTION_ID
    assert subscription.offer_id == "CFQ7TTC0LH18:0001:CFQ7TTC0K971"
    assert subscription.offer_name == "Microsoft 365 Business Basic"
    assert subscription.friendly_name == "Basic for sales"
    assert subscription.quantity == 15
    assert subscription.status == "active"
    assert subscription.term == "P1Y"
    assert subscription.billing_cycle == "monthly"
    assert subscription.auto_renew is True
    assert subscription.order_id == payloads.ORDER_ID
    assert subscription.parent_subscription_id == ""
    assert subscription.creation_date == dt.datetime(2021, 1, 14, 16, 57, 15, tzinfo=UTC)
    assert subscription.commitment_end_date == dt.datetime(2022, 1, 13, tzinfo=UTC)
    assert subscription.cancellation_allowed_until == dt.datetime(
        2021, 1, 21, 16, 57, 15, 604569, tzinfo=UTC
    )
    assert subscription.refundable == (
        RefundableBatch(
            quantity=10, allowed_until=dt.datetime(2021, 1, 24, 20, 39, 17, tzinfo=UTC)
        ),
    )
    assert subscription.unit_price is None


def test_subscription_mapping_ignores_case_strings_and_unknown_fields():
    payload = {
        "ID": "s-1",
        "OfferId": "P:0001:A",
        "Quantity": "7",
        "Status": "SUSPENDED",
        "BillingCycle": "Annual",
        "termDuration": "p1y",
        "autoRenewEnabled": "false",
        "unitPrice": "16.40",
        "currencyCode": "usd",
        "creationDate": "2019-08-01T00:00:00",
        "brandNewField": [{"x": 1}],
        "cancellationAllowedUntilDate": None,
    }

    subscription = mapping.subscription_from_payload(payload)

    assert subscription.subscription_id == "s-1"
    assert subscription.quantity == 7
    assert subscription.status == "suspended"
    assert subscription.billing_cycle == "annual"
    assert subscription.term == "P1Y"
    assert subscription.auto_renew is False
    assert subscription.unit_price == Decimal("16.40")
    assert subscription.currency == "USD"
    assert subscription.creation_date == dt.datetime(2019, 8, 1, tzinfo=UTC)
    assert subscription.cancellation_allowed_until is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2021-01-14T16:57:15Z", dt.datetime(2021, 1, 14, 16, 57, 15, tzinfo=UTC)),
        ("2019-08-01T00:00:00", dt.datetime(2019, 8, 1, tzinfo=UTC)),
        ("2021-05-20T20:30:06+02:00", dt.datetime(2021, 5, 20, 18, 30, 6, tzinfo=UTC)),
        ("2021-05-20T18:30:06.6045692Z", dt.datetime(2021, 5, 20, 18, 30, 6, 604569, tzinfo=UTC)),
        ("2021-05-20T18:30:06.6045692", dt.datetime(2021, 5, 20, 18, 30, 6, 604569, tzinfo=UTC)),
        ("2021-05-20T18:30:06.1-05:00", dt.datetime(2021, 5, 20, 23, 30, 6, 100000, tzinfo=UTC)),
        ("2024-01-10T00:00:00.000Z", dt.datetime(2024, 1, 10, tzinfo=UTC)),
        ("2022-01-13", dt.datetime(2022, 1, 13, tzinfo=UTC)),
        ("", None),
        (None, None),
        ("not a date", None),
    ],
)
def test_dates_in_every_documented_form_become_aware_utc(raw, expected):
    parsed = mapping.parse_datetime(raw)

    assert parsed == expected
    if parsed is not None:
        assert parsed.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (16, Decimal("16")),
        ("16", Decimal("16")),
        ("30.40", Decimal("30.40")),
        (Decimal("364.8"), Decimal("364.8")),
        (30.4, Decimal("30.4")),
        ("", None),
        (None, None),
        ("abc", None),
        (True, None),
        ("NaN", None),
    ],
)
def test_amounts_as_numbers_or_strings_become_decimals(raw, expected):
    assert mapping.decimal(raw) == expected


def test_json_is_read_without_floats_and_written_with_exact_digits():
    payload = mapping.loads(b'{"price": 30.4, "extended": 364.80, "n": 3, "big": 1e2}')

    assert payload == {
        "price": Decimal("30.4"),
        "extended": Decimal("364.80"),
        "n": 3,
        "big": Decimal("1E+2"),
    }
    assert all(not isinstance(value, float) for value in payload.values())
    written = mapping.dumps(payload)
    assert written == '{"price":30.4,"extended":364.80,"n":3,"big":1E+2}'
    assert json.loads(written)["extended"] == 364.8


def test_dumps_handles_every_json_shape():
    value = {
        "a": [1, "x", None, True, (Decimal("-0.5"),)],
        "when": dt.datetime(2024, 1, 10, 12, 0, 0, 123456, tzinfo=UTC),
    }

    assert mapping.dumps(value) == (
        '{"a":[1,"x",null,true,[-0.5]],"when":"2024-01-10T12:00:00.123Z"}'
    )
    assert mapping.dumps(Decimal("1E-7")) == "1E-7"
    with pytest.raises(ValueError):
        mapping.dumps(Decimal("Infinity"))


def test_integers_and_booleans_are_tolerant():
    assert mapping.integer("12") == 12
    assert mapping.integer(Decimal("12.0")) == 12
    assert mapping.integer("12.5", default=-1) == -1
    assert mapping.integer(None, default=3) == 3
    assert mapping.boolean("TRUE") is True
    assert mapping.boolean("no", default=True) is True


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        (
            {"type": "Full", "expiresAt": "2021-01-15T00:00:00Z"},
            mapping.RefundOption("full", dt.datetime(2021, 1, 15, tzinfo=UTC)),
        ),
        (
            {"type": "Partial", "expiresAfter": "2021-01-22T00:00:00Z"},
            mapping.RefundOption("partial", dt.datetime(2021, 1, 22, tzinfo=UTC)),
        ),
        (
            {"sequenceId": 0, "type": "Full", "expiresAfter": "P1D"},
            mapping.RefundOption("full", None, dt.timedelta(days=1)),
        ),
        (
            {"type": "FULL", "expiresAfter": "PT72H"},
            mapping.RefundOption("full", None, dt.timedelta(hours=72)),
        ),
    ],
)
def test_refund_options_read_expires_at_and_expires_after(option, expected):
    assert mapping.refund_options({"refundOptions": [option]}) == (expected,)


def test_durations_without_a_fixed_length_are_not_guessed():
    assert mapping.parse_duration("P1M") is None
    assert mapping.parse_duration("P") is None
    assert mapping.parse_duration("P2W") == dt.timedelta(weeks=2)


def test_new_customer_body_follows_the_create_request():
    customer = NewCustomer(
        domain_prefix="Contoso-X",
        company_name="Contoso",
        email="billing@contoso.com",
        first_name="Ana",
        last_name="Diaz",
        address_line1="1 Main St",
        city="Kyiv",
        postal_code="01001",
        country="ua",
        phone="+380441234567",
        registration_number="12345678",
        language="uk",
        culture="uk-UA",
        reseller_partner_id="7654321",
    )

    body = mapping.new_customer_body(customer)

    assert body == {
        "companyProfile": {
            "domain": "contoso-x.onmicrosoft.com",
            "organizationRegistrationNumber": "12345678",
        },
        "billingProfile": {
            "email": "billing@contoso.com",
            "culture": "uk-UA",
            "language": "uk",
            "companyName": "Contoso",
            "defaultAddress": {
                "firstName": "Ana",
                "lastName": "Diaz",
                "addressLine1": "1 Main St",
                "addressLine2": "",
                "city": "Kyiv",
                "state": "",
                "postalCode": "01001",
                "country": "UA",
                "phoneNumber": "+380441234567",
            },
        },
        "associatedPartnerId": "7654321",
    }


def test_a_direct_customer_body_has_no_reseller_or_registration_number():
    customer = NewCustomer("c", "C", "e@c.test", "A", "B", "1 St", "City", "1", "US")

    body = mapping.new_customer_body(customer)

    assert "associatedPartnerId" not in body
    assert body["companyProfile"] == {"domain": "c.onmicrosoft.com"}


def test_the_created_customer_carries_the_admin_sign_in_name_and_password_once():
    customer = mapping.customer_from_payload(payloads.CUSTOMER_CREATED)

    assert customer == VendorCustomer(
        customer_id=payloads.CUSTOMER_ID,
        domain="contoso-x.onmicrosoft.com",
        company_name="Contoso",
        relationship="none",
        admin_username="admin@contoso-x.onmicrosoft.com",
        admin_password="Gen3rated-Pa55word!",
    )
    assert "Gen3rated" not in repr(customer)


def test_a_listed_customer_has_no_credentials_and_a_lower_case_relationship():
    customer = mapping.customer_from_payload(
        {
            "companyProfile": {
                "tenantId": "t-1",
                "domain": "Fabrikam.onmicrosoft.com",
                "companyName": "",
            },
            "billingProfile": {"companyName": "Fabrikam Ltd"},
            "relationshipToPartner": "Reseller",
        }
    )

    assert customer.customer_id == "t-1"
    assert customer.domain == "fabrikam.onmicrosoft.com"
    assert customer.company_name == "Fabrikam Ltd"
    assert customer.relationship == "reseller"
    assert customer.admin_username == ""
    assert customer.admin_password == ""


def test_cart_body_names_the_indirect_reseller_and_always_sends_the_term():
    items = [
        PurchaseItem("CFQ7TTC0LH18:0001:CFQ7TTC0K971", 5, "p1y", "Monthly"),
        PurchaseItem("CFQ7TTC0LFLS:0002:CFQ7TTC0KDLJ", 2, "P1M", "monthly", "", "R-42"),
    ]

    body = mapping.cart_body(items)

    assert body == {
        "partnerOnRecordAttestationAccepted": True,
        "lineItems": [
            {
                "id": 0,
                "catalogItemId": "CFQ7TTC0LH18:0001:CFQ7TTC0K971",
                "quantity": 5,
                "billingCycle": "monthly",
                "termDuration": "P1Y",
            },
            {
                "id": 1,
                "catalogItemId": "CFQ7TTC0LFLS:0002:CFQ7TTC0KDLJ",
                "quantity": 2,
                "billingCycle": "monthly",
                "termDuration": "P1M",
                "participants": [{"key": "transaction_reseller", "value": "R-42"}],
            },
        ],
    }


def test_cart_line_errors_and_checkout_errors_are_read():
    cart = payloads.copy_of(payloads.CART)
    cart["lineItems"][0]["error"] = {"errorCode": 400041, "errorDescription": "No base."}

    assert mapping.cart_line_errors(cart) == [mapping.LineError("400041", "No base.", "0")]
    assert mapping.cart_line_errors(payloads.CART) == []
    assert mapping.checkout_errors(
        {"orders": [], "orderErrors": [{"orderGroupId": "1", "code": 800064, "description": "d"}]}
    ) == [mapping.LineError("800064", "d", "1")]


def test_order_lines_read_prices_as_decimals():
    (line,) = mapping.order_lines(payloads.ORDER)

    assert line == mapping.OrderLine(
        order_id="a68736758d9c",
        line_number=0,
        offer_id="CFQ7TTC0LF8S:0001:CFQ7TTC0N81H",
        subscription_id="5f1c0000-0000-4000-8000-0000000005b1",
        quantity=1,
        term="P1M",
        billing_cycle="monthly",
        friendly_name="Business Standard",
        unit_price=Decimal("36.48"),
        currency="USD",
    )


def test_an_order_line_stands_for_a_subscription_not_visible_yet():
    (line,) = mapping.order_lines(payloads.ORDER)

    subscription = mapping.subscription_from_order_line(line)

    assert subscription.status == "pending"
    assert subscription.subscription_id == line.subscription_id
    assert subscription.unit_price == Decimal("36.48")
    assert subscription.order_id == "a68736758d9c"


@pytest.mark.parametrize(
    ("asked", "got", "same"),
    [
        ("P:0001:A", "p:0001:a", True),
        ("P:0001:A", "P:0001:B", True),
        ("P:0001", "P:0001:B", True),
        ("P:0001:A", "P:0002:A", False),
        ("P", "Q", False),
    ],
)
def test_offers_match_by_product_and_sku(asked, got, same):
    assert mapping.same_offer(asked, got) is same


def test_agreement_body_and_template():
    contact = AgreementContact("Ana", "Diaz", "ana@contoso.com", "+1 425 555 0100")

    body = mapping.agreement_body(
        template_id="t-1",
        contact=contact,
        accepted_at=dt.datetime(2024, 1, 10, 3, tzinfo=dt.timezone(dt.timedelta(hours=2))),
    )

    assert body == {
        "primaryContact": {
            "firstName": "Ana",
            "lastName": "Diaz",
            "email": "ana@contoso.com",
            "phoneNumber": "+1 425 555 0100",
        },
        "templateId": "t-1",
        "dateAgreed": "2024-01-10T01:00:00.000Z",
        "type": "MicrosoftCustomerAgreement",
    }
    assert mapping.format_datetime(dt.datetime(2024, 1, 10)) == "2024-01-10T00:00:00.000Z"
    assert (
        mapping.agreement_template_id(
            [
                {
                    "templateId": "old",
                    "agreementType": "MicrosoftCustomerAgreement",
                    "versionRank": 1,
                },
                {
                    "templateId": "new",
                    "agreementType": "microsoftcustomeragreement",
                    "versionRank": 0,
                },
                {"templateId": "mca", "agreementType": "MicrosoftCloudAgreement"},
            ]
        )
        == "new"
    )
    assert mapping.agreement_template_id([]) == ""


def test_patch_body_is_the_whole_resource_with_only_the_changes():
    current = payloads.copy_of(payloads.SUBSCRIPTION)
    current["AutoRenewEnabled"] = current.pop("autoRenewEnabled")

    body = mapping.subscription_patch_body(
        current, {"quantity": 20, "auto_renew": False, "friendly_name": "Sales"}
    )

    assert body["quantity"] == 20
    assert body["AutoRenewEnabled"] is False
    assert "autoRenewEnabled" not in body
    assert body["friendlyName"] == "Sales"
    assert body["scheduledNextTermInstructions"] == current["scheduledNextTermInstructions"]
    assert set(body) == set(current)
    assert current["quantity"] == 15


@pytest.mark.parametrize(
    ("changes", "shows"),
    [
        ({"quantity": 15}, True),
        ({"quantity": 16}, False),
        ({"status": "active"}, True),
        ({"status": "suspended"}, False),
        ({"auto_renew": True}, True),
        ({"auto_renew": False}, False),
        ({"friendly_name": "basic for sales"}, True),
        ({"friendly_name": "Other"}, False),
        ({"billing_cycle": "MONTHLY", "term": "P1Y"}, True),
    ],
)
def test_a_change_shows_when_the_read_back_agrees(changes, shows):
    assert mapping.subscription_shows(payloads.SUBSCRIPTION, changes) is shows


def test_prop_is_case_insensitive_and_tolerates_non_objects():
    assert mapping.prop({"LineItems": [1]}, "lineItems") == [1]
    assert mapping.prop(None, "x", default="d") == "d"
    assert mapping.prop({"a": 1}, "b", default=0) == 0
    assert mapping.relationship_url(payloads.RELATIONSHIP_REQUEST).startswith("https://admin")

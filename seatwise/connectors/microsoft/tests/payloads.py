"""Recorded Partner Center payloads: the examples of the contract
(/work/shared/reference/partner-center-contract.md), with ids filled in. Tests copy them
before changing anything."""

from __future__ import annotations

import copy

CUSTOMER_ID = "4b8c3b10-5c0e-4d4e-8c11-7f1f1e3a9d21"
SUBSCRIPTION_ID = "a4c1340d-6911-4758-bba3-0c4c6007d161"
ORDER_ID = "34b37d7340cc"

# §9.2, the answer to POST /v1/customers.
CUSTOMER_CREATED = {
    "id": CUSTOMER_ID,
    "commerceId": "b2c1d5e9-0000-4000-8000-000000000001",
    "companyProfile": {
        "tenantId": CUSTOMER_ID,
        "domain": "contoso-x.onmicrosoft.com",
        "companyName": "Contoso",
    },
    "billingProfile": {
        "id": "c0a1",
        "email": "billing@contoso.com",
        "culture": "en-US",
        "language": "en",
        "companyName": "Contoso",
        "defaultAddress": {
            "firstName": "Ana",
            "lastName": "Diaz",
            "addressLine1": "1 Main St",
            "city": "Redmond",
            "state": "WA",
            "postalCode": "98052",
            "country": "US",
        },
        "attributes": {"etag": "e1", "objectType": "CustomerBillingProfile"},
    },
    "relationshipToPartner": "none",
    "userCredentials": {"userName": "admin", "password": "Gen3rated-Pa55word!"},
    "attributes": {"objectType": "Customer"},
}

# §9.3
AGREEMENTS = {
    "totalCount": 1,
    "items": [
        {
            "templateId": "117a4f1f-9b5c-4e3b-8a0c-000000000mca",
            "agreementType": "MicrosoftCustomerAgreement",
            "agreementLink": "https://aka.ms/customeragreement",
            "versionRank": 0,
        }
    ],
    "attributes": {"objectType": "Collection"},
}

# §11.1
RELATIONSHIP_REQUEST = {
    "url": "https://admin.microsoft.com/Adminportal/Home?invType=ResellerRelationship"
    "&partnerId=11111111-2222-3333-4444-555555555555&msppId=0&DAP=true"
    "#/BillingAccounts/partner-invitation",
    "attributes": {"objectType": "RelationshipRequest"},
}

# §9.8, the documented NCE subscription (with an amount as a string and an unknown field).
SUBSCRIPTION = {
    "id": SUBSCRIPTION_ID,
    "offerId": "CFQ7TTC0LH18:0001:CFQ7TTC0K971",
    "offerName": "Microsoft 365 Business Basic",
    "friendlyName": "Basic for sales",
    "productType": {"id": "OnlineServicesNCE", "displayName": "OnlineServicesNCE"},
    "quantity": 15,
    "unitType": "Licenses",
    "parentSubscriptionId": None,
    "hasPurchasableAddons": False,
    "creationDate": "2021-01-14T16:57:15Z",
    "effectiveStartDate": "2021-01-14T16:57:14Z",
    "commitmentEndDate": "2022-01-13T00:00:00Z",
    "commitmentEndDateTime": "2022-01-13T23:59:59Z",
    "cancellationAllowedUntilDate": "2021-01-21T16:57:15.6045692Z",
    "billingCycleEndDate": "2021-02-13T00:00:00Z",
    "status": "Active",
    "autoRenewEnabled": True,
    "isTrial": False,
    "billingType": "license",
    "billingCycle": "Monthly",
    "termDuration": "P1Y",
    "renewalTermDuration": "",
    "refundOptions": [{"type": "Full", "expiresAt": "2021-01-15T00:00:00Z"}],
    "refundableQuantity": {
        "totalQuantity": 10,
        "details": [{"quantity": 10, "allowedUntilDateTime": "2021-01-24T20:39:17Z"}],
    },
    "scheduledNextTermInstructions": {
        "product": {
            "productId": "CFQ7TTC0LH18",
            "skuId": "0001",
            "availabilityId": "CFQ7TTC0K971",
            "billingCycle": "Annual",
            "termDuration": "P1Y",
        },
        "quantity": 10,
        "customTermEndDate": None,
    },
    "promotionId": "39NFJQT1PJQB:0001:39NFJQT1Q5KN",
    "partnerId": "1234567",
    "suspensionReasons": [],
    "contractType": "subscription",
    "orderId": ORDER_ID,
    "publisherName": "Microsoft Corporation",
    "someFutureField": {"nested": [1, 2, 3]},
    "links": {"self": {"uri": f"/customers/{CUSTOMER_ID}/subscriptions/{SUBSCRIPTION_ID}"}},
    "attributes": {"etag": "etag-1", "objectType": "Subscription"},
}

# §9.6, the answer to POST /carts.
CART = {
    "id": "c2f1b2a3-0000-4000-8000-00000000ca27",
    "creationTimestamp": "2024-03-01T10:00:00Z",
    "lastModifiedTimestamp": "2024-03-01T10:00:00Z",
    "expirationTimestamp": "2024-03-08T10:00:00Z",
    "lastModifiedUser": "d3b0",
    "status": "Active",
    "lineItems": [
        {
            "id": 0,
            "catalogItemId": "CFQ7TTC0LF8S:0001:CFQ7TTC0VZW5",
            "quantity": 1,
            "currencyCode": "USD",
            "billingCycle": "monthly",
            "termDuration": "P1Y",
            "provisioningContext": {},
            "orderGroup": "0",
            "pricing": {
                "listPrice": 30.4,
                "discountedPrice": 30.4,
                "proratedPrice": 30.4,
                "price": 30.4,
                "extendedPrice": 364.8,
            },
        }
    ],
    "links": {"self": {"uri": "/customers/x/carts/y", "method": "GET", "headers": []}},
    "attributes": {"objectType": "Cart"},
}

# §9.7
ORDER = {
    "id": "a68736758d9c",
    "alternateId": "a68736758d9c",
    "referenceCustomerId": CUSTOMER_ID,
    "billingCycle": "monthly",
    "currencyCode": "USD",
    "currencySymbol": "US$",
    "lineItems": [
        {
            "lineItemNumber": 0,
            "offerId": "CFQ7TTC0LF8S:0001:CFQ7TTC0N81H",
            "subscriptionId": "5f1c0000-0000-4000-8000-0000000005b1",
            "termDuration": "P1M",
            "transactionType": "New",
            "friendlyName": "Business Standard",
            "quantity": 1,
            "pricing": {
                "listPrice": 36.48,
                "discountedPrice": 36.48,
                "proratedPrice": 36.48,
                "price": 36.48,
                "extendedPrice": 36.48,
            },
            "links": {},
        }
    ],
    "creationDate": "2024-03-01T10:00:05Z",
    "status": "pending",
    "transactionType": "UserPurchase",
    "links": {},
    "attributes": {"objectType": "Order"},
    "totalPrice": 36.48,
}


def copy_of(payload: dict) -> dict:
    return copy.deepcopy(payload)

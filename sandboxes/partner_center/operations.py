"""The Partner Center operations of the sandbox: customers, agreements, catalog, carts,
orders, subscriptions, users, licences and unbilled reconciliation lines, following
../shared/reference/partner-center-contract.md and microsoft-nce-rules.md.

Every method runs while the caller holds ``Store.lock`` and reads "now" from the sandbox
clock. Errors are raised as ``ApiError`` and rendered with the standard error body (§5).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import re
import secrets
import string
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import nce
from state import RESERVED_DOMAINS, Catalog, Store

PUBLISHER = "Microsoft Corporation"
MCA_TEMPLATE_ID = "117a77b0-9360-443b-8795-c6dedc750cf9"
MCLOUD_TEMPLATE_ID = "998b88de-aa99-4388-a42c-1b3517d49490"
# §9.2: organizationRegistrationNumber and phone are mandatory in these countries
REGISTRATION_COUNTRIES = frozenset(
    "AM AZ BY HU KZ KG MD RU TJ UZ UA BR IN ZA PL AE SA TR TH VN MM IQ SS VE".split()  # noqa: SIM905
)
NCE_TYPES = {"OnlineServicesNCE"}
LIVE = ("active", "suspended")
TRANSIENT_CODES = {800060, 800064, 800082, 900278}
LICENCE_ERROR = "...you have run out of licenses. Buy more licenses, and then try again."

# Canonical camelCase of every property the sandbox reads; input keys match ignoring case.
_KEYS = """companyProfile billingProfile domain organizationRegistrationNumber email culture
language companyName defaultAddress firstName lastName addressLine1 addressLine2 addressLine3
city state postalCode country region phoneNumber associatedPartnerId enableGDAPByDefault
primaryContact templateId dateAgreed type agreementType partnerOnRecordAttestationAccepted
lineItems id catalogItemId quantity billingCycle termDuration customTermEndDate promotionId
attestationAccepted provisioningContext participants key value renewsTo lineItemNumber offerId
partnerIdOnRecord additionalPartnerIdsOnRecord status autoRenewEnabled friendlyName
scheduledNextTermInstructions nextChargeInstructions product productId skuId availabilityId
usageLocation userPrincipalName displayName immutableId passwordProfile password
forceChangePassword licensesToAssign licensesToRemove excludedPlans attributes objectType
orderGroup partnerId field operator""".split()  # noqa: SIM905
KEY_MAP = {key.lower(): key for key in _KEYS}


def normalize(value):
    """Input JSON with property names in canonical camelCase (matched ignoring case)."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            name = KEY_MAP.get(key.lower(), key[:1].lower() + key[1:])
            out[name] = normalize(item)
        return out
    if isinstance(value, list):
        return [normalize(item) for item in value]
    return value


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: int,
        description: str,
        *,
        data: list | None = None,
        error_name: str | None = None,
        retryable: bool = False,
        headers: dict | None = None,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.code = code
        self.description = description
        self.data = data or []
        self.error_name = error_name
        self.retryable = retryable
        self.headers = headers or {}

    def body(self) -> dict:
        return {
            "code": self.code,
            "description": self.description[:1024],
            "source": "PartnerFD",
            "data": self.data,
            "errorName": self.error_name or "",
            "isRetryable": self.retryable,
        }


def invalid(description: str, data: list | None = None) -> ApiError:
    return ApiError(400, 990000, description, data=data, error_name="SandboxInvalidRequest")


def not_found(what: str) -> ApiError:
    return ApiError(404, 990010, f"{what} not found", error_name="SandboxNotFound")


def link(uri: str, method: str = "GET", headers: list | None = None) -> dict:
    return {"uri": uri, "method": method, "headers": headers or []}


def collection(items: list, uri: str, **extra) -> dict:
    return {
        "totalCount": len(items),
        "items": items,
        "links": {"self": link(uri)},
        "attributes": {"objectType": "Collection"},
        **extra,
    }


def etag(record: dict) -> str:
    digest = hashlib.sha1(json.dumps(record, sort_keys=True, default=str).encode())  # noqa: S324
    return f'W/"{digest.hexdigest()[:16]}"'


def lower(value) -> str:
    return str(value or "").strip().lower()


def normal_domain(domain: str) -> str:
    domain = lower(domain)
    return domain if "." in domain else f"{domain}.onmicrosoft.com"


def dec(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def random_password() -> str:
    """A password that satisfies Entra complexity: 16 characters of four classes."""
    rng = secrets.SystemRandom()
    classes = [string.ascii_uppercase, string.ascii_lowercase, string.digits, "!@#$%^&*-_=+?"]
    chars = [rng.choice(c) for c in classes] + [rng.choice("".join(classes)) for _ in range(12)]
    rng.shuffle(chars)
    return "".join(chars)


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 100_000)
    return f"pbkdf2_sha256$100000${salt.hex()}${digest.hex()}"


class PartnerCenter:
    def __init__(self, store: Store, catalog: Catalog, *, partner_tenant_id: str, mpn_id: str):
        self.store = store
        self.catalog = catalog
        self.partner_tenant_id = partner_tenant_id
        self.mpn_id = mpn_id
        self.checking_out: set[str] = set()
        self.random = random.Random()  # noqa: S311 (simulation, not security)

    # --- helpers ---------------------------------------------------------------------

    @property
    def state(self) -> dict:
        return self.store.state

    @property
    def settings(self) -> dict:
        return self.store.settings

    def now(self) -> datetime:
        return self.store.now()

    def hours(self, key: str) -> timedelta:
        return timedelta(hours=float(self.settings[key]))

    def customer(self, customer_id: str) -> dict:
        tenant = self.state["tenants"].get(lower(customer_id))
        if tenant is None or tenant["relationshipToPartner"] != "reseller":
            raise not_found(f"Customer {customer_id}")
        return tenant

    def taken_domains(self) -> set[str]:
        taken = {f"{name}.onmicrosoft.com" for name in RESERVED_DOMAINS}
        for tenant in self.state["tenants"].values():
            taken.add(tenant["domain"])
            taken.update(lower(d) for d in tenant.get("customDomains", []))
        return taken

    def max_quantity(self, sku: dict) -> int:
        limit = int(self.settings["max_licences_per_subscription"] or 0)
        return min(sku["maximumQuantity"], limit) if limit else sku["maximumQuantity"]

    # --- continuation tokens (seek paging, §4) -----------------------------------------

    def make_token(self, payload: dict) -> str:
        payload = {**payload, "t": int(self.now().timestamp())}
        raw = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
        mac = hmac.new(self.state["secret"].encode(), raw.encode(), "sha256").hexdigest()[:20]
        return f"{raw}.{mac}"

    def read_token(self, token: str, kind: str) -> dict:
        try:
            raw, mac = token.strip().split(".")
            expected = hmac.new(self.state["secret"].encode(), raw.encode(), "sha256")
            if not hmac.compare_digest(expected.hexdigest()[:20], mac):
                raise ValueError("bad signature")
            payload = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
            if payload.get("k") != kind:
                raise ValueError("wrong collection")
        except (ValueError, TypeError, json.JSONDecodeError) as exc:
            raise ApiError(
                400, 990006, "Invalid continuation token", error_name="SandboxBadContinuation"
            ) from exc
        ttl = int(self.settings["continuation_token_ttl_seconds"])
        if ttl and self.now().timestamp() - payload["t"] > ttl:
            raise ApiError(
                400, 990006, "Continuation token expired", error_name="SandboxBadContinuation"
            )
        return payload

    def seek_page(self, items: list, *, kind: str, uri: str, query: dict, token: str | None):
        """A page of a seek-paged collection; ``items`` are already filtered and ordered."""
        if lower(query.get("seekoperation")) == "next":
            if not token:
                raise invalid("seekOperation=Next needs the MS-ContinuationToken header")
            payload = self.read_token(token, kind)
            offset, size = payload["o"], payload["s"]
        else:
            offset = 0
            try:
                size = int(query.get("size") or 0)
            except ValueError as exc:
                raise invalid("size must be a number") from exc
            size = size if size > 0 else 2000
        page = items[offset : offset + size]
        extra = {}
        if offset + size < len(items):
            tok = self.make_token({"k": kind, "o": offset + size, "s": size})
            header = [{"key": "MS-ContinuationToken", "value": tok}]
            extra["continuationToken"] = tok
            body = collection(page, uri, **extra)
            body["links"]["next"] = link(f"{uri.split('?')[0]}?seekOperation=Next", "GET", header)
            return body
        return collection(page, uri)

    # --- domains and customers (§9.1, §9.2, §9.4) ---------------------------------------

    def domain_taken(self, domain: str) -> bool:
        return normal_domain(domain) in self.taken_domains()

    def customer_view(self, tenant: dict, *, full: bool = True) -> dict:
        profile = {
            "tenantId": tenant["id"],
            "domain": tenant["domain"],
            "companyName": tenant["companyName"],
            "attributes": {"objectType": "CustomerCompanyProfile"},
        }
        view = {
            "id": tenant["id"],
            "commerceId": tenant["commerceId"],
            "companyProfile": profile,
            "relationshipToPartner": tenant["relationshipToPartner"],
            "customDomains": tenant.get("customDomains", []),
            "links": {"self": link(f"/customers/{tenant['id']}")},
            "attributes": {"objectType": "Customer"},
        }
        if full:
            billing = tenant.get("billingProfile") or {}
            if billing.get("defaultAddress"):
                profile["address"] = billing["defaultAddress"]
            if billing.get("email"):
                profile["email"] = billing["email"]
            if tenant.get("organizationRegistrationNumber"):
                profile["organizationRegistrationNumber"] = tenant["organizationRegistrationNumber"]
            view["billingProfile"] = self.billing_view(tenant)
            view["allowDelegatedAccess"] = True
            if tenant.get("associatedPartnerId"):
                view["associatedPartnerId"] = tenant["associatedPartnerId"]
        return view

    def billing_view(self, tenant: dict) -> dict:
        billing = tenant.get("billingProfile") or {}
        body = {
            "id": tenant["billingProfileId"],
            "email": billing.get("email", ""),
            "culture": billing.get("culture", "en-US"),
            "language": billing.get("language", "en"),
            "companyName": billing.get("companyName", tenant["companyName"]),
            "defaultAddress": billing.get("defaultAddress", {}),
        }
        body["attributes"] = {"etag": etag(body), "objectType": "CustomerBillingProfile"}
        return body

    def validate_customer(self, body: dict) -> tuple[str, dict, str]:
        company = body.get("companyProfile") or {}
        billing = body.get("billingProfile") or {}
        address = billing.get("defaultAddress") or {}
        domain = str(company.get("domain") or "").strip()
        problems = []
        prefix = normal_domain(domain).removesuffix(".onmicrosoft.com") if domain else ""
        if not domain or not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,62}", prefix):
            problems.append("companyProfile.domain: a valid <prefix>.onmicrosoft.com is required")
        for name, low, high in (
            ("firstName", 1, 50),
            ("lastName", 1, 50),
            ("addressLine1", 1, 200),
            ("addressLine2", 0, 200),
            ("city", 1, 100),
            ("state", 0, 2),
            ("postalCode", 0, 20),
        ):
            size = len(str(address.get(name) or ""))
            if not low <= size <= high:
                problems.append(f"defaultAddress.{name}: length must be {low}-{high}")
        country = str(address.get("country") or "")
        if not re.fullmatch(r"[A-Za-z]{2}", country):
            problems.append("defaultAddress.country: a 2-letter ISO code is required")
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", str(billing.get("email") or "")):
            problems.append("billingProfile.email: a valid e-mail address is required")
        if not str(billing.get("companyName") or "").strip():
            problems.append("billingProfile.companyName is required")
        if problems:
            raise invalid("; ".join(problems), problems)
        country = country.upper()
        number = str(company.get("organizationRegistrationNumber") or "").strip()
        if country in REGISTRATION_COUNTRIES:
            if not number:
                raise ApiError(
                    400,
                    600049,
                    "Organization registration number is required for this country",
                    error_name="OrganizationRegistrationNumberMissing",
                )
            pattern = r"\d{8}|\d{10}" if country == "UA" else r"[A-Za-z0-9][A-Za-z0-9 ./-]{0,49}"
            if not re.fullmatch(pattern, number):
                raise ApiError(
                    400,
                    600050,
                    "Organization registration number is invalid",
                    error_name="OrganizationRegistrationNumberInvalid",
                )
            if not str(address.get("phoneNumber") or "").strip():
                raise ApiError(
                    400,
                    600051,
                    "Customer phone number is required for this country",
                    error_name="PhoneNumberMissing",
                )
        elif number:
            raise ApiError(
                400,
                600002,
                "Organization registration number is not supported for this country",
                error_name="OrganizationRegistrationNumberNotSupported",
            )
        return normal_domain(domain), {**address, "country": country}, number

    def new_tenant(self, *, domain: str, company_name: str, linked: bool) -> dict:
        tenant_id = str(uuid.uuid4())
        tenant = {
            "id": tenant_id,
            "commerceId": str(uuid.uuid4()),
            "billingProfileId": uuid.uuid4().hex,
            "domain": domain,
            "companyName": company_name,
            "relationshipToPartner": "reseller" if linked else "none",
            "customDomains": [],
            "billingProfile": {"companyName": company_name},
            "createdAt": nce.iso(self.now()),
            "linkedAt": nce.iso(self.now()) if linked else None,
        }
        self.state["tenants"][tenant_id] = tenant
        self.add_user(
            tenant,
            upn=f"admin@{domain}",
            first="Global",
            last="Administrator",
            display="Global Administrator",
            usage_location="",
        )
        return tenant

    def check_customer_limit(self) -> None:
        limit = int(self.settings["max_customers_per_partner"] or 0)
        linked = [
            t for t in self.state["tenants"].values() if t["relationshipToPartner"] == "reseller"
        ]
        if limit and len(linked) >= limit:
            raise ApiError(
                400,
                990005,
                f"Sandbox limit reached: at most {limit} customers per partner",
                error_name="SandboxLimitReached",
            )

    def create_customer(self, body: dict) -> tuple[int, dict]:
        domain, address, number = self.validate_customer(body)
        billing = body["billingProfile"]
        if domain in self.taken_domains():
            raise ApiError(
                409, 990009, f"Domain {domain} is already in use", error_name="DomainExists"
            )
        self.check_customer_limit()
        tenant = self.new_tenant(domain=domain, company_name=billing["companyName"], linked=True)
        tenant["billingProfile"] = {
            "email": billing["email"],
            "culture": billing.get("culture") or "en-US",
            "language": billing.get("language") or "en",
            "companyName": billing["companyName"],
            "defaultAddress": address,
        }
        tenant["organizationRegistrationNumber"] = number
        tenant["associatedPartnerId"] = body.get("associatedPartnerId") or None
        tenant["country"] = address["country"]
        password = random_password()
        admin = next(u for u in self.state["users"].values() if u["customerId"] == tenant["id"])
        admin["usageLocation"] = address["country"]
        admin["passwordHash"] = hash_password(password)
        view = self.customer_view(tenant)
        view["userCredentials"] = {"userName": "admin", "password": password}
        return 201, view

    def list_customers(self, query: dict, token: str | None) -> dict:
        customers = [
            t for t in self.state["tenants"].values() if t["relationshipToPartner"] == "reseller"
        ]
        if query.get("filter"):
            try:
                spec = normalize(json.loads(query["filter"]))
            except json.JSONDecodeError as exc:
                raise invalid("filter must be URL-encoded JSON") from exc
            field, value = lower(spec.get("field")), lower(spec.get("value"))
            if lower(spec.get("operator") or "starts_with") != "starts_with":
                raise invalid("Only the starts_with operator is supported")
            if field == "domain":
                customers = [t for t in customers if t["domain"].startswith(value)]
            elif field == "companyname":
                customers = [t for t in customers if lower(t["companyName"]).startswith(value)]
            elif field in ("indirectreseller", "indirectcloudsolutionprovider"):
                customers = [t for t in customers if lower(t.get("associatedPartnerId")) == value]
            else:
                raise invalid("filter Field must be Domain, CompanyName or IndirectReseller")
        items = [self.customer_view(t, full=False) for t in customers]
        return self.seek_page(items, kind="customers", uri="/customers", query=query, token=token)

    def billing_profile_put(self, tenant: dict, body: dict, if_match: str | None) -> dict:
        current = self.billing_view(tenant)
        if if_match and if_match.strip() != current["attributes"]["etag"]:
            raise ApiError(412, 990012, "ETag mismatch", error_name="PreconditionFailed")
        billing = tenant.setdefault("billingProfile", {})
        for key in ("email", "culture", "language", "companyName", "defaultAddress"):
            if key in body:
                billing[key] = body[key]
        return self.billing_view(tenant)

    # --- agreements and relationships (§9.3, §11.1) ----------------------------------------

    def agreement_metadata(self, agreement_type: str | None) -> dict:
        known = [
            {
                "templateId": MCA_TEMPLATE_ID,
                "agreementType": "MicrosoftCustomerAgreement",
                "agreementLink": "https://aka.ms/customeragreement",
                "versionRank": 0,
            },
            {
                "templateId": MCLOUD_TEMPLATE_ID,
                "agreementType": "MicrosoftCloudAgreement",
                "agreementLink": "https://aka.ms/microsoftcloudagreement",
                "versionRank": 0,
            },
        ]
        wanted = lower(agreement_type or "MicrosoftCloudAgreement")
        items = [a for a in known if wanted in ("*", lower(a["agreementType"]))]
        for item in items:
            item["attributes"] = {"objectType": "AgreementMetaData"}
        return collection(items, "/agreements")

    def confirm_agreement(self, tenant: dict, body: dict) -> tuple[int, dict]:
        contact = body.get("primaryContact") or {}
        missing = [k for k in ("firstName", "lastName", "email") if not contact.get(k)]
        if missing:
            raise invalid(f"primaryContact needs {', '.join(missing)}")
        template = lower(body.get("templateId"))
        if template not in (MCA_TEMPLATE_ID, MCLOUD_TEMPLATE_ID):
            raise invalid("Unknown templateId")
        kind = body.get("type") or "MicrosoftCustomerAgreement"
        key = [lower(contact.get(k)) for k in ("firstName", "lastName", "email", "phoneNumber")]
        for agreement in self.state["agreements"]:
            if agreement["customerId"] == tenant["id"] and agreement["contactKey"] == key:
                raise ApiError(
                    409,
                    600061,
                    "A partner confirmed agreement already exists for this contact",
                    error_name="PartnerConfirmedAgreementAlreadyExists",
                )
        view = {
            "primaryContact": {
                k: contact.get(k, "") for k in ("firstName", "lastName", "email", "phoneNumber")
            },
            "templateId": template,
            "dateAgreed": body.get("dateAgreed") or nce.iso(self.now()),
            "type": kind,
            "agreementLink": "https://aka.ms/customeragreement",
            "userId": str(uuid.uuid4()),
            "attributes": {"objectType": "Agreement"},
        }
        self.state["agreements"].append(
            {"customerId": tenant["id"], "contactKey": key, "view": view}
        )
        return 201, view

    def list_agreements(self, tenant: dict) -> dict:
        items = [a["view"] for a in self.state["agreements"] if a["customerId"] == tenant["id"]]
        return collection(items, f"/customers/{tenant['id']}/agreements")

    def has_agreement(self, tenant: dict) -> bool:
        return any(
            a["customerId"] == tenant["id"]
            and lower(a["view"]["type"]) == "microsoftcustomeragreement"
            for a in self.state["agreements"]
        )

    def relationship_request(self, base_url: str) -> dict:
        url = f"{base_url}/_sandbox/relationship/accept?partner={self.partner_tenant_id}&DAP=false"
        return {"url": url, "attributes": {"objectType": "RelationshipRequest"}}

    def seed_tenant(self, body: dict) -> tuple[int, dict]:
        domain = normal_domain(body.get("domain") or "")
        if not domain.removesuffix(".onmicrosoft.com"):
            raise invalid("domain is required")
        if domain in self.taken_domains():
            raise ApiError(409, 990009, f"Domain {domain} is already in use")
        tenant = self.new_tenant(
            domain=domain, company_name=body.get("companyName") or domain, linked=False
        )
        tenant["country"] = (body.get("country") or "US").upper()
        return 201, {"id": tenant["id"], "domain": domain, "relationshipToPartner": "none"}

    def accept_relationship(self, body: dict) -> tuple[int, dict]:
        domain = normal_domain(body.get("domain") or "")
        if not domain.removesuffix(".onmicrosoft.com"):
            raise invalid("domain is required")
        tenant = next((t for t in self.state["tenants"].values() if t["domain"] == domain), None)
        if tenant is None:
            if domain in self.taken_domains():
                raise ApiError(409, 990009, f"Domain {domain} is reserved")
            self.check_customer_limit()
            name = body.get("companyName") or domain
            tenant = self.new_tenant(domain=domain, company_name=name, linked=True)
        elif tenant["relationshipToPartner"] != "reseller":
            self.check_customer_limit()
            tenant["relationshipToPartner"] = "reseller"
            tenant["linkedAt"] = nce.iso(self.now())
            if body.get("companyName") and tenant["companyName"] == tenant["domain"]:
                tenant["companyName"] = body["companyName"]
        return 200, self.customer_view(tenant)

    # --- catalog (§9.5) ------------------------------------------------------------------

    def segment_ok(self, sku: dict, segment: str | None) -> bool:
        if segment:
            return sku["segment"] == lower(segment)
        return sku["segment"] != "nonprofit"

    def product_view(self, product: dict, country: str) -> dict:
        return {
            "id": product["id"],
            "title": product["title"],
            "description": product["description"],
            "productType": {"id": product["productType"], "displayName": product["productType"]},
            "isMicrosoftProduct": True,
            "publisherName": PUBLISHER,
            "links": {
                "skus": link(f"/products/{product['id']}/skus?country={country}"),
                "self": link(f"/products/{product['id']}?country={country}"),
            },
            "attributes": {"objectType": "Product"},
        }

    def sku_view(self, product: dict, sku: dict, country: str) -> dict:
        cycles = []
        for availability in sku["availabilities"]:
            for term in availability["terms"]:
                cycles += [c for c in term["prices"] if c not in cycles]
        return {
            "id": sku["id"],
            "productId": product["id"],
            "title": sku["title"],
            "description": sku["description"],
            "minimumQuantity": sku["minimumQuantity"],
            "maximumQuantity": sku["maximumQuantity"],
            "isTrial": sku["isTrial"],
            "supportedBillingCycles": cycles,
            "purchasePrerequisites": ["MicrosoftCustomerAgreement"],
            "provisioningVariables": [],
            "actions": ["Refund"],
            "dynamicAttributes": {
                "isAddon": sku["isAddon"],
                "prerequisiteSkus": sku["prerequisiteSkus"],
                "upgradeTargetOffers": sku["upgradeTargetOffers"],
                "provisioningId": sku["entraSkuId"],
            },
            "links": {
                "availabilities": link(
                    f"/products/{product['id']}/skus/{sku['id']}/availabilities?country={country}"
                ),
                "self": link(f"/products/{product['id']}/skus/{sku['id']}?country={country}"),
            },
            "attributes": {"objectType": "Sku"},
        }

    def availability_view(self, product: dict, sku: dict, availability: dict, country: str):
        terms = []
        for term in availability["terms"]:
            for cycle in term["prices"]:
                terms.append(
                    {
                        "id": f"{availability['id']}-{term['duration'] or 'perpetual'}-{cycle}",
                        "duration": term["duration"],
                        "description": term_description(term["duration"], cycle),
                        "billingCycle": cycle,
                        "cancellationPolicies": [
                            {
                                "refundOptions": [
                                    {"sequenceId": 0, "type": "Full", "expiresAfter": "P1D"},
                                    {"sequenceId": 1, "type": "Partial", "expiresAfter": "P7D"},
                                ]
                            }
                        ],
                    }
                )
        renews_to = f"{product['id']}:{sku['id']}"
        return {
            "id": availability["id"],
            "productId": product["id"],
            "skuId": sku["id"],
            "catalogItemId": f"{product['id']}:{sku['id']}:{availability['id']}",
            "defaultCurrency": dict(self.catalog.currency),
            "segment": sku["segment"],
            "country": country,
            "isPurchasable": True,
            "isRenewable": not sku["isTrial"] and availability["terms"][0]["duration"] is not None,
            "renewalInstructions": [
                {
                    "applicableTermIds": [t["id"] for t in terms],
                    "renewalOptions": [
                        {"renewToId": sku.get("renewsTo") or renews_to, "isAutoRenewable": True}
                    ],
                }
            ],
            "terms": terms,
            "links": {"self": link(f"/products/{product['id']}/skus/{sku['id']}/availabilities")},
            "attributes": {"objectType": "Availability"},
        }

    def list_products(self, query: dict, prefix: str = "") -> dict:
        country = (query.get("country") or "US").upper()
        view = lower(query.get("targetview") or "OnlineServices")
        segment = query.get("targetsegment")
        items = [
            self.product_view(p, country)
            for p in self.catalog.products
            if lower(p["targetView"]) == view
            and any(self.segment_ok(s, segment) for s in p["skus"])
        ]
        return collection(items, f"{prefix}/products?country={country}")

    def get_product(self, product_id: str, query: dict) -> dict:
        product = self.catalog.product_by_id.get(lower(product_id))
        if product is None:
            raise not_found(f"Product {product_id}")
        return self.product_view(product, (query.get("country") or "US").upper())

    def list_skus(self, product_id: str, query: dict, prefix: str = "") -> dict:
        product = self.catalog.product_by_id.get(lower(product_id))
        if product is None:
            raise not_found(f"Product {product_id}")
        country = (query.get("country") or "US").upper()
        segment = query.get("targetsegment")
        items = [
            self.sku_view(product, s, country)
            for s in product["skus"]
            if self.segment_ok(s, segment)
        ]
        return collection(items, f"{prefix}/products/{product['id']}/skus?country={country}")

    def get_sku(self, product_id: str, sku_id: str, query: dict) -> dict:
        found = self.catalog.sku(f"{product_id}:{sku_id}")
        if found is None:
            raise not_found(f"SKU {product_id}:{sku_id}")
        return self.sku_view(*found, (query.get("country") or "US").upper())

    def list_availabilities(self, product_id: str, sku_id: str, query: dict, prefix: str = ""):
        found = self.catalog.sku(f"{product_id}:{sku_id}")
        if found is None:
            raise not_found(f"SKU {product_id}:{sku_id}")
        product, sku = found
        country = (query.get("country") or "US").upper()
        items = [self.availability_view(product, sku, a, country) for a in sku["availabilities"]]
        uri = f"{prefix}/products/{product['id']}/skus/{sku['id']}/availabilities"
        return collection(items, uri)

    # --- carts and orders (§9.6, §9.7) --------------------------------------------------

    def resolve_line(self, tenant: dict, line: dict, siblings: list[dict]) -> dict:
        """Check one purchase line; returns the stored line, with ``error`` when it fails."""
        item = self.catalog.item(str(line.get("catalogItemId") or ""))
        stored = {
            "id": line.get("id", 0),
            "catalogItemId": line.get("catalogItemId"),
            "quantity": line.get("quantity"),
            "currencyCode": self.catalog.currency["code"],
            "billingCycle": lower(line.get("billingCycle")) or None,
            "termDuration": (line.get("termDuration") or "").upper() or None,
            "provisioningContext": line.get("provisioningContext") or {},
            "participants": line.get("participants") or [],
        }
        for key in ("customTermEndDate", "promotionId", "attestationAccepted", "renewsTo"):
            if line.get(key) is not None:
                stored[key] = line[key]
        if item is None:
            return {**stored, "error": line_error(990011, "Catalog item not found")}
        product, sku, availability = item
        stored["catalogItemId"] = f"{product['id']}:{sku['id']}:{availability['id']}"
        term = availability["terms"][0]
        duration = stored["termDuration"] or term["duration"]
        if duration != term["duration"]:
            return {**stored, "error": line_error(990011, f"Term {duration} not available")}
        stored["termDuration"] = duration
        cycle = stored["billingCycle"] or next(iter(term["prices"]))
        if cycle == "none" and sku["isTrial"]:
            cycle = next(iter(term["prices"]))
        if cycle not in term["prices"]:
            return {**stored, "error": line_error(990011, f"Billing cycle {cycle} not available")}
        stored["billingCycle"] = cycle
        quantity = stored["quantity"]
        threshold = int(self.settings["reject_offers_with_min_quantity_above"] or 0)
        if (
            not isinstance(quantity, int)
            or isinstance(quantity, bool)
            or quantity < sku["minimumQuantity"]
            or quantity > self.max_quantity(sku)
            or (threshold and sku["minimumQuantity"] > threshold)
        ):
            return {
                **stored,
                "error": line_error(
                    900275,
                    f"The requested quantity for line item {stored['id']} is not allowed for "
                    f"this offer ({sku['minimumQuantity']}-{self.max_quantity(sku)})",
                ),
            }
        if stored.get("customTermEndDate"):
            try:
                custom = nce.parse_datetime(str(stored["customTermEndDate"])).date()
            except ValueError:
                custom = None
            today = self.now().date()
            months = nce.term_months(duration)
            if custom is None or not months or not today <= custom <= nce.term_end(today, months):
                return {**stored, "error": line_error(990011, "Invalid customTermEndDate")}
        if sku["isAddon"] and not self.base_for(tenant, sku, siblings):
            return {
                **stored,
                "error": line_error(
                    400041, "The add-on cannot be purchased without a compatible base product"
                ),
            }
        price = dec(term["prices"][cycle])
        cycles = nce.cycles_in_term(duration, cycle)
        stored["pricing"] = {  # kept as strings in state.json; rendered as numbers
            "listPrice": str(price),
            "discountedPrice": str(price),
            "proratedPrice": str(price),
            "price": str(price),
            "extendedPrice": str(price * quantity * cycles),
        }
        return stored

    def base_for(self, tenant: dict, sku: dict, siblings: list[dict]) -> str | None:
        """A compatible base for an add-on: a line of the same purchase, or a live
        subscription of the customer. Returns a line marker or a subscription id."""
        wanted = {lower(p) for p in sku["prerequisiteSkus"]}
        for line in siblings:
            item = self.catalog.item(str(line.get("catalogItemId") or ""))
            key = lower(f"{item[0]['id']}:{item[1]['id']}") if item else ""
            if item and not line.get("error") and key in wanted:
                return f"line:{line.get('id')}"
        for sub in self.state["subscriptions"].values():
            key = lower(":".join(sub["offerId"].split(":")[:2]))
            if sub["customerId"] == tenant["id"] and sub["status"] == "active" and key in wanted:
                return sub["id"]
        return None

    def resolve_lines(self, tenant: dict, lines: list) -> list[dict]:
        if not isinstance(lines, list) or not lines:
            raise invalid("lineItems must be a non-empty list")
        if not all(isinstance(line, dict) for line in lines):
            raise invalid("Every line item must be an object")
        for index, line in enumerate(lines):
            line.setdefault("id", index)
        # base products first, so an add-on only counts lines that are valid themselves
        resolved: list = [None] * len(lines)
        for index in sorted(range(len(lines)), key=lambda i: self.line_is_addon(lines[i])):
            done = [r for r in resolved if r is not None]
            resolved[index] = self.resolve_line(tenant, lines[index], done)
        groups: list[str] = []
        for line in resolved:
            key = line.get("billingCycle") or "unknown"
            if key not in groups:
                groups.append(key)
            line["orderGroup"] = str(groups.index(key))
        return resolved

    def line_is_addon(self, line: dict) -> bool:
        item = self.catalog.item(str(line.get("catalogItemId") or ""))
        return bool(item and item[1]["isAddon"])

    def check_agreement(self, tenant: dict, lines: list[dict]) -> None:
        if not self.settings["require_customer_agreement"] or self.has_agreement(tenant):
            return
        for line in lines:
            item = self.catalog.item(str(line.get("catalogItemId") or ""))
            if item and item[0]["productType"] in NCE_TYPES:
                raise ApiError(
                    400,
                    990001,
                    "Customer agreement not confirmed",
                    error_name="SandboxCustomerAgreementMissing",
                )

    def cart_view(self, cart: dict) -> dict:
        view = {k: v for k, v in cart.items() if k not in ("customerId", "orderIds")}
        view["lineItems"] = [with_pricing(line) for line in cart["lineItems"]]
        view["links"] = {"self": link(f"/customers/{cart['customerId']}/carts/{cart['id']}")}
        view["attributes"] = {"objectType": "Cart"}
        return view

    def create_cart(self, tenant: dict, body: dict) -> tuple[int, dict]:
        lines = self.resolve_lines(tenant, body.get("lineItems"))
        self.check_agreement(tenant, lines)
        now = self.now()
        cart = {
            "id": str(uuid.uuid4()),
            "customerId": tenant["id"],
            "creationTimestamp": nce.iso(now),
            "lastModifiedTimestamp": nce.iso(now),
            "expirationTimestamp": nce.iso(
                now + timedelta(days=float(self.settings["cart_ttl_days"]))
            ),
            "lastModifiedUser": self.partner_tenant_id,
            "status": "Active",
            "partnerOnRecordAttestationAccepted": bool(
                body.get("partnerOnRecordAttestationAccepted", True)
            ),
            "lineItems": lines,
        }
        self.state["carts"][cart["id"]] = cart
        return 201, self.cart_view(cart)

    def cart(self, tenant: dict, cart_id: str) -> dict:
        cart = self.state["carts"].get(lower(cart_id))
        if cart is None or cart["customerId"] != tenant["id"]:
            raise not_found(f"Cart {cart_id}")
        return cart

    def check_cart_open(self, cart: dict) -> None:
        if cart["status"] == "Ordered":
            raise ApiError(
                400,
                990007,
                f"Cart {cart['id']} has already been checked out",
                data=[{"orderIds": cart.get("orderIds", [])}],
                error_name="SandboxCartAlreadyOrdered",
            )
        if self.now() > nce.parse_datetime(cart["expirationTimestamp"]):
            raise ApiError(400, 990002, "Cart expired", error_name="SandboxCartExpired")

    def update_cart(self, tenant: dict, cart_id: str, body: dict) -> dict:
        cart = self.cart(tenant, cart_id)
        if cart["id"] in self.checking_out:
            raise cart_busy()
        self.check_cart_open(cart)
        lines = self.resolve_lines(tenant, body.get("lineItems"))
        self.check_agreement(tenant, lines)
        cart["lineItems"] = lines
        cart["lastModifiedTimestamp"] = nce.iso(self.now())
        return self.cart_view(cart)

    def checkout(self, tenant: dict, cart_id: str) -> tuple[int, dict]:
        cart = self.cart(tenant, cart_id)
        if cart["id"] in self.checking_out:
            raise cart_busy()
        self.check_cart_open(cart)
        self.check_agreement(tenant, cart["lineItems"])
        delay = float(self.settings["checkout_delay_ms"] or 0) / 1000
        self.checking_out.add(cart["id"])
        try:
            if delay:
                self.store.lock.release()  # let other requests in while "processing"
                try:
                    time.sleep(delay)
                finally:
                    self.store.lock.acquire()
                if self.state["carts"].get(cart["id"]) is not cart:
                    raise not_found(f"Cart {cart_id}")
            return self.finish_checkout(tenant, cart)
        finally:
            self.checking_out.discard(cart["id"])

    def finish_checkout(self, tenant: dict, cart: dict) -> tuple[int, dict]:
        # re-check the lines: add-on bases or limits may have changed since the cart was made
        lines = self.resolve_lines(tenant, [dict(line) for line in cart["lineItems"]])
        orders, errors = [], []
        created: dict = {}
        for group in sorted({line["orderGroup"] for line in lines}, key=int):
            group_lines = [line for line in lines if line["orderGroup"] == group]
            failing = next((line for line in group_lines if line.get("error")), None)
            if failing:
                errors.append(
                    {
                        "orderGroupId": group,
                        "code": failing["error"]["errorCode"],
                        "description": failing["error"]["errorDescription"],
                    }
                )
                continue
            try:
                order = self.place_order(tenant, group_lines, created)
            except ApiError as exc:
                errors.append({"orderGroupId": group, "code": exc.code, "description": str(exc)})
                continue
            orders.append(order)
        if orders:
            cart["status"] = "Ordered"
            cart["orderIds"] = [o["id"] for o in orders]
            cart["lastModifiedTimestamp"] = nce.iso(self.now())
        body = {
            "orders": [self.order_view(o) for o in orders],
            "orderErrors": errors,
            "attributes": {"objectType": "CartCheckoutResult"},
        }
        return 201, body

    def create_order(self, tenant: dict, body: dict) -> tuple[int, dict]:
        raw = body.get("lineItems")
        if not isinstance(raw, list) or not raw:
            raise invalid("lineItems must be a non-empty list")
        lines = []
        for index, line in enumerate(raw):
            if not isinstance(line, dict):
                raise invalid("Every line item must be an object")
            converted = {
                "id": line.get("lineItemNumber", index),
                "catalogItemId": line.get("offerId"),
                "quantity": line.get("quantity"),
                "billingCycle": line.get("billingCycle") or body.get("billingCycle"),
                "termDuration": line.get("termDuration"),
                "customTermEndDate": line.get("customTermEndDate"),
                "promotionId": line.get("promotionId"),
                "participants": (
                    [{"key": "transaction_reseller", "value": line["partnerIdOnRecord"]}]
                    if line.get("partnerIdOnRecord")
                    else []
                ),
            }
            if line.get("friendlyName"):
                converted["friendlyName"] = line["friendlyName"]
            lines.append({k: v for k, v in converted.items() if v is not None})
        resolved = self.resolve_lines(tenant, lines)
        for line in resolved:
            if line.get("error"):
                raise ApiError(400, line["error"]["errorCode"], line["error"]["errorDescription"])
        if len({line["billingCycle"] for line in resolved}) > 1:
            raise invalid("All lines of an order must share one billing cycle")
        self.check_agreement(tenant, resolved)
        for line, original in zip(resolved, lines, strict=True):
            if original.get("friendlyName"):
                line["friendlyName"] = original["friendlyName"]
        order = self.place_order(tenant, resolved, {})
        return 201, self.order_view(order)

    def place_order(self, tenant: dict, lines: list[dict], created: dict) -> dict:
        limit = int(self.settings["max_subscriptions_per_customer"] or 0)
        live = [
            s
            for s in self.state["subscriptions"].values()
            if s["customerId"] == tenant["id"] and s["status"] != "deleted"
        ]
        if limit and len(live) + len(lines) > limit:
            raise ApiError(
                400,
                990005,
                f"Sandbox limit reached: at most {limit} subscriptions per customer",
                error_name="SandboxLimitReached",
            )
        now = self.now()
        order_id = uuid.uuid4().hex[:12]
        ready = now + timedelta(seconds=float(self.settings["order_completion_delay_seconds"]))
        order = {
            "id": order_id,
            "customerId": tenant["id"],
            "billingCycle": lines[0]["billingCycle"],
            "creationDate": nce.iso(now),
            "readyAt": nce.iso(ready),
            "lineItems": [],
        }
        subs = {}
        for number, line in sorted(enumerate(lines), key=lambda pair: self.is_addon(pair[1])):
            subs[number] = self.new_subscription(tenant, order, line, now, ready, created)
            created[f"line:{line['id']}"] = subs[number]["id"]
        for number, line in enumerate(lines):
            sub = subs[number]
            order["lineItems"].append(
                {
                    "lineItemNumber": number,
                    "offerId": line["catalogItemId"],
                    "subscriptionId": sub["id"],
                    "parentSubscriptionId": sub["parentSubscriptionId"],
                    "termDuration": line["termDuration"],
                    "transactionType": "New",
                    "friendlyName": sub["friendlyName"],
                    "quantity": line["quantity"],
                    "pricing": line["pricing"],
                    "partnerIdOnRecord": sub["partnerId"],
                }
            )
        self.state["orders"][order_id] = order
        return order

    def is_addon(self, line: dict) -> bool:
        return self.catalog.item(line["catalogItemId"])[1]["isAddon"]

    def order_status(self, order: dict) -> str:
        return "completed" if self.now() >= nce.parse_datetime(order["readyAt"]) else "pending"

    def order_view(self, order: dict) -> dict:
        base = f"/customers/{order['customerId']}/orders/{order['id']}"
        lines = []
        for line in order["lineItems"]:
            product_id, sku_id, availability_id = line["offerId"].split(":")
            lines.append(
                {
                    **with_pricing({k: v for k, v in line.items() if v is not None}),
                    "links": {
                        "product": link(f"/products/{product_id}"),
                        "sku": link(f"/products/{product_id}/skus/{sku_id}"),
                        "availability": link(
                            f"/products/{product_id}/skus/{sku_id}/availabilities/{availability_id}"
                        ),
                        "provisioningStatus": link(f"{base}/provisioningstatus"),
                    },
                }
            )
        return {
            "id": order["id"],
            "alternateId": order["id"],
            "referenceCustomerId": order["customerId"],
            "billingCycle": order["billingCycle"],
            "currencyCode": self.catalog.currency["code"],
            "currencySymbol": self.catalog.currency["symbol"],
            "lineItems": lines,
            "creationDate": order["creationDate"],
            "status": self.order_status(order),
            "transactionType": "UserPurchase",
            "totalPrice": sum(
                (dec(line["pricing"]["extendedPrice"]) for line in order["lineItems"]),
                Decimal(0),
            ),
            "links": {
                "self": link(base),
                "provisioningStatus": link(f"{base}/provisioningstatus"),
                "patchOperation": link(base, "PATCH"),
            },
            "attributes": {"objectType": "Order"},
        }

    def order(self, tenant: dict, order_id: str) -> dict:
        order = self.state["orders"].get(lower(order_id))
        if order is None or order["customerId"] != tenant["id"]:
            raise not_found(f"Order {order_id}")
        return order

    def list_orders(self, tenant: dict) -> dict:
        delay = timedelta(seconds=float(self.settings["order_visibility_delay_seconds"]))
        now = self.now()
        items = [
            self.order_view(o)
            for o in self.state["orders"].values()
            if o["customerId"] == tenant["id"]
            and nce.parse_datetime(o["creationDate"]) + delay <= now
        ]
        return collection(items, f"/customers/{tenant['id']}/orders")

    def order_provisioning(self, tenant: dict, order_id: str) -> dict:
        order = self.order(tenant, order_id)
        done = self.order_status(order) == "completed"
        items = [
            {
                "lineItemNumber": line["lineItemNumber"],
                "status": "Fulfilled" if done else "PrefulfillmentPending",
                "subscriptionId": line["subscriptionId"],
                "quantity": line["quantity"],
            }
            for line in order["lineItems"]
        ]
        uri = f"/customers/{tenant['id']}/orders/{order['id']}/provisioningstatus"
        return collection(items, uri)

    # --- subscriptions (§9.8, NCE rules §6-§9) -------------------------------------------

    def new_subscription(self, tenant, order, line, now, ready, created) -> dict:
        product, sku, _ = self.catalog.item(line["catalogItemId"])
        duration, cycle = line["termDuration"], line["billingCycle"]
        months = nce.term_months(duration) if product["productType"] != "Azure" else None
        today = now.date()
        end = None
        if months:
            end = nce.term_end(today, months)
            if line.get("customTermEndDate"):
                end = nce.parse_datetime(str(line["customTermEndDate"])).date()
        parent = None
        if sku["isAddon"]:
            wanted = {lower(p) for p in sku["prerequisiteSkus"]}
            for sub_id in created.values():
                offer = self.state["subscriptions"][sub_id]["offerId"]
                if lower(":".join(offer.split(":")[:2])) in wanted:
                    parent = sub_id
                    break
            if parent is None:
                base = self.base_for(tenant, sku, [])
                parent = base if base and not base.startswith("line:") else None
        participants = line.get("participants") or []
        reseller = next(
            (p.get("value") for p in participants if p.get("key") == "transaction_reseller"),
            None,
        )
        quantity = line["quantity"]
        window = self.hours("seat_reduction_window_hours")
        sub = {
            "id": str(uuid.uuid4()),
            "customerId": tenant["id"],
            "orderId": order["id"],
            "offerId": line["catalogItemId"],
            "offerName": sku["title"],
            "friendlyName": line.get("friendlyName") or sku["title"],
            "productType": product["productType"],
            "entraSkuId": sku["entraSkuId"],
            "quantity": quantity,
            "parentSubscriptionId": parent,
            "isTrial": sku["isTrial"],
            "isAddon": sku["isAddon"],
            "billingCycle": cycle,
            "termDuration": duration,
            "creationDate": nce.iso(now),
            "readyAt": nce.iso(ready),
            "anchor": today.isoformat(),
            "termCount": 1,
            "customEnd": bool(line.get("customTermEndDate")),
            "termStart": today.isoformat(),
            "termEnd": end.isoformat() if end else None,
            "termStartedAt": nce.iso(now),
            "status": "active",
            "autoRenewEnabled": bool(months) and product["productType"] != "Azure",
            "suspensionReasons": [],
            "partnerId": reseller,
            "promotionId": line.get("promotionId"),
            "unitPrice": str(line["pricing"]["price"]),
            "batches": [
                {
                    "quantity": quantity,
                    "addedAt": nce.iso(now),
                    "allowedUntil": nce.iso(now + window),
                }
            ]
            if months and not sku["isTrial"]
            else [],
            "scheduledNextTermInstructions": None,
            "nextChargeInstructions": None,
            "events": [],
            "updateCount": 0,
        }
        self.add_event(sub, "new", now, quantity=quantity, old=0)
        self.state["subscriptions"][sub["id"]] = sub
        return sub

    def add_event(self, sub: dict, kind: str, at: datetime, *, quantity: int, old: int) -> None:
        sub["events"].append(
            {
                "type": kind,
                "at": nce.iso(at),
                "quantity": quantity,
                "oldQuantity": old,
                "referenceId": uuid.uuid4().hex,
                "unitPrice": sub["unitPrice"],
                "offerId": sub["offerId"],
                "billingCycle": sub["billingCycle"],
                "termDuration": sub["termDuration"],
                "anchor": sub["anchor"],
                "termStart": sub["termStart"],
                "termEnd": sub["termEnd"],
                "termStartedAt": sub["termStartedAt"],
            }
        )

    def subscription(self, tenant: dict, sub_id: str) -> dict:
        sub = self.state["subscriptions"].get(lower(sub_id))
        if sub is None or sub["customerId"] != tenant["id"]:
            raise not_found(f"Subscription {sub_id}")
        return sub

    def shown_status(self, sub: dict) -> str:
        if sub["status"] == "active" and self.now() < nce.parse_datetime(sub["readyAt"]):
            return "pending"
        return sub["status"]

    def open_batches(self, sub: dict) -> list[dict]:
        now = self.now()
        batches = [
            b
            for b in sub["batches"]
            if b["quantity"] > 0 and nce.parse_datetime(b["allowedUntil"]) > now
        ]
        return sorted(batches, key=lambda b: b["allowedUntil"])

    def cancel_until(self, sub: dict) -> datetime | None:
        if sub["status"] not in LIVE or not sub["termEnd"]:
            return None
        until = nce.parse_datetime(sub["termStartedAt"]) + self.hours("cancellation_window_hours")
        return until if self.now() < until else None

    def cycle_of(self, sub: dict, day: date) -> tuple[date, date] | None:
        months = nce.cycle_months(sub["billingCycle"], sub["termDuration"])
        if not months or not sub["termEnd"]:
            return None
        start, end = nce.cycle_bounds(date.fromisoformat(sub["anchor"]), months, day)
        return start, min(end, date.fromisoformat(sub["termEnd"]))

    def subscription_view(self, sub: dict) -> dict:
        now = self.now()
        status = self.shown_status(sub)
        product_id, sku_id, availability_id = sub["offerId"].split(":")
        refundable = self.open_batches(sub) if status == "active" else []
        started = nce.parse_datetime(sub["termStartedAt"])
        refund_options = []
        if status in LIVE and sub["termEnd"]:
            full = started + self.hours("full_refund_window_hours")
            partial = started + self.hours("cancellation_window_hours")
            if now < full:
                refund_options.append({"type": "Full", "expiresAt": nce.iso(full)})
            if now < partial:
                refund_options.append({"type": "Partial", "expiresAt": nce.iso(partial)})
        end = date.fromisoformat(sub["termEnd"]) if sub["termEnd"] else None
        cycle = self.cycle_of(sub, min(now.date(), end)) if end else None
        base = f"/customers/{sub['customerId']}/subscriptions/{sub['id']}"
        has_addons = any(
            lower(f"{product_id}:{sku_id}") in {lower(p) for p in s["prerequisiteSkus"]}
            for p in self.catalog.products
            for s in p["skus"]
        )
        view = {
            "id": sub["id"],
            "entitlementId": sub["id"],
            "offerId": sub["offerId"],
            "offerName": sub["offerName"],
            "friendlyName": sub["friendlyName"],
            "productType": {"id": sub["productType"], "displayName": sub["productType"]},
            "quantity": sub["quantity"],
            "unitType": "Licenses",
            "parentSubscriptionId": sub["parentSubscriptionId"],
            "hasPurchasableAddons": has_addons,
            "creationDate": sub["creationDate"],
            "effectiveStartDate": nce.iso_date(date.fromisoformat(sub["termStart"])),
            "commitmentEndDate": nce.iso_date(end),
            "commitmentEndDateTime": f"{end.isoformat()}T23:59:59Z" if end else None,
            "cancellationAllowedUntilDate": nce.iso(self.cancel_until(sub)),
            "billingCycleEndDate": nce.iso_date(cycle[1]) if cycle else None,
            "status": status,
            "autoRenewEnabled": sub["autoRenewEnabled"],
            "isTrial": sub["isTrial"],
            "billingType": "license",
            "billingCycle": sub["billingCycle"],
            "termDuration": sub["termDuration"],
            "renewalTermDuration": "",
            "refundOptions": refund_options,
            "refundableQuantity": {
                "totalQuantity": sum(b["quantity"] for b in refundable),
                "details": [
                    {"quantity": b["quantity"], "allowedUntilDateTime": b["allowedUntil"]}
                    for b in refundable
                ],
            },
            "scheduledNextTermInstructions": sub["scheduledNextTermInstructions"],
            "nextChargeInstructions": sub["nextChargeInstructions"],
            "promotionId": sub["promotionId"],
            "partnerId": sub["partnerId"],
            "suspensionReasons": sub["suspensionReasons"],
            "contractType": "subscription",
            "orderId": sub["orderId"],
            "publisherName": PUBLISHER,
            "links": {
                "self": link(base),
                "offer": link(f"/products/{product_id}/skus/{sku_id}"),
                "availability": link(
                    f"/products/{product_id}/skus/{sku_id}/availabilities/{availability_id}"
                ),
                "provisioningStatus": link(f"{base}/provisioningstatus"),
            },
        }
        view["attributes"] = {"etag": etag(sub), "objectType": "Subscription"}
        return view

    def list_subscriptions(self, tenant: dict, query: dict) -> dict:
        order_id = lower(query.get("order_id") or query.get("orderid"))
        items = [
            self.subscription_view(s)
            for s in self.state["subscriptions"].values()
            if s["customerId"] == tenant["id"] and (not order_id or s["orderId"] == order_id)
        ]
        return collection(items, f"/customers/{tenant['id']}/subscriptions")

    def list_addons(self, tenant: dict, sub_id: str) -> dict:
        sub = self.subscription(tenant, sub_id)
        items = [
            self.subscription_view(s)
            for s in self.state["subscriptions"].values()
            if s["parentSubscriptionId"] == sub["id"]
        ]
        return collection(items, f"/customers/{tenant['id']}/subscriptions/{sub['id']}/addons")

    def subscription_provisioning(self, tenant: dict, sub_id: str) -> dict:
        sub = self.subscription(tenant, sub_id)
        status = self.shown_status(sub)
        return {
            "skuId": sub["offerId"].split(":")[1],
            "status": "pending" if status == "pending" else "success",
            "quantity": sub["quantity"],
            "endDate": nce.iso_date(date.fromisoformat(sub["termEnd"])) if sub["termEnd"] else None,
            "attributes": {"objectType": "SubscriptionProvisioningStatus"},
        }

    def patch_subscription(
        self, tenant: dict, sub_id: str, body: dict, if_match: str | None
    ) -> tuple[int, dict, dict]:
        """Full-object PATCH; returns (status, body, headers)."""
        sub = self.subscription(tenant, sub_id)
        if if_match and if_match.strip() != etag(sub):
            raise ApiError(412, 990012, "ETag mismatch", error_name="PreconditionFailed")
        if self.shown_status(sub) == "pending":
            raise ApiError(
                409,
                800082,
                "Subscription is not ready to be updated; try again later",
                retryable=True,
            )
        plan = self.plan_patch(sub, body)
        mode = self.settings["patch_202_mode"]
        deferred = mode == "always" or (
            isinstance(mode, int | float)
            and not isinstance(mode, bool)
            and self.random.random() < mode
        )
        if deferred:
            delay = float(self.settings["patch_202_delay_seconds"] or 0)
            sub["pendingPatch"] = {"applyAt": time.time() + delay, "plan": plan}
            if delay <= 0:
                self.apply_plan(sub, sub.pop("pendingPatch")["plan"])
            location = f"/customers/{tenant['id']}/subscriptions/{sub['id']}"
            return 202, None, {"Location": location}
        self.apply_plan(sub, plan)
        return 200, self.subscription_view(sub), {}

    def renewal_conflict(self, sub: dict) -> ApiError | None:
        until = self.settings.get("renewal_in_progress_until")
        ids = [lower(i) for i in self.settings.get("renewal_in_progress_subscription_ids") or []]
        if not until or (ids and sub["id"] not in ids):
            return None
        if self.now() >= nce.parse_datetime(str(until)):
            return None
        retry = int(self.settings["renewal_conflict_retry_after"] or 120)
        return ApiError(
            409,
            800082,
            "Subscription is not ready to be updated while its renewal is processed",
            retryable=True,
            headers={"Retry-After": str(retry)},
        )

    def plan_patch(self, sub: dict, body: dict) -> dict:
        """Validate a full-object PATCH against the NCE rules; returns what to apply."""
        status = sub["status"]
        if status not in LIVE:
            raise invalid(f"Subscription is {status} and cannot be updated")
        wanted = lower(body.get("status")) or status
        if wanted not in ("active", "suspended", "deleted"):
            raise invalid(f"Unsupported status {body.get('status')!r}")
        quantity = body.get("quantity", sub["quantity"])
        try:
            quantity = int(quantity)
        except (TypeError, ValueError) as exc:
            raise invalid("quantity must be a whole number") from exc
        # full-object semantics: these omitted fields count as "off" / "removed"
        auto_renew = bool(body.get("autoRenewEnabled", False))
        scheduled = body.get("scheduledNextTermInstructions") or None
        next_charge = body.get("nextChargeInstructions") or None
        name = body.get("friendlyName", sub["friendlyName"])
        duration = (body.get("termDuration") or sub["termDuration"] or "").upper() or None
        cycle = lower(body.get("billingCycle")) or sub["billingCycle"]
        plan: dict = {"friendlyName": name}
        read_only_change = (
            wanted != status
            or auto_renew != sub["autoRenewEnabled"]
            or scheduled != sub["scheduledNextTermInstructions"]
        )
        if read_only_change and wanted != "deleted":
            conflict = self.renewal_conflict(sub)
            if conflict:
                raise conflict
        if wanted == "deleted":
            if not sub["isTrial"] and self.cancel_until(sub) is None:
                raise ApiError(
                    400,
                    900117,
                    "The subscription can no longer be cancelled: the 7-day cancellation "
                    "window has passed",
                    error_name="CancellationWindowExpired",
                )
            return {"status": "deleted"}
        if status == "suspended" and wanted == "suspended":
            if quantity != sub["quantity"]:
                raise suspended_quantity()
            if auto_renew or scheduled or name != sub["friendlyName"]:
                raise ApiError(400, 800091, "A suspended subscription cannot be updated")
            plan["nextChargeInstructions"] = next_charge
            return plan
        if wanted == "suspended":  # active -> suspended
            if quantity != sub["quantity"]:
                raise ApiError(400, 2001, "Quantity cannot change while suspending")
            plan.update(
                status="suspended",
                autoRenewEnabled=False,
                scheduledNextTermInstructions=None,
                nextChargeInstructions=next_charge,
            )
            return plan
        # wanted == "active" (an update, or a reactivation of a suspended subscription)
        if status == "suspended":
            if quantity != sub["quantity"]:
                raise suspended_quantity()
            plan["status"] = "active"
        found = self.catalog.item(sub["offerId"])
        product, sku = found[0], found[1]
        if quantity != sub["quantity"]:
            if sub["isTrial"]:
                raise invalid("Quantity cannot change during a trial")
            if not sub["termEnd"]:
                raise ApiError(400, 800090, "The quantity of this subscription cannot change")
            if quantity < sku["minimumQuantity"] or quantity > self.max_quantity(sku):
                raise ApiError(
                    400,
                    2002,
                    f"Quantity must be between {sku['minimumQuantity']} and "
                    f"{self.max_quantity(sku)}",
                )
            if quantity < sub["quantity"]:
                refundable = sum(b["quantity"] for b in self.open_batches(sub))
                if sub["quantity"] - quantity > refundable:
                    raise ApiError(
                        400,
                        900257,
                        "Seats can only be reduced within the 7-day window after they were "
                        f"added; {refundable} seat(s) can be removed now",
                        error_name="SeatReductionWindowExpired",
                    )
            plan["quantity"] = quantity
            scheduled = None  # changing the quantity removes scheduled changes
        if auto_renew and not self.renewable(sub):
            raise ApiError(400, 800093, "The subscription is not eligible for auto-renew")
        if not auto_renew:
            scheduled = None  # turning auto-renew off wipes scheduled changes
        if scheduled is not None:
            scheduled = self.check_scheduled(sub, scheduled)
        plan.update(
            autoRenewEnabled=auto_renew,
            scheduledNextTermInstructions=scheduled,
            nextChargeInstructions=next_charge,
        )
        if (duration, cycle) != (sub["termDuration"], sub["billingCycle"]):
            plan["termChange"] = self.check_term_change(sub, sku, product, duration, cycle)
        return plan

    def renewable(self, sub: dict) -> bool:
        return bool(sub["termEnd"]) and sub["productType"] != "Azure"

    def check_scheduled(self, sub: dict, scheduled: dict) -> dict:
        product = scheduled.get("product") or {}
        product_id = product.get("productId") or sub["offerId"].split(":")[0]
        sku_id = product.get("skuId") or sub["offerId"].split(":")[1]
        availability_id = product.get("availabilityId")
        if availability_id:
            found = self.catalog.item(f"{product_id}:{sku_id}:{availability_id}")
        else:
            found = self.catalog.sku(f"{product_id}:{sku_id}")
            found = (*found, found[1]["availabilities"][0]) if found else None
        if found is None:
            raise invalid("scheduledNextTermInstructions.product is not in the catalog")
        sku = found[1]
        quantity = scheduled.get("quantity", sub["quantity"])
        if not isinstance(quantity, int) or not (
            sku["minimumQuantity"] <= quantity <= self.max_quantity(sku)
        ):
            raise ApiError(400, 2002, "Scheduled quantity outside the allowed minimum/maximum")
        return scheduled

    def check_term_change(self, sub, sku, product, duration, cycle) -> dict:
        if sub["isTrial"]:
            raise ApiError(400, 800107, "Term changes are not supported for trial offers")
        order = {"P1M": 1, "P1Y": 2, "P3Y": 3}
        current = order.get(sub["termDuration"] or "", 0)
        target = order.get(duration or "", 0)
        if duration == sub["termDuration"]:
            raise invalid(
                "The billing frequency changes at the next cycle: use nextChargeInstructions"
            )
        if target <= current:
            raise invalid("Only upward term changes are allowed (P1M -> P1Y/P3Y, P1Y -> P3Y)")
        for availability in sku["availabilities"]:
            term = availability["terms"][0]
            if term["duration"] == duration and cycle in term["prices"]:
                return {
                    "offerId": f"{product['id']}:{sku['id']}:{availability['id']}",
                    "termDuration": duration,
                    "billingCycle": cycle,
                    "unitPrice": str(term["prices"][cycle]),
                }
        raise invalid(f"{duration} billed {cycle} is not offered for this product")

    def apply_plan(self, sub: dict, plan: dict) -> None:
        now = self.now()
        sub["updateCount"] += 1
        if plan.get("status") == "deleted":
            sub["status"] = "deleted"
            sub["autoRenewEnabled"] = False
            sub["scheduledNextTermInstructions"] = None
            sub["cancelledAt"] = nce.iso(now)
            self.add_event(sub, "cancelImmediate", now, quantity=0, old=sub["quantity"])
            return
        if "status" in plan:
            sub["status"] = plan["status"]
            sub["suspensionReasons"] = ["PartnerInitiated"] if plan["status"] == "suspended" else []
        if "quantity" in plan and plan["quantity"] != sub["quantity"]:
            self.change_quantity(sub, plan["quantity"], now)
        if "termChange" in plan:
            change = plan["termChange"]
            today = now.date()
            sub.update(
                offerId=change["offerId"],
                termDuration=change["termDuration"],
                billingCycle=change["billingCycle"],
                unitPrice=change["unitPrice"],
                anchor=today.isoformat(),
                termCount=1,
                customEnd=False,
                termStart=today.isoformat(),
                termEnd=nce.term_end(today, nce.term_months(change["termDuration"])).isoformat(),
            )
            self.add_event(sub, "convert", now, quantity=sub["quantity"], old=sub["quantity"])
        for key in (
            "friendlyName",
            "autoRenewEnabled",
            "scheduledNextTermInstructions",
            "nextChargeInstructions",
        ):
            if key in plan:
                sub[key] = plan[key]

    def change_quantity(self, sub: dict, quantity: int, now: datetime, *, drift=False) -> None:
        old = sub["quantity"]
        if quantity > old:
            window = self.hours("seat_reduction_window_hours")
            sub["batches"].append(
                {
                    "quantity": quantity - old,
                    "addedAt": nce.iso(now),
                    "allowedUntil": nce.iso(now + window),
                }
            )
        else:
            remove = old - quantity
            # earliest-expiring batch first; drift may also take closed batches
            ordered = self.open_batches(sub)
            if drift:
                ordered += [b for b in sub["batches"] if b not in ordered]
            for batch in ordered:
                take = min(batch["quantity"], remove)
                batch["quantity"] -= take
                remove -= take
                if not remove:
                    break
            sub["batches"] = [b for b in sub["batches"] if b["quantity"] > 0]
        sub["quantity"] = quantity
        kind = "addQuantity" if quantity > old else "removeQuantity"
        self.add_event(sub, kind, now, quantity=quantity, old=old)

    def drift(self, tenant: dict, sub_id: str, body: dict) -> dict:
        """Change a subscription "at Microsoft", bypassing every rule (control endpoint)."""
        sub = self.subscription(tenant, sub_id)
        now = self.now()
        if "quantity" in body and int(body["quantity"]) != sub["quantity"]:
            self.change_quantity(sub, int(body["quantity"]), now, drift=True)
        if body.get("status"):
            status = lower(body["status"])
            if status not in ("active", "suspended", "deleted", "expired", "disabled"):
                raise invalid(f"Unsupported status {body['status']!r}")
            sub["status"] = status
            sub["suspensionReasons"] = ["PartnerInitiated"] if status == "suspended" else []
            if status != "active":
                sub["autoRenewEnabled"] = False
                sub["scheduledNextTermInstructions"] = None
        for key in ("autoRenewEnabled", "friendlyName"):
            if key in body:
                sub[key] = body[key]
        return self.subscription_view(sub)

    # --- lifecycle over time -----------------------------------------------------------

    def tick(self) -> bool:
        """Apply deferred PATCHes and process term ends up to the sandbox clock. Returns
        whether anything changed."""
        changed = False
        today = self.now().date()
        for sub in self.state["subscriptions"].values():
            pending = sub.get("pendingPatch")
            if pending and pending["applyAt"] <= time.time():
                del sub["pendingPatch"]
                if sub["status"] in LIVE:
                    self.apply_plan(sub, pending["plan"])
                changed = True
            while sub["status"] in LIVE and sub["termEnd"]:
                end = date.fromisoformat(sub["termEnd"])
                if today <= end:
                    break
                self.end_term(sub, end + timedelta(days=1))
                changed = True
        return changed

    def end_term(self, sub: dict, renewal_day: date) -> None:
        if sub["status"] == "suspended":
            sub["status"] = "disabled"
            return
        if not sub["autoRenewEnabled"]:
            sub["status"] = "expired"
            return
        completed = datetime(renewal_day.year, renewal_day.month, renewal_day.day, tzinfo=UTC)
        kind = "renew"
        instructions = sub["scheduledNextTermInstructions"] or {}
        product_info = instructions.get("product") or {}
        target = None
        if sub["isTrial"]:
            found = self.catalog.item(sub["offerId"])
            renews_to = found[1].get("renewsTo") if found else None
            paid = self.catalog.sku(renews_to) if renews_to else None
            if paid is None:
                sub["status"] = "expired"
                return
            availability = next(
                (a for a in paid[1]["availabilities"] if a["terms"][0]["duration"] == "P1Y"),
                paid[1]["availabilities"][0],
            )
            target = (paid[0], paid[1], availability, "monthly")
            kind = "convert"
        elif product_info:
            found = None
            if product_info.get("availabilityId"):
                found = self.catalog.item(
                    f"{product_info.get('productId')}:{product_info.get('skuId')}:"
                    f"{product_info['availabilityId']}"
                )
            if found:
                cycle = lower(product_info.get("billingCycle")) or sub["billingCycle"]
                if cycle not in found[2]["terms"][0]["prices"]:
                    cycle = next(iter(found[2]["terms"][0]["prices"]))
                target = (*found, cycle)
        if target:
            product, sku, availability, cycle = target
            term = availability["terms"][0]
            sub.update(
                offerId=f"{product['id']}:{sku['id']}:{availability['id']}",
                offerName=sku["title"],
                termDuration=term["duration"],
                billingCycle=cycle,
                isTrial=sku["isTrial"],
                entraSkuId=sku["entraSkuId"],
                customEnd=True,  # re-anchor on the renewal day
            )
        found = self.catalog.item(sub["offerId"])
        if found:
            prices = found[2]["terms"][0]["prices"]
            sub["unitPrice"] = str(prices.get(sub["billingCycle"], next(iter(prices.values()))))
        months = nce.term_months(sub["termDuration"])
        if sub["customEnd"] or renewal_day != nce.add_months(
            date.fromisoformat(sub["anchor"]), months * sub["termCount"]
        ):
            sub["anchor"], sub["termCount"], sub["customEnd"] = renewal_day.isoformat(), 1, False
        else:
            sub["termCount"] += 1
        anchor = date.fromisoformat(sub["anchor"])
        sub["termStart"] = renewal_day.isoformat()
        sub["termEnd"] = (
            nce.add_months(anchor, months * sub["termCount"]) - timedelta(days=1)
        ).isoformat()
        quantity = instructions.get("quantity") or sub["quantity"]
        old = sub["quantity"]
        sub["quantity"] = quantity
        sub["termStartedAt"] = nce.iso(completed)
        sub["batches"] = [
            {
                "quantity": quantity,
                "addedAt": nce.iso(completed),
                "allowedUntil": nce.iso(completed + self.hours("seat_reduction_window_hours")),
            }
        ]
        sub["scheduledNextTermInstructions"] = None
        self.add_event(sub, kind, completed, quantity=quantity, old=old)

    # --- users and licences (§9.11-§9.13) -------------------------------------------------

    def add_user(self, tenant, *, upn, first, last, display, usage_location) -> dict:
        user = {
            "id": str(uuid.uuid4()),
            "customerId": tenant["id"],
            "userPrincipalName": upn,
            "firstName": first,
            "lastName": last,
            "displayName": display,
            "usageLocation": usage_location,
            "licenses": [],
            "createdAt": nce.iso(self.now()),
        }
        self.state["users"][user["id"]] = user
        return user

    def user_view(self, user: dict) -> dict:
        return {
            "id": user["id"],
            "userPrincipalName": user["userPrincipalName"],
            "firstName": user["firstName"],
            "lastName": user["lastName"],
            "displayName": user["displayName"],
            "usageLocation": user["usageLocation"],
            "userDomainType": "managed",
            "state": "active",
            "lastDirectorySyncTime": None,
            "softDeletionTime": None,
            "links": {"self": link(f"/customers/{user['customerId']}/users/{user['id']}")},
            "attributes": {"objectType": "CustomerUser"},
        }

    def create_user(self, tenant: dict, body: dict) -> tuple[int, dict]:
        upn = lower(body.get("userPrincipalName"))
        display = str(body.get("displayName") or "").strip()
        if not re.fullmatch(r"[^@\s]+@[^@\s]+", upn) or not display:
            raise invalid("userPrincipalName and displayName are required")
        domains = {tenant["domain"], *(lower(d) for d in tenant.get("customDomains", []))}
        if upn.split("@")[1] not in domains:
            raise invalid(f"The domain of {upn} is not a domain of this customer")
        if any(u["userPrincipalName"] == upn for u in self.state["users"].values()):
            raise ApiError(409, 990009, f"User {upn} already exists", error_name="UserExists")
        usage = str(body.get("usageLocation") or "").upper()
        if usage and not re.fullmatch(r"[A-Z]{2}", usage):
            raise invalid("usageLocation must be a 2-letter country code")
        user = self.add_user(
            tenant,
            upn=upn,
            first=body.get("firstName") or "",
            last=body.get("lastName") or "",
            display=display,
            usage_location=usage,
        )
        return 200, self.user_view(user)  # documented as 200 OK (contract §13.2)

    def user(self, tenant: dict, user_id: str) -> dict:
        user = self.state["users"].get(lower(user_id))
        if user is None or user["customerId"] != tenant["id"]:
            raise not_found(f"User {user_id}")
        return user

    def list_users(self, tenant: dict, query: dict, token: str | None) -> dict:
        items = [
            self.user_view(u)
            for u in self.state["users"].values()
            if u["customerId"] == tenant["id"]
        ]
        return self.seek_page(
            items,
            kind=f"users:{tenant['id']}",
            uri=f"/customers/{tenant['id']}/users",
            query=query,
            token=token,
        )

    def units(self, tenant: dict) -> dict[str, dict]:
        """Per Entra SKU: active, suspended, warning and consumed units (§9.12)."""
        now = self.now()
        units: dict[str, dict] = {}
        for sub in self.state["subscriptions"].values():
            if sub["customerId"] != tenant["id"]:
                continue
            row = units.setdefault(
                sub["entraSkuId"], {"active": 0, "suspended": 0, "warning": 0, "consumed": 0}
            )
            status = self.shown_status(sub)
            if status == "active":
                row["active"] += sub["quantity"]
            elif status == "suspended":
                row["suspended"] += sub["quantity"]
            elif status == "expired" and sub["termEnd"]:
                grace = date.fromisoformat(sub["termEnd"]) + timedelta(days=30)
                if now.date() <= grace:
                    row["warning"] += sub["quantity"]
        for user in self.state["users"].values():
            if user["customerId"] == tenant["id"]:
                for sku_id in user["licenses"]:
                    units.setdefault(
                        sku_id, {"active": 0, "suspended": 0, "warning": 0, "consumed": 0}
                    )["consumed"] += 1
        return units

    def product_sku(self, entra_id: str) -> dict:
        name, part = self.catalog.entra_name(entra_id)
        return {
            "id": entra_id,
            "name": name,
            "skuPartNumber": part,
            "targetType": "User",
            "licenseGroupId": "group1",
        }

    def service_plans(self, entra_id: str) -> list[dict]:
        name, part = self.catalog.entra_name(entra_id)
        return [
            {
                "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"seatwise-sandbox-plan:{entra_id}")),
                "displayName": name,
                "serviceName": part,
                "capabilityStatus": "Enabled",
                "targetType": "User",
            }
        ]

    def subscribed_skus(self, tenant: dict, query: dict) -> dict:
        groups = [g.strip().lower() for g in (query.get("licensegroupids") or "").split("|")]
        groups = [g for g in groups if g]
        items = []
        if not groups or "group1" in groups:
            for entra_id, row in self.units(tenant).items():
                total = row["active"] + row["warning"]
                items.append(
                    {
                        "availableUnits": total - row["consumed"],
                        "activeUnits": row["active"],
                        "consumedUnits": row["consumed"],
                        "suspendedUnits": row["suspended"],
                        "totalUnits": total,
                        "warningUnits": row["warning"],
                        "productSku": self.product_sku(entra_id),
                        "servicePlans": self.service_plans(entra_id),
                        "capabilityStatus": "Enabled" if total else "Suspended",
                        "attributes": {"objectType": "SubscribedSku"},
                    }
                )
        return collection(items, f"/customers/{tenant['id']}/subscribedskus")

    def license_update(self, tenant: dict, user_id: str, body: dict) -> tuple[int, dict]:
        user = self.user(tenant, user_id)
        assign = body.get("licensesToAssign") or []
        remove = body.get("licensesToRemove") or []
        if not isinstance(assign, list) or not isinstance(remove, list):
            raise invalid("licensesToAssign and licensesToRemove must be lists")
        assign_ids = [lower(a.get("skuId")) for a in assign if isinstance(a, dict)]
        remove_ids = [lower(r if isinstance(r, str) else r.get("skuId")) for r in remove]
        for sku_id in assign_ids + remove_ids:
            if sku_id not in self.catalog.entra:
                raise invalid(f"Unknown SKU {sku_id}")
        if assign_ids and not user["usageLocation"]:
            raise invalid("Set the user's usageLocation before assigning licences")
        units = self.units(tenant)
        for sku_id in assign_ids:
            if sku_id in user["licenses"] or sku_id in remove_ids:
                continue
            row = units.get(sku_id, {"active": 0, "warning": 0, "consumed": 0})
            if row["active"] + row["warning"] - row["consumed"] <= 0:
                raise ApiError(
                    400,
                    60012,
                    LICENCE_ERROR,
                    data=[
                        "LicenseQuotaExceededException : Subscription with Account "
                        f"{tenant['id']} and SKU {sku_id} does not have any available "
                        "licenses left."
                    ],
                )
            row["consumed"] += 1
        user["licenses"] = [s for s in user["licenses"] if s not in remove_ids]
        for sku_id in assign_ids:
            if sku_id not in user["licenses"]:
                user["licenses"].append(sku_id)
        return 201, {
            "licensesToAssign": [{"skuId": s} for s in assign_ids],
            "licensesToRemove": remove_ids,
            "licenseWarnings": [],
            "attributes": {"objectType": "LicenseUpdate"},
        }

    def user_licenses(self, tenant: dict, user_id: str) -> dict:
        user = self.user(tenant, user_id)
        items = [
            {
                "productSku": self.product_sku(s),
                "servicePlans": self.service_plans(s),
                "attributes": {"objectType": "License"},
            }
            for s in user["licenses"]
        ]
        return collection(items, f"/customers/{tenant['id']}/users/{user['id']}/licenses")

    # --- unbilled reconciliation lines (§9.15, NCE rules §4-§6) ----------------------------

    def unbilled_lines(self, query: dict, token: str | None) -> dict:
        if lower(query.get("provider") or "onetime") != "onetime":
            raise invalid("Only provider=onetime is supported")
        kind = lower(query.get("invoicelineitemtype") or "billinglineitems")
        if kind != "billinglineitems":
            raise invalid("Only invoicelineitemtype=billinglineitems is supported")
        currency = (query.get("currencycode") or "USD").upper()
        today = self.now().date()
        first = today.replace(day=1)
        if lower(query.get("period") or "current") == "previous":
            first = nce.add_months(first, -1)
        last = nce.add_months(first, 1) - timedelta(days=1)
        lines = []
        if currency == self.catalog.currency["code"]:
            for sub in self.state["subscriptions"].values():
                lines += self.sub_lines(sub, first, min(last, today))
        size = min(int(query.get("size") or 2000), 2000)
        query = {**query, "size": str(size)}
        return self.seek_page(
            lines, kind="unbilled", uri="/invoices/unbilled/lineitems", query=query, token=token
        )

    def sub_lines(self, sub: dict, first: date, last: date) -> list[dict]:
        rule = self.settings["rounding_rule"]
        tenant = self.state["tenants"][sub["customerId"]]
        out = []
        events = sub["events"]
        cancel_day = None
        for event in events:
            if event["type"] == "cancelImmediate":
                cancel_day = nce.parse_datetime(event["at"]).date()

        def line(event, charge_type, start, end, eup, quantity):
            amount = nce.line_amount(eup, quantity, rule)
            return self.recon_line(
                sub, tenant, event, charge_type, start, end, eup, quantity, amount, rule
            )

        for index, event in enumerate(events):
            at = nce.parse_datetime(event["at"])
            day = at.date()
            unit = dec(event["unitPrice"])
            months = nce.cycle_months(event["billingCycle"], event["termDuration"])
            anchor = date.fromisoformat(event["anchor"])
            term_end = date.fromisoformat(event["termEnd"]) if event["termEnd"] else day
            if months and event["termEnd"]:
                c_start, c_end = nce.cycle_bounds(anchor, months, day)
                c_end = min(c_end, term_end)
            else:
                c_start, c_end = day, day
            if first <= day <= last:
                if event["type"] in ("new", "renew", "convert"):
                    eup = nce.effective_unit_price(unit, 1, 1)
                    out.append(line(event, event["type"], day, c_end, eup, event["quantity"]))
                elif event["type"] in ("addQuantity", "removeQuantity"):
                    days = (c_end - day).days + 1
                    cycle_len = nce.cycle_days(c_start, c_end, months or 1)
                    eup = nce.effective_unit_price(unit, days, cycle_len)
                    out.append(line(event, event["type"], day, c_end, -eup, event["oldQuantity"]))
                    out.append(line(event, event["type"], day, c_end, eup, event["quantity"]))
                elif event["type"] == "cancelImmediate":
                    started = nce.parse_datetime(event["termStartedAt"])
                    if at < started + self.hours("full_refund_window_hours"):
                        eup, start = nce.effective_unit_price(unit, 1, 1), c_start
                    else:
                        days = (c_end - day).days + 1
                        cycle_len = nce.cycle_days(c_start, c_end, months or 1)
                        eup, start = nce.effective_unit_price(unit, days, cycle_len), day
                    refunded = event["oldQuantity"]
                    out.append(line(event, "cancelImmediate", start, c_end, -eup, refunded))
            # recurring cycle charges inside a term segment
            if event["type"] in ("new", "renew", "convert") and months and event["termEnd"]:
                following = [
                    nce.parse_datetime(e["at"]).date()
                    for e in events[index + 1 :]
                    if e["type"] in ("renew", "convert")
                ]
                stop = min(last, following[0] - timedelta(days=1) if following else term_end)
                if cancel_day:
                    stop = min(stop, cancel_day - timedelta(days=1))
                begin = max(first, day + timedelta(days=1))
                for start in nce.cycle_starts(anchor, months, begin, stop):
                    moment = datetime(start.year, start.month, start.day, tzinfo=UTC)
                    quantity = next(
                        (
                            e["quantity"]
                            for e in reversed(events)
                            if nce.parse_datetime(e["at"]) <= moment
                        ),
                        event["quantity"],
                    )
                    end = min(nce.cycle_bounds(anchor, months, start)[1], term_end)
                    eup = nce.effective_unit_price(unit, 1, 1)
                    reference = uuid.uuid5(uuid.NAMESPACE_URL, f"{event['referenceId']}:{start}")
                    charge = {**event, "at": nce.iso(moment), "referenceId": reference.hex}
                    out.append(line(charge, "cycleCharge", start, end, eup, quantity))
        return out

    def recon_line(self, sub, tenant, event, charge_type, start, end, eup, quantity, amount, rule):
        product_id, sku_id, availability_id = event["offerId"].split(":")
        found = self.catalog.item(event["offerId"])
        product, sku = (found[0], found[1]) if found else ({"title": ""}, {"title": ""})
        qualifiers = []
        if sub["isAddon"]:
            qualifiers.append("AddOn")
        if sub["isTrial"]:
            qualifiers.append("Trial")
        term_start = date.fromisoformat(event["termStart"])
        term_end = date.fromisoformat(event["termEnd"]) if event["termEnd"] else None
        return {
            "partnerId": self.partner_tenant_id,
            "customerId": tenant["id"],
            "customerName": tenant["companyName"],
            "customerDomainName": tenant["domain"],
            "customerCountry": tenant.get("country", "US"),
            "invoiceNumber": "",
            "mpnId": self.mpn_id,
            "resellerMpnId": sub["partnerId"] or "",
            "orderId": sub["orderId"],
            "orderDate": event["at"],
            "productId": product_id,
            "skuId": sku_id,
            "availabilityId": availability_id,
            "productName": product["title"],
            "skuName": sku["title"],
            "productQualifiers": qualifiers,
            "chargeType": charge_type,
            "unitPrice": dec(event["unitPrice"]),
            "effectiveUnitPrice": nce.display_eup(eup, rule),
            "unitType": "Licenses",
            "quantity": Decimal(quantity),
            "billableQuantity": Decimal(quantity),
            "subtotal": amount,
            "taxTotal": Decimal("0.00"),
            "totalForCustomer": amount,
            "currency": self.catalog.currency["code"],
            "pricingCurrency": self.catalog.currency["code"],
            "pcToBCExchangeRate": Decimal(1),
            "pcToBCExchangeRateDate": nce.iso_date(start.replace(day=1)),
            "publisherName": PUBLISHER,
            "publisherId": "",
            "subscriptionDescription": sub["friendlyName"],
            "subscriptionId": sub["id"],
            "subscriptionStartDate": nce.iso_date(term_start),
            "subscriptionEndDate": nce.iso_date(term_end),
            "chargeStartDate": nce.iso_date(start),
            "chargeEndDate": nce.iso_date(end),
            "termAndBillingCycle": term_description(event["termDuration"], event["billingCycle"]),
            "alternateId": sub["orderId"],
            "referenceId": event["referenceId"],
            "priceAdjustmentDescription": "[]",
            "billingFrequency": "",
            "meterDescription": "",
            "reservationOrderId": "",
            "creditReasonCode": "",
            "promotionId": sub["promotionId"] or "",
            "invoiceLineItemType": "billing_line_items",
            "billingProvider": "one_time",
            "attributes": {"objectType": "OneTimeInvoiceLineItem"},
        }


def term_description(duration: str | None, cycle: str) -> str:
    if duration is None:
        return "One-time purchase"
    names = {"P1M": "One-Month", "P1Y": "One-Year", "P3Y": "Three-Years"}
    plan = "monthly/yearly" if cycle in ("monthly", "annual") else cycle
    return f"{names.get(duration, duration)} commitment for {plan} billing"


def with_pricing(line: dict) -> dict:
    line = dict(line)
    if line.get("pricing"):
        line["pricing"] = {key: dec(value) for key, value in line["pricing"].items()}
    return line


def line_error(code: int, description: str) -> dict:
    return {"errorCode": code, "errorDescription": description}


def suspended_quantity() -> ApiError:
    return ApiError(400, 2001, "Quantity cannot change while the subscription is suspended")


def cart_busy() -> ApiError:
    return ApiError(409, 800064, "The cart is being processed by another request", retryable=True)

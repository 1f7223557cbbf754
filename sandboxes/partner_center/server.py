"""A stand-alone Microsoft Partner Center REST sandbox for ``make run`` and the tests: the
subset of ../shared/reference/partner-center-contract.md that Seatwise uses, with the NCE
rules of microsoft-nce-rules.md, a controllable clock and fault injection. Standard library
only; it shares no code with Seatwise, so it is an independent implementation.

Run: ``python sandboxes/partner_center/server.py --port 8902 --state-dir var/partner_center``

* ``POST /{tenant}/oauth2/token`` and ``/{tenant}/oauth2/v2.0/token``: client credentials
  (an ``app-only:`` token) or a refresh token (an App+User token);
* ``/v1/...``: domains, customers, agreements, the relationship link, catalog, carts,
  checkout, orders, subscriptions (full-object PATCH), users, subscribed SKUs, licence
  updates and unbilled reconciliation lines. Every call needs ``Authorization: Bearer``;
  ``MS-RequestId`` makes writes idempotent for 24 h of sandbox time;
* ``/_sandbox/...`` (no auth): health, faults, clock, settings, reset, tenants, relationship
  acceptance (JSON and an HTML page), subscription inspection and drift.

See sandboxes/README.md for the control API. State lives in ``{state-dir}/state.json``.
Secrets and generated passwords are never logged.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import html
import json
import math
import random
import re
import secrets
import socket
import threading
import time
import uuid
from collections import deque
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import nce
from operations import TRANSIENT_CODES, ApiError, PartnerCenter, invalid, lower, normalize
from state import Catalog, Store

HERE = Path(__file__).resolve().parent
MUTATING = {"POST", "PUT", "PATCH", "DELETE"}
DEFAULT_FAULTS = {
    "latency_ms": 0,
    "error_rate": 0.0,
    "error_statuses": [500, 503],
    "throttle_rate": 0.0,
    "retry_after": 1,
    "drop_rate": 0.0,
    "timeout_rate": 0.0,
    "timeout_seconds": 10,
    "fail_after_rate": 0.0,
    "force_429_next": 0,
    "seed": None,
    "next": [],
}
C = r"(?P<c>[^/]+)"

# (method, path under /v1, handler, auth) — auth: "app" accepts app-only tokens, "user"
# answers them 401, "licence" answers them 400 / 900316 (contract §1).
ROUTES = [
    ("HEAD", r"/domains/(?P<domain>[^/]+)", "domain", "app"),
    ("GET", r"/customers/relationshiprequests", "relationship_request", "user"),
    ("POST", r"/customers", "create_customer", "app"),
    ("GET", r"/customers", "list_customers", "app"),
    ("GET", rf"/customers/{C}", "get_customer", "app"),
    ("GET", rf"/customers/{C}/profiles/company", "company_profile", "app"),
    ("GET", rf"/customers/{C}/profiles/billing", "billing_profile", "app"),
    ("PUT", rf"/customers/{C}/profiles/billing", "billing_profile_put", "app"),
    ("GET", r"/agreements", "agreement_metadata", "user"),
    ("GET", rf"/customers/{C}/agreements", "list_agreements", "user"),
    ("POST", rf"/customers/{C}/agreements", "confirm_agreement", "user"),
    ("GET", r"/products", "products", "app"),
    ("GET", r"/products/(?P<p>[^/]+)", "product", "app"),
    ("GET", r"/products/(?P<p>[^/]+)/skus", "skus", "app"),
    ("GET", r"/products/(?P<p>[^/]+)/skus/(?P<s>[^/]+)", "sku", "app"),
    ("GET", r"/products/(?P<p>[^/]+)/skus/(?P<s>[^/]+)/availabilities", "availabilities", "app"),
    ("GET", rf"/customers/{C}/products", "products", "app"),
    ("GET", rf"/customers/{C}/products/(?P<p>[^/]+)", "product", "app"),
    ("GET", rf"/customers/{C}/products/(?P<p>[^/]+)/skus", "skus", "app"),
    ("GET", rf"/customers/{C}/products/(?P<p>[^/]+)/skus/(?P<s>[^/]+)", "sku", "app"),
    (
        "GET",
        rf"/customers/{C}/products/(?P<p>[^/]+)/skus/(?P<s>[^/]+)/availabilities",
        "availabilities",
        "app",
    ),
    ("POST", rf"/customers/{C}/carts", "create_cart", "app"),
    ("GET", rf"/customers/{C}/carts/(?P<cart>[^/]+)", "get_cart", "app"),
    ("PUT", rf"/customers/{C}/carts/(?P<cart>[^/]+)", "put_cart", "app"),
    ("POST", rf"/customers/{C}/carts/(?P<cart>[^/]+)/checkout", "checkout", "app"),
    ("POST", rf"/customers/{C}/orders", "create_order", "app"),
    ("GET", rf"/customers/{C}/orders", "list_orders", "app"),
    ("GET", rf"/customers/{C}/orders/(?P<o>[^/]+)", "get_order", "app"),
    ("GET", rf"/customers/{C}/orders/(?P<o>[^/]+)/provisioningstatus", "order_status", "app"),
    ("GET", rf"/customers/{C}/subscriptions", "list_subscriptions", "app"),
    ("GET", rf"/customers/{C}/subscriptions/(?P<s>[^/]+)", "get_subscription", "app"),
    ("PATCH", rf"/customers/{C}/subscriptions/(?P<s>[^/]+)", "patch_subscription", "app"),
    (
        "GET",
        rf"/customers/{C}/subscriptions/(?P<s>[^/]+)/provisioningstatus",
        "subscription_status",
        "app",
    ),
    ("GET", rf"/customers/{C}/subscriptions/(?P<s>[^/]+)/addons", "addons", "app"),
    ("POST", rf"/customers/{C}/users", "create_user", "user"),
    ("GET", rf"/customers/{C}/users", "list_users", "user"),
    ("GET", rf"/customers/{C}/users/(?P<u>[^/]+)", "get_user", "user"),
    ("POST", rf"/customers/{C}/users/(?P<u>[^/]+)/licenseupdates", "license_update", "licence"),
    ("GET", rf"/customers/{C}/users/(?P<u>[^/]+)/licenses", "user_licenses", "licence"),
    ("GET", rf"/customers/{C}/subscribedskus", "subscribed_skus", "licence"),
    ("GET", r"/invoices", "invoices", "app"),
    ("GET", r"/invoices/unbilled/lineitems", "unbilled_lines", "app"),
]
COMPILED = [(m, re.compile(f"^{p}$", re.IGNORECASE), h, a) for m, p, h, a in ROUTES]


class Response:
    def __init__(self, status: int, body=None, headers: dict | None = None) -> None:
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.raw: bytes | None = None


def error_response(exc: ApiError) -> Response:
    return Response(exc.status, exc.body(), exc.headers)


def throttled(seconds: int) -> Response:
    seconds = max(1, int(seconds))
    body = {
        "statusCode": 429,
        "message": f"Rate limit is exceeded. Try again in {seconds} seconds.",
    }
    return Response(429, body, {"Retry-After": str(seconds)})


def encode(body, *, as_strings: bool) -> bytes:
    def default(value):
        if isinstance(value, Decimal):
            text = format(value.normalize(), "f") if value else "0"
            if as_strings:
                return text
            return int(value) if value == value.to_integral_value() else float(text)
        raise TypeError(f"cannot serialise {type(value).__name__}")

    return json.dumps(body, default=default).encode()


class RateLimiter:
    """Requests per minute per (partner, customer), sliding window on the real clock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.calls: dict[str, deque] = {}

    def clear(self) -> None:
        with self.lock:
            self.calls.clear()

    def check(self, key: str, limit: int) -> int:
        """0 if allowed, else the seconds to wait."""
        if not limit:
            return 0
        now = time.monotonic()
        with self.lock:
            calls = self.calls.setdefault(key, deque())
            while calls and now - calls[0] >= 60:
                calls.popleft()
            if len(calls) >= limit:
                return max(1, math.ceil(60 - (now - calls[0])))
            calls.append(now)
            return 0


class Faults:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.configure({})

    def configure(self, body: dict) -> None:
        with self.lock:
            config = {**DEFAULT_FAULTS, **body}
            config["next"] = [dict(f) for f in config.get("next") or []]
            self.config = config
            self.random = random.Random(config["seed"])  # noqa: S311 (simulation)

    def view(self) -> dict:
        with self.lock:
            return json.loads(json.dumps(self.config))

    def decide(self, method: str, path: str) -> tuple[dict | None, dict | None]:
        """(fault before the operation, fault after it) for one /v1 request."""
        with self.lock:
            config = self.config
            for index, fault in enumerate(config["next"]):
                if fault.get("method") and lower(fault["method"]) != lower(method):
                    continue
                if fault.get("path") and lower(fault["path"]) not in lower(path):
                    continue
                del config["next"][index]
                fault = {"kind": "error", **fault}
                return (None, fault) if lower(fault.get("when")) == "after" else (fault, None)
            if config["force_429_next"] > 0:
                config["force_429_next"] -= 1
                return {"kind": "throttle"}, None
            if self.random.random() < float(config["throttle_rate"]):
                return {"kind": "throttle"}, None
            roll = self.random.random()
            kind = None
            for name, rate in (
                ("error", config["error_rate"]),
                ("drop", config["drop_rate"]),
                ("timeout", config["timeout_rate"]),
            ):
                if roll < float(rate):
                    kind = name
                    break
                roll -= float(rate)
            if kind is None:
                return None, None
            fault = {"kind": kind, "status": self.random.choice(config["error_statuses"] or [500])}
            after = self.random.random() < float(config["fail_after_rate"])
            return (None, fault) if after else (fault, None)

    def latency(self) -> float:
        return float(self.config["latency_ms"] or 0) / 1000


def page(title: str, body: str) -> bytes:
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>"
        "body{font-family:system-ui,sans-serif;background:#f3f2f1;margin:0;padding:3rem}"
        ".card{max-width:30rem;margin:auto;background:#fff;border-radius:8px;padding:2rem;"
        "box-shadow:0 2px 12px #0002}label{display:block;margin:.8rem 0 .2rem}"
        "input{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}"
        "button{margin-top:1.2rem;font-size:1rem;padding:.6rem 1.2rem;border:0;"
        "border-radius:4px;background:#0078d4;color:#fff;cursor:pointer}"
        ".muted{color:#666;font-size:.9rem}</style></head><body><div class='card'>"
        f"{body}</div></body></html>"
    ).encode()


class Sandbox:
    def __init__(self, args) -> None:
        overrides = {}
        for flag, key in (
            ("max_customers", "max_customers_per_partner"),
            ("max_subscriptions_per_customer", "max_subscriptions_per_customer"),
            ("max_licences_per_subscription", "max_licences_per_subscription"),
            ("require_customer_agreement", "require_customer_agreement"),
        ):
            value = getattr(args, flag)
            if value is not None:
                overrides[key] = value
        self.store = Store(state_dir=Path(args.state_dir), overrides=overrides)
        self.catalog = Catalog(Path(args.catalog))
        self.pc = PartnerCenter(
            self.store, self.catalog, partner_tenant_id=args.partner_tenant_id, mpn_id=args.mpn_id
        )
        self.client_id = args.client_id
        self.client_secret = args.client_secret
        self.partner_tenant_id = args.partner_tenant_id
        self.faults = Faults()
        self.limiter = RateLimiter()
        self.requests = threading.Condition()
        self.inflight: set[str] = set()
        self.passwords: dict[str, str] = {}  # MS-RequestId -> generated password (memory only)
        with self.store.lock:
            self.store.save()

    # --- /v1 handlers: each gets (params, query, body, headers) and returns a Response ---

    def run(self, name: str, ctx: dict) -> Response:
        pc = self.pc
        p, q, body = ctx["params"], ctx["query"], ctx["body"]
        headers = ctx["headers"]
        token = headers.get("MS-ContinuationToken")
        tenant = pc.customer(p["c"]) if "c" in p else None
        prefix = f"/customers/{tenant['id']}" if tenant else ""
        if name == "domain":
            return Response(200 if pc.domain_taken(p["domain"]) else 404)
        if name == "relationship_request":
            return Response(200, pc.relationship_request(ctx["base_url"]))
        if name == "create_customer":
            return Response(*pc.create_customer(self.need_object(body)))
        if name == "list_customers":
            return Response(200, pc.list_customers(q, token))
        if name == "get_customer":
            return Response(200, pc.customer_view(tenant))
        if name == "company_profile":
            view = pc.customer_view(tenant)["companyProfile"]
            return Response(200, view)
        if name == "billing_profile":
            return Response(200, pc.billing_view(tenant))
        if name == "billing_profile_put":
            view = pc.billing_profile_put(tenant, self.need_object(body), headers.get("If-Match"))
            return Response(200, view)
        if name == "agreement_metadata":
            return Response(200, pc.agreement_metadata(q.get("agreementtype")))
        if name == "list_agreements":
            return Response(200, pc.list_agreements(tenant))
        if name == "confirm_agreement":
            return Response(*pc.confirm_agreement(tenant, self.need_object(body)))
        if name == "products":
            return Response(200, pc.list_products(q, prefix))
        if name == "product":
            return Response(200, pc.get_product(p["p"], q))
        if name == "skus":
            return Response(200, pc.list_skus(p["p"], q, prefix))
        if name == "sku":
            return Response(200, pc.get_sku(p["p"], p["s"], q))
        if name == "availabilities":
            return Response(200, pc.list_availabilities(p["p"], p["s"], q, prefix))
        if name == "create_cart":
            return Response(*pc.create_cart(tenant, self.need_object(body)))
        if name == "get_cart":
            return Response(200, pc.cart_view(pc.cart(tenant, p["cart"])))
        if name == "put_cart":
            return Response(200, pc.update_cart(tenant, p["cart"], self.need_object(body)))
        if name == "checkout":
            return Response(*pc.checkout(tenant, p["cart"]))
        if name == "create_order":
            return Response(*pc.create_order(tenant, self.need_object(body)))
        if name == "list_orders":
            return Response(200, pc.list_orders(tenant))
        if name == "get_order":
            return Response(200, pc.order_view(pc.order(tenant, p["o"])))
        if name == "order_status":
            return Response(200, pc.order_provisioning(tenant, p["o"]))
        if name == "list_subscriptions":
            return Response(200, pc.list_subscriptions(tenant, q))
        if name == "get_subscription":
            return Response(200, pc.subscription_view(pc.subscription(tenant, p["s"])))
        if name == "patch_subscription":
            return Response(
                *pc.patch_subscription(
                    tenant, p["s"], self.need_object(body), headers.get("If-Match")
                )
            )
        if name == "subscription_status":
            return Response(200, pc.subscription_provisioning(tenant, p["s"]))
        if name == "addons":
            return Response(200, pc.list_addons(tenant, p["s"]))
        if name == "create_user":
            return Response(*pc.create_user(tenant, self.need_object(body)))
        if name == "list_users":
            return Response(200, pc.list_users(tenant, q, token))
        if name == "get_user":
            return Response(200, pc.user_view(pc.user(tenant, p["u"])))
        if name == "license_update":
            return Response(*pc.license_update(tenant, p["u"], self.need_object(body)))
        if name == "user_licenses":
            return Response(200, pc.user_licenses(tenant, p["u"]))
        if name == "subscribed_skus":
            return Response(200, pc.subscribed_skus(tenant, q))
        if name == "invoices":
            return Response(200, {**pc_collection([], "/invoices")})
        if name == "unbilled_lines":
            return Response(200, pc.unbilled_lines(q, token))
        raise AssertionError(name)

    @staticmethod
    def need_object(body) -> dict:
        if not isinstance(body, dict):
            raise invalid("A JSON object body is required")
        return body

    # --- the /v1 pipeline ------------------------------------------------------------

    def handle_v1(self, method: str, path: str, query: dict, raw: bytes, headers, base_url):
        """Returns (response, after_fault, request_id, correlation_id)."""
        request_id = headers.get("MS-RequestId") or ""
        correlation_id = headers.get("MS-CorrelationId") or str(uuid.uuid4())
        given_id = bool(request_id)
        request_id = request_id or str(uuid.uuid4())
        ids = (request_id, correlation_id)
        auth = headers.get("Authorization") or ""
        if not auth.lower().startswith("bearer ") or not auth[7:].strip():
            exc = ApiError(401, 990013, "Authorization: Bearer <token> is required")
            response = error_response(exc)
            response.headers["WWW-Authenticate"] = (
                f"OAuth realm=urn:cpsvc:cpid:{self.partner_tenant_id}"
            )
            return response, None, *ids
        app_only = auth[7:].strip().lower().startswith("app-only:")
        if self.faults.latency():
            time.sleep(self.faults.latency())
        before, after = self.faults.decide(method, path)
        if before:
            return None, before, *ids
        route, params = None, {}
        allowed = False
        for m, pattern, name, mode in COMPILED:
            match = pattern.match(path)
            if match:
                allowed = True
                if m == method:
                    route, params = (name, mode), match.groupdict()
                    break
        if route is None:
            status, text = (405, "Method not allowed") if allowed else (404, "Not found")
            return error_response(ApiError(status, 990010, text)), after, *ids
        wait = self.limiter.check(
            f"{self.partner_tenant_id}:{lower(params.get('c'))}",
            int(self.store.settings["rate_limit_per_minute"] or 0),
        )
        if wait:
            return throttled(wait), None, *ids
        if app_only and route[1] == "user":
            exc = ApiError(401, 990014, "This operation requires an App+User token")
            response = error_response(exc)
            response.headers["WWW-Authenticate"] = (
                f"OAuth realm=urn:cpsvc:cpid:{self.partner_tenant_id}"
            )
            return response, None, *ids
        if app_only and route[1] == "licence":
            exc = ApiError(
                400,
                900316,
                "Partner token is not allowed for license management; use an access token "
                "from the Secure Application Model",
            )
            return error_response(exc), None, *ids
        try:
            text = raw.decode("utf-8") if raw else ""
            body = normalize(json.loads(text, parse_float=Decimal)) if text.strip() else None
        except (UnicodeDecodeError, json.JSONDecodeError):
            return error_response(invalid("The body is not valid JSON")), after, *ids
        fingerprint = hashlib.sha256(
            json.dumps(body, sort_keys=True, default=str).encode()
        ).hexdigest()
        full_path = path + ("?" + "&".join(f"{k}={v}" for k, v in sorted(query.items())))
        ctx = {
            "params": params,
            "query": query,
            "body": body,
            "headers": headers,
            "base_url": base_url,
        }
        record_key = request_id if given_id and method in MUTATING else None
        if record_key:
            with self.requests:
                while record_key in self.inflight:
                    self.requests.wait(timeout=60)
                with self.store.lock:
                    record = self.recorded(record_key)
                if record:
                    if (record["method"], record["path"], record["hash"]) != (
                        method,
                        full_path,
                        fingerprint,
                    ):
                        exc = ApiError(
                            400,
                            990004,
                            "MS-RequestId reused for a different request",
                            error_name="SandboxRequestIdReused",
                        )
                        return error_response(exc), after, *ids
                    response = Response(record["status"], None, dict(record["headers"]))
                    response.raw = record["body"].encode()
                    if record_key in self.passwords:
                        replayed = json.loads(record["body"])
                        replayed["userCredentials"]["password"] = self.passwords[record_key]
                        response.raw = json.dumps(replayed).encode()
                    response.headers["X-Sandbox-Replayed"] = "true"
                    return response, after, *ids
                self.inflight.add(record_key)
        try:
            with self.store.lock:
                changed = self.pc.tick()
                try:
                    response = self.run(route[0], ctx)
                except ApiError as exc:
                    response = error_response(exc)
                as_strings = bool(self.store.settings["amounts_as_strings"])
                response.raw = (
                    encode(response.body, as_strings=as_strings)
                    if response.body is not None
                    else b""
                )
                transient = response.status >= 500 or (
                    isinstance(response.body, dict) and response.body.get("code") in TRANSIENT_CODES
                )
                if record_key and not transient:
                    stored = response.raw
                    credentials = (
                        response.body.get("userCredentials")
                        if isinstance(response.body, dict)
                        else None
                    )
                    if credentials:
                        # the generated password stays in memory only (state.json keeps
                        # a hash); a replay before a restart gets it back
                        self.passwords[record_key] = credentials["password"]
                        redacted = {**credentials, "password": None}
                        stored = encode(
                            {**response.body, "userCredentials": redacted}, as_strings=as_strings
                        )
                    self.store.state["requests"][record_key] = {
                        "method": method,
                        "path": full_path,
                        "hash": fingerprint,
                        "status": response.status,
                        "headers": response.headers,
                        "body": stored.decode(),
                        "at": nce.iso(self.store.now()),
                    }
                if method in MUTATING or changed:
                    self.store.save()
        finally:
            if record_key:
                with self.requests:
                    self.inflight.discard(record_key)
                    self.requests.notify_all()
        return response, after, *ids

    def recorded(self, key: str) -> dict | None:
        record = self.store.state["requests"].get(key)
        if record is None:
            return None
        window = float(self.store.settings["idempotency_replay_window_hours"])
        age = self.store.now() - nce.parse_datetime(record["at"])
        return record if age.total_seconds() <= window * 3600 else None

    # --- token endpoint --------------------------------------------------------------

    def token(self, form: dict) -> tuple[int, dict]:
        grant = form.get("grant_type", "")
        if grant not in ("client_credentials", "refresh_token"):
            return 400, {"error": "unsupported_grant_type"}
        client_ok = secrets.compare_digest(
            form.get("client_id", "").encode(), self.client_id.encode()
        ) and secrets.compare_digest(
            form.get("client_secret", "").encode(), self.client_secret.encode()
        )
        if not client_ok:
            return 401, {
                "error": "invalid_client",
                "error_description": "AADSTS7000215: Invalid client secret provided.",
            }
        body = {"token_type": "Bearer", "expires_in": 3600, "ext_expires_in": 3600}
        if grant == "client_credentials":
            body["access_token"] = f"app-only:{secrets.token_urlsafe(24)}"
            return 200, body
        refresh = form.get("refresh_token", "")
        if not refresh:
            return 400, {"error": "invalid_grant", "error_description": "refresh_token missing"}
        body.update(
            access_token=f"app+user:{secrets.token_urlsafe(24)}",
            refresh_token=refresh,
            scope=form.get("scope") or "https://api.partnercenter.microsoft.com/user_impersonation",
        )
        return 200, body

    # --- control API -------------------------------------------------------------------

    def control(self, method: str, path: str, body, base_url: str) -> Response:
        store, pc = self.store, self.pc
        if path == "/_sandbox/health" and method == "GET":
            with store.lock:
                return Response(200, {"ok": True, "now": nce.iso(store.now())})
        if path == "/_sandbox/faults":
            if method == "POST":
                unknown = [k for k in body if k not in DEFAULT_FAULTS]
                if unknown:
                    return Response(400, {"error": f"unknown keys {unknown}"})
                self.faults.configure(body)
            return Response(200, self.faults.view())
        with store.lock:
            pc.tick()
            if path == "/_sandbox/clock":
                if method == "POST":
                    store.set_clock(body)
                    pc.tick()
                    store.save()
                return Response(200, store.clock_view())
            if path == "/_sandbox/settings":
                if method == "POST":
                    unknown = store.update_settings(body)
                    if unknown:
                        return Response(400, {"error": f"unknown settings {unknown}"})
                    self.limiter.clear()
                    store.save()
                return Response(200, dict(store.settings))
            if path == "/_sandbox/reset" and method == "POST":
                store.reset()
                pc.checking_out.clear()
                self.limiter.clear()
                self.faults.configure({})
                return Response(200, {"ok": True})
            if path == "/_sandbox/tenants" and method == "POST":
                result = Response(*pc.seed_tenant(normalize(body)))
                store.save()
                return result
            if path == "/_sandbox/relationships/accept" and method == "POST":
                result = Response(*pc.accept_relationship(normalize(body)))
                store.save()
                return result
            if path == "/_sandbox/customers" and method == "GET":
                items = [
                    {
                        "id": t["id"],
                        "domain": t["domain"],
                        "companyName": t["companyName"],
                        "relationshipToPartner": t["relationshipToPartner"],
                    }
                    for t in store.state["tenants"].values()
                ]
                return Response(200, {"totalCount": len(items), "items": items})
            match = re.fullmatch(r"/_sandbox/customers/([^/]+)/subscriptions(?:/([^/]+))?", path)
            if match:
                tenant = pc.customer(match.group(1))
                if match.group(2) and method == "POST":
                    view = pc.drift(tenant, match.group(2), normalize(body))
                    store.save()
                    return Response(200, view)
                if not match.group(2) and method == "GET":
                    return Response(200, pc.list_subscriptions(tenant, {}))
        return Response(404, {"error": "not found"})


def pc_collection(items: list, uri: str) -> dict:
    return {
        "totalCount": len(items),
        "items": items,
        "links": {"self": {"uri": uri, "method": "GET", "headers": []}},
        "attributes": {"objectType": "Collection"},
    }


def make_handler(sandbox: Sandbox):
    class Handler(BaseHTTPRequestHandler):
        server_version = "SeatwisePartnerCenterSandbox/1"

        def log_message(self, format, *args):  # no request log: bodies carry credentials
            return

        # --- plumbing ----------------------------------------------------------------

        def _read(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _send(self, status: int, raw: bytes, headers: dict, content_type: str) -> None:
            self.send_response(status)
            if raw or self.command != "HEAD":
                self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", "0" if self.command == "HEAD" else str(len(raw)))
            self.send_header("Cache-Control", "no-store")
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(raw)

        def _json(self, status: int, body, headers: dict | None = None) -> None:
            self._send(status, encode(body, as_strings=False), headers or {}, "application/json")

        def _drop(self) -> None:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)

        def _base_url(self) -> str:
            return f"http://{self.headers.get('Host') or 'localhost'}"

        def _body_json(self, raw: bytes):
            try:
                value = json.loads(raw or b"{}")
            except json.JSONDecodeError:
                return None
            return value if isinstance(value, dict) else None

        # --- dispatch ------------------------------------------------------------------

        def do_GET(self):
            self.dispatch()

        def do_POST(self):
            self.dispatch()

        def do_PUT(self):
            self.dispatch()

        def do_PATCH(self):
            self.dispatch()

        def do_DELETE(self):
            self.dispatch()

        def do_HEAD(self):
            self.dispatch()

        def dispatch(self):
            parts = urlsplit(self.path)
            path = re.sub(r"/{2,}", "/", parts.path)
            raw = self._read()
            if re.fullmatch(r"/[^/]+/oauth2(/v2\.0)?/token", path) and self.command == "POST":
                form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
                status, body = sandbox.token(form)
                return self._json(status, body)
            if path.lower().startswith("/v1/") or path.lower() == "/v1":
                query = {k.lower(): v[0] for k, v in parse_qs(parts.query).items()}
                return self.v1(path[3:] or "/", query, raw)
            if path.startswith("/_sandbox/relationship/accept"):
                return self.relationship_page(raw)
            if path.startswith("/_sandbox/"):
                body = self._body_json(raw) if self.command == "POST" else {}
                if body is None:
                    return self._json(400, {"error": "a JSON object body is required"})
                try:
                    response = sandbox.control(self.command, path, body, self._base_url())
                except ApiError as exc:
                    response = error_response(exc)
                return self._json(response.status, response.body, response.headers)
            return self._json(404, {"error": "not found"})

        def v1(self, path: str, query: dict, raw: bytes):
            response, fault, request_id, correlation_id = sandbox.handle_v1(
                self.command, path, query, raw, self.headers, self._base_url()
            )
            if fault and fault.get("kind") in ("drop", "timeout"):
                if fault["kind"] == "timeout":
                    config = sandbox.faults.view()
                    time.sleep(float(fault.get("seconds") or config["timeout_seconds"]))
                return self._drop()
            if fault and fault.get("kind") == "throttle":
                response = throttled(
                    int(fault.get("retry_after") or sandbox.faults.view()["retry_after"])
                )
            elif fault:
                status = int(fault.get("status") or 500)
                response = Response(
                    status,
                    {
                        "code": 990008,
                        "description": f"Injected fault (HTTP {status})",
                        "source": "PartnerFD",
                        "data": [],
                        "errorName": "SandboxInjectedFault",
                        "isRetryable": True,
                    },
                )
            raw_body = response.raw
            if raw_body is None:
                raw_body = encode(response.body, as_strings=False) if response.body else b""
            headers = {
                "MS-RequestId": request_id,
                "MS-CorrelationId": correlation_id,
                "MS-CV": f"{secrets.token_urlsafe(12)}.0",
                "MS-ServerId": "seatwise-sandbox-01",
                **response.headers,
            }
            self._send(response.status, raw_body, headers, "application/json; charset=utf-8")

        def relationship_page(self, raw: bytes):
            if self.command == "GET":
                query = parse_qs(urlsplit(self.path).query)
                partner = html.escape(query.get("partner", [sandbox.partner_tenant_id])[0])
                form = (
                    "<h1>Accept partner invitation</h1>"
                    f"<p class='muted'>Partner tenant {partner} asks to become your Cloud "
                    "Solution Provider (reseller relationship, no delegated admin).</p>"
                    "<form method='post' action='/_sandbox/relationship/accept'>"
                    f"<input type='hidden' name='partner' value='{partner}'>"
                    "<label for='domain'>Domain</label>"
                    "<input id='domain' name='domain' required "
                    "placeholder='contoso-x.onmicrosoft.com'>"
                    "<label for='companyName'>Company name</label>"
                    "<input id='companyName' name='companyName'>"
                    "<button type='submit'>Accept</button></form>"
                    "<p class='muted'>Partner Center sandbox: no real tenant is changed.</p>"
                )
                return self._send(
                    200, page("Accept partner invitation", form), {}, "text/html; charset=utf-8"
                )
            form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
            try:
                with sandbox.store.lock:
                    _, view = sandbox.pc.accept_relationship(
                        {"domain": form.get("domain", ""), "companyName": form.get("companyName")}
                    )
                    sandbox.store.save()
            except ApiError as exc:
                body = f"<h1>Could not accept</h1><p>{html.escape(exc.description)}</p>"
                return self._send(400, page("Error", body), {}, "text/html; charset=utf-8")
            body = (
                "<h1>Relationship accepted</h1>"
                f"<p>{html.escape(view['companyProfile']['companyName'])} "
                f"(<span id='domain'>{html.escape(view['companyProfile']['domain'])}</span>) "
                "is now a customer of the partner.</p>"
                f"<p class='muted'>Customer id <span id='customer-id'>{view['id']}</span></p>"
            )
            return self._send(200, page("Accepted", body), {}, "text/html; charset=utf-8")

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description="Microsoft Partner Center REST sandbox")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8902)
    parser.add_argument("--state-dir", default="var/partner_center")
    parser.add_argument("--catalog", default=str(HERE / "catalog.json"))
    parser.add_argument("--client-id", default="seatwise-sandbox")
    parser.add_argument("--client-secret", default="sandbox-secret")
    parser.add_argument("--partner-tenant-id", default="8f3e7a4c-5b2d-4e61-9c0a-2d7b1f6e9a35")
    parser.add_argument("--mpn-id", default="6480012")
    parser.add_argument("--max-customers", type=int, default=None)
    parser.add_argument("--max-subscriptions-per-customer", type=int, default=None)
    parser.add_argument("--max-licences-per-subscription", type=int, default=None)
    parser.add_argument(
        "--require-customer-agreement",
        action="store_true",
        default=None,
        help="refuse NCE purchases until the customer's MCA is confirmed (400 / 990001)",
    )
    args = parser.parse_args()
    sandbox = Sandbox(args)
    server = ThreadingHTTPServer((args.host, args.port), make_handler(sandbox))
    server.daemon_threads = True
    print(f"Partner Center sandbox on http://{args.host}:{args.port}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("Partner Center sandbox stopped.", flush=True)
    finally:
        server.server_close()


if __name__ == "__main__":
    main()

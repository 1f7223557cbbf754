"""A fake of the outside port: Partner Center and Entra ID behind ``httpx.MockTransport``.

``ScriptedPartnerCenter`` answers each route from a queue of scripted answers (responses,
exceptions or callables) and records every request. ``StatefulPartnerCenter`` keeps carts,
orders and subscriptions and the ``MS-RequestId`` replay store of contract §2.1, so that
purchases can be repeated after lost answers."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from typing import Any

import httpx

from seatwise.connectors.microsoft.client import PartnerCenterClient, PartnerCenterConfig

API = "https://pc.test"
AUTHORITY = "https://login.test"
TENANT = "partner-tenant"
CLIENT_SECRET = "s3cr3t-client-VALUE"
REFRESH_TOKEN = "refresh-T0KEN-value"
ACCESS_TOKEN = "access-T0KEN-value"


def json_response(status: int, body: Any = None, headers: dict | None = None) -> httpx.Response:
    content = b"" if body is None else json.dumps(body).encode()
    return httpx.Response(
        status,
        content=content,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def error(status: int, code: Any, description: str = "refused", **extra) -> httpx.Response:
    return json_response(
        status, {"code": code, "description": description, "source": "PartnerFD", **extra}
    )


def token_answer(request: httpx.Request, counter: list[int]) -> httpx.Response:
    counter.append(1)
    return json_response(
        200,
        {
            "token_type": "Bearer",
            "expires_in": "3599",
            "access_token": f"{ACCESS_TOKEN}-{len(counter)}",
            "refresh_token": REFRESH_TOKEN,
        },
    )


Answer = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


class ScriptedPartnerCenter:
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.token_requests: list[httpx.Request] = []
        self.routes: list[tuple[str, re.Pattern, list[Answer]]] = []
        self._tokens: list[int] = []
        self.token_script: list[Answer] = []

    def on(self, method: str, path: str, *answers: Answer) -> ScriptedPartnerCenter:
        """Answer ``method path`` (a regex on the path, after ``/v1``) with ``answers`` in
        turn; the last one repeats."""
        self.routes.append((method, re.compile(f"^{path}$"), list(answers)))
        return self

    def api_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.host == "pc.test"]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.host == "login.test":
            self.token_requests.append(request)
            if self.token_script:
                return self._play(self.token_script, request)
            return token_answer(request, self._tokens)
        path = request.url.path.removeprefix("/v1")
        for method, pattern, answers in self.routes:
            if method == request.method and pattern.match(path):
                return self._play(answers, request)
        return error(404, 0, f"no route for {request.method} {path}")

    @staticmethod
    def _play(answers: list[Answer], request: httpx.Request) -> httpx.Response:
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if isinstance(answer, Exception):
            raise answer
        if callable(answer):
            return answer(request)
        return answer

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


def make_config(**overrides: Any) -> PartnerCenterConfig:
    values: dict[str, Any] = {
        "api_url": API,
        "authority_url": AUTHORITY,
        "tenant_id": TENANT,
        "client_id": "client-id",
        "client_secret": CLIENT_SECRET,
        "refresh_token": "",
    }
    values.update(overrides)
    return PartnerCenterConfig(**values)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_client(fake, *, sleeps: list | None = None, clock: Clock | None = None, **config):
    """A client on ``fake`` whose sleeps are recorded (and advance the clock)."""
    clock = clock or Clock()
    recorded = [] if sleeps is None else sleeps

    def sleep(seconds: float) -> None:
        recorded.append(seconds)
        clock.now += seconds

    return PartnerCenterClient(
        make_config(**config), transport=httpx.MockTransport(fake), sleep=sleep, clock=clock
    )


# --- a stateful Partner Center for purchases --------------------------------------------------


class StatefulPartnerCenter:
    """Carts, checkout, orders and subscriptions, with the sandbox's ``MS-RequestId`` replay
    store: a repeat of the same request replays the stored answer; the same id on a
    different request gets 400 / 990004. ``lose_answer_of`` makes the next matching call
    run and then time out, as a lost answer does."""

    def __init__(self, *, replay: bool = True) -> None:
        self.replay = replay
        self.requests: list[httpx.Request] = []
        self.store: dict[str, tuple[tuple, httpx.Response]] = {}
        self.carts: dict[str, dict] = {}
        self.orders: dict[str, dict] = {}
        self.subscriptions: dict[str, dict] = {}
        self.checkouts_run = 0
        self.lose_answer_of: set[str] = set()  # "cart_create" | "checkout"
        self.line_error: dict | None = None
        self.order_errors: list[dict] = []
        self._tokens: list[int] = []
        self._clock = 0

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.host == "login.test":
            return token_answer(request, self._tokens)
        request_id = request.headers["MS-RequestId"]
        signature = (request.method, request.url.path, request.content)
        if request.method not in ("GET", "HEAD") and self.replay and request_id in self.store:
            stored_signature, stored = self.store[request_id]
            if stored_signature != signature:
                return error(400, 990004, "MS-RequestId reused for a different request")
            return httpx.Response(
                stored.status_code, headers=stored.headers, content=stored.content
            )
        operation, response = self._route(request)
        if request.method not in ("GET", "HEAD"):
            self.store[request_id] = (signature, response)
        if operation in self.lose_answer_of:
            self.lose_answer_of.discard(operation)
            raise httpx.ReadTimeout("answer lost", request=request)
        return response

    def _now(self) -> str:
        self._clock += 1
        return f"2024-03-01T10:{self._clock // 60:02d}:{self._clock % 60:02d}Z"

    def _route(self, request: httpx.Request) -> tuple[str, httpx.Response]:
        path = request.url.path.removeprefix("/v1")
        parts = path.strip("/").split("/")
        if request.method == "POST" and parts[-1] == "carts":
            return "cart_create", self._cart_create(parts[1], json.loads(request.content))
        if request.method == "POST" and parts[-1] == "checkout":
            return "checkout", self._checkout(parts[1], parts[3])
        if request.method == "GET" and len(parts) == 4 and parts[2] == "carts":
            return "cart_get", json_response(200, self.carts[parts[3]])
        if request.method == "GET" and parts[-1] == "orders":
            items = [o for o in self.orders.values() if o["referenceCustomerId"] == parts[1]]
            return "orders", json_response(200, {"totalCount": len(items), "items": items})
        if request.method == "GET" and len(parts) == 4 and parts[2] == "orders":
            return "order_get", json_response(200, self.orders[parts[3]])
        if request.method == "GET" and parts[-1] == "subscriptions":
            order_id = request.url.params.get("order_id")
            items = [s for s in self.subscriptions.values() if s["orderId"] == order_id]
            return "subscriptions", json_response(200, {"totalCount": len(items), "items": items})
        if request.method == "GET" and len(parts) == 4 and parts[2] == "subscriptions":
            found = self.subscriptions.get(parts[3])
            if found is None:
                return "subscription_get", error(404, 0, "not found")
            return "subscription_get", json_response(200, found)
        return "unknown", error(404, 0, f"no route for {request.method} {path}")

    def _cart_create(self, customer_id: str, body: dict) -> httpx.Response:
        cart_id = str(uuid.uuid4())
        now = self._now()
        lines = []
        for line in body["lineItems"]:
            line = {**line, "orderGroup": "0", "currencyCode": "USD"}
            line["pricing"] = {"price": "12.5", "extendedPrice": "150"}
            if self.line_error and line["id"] == self.line_error["line"]:
                line["error"] = {
                    "errorCode": self.line_error["code"],
                    "errorDescription": self.line_error["description"],
                }
            lines.append(line)
        cart = {
            "id": cart_id,
            "creationTimestamp": now,
            "lastModifiedTimestamp": now,
            "status": "Active",
            "customerId": customer_id,
            "lineItems": lines,
        }
        self.carts[cart_id] = cart
        return json_response(201, cart)

    def _checkout(self, customer_id: str, cart_id: str) -> httpx.Response:
        cart = self.carts[cart_id]
        if cart["status"] == "Ordered":
            return error(400, 800099, "This cart has already been checked out.")
        self.checkouts_run += 1
        now = self._now()
        order_id = uuid.uuid4().hex[:12]
        order_lines = []
        for number, line in enumerate(cart["lineItems"]):
            subscription_id = str(uuid.uuid4())
            self.subscriptions[subscription_id] = {
                "id": subscription_id,
                "offerId": line["catalogItemId"],
                "offerName": "Offer " + line["catalogItemId"],
                "friendlyName": "",
                "quantity": line["quantity"],
                "status": "pending",
                "termDuration": line["termDuration"],
                "billingCycle": line["billingCycle"],
                "autoRenewEnabled": True,
                "orderId": order_id,
                "creationDate": now,
                "partnerId": next(
                    (p["value"] for p in line.get("participants", [])),
                    "",
                ),
            }
            order_lines.append(
                {
                    "lineItemNumber": number,
                    "offerId": line["catalogItemId"],
                    "subscriptionId": subscription_id,
                    "termDuration": line["termDuration"],
                    "quantity": line["quantity"],
                    "pricing": {"price": "12.5"},
                }
            )
        order = {
            "id": order_id,
            "referenceCustomerId": customer_id,
            "billingCycle": cart["lineItems"][0]["billingCycle"],
            "currencyCode": "USD",
            "lineItems": order_lines,
            "creationDate": now,
            "status": "pending",
        }
        self.orders[order_id] = order
        cart["status"] = "Ordered"
        cart["lastModifiedTimestamp"] = now
        return json_response(201, {"orders": [order], "orderErrors": self.order_errors})

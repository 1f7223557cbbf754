"""HTTP to Microsoft Partner Center, and nothing else (contract §1–§7).

* **Tokens** from Entra ID: client credentials (app-only) and the Secure Application Model
  refresh-token flow (App+User), each cached until shortly before it expires. App+User is
  the default when a refresh token is configured; a call known to accept app-only passes
  ``app_only=True``.
* **Headers** of §2 on every call. ``MS-RequestId`` is the idempotency key of one logical
  operation: the caller may pass the key it stored, and every retry of the call sends the
  same one. ``MS-CorrelationId`` is new on every HTTP call.
* **Retries** only for network errors, timeouts, 5xx (``max_attempts`` in all) and 429
  (``Retry-After`` honoured, doubled on a repeat, ``max_throttle_retries``; a wait longer
  than ``max_inline_wait`` is left to the caller). Nothing else is retried: 4xx answers
  become the typed errors of ``errors.py`` at once.
* **202 + Location** (subscription PATCH) is polled every ``poll_interval`` seconds up to
  ``poll_timeout``.

Secrets, tokens, passwords and bodies are never logged: a call is logged as its method,
path, status, ids and duration. ``sleep`` and ``clock`` are injectable so tests never wait.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from seatwise.connectors.microsoft import errors
from seatwise.connectors.microsoft.mapping import (
    PARTNER_CENTER_RESOURCE,
    dumps,
    loads,
    prop,
    subscription_patch_body,
    subscription_shows,
    text,
)

logger = logging.getLogger("seatwise.connectors.microsoft")

DEFAULT_API_URL = PARTNER_CENTER_RESOURCE
DEFAULT_AUTHORITY_URL = "https://login.microsoftonline.com"
APPLICATION_NAME = "Seatwise"


@dataclass(frozen=True)
class PartnerCenterConfig:
    """Where and how to reach Partner Center. Secrets are left out of ``repr``."""

    tenant_id: str
    client_id: str
    client_secret: str = field(default="", repr=False)
    refresh_token: str = field(default="", repr=False)
    api_url: str = DEFAULT_API_URL
    authority_url: str = DEFAULT_AUTHORITY_URL
    resource: str = PARTNER_CENTER_RESOURCE
    partner_id: str = ""
    locale: str = "en-US"
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    max_attempts: int = 3  # network errors, timeouts, 5xx: attempts in all
    max_throttle_retries: int = 3  # 429: retries in place
    max_inline_wait: float = 60.0  # a longer Retry-After is left to the caller
    backoff_base: float = 1.0
    backoff_max: float = 30.0
    poll_interval: float = 5.0
    poll_timeout: float = 900.0
    token_skew: float = 300.0  # renew a token this long before it expires


@dataclass
class _Token:
    value: str = field(repr=False)
    expires_at: float  # on the client's monotonic clock


def new_request_id() -> str:
    return str(uuid.uuid4())


class PartnerCenterClient:
    """A synchronous Partner Center client. ``transport`` replaces the network (tests use
    ``httpx.MockTransport``); ``sleep`` and ``clock`` replace ``time.sleep`` and
    ``time.monotonic``."""

    def __init__(
        self,
        config: PartnerCenterConfig,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        on_refresh_token: Callable[[str], None] | None = None,
        token_cache: MutableMapping[tuple, _Token] | None = None,
    ) -> None:
        self.config = config
        self._sleep = sleep
        self._clock = clock
        self._on_refresh_token = on_refresh_token
        self._refresh_token = config.refresh_token
        # Tokens by (who, mode); a connector shares one cache per process so that a page
        # asking about domains does not fetch a token per keystroke.
        self._tokens: MutableMapping[tuple, _Token] = {} if token_cache is None else token_cache
        fingerprint = hashlib.sha256(
            f"{config.client_secret}\x00{config.refresh_token}".encode()
        ).hexdigest()[:16]
        self._who = (config.authority_url, config.tenant_id, config.client_id, fingerprint)
        api = config.api_url.rstrip("/")
        self._api = api[: -len("/v1")] if api.endswith("/v1") else api
        self._http = httpx.Client(
            transport=transport,
            timeout=httpx.Timeout(
                connect=config.connect_timeout,
                read=config.read_timeout,
                write=config.read_timeout,
                pool=config.connect_timeout,
            ),
            follow_redirects=False,
        )

    def __repr__(self) -> str:
        return f"<PartnerCenterClient {self._api} tenant={self.config.tenant_id!r}>"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PartnerCenterClient:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # --- tokens ---------------------------------------------------------------------------

    def _mode(self, app_only: bool) -> str:
        return "app" if app_only or not self._refresh_token else "user"

    def _token(self, mode: str) -> str:
        cached = self._tokens.get((*self._who, mode))
        if cached is not None and self._clock() < cached.expires_at:
            return cached.value
        token = self._token_fetch(mode)
        self._tokens[(*self._who, mode)] = token
        return token.value

    def _token_fetch(self, mode: str) -> _Token:
        config = self.config
        form = {"client_id": config.client_id, "client_secret": config.client_secret}
        if mode == "user":
            form |= {
                "grant_type": "refresh_token",
                "refresh_token": self._refresh_token,
                "resource": config.resource,
                "scope": "openid",
            }
        else:
            form |= {"grant_type": "client_credentials", "resource": config.resource}
        url = f"{config.authority_url.rstrip('/')}/{quote(config.tenant_id, safe='')}/oauth2/token"
        failures = 0
        while True:
            try:
                response = self._http.post(url, data=form, headers={"Accept": "application/json"})
            except httpx.TransportError as exc:
                failures += 1
                logger.warning(
                    "Partner Center token request failed (%s, attempt %d)",
                    type(exc).__name__,
                    failures,
                )
                if failures >= config.max_attempts:
                    raise errors.unavailable("The Entra ID token endpoint did not answer.") from exc
                self._sleep(self._backoff(failures))
                continue
            if response.status_code >= 500 or response.status_code == 429:
                failures += 1
                logger.warning(
                    "Partner Center token request answered %d (attempt %d)",
                    response.status_code,
                    failures,
                )
                if failures >= config.max_attempts:
                    raise errors.unavailable("The Entra ID token endpoint did not answer.")
                self._sleep(self._retry_after(response) or self._backoff(failures))
                continue
            break
        try:
            payload = loads(response.content) if response.content else {}
        except ValueError:
            payload = {}
        token = text(prop(payload, "access_token"))
        if response.status_code != 200 or not token:
            reason = text(prop(payload, "error")) or f"HTTP {response.status_code}"
            logger.warning("Partner Center token refused (%s, mode=%s)", reason, mode)
            error = errors.PartnerCenterUnauthorized(
                f"Entra ID refused the Partner Center credentials ({reason}).",
                vendor_code=reason,
            )
            error.http_status = response.status_code
            raise error
        lifetime = float(text(prop(payload, "expires_in")) or 3600)
        rotated = text(prop(payload, "refresh_token"))
        if mode == "user" and rotated and rotated != self._refresh_token:
            self._refresh_token = rotated
            if self._on_refresh_token is not None:
                self._on_refresh_token(rotated)
        logger.info("Partner Center token acquired (mode=%s, expires_in=%ds)", mode, lifetime)
        skew = min(self.config.token_skew, lifetime / 2)
        return _Token(value=token, expires_at=self._clock() + lifetime - skew)

    def _forget_token(self, mode: str) -> None:
        self._tokens.pop((*self._who, mode), None)

    # --- the call -------------------------------------------------------------------------

    def url(self, path: str) -> str:
        """An absolute URL for an API path or a link's ``uri`` (``/customers/...``,
        ``customers/...``, ``/v1/customers/...`` or absolute)."""
        if urlsplit(path).scheme:
            return path
        path = path.lstrip("/")
        if not path.startswith("v1/"):
            path = f"v1/{path}"
        return f"{self._api}/{path}"

    def _backoff(self, attempt: int) -> float:
        return min(self.config.backoff_max, self.config.backoff_base * 2 ** (attempt - 1))

    @staticmethod
    def _retry_after(response: httpx.Response) -> float | None:
        raw = response.headers.get("Retry-After", "").strip()
        try:
            value = float(raw)
        except ValueError:
            return None
        return max(value, 0.0)

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: Mapping[str, Any] | None = None,
        request_id: str | None = None,
        app_only: bool = False,
        expect: tuple[int, ...] = (200,),
        operation: str = "",
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """One logical call: the same ``MS-RequestId`` on every attempt, a new
        ``MS-CorrelationId`` on each. Returns the response when its status is in ``expect``;
        raises the typed error otherwise."""
        config = self.config
        request_id = request_id or new_request_id()
        url = self.url(path)
        content = dumps(body).encode("utf-8") if body is not None else None
        mode = self._mode(app_only)
        failures = throttled = 0
        reauthorised = False
        while True:
            correlation_id = new_request_id()
            sent = {
                "Authorization": f"Bearer {self._token(mode)}",
                "Accept": "application/json",
                "MS-RequestId": request_id,
                "MS-CorrelationId": correlation_id,
                "MS-Contract-Version": "v1",
                "MS-PartnerCenter-Application": APPLICATION_NAME,
                "X-Locale": config.locale,
                **(headers or {}),
            }
            if content is not None:
                sent["Content-Type"] = "application/json"
            started = self._clock()
            try:
                response = self._http.request(
                    method, url, params=params, content=content, headers=sent
                )
            except httpx.TransportError as exc:
                failures += 1
                logger.warning(
                    "Partner Center %s %s failed: %s (attempt %d/%d, request %s)",
                    method,
                    urlsplit(url).path,
                    type(exc).__name__,
                    failures,
                    config.max_attempts,
                    request_id,
                )
                if failures >= config.max_attempts:
                    raise errors.unavailable(
                        "Partner Center did not answer.", request_id=request_id
                    ) from exc
                self._sleep(self._backoff(failures))
                continue
            status = response.status_code
            logger.info(
                "Partner Center %s %s -> %d in %.0f ms (request %s, correlation %s, "
                "MS-CV %s, server %s)",
                method,
                urlsplit(url).path,
                status,
                (self._clock() - started) * 1000,
                request_id,
                correlation_id,
                response.headers.get("MS-CV", "-"),
                response.headers.get("MS-ServerId", "-"),
            )
            if status in expect:
                return response
            if status == 429:
                throttled += 1
                first = self._retry_after(response)
                delay = (first if first is not None else self._backoff(1)) * 2 ** (throttled - 1)
                if throttled > config.max_throttle_retries or delay > config.max_inline_wait:
                    raise errors.unavailable(
                        "Partner Center is throttling requests; try again later.",
                        retry_after=delay,
                        cls=errors.Throttled,
                        body=errors.ErrorBody(http_status=429),
                        request_id=request_id,
                    )
                self._sleep(delay)
                continue
            if status == 401 and not reauthorised:
                reauthorised = True  # a token revoked or expired early: fetch one more
                self._forget_token(mode)
                continue
            if status >= 500:
                failures += 1
                if failures < config.max_attempts:
                    self._sleep(max(self._backoff(failures), self._retry_after(response) or 0))
                    continue
            body_error = errors.error_body_parse(http_status=status, content=response.content)
            raise errors.error_for(body_error, operation=operation, request_id=request_id)

    def get_json(self, path: str, **kwargs) -> Any:
        response = self.request("GET", path, **kwargs)
        return loads(response.content) if response.content else {}

    def collect(
        self,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        app_only: bool = False,
        max_pages: int = 1000,
    ) -> Iterator[dict]:
        """The items of a Collection across its pages (§4): seek paging follows
        ``links.next`` (its URI and headers) or ``continuationToken`` with
        ``seekOperation=Next`` and the token in the ``MS-ContinuationToken`` header; paging
        stops when a page has neither."""
        page = self.get_json(path, params=params, app_only=app_only)
        seen: set[str] = set()
        for _page in range(max_pages):
            yield from prop(page, "items", default=[]) or []
            links = prop(page, "links", default={}) or {}
            link = prop(links, "next", default={}) or {}
            link_headers = {
                text(prop(header, "key")): text(prop(header, "value"))
                for header in prop(link, "headers", default=[]) or []
                if text(prop(header, "key"))
            }
            token = text(prop(page, "continuationToken")) or link_headers.get(
                "MS-ContinuationToken", ""
            )
            uri = text(prop(link, "uri"))
            if not token and not uri:
                return
            marker = f"{uri}|{token}"
            if marker in seen:
                logger.warning("Partner Center paging repeated a page of %s; stopped", path)
                return
            seen.add(marker)
            if token:
                link_headers["MS-ContinuationToken"] = token
            if uri:
                page = self.get_json(uri, headers=link_headers, app_only=app_only)
            else:
                page = self.get_json(
                    path,
                    params={**(params or {}), "seekOperation": "Next"},
                    headers=link_headers,
                    app_only=app_only,
                )

    # --- domains, customers ---------------------------------------------------------------

    def domain_exists(self, domain: str) -> bool:
        """``HEAD /domains/{domain}``: 200 means the domain **exists** (taken), 404 that it
        is free (§9.1)."""
        response = self.request(
            "HEAD", f"/domains/{quote(domain, safe='')}", app_only=True, expect=(200, 404)
        )
        return response.status_code == 200

    def customer_create(self, body: Mapping[str, Any], *, request_id: str) -> dict:
        response = self.request(
            "POST",
            "/customers",
            body=body,
            request_id=request_id,
            app_only=True,
            expect=(200, 201),
            operation=errors.CUSTOMER_CREATE,
        )
        return loads(response.content)

    def customer_get(self, customer_id: str) -> dict:
        return self.get_json(f"/customers/{quote(customer_id, safe='')}")

    def customers_list(
        self, *, domain_prefix: str = "", company_prefix: str = "", size: int = 40
    ) -> Iterator[dict]:
        """Customers, all pages; ``domain_prefix`` / ``company_prefix`` filter with
        ``starts_with`` (case-insensitive, §4)."""
        params: dict[str, Any] = {"size": size}
        if domain_prefix or company_prefix:
            params["size"] = 0
            params["filter"] = dumps(
                {
                    "Field": "Domain" if domain_prefix else "CompanyName",
                    "Value": domain_prefix or company_prefix,
                    "Operator": "starts_with",
                }
            )
        return self.collect("/customers", params=params)

    def relationship_request(self, *, indirect_reseller_id: str = "") -> dict:
        params = {"indirectResellerId": indirect_reseller_id} if indirect_reseller_id else None
        return self.get_json("/customers/relationshiprequests", params=params)

    def agreements_metadata(self, agreement_type: str = "MicrosoftCustomerAgreement") -> list:
        payload = self.get_json("/agreements", params={"agreementType": agreement_type})
        return list(prop(payload, "items", default=[]) or [])

    def agreement_create(
        self, customer_id: str, body: Mapping[str, Any], *, request_id: str
    ) -> dict:
        response = self.request(
            "POST",
            f"/customers/{quote(customer_id, safe='')}/agreements",
            body=body,
            request_id=request_id,
            expect=(200, 201),
        )
        return loads(response.content) if response.content else {}

    # --- carts, orders --------------------------------------------------------------------

    def cart_create(self, customer_id: str, body: Mapping[str, Any], *, request_id: str) -> dict:
        response = self.request(
            "POST",
            f"/customers/{quote(customer_id, safe='')}/carts",
            body=body,
            request_id=request_id,
            app_only=True,
            expect=(200, 201),
        )
        return loads(response.content)

    def cart_get(self, customer_id: str, cart_id: str) -> dict:
        return self.get_json(
            f"/customers/{quote(customer_id, safe='')}/carts/{quote(cart_id, safe='')}",
            app_only=True,
        )

    def cart_checkout(self, customer_id: str, cart_id: str, *, request_id: str) -> dict:
        response = self.request(
            "POST",
            f"/customers/{quote(customer_id, safe='')}/carts/{quote(cart_id, safe='')}/checkout",
            request_id=request_id,
            app_only=True,
            expect=(200, 201),
        )
        return loads(response.content)

    def order_get(self, customer_id: str, order_id: str) -> dict:
        return self.get_json(
            f"/customers/{quote(customer_id, safe='')}/orders/{quote(order_id, safe='')}"
        )

    def orders_list(self, customer_id: str) -> list[dict]:
        return list(self.collect(f"/customers/{quote(customer_id, safe='')}/orders"))

    # --- subscriptions --------------------------------------------------------------------

    def subscriptions_list(self, customer_id: str, *, order_id: str = "") -> list[dict]:
        params = {"order_id": order_id} if order_id else None
        return list(
            self.collect(
                f"/customers/{quote(customer_id, safe='')}/subscriptions",
                params=params,
                app_only=True,
            )
        )

    def subscription_get(self, customer_id: str, subscription_id: str) -> dict:
        return self.get_json(self._subscription_path(customer_id, subscription_id), app_only=True)

    @staticmethod
    def _subscription_path(customer_id: str, subscription_id: str) -> str:
        return (
            f"/customers/{quote(customer_id, safe='')}"
            f"/subscriptions/{quote(subscription_id, safe='')}"
        )

    def subscription_patch(
        self,
        customer_id: str,
        subscription_id: str,
        body: Mapping[str, Any],
        *,
        request_id: str,
        done: Callable[[dict], bool] | None = None,
    ) -> dict:
        """PATCH a **full** Subscription body. On 202 + ``Location`` poll it until
        ``done(subscription)`` (or the first read when ``done`` is None); raises
        ``OperationPending`` after ``poll_timeout``."""
        response = self.request(
            "PATCH",
            self._subscription_path(customer_id, subscription_id),
            body=body,
            request_id=request_id,
            app_only=True,
            expect=(200, 201, 202),
            operation=errors.SUBSCRIPTION_UPDATE,
        )
        if response.status_code != 202:
            return loads(response.content)
        location = response.headers.get("Location") or self._subscription_path(
            customer_id, subscription_id
        )
        deadline = self._clock() + self.config.poll_timeout
        while True:
            self._sleep(self.config.poll_interval)
            current = self.get_json(location, app_only=True)
            if done is None or done(current):
                return current
            if self._clock() >= deadline:
                raise errors.unavailable(
                    "Partner Center accepted the change but has not applied it yet.",
                    retry_after=self.config.poll_interval,
                    cls=errors.OperationPending,
                    request_id=request_id,
                )

    def subscription_update(
        self,
        customer_id: str,
        subscription_id: str,
        changes: Mapping[str, Any],
        *,
        request_id: str,
    ) -> dict:
        """GET the subscription, apply ``changes`` (``mapping.PATCHABLE`` names) to the full
        resource, PATCH it back (§9.8), and wait out a 202."""
        current = self.subscription_get(customer_id, subscription_id)
        body = subscription_patch_body(current, changes)
        return self.subscription_patch(
            customer_id,
            subscription_id,
            body,
            request_id=request_id,
            done=lambda payload: subscription_shows(payload, changes),
        )

    def addons_list(self, customer_id: str, subscription_id: str) -> list[dict]:
        return list(
            self.collect(
                f"{self._subscription_path(customer_id, subscription_id)}/addons", app_only=True
            )
        )

    # --- users and licences (App+User only) -----------------------------------------------

    def users_list(self, customer_id: str) -> list[dict]:
        return list(self.collect(f"/customers/{quote(customer_id, safe='')}/users"))

    def user_create(self, customer_id: str, body: Mapping[str, Any], *, request_id: str) -> dict:
        response = self.request(
            "POST",
            f"/customers/{quote(customer_id, safe='')}/users",
            body=body,
            request_id=request_id,
            expect=(200, 201),
        )
        return loads(response.content)

    def subscribed_skus(self, customer_id: str) -> list[dict]:
        payload = self.get_json(f"/customers/{quote(customer_id, safe='')}/subscribedskus")
        return list(prop(payload, "items", default=[]) or [])

    def license_update(
        self, customer_id: str, user_id: str, body: Mapping[str, Any], *, request_id: str
    ) -> dict:
        response = self.request(
            "POST",
            f"/customers/{quote(customer_id, safe='')}/users/{quote(user_id, safe='')}"
            "/licenseupdates",
            body=body,
            request_id=request_id,
            expect=(200, 201),
        )
        return loads(response.content)

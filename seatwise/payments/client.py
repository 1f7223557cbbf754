"""HTTP to LiqPay's server API: one form POST with ``data`` + ``signature``, explicit
timeouts, typed errors. No ORM."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx

from seatwise.payments.exceptions import GatewayUnavailable


def liqpay_api_post(*, api_url: str, data: str, signature: str, timeout: int) -> dict[str, Any]:
    """POST the envelope and return the JSON answer (an object; numbers with a fraction as
    ``Decimal``). Network errors, timeouts, 5xx and non-JSON answers raise
    ``GatewayUnavailable``."""
    try:
        response = httpx.post(
            api_url,
            data={"data": data, "signature": signature},
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5)),
            follow_redirects=False,
        )
    except httpx.HTTPError as exc:
        raise GatewayUnavailable(
            "LiqPay cannot be reached right now. Please try again later.",
            details={"reason": type(exc).__name__},
        ) from exc
    if response.status_code >= 500 or response.status_code == 429:
        raise GatewayUnavailable(
            "LiqPay cannot be reached right now. Please try again later.",
            details={"http_status": response.status_code},
        )
    try:
        body = json.loads(response.text, parse_float=Decimal)
    except ValueError as exc:
        raise GatewayUnavailable(
            "LiqPay sent an answer Seatwise cannot read.",
            details={"http_status": response.status_code},
        ) from exc
    if not isinstance(body, dict):
        raise GatewayUnavailable("LiqPay sent an answer Seatwise cannot read.")
    return body

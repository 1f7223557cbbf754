"""The LiqPay API v3 protocol (docs: ../shared/reference/liqpay.md): the ``data`` +
``signature`` envelope, the checkout and request parameters, and the status mapping.

Pure functions, no ORM and no network. ``liqpay_sign`` is the one hash function: the signer
and the verifier both call it, and the verifier hashes the received string as-is, before
any decoding.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

VERSION = 3
CURRENCIES = frozenset({"UAH", "USD", "EUR"})
LANGUAGES = frozenset({"uk", "en"})
ORDER_ID_MAX_LENGTH = 255
URL_MAX_LENGTH = 510
CENT = Decimal("0.01")

# §A.7, the project's mapping. Every status not named here is pending.
PAID_STATUSES = frozenset({"success", "wait_compensation"})
SANDBOX_STATUS = "sandbox"
FAILED_STATUSES = frozenset({"failure", "error"})
REFUNDED_STATUSES = frozenset({"reversed"})
IGNORED_STATUSES = frozenset({"subscribed", "unsubscribed"})


class LiqPayProtocolError(ValueError):
    """The envelope or its JSON is malformed, or a parameter is out of the protocol."""


def liqpay_sign(data: str, *, private_key: str) -> str:
    """``base64(sha1(private_key + data + private_key))`` over the exact string."""
    digest = hashlib.sha1(  # noqa: S324 (the protocol's hash, not a password hash)
        (private_key + data + private_key).encode("utf-8")
    ).digest()
    return base64.b64encode(digest).decode("ascii")


def liqpay_verify(*, data: str, signature: str, private_key: str) -> bool:
    """Hash the received ``data`` string as-is and compare in constant time."""
    if not isinstance(data, str) or not isinstance(signature, str) or not private_key:
        return False
    expected = liqpay_sign(data, private_key=private_key)
    return hmac.compare_digest(expected.encode("ascii"), signature.encode("utf-8", "replace"))


def liqpay_encode(params: dict[str, Any]) -> str:
    """Compact UTF-8 JSON (keys in the given order) in standard base64."""
    text = json.dumps(params, ensure_ascii=False, separators=(",", ":"), default=_json_default)
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format_amount(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def liqpay_decode(data: str | bytes) -> dict[str, Any]:
    """Standard base64 (embedded line breaks ignored) of UTF-8 JSON; numbers with a
    fraction come back as ``Decimal``, never as binary floating point."""
    if isinstance(data, str):
        if not data.isascii():
            raise LiqPayProtocolError("LiqPay data is not base64 JSON.")
        data = data.encode("ascii")
    compact = b"".join(data.split())
    try:
        raw = base64.b64decode(compact, altchars=None, validate=True)
        decoded = json.loads(raw.decode("utf-8"), parse_float=Decimal)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise LiqPayProtocolError("LiqPay data is not base64 JSON.") from exc
    if not isinstance(decoded, dict):
        raise LiqPayProtocolError("LiqPay data is not a JSON object.")
    return decoded


def format_amount(amount: Decimal) -> str:
    """A ``Decimal`` as a string with exactly two decimals, e.g. ``"10.50"``."""
    if not isinstance(amount, Decimal):
        raise LiqPayProtocolError("Amounts must be Decimal.")
    return str(amount.quantize(CENT, rounding=ROUND_HALF_UP))


def parse_amount(value: Any) -> Decimal | None:
    """A received amount (number or string) as a ``Decimal`` to 2 dp; None if unreadable."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not amount.is_finite():
        return None
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def checkout_params(
    *,
    public_key: str,
    amount: Decimal,
    currency: str,
    description: str,
    order_id: str,
    result_url: str = "",
    server_url: str = "",
    language: str = "uk",
    sandbox: bool = False,
) -> dict[str, Any]:
    """The ``action: pay`` parameters of §A.5, ``public_key`` inside."""
    if currency not in CURRENCIES:
        raise LiqPayProtocolError(f"LiqPay does not accept the currency {currency}.")
    if not order_id or len(order_id) > ORDER_ID_MAX_LENGTH:
        raise LiqPayProtocolError("The order id must have 1 to 255 characters.")
    if amount <= 0:
        raise LiqPayProtocolError("The amount must be positive.")
    for url in (result_url, server_url):
        if len(url) > URL_MAX_LENGTH:
            raise LiqPayProtocolError("A LiqPay URL may have at most 510 characters.")
    params: dict[str, Any] = {
        "version": VERSION,
        "action": "pay",
        "amount": format_amount(amount),
        "currency": currency,
        "description": description,
        "order_id": order_id,
    }
    if result_url:
        params["result_url"] = result_url
    if server_url:
        params["server_url"] = server_url
    params["language"] = language if language in LANGUAGES else "uk"
    if sandbox:
        params["sandbox"] = 1
    params["public_key"] = public_key
    return params


def request_params(
    *, public_key: str, action: str, order_id: str, amount: Decimal | None = None
) -> dict[str, Any]:
    """The parameters of a server API request (``status``, ``refund``)."""
    params: dict[str, Any] = {
        "action": action,
        "version": VERSION,
        "public_key": public_key,
        "order_id": order_id,
    }
    if amount is not None:
        params["amount"] = format_amount(amount)
    return params


def envelope(params: dict[str, Any], *, private_key: str) -> tuple[str, str]:
    """``(data, signature)`` for ``params``."""
    data = liqpay_encode(params)
    return data, liqpay_sign(data, private_key=private_key)


def map_status(status: str, *, sandbox: bool) -> str | None:
    """A LiqPay status as Seatwise's ``paid``, ``failed``, ``refunded`` or ``pending``.

    ``None`` means "not ours to apply": ``subscribed``/``unsubscribed``, and ``sandbox`` on a
    payment created without the sandbox flag (which must be flagged, never paid)."""
    if status in PAID_STATUSES:
        return "paid"
    if status == SANDBOX_STATUS:
        return "paid" if sandbox else None
    if status in FAILED_STATUSES:
        return "failed"
    if status in REFUNDED_STATUSES:
        return "refunded"
    if status in IGNORED_STATUSES:
        return None
    return "pending"

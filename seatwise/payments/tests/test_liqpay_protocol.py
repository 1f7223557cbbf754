"""Known-answer vectors and the pure protocol (../shared/reference/liqpay.md §A.3, §A.5,
§A.7). No database, no network, no third-party package."""

from __future__ import annotations

import base64
import json
from decimal import Decimal

import pytest

from seatwise.payments import liqpay

KEY = "your_private_key"
LINES = [
    "eyAidmVyc2lvbiIgOiAzLCAicHVibGljX2tleSIgOiAieW91cl9wdWJsaWNfa2V5IiwgImFjdGlv",
    "biIgOiAicGF5IiwgImFtb3VudCIgOiAxLCAiY3VycmVuY3kiIDogIlVTRCIsICJkZXNjcmlwdGlv",
    "biIgOiAiZGVzY3JpcHRpb24gdGV4dCIsICJvcmRlcl9pZCIgOiAib3JkZXJfaWRfMSIgfQ==",
]
INTEROP_CHECKOUT_DATA = (
    "eyJ2ZXJzaW9uIjogMywgImFjdGlvbiI6ICJwYXkiLCAiYW1vdW50IjogIjEwLjUwIiwgImN1cnJlbmN5IjogIlVB"
    "SCIsICJkZXNjcmlwdGlvbiI6ICJMaWNlbmNlICMxIiwgIm9yZGVyX2lkIjogIm9yZC0xIiwgInJlc3VsdF91cmwi"
    "OiAiaHR0cHM6Ly9leGFtcGxlLnRlc3QvZG9uZSIsICJzZXJ2ZXJfdXJsIjogImh0dHBzOi8vZXhhbXBsZS50ZXN0"
    "L2NiIiwgImxhbmd1YWdlIjogInVrIiwgInNhbmRib3giOiAxLCAicHVibGljX2tleSI6ICJzYW5kYm94X2kwMDAi"
    "fQ=="
)
INTEROP_CHECKOUT_SIGNATURE = "36r5segAsU0ieoFBzigiRaFsxT0="
INTEROP_CALLBACK_DATA = (
    "eyJ2ZXJzaW9uIjogMywgImFjdGlvbiI6ICJwYXkiLCAic3RhdHVzIjogInN1Y2Nlc3MiLCAib3JkZXJfaWQiOiAi"
    "b3JkLTEiLCAicGF5bWVudF9pZCI6IDEyMzQ1NiwgImFtb3VudCI6IDEwLjUsICJjdXJyZW5jeSI6ICJVQUgiLCAi"
    "cHVibGljX2tleSI6ICJzYW5kYm94X2kwMDAifQ=="
)
INTEROP_CALLBACK_SIGNATURE = "iT0ugT0JnB8Dc8mmQthjdGVoTZo="


@pytest.mark.parametrize(
    ("data", "signature"),
    [
        ("base64_post_string", "tp+ZLmKm1/E83dIzUpx5ljcttP4="),  # vector 1 (official)
        ("\n".join(LINES), "QvJD5u9Fg55PCx/Hdz6lzWtYwcI="),  # vector 2 (official)
        ("".join(LINES), "MPgGw632itnbRVDSd/KyNEGrAsQ="),  # vector 3: no line breaks
        ("\n".join(LINES) + "\n", "d02zv6zw+tJeivzXy2NxNeuzKwo="),  # vector 4: trailing \n
    ],
)
def test_known_answer_vectors_sign_and_verify(data, signature):
    assert liqpay.liqpay_sign(data, private_key=KEY) == signature
    assert len(signature) == 28
    assert liqpay.liqpay_verify(data=data, signature=signature, private_key=KEY)


def test_line_breaks_are_part_of_the_signed_string():
    wrapped = "\n".join(LINES)
    assert not liqpay.liqpay_verify(
        data="".join(LINES), signature="QvJD5u9Fg55PCx/Hdz6lzWtYwcI=", private_key=KEY
    )
    assert not liqpay.liqpay_verify(
        data=wrapped + "\n", signature="QvJD5u9Fg55PCx/Hdz6lzWtYwcI=", private_key=KEY
    )
    # …but the decoder ignores them once the signature is good.
    assert liqpay.liqpay_decode(wrapped) == {
        "version": 3,
        "public_key": "your_public_key",
        "action": "pay",
        "amount": 1,
        "currency": "USD",
        "description": "description text",
        "order_id": "order_id_1",
    }


def test_interop_checkout_vector_verifies_and_decodes():
    assert liqpay.liqpay_verify(
        data=INTEROP_CHECKOUT_DATA,
        signature=INTEROP_CHECKOUT_SIGNATURE,
        private_key="sandbox_secret",
    )
    decoded = liqpay.liqpay_decode(INTEROP_CHECKOUT_DATA)
    # Seatwise's own builder yields the same parameters, in the same order.
    ours = liqpay.checkout_params(
        public_key="sandbox_i000",
        amount=Decimal("10.5"),
        currency="UAH",
        description="Licence #1",
        order_id="ord-1",
        result_url="https://example.test/done",
        server_url="https://example.test/cb",
        language="uk",
        sandbox=True,
    )
    assert list(ours.items()) == list(decoded.items())
    # Python's default json.dumps layout reproduces the vector byte for byte.
    peer = base64.b64encode(json.dumps(ours).encode()).decode()
    assert peer == INTEROP_CHECKOUT_DATA


def test_interop_callback_vector_verifies_and_decodes_amount_as_decimal():
    assert liqpay.liqpay_verify(
        data=INTEROP_CALLBACK_DATA,
        signature=INTEROP_CALLBACK_SIGNATURE,
        private_key="sandbox_secret",
    )
    decoded = liqpay.liqpay_decode(INTEROP_CALLBACK_DATA)
    assert decoded["amount"] == Decimal("10.5")
    assert isinstance(decoded["amount"], Decimal)
    assert decoded["status"] == "success"
    assert decoded["payment_id"] == 123456


def test_seatwise_encoding_is_compact_utf8_standard_base64():
    data = liqpay.liqpay_encode({"description": "Ліцензія ➕/?", "amount": Decimal("7")})
    raw = base64.b64decode(data, validate=True).decode("utf-8")
    assert raw == '{"description":"Ліцензія ➕/?","amount":"7.00"}'
    assert "-" not in data and "_" not in data  # never the URL-safe alphabet


def test_envelope_signs_what_it_encodes():
    data, signature = liqpay.envelope({"a": 1}, private_key="k")
    assert signature == liqpay.liqpay_sign(data, private_key="k")


@pytest.mark.parametrize(
    ("data", "signature", "key"),
    [
        (INTEROP_CALLBACK_DATA, INTEROP_CALLBACK_SIGNATURE, "other_secret"),
        (INTEROP_CALLBACK_DATA + "=", INTEROP_CALLBACK_SIGNATURE, "sandbox_secret"),
        (INTEROP_CALLBACK_DATA, INTEROP_CALLBACK_SIGNATURE.lower(), "sandbox_secret"),
        (INTEROP_CALLBACK_DATA, "", "sandbox_secret"),
        (INTEROP_CALLBACK_DATA, INTEROP_CALLBACK_SIGNATURE, ""),
        (INTEROP_CALLBACK_DATA, "ü" * 28, "sandbox_secret"),
    ],
)
def test_verify_refuses_anything_but_the_exact_string_and_key(data, signature, key):
    assert not liqpay.liqpay_verify(data=data, signature=signature, private_key=key)


@pytest.mark.parametrize("bad", ["not base64!", "WyJsaXN0Il0=", "bm90IGpzb24=", "ЖЖЖЖ"])
def test_decode_refuses_non_object_or_non_base64(bad):
    with pytest.raises(liqpay.LiqPayProtocolError):
        liqpay.liqpay_decode(bad)


@pytest.mark.parametrize(
    ("amount", "text"),
    [(Decimal("10.5"), "10.50"), (Decimal("7"), "7.00"), (Decimal("0.005"), "0.01")],
)
def test_amount_is_a_two_decimal_string(amount, text):
    assert liqpay.format_amount(amount) == text


def test_amount_must_be_decimal():
    with pytest.raises(liqpay.LiqPayProtocolError):
        liqpay.format_amount(10)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("10.5"), Decimal("10.50")),
        ("10.50", Decimal("10.50")),
        (7, Decimal("7.00")),
        (None, None),
        (True, None),
        ("abc", None),
        ("NaN", None),
    ],
)
def test_parse_amount(value, expected):
    assert liqpay.parse_amount(value) == expected


def test_checkout_params_refuse_other_currencies_and_long_order_ids():
    base = {"public_key": "p", "amount": Decimal("1"), "description": "d", "order_id": "o"}
    with pytest.raises(liqpay.LiqPayProtocolError):
        liqpay.checkout_params(**base | {"currency": "RUB"})
    with pytest.raises(liqpay.LiqPayProtocolError):
        liqpay.checkout_params(**base | {"currency": "UAH", "order_id": "x" * 256})
    with pytest.raises(liqpay.LiqPayProtocolError):
        liqpay.checkout_params(**base | {"currency": "UAH", "amount": Decimal("0")})
    params = liqpay.checkout_params(**base | {"currency": "EUR", "order_id": "x" * 255})
    assert params["order_id"] == "x" * 255
    assert "sandbox" not in params
    assert list(params)[-1] == "public_key"
    assert params["language"] == "uk"


def test_request_params():
    assert liqpay.request_params(
        public_key="p", action="refund", order_id="sw-1", amount=Decimal("5.5")
    ) == {"action": "refund", "version": 3, "public_key": "p", "order_id": "sw-1", "amount": "5.50"}


@pytest.mark.parametrize(
    ("status", "sandbox", "expected"),
    [
        ("success", False, "paid"),
        ("wait_compensation", False, "paid"),
        ("sandbox", True, "paid"),
        ("sandbox", False, None),
        ("failure", False, "failed"),
        ("error", False, "failed"),
        ("reversed", False, "refunded"),
        ("subscribed", False, None),
        ("unsubscribed", False, None),
        ("3ds_verify", False, "pending"),
        ("processing", False, "pending"),
        ("wait_accept", False, "pending"),
        ("wait_reserve", False, "pending"),
        ("try_again", False, "pending"),
        ("something_new", False, "pending"),
    ],
)
def test_status_mapping(status, sandbox, expected):
    assert liqpay.map_status(status, sandbox=sandbox) == expected

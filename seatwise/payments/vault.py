"""Gateway secrets at rest: Fernet with a key derived from ``SECRET_KEY``.

A database dump alone does not reveal a merchant's private key. Rotating ``SECRET_KEY``
needs the keys entered again (docs/adr/0013-liqpay.md)."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    material = hashlib.sha256(b"seatwise.payments.secret:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(material))


def secret_encrypt(*, plain: str) -> str:
    return _fernet().encrypt(plain.encode("utf-8")).decode("ascii") if plain else ""


def secret_decrypt(*, token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        return ""


def secret_mask(*, plain: str) -> str:
    if not plain:
        return ""
    return "•" * 8 + plain[-2:] if len(plain) > 8 else "•" * 8

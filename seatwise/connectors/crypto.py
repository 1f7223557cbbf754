"""Vendor credentials at rest: Fernet (AES-128-CBC + HMAC-SHA256), never clear text in the
database (docs/adr/0016-partner-center-client.md).

The key comes from the setting ``SEATWISE_ENCRYPTION_KEY``: one or more Fernet keys
(urlsafe base64 of 32 bytes), comma-separated, the first one encrypting and every one
decrypting, so a key can be rotated by putting the new one first. Without it the key is
derived from ``SECRET_KEY`` with HKDF-SHA256 (its own ``info``, so it is not the key any
other part of Seatwise derives); rotating ``SECRET_KEY`` then needs the secrets entered
again."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from seatwise.connectors.exceptions import CredentialsUnreadable

_HKDF_SALT = b"seatwise.connectors"
_HKDF_INFO = b"seatwise.connectors.credentials.v1"


def _derived_key(secret_key: str) -> bytes:
    material = HKDF(algorithm=hashes.SHA256(), length=32, salt=_HKDF_SALT, info=_HKDF_INFO).derive(
        secret_key.encode("utf-8")
    )
    return base64.urlsafe_b64encode(material)


def _fernet() -> MultiFernet:
    configured = getattr(settings, "SEATWISE_ENCRYPTION_KEY", "") or ""
    if isinstance(configured, list | tuple):
        keys = [str(key).strip() for key in configured if str(key).strip()]
    else:
        keys = [key.strip() for key in str(configured).split(",") if key.strip()]
    if not keys:
        return MultiFernet([Fernet(_derived_key(settings.SECRET_KEY))])
    try:
        return MultiFernet([Fernet(key.encode("ascii")) for key in keys])
    except (ValueError, UnicodeEncodeError) as exc:
        raise ImproperlyConfigured(
            "SEATWISE_ENCRYPTION_KEY must hold Fernet keys (urlsafe base64 of 32 bytes), "
            "comma-separated."
        ) from exc


def secret_encrypt(*, plain: str) -> str:
    """The Fernet token of ``plain`` (ASCII), or ``""`` for an empty secret."""
    return _fernet().encrypt(plain.encode("utf-8")).decode("ascii") if plain else ""


def secret_decrypt(*, token: str) -> str:
    """The clear text of a token made by ``secret_encrypt``. Raises ``CredentialsUnreadable``
    when no configured key opens it (the key changed): the secret must be entered again."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeEncodeError):
        raise CredentialsUnreadable(
            "A stored secret cannot be decrypted with the configured key; enter it again."
        ) from None


def secret_rotate(*, token: str) -> str:
    """``token`` re-encrypted with the first configured key (after a key rotation)."""
    if not token:
        return ""
    try:
        return _fernet().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeEncodeError):
        raise CredentialsUnreadable(
            "A stored secret cannot be decrypted with the configured key; enter it again."
        ) from None

"""API keys: the rules and the pure parts (format, hashing), shared by the model, services,
selectors and the ninja auth class.

A key belongs to one user *and* one organization. It looks like ``sw_`` followed by 43
URL-safe characters (32 random bytes). Only the SHA-256 of the whole key is stored: a key
has 256 bits of entropy, so a fast hash is enough (no salt, no slow KDF), and a lookup by
hash reveals nothing about the key through timing. The first characters (``prefix``) are
stored in clear so people can tell their keys apart in lists; they are not enough to use a
key. The plaintext is returned once, by ``api_key_create``, and never stored or logged.

Who may hold a key: members whose role in the organization is owner, account manager,
billing or technical. Read-only members may not: a key is a long-lived credential for
scripts and integrations, and a read-only seat is meant for people looking at the portal.
A key never grants more than its user's current role; each endpoint still checks the role.
A key stops working when it is revoked, when its user is deactivated, when its user leaves
the organization or is moved to a role that may not hold keys, and when the organization
is deactivated.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, NamedTuple

from seatwise.core.errors import ApplicationError, NotFoundError
from seatwise.tenancy.enums import Role

if TYPE_CHECKING:  # pragma: no cover
    from seatwise.identity.models import User
    from seatwise.tenancy.models import Organization

KEY_PREFIX = "sw_"
KEY_RANDOM_BYTES = 32
# Characters of the key kept in clear: the marker plus 8 random characters.
DISPLAY_PREFIX_LENGTH = len(KEY_PREFIX) + 8
# A well-formed key is the marker plus 43 characters; anything much longer is not one of ours.
MAX_KEY_LENGTH = 128
NAME_MAX_LENGTH = 100
# last_used_at is written at most once per this interval per key.
LAST_USED_RESOLUTION = timedelta(minutes=1)

API_KEY_ROLES = frozenset({Role.OWNER, Role.ACCOUNT_MANAGER, Role.BILLING, Role.TECHNICAL})

# Event names published after commit (``seatwise.core.events``) for the apps above.
EVENT_CREATED = "tenancy.api_key_created"
EVENT_REVOKED = "tenancy.api_key_revoked"
EVENT_USED_FIRST = "tenancy.api_key_used_first"


class ApiKeyNotFound(NotFoundError):
    code = "api_key_not_found"


class ApiCaller(NamedTuple):
    """Who a valid key speaks for."""

    user: User
    organization: Organization


def generate_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(KEY_RANDOM_BYTES)


def hash_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode("utf-8")).hexdigest()


def display_prefix(raw_key: str) -> str:
    return raw_key[:DISPLAY_PREFIX_LENGTH]


def looks_like_key(value: object) -> bool:
    """True for a string shaped like a full key (used to keep keys out of logs and audit)."""
    return (
        isinstance(value, str)
        and value.startswith(KEY_PREFIX)
        and len(value) >= DISPLAY_PREFIX_LENGTH + 16
        and len(value) <= MAX_KEY_LENGTH
    )


class InvalidApiKey(ApplicationError):
    """A request sent an ``X-API-Key`` that is not a live key (401; never falls back to the
    session or to anonymous, so a broken integration fails loudly)."""

    code = "invalid_api_key"
    status = 401

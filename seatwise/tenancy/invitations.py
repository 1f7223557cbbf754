"""Invitations: the rules and the pure parts (token format, hashing), shared by the model,
services, selectors and the pages above.

An owner or account manager (of an organization or of one above it) invites an e-mail
address into an organization with a role. The invitation carries a random URL-safe token
(32 bytes); only its SHA-256 is stored, so the token travels only in the e-mail's link. An
invitation is *pending* until it is accepted, declined or expires (``VALID_FOR`` after it
was sent); a new invitation for the same address and organization replaces a pending one
(the old one expires at once). Accepting needs a signed-in user with the invited address.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from seatwise.core.errors import NotFoundError, PermissionDeniedError, ValidationError

TOKEN_RANDOM_BYTES = 32
MAX_TOKEN_LENGTH = 128
VALID_FOR = timedelta(days=7)
VALID_FOR_DAYS = VALID_FOR.days

# Event names published after commit (``seatwise.core.events``) for the apps above.
EVENT_SENT = "tenancy.invitation_sent"
EVENT_ACCEPTED = "tenancy.invitation_accepted"
EVENT_DECLINED = "tenancy.invitation_declined"

NOT_FOUND_MESSAGE = "This invitation does not exist, has expired or has already been used."


class InvitationNotFound(NotFoundError):
    """Unknown, expired, accepted or declined: one error, one message, for all of them."""

    code = "invitation_not_found"


class InvitationEmailMismatch(PermissionDeniedError):
    code = "invitation_email_mismatch"


class AlreadyMember(ValidationError):
    code = "already_member"


def generate_token() -> str:
    return secrets.token_urlsafe(TOKEN_RANDOM_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def normalize_email(email: object) -> str:
    return str(email or "").strip().lower()

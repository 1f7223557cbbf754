"""Writes to the event log. The log is append-only: there is no service to change or delete
an entry, and the admin is read-only."""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from seatwise.audit.enums import AuditEventType
from seatwise.audit.exceptions import AuditDetailsRejected, UnknownAuditEvent
from seatwise.audit.models import USER_AGENT_MAX_LENGTH, AuditEvent
from seatwise.core import clock
from seatwise.tenancy.apikeys import looks_like_key
from seatwise.tenancy.models import Membership, Organization
from seatwise.tenancy.selectors import acting_from_organization

# Key names that suggest a secret: refused wherever they appear in ``details``.
_SECRET_WORDS = ("password", "passwd", "secret", "token", "credential", "private")
_SECRET_PARTS = frozenset({"code", "codes", "otp", "totp", "pin", "pwd"})
_KEY_PARTS = re.compile(r"[^a-z0-9]+")
DETAILS_MAX_CHARS = 4000

_INFER = object()


def _secret_key_name(name: str) -> bool:
    lowered = name.lower()
    if any(word in lowered for word in _SECRET_WORDS):
        return True
    # snake_case, kebab-case and camelCase parts: "sms_code", "otpCode", "recovery-codes"
    parts = _KEY_PARTS.split(re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower())
    return any(part in _SECRET_PARTS for part in parts)


def _check_details(value: Any, path: str = "details") -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise AuditDetailsRejected(
                    "Audit details must have text keys.", details={"field": path}
                )
            if _secret_key_name(key):
                raise AuditDetailsRejected(
                    "Audit details may not carry secrets (passwords, codes, tokens, keys).",
                    details={"field": f"{path}.{key}"},
                )
            _check_details(item, f"{path}.{key}")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _check_details(item, f"{path}[{index}]")
    elif looks_like_key(value):
        raise AuditDetailsRejected(
            "Audit details may not carry an API key.", details={"field": path}
        )


def _clean_details(details: Mapping[str, Any] | None) -> dict[str, Any]:
    """``details`` as stored: a JSON object without secret-looking keys or API keys."""
    if details is None:
        return {}
    if not isinstance(details, Mapping):
        raise AuditDetailsRejected("Audit details must be an object.", details={"field": "details"})
    _check_details(details)
    encoded = json.dumps(dict(details), cls=DjangoJSONEncoder)
    if len(encoded) > DETAILS_MAX_CHARS:
        raise AuditDetailsRejected(
            f"Audit details are limited to {DETAILS_MAX_CHARS} characters.",
            details={"field": "details"},
        )
    return json.loads(encoded)


def _request_client(request) -> tuple[str | None, str]:
    """The client's IP address (REMOTE_ADDR; a proxy in front must set it) and user agent
    (truncated) of ``request``."""
    meta = getattr(request, "META", {}) or {}
    return _valid_ip(meta.get("REMOTE_ADDR")), str(meta.get("HTTP_USER_AGENT", ""))


def _valid_ip(value: object) -> str | None:
    try:
        return str(ipaddress.ip_address(str(value or "").strip()))
    except ValueError:
        return None


def _event(event: object) -> AuditEventType:
    try:
        return AuditEventType(event)
    except ValueError:
        raise UnknownAuditEvent(
            f"Unknown audit event: {event}.", details={"event": str(event)}
        ) from None


def _actor(actor):
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return actor


def _build(
    *,
    organization: Organization,
    actor,
    event: AuditEventType,
    details: dict,
    acting_from: Organization | None,
    ip: str | None,
    user_agent: str,
    at,
) -> AuditEvent:
    return AuditEvent(
        organization=organization,
        actor=actor,
        actor_label=(getattr(actor, "email", "") or str(actor))[:254] if actor else "",
        acting_from=acting_from,
        event=event,
        details=details,
        ip_address=ip,
        user_agent=(user_agent or "")[:USER_AGENT_MAX_LENGTH],
        created_at=at,
    )


def audit_record(
    *,
    organization: Organization,
    actor,
    event: str,
    details: Mapping[str, Any] | None = None,
    request=None,
    acting_from: Organization | None = None,
    ip: str | None = None,
    user_agent: str = "",
) -> AuditEvent:
    """Append one entry to ``organization``'s log and return it.

    ``actor`` may be None (or anonymous) for failures nobody signed in for. ``request``, if
    given, supplies the IP address and user agent (otherwise ``ip`` / ``user_agent``).
    ``acting_from`` is the actor's own organization when they act inside ``organization``
    from a parent one; when not given it is found from the actor's memberships, so staff
    acting for a customer are always recorded with both identities. ``details`` must be a
    JSON object without secrets: keys naming passwords, codes, tokens or secrets (anywhere
    in it), and values shaped like an API key, are refused with ``AuditDetailsRejected``.
    """
    code = _event(event)
    cleaned = _clean_details(details)
    actor = _actor(actor)
    if request is not None:
        ip, user_agent = _request_client(request)
    else:
        ip = _valid_ip(ip) if ip else None
    if acting_from is None and actor is not None:
        acting_from = acting_from_organization(user=actor, organization=organization)
    entry = _build(
        organization=organization,
        actor=actor,
        event=code,
        details=cleaned,
        acting_from=acting_from,
        ip=ip,
        user_agent=user_agent,
        at=clock.now(),
    )
    entry.save(force_insert=True)
    return entry


@transaction.atomic
def audit_record_for_user(
    *,
    user,
    event: str,
    actor: Any = _INFER,
    details: Mapping[str, Any] | None = None,
    request=None,
    ip: str | None = None,
    user_agent: str = "",
    organizations: Iterable[Organization] | None = None,
) -> list[AuditEvent]:
    """Append the same entry to the log of every organization ``user`` is a member of
    (account events such as sign-in or a password change concern all of them).

    ``actor`` defaults to ``user``; pass None for an anonymous attempt on the account (a
    failed sign-in). ``organizations`` overrides the membership lookup."""
    code = _event(event)
    cleaned = _clean_details(details)
    actor = _actor(user if actor is _INFER else actor)
    if request is not None:
        ip, user_agent = _request_client(request)
    else:
        ip = _valid_ip(ip) if ip else None
    if organizations is None:
        organizations = [
            m.organization
            for m in Membership.objects.filter(user=user).select_related("organization")
        ]
    at = clock.now()
    entries = [
        _build(
            organization=organization,
            actor=actor,
            event=code,
            details=cleaned,
            acting_from=None,  # their own organizations
            ip=ip,
            user_agent=user_agent,
            at=at,
        )
        for organization in organizations
    ]
    return AuditEvent.objects.bulk_create(entries)

"""REST API authentication by API key (``X-API-Key`` header), alone or with the session.

Use on a router or an endpoint::

    from seatwise.tenancy.api_auth import api_key_optional, session_or_api_key

    router = Router(auth=session_or_api_key())      # signed-in user or a key: else 401
    @router.get("/things", auth=api_key_optional())  # public reads that a key can personalise

and find the organization the caller acts for with ``api_organization(request)``: the key's
organization for a key, else the session's choice (``current_organization``).

A key that is sent but not live (unknown, revoked, its user gone or no longer allowed) is a
401 ``invalid_api_key``, even when a session cookie is present: it never silently falls back.
A valid key makes ``request.user`` the key's user, ``request.auth`` the same user and
``request.api_organization`` the key's organization. Header keys need no CSRF token (a page
on another site cannot set the header without a CORS pre-flight, which we do not allow).
"""

from __future__ import annotations

import ipaddress

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import APIKeyHeader, SessionAuth

from seatwise.tenancy.apikeys import InvalidApiKey
from seatwise.tenancy.exceptions import OrganizationNotFound
from seatwise.tenancy.models import Organization
from seatwise.tenancy.selectors import current_organization
from seatwise.tenancy.services import api_key_authenticate

HEADER = "X-API-Key"
# The session key where the organization switcher keeps the user's choice (see web.shop).
SESSION_ORGANIZATION_KEY = "organization_id"
USER_AGENT_MAX_LENGTH = 255


def _client(request: HttpRequest) -> tuple[str | None, str]:
    raw_ip = request.META.get("REMOTE_ADDR") or ""
    try:
        ip = str(ipaddress.ip_address(raw_ip))
    except ValueError:
        ip = None
    return ip, str(request.META.get("HTTP_USER_AGENT", ""))[:USER_AGENT_MAX_LENGTH]


class ApiKeyAuth(APIKeyHeader):
    """``X-API-Key: sw_…`` → the key's user; sets ``request.api_organization``."""

    param_name = HEADER

    def authenticate(self, request: HttpRequest, key: str | None):
        if not key:
            return None  # no key sent: let the next method (session, anonymous) decide
        ip, user_agent = _client(request)
        caller = api_key_authenticate(raw_key=key.strip(), ip=ip, user_agent=user_agent)
        if caller is None:
            raise InvalidApiKey("The API key is not valid or has been revoked.")
        request.user = caller.user
        request.api_organization = caller.organization
        return caller.user


def _anonymous_or_session(request: HttpRequest):
    """The last method for public reads: whoever the session says (maybe anonymous).

    Returns the user object, which is truthy even for ``AnonymousUser``, so ninja lets the
    request through. Use only on safe (GET) endpoints: it makes no CSRF check."""
    return request.user


def session_or_api_key(*, csrf: bool = True) -> list:
    """A key in the header, else a signed-in session (with ninja's CSRF check on writes)."""
    return [ApiKeyAuth(), SessionAuth(csrf=csrf)]


def api_key_optional() -> list:
    """For public read endpoints: a key if one is sent (a bad one is a 401), else the
    session's user, else anonymous."""
    return [ApiKeyAuth(), _anonymous_or_session]


def api_organization_required(request: HttpRequest) -> Organization:
    """``api_organization``, or ``OrganizationNotFound`` for a caller who acts for none."""
    organization = api_organization(request)
    if organization is None:
        raise OrganizationNotFound(_("You do not act for an organization yet."))
    return organization


def api_organization(request: HttpRequest) -> Organization | None:
    """The organization the API caller acts for: the key's, else the session's choice, else
    the user's first membership (``current_organization``); None for a visitor."""
    organization = getattr(request, "api_organization", None)
    if organization is not None:
        return organization
    session = getattr(request, "session", None)
    requested = session.get(SESSION_ORGANIZATION_KEY) if session is not None else None
    return current_organization(user=getattr(request, "user", None), requested_id=requested)

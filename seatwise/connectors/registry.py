"""Which connector serves which vendor: one dotted path per vendor in the settings
(``SEATWISE_MICROSOFT_CONNECTOR``), so a deployment swaps the embedded connector for a
real client without code changes."""

from __future__ import annotations

import inspect
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from seatwise.connectors.exceptions import UnknownConnector
from seatwise.connectors.ports import TenantDomainChecker

MICROSOFT = "microsoft"

_SETTINGS = {MICROSOFT: "SEATWISE_MICROSOFT_CONNECTOR"}
DEFAULTS = {MICROSOFT: "seatwise.connectors.offline.OfflineMicrosoftConnector"}


def _accepts_provider(factory) -> bool:
    try:
        parameters = inspect.signature(factory).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(
        (p.name == "provider" and p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD))
        or p.kind == p.VAR_KEYWORD
        for p in parameters
    )


def connector_for(vendor_code: str, *, provider: Any = None) -> TenantDomainChecker:
    """A fresh connector instance for ``vendor_code`` (e.g. ``"microsoft"``).

    ``provider`` is the provider organization (or its id) on whose behalf the vendor is
    called: a connector whose factory takes ``provider=`` uses that provider's credentials
    (the Partner Center connector reads its ``PartnerCenterCredentials``); others ignore it.
    The instance implements the vendor's ports (``TenantDomainChecker``, and for the real
    Microsoft connector ``MicrosoftCustomers`` and ``MicrosoftSubscriptions`` too)."""
    setting = _SETTINGS.get(vendor_code)
    if setting is None:
        raise UnknownConnector(
            f"No connector for vendor {vendor_code!r}.", details={"vendor": vendor_code}
        )
    path = getattr(settings, setting, None) or DEFAULTS[vendor_code]
    try:
        factory = import_string(path)
    except ImportError as exc:
        raise UnknownConnector(
            f"{setting} names {path!r}, which cannot be imported.", details={"path": path}
        ) from exc
    if provider is not None and _accepts_provider(factory):
        return factory(provider=provider)
    return factory()

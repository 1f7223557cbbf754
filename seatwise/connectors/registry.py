"""Which connector serves which vendor: one dotted path per vendor in the settings
(``SEATWISE_MICROSOFT_CONNECTOR``), so a deployment swaps the embedded connector for a
real client without code changes."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from seatwise.connectors.exceptions import UnknownConnector
from seatwise.connectors.ports import TenantDomainChecker

MICROSOFT = "microsoft"

_SETTINGS = {MICROSOFT: "SEATWISE_MICROSOFT_CONNECTOR"}
DEFAULTS = {MICROSOFT: "seatwise.connectors.offline.OfflineMicrosoftConnector"}


def connector_for(vendor_code: str) -> TenantDomainChecker:
    """A fresh connector instance for ``vendor_code`` (e.g. ``"microsoft"``)."""
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
    return factory()

"""The embedded Microsoft connector, for the embedded runtime, the demo and tests: it answers
from the ``TenantDomain`` table instead of Partner Center, and records a registered prefix as
taken. A later issue adds the HTTP Partner Center connector behind the same port."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from seatwise.connectors.exceptions import TenantDomainTaken
from seatwise.connectors.models import TenantDomain, TenantDomainSource
from seatwise.core import clock


class OfflineMicrosoftConnector:
    vendor = "microsoft"

    def domain_available(self, *, prefix: str) -> bool:
        return not TenantDomain.objects.filter(prefix=prefix.lower()).exists()

    def domain_reserve(self, *, prefix: str) -> None:
        try:
            with transaction.atomic():
                TenantDomain.objects.create(
                    prefix=prefix.lower(),
                    source=TenantDomainSource.REGISTRATION,
                    created_at=clock.now(),
                )
        except IntegrityError:
            raise TenantDomainTaken(
                _("This domain name was taken meanwhile; choose another one."),
                details={"field": "domain", "prefix": prefix},
            ) from None

"""Tables of the embedded (offline) connector."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from seatwise.core import clock


class TenantDomainSource(models.TextChoices):
    SEEDED = "seeded", _("Seeded (held elsewhere)")
    REGISTRATION = "registration", _("Requested at registration")


class TenantDomain(models.Model):
    """A ``<prefix>.onmicrosoft.com`` name the embedded Microsoft connector answers as taken.

    Global: it stands for Microsoft's worldwide namespace, not for one organization's data.
    The real Partner Center connector does not use this table."""

    prefix = models.CharField(_("domain prefix"), max_length=27, unique=True)
    source = models.CharField(
        _("source"),
        max_length=16,
        choices=TenantDomainSource.choices,
        default=TenantDomainSource.SEEDED,
    )
    created_at = models.DateTimeField(_("created"), default=clock.now)

    class Meta:
        verbose_name = _("taken tenant domain (embedded connector)")
        verbose_name_plural = _("taken tenant domains (embedded connector)")
        ordering = ("prefix",)

    def __str__(self) -> str:
        return f"{self.prefix}.onmicrosoft.com"

"""Tables of the connectors: the embedded (offline) connector's domain names and the
providers' Partner Center credentials."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from seatwise.connectors.crypto import secret_decrypt, secret_encrypt
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


class PartnerCenterCredentials(models.Model):
    """How a provider organization reaches Microsoft Partner Center: its Entra ID app
    registration in its partner tenant and, for App+User calls, a Secure Application Model
    refresh token. The client secret and the refresh token are stored Fernet-encrypted
    (``seatwise.connectors.crypto``); they are never rendered back, logged or shown by
    ``str``/``repr``. Read them with ``client_secret()`` / ``refresh_token()``, write them with
    ``set_client_secret()`` / ``set_refresh_token()``."""

    organization = models.OneToOneField(
        "tenancy.Organization",
        verbose_name=_("provider"),
        on_delete=models.CASCADE,
        related_name="partner_center_credentials",
    )
    api_url = models.URLField(
        _("API URL"), max_length=300, default="https://api.partnercenter.microsoft.com"
    )
    authority_url = models.URLField(
        _("Entra ID authority"), max_length=300, default="https://login.microsoftonline.com"
    )
    tenant_id = models.CharField(
        _("partner tenant id"),
        max_length=100,
        help_text=_("The partner's Entra ID tenant (a GUID or its primary domain)."),
    )
    client_id = models.CharField(_("application (client) id"), max_length=100)
    client_secret_encrypted = models.TextField(_("client secret (encrypted)"), blank=True)
    refresh_token_encrypted = models.TextField(_("refresh token (encrypted)"), blank=True)
    partner_id = models.CharField(
        _("partner id"), max_length=32, blank=True, help_text=_("The partner's PartnerID (MPN).")
    )
    updated_at = models.DateTimeField(_("updated"), default=clock.now)

    class Meta:
        verbose_name = _("Partner Center credentials")
        verbose_name_plural = _("Partner Center credentials")

    def __str__(self) -> str:
        return f"Partner Center credentials of organization {self.organization_id}"

    def __repr__(self) -> str:
        return (
            f"<PartnerCenterCredentials organization={self.organization_id} "
            f"tenant={self.tenant_id!r} client_id={self.client_id!r}>"
        )

    def client_secret(self) -> str:
        return secret_decrypt(token=self.client_secret_encrypted)

    def refresh_token(self) -> str:
        return secret_decrypt(token=self.refresh_token_encrypted)

    def set_client_secret(self, value: str) -> None:
        """Keep ``value`` encrypted (not saved: the caller saves with ``update_fields``)."""
        self.client_secret_encrypted = secret_encrypt(plain=value)

    def set_refresh_token(self, value: str) -> None:
        self.refresh_token_encrypted = secret_encrypt(plain=value)

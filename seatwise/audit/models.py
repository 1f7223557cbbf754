"""The append-only event log of each organization."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from seatwise.audit.enums import AuditEventType

USER_AGENT_MAX_LENGTH = 255


class AuditEvent(models.Model):
    """One thing that happened in ``organization``, by ``actor``.

    Append-only: rows are written by ``services.audit_record`` and never changed or deleted
    (the admin is read-only; organizations are protected from deletion while they have a
    log). When staff of a parent organization (a reseller, the provider) act inside a
    customer, ``organization`` is the customer and ``acting_from`` their own organization,
    so both identities are kept. ``actor_label`` keeps the actor's e-mail at the time, so
    the row still says who it was if the user is later deleted.
    """

    organization = models.ForeignKey(
        "tenancy.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="audit_events",
        db_index=True,
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("actor at the time"), max_length=254, blank=True)
    acting_from = models.ForeignKey(
        "tenancy.Organization",
        verbose_name=_("acting from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The actor's own organization when they act inside one they serve."),
    )
    event = models.CharField(_("event"), max_length=40, choices=AuditEventType.choices)
    details = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=USER_AGENT_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ("-created_at", "-pk")
        indexes = [
            models.Index(fields=["organization", "-created_at"], name="audit_org_time_idx"),
            models.Index(
                fields=["organization", "event", "-created_at"], name="audit_org_event_time_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} @ {self.organization_id} ({self.created_at:%Y-%m-%d %H:%M})"

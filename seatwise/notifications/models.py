"""The delivery log: one row per message on one channel.

The log never keeps a code or a secret link: ``subject`` and ``preview`` are stored masked.
The rendered message waits in ``payload`` only until the delivery is final (sent or failed),
then ``payload`` is emptied.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from seatwise.core import clock
from seatwise.notifications.enums import Channel, DeliveryStatus


class Delivery(models.Model):
    organization = models.ForeignKey(
        "tenancy.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=True,
        related_name="+",
        help_text=_("Empty for messages to a person outside any organization yet."),
    )
    event = models.CharField(_("event"), max_length=64)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    language = models.CharField(_("language"), max_length=8)
    status = models.CharField(
        _("status"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    preview = models.TextField(_("text (masked)"), blank=True)
    payload = models.JSONField(_("message waiting to be sent"), default=dict, blank=True)
    error = models.TextField(_("last error"), blank=True)
    external_id = models.CharField(_("gateway reference"), max_length=100, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), default=clock.now)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key", "channel"],
                condition=~models.Q(idempotency_key=""),
                name="delivery_idempotency_key_per_channel",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.recipient} ({self.status})"


class DeliveryAttachment(models.Model):
    """A file sent with an e-mail delivery (an invoice PDF). Kept with the delivery log so
    a retry sends the same bytes."""

    organization = models.ForeignKey(
        "tenancy.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=True,
        related_name="+",
    )
    delivery = models.ForeignKey(
        Delivery,
        verbose_name=_("delivery"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    content = models.BinaryField(_("content"))
    size = models.PositiveIntegerField(_("size in bytes"), default=0)

    class Meta:
        verbose_name = _("delivery attachment")
        verbose_name_plural = _("delivery attachments")
        ordering = ("delivery_id", "pk")

    def __str__(self) -> str:
        return self.filename

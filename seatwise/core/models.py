from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CacheGeneration(models.Model):
    """A counter per cached namespace. Writers bump it after commit; readers put it in their
    cache keys, so every process (web, worker, another server) stops using old entries at
    once, whatever cache backend is configured."""

    name = models.CharField(primary_key=True, max_length=40)
    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "cache generation"

    def __str__(self) -> str:
        return f"{self.name}@{self.value}"


class IdempotencyRecord(models.Model):
    """One ``Idempotency-Key`` a user sent to a mutating API endpoint, and the answer it got
    (see ``seatwise.core.idempotency``). ``response_status`` is None while the first request
    still runs. Kept 24 hours, then pruned by a periodic task."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    organization = models.ForeignKey(
        "tenancy.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=True,
    )
    key = models.CharField(_("key"), max_length=255)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=500)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    response_body = models.JSONField(_("response body"), null=True, blank=True)
    locked_at = models.DateTimeField(_("locked"))
    created_at = models.DateTimeField(_("created"), db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="core_idempotency_user_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"

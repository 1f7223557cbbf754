"""Price lists, prices, reseller terms and exchange rates. Amounts are Decimal; a price's
currency is stored beside it."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from seatwise.catalog.enums import BillingPlan
from seatwise.pricing.enums import DEFAULT_RESELLER_MARKUP_PERCENT, PriceListKind

AMOUNT = {"max_digits": 14, "decimal_places": 4}


class PriceList(models.Model):
    """A provider's cost list, or a provider -> reseller list, in one base currency."""

    organization = models.ForeignKey(
        "tenancy.Organization", on_delete=models.PROTECT, related_name="price_lists"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=PriceListKind.choices)
    name = models.CharField(_("name"), max_length=120)
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    is_default = models.BooleanField(
        _("default"),
        default=False,
        help_text=_("The reseller list used for resellers that have none assigned."),
    )

    class Meta:
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        ordering = ("organization_id", "kind", "name")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind"],
                condition=models.Q(is_default=True),
                name="price_list_one_default_per_kind",
            ),
            models.UniqueConstraint(fields=["organization", "name"], name="price_list_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Price(models.Model):
    """One offer's price in a list, for a currency and billing plan, per unit and billing
    period: ``cost`` is what the list's buyer pays, ``erp`` the suggested retail price."""

    organization = models.ForeignKey(
        "tenancy.Organization", on_delete=models.PROTECT, related_name="+", db_index=True
    )
    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="prices")
    offer = models.ForeignKey("catalog.Offer", on_delete=models.CASCADE, related_name="prices")
    currency = models.CharField(_("currency"), max_length=3)
    billing_plan = models.CharField(_("billing plan"), max_length=12, choices=BillingPlan.choices)
    cost = models.DecimalField(_("cost"), validators=[MinValueValidator(Decimal(0))], **AMOUNT)
    erp = models.DecimalField(
        _("suggested retail price (ERP)"), validators=[MinValueValidator(Decimal(0))], **AMOUNT
    )

    class Meta:
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        constraints = [
            models.UniqueConstraint(
                fields=["price_list", "offer", "currency", "billing_plan"],
                name="price_unique_per_list_offer_currency_plan",
            ),
            models.CheckConstraint(name="price_cost_not_negative", condition=models.Q(cost__gte=0)),
            models.CheckConstraint(name="price_erp_not_negative", condition=models.Q(erp__gte=0)),
        ]
        indexes = [models.Index(fields=["offer", "price_list"])]

    def __str__(self) -> str:
        return f"{self.offer_id} {self.billing_plan} {self.cost} {self.currency}"


class ResellerTerms(models.Model):
    """How a reseller buys and sells: its provider price list and its default markup."""

    organization = models.OneToOneField(
        "tenancy.Organization", on_delete=models.CASCADE, related_name="reseller_terms"
    )
    price_list = models.ForeignKey(
        PriceList,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the provider's default reseller list."),
    )
    markup_percent = models.DecimalField(
        _("default markup %"),
        max_digits=7,
        decimal_places=3,
        default=Decimal(DEFAULT_RESELLER_MARKUP_PERCENT),
        validators=[MinValueValidator(Decimal(-100))],
    )

    class Meta:
        verbose_name = _("reseller terms")
        verbose_name_plural = _("reseller terms")

    def __str__(self) -> str:
        return f"{self.organization}: +{self.markup_percent}%"


class ExchangeRate(models.Model):
    """Set by a provider: 1 ``base_currency`` = ``rate`` ``quote_currency`` from ``valid_from``."""

    organization = models.ForeignKey(
        "tenancy.Organization", on_delete=models.CASCADE, related_name="exchange_rates"
    )
    base_currency = models.CharField(_("from"), max_length=3)
    quote_currency = models.CharField(_("to"), max_length=3)
    rate = models.DecimalField(
        _("rate"),
        max_digits=18,
        decimal_places=8,
        validators=[MinValueValidator(Decimal("0.00000001"))],
    )
    valid_from = models.DateTimeField(_("valid from"))

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ("-valid_from",)
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "base_currency", "quote_currency", "valid_from"],
                name="exchange_rate_unique",
            ),
            models.CheckConstraint(name="exchange_rate_positive", condition=models.Q(rate__gt=0)),
        ]

    def __str__(self) -> str:
        return f"1 {self.base_currency} = {self.rate} {self.quote_currency}"

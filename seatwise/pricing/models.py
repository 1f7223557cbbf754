"""Price lists, prices, reseller terms and exchange rates. Amounts are Decimal; a price's
currency is stored beside it."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from seatwise.catalog.enums import BillingPlan
from seatwise.pricing.enums import (
    DEFAULT_RESELLER_MARKUP_PERCENT,
    CouponKind,
    CouponScope,
    PriceListKind,
)

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


class Coupon(models.Model):
    """A discount code issued by a provider or reseller (``organization``) to its buyers."""

    organization = models.ForeignKey(
        "tenancy.Organization",
        on_delete=models.CASCADE,
        related_name="coupons",
        db_index=True,
        help_text=_("The provider or reseller that issues the code."),
    )
    code = models.CharField(_("code"), max_length=40)
    kind = models.CharField(_("kind"), max_length=10, choices=CouponKind.choices)
    value = models.DecimalField(
        _("value"),
        max_digits=14,
        decimal_places=4,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Percent for a percent coupon, an amount for a fixed one."),
    )
    currency = models.CharField(
        _("currency"), max_length=3, blank=True, help_text=_("Fixed-amount coupons only.")
    )
    scope = models.CharField(
        _("applies to"), max_length=10, choices=CouponScope.choices, default=CouponScope.ORDER
    )
    category = models.ForeignKey(
        "catalog.Category", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    offer = models.ForeignKey(
        "catalog.Offer", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    usage_limit = models.PositiveIntegerField(
        _("total uses"), null=True, blank=True, help_text=_("Empty: unlimited.")
    )
    per_customer_limit = models.PositiveIntegerField(
        _("uses per customer"), null=True, blank=True, help_text=_("Empty: unlimited.")
    )
    times_used = models.PositiveIntegerField(_("times used"), default=0, editable=False)
    minimum_subtotal = models.DecimalField(
        _("minimum sub-total"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    minimum_currency = models.CharField(_("minimum sub-total currency"), max_length=3, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("coupon")
        verbose_name_plural = _("coupons")
        ordering = ("organization_id", "code")
        constraints = [
            models.UniqueConstraint(
                "organization", Lower("code"), name="coupon_code_unique_per_issuer_ci"
            ),
            models.CheckConstraint(
                name="coupon_percent_at_most_100",
                condition=~models.Q(kind=CouponKind.PERCENT) | models.Q(value__lte=100),
            ),
            models.CheckConstraint(
                name="coupon_used_within_limit",
                condition=models.Q(usage_limit__isnull=True)
                | models.Q(times_used__lte=models.F("usage_limit")),
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        errors = {}
        if self.kind == CouponKind.FIXED and not self.currency:
            errors["currency"] = _("A fixed-amount coupon needs a currency.")
        if self.scope == CouponScope.CATEGORY and not self.category_id:
            errors["category"] = _("Choose the category the coupon applies to.")
        if self.scope == CouponScope.OFFER and not self.offer_id:
            errors["offer"] = _("Choose the offer the coupon applies to.")
        if self.minimum_subtotal is not None and not self.minimum_currency:
            errors["minimum_currency"] = _("Give the currency of the minimum sub-total.")
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            errors["valid_until"] = _("The end must come after the start.")
        if errors:
            raise ValidationError(errors)


class CouponRedemption(models.Model):
    """One use of a coupon by a customer (``organization``), for an order."""

    organization = models.ForeignKey(
        "tenancy.Organization", on_delete=models.CASCADE, related_name="+", db_index=True
    )
    coupon = models.ForeignKey(Coupon, on_delete=models.PROTECT, related_name="redemptions")
    order_reference = models.CharField(_("order"), max_length=60)
    redeemed_at = models.DateTimeField(_("redeemed at"))
    released_at = models.DateTimeField(
        _("released at"),
        null=True,
        blank=True,
        help_text=_("The order was cancelled: this use no longer counts against the limits."),
    )

    class Meta:
        verbose_name = _("coupon redemption")
        verbose_name_plural = _("coupon redemptions")
        ordering = ("-redeemed_at",)
        indexes = [models.Index(fields=["coupon", "organization"])]
        constraints = [
            models.UniqueConstraint(
                fields=["coupon", "order_reference"], name="coupon_redemption_once_per_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.coupon} · {self.order_reference}"


class ShippingMethod(models.Model):
    """A way a provider delivers shippable goods (books, hardware), offered at checkout when
    a cart has a shippable line. Its price per currency is in ``ShippingMethodPrice``."""

    organization = models.ForeignKey(
        "tenancy.Organization",
        verbose_name=_("provider"),
        on_delete=models.CASCADE,
        related_name="shipping_methods",
        db_index=True,
    )
    name = models.CharField(_("name"), max_length=120)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Offered at checkout when active.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("shipping method")
        verbose_name_plural = _("shipping methods")
        ordering = ("organization_id", "position", "name")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="shipping_method_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ShippingMethodPrice(models.Model):
    """What a shipping method costs the buyer in one currency, per order."""

    organization = models.ForeignKey(
        "tenancy.Organization",
        verbose_name=_("provider"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=True,
        help_text=_("The method's provider, copied."),
    )
    method = models.ForeignKey(
        ShippingMethod,
        verbose_name=_("shipping method"),
        on_delete=models.CASCADE,
        related_name="prices",
    )
    currency = models.CharField(_("currency"), max_length=3)
    amount = models.DecimalField(_("price"), validators=[MinValueValidator(Decimal(0))], **AMOUNT)

    class Meta:
        verbose_name = _("shipping method price")
        verbose_name_plural = _("shipping method prices")
        ordering = ("method_id", "currency")
        constraints = [
            models.UniqueConstraint(
                fields=["method", "currency"], name="shipping_price_unique_per_currency"
            ),
            models.CheckConstraint(
                name="shipping_price_not_negative", condition=models.Q(amount__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method_id} {self.amount} {self.currency}"

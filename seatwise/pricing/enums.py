from django.db import models
from django.utils.translation import gettext_lazy as _


class PriceListKind(models.TextChoices):
    COST = "cost", _("Provider cost")
    RESELLER = "reseller", _("Provider to reseller")


class PriceKind(models.TextChoices):
    """Which price a viewer sees."""

    RETAIL = "retail", _("Suggested retail price")
    CUSTOMER = "customer", _("Your price")
    RESELLER = "reseller", _("Reseller price")
    COST = "cost", _("Provider cost")


DEFAULT_RESELLER_MARKUP_PERCENT = "5"


class CouponKind(models.TextChoices):
    PERCENT = "percent", _("Percent")
    FIXED = "fixed", _("Fixed amount")


class CouponScope(models.TextChoices):
    ORDER = "order", _("Whole order")
    CATEGORY = "category", _("One category")
    OFFER = "offer", _("One offer")

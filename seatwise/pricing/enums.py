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

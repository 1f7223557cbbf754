from django.db import models
from django.utils.translation import gettext_lazy as _


class VendorKind(models.TextChoices):
    MICROSOFT = "microsoft", _("Microsoft CSP")
    SMART_LICENSING = "smart_licensing", _("Smart Licensing")
    SAAS = "saas", _("Cloud / SaaS")
    STORE = "store", _("Store goods")


class Term(models.TextChoices):
    P1M = "P1M", _("1 month")
    P1Y = "P1Y", _("1 year")
    P3Y = "P3Y", _("3 years")
    PERPETUAL = "perpetual", _("Perpetual")


class BillingPlan(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    ANNUAL = "annual", _("Annual")
    TRIENNIAL = "triennial", _("Triennial")
    ONE_TIME = "one_time", _("One-time")


class UnitType(models.TextChoices):
    LICENCE = "licence", _("Licence")
    USER = "user", _("User")
    DEVICE = "device", _("Device")
    INSTANCE = "instance", _("Instance")
    USAGE = "usage", _("Usage-based")
    ITEM = "item", _("Item")


class Segment(models.TextChoices):
    COMMERCIAL = "commercial", _("Commercial")
    ACADEMIC = "academic", _("Academic")
    GOVERNMENT = "government", _("Government")
    NONPROFIT = "nonprofit", _("Nonprofit")


# Which billing plans each term allows.
TERM_BILLING_PLANS: dict[str, frozenset[str]] = {
    Term.P1M: frozenset({BillingPlan.MONTHLY}),
    Term.P1Y: frozenset({BillingPlan.MONTHLY, BillingPlan.ANNUAL}),
    Term.P3Y: frozenset({BillingPlan.MONTHLY, BillingPlan.ANNUAL, BillingPlan.TRIENNIAL}),
    Term.PERPETUAL: frozenset({BillingPlan.ONE_TIME}),
}

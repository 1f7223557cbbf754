"""Vendors, categories, products and offers.

The catalog is shared vendor data: every provider sells from the same vendors' catalogues,
and what an organization pays is decided by ``pricing``. So these tables carry no
``organization_id`` (they are listed as global in the tenancy rule test).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from seatwise.catalog.enums import (
    TERM_BILLING_PLANS,
    BillingPlan,
    Segment,
    Term,
    UnitType,
    VendorKind,
)


class Vendor(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=VendorKind.choices)
    website = models.URLField(_("website"), blank=True)
    # The vendor's terms a buyer accepts at checkout (Microsoft's are the Customer
    # Agreement, handled apart); a new version asks every customer again.
    terms_url = models.URLField(_("terms URL"), blank=True)
    terms_version = models.CharField(_("terms version"), max_length=20, default="1")

    class Meta:
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ("position", "name")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        node, seen = self.parent, {self.pk}
        while node is not None:
            if node.pk in seen:
                raise ValidationError({"parent": _("A category cannot sit under itself.")})
            seen.add(node.pk)
            node = node.parent


class Product(models.Model):
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="products")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    product_group = models.CharField(
        _("product group"), max_length=120, blank=True, help_text=_("e.g. Microsoft 365, Azure")
    )
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    image = models.FileField(_("image"), upload_to="products/", blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ("name",)
        indexes = [models.Index(fields=["category", "is_active"])]

    def __str__(self) -> str:
        return self.name


class Offer(models.Model):
    """Something a customer can buy: a SKU with a term, billing plans and quantity limits."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="offers")
    name = models.CharField(_("name"), max_length=200)
    sku = models.CharField(_("SKU / item code"), max_length=80, unique=True)
    catalog_item_id = models.CharField(
        _("Microsoft catalog item id"),
        max_length=120,
        blank=True,
        help_text=_("product:sku:availability, for Microsoft offers"),
    )
    term = models.CharField(_("term"), max_length=10, choices=Term.choices)
    billing_plans = models.JSONField(
        _("billing plans"), default=list, help_text=_("The plans this offer can be billed by.")
    )
    unit_type = models.CharField(
        _("unit type"), max_length=12, choices=UnitType.choices, default=UnitType.LICENCE
    )
    min_quantity = models.PositiveIntegerField(
        _("minimum quantity"), default=1, validators=[MinValueValidator(1)]
    )
    max_quantity = models.PositiveIntegerField(_("maximum quantity"), default=300)
    for_commercial = models.BooleanField(_("commercial"), default=True)
    for_academic = models.BooleanField(_("academic"), default=False)
    for_government = models.BooleanField(_("government"), default=False)
    for_nonprofit = models.BooleanField(_("nonprofit"), default=False)
    is_trial = models.BooleanField(_("trial"), default=False)
    trial_days = models.PositiveSmallIntegerField(_("trial length (days)"), null=True, blank=True)
    base_offers = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="addons",
        verbose_name=_("add-on for"),
        help_text=_("Set on an add-on: the base offers it can be bought with."),
    )
    is_shippable = models.BooleanField(_("shippable"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ("product_id", "position", "name")
        indexes = [models.Index(fields=["product", "is_active"])]
        constraints = [
            models.CheckConstraint(
                name="offer_quantity_range",
                condition=models.Q(max_quantity__gte=models.F("min_quantity")),
            ),
            models.CheckConstraint(
                name="offer_trial_has_length",
                condition=models.Q(is_trial=False) | models.Q(trial_days__gt=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.sku})"

    @property
    def segments(self) -> list[str]:
        flags = {
            Segment.COMMERCIAL: self.for_commercial,
            Segment.ACADEMIC: self.for_academic,
            Segment.GOVERNMENT: self.for_government,
            Segment.NONPROFIT: self.for_nonprofit,
        }
        return [str(segment) for segment, on in flags.items() if on]

    def clean(self) -> None:
        plans = self.billing_plans or []
        allowed = TERM_BILLING_PLANS.get(self.term, frozenset())
        if not plans:
            raise ValidationError({"billing_plans": _("Choose at least one billing plan.")})
        bad = [p for p in plans if p not in BillingPlan.values or p not in allowed]
        if bad:
            raise ValidationError(
                {"billing_plans": _("Not allowed with this term: %(plans)s") % {"plans": bad}}
            )
        if self.catalog_item_id and self.catalog_item_id.count(":") != 2:
            raise ValidationError({"catalog_item_id": _("Use the form product:sku:availability.")})
        if self.is_trial and not self.trial_days:
            raise ValidationError({"trial_days": _("A trial needs a length in days.")})

"""Carts and their lines. A visitor's cart has no user and no organization (the web layer
keeps its id in the session); a signed-in user has one cart per organization they buy for.
Prices are never stored here: the cart is priced for its viewer on every read."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from seatwise.catalog.enums import BillingPlan, Term


class Cart(models.Model):
    organization = models.ForeignKey(
        "tenancy.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=True,
        help_text=_("The organization the user buys for; empty for a visitor's cart."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="carts",
    )
    session_key = models.CharField(
        _("session"), max_length=40, blank=True, help_text=_("The visitor's session, if any.")
    )
    coupon_code = models.CharField(_("coupon code"), max_length=40, blank=True)
    # The last checkout of this cart: a repeat of it (a double-clicked *Confirm*) finds its
    # order here, read with the cart's lock, instead of looking the key up.
    placed_key = models.CharField(_("last checkout key"), max_length=100, blank=True)
    placed_order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("last order placed"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"],
                condition=models.Q(user__isnull=False),
                name="cart_one_per_user_and_organization",
            )
        ]

    def __str__(self) -> str:
        return f"cart {self.pk}"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    organization = models.ForeignKey(
        "tenancy.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=True,
        help_text=_("The cart's organization, copied."),
    )
    offer = models.ForeignKey("catalog.Offer", on_delete=models.CASCADE, related_name="+")
    term = models.CharField(_("term"), max_length=10, choices=Term.choices)
    billing_plan = models.CharField(_("billing plan"), max_length=12, choices=BillingPlan.choices)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    markup_percent = models.DecimalField(
        _("markup %"),
        max_digits=7,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(-100)],
        help_text=_(
            "Price options: the reseller's markup over the partner price for this line; empty "
            "for the default markup."
        ),
    )
    target_tenant = models.CharField(
        _("target tenant"),
        max_length=255,
        blank=True,
        help_text=_("Microsoft lines: the tenant domain chosen on the order page."),
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("cart line")
        verbose_name_plural = _("cart lines")
        ordering = ("added_at", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["cart", "offer", "billing_plan"], name="cart_line_unique_offer_plan"
            ),
            models.CheckConstraint(
                name="cart_line_quantity_positive", condition=models.Q(quantity__gt=0)
            ),
            models.CheckConstraint(
                name="cart_line_markup_not_below_minus_100",
                condition=models.Q(markup_percent__isnull=True)
                | models.Q(markup_percent__gte=-100),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.offer_id} ({self.billing_plan})"

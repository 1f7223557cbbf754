from django.contrib import admin

from seatwise.core.admin import BumpsCacheAdmin
from seatwise.pricing.models import (
    Coupon,
    CouponRedemption,
    ExchangeRate,
    Price,
    PriceList,
    ResellerTerms,
    ShippingMethod,
    ShippingMethodPrice,
)


@admin.register(PriceList)
class PriceListAdmin(BumpsCacheAdmin):
    list_display = ("name", "organization", "kind", "currency", "is_default")
    list_filter = ("kind", "currency", "is_default")
    list_select_related = ("organization",)
    search_fields = ("name", "organization__name")
    autocomplete_fields = ("organization",)


@admin.register(Price)
class PriceAdmin(BumpsCacheAdmin):
    list_display = ("offer", "price_list", "billing_plan", "currency", "cost", "erp")
    list_filter = ("price_list", "billing_plan", "currency")
    list_select_related = ("offer", "price_list")
    search_fields = ("offer__name", "offer__sku")
    autocomplete_fields = ("offer", "price_list", "organization")


@admin.register(ResellerTerms)
class ResellerTermsAdmin(BumpsCacheAdmin):
    list_display = ("organization", "price_list", "markup_percent")
    list_select_related = ("organization", "price_list")
    autocomplete_fields = ("organization", "price_list")


@admin.register(ExchangeRate)
class ExchangeRateAdmin(BumpsCacheAdmin):
    list_display = ("organization", "base_currency", "quote_currency", "rate", "valid_from")
    list_filter = ("base_currency", "quote_currency")
    list_select_related = ("organization",)
    autocomplete_fields = ("organization",)


@admin.register(Coupon)
class CouponAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "organization",
        "kind",
        "value",
        "currency",
        "scope",
        "valid_from",
        "valid_until",
        "times_used",
        "usage_limit",
        "is_active",
    )
    list_filter = ("kind", "scope", "is_active")
    list_select_related = ("organization",)
    search_fields = ("code", "organization__name")
    autocomplete_fields = ("organization", "category", "offer")
    readonly_fields = ("times_used",)


@admin.register(CouponRedemption)
class CouponRedemptionAdmin(admin.ModelAdmin):
    list_display = ("coupon", "organization", "order_reference", "redeemed_at", "released_at")
    list_select_related = ("coupon", "organization")
    search_fields = ("coupon__code", "order_reference", "organization__name")
    autocomplete_fields = ("organization", "coupon")
    readonly_fields = ("redeemed_at", "released_at")


class ShippingMethodPriceInline(admin.TabularInline):
    model = ShippingMethodPrice
    extra = 1
    fields = ("currency", "amount")


@admin.register(ShippingMethod)
class ShippingMethodAdmin(BumpsCacheAdmin):
    list_display = ("name", "organization", "is_active", "position")
    list_filter = ("is_active",)
    list_select_related = ("organization",)
    search_fields = ("name", "organization__name")
    autocomplete_fields = ("organization",)
    inlines = (ShippingMethodPriceInline,)

    def save_formset(self, request, form, formset, change):
        """A price row belongs to its method's provider (``organization`` copied)."""
        for row in formset.save(commit=False):
            row.organization_id = form.instance.organization_id
            row.save()
        for row in formset.deleted_objects:
            row.delete()
        formset.save_m2m()


@admin.register(ShippingMethodPrice)
class ShippingMethodPriceAdmin(BumpsCacheAdmin):
    list_display = ("method", "currency", "amount", "organization")
    list_filter = ("currency",)
    list_select_related = ("method", "organization")
    search_fields = ("method__name", "organization__name")
    readonly_fields = ("method", "organization")

    def has_add_permission(self, request):
        return False  # added on their method's page, which copies the provider

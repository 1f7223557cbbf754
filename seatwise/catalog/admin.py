from django.contrib import admin

from seatwise.catalog.models import Category, Offer, Product, Vendor
from seatwise.core.admin import BumpsCacheAdmin


@admin.register(Vendor)
class VendorAdmin(BumpsCacheAdmin):
    list_display = ("name", "kind", "website")
    list_filter = ("kind",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Category)
class CategoryAdmin(BumpsCacheAdmin):
    list_display = ("name", "parent", "position")
    list_select_related = ("parent",)
    search_fields = ("name", "slug")
    autocomplete_fields = ("parent",)
    prepopulated_fields = {"slug": ("name",)}


class OfferInline(admin.TabularInline):
    model = Offer
    extra = 0
    fields = ("name", "sku", "term", "billing_plans", "unit_type", "is_trial", "is_active")
    show_change_link = True


@admin.register(Product)
class ProductAdmin(BumpsCacheAdmin):
    list_display = ("name", "vendor", "category", "product_group", "is_active")
    list_filter = ("vendor", "is_active", "category")
    list_select_related = ("vendor", "category")
    search_fields = ("name", "product_group", "offers__sku")
    autocomplete_fields = ("vendor", "category")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (OfferInline,)


@admin.register(Offer)
class OfferAdmin(BumpsCacheAdmin):
    list_display = ("name", "sku", "product", "term", "unit_type", "is_trial", "is_active")
    list_filter = ("term", "unit_type", "is_trial", "is_active", "is_shippable", "product__vendor")
    list_select_related = ("product",)
    search_fields = ("name", "sku", "catalog_item_id", "product__name")
    autocomplete_fields = ("product", "base_offers")

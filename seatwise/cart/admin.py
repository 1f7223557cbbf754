from django.contrib import admin

from seatwise.cart.models import Cart, CartLine


class CartLineInline(admin.TabularInline):
    model = CartLine
    extra = 0
    autocomplete_fields = ("offer",)
    exclude = ("organization",)


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    list_display = ("pk", "user", "organization", "coupon_code", "updated_at")
    list_select_related = ("user", "organization")
    search_fields = ("user__email", "organization__name", "coupon_code")
    raw_id_fields = ("user", "organization")
    inlines = [CartLineInline]


@admin.register(CartLine)
class CartLineAdmin(admin.ModelAdmin):
    list_display = ("cart", "offer", "billing_plan", "quantity", "added_at")
    list_select_related = ("offer",)
    raw_id_fields = ("cart", "organization", "offer")

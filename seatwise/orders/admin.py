from django.contrib import admin

from seatwise.orders.models import (
    Order,
    OrderEvent,
    OrderLine,
    OrderNumberCounter,
    ProvisioningRequest,
)


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    fields = (
        "position",
        "offer",
        "sku",
        "term",
        "billing_plan",
        "quantity",
        "unit_price",
        "line_total",
        "status",
        "target_tenant",
    )
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    fields = ("at", "from_status", "to_status", "actor", "message")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("number", "organization", "seller", "status", "total", "currency", "created_at")
    list_filter = ("status", "payment_method", "currency")
    list_select_related = ("organization", "seller")
    search_fields = ("number", "organization__name", "placed_by__email")
    date_hierarchy = "created_at"
    inlines = (OrderLineInline, OrderEventInline)
    # Statuses change only through the services (which log an event); the admin shows.
    readonly_fields = (
        "organization",
        "placed_by",
        "seller",
        "number",
        "status",
        "currency",
        "subtotal",
        "discount",
        "extra_charge",
        "shipping",
        "tax",
        "total",
        "payment_method",
        "agreement_acceptance",
        "idempotency_key",
        "created_at",
        "placed_at",
        "paid_at",
    )


@admin.register(OrderEvent)
class OrderEventAdmin(admin.ModelAdmin):
    list_display = ("order", "from_status", "to_status", "actor", "at")
    list_filter = ("to_status",)
    list_select_related = ("order", "actor")
    search_fields = ("order__number",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ProvisioningRequest)
class ProvisioningRequestAdmin(admin.ModelAdmin):
    list_display = ("line", "organization", "status", "created_at")
    list_filter = ("status",)
    list_select_related = ("line", "organization")
    search_fields = ("idempotency_key", "line__order__number", "line__sku")
    readonly_fields = ("organization", "line", "idempotency_key", "created_at")


@admin.register(OrderLine)
class OrderLineAdmin(admin.ModelAdmin):
    list_display = ("order", "sku", "quantity", "line_total", "status")
    list_filter = ("status",)
    list_select_related = ("order",)
    search_fields = ("order__number", "sku", "product_name")
    readonly_fields = ("order", "organization", "offer")


@admin.register(OrderNumberCounter)
class OrderNumberCounterAdmin(admin.ModelAdmin):
    list_display = ("day", "last")

    def has_change_permission(self, request, obj=None) -> bool:
        return False

"""Tenants and subscriptions in the admin, read-only: they change through the services (which
talk to the vendor and log an event), never by hand. Vendor ids are shown, never a secret
(an admin password is not stored at all)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from seatwise.core.admin import ReadOnlyAdmin
from seatwise.subscriptions.models import Subscription, SubscriptionEvent, VendorAccount


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    extra = 0
    fields = ("name", "quantity", "assigned", "status", "term_end", "vendor_subscription_id")
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(VendorAccount)
class VendorAccountAdmin(ReadOnlyAdmin):
    list_display = (
        "domain",
        "organization",
        "origin",
        "status",
        "vendor_customer_id",
        "created_at",
        "activated_at",
    )
    list_filter = ("status", "origin", "vendor")
    list_select_related = ("organization",)
    search_fields = ("domain", "vendor_customer_id", "organization__name", "company_name")
    date_hierarchy = "created_at"
    readonly_fields = (
        "organization",
        "vendor",
        "domain",
        "company_name",
        "origin",
        "status",
        "vendor_customer_id",
        "request_id",
        "admin_username",
        "credentials_sent_to",
        "credentials_sent_at",
        "last_error",
        "requested_by",
        "created_at",
        "activated_at",
    )
    fields = readonly_fields
    inlines = (SubscriptionInline,)


class SubscriptionEventInline(admin.TabularInline):
    model = SubscriptionEvent
    extra = 0
    fields = ("at", "kind", "message")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = (
        "name",
        "organization",
        "account",
        "quantity",
        "assigned",
        "status",
        "term_end",
        "drifted",
        "created_at",
    )
    list_filter = (
        "status",
        "billing_plan",
        "auto_renew",
        ("drift_detected_at", admin.EmptyFieldListFilter),
    )
    list_select_related = ("organization", "account")
    search_fields = (
        "name",
        "offer_name",
        "vendor_subscription_id",
        "vendor_order_id",
        "account__domain",
        "organization__name",
    )
    date_hierarchy = "created_at"
    readonly_fields = (
        "organization",
        "account",
        "seller",
        "offer",
        "parent",
        "name",
        "offer_name",
        "vendor_subscription_id",
        "vendor_order_id",
        "quantity",
        "assigned",
        "status",
        "term",
        "billing_plan",
        "auto_renew",
        "currency",
        "unit_price",
        "partner_unit_price",
        "created_at",
        "term_end",
        "cancellation_allowed_until",
        "synced_at",
        "vendor_quantity",
        "vendor_status",
        "drift_detected_at",
    )
    fields = readonly_fields
    inlines = (SubscriptionEventInline,)

    @admin.display(description=_("changed at the vendor"), boolean=True)
    def drifted(self, obj: Subscription) -> bool:
        return obj.has_drift


@admin.register(SubscriptionEvent)
class SubscriptionEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "subscription", "kind", "message")
    list_filter = ("kind",)
    search_fields = ("subscription__vendor_subscription_id", "subscription__name", "message")
    list_select_related = ("subscription",)
    date_hierarchy = "at"

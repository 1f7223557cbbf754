from django.contrib import admin

from seatwise.core.admin import BumpsCacheAdmin
from seatwise.tenancy.models import Membership, Organization


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Organization)
class OrganizationAdmin(BumpsCacheAdmin):
    list_display = ("name", "kind", "parent", "country", "default_currency", "is_active")
    list_filter = ("kind", "is_active", "is_academic", "is_government", "is_nonprofit")
    search_fields = ("name", "legal_name", "tax_number", "slug")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = (MembershipInline,)
    fieldsets = (
        (None, {"fields": ("kind", "parent", "name", "slug", "is_active")}),
        (
            "Company profile",
            {
                "fields": (
                    "legal_name",
                    "address_line1",
                    "address_line2",
                    ("postal_code", "city"),
                    "country",
                    "phone",
                    "tax_number",
                )
            },
        ),
        (
            "Commercial",
            {
                "fields": (
                    ("is_academic", "is_government", "is_nonprofit"),
                    "default_currency",
                    "is_contract_customer",
                    "billing_day",
                )
            },
        ),
    )


@admin.register(Membership)
class MembershipAdmin(BumpsCacheAdmin):
    list_display = ("user", "organization", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__email", "organization__name")
    list_select_related = ("user", "organization")
    autocomplete_fields = ("user", "organization")

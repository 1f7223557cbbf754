from django.contrib import admin

from seatwise.connectors.models import TenantDomain


@admin.register(TenantDomain)
class TenantDomainAdmin(admin.ModelAdmin):
    list_display = ("prefix", "source", "created_at")
    list_filter = ("source",)
    search_fields = ("prefix",)
    readonly_fields = ("created_at",)

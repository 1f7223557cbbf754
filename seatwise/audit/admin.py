from django.contrib import admin

from seatwise.audit.models import AuditEvent
from seatwise.core.admin import ReadOnlyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: the log is append-only, nobody adds, changes or deletes entries here."""

    list_display = (
        "created_at",
        "organization",
        "event",
        "actor_label",
        "acting_from",
        "ip_address",
    )
    list_filter = ("event",)
    search_fields = ("organization__name", "actor_label", "ip_address")
    list_select_related = ("organization", "acting_from")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-pk")
    actions = None
    readonly_fields = (
        "created_at",
        "organization",
        "event",
        "actor",
        "actor_label",
        "acting_from",
        "details",
        "ip_address",
        "user_agent",
    )

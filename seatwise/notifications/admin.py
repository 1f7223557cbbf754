from django.contrib import admin

from seatwise.notifications.models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The delivery log, read-only. Codes are masked; the message body is never shown."""

    list_display = (
        "created_at",
        "event",
        "channel",
        "recipient",
        "language",
        "status",
        "attempts",
        "organization",
    )
    list_filter = ("status", "channel", "event", "language")
    search_fields = ("recipient", "event", "subject", "external_id")
    list_select_related = ("organization",)
    date_hierarchy = "created_at"
    exclude = ("payload",)
    readonly_fields = (
        "organization",
        "event",
        "channel",
        "recipient",
        "language",
        "status",
        "attempts",
        "subject",
        "preview",
        "error",
        "external_id",
        "idempotency_key",
        "created_at",
        "last_attempt_at",
        "sent_at",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

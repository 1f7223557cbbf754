from django.contrib import admin

from seatwise.core.admin import ReadOnlyAdmin
from seatwise.notifications.models import Delivery, DeliveryAttachment


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


@admin.register(DeliveryAttachment)
class DeliveryAttachmentAdmin(ReadOnlyAdmin):
    """Files sent with e-mails (invoice PDFs), read-only; the bytes are not shown here."""

    list_display = ("filename", "content_type", "size", "delivery", "organization")
    search_fields = ("filename", "delivery__recipient")
    list_select_related = ("delivery", "organization")
    exclude = ("content",)
    readonly_fields = ("organization", "delivery", "filename", "content_type", "size")

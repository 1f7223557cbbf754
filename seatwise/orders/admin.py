from django.contrib import admin, messages
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from seatwise.core.admin import ReadOnlyAdmin
from seatwise.core.errors import ApplicationError
from seatwise.orders.models import (
    InvoiceNumberCounter,
    Order,
    OrderEvent,
    OrderInvoice,
    OrderLine,
    OrderNumberCounter,
    ProvisioningRequest,
)
from seatwise.orders.provisioning import provisioning_cancel, provisioning_retry


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
        "provisioning",
    )
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("offer", "provisioning_request")

    @admin.display(description=_("provisioning"))
    def provisioning(self, obj: OrderLine) -> str:
        request = getattr(obj, "provisioning_request", None)
        if request is None:
            return "—"
        url = reverse("admin:orders_provisioningrequest_change", args=[request.pk])
        return format_html('<a href="{}">{}</a>', url, request.get_status_display())


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
    # An order is a record: statuses change only through the services (which log an
    # event), and the amounts and addresses are what the buyer confirmed. The admin shows.
    readonly_fields = tuple(field.name for field in Order._meta.concrete_fields)


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
    """Provisioning requests, read-only: the worker moves them. An operator runs a waiting or
    failed one again (*Retry now*) or gives up on it (*Cancel*: the line fails and its share
    is refunded or flagged), through ``orders.provisioning``."""

    list_display = (
        "order_number",
        "line",
        "organization",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error_short",
        "refund",
        "created_at",
    )
    list_filter = ("status", "refund_state")
    list_select_related = ("line__order", "organization")
    search_fields = ("idempotency_key", "line__order__number", "line__sku")
    date_hierarchy = "created_at"
    actions = ("retry_now", "cancel")
    readonly_fields = (
        "organization",
        "order_number",
        "line",
        "status",
        "attempts",
        "next_attempt_at",
        "claimed_at",
        "finished_at",
        "last_error",
        "subscription",
        "refund_state",
        "refund_amount",
        "idempotency_key",
        "vendor_request_id",
        "created_at",
    )
    fields = readonly_fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # A request's page only shows it (no form to save); the permission to change
        # requests is what the list's actions ask for.
        if obj is not None:
            return False
        return super().has_change_permission(request)

    @admin.display(description=_("order"), ordering="line__order__number")
    def order_number(self, obj: ProvisioningRequest) -> str:
        return obj.line.order.number

    @admin.display(description=_("last error"))
    def last_error_short(self, obj: ProvisioningRequest) -> str:
        text = obj.last_error
        return text if len(text) <= 80 else f"{text[:79]}…"

    @admin.display(description=_("refund"))
    def refund(self, obj: ProvisioningRequest) -> str:
        if not obj.refund_state:
            return "—"
        amount = f" {obj.refund_amount:.2f} {obj.line.order.currency}" if obj.refund_amount else ""
        return f"{obj.get_refund_state_display()}{amount}"

    def _run(self, request, queryset, operation, done: str) -> None:
        succeeded = 0
        for provisioning_request in queryset.select_related("line__order"):
            try:
                operation(request=provisioning_request, actor=request.user)
            except ApplicationError as exc:
                self.message_user(
                    request,
                    f"{provisioning_request.line.order.number} · {provisioning_request.line}: "
                    f"{exc.message}",
                    level=messages.ERROR,
                )
            else:
                succeeded += 1
        if succeeded:
            self.message_user(request, done % {"count": succeeded}, messages.SUCCESS)

    @admin.action(description=_("Retry now"), permissions=("change",))
    def retry_now(self, request, queryset):
        self._run(
            request,
            queryset,
            provisioning_retry,
            _("%(count)d provisioning request(s) queued to run again."),
        )

    @admin.action(description=_("Cancel"), permissions=("change",))
    def cancel(self, request, queryset):
        self._run(
            request,
            queryset,
            provisioning_cancel,
            _("%(count)d provisioning request(s) cancelled; their lines failed."),
        )


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


@admin.register(OrderInvoice)
class OrderInvoiceAdmin(ReadOnlyAdmin):
    """Issued invoices, read-only (a document never changes once issued), with the PDF to
    download exactly as it was e-mailed."""

    list_display = ("number", "order", "organization", "total", "currency", "issued_at", "pdf_link")
    search_fields = ("number", "order__number", "organization__name")
    list_select_related = ("order", "organization")
    date_hierarchy = "issued_at"
    exclude = ("pdf",)
    readonly_fields = (
        "number",
        "order",
        "organization",
        "issued_at",
        "due_date",
        "total",
        "currency",
        "seller_details",
        "buyer_details",
        "sha256",
        "pdf_link",
    )

    @admin.display(description=_("PDF"))
    def pdf_link(self, obj: OrderInvoice) -> str:
        url = reverse("admin:orders_orderinvoice_pdf", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download invoice (PDF)"))

    def get_urls(self):
        return [
            path(
                "<int:pk>/pdf/",
                self.admin_site.admin_view(self.pdf_view),
                name="orders_orderinvoice_pdf",
            ),
            *super().get_urls(),
        ]

    def pdf_view(self, request, pk: int):
        if not self.has_view_permission(request):
            raise Http404("No such invoice.")
        invoice = OrderInvoice.objects.filter(pk=pk).first()
        if invoice is None:
            raise Http404("No such invoice.")
        response = HttpResponse(bytes(invoice.pdf), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=invoice.filename
        )
        return response


@admin.register(InvoiceNumberCounter)
class InvoiceNumberCounterAdmin(ReadOnlyAdmin):
    list_display = ("year", "last")

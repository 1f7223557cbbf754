from django.contrib import admin
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from seatwise.core.admin import ReadOnlyAdmin
from seatwise.orders.models import (
    InvoiceNumberCounter,
    Order,
    OrderEvent,
    OrderInvoice,
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

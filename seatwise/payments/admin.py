from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from seatwise.core.errors import ApplicationError
from seatwise.payments.enums import Gateway
from seatwise.payments.models import Payment, PaymentAccount, PaymentEvent
from seatwise.payments.services import (
    payment_account_private_key,
    payment_account_set_private_key,
    payment_record_manual,
)
from seatwise.payments.vault import secret_mask


class PaymentAccountForm(forms.ModelForm):
    """The private key is write-only: it is never rendered back, and leaving the field
    empty keeps the stored key."""

    private_key = forms.CharField(
        label=_("private key"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Write-only. Leave empty to keep the current key."),
    )

    checkout_url = forms.URLField(
        label=_("checkout URL"), required=False, max_length=300, assume_scheme="https"
    )
    api_url = forms.URLField(
        label=_("API URL"), required=False, max_length=300, assume_scheme="https"
    )

    class Meta:
        model = PaymentAccount
        fields = (
            "organization",
            "gateway",
            "public_key",
            "sandbox",
            "checkout_url",
            "api_url",
        )

    def clean(self):
        cleaned = super().clean()
        if not self.instance.private_key_encrypted and not cleaned.get("private_key"):
            self.add_error("private_key", _("Enter the private key."))
        return cleaned


@admin.register(PaymentAccount)
class PaymentAccountAdmin(admin.ModelAdmin):
    form = PaymentAccountForm
    list_display = ("organization", "gateway", "public_key", "sandbox", "private_key_masked")
    list_filter = ("gateway", "sandbox")
    search_fields = ("organization__name", "public_key")
    readonly_fields = ("private_key_masked", "created_at", "updated_at")
    fields = (
        "organization",
        "gateway",
        "public_key",
        "private_key",
        "private_key_masked",
        "sandbox",
        "checkout_url",
        "api_url",
        "created_at",
        "updated_at",
    )

    @admin.display(description=_("private key (stored)"))
    def private_key_masked(self, obj: PaymentAccount) -> str:
        if not obj.pk:
            return "—"
        return secret_mask(plain=payment_account_private_key(account=obj)) or "—"

    def save_model(self, request, obj, form, change):
        payment_account_set_private_key(account=obj, private_key=form.cleaned_data["private_key"])
        super().save_model(request, obj, form, change)


class PaymentEventInline(admin.TabularInline):
    model = PaymentEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "gateway_status", "status_before", "status_after", "note", "actor")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = (
        "reference",
        "organization",
        "gateway",
        "amount",
        "currency",
        "status",
        "sandbox",
        "created_at",
    )
    list_filter = ("gateway", "status", "sandbox", "currency")
    search_fields = ("reference", "gateway_order_id", "gateway_payment_id", "organization__name")
    readonly_fields = [f.name for f in Payment._meta.fields]
    inlines = (PaymentEventInline,)
    actions = ("record_payment",)

    def has_add_permission(self, request) -> bool:
        return False  # payments are created by checkout, never by hand

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Record payment (invoice paid in full)"))
    def record_payment(self, request, queryset):
        recorded = 0
        for payment in queryset.filter(gateway=Gateway.INVOICE):
            try:
                payment_record_manual(payment=payment, actor=request.user, amount=payment.amount)
            except ApplicationError as exc:
                self.message_user(
                    request, f"{payment.reference}: {exc.message}", level=messages.ERROR
                )
            else:
                recorded += 1
        self.message_user(
            request, _("%(count)d payment(s) recorded.") % {"count": recorded}, messages.SUCCESS
        )


@admin.register(PaymentEvent)
class PaymentEventAdmin(admin.ModelAdmin):
    """Append-only: visible, never edited or deleted."""

    list_display = ("at", "payment", "kind", "gateway_status", "status_before", "status_after")
    list_filter = ("kind",)
    search_fields = ("payment__reference", "payment__gateway_order_id")
    readonly_fields = [f.name for f in PaymentEvent._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

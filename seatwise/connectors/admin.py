from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from seatwise.connectors.models import PartnerCenterCredentials, TenantDomain
from seatwise.core import clock


@admin.register(TenantDomain)
class TenantDomainAdmin(admin.ModelAdmin):
    list_display = ("prefix", "source", "created_at")
    list_filter = ("source",)
    search_fields = ("prefix",)
    readonly_fields = ("created_at",)


def _write_only(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Write-only. Leave empty to keep the stored value."),
    )


class PartnerCenterCredentialsForm(forms.ModelForm):
    """The client secret and the refresh token are write-only: never rendered back; an
    empty field keeps the stored value."""

    client_secret = _write_only(_("client secret"))
    refresh_token = _write_only(_("refresh token (Secure Application Model)"))
    api_url = forms.URLField(label=_("API URL"), max_length=300, assume_scheme="https")
    authority_url = forms.URLField(
        label=_("Entra ID authority"), max_length=300, assume_scheme="https"
    )
    clear_refresh_token = forms.BooleanField(
        label=_("remove the stored refresh token"), required=False
    )

    class Meta:
        model = PartnerCenterCredentials
        fields = (
            "organization",
            "api_url",
            "authority_url",
            "tenant_id",
            "client_id",
            "partner_id",
        )

    def clean(self):
        cleaned = super().clean()
        if not self.instance.client_secret_encrypted and not cleaned.get("client_secret"):
            self.add_error("client_secret", _("Enter the client secret."))
        return cleaned


@admin.register(PartnerCenterCredentials)
class PartnerCenterCredentialsAdmin(admin.ModelAdmin):
    form = PartnerCenterCredentialsForm
    list_display = ("organization", "tenant_id", "client_id", "secret_state", "updated_at")
    search_fields = ("organization__name", "tenant_id", "client_id", "partner_id")
    readonly_fields = ("secret_state", "refresh_token_state", "updated_at")
    fields = (
        "organization",
        "api_url",
        "authority_url",
        "tenant_id",
        "client_id",
        "partner_id",
        "client_secret",
        "secret_state",
        "refresh_token",
        "clear_refresh_token",
        "refresh_token_state",
        "updated_at",
    )

    @admin.display(description=_("client secret"))
    def secret_state(self, obj: PartnerCenterCredentials) -> str:
        return _("set") if obj.client_secret_encrypted else _("not set")

    @admin.display(description=_("refresh token"))
    def refresh_token_state(self, obj: PartnerCenterCredentials) -> str:
        return _("set") if obj.refresh_token_encrypted else _("not set")

    def save_model(self, request, obj, form, change):
        if form.cleaned_data.get("client_secret"):
            obj.set_client_secret(form.cleaned_data["client_secret"])
        if form.cleaned_data.get("clear_refresh_token"):
            obj.set_refresh_token("")
        elif form.cleaned_data.get("refresh_token"):
            obj.set_refresh_token(form.cleaned_data["refresh_token"])
        obj.updated_at = clock.now()
        super().save_model(request, obj, form, change)

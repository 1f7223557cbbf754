from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from seatwise.core.admin import BumpsCacheAdmin, ReadOnlyAdmin
from seatwise.tenancy.models import (
    Address,
    AgreementAcceptance,
    ApiKey,
    AuthenticationSettings,
    Invitation,
    Membership,
    Organization,
    OrganizationRegistration,
    OrganizationTerms,
    PaymentSettings,
    TermsAcceptance,
)
from seatwise.tenancy.services import api_key_revoke_by_staff


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


@admin.register(ApiKey)
class ApiKeyAdmin(ReadOnlyAdmin):
    """Read-only: keys are created by their users (the plaintext is shown only to them) and
    revoked through the service, here by the "Revoke" action; rows are never edited."""

    list_display = ("name", "prefix", "user", "organization", "created_at", "last_used_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("name", "prefix", "user__email", "organization__name")
    list_select_related = ("user", "organization")
    readonly_fields = (
        "organization",
        "user",
        "name",
        "prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    exclude = ("secret_hash",)
    actions = ("revoke_selected",)

    def has_revoke_permission(self, request):
        return request.user.has_perm("tenancy.change_apikey")

    @admin.action(description=_("Revoke selected API keys"), permissions=["revoke"])
    def revoke_selected(self, request, queryset):
        count = 0
        for key in queryset.filter(revoked_at__isnull=True):
            api_key_revoke_by_staff(actor=request.user, pk=key.pk)
            count += 1
        self.message_user(
            request,
            ngettext("Revoked %d key.", "Revoked %d keys.", count) % count,
            messages.SUCCESS,
        )


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    """Read-only: invitations are sent from the Users page (the token travels only in the
    e-mail) and accepted or declined by their invitees."""

    list_display = ("email", "organization", "role", "invited_by", "created_at", "expires_at")
    list_filter = (
        "role",
        ("accepted_at", admin.EmptyFieldListFilter),
        ("declined_at", admin.EmptyFieldListFilter),
    )
    search_fields = ("email", "organization__name", "invited_by__email")
    list_select_related = ("organization", "invited_by")
    readonly_fields = (
        "organization",
        "email",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "declined_at",
        "accepted_by",
    )
    exclude = ("token_hash",)


@admin.register(OrganizationTerms)
class OrganizationTermsAdmin(ReadOnlyAdmin):
    """Read-only: owners and account managers set their terms on their Settings page (the
    service bumps the version when the text changes)."""

    list_display = ("organization", "require_terms", "version", "updated_at")
    list_filter = ("require_terms",)
    search_fields = ("organization__name",)
    list_select_related = ("organization",)
    readonly_fields = ("organization", "require_terms", "text", "version", "updated_at")


@admin.register(TermsAcceptance)
class TermsAcceptanceAdmin(ReadOnlyAdmin):
    """Read-only: a record of who accepted which version, kept as evidence."""

    list_display = ("user", "organization", "version", "accepted_at", "ip")
    search_fields = ("user__email", "organization__name")
    list_select_related = ("user", "organization")
    readonly_fields = ("organization", "user", "version", "accepted_at", "ip")


@admin.register(AuthenticationSettings)
class AuthenticationSettingsAdmin(admin.ModelAdmin):
    list_display = (
        "organization",
        "allow_local",
        "allow_microsoft_personal",
        "allow_microsoft_work",
        "second_factor_required",
        "updated_at",
    )
    search_fields = ("organization__name",)
    list_select_related = ("organization",)
    autocomplete_fields = ("organization",)


@admin.register(PaymentSettings)
class PaymentSettingsAdmin(admin.ModelAdmin):
    list_display = ("organization", "allow_invoice", "updated_at")
    list_filter = ("allow_invoice",)
    search_fields = ("organization__name",)
    list_select_related = ("organization",)
    autocomplete_fields = ("organization",)


@admin.register(OrganizationRegistration)
class OrganizationRegistrationAdmin(admin.ModelAdmin):
    list_display = (
        "organization",
        "tenant_choice",
        "tenant_domain",
        "registered_by",
        "registered_at",
    )
    list_filter = ("tenant_choice",)
    search_fields = ("organization__name", "tenant_domain", "registered_by__email")
    list_select_related = ("organization", "registered_by")
    readonly_fields = (
        "organization",
        "registered_by",
        "tenant_choice",
        "tenant_domain",
        "registered_at",
    )

    def has_add_permission(self, request):
        return False


@admin.register(AgreementAcceptance)
class AgreementAcceptanceAdmin(admin.ModelAdmin):
    list_display = ("organization", "agreement", "version", "user", "accepted_at", "ip")
    list_filter = ("agreement", "version")
    search_fields = ("organization__name", "user__email")
    list_select_related = ("organization", "user")
    readonly_fields = ("organization", "user", "agreement", "version", "accepted_at", "ip")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    """Address books are written by their organizations (checkout, *My account →
    Addresses*) through the services, which check the fields; operators look, and may
    remove an entry (orders keep their own copy)."""

    list_display = ("name", "organization", "city", "country", "created_by", "updated_at")
    list_filter = ("country",)
    search_fields = ("name", "contact_name", "email", "city", "organization__name")
    list_select_related = ("organization", "created_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

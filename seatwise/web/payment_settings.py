"""*Settings → Payment methods*: whether a reseller's customers without a contract (or the
provider's direct ones) may also pay by invoice, and the bank details printed on its
invoices. For owners and account managers of the reseller or provider; every change lands
in its event log (``tenancy.payment_settings_changed``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from seatwise.core.errors import ApplicationError
from seatwise.tenancy.exceptions import OrganizationNotFound
from seatwise.tenancy.selectors import payment_settings_get
from seatwise.tenancy.services import BANK_DETAILS_MAX_LENGTH, payment_settings_set
from seatwise.web.errors import render_error
from seatwise.web.shop import shop_for


def _messages() -> dict[str, str]:
    return {
        "role_required": _("Your role in this organization does not allow changing its settings."),
        "organization_not_found": _("This page does not exist for your organization."),
        "bank_details_too_long": _("Keep the bank details under %(limit)s characters.")
        % {"limit": BANK_DETAILS_MAX_LENGTH},
    }


@login_required
@require_http_methods(["GET", "POST"])
def payment_settings(request):
    organization = shop_for(request).viewer
    try:
        if organization is None:
            raise OrganizationNotFound("No organization.")
        current = payment_settings_get(user=request.user, organization=organization)
        values = {"allow_invoice": current.allow_invoice, "bank_details": current.bank_details}
        error = None
        status = 200
        if request.method == "POST":
            values = {
                "allow_invoice": request.POST.get("allow_invoice") == "on",
                "bank_details": request.POST.get("bank_details", ""),
            }
            try:
                payment_settings_set(actor=request.user, organization=organization, **values)
            except ApplicationError as exc:
                if exc.status != 400:
                    raise
                error = _messages().get(exc.code, exc.message)
                status = 400
            else:
                messages.success(request, _("The payment methods are saved."))
                return redirect("web:payment_settings")
        return render(
            request,
            "web/settings/payment_methods.html",
            {
                "organization": organization,
                "values": values,
                "error": error,
                "bank_details_max_length": BANK_DETAILS_MAX_LENGTH,
            },
            status=status,
        )
    except ApplicationError as exc:
        return render_error(request, exc, _messages())

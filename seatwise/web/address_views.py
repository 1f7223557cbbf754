"""My account → Addresses: the address book of the organization the user acts for (the
billing and shipping addresses the checkout offers). Every member reads it; a member but a
read-only one adds, changes and removes entries. Thin views over ``tenancy`` services and
selectors; an id of another organization's address is a 404."""

from __future__ import annotations

from dataclasses import asdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from seatwise.cart.checkout import address_of
from seatwise.core.errors import ApplicationError
from seatwise.tenancy.addresses import ADDRESS_FIELDS, ADDRESS_ROLES, AddressInvalid
from seatwise.tenancy.exceptions import OrganizationNotFound
from seatwise.tenancy.selectors import access_address, address_list, require_role
from seatwise.tenancy.services import address_add, address_remove, address_update
from seatwise.web.address_forms import AddressForm, blank
from seatwise.web.errors import render_error
from seatwise.web.shop import shop_for


def _messages() -> dict[str, str]:
    return {
        "organization_not_found": _("You do not act for an organization yet."),
        "role_required": _("Your role in this organization does not allow changing addresses."),
        "address_not_found": _("This address does not exist or is not yours."),
    }


def _organization(request):
    organization = shop_for(request).viewer
    if organization is None:
        raise OrganizationNotFound("No organization.")
    require_role(user=request.user, organization=organization)  # every member reads
    return organization


def _may_edit(request, organization) -> bool:
    try:
        require_role(user=request.user, organization=organization, roles=ADDRESS_ROLES)
    except ApplicationError:
        return False
    return True


def _posted(request) -> dict[str, str]:
    return {name: str(request.POST.get(name, ""))[:300] for name in ADDRESS_FIELDS}


@login_required
@require_http_methods(["GET", "POST"])
def addresses(request):
    """The book, and the form that adds an address to it."""
    try:
        organization = _organization(request)
        values, errors, status = blank(organization), {}, 200
        if request.method == "POST":
            values = _posted(request)
            try:
                address_add(actor=request.user, organization=organization, **values)
            except AddressInvalid as exc:
                errors, status = dict(exc.details.get("fields", {})), exc.status
            else:
                messages.success(request, _("The address is saved in your address book."))
                return redirect("web:addresses")
    except ApplicationError as exc:
        return render_error(request, exc, _messages())
    return render(
        request,
        "web/account/addresses.html",
        {
            "organization": organization,
            "addresses": [
                (entry, address_of(entry)) for entry in address_list(organization=organization)
            ],
            "may_edit": _may_edit(request, organization),
            "form": AddressForm(prefix="address", values=values, errors=errors),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def address_edit(request, pk: int):
    try:
        organization = _organization(request)
        entry = access_address(user=request.user, organization=organization, pk=pk)
        values, errors, status = asdict(address_of(entry)), {}, 200
        if request.method == "POST":
            values = _posted(request)
            try:
                address_update(actor=request.user, organization=organization, pk=pk, **values)
            except AddressInvalid as exc:
                errors, status = dict(exc.details.get("fields", {})), exc.status
            else:
                messages.success(request, _("The address is saved in your address book."))
                return redirect("web:addresses")
    except ApplicationError as exc:
        return render_error(request, exc, _messages())
    return render(
        request,
        "web/account/address_edit.html",
        {
            "organization": organization,
            "entry": entry,
            "may_edit": _may_edit(request, organization),
            "form": AddressForm(prefix="address", values=values, errors=errors),
        },
        status=status,
    )


@login_required
@require_POST
def address_remove_view(request, pk: int):
    try:
        organization = _organization(request)
        address_remove(actor=request.user, organization=organization, pk=pk)
    except ApplicationError as exc:
        return render_error(request, exc, _messages())
    messages.success(request, _("The address is removed from your address book."))
    return redirect("web:addresses")

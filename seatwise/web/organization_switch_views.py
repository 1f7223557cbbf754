"""Select organization: the organizations a user may act for (their memberships and, for
owners and account managers of a reseller or provider, the organizations it serves), and
the choice, kept in the session for ``current_organization``. Thin views over
``tenancy``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from seatwise.audit.selectors import audit_log_require_reader
from seatwise.core.errors import ApplicationError
from seatwise.core.pagination import Page, paginate, parse_page
from seatwise.tenancy.enums import MANAGING_ROLES, OrganizationKind, Role
from seatwise.tenancy.selectors import (
    acting_from_organization,
    acting_organization_list,
    membership_list_for_user,
)
from seatwise.tenancy.services import acting_as_start
from seatwise.web.errors import render_error, safe_next
from seatwise.web.shop import ORGANIZATION_SESSION_KEY, shop_for

# Set while the user acts inside an organization they are not a member of: the id of the
# organization they chose (the banner shows only while it is still the one they act for).
ACTING_AS_SESSION_KEY = "acting_as_organization_id"
SWITCH_PAGE_SIZE = 24
SEARCH_MAX_LENGTH = 100


def _messages() -> dict[str, str]:
    return {
        "organization_not_found": _("This organization does not exist or you may not act for it."),
        "invalid_input": _("There is no such page."),
    }


@login_required
@require_http_methods(["GET", "POST"])
def organization_switch(request):
    if request.method == "POST":
        return _choose(request)
    search = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    try:
        page_request = parse_page(
            request.GET.get("page"), request.GET.get("page_size"), default_size=SWITCH_PAGE_SIZE
        )
    except ApplicationError as exc:
        return render_error(request, exc, _messages())
    rows, total = paginate(acting_organization_list(user=request.user, search=search), page_request)
    page = Page(items=rows, number=page_request.page, page_size=page_request.page_size, total=total)
    current = shop_for(request).viewer
    return render(
        request,
        "web/account/organization_switch.html",
        {
            "page": page,
            "organizations": page.items,
            "search": search,
            "current": current,
        },
    )


def _choose(request):
    if request.POST.get("action") == "stop":
        request.session.pop(ORGANIZATION_SESSION_KEY, None)
        request.session.pop(ACTING_AS_SESSION_KEY, None)
        messages.info(request, _("You stopped acting for another organization."))
        return redirect(safe_next(request, request.POST.get("next"), "web:home"))
    try:
        choice = acting_as_start(user=request.user, pk=request.POST.get("organization"))
    except ApplicationError as exc:
        return render_error(request, exc, _messages())
    organization = choice.organization
    request.session[ORGANIZATION_SESSION_KEY] = organization.pk
    if choice.acting_from is not None:
        request.session[ACTING_AS_SESSION_KEY] = organization.pk
    else:
        request.session.pop(ACTING_AS_SESSION_KEY, None)
    messages.success(
        request, _("You now act for %(organization)s.") % {"organization": organization.name}
    )
    return redirect(safe_next(request, request.POST.get("next"), "web:home"))


def acting_as_for(request) -> dict | None:
    """The banner's data: the organization the user acts for and the one they act from, or
    None when they act for one of their own organizations (no query then)."""
    chosen = request.session.get(ACTING_AS_SESSION_KEY) if hasattr(request, "session") else None
    if chosen is None or not request.user.is_authenticated:
        return None
    viewer = shop_for(request).viewer
    if viewer is None or viewer.pk != chosen:
        return None
    acting_from = acting_from_organization(user=request.user, organization=viewer)
    if acting_from is None:
        return None
    return {"organization": viewer, "acting_from": acting_from}


_MENU_ATTRIBUTE = "_seatwise_organization_menu"


def _menu(request) -> dict[str, bool]:
    """The user menu's "Select organization" and "Event log" flags, from one query of the
    user's memberships (computed once per request)."""
    cached = getattr(request, _MENU_ATTRIBUTE, None)
    if cached is not None:
        return cached
    flags = {"switch": False, "event_log": False}
    if request.user.is_authenticated:
        memberships = list(membership_list_for_user(user=request.user))
        staff = any(
            m.role in MANAGING_ROLES and m.organization.kind != OrganizationKind.CUSTOMER
            for m in memberships
        )
        flags["switch"] = len(memberships) > 1 or staff
        viewer = shop_for(request).viewer
        own = next((m for m in memberships if viewer and m.organization_id == viewer.pk), None)
        if own is not None:
            flags["event_log"] = own.role == Role.OWNER
        elif viewer is not None and staff:
            try:
                audit_log_require_reader(user=request.user, organization=viewer)
            except ApplicationError:
                flags["event_log"] = False  # may not read this organization's event log
            else:
                flags["event_log"] = True
    setattr(request, _MENU_ATTRIBUTE, flags)
    return flags


def may_switch_organization(request) -> bool:
    """True when the user belongs to more than one organization or is an owner or account
    manager of a reseller or provider (the menu's "Select organization")."""
    return _menu(request)["switch"]


def may_read_event_log(request) -> bool:
    """True when the user may read the event log of the organization they act for: an owner
    of it, or managing staff above it (the menu's "Event log")."""
    return _menu(request)["event_log"]

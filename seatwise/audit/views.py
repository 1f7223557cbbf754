"""The organization's event log page. Thin: parse, call the selectors, render.

``/organizations/<org_id>/events/``: signed-in users only (others go to the sign-in page);
an organization the user has nothing to do with is a 404, a member without the owner role
gets the 403 page. HTMX requests get only the results fragment."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from seatwise.audit.enums import AuditEventType
from seatwise.audit.exceptions import AuditPageNotFound
from seatwise.audit.selectors import AUDIT_PAGE_SIZE, audit_event_list, audit_organization_get
from seatwise.core.errors import ApplicationError
from seatwise.core.pagination import parse_page

_ERROR_TEMPLATES = {403: "audit/forbidden.html", 404: "404.html"}


def _message(exc: ApplicationError) -> str:
    known = {
        "role_required": _("Only the organization's owners can read its event log."),
        "organization_not_found": _("This organization does not exist or is not yours."),
        "unknown_audit_event": _("Choose an event type from the list."),
        "page_out_of_range": _("There is no such page of the event log."),
    }
    return known.get(exc.code, exc.message)


def _error_page(request, exc: ApplicationError):
    template = _ERROR_TEMPLATES.get(exc.status, "400.html")
    return render(
        request, template, {"message": _message(exc), "code": exc.code}, status=exc.status
    )


def _wants_partial(request) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request and not htmx.boosted


@require_GET
@login_required
def event_list(request, org_id: int):
    event = request.GET.get("event", "").strip() or None
    try:
        organization = audit_organization_get(user=request.user, pk=org_id)
        page_request = parse_page(
            request.GET.get("page"), request.GET.get("page_size"), default_size=AUDIT_PAGE_SIZE
        )
        page = audit_event_list(
            user=request.user, organization=organization, event=event, page=page_request
        )
        if page.out_of_range and page.number > 1:
            raise AuditPageNotFound("There is no such page of the event log.")
    except ApplicationError as exc:
        return _error_page(request, exc)
    context = {
        "organization": organization,
        "page": page,
        "events": page.items,
        "event_choices": AuditEventType.choices,
        "selected_event": event or "",
    }
    template = "audit/partials/event_results.html" if _wants_partial(request) else None
    response = render(request, template or "audit/event_list.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response

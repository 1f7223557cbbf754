"""Reads of the event log, scoped: only the organization's owners, and owners or account
managers of an organization above it (the reseller or provider that serves it), may read."""

from __future__ import annotations

from django.db.models import QuerySet

from seatwise.audit.enums import AuditEventType
from seatwise.audit.exceptions import UnknownAuditEvent
from seatwise.audit.models import AuditEvent
from seatwise.core.pagination import Page, PageRequest, paginate
from seatwise.tenancy.enums import MANAGING_ROLES, Role
from seatwise.tenancy.exceptions import OrganizationNotFound, RoleRequired
from seatwise.tenancy.models import Organization
from seatwise.tenancy.selectors import membership_get, require_role

AUDIT_PAGE_SIZE = 50


def audit_log_require_reader(*, user, organization: Organization) -> None:
    """Raise unless ``user`` may read ``organization``'s log.

    A member of the organization itself needs the owner role (else ``RoleRequired``, a
    403). Someone who is not a member needs an owner or account-manager membership of an
    organization above it (``require_role`` walks the tree); anyone else gets
    ``OrganizationNotFound`` (a 404 that does not reveal the organization exists)."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise OrganizationNotFound("Organization not found.")
    own = membership_get(user=user, organization=organization)
    if own is not None:
        if own.role != Role.OWNER:
            raise RoleRequired(
                "Only the organization's owners can read its event log.",
                details={"role": own.role},
            )
        return
    require_role(user=user, organization=organization, roles=MANAGING_ROLES)


def audit_organization_get(*, user, pk: object) -> Organization:
    """The organization ``pk`` (from a URL) whose log ``user`` may read, or an error as in
    ``audit_log_require_reader``; an unknown id is ``OrganizationNotFound`` too."""
    try:
        organization = Organization.objects.get(pk=pk)
    except (Organization.DoesNotExist, ValueError, TypeError):
        raise OrganizationNotFound("Organization not found.") from None
    audit_log_require_reader(user=user, organization=organization)
    return organization


def _filtered(*, organization: Organization, event: str | None) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(organization=organization)
    if event:
        if event not in AuditEventType.values:
            raise UnknownAuditEvent(
                "Choose an event type from the list.", details={"field": "event"}
            )
        events = events.filter(event=event)
    return events.select_related("actor", "acting_from").order_by("-created_at", "-pk")


def audit_event_list(
    *,
    user,
    organization: Organization,
    event: str | None = None,
    page: PageRequest | None = None,
) -> Page[AuditEvent]:
    """A page of ``organization``'s log, newest first, optionally of one ``event`` type.

    Checks the reader (``audit_log_require_reader``). Two queries for the rows (count and
    slice, actor and acting-from organization joined) whatever the page size."""
    audit_log_require_reader(user=user, organization=organization)
    page = page or PageRequest(page=1, page_size=AUDIT_PAGE_SIZE)
    rows, total = paginate(_filtered(organization=organization, event=event), page)
    return Page(items=rows, number=page.page, page_size=page.page_size, total=total)

"""Changes to an organization's address book land in its event log."""

import pytest

from seatwise.audit.enums import AuditEventType
from seatwise.audit.models import AuditEvent
from seatwise.tenancy.enums import Role
from seatwise.tenancy.services import address_add, address_remove, address_update
from seatwise.tenancy.tests.factories import make_customer, make_member, make_provider

pytestmark = pytest.mark.django_db

WAREHOUSE = {
    "name": "Warehouse 3",
    "address_line1": "1 Skladska St",
    "postal_code": "10001",
    "city": "Zhytomyr",
    "country": "UA",
}


def test_adding_changing_and_removing_an_address_is_logged_once_each(
    django_capture_on_commit_callbacks,
):
    customer = make_customer(make_provider())
    owner = make_member(customer, Role.OWNER)
    with django_capture_on_commit_callbacks(execute=True):
        address = address_add(actor=owner, organization=customer, **WAREHOUSE)
        address_add(actor=owner, organization=customer, **WAREHOUSE)  # the same: not again
        address_update(actor=owner, organization=customer, pk=address.pk, city="Kyiv")
        address_update(actor=owner, organization=customer, pk=address.pk, city="Kyiv")
        address_remove(actor=owner, organization=customer, pk=address.pk)
    entries = AuditEvent.objects.filter(
        organization=customer, event=AuditEventType.ADDRESS_BOOK_CHANGED
    ).order_by("pk")
    assert [(e.actor, e.details["action"], e.details["fields"]) for e in entries] == [
        (owner, "added", []),
        (owner, "changed", ["city"]),
        (owner, "removed", []),
    ]
    assert {e.details["address_id"] for e in entries} == {address.pk}

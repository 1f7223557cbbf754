"""The admin shows the log and cannot add, change or delete entries."""

import pytest

from seatwise.audit.models import AuditEvent
from seatwise.audit.services import audit_record
from seatwise.tenancy.tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(tree, owner):
    return audit_record(
        organization=tree["customer"], actor=owner, event="sign_in", details={"via": "form"}
    )


@pytest.fixture
def admin_client(client):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    return client


def test_admin_lists_and_shows_entries(admin_client, entry):
    assert admin_client.get("/admin/audit/auditevent/").status_code == 200
    page = admin_client.get(f"/admin/audit/auditevent/{entry.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()


def test_admin_cannot_add_change_or_delete(admin_client, entry, tree):
    before = list(AuditEvent.objects.values())
    assert admin_client.get("/admin/audit/auditevent/add/").status_code == 403
    changed = admin_client.post(
        f"/admin/audit/auditevent/{entry.pk}/change/",
        {"event": "sign_out", "details": "{}", "organization": tree["other"].pk},
    )
    assert changed.status_code == 403
    assert (
        admin_client.post(
            f"/admin/audit/auditevent/{entry.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    bulk = admin_client.post(
        "/admin/audit/auditevent/",
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    assert list(AuditEvent.objects.values()) == before

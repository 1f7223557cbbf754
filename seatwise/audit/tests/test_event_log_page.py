"""The event log page and its selector: the access matrix, exact rows, filters, paging."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser

from seatwise.audit.enums import AuditEventType
from seatwise.audit.exceptions import UnknownAuditEvent
from seatwise.audit.selectors import audit_event_list, audit_organization_get
from seatwise.audit.services import audit_record
from seatwise.core.pagination import PageRequest
from seatwise.tenancy.enums import Role
from seatwise.tenancy.exceptions import OrganizationNotFound, RoleRequired
from seatwise.tenancy.tests.factories import make_member, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.urls("seatwise.audit.tests.urls")]

T0 = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)


def _url(organization) -> str:
    return f"/organizations/{organization.pk}/events/"


@pytest.fixture
def log(tree, owner):
    """Three entries in the customer's log, one in another organization's."""
    manager = make_member(tree["reseller"], Role.ACCOUNT_MANAGER)
    entries = []
    for minutes, actor, event in (
        (0, owner, AuditEventType.SIGN_IN),
        (1, manager, AuditEventType.ACTING_AS),
        (2, owner, AuditEventType.API_KEY_CREATED),
    ):
        with time_machine.travel(T0 + dt.timedelta(minutes=minutes), tick=False):
            entries.append(
                audit_record(
                    organization=tree["customer"],
                    actor=actor,
                    event=event,
                    details={"step": minutes},
                    ip="192.0.2.10",
                )
            )
    audit_record(organization=tree["other"], actor=None, event=AuditEventType.SIGN_IN_FAILED)
    return entries


def _rows(response) -> list[tuple[str, str]]:
    html = response.content.decode()
    return re.findall(r'data-audit-event="([a-z_]+)" data-audit-id="(\d+)"', html)


# --- The access matrix of the page ---------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, tree, log):
    response = client.get(_url(tree["customer"]))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={_url(tree['customer'])}"


def test_someone_from_another_organization_gets_404(login, client, tree, log):
    login(make_member(tree["other"], Role.OWNER))
    response = client.get(_url(tree["customer"]))
    assert response.status_code == 404
    assert _rows(response) == []


def test_an_unknown_organization_is_404(login, client, owner, log):
    login(owner)
    assert client.get("/organizations/999999/events/").status_code == 404


@pytest.mark.parametrize(
    "role", [Role.ACCOUNT_MANAGER, Role.BILLING, Role.TECHNICAL, Role.READ_ONLY]
)
def test_a_member_without_the_owner_role_is_refused(login, client, tree, log, role):
    login(make_member(tree["customer"], role))
    response = client.get(_url(tree["customer"]))
    assert response.status_code == 403
    assert (
        "Only the organization&#x27;s owners can read its event log." in response.content.decode()
    )
    assert _rows(response) == []


def test_the_owner_sees_exactly_the_organizations_entries_newest_first(
    login, client, tree, owner, log
):
    login(owner)
    response = client.get(_url(tree["customer"]))
    assert response.status_code == 200
    assert _rows(response) == [
        ("api_key_created", str(log[2].pk)),
        ("acting_as", str(log[1].pk)),
        ("sign_in", str(log[0].pk)),
    ]
    html = response.content.decode()
    assert "acting from Northwind" in html  # both identities shown
    assert "2027-03-01 09:02:00" in html


@pytest.mark.parametrize("role", [Role.OWNER, Role.ACCOUNT_MANAGER])
def test_managing_staff_of_the_reseller_read_the_customers_log(login, client, tree, log, role):
    login(make_member(tree["reseller"], role))
    response = client.get(_url(tree["customer"]))
    assert response.status_code == 200
    assert len(_rows(response)) == 3


def test_other_staff_of_the_reseller_do_not(login, client, tree, log):
    login(make_member(tree["reseller"], Role.TECHNICAL))
    assert client.get(_url(tree["customer"])).status_code == 404


def test_the_provider_owner_reads_any_customers_log(login, client, tree, log):
    login(make_member(tree["provider"], Role.OWNER))
    assert client.get(_url(tree["customer"])).status_code == 200


# --- Filters, paging, HTMX, queries --------------------------------------------------------


def test_filter_by_event_type(login, client, tree, owner, log):
    login(owner)
    response = client.get(_url(tree["customer"]), {"event": "acting_as"})
    assert _rows(response) == [("acting_as", str(log[1].pk))]
    assert 'value="acting_as" selected' in response.content.decode()


@pytest.mark.parametrize(
    "query", [{"event": "drop table"}, {"page": "x"}, {"page": "0"}, {"page_size": "1000"}]
)
def test_bad_filters_are_a_400(login, client, tree, owner, log, query):
    login(owner)
    response = client.get(_url(tree["customer"]), query)
    assert response.status_code == 400
    assert _rows(response) == []


def test_pages_of_the_log(login, client, tree, owner, log):
    login(owner)
    first = client.get(_url(tree["customer"]), {"page_size": 2})
    second = client.get(_url(tree["customer"]), {"page_size": 2, "page": 2})
    assert [pk for _e, pk in _rows(first)] == [str(log[2].pk), str(log[1].pk)]
    assert [pk for _e, pk in _rows(second)] == [str(log[0].pk)]
    assert 'rel="next"' in first.content.decode()
    assert client.get(_url(tree["customer"]), {"page_size": 2, "page": 3}).status_code == 404


def test_an_empty_log_says_so(login, client, tree):
    user = make_member(tree["other"], Role.OWNER)
    login(user)
    response = client.get(_url(tree["reseller"]))
    assert response.status_code == 404  # Globex's owner has nothing to do with the reseller
    reseller_owner = make_member(tree["reseller"], Role.OWNER)
    login(reseller_owner)
    response = client.get(_url(tree["reseller"]))
    assert response.status_code == 200
    assert "data-audit-empty" in response.content.decode()


def test_htmx_gets_only_the_results(login, client, tree, owner, log):
    login(owner)
    response = client.get(_url(tree["customer"]), {"event": "sign_in"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert _rows(response) == [("sign_in", str(log[0].pk))]
    assert "HX-Request" in response["Vary"]


def test_the_page_query_count_does_not_grow_with_the_rows(
    login, client, tree, owner, log, django_assert_max_num_queries
):
    login(owner)
    client.get(_url(tree["customer"]))  # warm the session and content types
    # 14: one of them is the terms middleware asking whether the reseller requires terms,
    # one the user menu's memberships ("Select organization" and "Event log" entries).
    with django_assert_max_num_queries(14) as few:
        client.get(_url(tree["customer"]))
    for n in range(20):
        audit_record(organization=tree["customer"], actor=owner, event="sign_in", details={"n": n})
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(_url(tree["customer"]))
    assert len(_rows(response)) == 23


# --- The selector on its own ---------------------------------------------------------------


def test_selector_matrix(tree, owner, log):
    customer = tree["customer"]
    with pytest.raises(OrganizationNotFound):
        audit_event_list(user=AnonymousUser(), organization=customer)
    with pytest.raises(OrganizationNotFound):
        audit_event_list(user=make_user(), organization=customer)
    with pytest.raises(RoleRequired):
        audit_event_list(user=make_member(customer, Role.ACCOUNT_MANAGER), organization=customer)
    page = audit_event_list(
        user=owner, organization=customer, event="sign_in", page=PageRequest(page=1, page_size=10)
    )
    assert [e.pk for e in page.items] == [log[0].pk]
    assert page.total == 1
    with pytest.raises(UnknownAuditEvent):
        audit_event_list(user=owner, organization=customer, event="nope")


def test_audit_organization_get_refuses_bad_ids(owner):
    for pk in ("abc", None, 10**9):
        with pytest.raises(OrganizationNotFound):
            audit_organization_get(user=owner, pk=pk)

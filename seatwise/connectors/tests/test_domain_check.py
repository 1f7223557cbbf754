"""``tenant_domain_check``: availability and three free suggestions, all through the port."""

import pytest
import time_machine

from seatwise.connectors.exceptions import ConnectorUnavailable, InvalidTenantDomain
from seatwise.connectors.selectors import tenant_domain_check
from seatwise.connectors.tests.fakes import CountingConnector, UnavailableConnector

pytestmark = pytest.mark.django_db


def test_a_free_name_is_available_with_one_lookup():
    connector = CountingConnector()
    check = tenant_domain_check(prefix="Acme", connector=connector)
    assert (check.prefix, check.available, check.suggestions) == ("acme", True, ())
    assert check.domain == "acme.onmicrosoft.com"
    assert connector.asked == ["acme"]


@time_machine.travel("2026-03-01 10:00Z", tick=False)
def test_a_taken_name_gets_three_free_suggestions_each_checked():
    connector = CountingConnector(taken={"acme", "acme2026"})
    check = tenant_domain_check(prefix="acme", country="UA", connector=connector)
    assert check.available is False
    assert check.suggestions == ("acmeua", "acme1", "acme2")
    assert connector.asked == ["acme", "acmeua", "acme2026", "acme1", "acme2"]


@time_machine.travel("2026-03-01 10:00Z", tick=False)
def test_the_offline_connector_answers_from_the_table():
    check = tenant_domain_check(prefix="contoso", country="UA")
    assert check.available is False
    assert check.suggestions == ("contosoua", "contoso2026", "contoso1")


def test_the_lookups_for_suggestions_are_bounded():
    connector = CountingConnector(taken={f"acme{n}" for n in range(1, 100)} | {"acme", "acme2026"})
    check = tenant_domain_check(prefix="acme", connector=connector)
    assert check.suggestions == ()
    assert len(connector.asked) == 1 + 12


def test_a_malformed_name_is_refused_before_asking():
    connector = CountingConnector()
    with pytest.raises(InvalidTenantDomain):
        tenant_domain_check(prefix="acme-ua", connector=connector)
    assert connector.asked == []


def test_an_unavailable_vendor_is_reported_not_guessed():
    with pytest.raises(ConnectorUnavailable) as caught:
        tenant_domain_check(prefix="acme", connector=UnavailableConnector())
    assert caught.value.code == "connector_unavailable"

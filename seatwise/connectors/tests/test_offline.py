"""The embedded Microsoft connector and its registry."""

import pytest

from seatwise.connectors.exceptions import TenantDomainTaken, UnknownConnector
from seatwise.connectors.models import TenantDomain, TenantDomainSource
from seatwise.connectors.offline import OfflineMicrosoftConnector
from seatwise.connectors.ports import TenantDomainChecker
from seatwise.connectors.registry import connector_for
from seatwise.connectors.tests.fakes import CountingConnector

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "prefix",
    ["contoso", "fabrikam", "seatwise", "karpatylogistics", "polissiaenergy", "Contoso"],
)
def test_seeded_names_are_taken(prefix):
    assert OfflineMicrosoftConnector().domain_available(prefix=prefix) is False


def test_a_free_name_is_available():
    assert OfflineMicrosoftConnector().domain_available(prefix="hoverla2031") is True


def test_a_reserved_name_is_taken_afterwards():
    connector = OfflineMicrosoftConnector()
    connector.domain_reserve(prefix="Acmeua")
    row = TenantDomain.objects.get(prefix="acmeua")
    assert row.source == TenantDomainSource.REGISTRATION
    assert connector.domain_available(prefix="acmeua") is False


def test_reserving_a_taken_name_is_refused_and_adds_nothing():
    before = TenantDomain.objects.count()
    with pytest.raises(TenantDomainTaken) as caught:
        OfflineMicrosoftConnector().domain_reserve(prefix="contoso")
    assert caught.value.code == "tenant_domain_taken"
    assert caught.value.status == 409
    assert TenantDomain.objects.count() == before


def test_the_offline_connector_implements_the_port():
    assert isinstance(OfflineMicrosoftConnector(), TenantDomainChecker)


def test_the_registry_gives_the_offline_connector_by_default():
    assert isinstance(connector_for("microsoft"), OfflineMicrosoftConnector)


def test_the_registry_follows_the_setting(settings):
    settings.SEATWISE_MICROSOFT_CONNECTOR = "seatwise.connectors.tests.fakes.CountingConnector"
    assert isinstance(connector_for("microsoft"), CountingConnector)


def test_the_registry_refuses_an_unknown_vendor_or_a_bad_path(settings):
    with pytest.raises(UnknownConnector):
        connector_for("cisco")
    settings.SEATWISE_MICROSOFT_CONNECTOR = "seatwise.connectors.nowhere.Connector"
    with pytest.raises(UnknownConnector):
        connector_for("microsoft")

"""Settings → Authentication management: the service and the page (with its access matrix)."""

import pytest

from seatwise.audit.models import AuditEvent
from seatwise.core.errors import ValidationError
from seatwise.tenancy.enums import Role
from seatwise.tenancy.exceptions import OrganizationNotFound, RoleRequired
from seatwise.tenancy.models import AuthenticationSettings
from seatwise.tenancy.selectors import authentication_settings_for
from seatwise.tenancy.services import authentication_settings_set
from seatwise.tenancy.tests.factories import (
    make_customer,
    make_member,
    make_provider,
    make_reseller,
)

pytestmark = pytest.mark.django_db

URL = "/organizations/settings/authentication/"
ALL_ON = {
    "allow_local": "on",
    "allow_microsoft_personal": "on",
    "allow_microsoft_work": "on",
    "second_factor_required": "on",
}


@pytest.fixture
def tree():
    provider = make_provider("Provider")
    reseller = make_reseller(provider, "Northwind")
    other = make_reseller(provider, "Other reseller")
    return {
        "provider": provider,
        "reseller": reseller,
        "other": other,
        "acme": make_customer(reseller, "Acme"),
        "direct": make_customer(provider, "Direct customer"),
    }


def _values(organization) -> tuple:
    row = AuthenticationSettings.objects.get(organization=organization)
    return (
        row.allow_local,
        row.allow_microsoft_personal,
        row.allow_microsoft_work,
        row.second_factor_required,
    )


# --- the service --------------------------------------------------------------------------


def test_set_creates_the_settings_and_audits_the_change(tree, django_capture_on_commit_callbacks):
    owner = make_member(tree["reseller"], Role.OWNER)
    with django_capture_on_commit_callbacks(execute=True):
        authentication_settings_set(
            actor=owner,
            organization=tree["reseller"],
            allow_local=False,
            allow_microsoft_personal=False,
            allow_microsoft_work=True,
            second_factor_required=False,
        )
    assert _values(tree["reseller"]) == (False, False, True, False)
    applied = authentication_settings_for(organization=tree["acme"])
    assert (applied.allow_local, applied.allow_microsoft_work) == (False, True)
    rows = list(
        AuditEvent.objects.filter(
            organization=tree["reseller"], event="settings_changed"
        ).values_list("actor_id", "details")
    )
    assert rows == [
        (
            owner.pk,
            {
                "setting": "authentication",
                "allow_local": False,
                "allow_microsoft_personal": False,
                "allow_microsoft_work": True,
                "second_factor_required": False,
            },
        )
    ]


def test_setting_the_same_values_again_records_nothing(tree, django_capture_on_commit_callbacks):
    owner = make_member(tree["reseller"], Role.OWNER)
    values = {
        "allow_local": True,
        "allow_microsoft_personal": True,
        "allow_microsoft_work": False,
        "second_factor_required": True,
    }
    with django_capture_on_commit_callbacks(execute=True):
        authentication_settings_set(actor=owner, organization=tree["reseller"], **values)
    with django_capture_on_commit_callbacks(execute=True):
        authentication_settings_set(actor=owner, organization=tree["reseller"], **values)
    assert AuditEvent.objects.filter(event="settings_changed").count() == 1


def test_turning_every_method_off_is_refused_and_nothing_changes(tree):
    owner = make_member(tree["reseller"], Role.OWNER)
    with pytest.raises(ValidationError) as refused:
        authentication_settings_set(
            actor=owner,
            organization=tree["reseller"],
            allow_local=False,
            allow_microsoft_personal=False,
            allow_microsoft_work=False,
            second_factor_required=True,
        )
    assert refused.value.code == "authentication_method_required"
    assert AuthenticationSettings.objects.count() == 0


def test_only_managers_of_a_reseller_or_provider_may_set(tree):
    values = {
        "allow_local": True,
        "allow_microsoft_personal": True,
        "allow_microsoft_work": True,
        "second_factor_required": True,
    }
    with pytest.raises(RoleRequired):
        authentication_settings_set(
            actor=make_member(tree["reseller"], Role.TECHNICAL),
            organization=tree["reseller"],
            **values,
        )
    with pytest.raises(OrganizationNotFound):
        authentication_settings_set(
            actor=make_member(tree["acme"], Role.OWNER), organization=tree["acme"], **values
        )
    with pytest.raises(OrganizationNotFound):
        authentication_settings_set(
            actor=make_member(tree["other"], Role.OWNER), organization=tree["reseller"], **values
        )
    assert AuthenticationSettings.objects.count() == 0


# --- the page: access matrix --------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, tree):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/organizations/settings/authentication/"
    client.post(URL, ALL_ON)
    assert AuthenticationSettings.objects.count() == 0


@pytest.mark.parametrize("role", [Role.OWNER, Role.TECHNICAL])
def test_customers_get_404(client, tree, role):
    client.force_login(make_member(tree["acme"], role))
    assert client.get(URL).status_code == 404
    assert client.post(URL, ALL_ON).status_code == 404
    assert 'data-menu="authentication-settings"' not in client.get("/").content.decode()
    assert AuthenticationSettings.objects.count() == 0


@pytest.mark.parametrize("role", [Role.BILLING, Role.TECHNICAL, Role.READ_ONLY])
def test_members_without_the_role_get_403(client, tree, role):
    client.force_login(make_member(tree["reseller"], role))
    response = client.get(URL)
    assert response.status_code == 403
    assert "does not allow changing its settings" in response.content.decode()
    assert client.post(URL, ALL_ON).status_code == 403
    assert 'data-menu="authentication-settings"' not in client.get("/").content.decode()
    assert AuthenticationSettings.objects.count() == 0


@pytest.mark.parametrize("role", [Role.OWNER, Role.ACCOUNT_MANAGER])
def test_managers_save_their_own_organization_only(client, tree, role):
    other_owner = make_member(tree["other"], Role.OWNER)
    authentication_settings_set(
        actor=other_owner,
        organization=tree["other"],
        allow_local=True,
        allow_microsoft_personal=True,
        allow_microsoft_work=False,
        second_factor_required=True,
    )
    client.force_login(make_member(tree["reseller"], role))
    assert 'data-menu="authentication-settings"' in client.get("/").content.decode()
    page = client.get(URL)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Northwind" in html
    assert 'name="allow_local" id="allow_local" checked' in html
    assert 'name="allow_microsoft_personal" id="allow_microsoft_personal">' in html
    assert "Work Microsoft account" in html

    response = client.post(URL, {"allow_microsoft_work": "on"})
    assert (response.status_code, response["Location"]) == (302, URL)
    assert _values(tree["reseller"]) == (False, False, True, False)
    assert _values(tree["other"]) == (True, True, False, True)
    assert "The authentication settings are saved." in client.get(URL).content.decode()


def test_the_provider_sets_the_policy_of_its_direct_customers(client, tree):
    client.force_login(make_member(tree["provider"], Role.OWNER))
    response = client.post(URL, {"allow_local": "on", "allow_microsoft_personal": "on"})
    assert response.status_code == 302
    assert _values(tree["provider"]) == (True, True, False, False)
    applied = authentication_settings_for(organization=tree["direct"])
    assert (applied.allow_microsoft_personal, applied.second_factor_required) == (True, False)


def test_saving_with_every_method_off_shows_the_error(client, tree):
    client.force_login(make_member(tree["reseller"], Role.OWNER))
    response = client.post(URL, {"second_factor_required": "on"})
    assert response.status_code == 400
    assert "Offer at least one way to sign in." in response.content.decode()
    assert AuthenticationSettings.objects.count() == 0

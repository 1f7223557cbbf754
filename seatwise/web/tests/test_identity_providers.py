"""Sign-in with a Microsoft account against the OIDC sandbox over real HTTP (a separate
process: authorize, token, ID token, JWKS, Graph), the buttons of the sign-in page, the
local sign-in policy and My account → Connected accounts."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount

from seatwise.identity.services import user_email_mark_verified
from seatwise.tenancy.enums import Role
from seatwise.tenancy.services import authentication_settings_set
from seatwise.tenancy.tests.factories import (
    make_customer,
    make_member,
    make_provider,
    make_reseller,
    make_user,
)
from seatwise.web.tests import oidc_sandbox as sandbox_fixtures
from seatwise.web.tests.helpers import text

pytestmark = pytest.mark.django_db

# The sandbox process (session-wide) and both Microsoft apps pointed at it.
oidc_sandbox = sandbox_fixtures.oidc_sandbox
microsoft_apps = sandbox_fixtures.microsoft_apps

PASSWORD = "s3cret-Passw0rd"
WORK_LOGIN = "/accounts/microsoft/login/"
PERSONAL_LOGIN = "/accounts/oidc/microsoft-personal/login/"
NO_ACCOUNT = "There is no Seatwise account for this Microsoft account: register first."


@pytest.fixture
def tree():
    provider = make_provider("Provider")
    reseller = make_reseller(provider, "Northwind")
    return {
        "provider": provider,
        "reseller": reseller,
        "acme": make_customer(reseller, "Acme"),
        "globex": make_customer(reseller, "Globex"),
        "direct": make_customer(provider, "Direct customer"),
        "reseller_owner": make_member(reseller, Role.OWNER),
        "provider_owner": make_member(provider, Role.OWNER),
    }


def _policy(tree, owner="reseller", **values):
    organization = tree[owner]
    settings = {
        "allow_local": True,
        "allow_microsoft_personal": False,
        "allow_microsoft_work": False,
        "second_factor_required": False,
        **values,
    }
    return authentication_settings_set(
        actor=tree[f"{owner}_owner"], organization=organization, **settings
    )


def _member(organization, email: str, role=Role.TECHNICAL):
    user = make_user(email, PASSWORD)
    make_member(organization, role, user=user)
    user_email_mark_verified(user=user)
    return user


def _sign_in_with(client, sandbox, login_path: str, next_url: str = "/products/"):
    """Press the button (POST), let the sandbox approve over HTTP, return the callback."""
    response = client.post(login_path, {"process": "login", "next": next_url})
    assert response.status_code == 302
    authorize = response["Location"]
    assert authorize.startswith(sandbox.url)
    approved = requests.get(authorize, allow_redirects=False, timeout=10)
    assert approved.status_code == 302
    callback = urlsplit(approved.headers["Location"])
    assert callback.netloc == "testserver"
    return client.get(f"{callback.path}?{callback.query}")


def _signed_in_user_id(client):
    return client.session.get("_auth_user_id")


# --- Microsoft sign-in over the sandbox ---------------------------------------------------


def test_a_work_account_signs_in_the_user_with_that_verified_address(client, tree, microsoft_apps):
    _policy(tree, allow_microsoft_work=True)
    ann = _member(tree["acme"], "ann@contoso.test")
    microsoft_apps.set_user(kind="work", id="work-ann", upn="Ann@Contoso.test", name="Ann Lee")

    response = _sign_in_with(client, microsoft_apps, WORK_LOGIN)

    assert (response.status_code, response["Location"]) == (302, "/products/")
    assert _signed_in_user_id(client) == str(ann.pk)
    account = SocialAccount.objects.get()
    assert (account.user, account.provider, account.uid) == (ann, "microsoft", "work-ann")


def test_a_connected_work_account_signs_in_again(client, tree, microsoft_apps):
    _policy(tree, allow_microsoft_work=True)
    ann = _member(tree["acme"], "ann@contoso.test")
    microsoft_apps.set_user(kind="work", id="work-ann", upn="ann@contoso.test")
    _sign_in_with(client, microsoft_apps, WORK_LOGIN)
    client.logout()

    response = _sign_in_with(client, microsoft_apps, WORK_LOGIN)

    assert response.status_code == 302
    assert _signed_in_user_id(client) == str(ann.pk)
    assert SocialAccount.objects.count() == 1


def test_a_personal_account_signs_in_through_openid_connect(client, tree, microsoft_apps):
    _policy(tree, allow_microsoft_personal=True)
    bob = _member(tree["acme"], "bob@outlook.test")
    microsoft_apps.set_user(kind="personal", id="msa-bob", email="bob@outlook.test")

    response = _sign_in_with(client, microsoft_apps, PERSONAL_LOGIN)

    assert (response.status_code, response["Location"]) == (302, "/products/")
    assert _signed_in_user_id(client) == str(bob.pk)
    account = SocialAccount.objects.get()
    assert (account.provider, account.uid) == ("microsoft-personal", "msa-bob")
    assert account.extra_data["id_token"]["email"] == "bob@outlook.test"


def test_an_unknown_microsoft_account_is_refused_and_nothing_is_made(client, tree, microsoft_apps):
    _policy(tree, allow_microsoft_work=True)
    microsoft_apps.set_user(kind="work", id="work-zed", upn="zed@contoso.test")
    users_before = tree["acme"].memberships.count()

    response = _sign_in_with(client, microsoft_apps, WORK_LOGIN)

    assert (response.status_code, response["Location"]) == (302, "/accounts/login/")
    assert _signed_in_user_id(client) is None
    assert NO_ACCOUNT in text(client.get("/accounts/login/"))
    assert SocialAccount.objects.count() == 0
    assert tree["acme"].memberships.count() == users_before


def test_an_unverified_seatwise_address_is_not_matched(client, tree, microsoft_apps):
    _policy(tree, allow_microsoft_work=True)
    make_member(tree["acme"], Role.TECHNICAL, user=make_user("ann@contoso.test", PASSWORD))
    microsoft_apps.set_user(kind="work", id="work-ann", upn="ann@contoso.test")

    _sign_in_with(client, microsoft_apps, WORK_LOGIN)

    assert _signed_in_user_id(client) is None
    assert SocialAccount.objects.count() == 0


def test_the_mail_attribute_of_a_work_account_is_not_trusted(client, tree, microsoft_apps):
    """nOAuth: another tenant's administrator sets ``mail`` to a Seatwise user's address."""
    _policy(tree, allow_microsoft_work=True)
    _member(tree["acme"], "ann@contoso.test")
    microsoft_apps.set_user(
        kind="work", id="evil", upn="mallory@fabrikam.test", mail="ann@contoso.test"
    )

    _sign_in_with(client, microsoft_apps, WORK_LOGIN)

    assert _signed_in_user_id(client) is None
    assert SocialAccount.objects.count() == 0


def test_a_provider_the_policy_does_not_offer_is_refused(client, tree, microsoft_apps):
    _policy(tree, allow_microsoft_personal=True, allow_microsoft_work=False)
    _member(tree["acme"], "ann@contoso.test")
    microsoft_apps.set_user(kind="work", id="work-ann", upn="ann@contoso.test")

    response = _sign_in_with(client, microsoft_apps, WORK_LOGIN)

    assert (response.status_code, response["Location"]) == (302, "/accounts/login/")
    assert _signed_in_user_id(client) is None
    assert "Your organization does not offer signing in with “Work Microsoft account”." in text(
        client.get("/accounts/login/")
    )
    assert SocialAccount.objects.count() == 0


def test_a_personal_account_at_the_work_button_is_turned_away_by_microsoft(
    client, tree, microsoft_apps
):
    _policy(tree, allow_microsoft_work=True)
    _member(tree["acme"], "bob@outlook.test")
    microsoft_apps.set_user(kind="personal", id="msa-bob", email="bob@outlook.test")

    _sign_in_with(client, microsoft_apps, WORK_LOGIN)

    assert _signed_in_user_id(client) is None
    assert SocialAccount.objects.count() == 0


# --- the buttons of the sign-in page ------------------------------------------------------


def test_no_button_without_a_configured_app(client, tree, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    _policy(tree, owner="provider", allow_microsoft_personal=True, allow_microsoft_work=True)
    assert "data-provider=" not in client.get("/accounts/login/").content.decode()


def test_the_page_shows_the_buttons_the_storefront_offers(client, tree, microsoft_apps):
    html = client.get("/accounts/login/").content.decode()
    assert "data-provider=" not in html  # the provider offers only local accounts by default

    _policy(tree, owner="provider", allow_microsoft_work=True)
    html = client.get("/accounts/login/?next=/products/").content.decode()
    assert 'data-provider="microsoft"' in html
    assert 'data-provider="microsoft-personal"' not in html
    assert 'action="/accounts/microsoft/login/?process=login&amp;next=%2Fproducts%2F"' in html
    assert "Work Microsoft account" in html


def test_a_reseller_storefront_shows_the_reseller_s_choice(client, tree, microsoft_apps):
    _policy(tree, owner="provider", allow_microsoft_work=True)
    _policy(tree, allow_microsoft_personal=True)
    session = client.session
    session["storefront_reseller_id"] = tree["reseller"].pk
    session.save()
    html = client.get("/accounts/login/").content.decode()
    assert 'data-provider="microsoft-personal"' in html
    assert 'data-provider="microsoft"' not in html


# --- the local sign-in policy -------------------------------------------------------------


def _password_sign_in(client, email: str):
    return client.post("/accounts/login/", {"login": email, "password": PASSWORD})


def test_local_sign_in_is_refused_when_the_policy_turned_it_off(client, tree):
    _policy(tree, allow_local=False, allow_microsoft_work=True)
    _member(tree["acme"], "ann@contoso.test")

    response = _password_sign_in(client, "ann@contoso.test")

    assert (response.status_code, response["Location"]) == (302, "/accounts/login/")
    assert _signed_in_user_id(client) is None
    assert "does not offer signing in with an account created here" in text(
        client.get("/accounts/login/")
    )


def test_the_primary_contact_always_keeps_local_sign_in(client, tree):
    _policy(tree, allow_local=False, allow_microsoft_work=True)
    owner = _member(tree["acme"], "owner@contoso.test", role=Role.OWNER)

    response = _password_sign_in(client, "owner@contoso.test")

    assert response.status_code == 302
    assert _signed_in_user_id(client) == str(owner.pk)


def test_local_sign_in_is_allowed_while_one_organization_offers_it(client, tree):
    _policy(tree, allow_local=False, allow_microsoft_work=True)
    _policy(tree, owner="provider", allow_local=True)
    user = _member(tree["acme"], "ann@contoso.test")
    make_member(tree["direct"], Role.TECHNICAL, user=user)

    _password_sign_in(client, "ann@contoso.test")

    assert _signed_in_user_id(client) == str(user.pk)


def test_reseller_staff_keep_local_sign_in(client, tree):
    _policy(tree, allow_local=False, allow_microsoft_work=True)
    _member(tree["reseller"], "staff@northwind.test", role=Role.ACCOUNT_MANAGER)
    response = _password_sign_in(client, "staff@northwind.test")
    assert response.status_code == 302
    assert response["Location"] != "/accounts/login/"


# --- My account → Connected accounts ------------------------------------------------------


def test_connected_accounts_page_lists_and_connects(client, tree, microsoft_apps):
    ann = _member(tree["acme"], "ann@contoso.test")
    client.force_login(ann)
    assert 'data-menu="connected-accounts"' in client.get("/").content.decode()
    html = client.get("/accounts/3rdparty/").content.decode()
    assert "No Microsoft account is connected to your Seatwise account." in html
    assert 'data-provider="microsoft-personal"' in html
    assert 'data-provider="microsoft"' in html

    # Connecting works whatever the address of the Microsoft account.
    microsoft_apps.set_user(kind="work", id="work-ann-2", upn="a.lee@fabrikam.test")
    response = client.post(WORK_LOGIN, {"process": "connect"})
    approved = requests.get(response["Location"], allow_redirects=False, timeout=10)
    callback = urlsplit(approved.headers["Location"])
    client.get(f"{callback.path}?{callback.query}")
    account = SocialAccount.objects.get()
    assert (account.user, account.uid) == (ann, "work-ann-2")
    html = client.get("/accounts/3rdparty/").content.decode()
    assert 'data-connected-account="microsoft"' in html
    assert "Work Microsoft account" in html


def test_connected_accounts_page_needs_sign_in(client, tree):
    response = client.get("/accounts/3rdparty/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")

"""My account → API keys: the access matrix, the key shown once, revocation, and the key
working against the API."""

import pytest

from seatwise.tenancy.enums import Role
from seatwise.tenancy.models import ApiKey
from seatwise.tenancy.tests.factories import (
    make_customer,
    make_member,
    make_provider,
    make_reseller,
)

pytestmark = pytest.mark.django_db

URL = "/account/api-keys/"


@pytest.fixture
def orgs():
    provider = make_provider()
    reseller = make_reseller(provider)
    return {"acme": make_customer(reseller, "Acme"), "globex": make_customer(reseller, "Globex")}


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.post(URL, {"name": "x"}).status_code == 302
    assert ApiKey.objects.count() == 0


def test_a_user_without_an_organization_is_told_so(client):
    from seatwise.tenancy.tests.factories import make_user

    client.force_login(make_user())
    response = client.get(URL)
    assert response.status_code == 404
    assert "You do not act for an organization yet." in response.content.decode()


def test_a_read_only_member_cannot_create_a_key(client, orgs):
    client.force_login(make_member(orgs["acme"], Role.READ_ONLY))
    assert client.get(URL).status_code == 200
    response = client.post(URL, {"name": "script"})
    assert response.status_code == 403
    assert "does not allow API keys" in response.content.decode()
    assert ApiKey.objects.count() == 0


def test_an_owner_creates_a_key_shown_once_that_works_against_the_api(client, orgs):
    client.force_login(make_member(orgs["acme"], Role.OWNER))
    response = client.post(URL, {"name": "Billing export"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    key = ApiKey.objects.get()
    start = html.index("data-plaintext>") + len("data-plaintext>")
    plaintext = html[start : html.index("</code>", start)]
    assert plaintext.startswith("sw_") and plaintext.startswith(key.prefix)
    assert plaintext not in client.get(URL).content.decode()  # never shown again
    assert key.prefix in client.get(URL).content.decode()

    api = client.__class__()
    ok = api.get("/api/v1/catalog/vendors", headers={"X-API-Key": plaintext})
    assert ok.status_code == 200
    bad = api.get("/api/v1/catalog/offers", headers={"X-API-Key": plaintext + "x"})
    assert bad.status_code == 401
    assert bad.json()["error"]["code"] == "invalid_api_key"


def test_an_empty_name_is_refused_with_a_message(client, orgs):
    client.force_login(make_member(orgs["acme"], Role.OWNER))
    response = client.post(URL, {"name": "  "})
    assert response.status_code == 400
    assert "Give the key a name." in response.content.decode()
    assert ApiKey.objects.count() == 0


def test_revoking_own_key_and_not_another_organization_s(client, orgs):
    owner = make_member(orgs["acme"], Role.OWNER)
    other = make_member(orgs["globex"], Role.OWNER)
    client.force_login(other)
    client.post(URL, {"name": "theirs"})
    theirs = ApiKey.objects.get()
    client.force_login(owner)
    client.post(URL, {"name": "mine"})
    mine = ApiKey.objects.get(name="mine")

    response = client.post(f"/account/api-keys/{theirs.pk}/revoke/")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None

    response = client.post(f"/account/api-keys/{mine.pk}/revoke/")
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.revoked_at is not None
    assert "revoked" in client.get(URL).content.decode()
    assert client.get(f"/account/api-keys/{mine.pk}/revoke/").status_code == 405


def test_a_member_does_not_see_another_member_s_keys_but_the_owner_does(client, orgs):
    tech = make_member(orgs["acme"], Role.TECHNICAL)
    owner = make_member(orgs["acme"], Role.OWNER)
    client.force_login(tech)
    client.post(URL, {"name": "tech script"})
    client.force_login(make_member(orgs["acme"], Role.BILLING))
    assert "tech script" not in client.get(URL).content.decode()
    client.force_login(owner)
    assert "tech script" in client.get(URL).content.decode()

"""Partner Center credentials at rest: encrypted, never shown, never logged."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from seatwise.connectors import crypto
from seatwise.connectors.exceptions import CredentialsUnreadable
from seatwise.connectors.models import PartnerCenterCredentials
from seatwise.tenancy.tests.factories import make_provider, make_user

SECRET = "client-secret-Value~1234567890"
REFRESH = "0.AAAA-refresh-token-value"


@pytest.fixture
def provider(db):
    return make_provider()


@pytest.fixture
def credentials(provider):
    row = PartnerCenterCredentials(
        organization=provider, tenant_id="partner.onmicrosoft.com", client_id="app-1"
    )
    row.set_client_secret(SECRET)
    row.set_refresh_token(REFRESH)
    row.save()
    return row


def _raw_columns(pk: int) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT client_secret_encrypted, refresh_token_encrypted "
            "FROM connectors_partnercentercredentials WHERE id = %s",
            [pk],
        )
        return cursor.fetchone()


def test_secrets_round_trip_and_the_columns_hold_no_clear_text(credentials):
    stored = PartnerCenterCredentials.objects.get(pk=credentials.pk)

    assert stored.client_secret() == SECRET
    assert stored.refresh_token() == REFRESH
    secret_column, refresh_column = _raw_columns(credentials.pk)
    assert SECRET not in secret_column
    assert REFRESH not in refresh_column
    assert secret_column.startswith("gAAAA")  # a Fernet token


def test_the_same_secret_encrypts_differently_each_time():
    assert crypto.secret_encrypt(plain=SECRET) != crypto.secret_encrypt(plain=SECRET)
    assert crypto.secret_encrypt(plain="") == ""
    assert crypto.secret_decrypt(token="") == ""


def test_str_and_repr_never_show_a_secret(credentials):
    for text in (str(credentials), repr(credentials)):
        assert SECRET not in text
        assert REFRESH not in text
        assert credentials.client_secret_encrypted not in text
    assert "app-1" in repr(credentials)


def test_a_configured_encryption_key_is_used_and_can_be_rotated(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.SEATWISE_ENCRYPTION_KEY = old
    token = crypto.secret_encrypt(plain=SECRET)
    assert Fernet(old.encode()).decrypt(token.encode()).decode() == SECRET

    settings.SEATWISE_ENCRYPTION_KEY = f"{new}, {old}"
    assert crypto.secret_decrypt(token=token) == SECRET
    rotated = crypto.secret_rotate(token=token)
    assert Fernet(new.encode()).decrypt(rotated.encode()).decode() == SECRET
    assert crypto.secret_rotate(token="") == ""

    settings.SEATWISE_ENCRYPTION_KEY = [new]
    assert crypto.secret_decrypt(token=rotated) == SECRET


def test_without_a_key_setting_the_key_is_derived_from_the_secret_key(settings):
    settings.SEATWISE_ENCRYPTION_KEY = ""
    token = crypto.secret_encrypt(plain=SECRET)

    settings.SECRET_KEY = "another-secret-key-" * 3

    with pytest.raises(CredentialsUnreadable):
        crypto.secret_decrypt(token=token)
    with pytest.raises(CredentialsUnreadable):
        crypto.secret_rotate(token=token)


def test_a_malformed_key_setting_is_a_configuration_error(settings):
    settings.SEATWISE_ENCRYPTION_KEY = "not-a-fernet-key"

    with pytest.raises(ImproperlyConfigured):
        crypto.secret_encrypt(plain=SECRET)


# --- admin --------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, db):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    return client


def _form(row: PartnerCenterCredentials, **changes) -> dict:
    data = {
        "organization": row.organization_id,
        "api_url": row.api_url,
        "authority_url": row.authority_url,
        "tenant_id": row.tenant_id,
        "client_id": row.client_id,
        "partner_id": row.partner_id,
        "client_secret": "",
        "refresh_token": "",
    }
    data.update(changes)
    return data


def test_the_admin_shows_whether_secrets_are_set_and_never_renders_them(admin_client, credentials):
    page = admin_client.get(
        f"/admin/connectors/partnercentercredentials/{credentials.pk}/change/"
    ).content.decode()
    listing = admin_client.get("/admin/connectors/partnercentercredentials/").content.decode()

    for html in (page, listing):
        assert SECRET not in html
        assert REFRESH not in html
        assert credentials.client_secret_encrypted not in html
    assert 'type="password"' in page
    assert ">set<" in page


def test_the_admin_keeps_secrets_when_left_empty_and_replaces_or_clears_them(
    admin_client, credentials
):
    url = f"/admin/connectors/partnercentercredentials/{credentials.pk}/change/"

    assert admin_client.post(url, _form(credentials)).status_code == 302
    credentials.refresh_from_db()
    assert (credentials.client_secret(), credentials.refresh_token()) == (SECRET, REFRESH)

    form = _form(credentials, client_secret="new-secret", clear_refresh_token="on")
    assert admin_client.post(url, form).status_code == 302
    credentials.refresh_from_db()
    assert credentials.client_secret() == "new-secret"
    assert credentials.refresh_token() == ""
    assert credentials.refresh_token_encrypted == ""

    assert admin_client.post(url, _form(credentials, refresh_token="r2")).status_code == 302
    credentials.refresh_from_db()
    assert credentials.refresh_token() == "r2"


def test_the_admin_adds_credentials_only_with_a_client_secret(admin_client, provider):
    blank = PartnerCenterCredentials(organization=provider, tenant_id="t", client_id="c")
    url = "/admin/connectors/partnercentercredentials/add/"

    refused = admin_client.post(url, _form(blank))
    assert refused.status_code == 200
    assert not PartnerCenterCredentials.objects.exists()

    assert admin_client.post(url, _form(blank, client_secret="s-1")).status_code == 302
    saved = PartnerCenterCredentials.objects.get()
    assert saved.client_secret() == "s-1"
    assert saved.refresh_token() == ""
    assert "s-1" not in saved.client_secret_encrypted

"""Creating payments, the provider's account and its secret, manual (invoice) payments and
the admin."""

from __future__ import annotations

from decimal import Decimal

import pytest

from seatwise.core.errors import ValidationError
from seatwise.payments.enums import Gateway, PaymentEventKind, PaymentStatus
from seatwise.payments.exceptions import PaymentNotConfigured, PaymentStateError
from seatwise.payments.models import PaymentAccount, PaymentEvent
from seatwise.payments.services import (
    payment_account_ensure,
    payment_account_private_key,
    payment_checkout_form,
    payment_create,
    payment_record_manual,
)
from seatwise.payments.tests.factories import PRIVATE_KEY, make_account, make_payment
from seatwise.payments.vault import secret_decrypt, secret_encrypt, secret_mask
from seatwise.tenancy.tests.factories import make_customer, make_provider, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider():
    return make_provider()


@pytest.fixture
def account(provider):
    return make_account(provider)


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"amount": Decimal("0")}, ValidationError),
        ({"amount": Decimal("-1")}, ValidationError),
        ({"amount": Decimal("1.005")}, ValidationError),
        ({"amount": 10}, ValidationError),
        ({"currency": "RUB"}, ValidationError),
        ({"currency": "GBP"}, ValidationError),
        ({"gateway": "cash"}, ValidationError),
        ({"reference": ""}, ValidationError),
        ({"account": None}, PaymentNotConfigured),
    ],
)
def test_payment_create_refuses_bad_input(provider, account, changes, error):
    arguments = {
        "organization": make_customer(provider),
        "reference": "R-1",
        "gateway": Gateway.LIQPAY,
        "amount": Decimal("10.50"),
        "currency": "UAH",
        "account": account,
    } | changes
    with pytest.raises(error):
        payment_create(**arguments)
    assert not PaymentEvent.objects.exists()


def test_account_defaults_come_from_settings_and_the_key_is_stored_encrypted(provider, settings):
    settings.LIQPAY_PUBLIC_KEY = "sandbox_i123"
    settings.LIQPAY_PRIVATE_KEY = "sandbox_secret_123"
    account = payment_account_ensure(organization=provider)
    assert account.public_key == "sandbox_i123"
    assert "sandbox_secret_123" not in account.private_key_encrypted
    assert payment_account_private_key(account=account) == "sandbox_secret_123"
    assert payment_account_ensure(organization=provider) == account
    assert account.effective_checkout_url == settings.LIQPAY_CHECKOUT_URL


def test_no_keys_no_card_payments(provider, settings):
    settings.LIQPAY_PUBLIC_KEY = ""
    settings.LIQPAY_PRIVATE_KEY = ""
    with pytest.raises(PaymentNotConfigured):
        payment_account_ensure(organization=provider)
    assert not PaymentAccount.objects.exists()


def test_vault_round_trip_and_mask(settings):
    token = secret_encrypt(plain="sandbox_secret")
    assert secret_decrypt(token=token) == "sandbox_secret"
    settings.SECRET_KEY = "another-secret-key-for-this-test-only"
    assert secret_decrypt(token=token) == ""  # not readable with another SECRET_KEY
    assert secret_mask(plain="sandbox_secret") == "••••••••et"
    assert secret_mask(plain="short") == "••••••••"


def test_an_invoice_payment_is_recorded_by_the_provider(provider):
    actor = make_user()
    payment = make_payment(
        make_customer(provider), gateway=Gateway.INVOICE, amount=Decimal("99.00"), currency="USD"
    )
    assert payment.account is None
    with pytest.raises(ValidationError):
        payment_record_manual(payment=payment, actor=actor, amount=Decimal("98.00"))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING

    payment = payment_record_manual(payment=payment, actor=actor, amount=Decimal("99.00"))
    assert payment.status == PaymentStatus.PAID
    event = payment.events.get(kind=PaymentEventKind.MANUAL)
    assert (event.actor, event.status_before, event.status_after) == (actor, "pending", "paid")

    with pytest.raises(PaymentStateError):
        payment_record_manual(payment=payment, actor=actor, amount=Decimal("99.00"))


def test_a_card_payment_is_not_recorded_by_hand_nor_an_invoice_checked_out(provider, account):
    card = make_payment(make_customer(provider), account=account)
    with pytest.raises(PaymentStateError):
        payment_record_manual(payment=card, actor=make_user(), amount=card.amount)
    invoice = make_payment(make_customer(provider), gateway=Gateway.INVOICE)
    with pytest.raises(PaymentStateError):
        payment_checkout_form(payment=invoice, result_url="", server_url="")


# --- admin ----------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    return client


def test_admin_shows_the_private_key_masked_and_never_renders_it(admin_client, account):
    page = admin_client.get(f"/admin/payments/paymentaccount/{account.pk}/change/")
    assert page.status_code == 200
    assert PRIVATE_KEY not in page.content.decode()
    assert account.private_key_encrypted not in page.content.decode()
    assert "••••••••et" in page.content.decode()
    listing = admin_client.get("/admin/payments/paymentaccount/")
    assert PRIVATE_KEY not in listing.content.decode()


def _account_form(account, **changes) -> dict:
    return {
        "organization": account.organization_id,
        "gateway": "liqpay",
        "public_key": account.public_key,
        "private_key": "",
        "sandbox": "on",
        "checkout_url": "",
        "api_url": "",
    } | changes


def test_admin_keeps_the_key_when_the_field_is_empty_and_replaces_it_when_given(
    admin_client, account
):
    url = f"/admin/payments/paymentaccount/{account.pk}/change/"
    assert admin_client.post(url, _account_form(account)).status_code == 302
    account.refresh_from_db()
    assert payment_account_private_key(account=account) == PRIVATE_KEY

    form = _account_form(account, private_key="sandbox_new_secret")
    assert admin_client.post(url, form).status_code == 302
    account.refresh_from_db()
    assert payment_account_private_key(account=account) == "sandbox_new_secret"


def test_admin_adds_an_account_only_with_a_private_key(admin_client, provider):
    blank = PaymentAccount(organization=provider, public_key="sandbox_i5")
    page = admin_client.post("/admin/payments/paymentaccount/add/", _account_form(blank))
    assert page.status_code == 200
    assert not PaymentAccount.objects.exists()
    form = _account_form(blank, private_key="sandbox_s5")
    assert admin_client.post("/admin/payments/paymentaccount/add/", form).status_code == 302
    assert payment_account_private_key(account=PaymentAccount.objects.get()) == "sandbox_s5"


def test_admin_records_an_invoice_payment(admin_client, provider):
    payment = make_payment(make_customer(provider), gateway=Gateway.INVOICE)
    answer = admin_client.post(
        "/admin/payments/payment/",
        {"action": "record_payment", "_selected_action": [str(payment.pk)]},
    )
    assert answer.status_code == 302
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID


def test_admin_pages_render(admin_client, provider, account):
    payment = make_payment(make_customer(provider), account=account)
    for url in (
        "/admin/payments/payment/",
        f"/admin/payments/payment/{payment.pk}/change/",
        "/admin/payments/paymentevent/",
        "/admin/payments/paymentaccount/add/",
    ):
        assert admin_client.get(url).status_code == 200, url


def test_the_admin_is_for_staff_only(client, account):
    client.force_login(make_user())
    page = client.get(f"/admin/payments/paymentaccount/{account.pk}/change/")
    assert page.status_code == 302


def test_the_pending_poll_is_scheduled(settings):
    from seatwise.payments.tasks import pending_poll_task

    entry = settings.CELERY_BEAT_SCHEDULE["payments-poll-pending"]
    assert entry["task"] == pending_poll_task.name == "payments.pending_poll"
    assert pending_poll_task.delay().get() == 0

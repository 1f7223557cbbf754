"""Test factories for payment accounts and payments."""

from __future__ import annotations

from decimal import Decimal

from seatwise.payments.enums import Gateway
from seatwise.payments.models import Payment, PaymentAccount
from seatwise.payments.services import payment_create
from seatwise.payments.vault import secret_encrypt

PUBLIC_KEY = "sandbox_i000"
PRIVATE_KEY = "sandbox_secret"


def make_account(
    provider,
    *,
    public_key: str = PUBLIC_KEY,
    private_key: str = PRIVATE_KEY,
    sandbox: bool = True,
    checkout_url: str = "",
    api_url: str = "",
) -> PaymentAccount:
    return PaymentAccount.objects.create(
        organization=provider,
        gateway=Gateway.LIQPAY,
        public_key=public_key,
        private_key_encrypted=secret_encrypt(plain=private_key),
        sandbox=sandbox,
        checkout_url=checkout_url,
        api_url=api_url,
    )


def make_payment(
    payer,
    *,
    account: PaymentAccount | None = None,
    gateway: str = Gateway.LIQPAY,
    amount: Decimal = Decimal("10.50"),
    currency: str = "UAH",
    reference: str = "25-11-2026 00001",
    order_id: str | None = None,
    description: str = "Licence #1",
) -> Payment:
    payment = payment_create(
        organization=payer,
        reference=reference,
        gateway=gateway,
        amount=amount,
        currency=currency,
        description=description,
        account=account,
    )
    if order_id is not None:
        Payment.objects.filter(pk=payment.pk).update(gateway_order_id=order_id)
        payment.refresh_from_db()
    return payment

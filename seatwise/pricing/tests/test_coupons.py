"""Coupon checks and redemptions against the database."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, connections

from seatwise.catalog.tests.factories import make_category, make_offer, make_product
from seatwise.core.money import Money
from seatwise.pricing.discounts import DiscountLine
from seatwise.pricing.enums import CouponKind, CouponScope
from seatwise.pricing.exceptions import (
    CouponAlreadyUsed,
    CouponExhausted,
    CouponExpired,
    CouponMinimumNotReached,
    CouponNotApplicable,
    CouponNotFound,
    CouponNotStarted,
    CouponWrongCurrency,
)
from seatwise.pricing.models import Coupon, CouponRedemption
from seatwise.pricing.services import (
    coupon_check,
    coupon_redeem,
    coupon_release,
    coupon_upsert,
)
from seatwise.tenancy.tests.factories import make_customer, make_provider

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def make_coupon(issuer, code="SAVE10", **extra) -> Coupon:
    extra.setdefault("kind", CouponKind.PERCENT)
    extra.setdefault("value", Decimal(10))
    return Coupon.objects.create(organization=issuer, code=code, **extra)


def _lines(*amounts, offer_ids=None, categories=(0,)):
    return [
        DiscountLine(
            offer_id=(offer_ids[n] if offer_ids else 10**6 + n),
            category_ids=frozenset(categories),
            total=Money(amount, "USD"),
        )
        for n, amount in enumerate(amounts)
    ]


def _check(code, *, seller, customer=None, lines=None, at=NOW, **extra):
    lines = lines or _lines("100.00")
    subtotal = Money(sum((line.total.amount for line in lines), Decimal(0)), "USD")
    return coupon_check(
        code=code, customer=customer, seller=seller, subtotal=subtotal, lines=lines, at=at, **extra
    )


def _redeem(code, *, seller, customer, order, lines=None):
    lines = lines or _lines("100.00")
    subtotal = Money(sum((line.total.amount for line in lines), Decimal(0)), "USD")
    return coupon_redeem(
        code=code,
        customer=customer,
        seller=seller,
        subtotal=subtotal,
        lines=lines,
        order_reference=order,
        at=NOW,
    )


@pytest.fixture
def parties(db):
    provider = make_provider()
    return provider, make_customer(provider), make_customer(provider)


def test_a_valid_code_gives_its_discount_whatever_the_case(parties):
    provider, customer, _other = parties
    make_coupon(provider, "Save10")
    quote = _check("  save10 ", seller=provider, customer=customer)
    assert quote.discount == Money("10.00", "USD")
    assert quote.coupon.code == "Save10"


def test_codes_are_unique_per_issuer_ignoring_case(parties):
    provider, _customer, _other = parties
    make_coupon(provider, "SAVE10")
    with pytest.raises(IntegrityError):
        make_coupon(provider, "save10")


def test_an_unknown_code_is_not_valid(parties):
    provider, customer, _other = parties
    with pytest.raises(CouponNotFound) as error:
        _check("NOPE", seller=provider, customer=customer)
    assert error.value.message == "This coupon code is not valid."


def test_another_sellers_code_and_an_inactive_code_are_not_valid(parties):
    provider, customer, _other = parties
    make_coupon(make_provider(), "THEIRS")
    make_coupon(provider, "OFF", is_active=False)
    for code in ("THEIRS", "OFF"):
        with pytest.raises(CouponNotFound):
            _check(code, seller=provider, customer=customer)


def test_a_code_before_its_start_and_after_its_end(parties):
    provider, customer, _other = parties
    make_coupon(provider, "LATER", valid_from=NOW + dt.timedelta(days=1))
    make_coupon(provider, "GONE", valid_until=NOW - dt.timedelta(days=1))
    with pytest.raises(CouponNotStarted) as error:
        _check("LATER", seller=provider, customer=customer)
    assert "not valid yet" in error.value.message
    with pytest.raises(CouponExpired) as error:
        _check("GONE", seller=provider, customer=customer)
    assert error.value.message.startswith("This coupon expired on ")


def test_an_exhausted_code(parties):
    provider, customer, _other = parties
    make_coupon(provider, "ONCE", usage_limit=1, times_used=1)
    with pytest.raises(CouponExhausted) as error:
        _check("ONCE", seller=provider, customer=customer)
    assert error.value.message == "This coupon has been used up."


def test_the_minimum_subtotal_is_named(parties):
    provider, customer, _other = parties
    make_coupon(provider, "BIG", minimum_subtotal=Decimal(150), minimum_currency="USD")
    with pytest.raises(CouponMinimumNotReached) as error:
        _check("BIG", seller=provider, customer=customer)
    assert error.value.message == "This coupon needs a sub-total of at least 150.00 USD."
    assert _check("BIG", seller=provider, lines=_lines("100", "50")).discount == Money(
        "15.00", "USD"
    )


def test_a_scoped_code_must_match_a_line(parties):
    provider, customer, _other = parties
    category = make_category("Books")
    offer = make_offer(make_product(category=category))
    make_coupon(provider, "BOOKS", scope=CouponScope.CATEGORY, category=category)
    make_coupon(provider, "ONE", scope=CouponScope.OFFER, offer=offer)
    for code in ("BOOKS", "ONE"):
        with pytest.raises(CouponNotApplicable) as error:
            _check(code, seller=provider, customer=customer)
        assert error.value.message == "This coupon does not apply to any item in your cart."
    lines = _lines("40.00", "60.00", offer_ids=[offer.pk, 0], categories=(category.pk,))
    assert _check("ONE", seller=provider, lines=lines).discount == Money("4.00", "USD")


def test_a_fixed_code_in_another_currency_converts_or_is_refused(parties):
    provider, customer, _other = parties
    make_coupon(provider, "EUR5", kind=CouponKind.FIXED, value=Decimal(5), currency="EUR")
    with pytest.raises(CouponWrongCurrency) as error:
        _check("EUR5", seller=provider, customer=customer)
    assert error.value.message == "This coupon can only be used for purchases in EUR."
    quote = _check("EUR5", seller=provider, rates={("USD", "EUR"): Decimal("0.5")})
    assert quote.discount == Money("10.00", "USD")


def test_redeem_counts_a_use_and_the_per_customer_limit_then_refuses(parties):
    provider, customer, other = parties
    coupon = make_coupon(provider, "PER1", per_customer_limit=1, usage_limit=5)
    redemption = _redeem("PER1", seller=provider, customer=customer, order="A-1")
    assert redemption.organization == customer
    assert _redeem("PER1", seller=provider, customer=customer, order="A-1") == redemption
    with pytest.raises(CouponAlreadyUsed) as error:
        _check("PER1", seller=provider, customer=customer)
    assert error.value.message == "You have already used this coupon."
    with pytest.raises(CouponAlreadyUsed):
        _redeem("PER1", seller=provider, customer=customer, order="A-2")
    _redeem("PER1", seller=provider, customer=other, order="B-1")
    coupon.refresh_from_db()
    assert coupon.times_used == 2
    assert CouponRedemption.objects.filter(coupon=coupon).count() == 2


def test_the_last_use_goes_to_one_customer_in_turn(parties):
    provider, customer, other = parties
    coupon = make_coupon(provider, "LAST", usage_limit=1)
    _redeem("LAST", seller=provider, customer=customer, order="A-1")
    with pytest.raises(CouponExhausted):
        _redeem("LAST", seller=provider, customer=other, order="B-1")
    coupon.refresh_from_db()
    assert coupon.times_used == 1
    assert list(CouponRedemption.objects.values_list("organization", flat=True)) == [customer.pk]


def test_releasing_a_cancelled_orders_use_gives_it_back_once(parties):
    provider, customer, other = parties
    coupon = make_coupon(provider, "ONCE", usage_limit=1, per_customer_limit=1)
    _redeem("ONCE", seller=provider, customer=customer, order="A-1")
    with pytest.raises(CouponExhausted):
        _check("ONCE", seller=provider, customer=other)

    assert coupon_release(customer=other, order_reference="A-1") == 0  # not theirs
    assert coupon_release(customer=customer, order_reference="A-1", at=NOW) == 1
    assert coupon_release(customer=customer, order_reference="A-1") == 0  # idempotent
    coupon.refresh_from_db()
    assert coupon.times_used == 0
    released = CouponRedemption.objects.get(order_reference="A-1")
    assert released.released_at == NOW  # kept as history, no longer counted
    # The customer may use it again for another order; the use is counted again.
    _redeem("ONCE", seller=provider, customer=customer, order="A-2")
    coupon.refresh_from_db()
    assert coupon.times_used == 1
    with pytest.raises(CouponExhausted):
        _check("ONCE", seller=provider, customer=other)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)"
)
def test_two_customers_racing_for_the_last_use_one_gets_it():
    provider = make_provider()
    customers = [make_customer(provider), make_customer(provider)]
    coupon = make_coupon(provider, "RACE", usage_limit=1)
    barrier = threading.Barrier(2)
    won, lost = [], []

    def run(customer, order):
        try:
            barrier.wait()
            won.append(_redeem("RACE", seller=provider, customer=customer, order=order))
        except CouponExhausted as exc:
            lost.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(c, f"R-{n}")) for n, c in enumerate(customers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert (len(won), len(lost)) == (1, 1)
    coupon.refresh_from_db()
    assert coupon.times_used == 1
    assert CouponRedemption.objects.count() == 1


@pytest.mark.django_db
def test_coupon_upsert_creates_once_and_refuses_a_customer_issuer():
    from seatwise.core.errors import ValidationError

    provider = make_provider("Seatwise Distribution")
    first = coupon_upsert(organization=provider, code="welcome10", kind="percent", value=10)
    again = coupon_upsert(organization=provider, code="WELCOME10", kind="percent", value="10")
    assert (first.pk, first.code, first.value) == (again.pk, "WELCOME10", Decimal(10))
    assert Coupon.objects.count() == 1
    quote = _check("Welcome10", seller=provider)
    assert quote.discount == Money("10.00", "USD")
    with pytest.raises(ValidationError):
        coupon_upsert(organization=make_customer(provider), code="X", kind="percent", value=5)

"""The checkout's hand-written read (``cart.snapshot``) against the ORM's answers: the lines
and the cart, the buyer's role as ``require_role`` decides it, the agreements on record and
the catalogue's generation. Runs on SQLite and on PostgreSQL (CI), so the SQL is checked
on both."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import transaction

from seatwise.cart.models import Cart
from seatwise.cart.snapshot import locked_lines
from seatwise.cart.tests.test_checkout import _cart, buyer, shop  # noqa: F401
from seatwise.catalog.enums import VendorKind
from seatwise.catalog.models import Product
from seatwise.catalog.tests.factories import make_vendor
from seatwise.core.cache import CATALOG, generation, generation_bump
from seatwise.core.errors import ApplicationError
from seatwise.orders.services import BUYING_ROLES
from seatwise.tenancy.enums import AgreementType, Role
from seatwise.tenancy.models import AgreementAcceptance, Organization
from seatwise.tenancy.selectors import require_role
from seatwise.tenancy.services import agreement_accept
from seatwise.tenancy.tests.factories import make_customer, make_member, make_reseller

pytestmark = pytest.mark.django_db


def _read(cart, user, organization):
    with transaction.atomic():  # the lock needs a transaction on PostgreSQL
        return locked_lines(cart=cart, user=user, organization=organization)


def _one_line_cart(user, organization, offer) -> Cart:
    """A cart of ``user`` in ``organization`` holding one unit of ``offer`` (written
    directly: the organizations here need not be ones the user may buy for)."""
    cart = Cart.objects.create(user=user, organization=organization)
    cart.lines.create(
        organization=organization,
        offer=offer,
        term=offer.term,
        billing_plan=offer.billing_plans[0],
        quantity=1,
    )
    return cart


def test_the_lines_and_the_cart_are_the_orms(shop, buyer):  # noqa: F811
    cart = _cart(shop, buyer, (shop.e3, 2), (shop.teams_addon, 1), (shop.book_offer, 1))
    Cart.objects.filter(pk=cart.pk).update(coupon_code="SAVE10", placed_key="k-1")
    lines = _read(cart, buyer, shop.customer)
    expected = list(cart.lines.order_by("added_at", "pk"))
    fields = [f.attname for f in type(expected[0])._meta.concrete_fields]
    assert [[getattr(line, f) for f in fields] for line in lines] == [
        [getattr(line, f) for f in fields] for line in expected
    ]
    # Every field of a line is read (a field the SQL left out would load line by line).
    assert not any(line.get_deferred_fields() for line in lines)
    locked = lines[0].cart
    assert (locked.pk, locked.organization_id, locked.user_id) == (
        cart.pk,
        shop.customer.pk,
        buyer.pk,
    )
    assert (locked.coupon_code, locked.placed_key, locked.placed_order_id) == (
        "SAVE10",
        "k-1",
        None,
    )
    assert all(line.cart is locked for line in lines)
    empty = Cart.objects.create(user=make_member(shop.customer), organization=shop.customer)
    assert _read(empty, empty.user, shop.customer) == []


def test_the_role_carried_is_the_one_require_role_decides_on(shop, buyer):  # noqa: F811
    """For members of the customer, of its reseller, of the provider, of both, and of none,
    with the organization's parent loaded or not: a carried role in the buying roles means
    ``require_role`` passes; any other answer is left to ``require_role``."""
    customer = shop.customer
    users = {
        "own owner": buyer,
        "own reader": make_member(customer, Role.READ_ONLY),
        "reseller manager": make_member(shop.reseller, Role.ACCOUNT_MANAGER),
        "reseller reader": make_member(shop.reseller, Role.READ_ONLY),
        "provider owner": make_member(shop.provider, Role.OWNER),
        "other reseller owner": make_member(make_reseller(shop.provider), Role.OWNER),
        "another customer's owner": make_member(make_customer(shop.reseller), Role.OWNER),
    }
    both = make_member(shop.reseller, Role.OWNER)
    make_member(customer, Role.READ_ONLY, user=both)
    users["reseller owner, own reader"] = both
    direct = make_customer(shop.provider)
    for name, user in users.items():
        for organization in (
            customer,
            Organization.objects.get(pk=customer.pk),
            Organization.objects.get(pk=direct.pk),
        ):
            cart = _one_line_cart(user, organization, shop.e3)
            carried = _read(cart, user, organization)[0].buyer_role
            try:
                decided = require_role(user=user, organization=organization, roles=BUYING_ROLES)
            except ApplicationError:
                decided = None
            if carried in BUYING_ROLES:
                assert decided == carried, name
            own = user.memberships.filter(organization=organization).first()
            if own is not None:
                assert carried == own.role, name  # the own role comes first
            elif decided is None:
                assert carried not in BUYING_ROLES, name
            else:  # passed through an ancestor: the carried role is one of the ancestors'
                assert carried is not None, name
            cart.delete()


def test_the_agreements_and_the_generation_carried(shop, buyer):  # noqa: F811
    press = make_vendor("Snapshot Press", VendorKind.STORE)
    Product.objects.filter(pk=shop.book_offer.product_id).update(vendor=press)
    generation_bump()
    cart = _cart(shop, buyer, (shop.e3, 1), (shop.book_offer, 1))
    first = _read(cart, buyer, shop.customer)
    assert [line.mca_id for line in first] == [None, None]
    assert [line.terms_accepted for line in first] == [False, False]
    assert first[0].catalogue_generation == generation(CATALOG)

    mca = agreement_accept(
        organization=shop.customer,
        user=buyer,
        agreement=AgreementType.MICROSOFT_CUSTOMER_AGREEMENT,
        version=settings.SEATWISE_MCA_VERSION,
        ip="203.0.113.7",
    )
    agreement_accept(
        organization=shop.customer,
        user=buyer,
        agreement=AgreementType.VENDOR_TERMS,
        subject=press.slug,
        version=press.terms_version,
        ip="203.0.113.7",
    )
    generation_bump()
    second = _read(cart, buyer, shop.customer)
    current = AgreementAcceptance.objects.filter(
        organization=shop.customer, agreement=AgreementType.MICROSOFT_CUSTOMER_AGREEMENT
    )
    assert current.count() == 1
    assert [line.mca_id for line in second] == [mca.pk, mca.pk]
    # The Microsoft line has no vendor terms; the book's are accepted in this version.
    assert [line.terms_accepted for line in second] == [False, True]
    assert second[0].catalogue_generation == generation(CATALOG)

    type(press).objects.filter(pk=press.pk).update(terms_version="2")
    assert [line.terms_accepted for line in _read(cart, buyer, shop.customer)] == [False, False]
    # Another organization's acceptances are not this one's.
    other = make_customer(shop.reseller)
    owner = make_member(other)
    theirs = _one_line_cart(owner, other, shop.book_offer)
    carried = _read(theirs, owner, other)[0]
    assert (carried.mca_id, carried.terms_accepted) == (None, False)

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test.utils import CaptureQueriesContext

from seatwise.identity.models import User
from seatwise.identity.services import user_email_mark_verified

pytestmark = pytest.mark.django_db


def _addresses(user: User) -> list[tuple[str, bool, bool]]:
    return list(
        EmailAddress.objects.filter(user=user)
        .order_by("email")
        .values_list("email", "verified", "primary")
    )


def test_marking_creates_a_verified_primary_address():
    user = User.objects.create_user("olga@example.test", "Passw0rd!x")

    address = user_email_mark_verified(user=user)

    assert (address.email, address.verified, address.primary) == ("olga@example.test", True, True)
    assert _addresses(user) == [("olga@example.test", True, True)]


def test_marking_an_unverified_address_verifies_it_and_makes_it_the_only_primary():
    user = User.objects.create_user("olga@example.test", "Passw0rd!x")
    EmailAddress.objects.create(user=user, email="old@example.test", verified=True, primary=True)
    EmailAddress.objects.create(user=user, email="olga@example.test", verified=False, primary=False)

    user_email_mark_verified(user=user)

    assert _addresses(user) == [
        ("old@example.test", True, False),
        ("olga@example.test", True, True),
    ]


def test_marking_twice_writes_nothing_the_second_time():
    user = User.objects.create_user("olga@example.test", "Passw0rd!x")
    first = user_email_mark_verified(user=user)

    with CaptureQueriesContext(connection) as queries:
        second = user_email_mark_verified(user=user)

    statements = [q["sql"].split()[0] for q in queries.captured_queries]
    assert [s for s in statements if s in ("INSERT", "UPDATE", "DELETE")] == []
    assert second.pk == first.pk
    assert _addresses(user) == [("olga@example.test", True, True)]

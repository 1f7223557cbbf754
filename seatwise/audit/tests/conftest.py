import pytest
from django.apps import apps
from django.contrib.auth.signals import user_logged_in

from seatwise.tenancy.enums import Role
from seatwise.tenancy.tests.factories import (
    make_customer,
    make_member,
    make_provider,
    make_reseller,
)

if not apps.is_installed("seatwise.audit"):
    # Until settings list the app its models cannot load; tests/test_architecture.py still
    # fails loudly (it imports every services module), so nothing is silently skipped.
    collect_ignore_glob = ["test_*.py"]


@pytest.fixture
def tree(db):
    provider = make_provider("Seatwise Distribution")
    reseller = make_reseller(provider, "Northwind")
    customer = make_customer(reseller, "Acme")
    other = make_customer(reseller, "Globex")
    return {"provider": provider, "reseller": reseller, "customer": customer, "other": other}


@pytest.fixture
def owner(tree):
    return make_member(tree["customer"], Role.OWNER)


@pytest.fixture
def login(client):
    """Sign ``user`` in without the sign-in entry the audit app would record (so the page
    tests see only the entries they wrote)."""

    from seatwise.audit import subscribers

    def sign_in(user):
        user_logged_in.disconnect(dispatch_uid="audit.sign_in")
        try:
            client.force_login(user)
        finally:
            user_logged_in.connect(subscribers.on_user_logged_in, dispatch_uid="audit.sign_in")
        return client

    return sign_in

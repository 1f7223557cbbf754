"""Test factories for organizations, users and memberships."""

from __future__ import annotations

import itertools

from seatwise.identity.models import User
from seatwise.tenancy.enums import OrganizationKind, Role
from seatwise.tenancy.models import Organization
from seatwise.tenancy.services import membership_set, organization_create

_seq = itertools.count(1)


def make_user(email: str | None = None, password: str = "Passw0rd!x", **extra) -> User:
    return User.objects.create_user(email or f"user{next(_seq)}@example.test", password, **extra)


def make_provider(name: str | None = None, **profile) -> Organization:
    return organization_create(
        kind=OrganizationKind.PROVIDER, name=name or f"Provider {next(_seq)}", **profile
    )


def make_reseller(provider: Organization, name: str | None = None, **profile) -> Organization:
    profile.setdefault("billing_day", 1)
    return organization_create(
        kind=OrganizationKind.RESELLER,
        name=name or f"Reseller {next(_seq)}",
        parent=provider,
        **profile,
    )


def make_customer(parent: Organization, name: str | None = None, **profile) -> Organization:
    return organization_create(
        kind=OrganizationKind.CUSTOMER,
        name=name or f"Customer {next(_seq)}",
        parent=parent,
        **profile,
    )


def make_member(
    organization: Organization, role: str = Role.OWNER, user: User | None = None
) -> User:
    user = user or make_user()
    membership_set(organization=organization, user=user, role=role)
    return user

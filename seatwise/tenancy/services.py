"""Writes for organizations and memberships."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

from seatwise.core.cache import CATALOG, generation_bump
from seatwise.core.errors import ValidationError
from seatwise.core.text import slug_from
from seatwise.tenancy.enums import ALLOWED_PARENTS, OrganizationKind, Role
from seatwise.tenancy.exceptions import InvalidOrganizationTree
from seatwise.tenancy.models import Membership, Organization

_PROFILE_FIELDS = (
    "legal_name",
    "address_line1",
    "address_line2",
    "postal_code",
    "city",
    "country",
    "phone",
    "tax_number",
    "is_academic",
    "is_government",
    "is_nonprofit",
    "default_currency",
    "is_contract_customer",
    "billing_day",
)


def _unique_slug(name: str) -> str:
    base = slug_from(name) or "org"
    slug, n = base, 2
    while Organization.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def organization_create(
    *,
    kind: str,
    name: str,
    parent: Organization | None = None,
    slug: str | None = None,
    **profile: object,
) -> Organization:
    unknown = set(profile) - set(_PROFILE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown profile fields: {', '.join(sorted(unknown))}")
    parent_kind = parent.kind if parent else None
    if parent_kind not in ALLOWED_PARENTS[OrganizationKind(kind)]:
        raise InvalidOrganizationTree(
            f"A {kind} cannot sit under {parent_kind or 'nothing'}.",
            details={"kind": kind, "parent_kind": parent_kind},
        )
    if profile.get("billing_day") is not None and kind != OrganizationKind.RESELLER:
        raise ValidationError(
            "Only resellers have a billing day.", details={"field": "billing_day"}
        )
    profile.setdefault("legal_name", name)
    organization = Organization(
        kind=kind, name=name, parent=parent, slug=slug or _unique_slug(name), **profile
    )
    try:
        organization.full_clean()
    except DjangoValidationError as exc:
        raise ValidationError(
            "The company profile is not valid.", details=exc.message_dict
        ) from exc
    organization.save()
    generation_bump(name=CATALOG)  # the tree decides who sees which price
    return organization


@transaction.atomic
def membership_set(*, organization: Organization, user, role: str) -> Membership:
    """Give ``user`` ``role`` in ``organization`` (creating or changing the membership)."""
    role = Role(role)
    membership, created = Membership.objects.select_for_update().get_or_create(
        organization=organization, user=user, defaults={"role": role}
    )
    if not created and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    return membership

"""Reads, always scoped. ``access_*`` helpers are the only way to turn an id from a request
into an object: they scope to what the acting organization may see, check the role, and
raise a 404-shaped error otherwise (never revealing that the row exists)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from seatwise.core import clock
from seatwise.tenancy import invitations
from seatwise.tenancy.addresses import AddressNotFound
from seatwise.tenancy.apikeys import ApiKeyNotFound
from seatwise.tenancy.enums import ALL_ROLES, MANAGING_ROLES, OrganizationKind, Role
from seatwise.tenancy.exceptions import OrganizationNotFound, RoleRequired
from seatwise.tenancy.invitations import InvitationNotFound
from seatwise.tenancy.models import (
    Address,
    ApiKey,
    AuthenticationSettings,
    Invitation,
    Membership,
    Organization,
    OrganizationTerms,
    PaymentSettings,
    TermsAcceptance,
)


def organization_visible_q(organization: Organization, prefix: str = "") -> Q:
    """Filter for the organizations ``organization`` may see: itself and its subtree.

    A provider sees its resellers and their customers (and its direct customers); a reseller
    its own customers; a customer only itself. ``prefix`` targets a related path, e.g.
    ``"organization__"`` to scope another model by its ``organization_id``.
    """
    q = Q(**{f"{prefix}pk": organization.pk})
    if organization.kind == OrganizationKind.CUSTOMER:
        return q
    q |= Q(**{f"{prefix}parent_id": organization.pk})
    if organization.kind == OrganizationKind.PROVIDER:
        q |= Q(**{f"{prefix}parent__parent_id": organization.pk})
    return q


def organization_visible_list(*, organization: Organization) -> QuerySet[Organization]:
    return Organization.objects.filter(organization_visible_q(organization)).select_related(
        "parent"
    )


def membership_get(*, user, organization: Organization) -> Membership | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.filter(user=user, organization=organization).first()


def membership_list_for_user(*, user) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user, organization__is_active=True)
        .select_related("organization", "organization__parent")
        .order_by("organization__name")
    )


def _lineage_q(organization: Organization) -> Q:
    """Memberships in ``organization``, its parent and its grandparent: by id when the
    parent is loaded (``current_organization`` selects it), else the grandparent's id by a
    subquery."""
    if organization.parent_id is None:
        return Q(organization_id=organization.pk)
    ids = [organization.pk, organization.parent_id]
    if Organization.parent.is_cached(organization):
        grandparent_id = organization.parent.parent_id
        return Q(organization_id__in=ids + ([grandparent_id] if grandparent_id else []))
    return Q(organization_id__in=ids) | Q(
        organization_id__in=Organization.objects.filter(pk=organization.parent_id).values(
            "parent_id"
        )
    )


def require_role(*, user, organization: Organization, roles: Iterable[str] = ALL_ROLES) -> str:
    """Return the user's role in ``organization`` or raise if they lack one of ``roles``.

    A member of an ancestor organization with a managing role also passes: reseller staff
    act inside the customers they serve, provider staff inside the whole tree.
    """
    allowed = frozenset(roles)
    # One query: the user's memberships in the organization, its parent and its grandparent
    # (the tree is at most three deep: provider, reseller, customer).
    memberships = dict(
        Membership.objects.filter(user=user)
        .filter(_lineage_q(organization))
        .values_list("organization_id", "role")
    )
    own = memberships.get(organization.pk)
    if own is not None:
        if own in allowed:
            return own
        raise RoleRequired("Your role does not allow this.", details={"role": own})
    for org_id, role in memberships.items():
        if org_id != organization.pk and role in allowed:
            return role
    raise OrganizationNotFound("Organization not found.")


def access_organization(*, user, organization: Organization, pk: int) -> Organization:
    """The organization ``pk`` as seen by ``user`` acting for ``organization``."""
    require_role(user=user, organization=organization)
    try:
        return organization_visible_list(organization=organization).get(pk=pk)
    except (Organization.DoesNotExist, ValueError, TypeError):
        raise OrganizationNotFound("Organization not found.") from None


def organization_provider(*, organization: Organization) -> Organization:
    """The provider at the root of ``organization``'s tree."""
    node = organization
    while node.parent_id is not None:
        node = node.parent  # at most two hops: customer -> reseller -> provider
    return node


def organization_reseller(*, organization: Organization) -> Organization | None:
    """The reseller a customer buys through, or None for a direct customer."""
    if organization.kind == OrganizationKind.RESELLER:
        return organization
    if organization.kind == OrganizationKind.CUSTOMER and organization.parent_id:
        parent = organization.parent
        if parent.kind == OrganizationKind.RESELLER:
            return parent
    return None


def storefront_provider() -> Organization | None:
    """The provider whose shop this installation serves (the first one, by creation)."""
    return (
        Organization.objects.filter(kind=OrganizationKind.PROVIDER, is_active=True)
        .order_by("pk")
        .first()
    )


_KIND_PREFERENCE = {
    OrganizationKind.CUSTOMER: 0,
    OrganizationKind.RESELLER: 1,
    OrganizationKind.PROVIDER: 2,
}


def current_organization(*, user, requested_id: object = None) -> Organization | None:
    """The organization ``user`` acts for: the one they chose (``requested_id``, e.g. from the
    session) if they are a member of it or it lies below a reseller or provider where they
    are an owner or account manager (acting as: see ``acting_organization_list``), otherwise
    their first customer membership, then reseller, then provider. None for anonymous users
    and users without a membership."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    memberships = list(membership_list_for_user(user=user))
    if not memberships:
        return None
    for membership in memberships:
        if str(membership.organization_id) == str(requested_id):
            return membership.organization
    served = _served_organization(memberships=memberships, requested_id=requested_id)
    if served is not None:
        return served
    memberships.sort(key=lambda m: (_KIND_PREFERENCE[m.organization.kind], m.organization.name))
    return memberships[0].organization


def _managing_staff_ids(memberships: Iterable[Membership]) -> list[int]:
    """The resellers and providers among ``memberships`` where the role is a managing one."""
    return [
        m.organization_id
        for m in memberships
        if m.role in MANAGING_ROLES and m.organization.kind != OrganizationKind.CUSTOMER
    ]


def _served_q(staff_ids: list[int]) -> Q:
    """Organizations below the reseller / provider ids ``staff_ids`` (never those ids)."""
    return Q(parent_id__in=staff_ids) | Q(parent__parent_id__in=staff_ids)


def _served_organization(
    *, memberships: list[Membership], requested_id: object
) -> Organization | None:
    if requested_id in (None, ""):
        return None
    try:
        pk = int(str(requested_id))
    except (TypeError, ValueError):
        return None
    staff_ids = _managing_staff_ids(memberships)
    if not staff_ids:
        return None
    return (
        Organization.objects.filter(_served_q(staff_ids), pk=pk, is_active=True)
        .select_related("parent")
        .first()
    )


def acting_organization_list(*, user, search: str = "") -> QuerySet[Organization]:
    """The organizations ``user`` may act for, by name: those they are a member of, and the
    ones below a reseller or provider where they are an owner or account manager (reseller
    staff act inside the customers they serve, provider staff inside the whole tree).
    ``search`` keeps the names that contain it (case-insensitive)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Organization.objects.none()
    memberships = list(membership_list_for_user(user=user))
    own_ids = [m.organization_id for m in memberships]
    staff_ids = _managing_staff_ids(memberships)
    found = Organization.objects.filter(Q(pk__in=own_ids) | _served_q(staff_ids), is_active=True)
    search = (search or "").strip()
    if search:
        found = found.filter(name__icontains=search)
    return found.select_related("parent").order_by("name", "pk")


def acting_from_organization(*, user, organization: Organization) -> Organization | None:
    """The organization ``user`` acts *from* when working inside ``organization``.

    None when the user is a member of ``organization`` itself (or is anonymous, or is no
    member anywhere up the tree); otherwise the nearest ancestor they are a member of: the
    reseller or provider whose staff they are. The audit log records both identities.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    memberships = (
        Membership.objects.filter(user=user)
        .filter(
            Q(organization_id=organization.pk)
            | Q(organization_id=organization.parent_id or 0)
            | Q(organization__children__children=organization.pk)
        )
        .select_related("organization")
    )
    found = {m.organization_id: m.organization for m in memberships}
    if organization.pk in found:
        return None
    if organization.parent_id in found:
        return found[organization.parent_id]
    # Provider staff inside a reseller's customer: the grandparent (or nobody).
    return next(iter(found.values()), None)


# --- API keys -----------------------------------------------------------------------------


def _is_owner(*, user, organization: Organization) -> bool:
    try:
        require_role(user=user, organization=organization, roles={Role.OWNER})
    except (RoleRequired, OrganizationNotFound):
        return False
    return True


def api_key_list(*, user, organization: Organization) -> QuerySet[ApiKey]:
    """The keys of ``organization`` that ``user`` may see: their own, or every key for an
    owner of the organization (or of an organization above it). Newest first.

    Raises ``OrganizationNotFound`` for someone with no role in the organization's tree."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise OrganizationNotFound("Organization not found.")
    require_role(user=user, organization=organization)
    keys = ApiKey.objects.filter(organization=organization).select_related("user")
    if not _is_owner(user=user, organization=organization):
        keys = keys.filter(user=user)
    return keys.order_by("-created_at", "-pk")


def access_api_key(*, user, organization: Organization, pk: object) -> ApiKey:
    """The key ``pk`` of ``organization`` as ``user`` may see it, or ``ApiKeyNotFound``
    (also for another member's key when ``user`` is not an owner: never reveal it exists)."""
    keys = api_key_list(user=user, organization=organization)
    try:
        return keys.get(pk=pk)
    except (ApiKey.DoesNotExist, ValueError, TypeError):
        raise ApiKeyNotFound("API key not found.") from None


# --- Members and invitations --------------------------------------------------------------


def _require_member(*, user, organization: Organization, roles=ALL_ROLES) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        raise OrganizationNotFound("Organization not found.")
    return require_role(user=user, organization=organization, roles=roles)


def can_invite(*, user, organization: Organization) -> bool:
    """True when ``user`` may invite people into ``organization`` (and the ones below it)."""
    try:
        _require_member(user=user, organization=organization, roles=MANAGING_ROLES)
    except (RoleRequired, OrganizationNotFound):
        return False
    return True


def member_list(*, user, organization: Organization) -> QuerySet[Membership]:
    """The members of ``organization``, for anyone with a role in it (or above it)."""
    _require_member(user=user, organization=organization)
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("user__email")
    )


def invitation_pending_list(*, user, organization: Organization) -> QuerySet[Invitation]:
    """Pending invitations into ``organization`` and the organizations below it."""
    _require_member(user=user, organization=organization)
    return (
        Invitation.objects.filter(
            organization_visible_q(organization, prefix="organization__"),
            accepted_at__isnull=True,
            declined_at__isnull=True,
            expires_at__gt=clock.now(),
        )
        .select_related("organization", "invited_by")
        .order_by("-created_at", "-pk")
    )


def invitation_get_by_token(*, token: object) -> Invitation:
    """The pending invitation ``token`` opens, or ``InvitationNotFound`` (one message for an
    unknown, expired, accepted or declined invitation)."""
    if not isinstance(token, str) or not token or len(token) > invitations.MAX_TOKEN_LENGTH:
        raise InvitationNotFound(invitations.NOT_FOUND_MESSAGE)
    invitation = (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(token_hash=invitations.hash_token(token))
        .first()
    )
    if invitation is None or not invitation.is_pending_at(clock.now()):
        raise InvitationNotFound(invitations.NOT_FOUND_MESSAGE)
    return invitation


# --- Terms and conditions -----------------------------------------------------------------


def terms_owner(*, organization: Organization) -> Organization | None:
    """Whose terms apply to users acting for ``organization``: its reseller (itself for a
    reseller), or the provider for a direct customer; None for a provider."""
    reseller = organization_reseller(organization=organization)
    if reseller is not None:
        return reseller
    if organization.kind == OrganizationKind.CUSTOMER:
        return organization_provider(organization=organization)
    return None


def can_manage_terms(*, user, organization: Organization | None) -> bool:
    """True when ``user`` may set the terms of ``organization`` (a reseller or provider)."""
    if organization is None or organization.kind == OrganizationKind.CUSTOMER:
        return False
    return can_invite(user=user, organization=organization)


def terms_get(*, user, organization: Organization) -> OrganizationTerms | None:
    """The terms ``organization`` (a reseller or provider) has set, for its owners and
    account managers; None when it has set none yet. Raises ``OrganizationNotFound`` for a
    customer and ``RoleRequired`` for a member without a managing role."""
    if organization.kind == OrganizationKind.CUSTOMER:
        raise OrganizationNotFound("Organization not found.")
    _require_member(user=user, organization=organization, roles=MANAGING_ROLES)
    return OrganizationTerms.objects.filter(organization=organization).first()


def terms_pending(*, user, organization: Organization | None) -> OrganizationTerms | None:
    """The terms ``user`` must still accept before acting for ``organization``, or None.

    The owner of the terms is ``terms_owner``; nothing is pending when it does not require
    terms, when the user already accepted the current version, or when the user is staff of
    the owner itself (or of an organization above it). One query when no terms are required.
    """
    if organization is None or user is None or not getattr(user, "is_authenticated", False):
        return None
    owner = terms_owner(organization=organization)
    if owner is None:
        return None
    terms = (
        OrganizationTerms.objects.filter(organization=owner, require_terms=True)
        .exclude(text="")
        .select_related("organization")
        .first()
    )
    if terms is None:
        return None
    staff = Membership.objects.filter(user=user).filter(
        Q(organization_id=owner.pk) | Q(organization_id=owner.parent_id or 0)
    )
    if staff.exists():
        return None
    accepted = TermsAcceptance.objects.filter(
        organization=owner, user=user, version=terms.version
    ).exists()
    return None if accepted else terms


# --- Authentication management ------------------------------------------------------------


def authentication_owner(*, organization: Organization) -> Organization | None:
    """Whose authentication settings apply to users of ``organization``: the same owner as
    for terms (its reseller, itself for a reseller, the provider for a direct customer)."""
    return terms_owner(organization=organization)


def authentication_settings_for(*, organization: Organization) -> AuthenticationSettings:
    """The settings that apply to ``organization``'s users (an unsaved row with the defaults
    when the owner has set none)."""
    owner = authentication_owner(organization=organization)
    found = (
        AuthenticationSettings.objects.filter(organization=owner).first()
        if owner is not None
        else None
    )
    return found or AuthenticationSettings(organization=owner or organization)


def second_factor_required(*, user) -> bool:
    """True unless every organization ``user`` belongs to is a customer whose reseller (or
    provider) relaxed the second factor. Staff of a reseller or provider always need it,
    and so does a user who belongs to no organization yet."""
    memberships = list(membership_list_for_user(user=user))
    if not memberships:
        return True
    for membership in memberships:
        organization = membership.organization
        if organization.kind != OrganizationKind.CUSTOMER:
            return True
        if authentication_settings_for(organization=organization).second_factor_required:
            return True
    return False


def authentication_settings_own(*, organization: Organization) -> AuthenticationSettings:
    """The settings ``organization`` (a reseller or provider) has set itself, or an unsaved
    row with the defaults. For a provider these are the ones its direct customers and its
    own staff sign in by (``authentication_settings_for`` gives a provider the defaults)."""
    found = AuthenticationSettings.objects.filter(organization=organization).first()
    return found or AuthenticationSettings(organization=organization)


def authentication_settings_get(*, user, organization: Organization) -> AuthenticationSettings:
    """*Settings → Authentication management* of ``organization`` (a reseller or provider),
    for its owners and account managers. Raises ``OrganizationNotFound`` for a customer and
    ``RoleRequired`` for a member without a managing role."""
    if organization.kind == OrganizationKind.CUSTOMER:
        raise OrganizationNotFound("Organization not found.")
    _require_member(user=user, organization=organization, roles=MANAGING_ROLES)
    return authentication_settings_own(organization=organization)


def authentication_settings_storefront(*, reseller_id: object = None) -> AuthenticationSettings:
    """The sign-in methods the storefront offers on its sign-in page: those of the active
    reseller ``reseller_id`` (the storefront a visitor came through), else the provider's."""
    owner = None
    if reseller_id is not None:
        try:
            owner = Organization.objects.filter(
                pk=int(str(reseller_id)), kind=OrganizationKind.RESELLER, is_active=True
            ).first()
        except (TypeError, ValueError):
            owner = None
    owner = owner or storefront_provider()
    if owner is None:
        return AuthenticationSettings()
    return authentication_settings_own(organization=owner)


# --- Self-registration of a customer -------------------------------------------------------


def user_has_membership(*, user) -> bool:
    """Whether ``user`` already belongs to an organization (then it does not register one)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(user=user).exists()


def reseller_by_slug(*, slug: str) -> Organization | None:
    """The active reseller whose storefront link is ``/r/<slug>/``, or None."""
    return Organization.objects.filter(
        kind=OrganizationKind.RESELLER, slug=str(slug), is_active=True
    ).first()


def registration_parent(*, reseller_id: object = None) -> Organization | None:
    """Where a self-registered customer goes: the reseller whose storefront the user came
    from (``reseller_id``, if it is an active reseller), otherwise the storefront's provider."""
    if reseller_id is not None:
        try:
            reseller = Organization.objects.filter(
                kind=OrganizationKind.RESELLER, pk=int(str(reseller_id)), is_active=True
            ).first()
        except (TypeError, ValueError):
            reseller = None
        if reseller is not None:
            return reseller
    return storefront_provider()


# --- Payment methods ------------------------------------------------------------------------


def payment_settings_owner(*, organization: Organization) -> Organization | None:
    """Who decides how ``organization`` may pay: its reseller (itself for a reseller), or the
    provider for a direct customer (the seller of its orders); None for a provider."""
    return terms_owner(organization=organization)


def payment_settings_own(*, organization: Organization) -> PaymentSettings:
    """The payment settings ``organization`` (a reseller or provider) has set itself, or an
    unsaved row with the defaults (card only, no bank details of its own)."""
    found = PaymentSettings.objects.filter(organization=organization).first()
    return found or PaymentSettings(organization=organization)


def payment_settings_for(*, organization: Organization) -> PaymentSettings:
    """The payment settings that apply to ``organization`` as a buyer: those of its seller
    (an unsaved row with the defaults when the seller has set none)."""
    owner = payment_settings_owner(organization=organization)
    if owner is None:
        return PaymentSettings(organization=organization)
    return payment_settings_own(organization=owner)


def invoice_allowed_for(*, organization: Organization) -> bool:
    """True when ``organization`` may pay by invoice: a contract customer always, another
    buyer when its seller allows payment by invoice."""
    if organization.is_contract_customer:
        return True
    return payment_settings_for(organization=organization).allow_invoice


def payment_settings_get(*, user, organization: Organization) -> PaymentSettings:
    """*Settings → Payment methods* of ``organization`` (a reseller or provider), for its
    owners and account managers. Raises ``OrganizationNotFound`` for a customer and
    ``RoleRequired`` for a member without a managing role."""
    if organization.kind == OrganizationKind.CUSTOMER:
        raise OrganizationNotFound("Organization not found.")
    _require_member(user=user, organization=organization, roles=MANAGING_ROLES)
    return payment_settings_own(organization=organization)


# --- Address book ----------------------------------------------------------------------------


def address_list(*, organization: Organization) -> QuerySet[Address]:
    """``organization``'s address book, by name. The caller has checked the user's role."""
    return Address.objects.filter(organization=organization).order_by("name", "pk")


def access_address(*, user, organization: Organization, pk: object) -> Address:
    """The address ``pk`` of ``organization``'s book for ``user`` (any role in it, or a
    managing role above it), or ``AddressNotFound``: also for an id of another
    organization, never revealing that it exists."""
    _require_member(user=user, organization=organization)
    try:
        return address_list(organization=organization).get(pk=int(str(pk)))
    except (Address.DoesNotExist, ValueError, TypeError):
        raise AddressNotFound("Address not found.") from None


def organization_primary_contact(*, organization: Organization):
    """The organization's primary contact (its first owner), or None."""
    membership = (
        Membership.objects.filter(organization=organization, role=Role.OWNER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership is not None else None

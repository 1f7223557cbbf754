"""Writes for organizations and memberships."""

from __future__ import annotations

import hmac
import ipaddress
from dataclasses import dataclass

import phonenumbers
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django_countries import countries

from seatwise.core import clock
from seatwise.core.cache import CATALOG, generation_bump
from seatwise.core.errors import ConflictError, PermissionDeniedError, ValidationError
from seatwise.core.events import publish_after_commit
from seatwise.core.text import slug_from
from seatwise.tenancy import apikeys, invitations
from seatwise.tenancy.addresses import (
    ADDRESS_FIELDS,
    ADDRESS_ROLES,
    MAX_ADDRESSES,
    AddressBookFull,
    address_validate,
)
from seatwise.tenancy.apikeys import API_KEY_ROLES, ApiCaller, ApiKeyNotFound
from seatwise.tenancy.enums import (
    ALLOWED_PARENTS,
    MANAGING_ROLES,
    AgreementType,
    OrganizationKind,
    Role,
    TenantChoice,
)
from seatwise.tenancy.exceptions import (
    AgreementRequired,
    AlreadyRegistered,
    InvalidOrganizationTree,
    LastOwner,
    MembershipNotFound,
    OrganizationNotFound,
    RoleRequired,
    TermsChanged,
    TermsNotFound,
    TermsTextRequired,
)
from seatwise.tenancy.invitations import AlreadyMember, InvitationEmailMismatch, InvitationNotFound
from seatwise.tenancy.models import (
    Address,
    AgreementAcceptance,
    ApiKey,
    Invitation,
    Membership,
    Organization,
    OrganizationRegistration,
    OrganizationTerms,
    TermsAcceptance,
)
from seatwise.tenancy.policies import REGISTRATION_NUMBER_COUNTRIES
from seatwise.tenancy.selectors import (
    access_address,
    access_api_key,
    acting_from_organization,
    acting_organization_list,
    organization_visible_q,
    require_role,
)
from seatwise.tenancy.validators import validate_company_name

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
def membership_set(*, organization: Organization, user, role: str, actor=None) -> Membership:
    """Give ``user`` ``role`` in ``organization`` (creating or changing the membership); the
    audit log hears of it through ``tenancy.membership_added`` / ``_role_changed``."""
    role = Role(role)
    membership, created = Membership.objects.select_for_update().get_or_create(
        organization=organization, user=user, defaults={"role": role}
    )
    actor_id = getattr(actor, "pk", None)
    if created:
        publish_after_commit(
            "tenancy.membership_added",
            organization_id=organization.pk,
            actor_id=actor_id,
            user_id=user.pk,
            role=str(role),
        )
    elif membership.role != role:
        old = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        publish_after_commit(
            "tenancy.membership_role_changed",
            organization_id=organization.pk,
            actor_id=actor_id,
            user_id=user.pk,
            old_role=str(old),
            new_role=str(role),
        )
    return membership


# --- API keys (rules in ``seatwise.tenancy.apikeys``) --------------------------------------

MAX_ACTIVE_API_KEYS = 25  # per user and organization


def _key_event_payload(*, key: ApiKey, actor_id: int | None, ip, user_agent: str) -> dict:
    return {
        "organization_id": key.organization_id,
        "user_id": key.user_id,
        "actor_id": actor_id,
        "api_key_id": key.pk,
        "key_name": key.name,  # ``name`` is publish_after_commit's own argument
        "prefix": key.prefix,
        "ip": ip,
        "user_agent": user_agent,
    }


@transaction.atomic
def api_key_create(
    *,
    user,
    organization: Organization,
    name: str,
    ip: str | None = None,
    user_agent: str = "",
) -> tuple[ApiKey, str]:
    """Create a key for ``user`` in ``organization``; return it with its plaintext.

    The plaintext is returned this once and never stored: show it to the user now. The user
    must be a member of the organization itself (not only of one above it) with a role in
    ``API_KEY_ROLES``. ``ip`` / ``user_agent`` only travel to the audit log.
    """
    membership = (
        Membership.objects.select_for_update()
        .filter(user=user, organization=organization, organization__is_active=True)
        .first()
        if getattr(user, "is_authenticated", False) and user.is_active
        else None
    )
    if membership is None:
        raise OrganizationNotFound("Organization not found.")
    if membership.role not in API_KEY_ROLES:
        raise RoleRequired("Your role does not allow API keys.", details={"role": membership.role})
    name = (name or "").strip()
    if not name:
        raise ValidationError("Give the key a name.", details={"field": "name"})
    if len(name) > apikeys.NAME_MAX_LENGTH:
        raise ValidationError(
            f"The name may have at most {apikeys.NAME_MAX_LENGTH} characters.",
            details={"field": "name"},
        )
    active = ApiKey.objects.filter(
        user=user, organization=organization, revoked_at__isnull=True
    ).count()
    if active >= MAX_ACTIVE_API_KEYS:
        raise ConflictError(
            f"You already have {MAX_ACTIVE_API_KEYS} active keys here; revoke one first.",
            code="api_key_limit_reached",
            details={"limit": MAX_ACTIVE_API_KEYS},
        )
    raw_key = apikeys.generate_key()
    key = ApiKey.objects.create(
        organization=organization,
        user=user,
        name=name,
        prefix=apikeys.display_prefix(raw_key),
        secret_hash=apikeys.hash_key(raw_key),
        created_at=clock.now(),
    )
    publish_after_commit(
        apikeys.EVENT_CREATED,
        **_key_event_payload(key=key, actor_id=user.pk, ip=ip, user_agent=user_agent),
    )
    return key, raw_key


def _revoke(*, key: ApiKey, actor, ip: str | None, user_agent: str) -> ApiKey:
    """Revoke ``key`` (locked here); revoking a revoked key changes nothing."""
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is not None:
        return key
    key.revoked_at = clock.now()
    key.save(update_fields=["revoked_at"])
    publish_after_commit(
        apikeys.EVENT_REVOKED,
        **_key_event_payload(key=key, actor_id=actor.pk, ip=ip, user_agent=user_agent),
    )
    return key


@transaction.atomic
def api_key_revoke(
    *,
    user,
    organization: Organization,
    pk: object,
    ip: str | None = None,
    user_agent: str = "",
) -> ApiKey:
    """Revoke key ``pk`` of ``organization``: any member may revoke their own keys, an owner
    (of the organization or of one above it) any key of the organization. A key the user
    may not see is ``ApiKeyNotFound``; someone outside the tree gets ``OrganizationNotFound``.
    Revoking twice is harmless (one event only)."""
    key = access_api_key(user=user, organization=organization, pk=pk)
    return _revoke(key=key, actor=user, ip=ip, user_agent=user_agent)


@transaction.atomic
def api_key_revoke_by_staff(*, actor, pk: object) -> ApiKey:
    """Revoke any key, for the site's staff (the admin action)."""
    if not (getattr(actor, "is_authenticated", False) and actor.is_staff and actor.is_active):
        raise PermissionDeniedError("Only staff may revoke keys of other organizations.")
    try:
        key = ApiKey.objects.get(pk=pk)
    except (ApiKey.DoesNotExist, ValueError, TypeError):
        raise ApiKeyNotFound("API key not found.") from None
    return _revoke(key=key, actor=actor, ip=None, user_agent="")


def api_key_authenticate(
    *, raw_key: object, ip: str | None = None, user_agent: str = ""
) -> ApiCaller | None:
    """The user and organization a presented key speaks for, or None.

    None for anything that is not a live key: malformed, unknown, revoked, of an inactive
    user or organization, or of a user who is no longer a member with a role that may hold
    keys. The key is found by its SHA-256 (so comparing never leaks the key through timing)
    and compared again with ``hmac.compare_digest``. ``last_used_at`` is written at most
    once per ``LAST_USED_RESOLUTION`` by a conditional UPDATE, so concurrent requests never
    race and at most one of them announces the key's first use (``ip`` / ``user_agent`` only
    travel to that announcement).
    """
    if not isinstance(raw_key, str) or not raw_key.startswith(apikeys.KEY_PREFIX):
        return None
    if len(raw_key) > apikeys.MAX_KEY_LENGTH:
        return None
    digest = apikeys.hash_key(raw_key)
    key = (
        ApiKey.objects.select_related("user", "organization")
        .annotate(
            holds_role=Exists(
                Membership.objects.filter(
                    user_id=OuterRef("user_id"),
                    organization_id=OuterRef("organization_id"),
                    role__in=API_KEY_ROLES,
                )
            )
        )
        .filter(secret_hash=digest)
        .first()
    )
    if key is None or not hmac.compare_digest(key.secret_hash, digest):
        return None
    if key.revoked_at is not None or not key.holds_role:
        return None
    if not key.user.is_active or not key.organization.is_active:
        return None
    now = clock.now()
    if key.last_used_at is None:
        # Only the one UPDATE that moves the column from NULL matches (the database
        # serializes concurrent writers and re-checks the condition), so exactly one request
        # announces the first use.
        if ApiKey.objects.filter(pk=key.pk, last_used_at__isnull=True).update(last_used_at=now):
            publish_after_commit(
                apikeys.EVENT_USED_FIRST,
                organization_id=key.organization_id,
                user_id=key.user_id,
                actor_id=key.user_id,
                api_key_id=key.pk,
                key_name=key.name,
                prefix=key.prefix,
                ip=ip,
                user_agent=user_agent,
            )
    elif key.last_used_at <= now - apikeys.LAST_USED_RESOLUTION:
        ApiKey.objects.filter(
            pk=key.pk, last_used_at__lte=now - apikeys.LAST_USED_RESOLUTION
        ).update(last_used_at=now)
    return ApiCaller(user=key.user, organization=key.organization)


# --- Invitations (rules in ``seatwise.tenancy.invitations``) -------------------------------


def _invitation_payload(*, invitation: Invitation, actor_id: int | None) -> dict:
    return {
        "organization_id": invitation.organization_id,
        "actor_id": actor_id,
        "invitation_id": invitation.pk,
        "email": invitation.email,
        "role": str(invitation.role),
    }


@transaction.atomic
def invitation_create(
    *, actor, organization: Organization, email: str, role: str
) -> tuple[Invitation, str]:
    """Invite ``email`` into ``organization`` with ``role``; return the invitation and its
    token (never stored: it goes into the e-mail's link, sent by the caller).

    ``actor`` must be an owner or account manager of ``organization`` or of an organization
    above it; anyone else outside the tree gets ``OrganizationNotFound``. A pending invitation
    of the same address into the same organization is replaced (it expires now). An address
    that already belongs to a member is refused."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise OrganizationNotFound("Organization not found.")
    require_role(user=actor, organization=organization, roles=MANAGING_ROLES)
    email = invitations.normalize_email(email)
    try:
        validate_email(email)
    except DjangoValidationError:
        raise ValidationError("Enter a valid e-mail address.", details={"field": "email"}) from None
    try:
        role = Role(role)
    except ValueError:
        raise ValidationError("Choose a role.", details={"field": "role"}) from None
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise AlreadyMember(
            "This person is already a member of the organization.", details={"field": "email"}
        )
    now = clock.now()
    Invitation.objects.filter(
        organization=organization,
        email=email,
        accepted_at__isnull=True,
        declined_at__isnull=True,
        expires_at__gt=now,
    ).update(expires_at=now)
    token = invitations.generate_token()
    invitation = Invitation.objects.create(
        organization=organization,
        email=email,
        role=role,
        invited_by=actor,
        token_hash=invitations.hash_token(token),
        created_at=now,
        expires_at=now + invitations.VALID_FOR,
    )
    publish_after_commit(
        invitations.EVENT_SENT, **_invitation_payload(invitation=invitation, actor_id=actor.pk)
    )
    return invitation, token


def _pending_locked(*, token: object) -> Invitation:
    """The pending invitation ``token`` opens, locked for this transaction."""
    if not isinstance(token, str) or not token or len(token) > invitations.MAX_TOKEN_LENGTH:
        raise InvitationNotFound(invitations.NOT_FOUND_MESSAGE)
    invitation = (
        Invitation.objects.select_for_update()
        .filter(token_hash=invitations.hash_token(token))
        .first()
    )
    if invitation is None or not invitation.is_pending_at(clock.now()):
        raise InvitationNotFound(invitations.NOT_FOUND_MESSAGE)
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user) -> Membership:
    """Accept the invitation ``token`` opens as ``user``, who must be signed in with the
    invited address: ``user`` becomes a member with the invited role. Anyone else is refused
    and nothing changes."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        raise InvitationEmailMismatch("Sign in with the invited e-mail address to accept.")
    invitation = _pending_locked(token=token)
    if invitations.normalize_email(user.email) != invitation.email:
        raise InvitationEmailMismatch(
            "This invitation was sent to another e-mail address.",
            details={"email": invitation.email},
        )
    membership = membership_set(
        organization=invitation.organization,
        user=user,
        role=invitation.role,
        actor=invitation.invited_by,
    )
    invitation.accepted_at = clock.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    publish_after_commit(
        invitations.EVENT_ACCEPTED, **_invitation_payload(invitation=invitation, actor_id=user.pk)
    )
    return membership


@transaction.atomic
def invitation_decline(*, token: str, user=None) -> Invitation:
    """Decline the invitation ``token`` opens (no sign-in needed: the link is the proof)."""
    invitation = _pending_locked(token=token)
    invitation.declined_at = clock.now()
    invitation.save(update_fields=["declined_at"])
    actor_id = user.pk if user is not None and getattr(user, "is_authenticated", False) else None
    publish_after_commit(
        invitations.EVENT_DECLINED, **_invitation_payload(invitation=invitation, actor_id=actor_id)
    )
    return invitation


# --- Terms and conditions -----------------------------------------------------------------

TERMS_TEXT_MAX_LENGTH = 100_000
EVENT_TERMS_CHANGED = "tenancy.terms_changed"
EVENT_TERMS_ACCEPTED = "tenancy.terms_accepted"


@transaction.atomic
def terms_set(
    *, actor, organization: Organization, require_terms: bool, text: str
) -> OrganizationTerms:
    """Set the terms and conditions of ``organization`` (a reseller or the provider), for
    its owners and account managers. Changing the text raises the version, so every user
    accepts again; requiring terms without a text is refused and nothing changes."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise OrganizationNotFound("Organization not found.")
    if organization.kind == OrganizationKind.CUSTOMER:
        raise OrganizationNotFound("Organization not found.")
    require_role(user=actor, organization=organization, roles=MANAGING_ROLES)
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > TERMS_TEXT_MAX_LENGTH:
        raise ValidationError(
            f"The terms may have at most {TERMS_TEXT_MAX_LENGTH} characters.",
            details={"field": "text"},
        )
    if require_terms and not text:
        raise TermsTextRequired(
            "Write the terms and conditions before requiring them.", details={"field": "text"}
        )
    terms = OrganizationTerms.objects.select_for_update().filter(organization=organization).first()
    now = clock.now()
    if terms is None:
        terms = OrganizationTerms.objects.create(
            organization=organization,
            require_terms=bool(require_terms),
            text=text,
            version=1,
            updated_at=now,
        )
    elif terms.require_terms == bool(require_terms) and terms.text == text:
        return terms  # nothing changed: no new version, no audit entry
    else:
        if terms.text != text:
            terms.version += 1
        terms.require_terms = bool(require_terms)
        terms.text = text
        terms.updated_at = now
        terms.save(update_fields=["require_terms", "text", "version", "updated_at"])
    publish_after_commit(
        EVENT_TERMS_CHANGED,
        organization_id=organization.pk,
        actor_id=actor.pk,
        setting="terms",
        require_terms=terms.require_terms,
        version=terms.version,
    )
    return terms


@transaction.atomic
def terms_accept(
    *, user, organization: Organization, version: int, ip: str | None = None
) -> TermsAcceptance:
    """Record that ``user`` accepts version ``version`` of the terms ``organization`` (their
    owner) has set. Accepting twice records once; a version that is no longer current is
    refused (the text changed meanwhile: read it again)."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise TermsNotFound("Terms not found.")
    terms = OrganizationTerms.objects.filter(organization=organization).first()
    if terms is None:
        raise TermsNotFound("Terms not found.")
    try:
        ip = str(ipaddress.ip_address(ip)) if ip else None
    except ValueError:
        ip = None
    if terms.version != version:
        raise TermsChanged(
            "The terms and conditions have changed; read them again.",
            details={"version": terms.version},
        )
    acceptance, created = TermsAcceptance.objects.get_or_create(
        organization=organization,
        user=user,
        version=version,
        defaults={"accepted_at": clock.now(), "ip": ip},
    )
    if created:
        publish_after_commit(
            EVENT_TERMS_ACCEPTED,
            organization_id=organization.pk,
            actor_id=user.pk,
            user_id=user.pk,
            version=version,
            ip=ip,
        )
    return acceptance


# --- Members: role changes, removal, withdrawn invitations ---------------------------------

EVENT_MEMBERSHIP_ROLE_CHANGED = "tenancy.membership_role_changed"
EVENT_MEMBERSHIP_REMOVED = "tenancy.membership_removed"
EVENT_INVITATION_WITHDRAWN = "tenancy.invitation_withdrawn"
EVENT_ACTING_AS_STARTED = "tenancy.acting_as_started"


def _require_manager(*, actor, organization: Organization) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise OrganizationNotFound("Organization not found.")
    require_role(user=actor, organization=organization, roles=MANAGING_ROLES)


def _is_owner_here(*, actor, organization: Organization) -> bool:
    try:
        require_role(user=actor, organization=organization, roles={Role.OWNER})
    except (RoleRequired, OrganizationNotFound):
        return False
    return True


def _membership_locked(*, organization: Organization, pk: object) -> Membership:
    """The membership ``pk`` of ``organization`` with every owner row of the organization
    locked (in primary-key order), so two demotions cannot both pass the last-owner rule."""
    list(
        Membership.objects.select_for_update()
        .filter(organization=organization, role=Role.OWNER)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    try:
        return (
            Membership.objects.select_for_update()
            .select_related("user")
            .get(organization=organization, pk=pk)
        )
    except (Membership.DoesNotExist, ValueError, TypeError):
        raise MembershipNotFound("Member not found.") from None


def _refuse_last_owner(*, membership: Membership, message: str) -> None:
    if membership.role != Role.OWNER:
        return
    others = (
        Membership.objects.filter(organization_id=membership.organization_id, role=Role.OWNER)
        .exclude(pk=membership.pk)
        .exists()
    )
    if not others:
        raise LastOwner(message, details={"membership_id": membership.pk})


@transaction.atomic
def membership_change_role(
    *, actor, organization: Organization, pk: object, role: str
) -> Membership:
    """Give the member ``pk`` of ``organization`` the role ``role``.

    For owners and account managers of ``organization`` (or of a reseller / provider above
    it); granting or taking away the owner role needs an owner. The last owner cannot be
    demoted (``LastOwner``). Setting the role a member already has changes nothing."""
    _require_manager(actor=actor, organization=organization)
    try:
        role = Role(role)
    except ValueError:
        raise ValidationError("Choose a role.", details={"field": "role"}) from None
    membership = _membership_locked(organization=organization, pk=pk)
    if membership.role == role:
        return membership
    if Role.OWNER in (membership.role, role) and not _is_owner_here(
        actor=actor, organization=organization
    ):
        raise RoleRequired(
            "Only an owner can grant or take away the owner role.",
            code="owner_role_required",
        )
    _refuse_last_owner(
        membership=membership,
        message="The organization needs an owner: make someone else owner first.",
    )
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    publish_after_commit(
        EVENT_MEMBERSHIP_ROLE_CHANGED,
        organization_id=organization.pk,
        actor_id=actor.pk,
        user_id=membership.user_id,
        email=membership.user.email,
        old_role=str(old),
        new_role=str(role),
    )
    return membership


@transaction.atomic
def membership_remove(*, actor, organization: Organization, pk: object) -> None:
    """Remove the member ``pk`` from ``organization`` (their account stays; their API keys
    of the organization stop working with the membership). Same access as
    ``membership_change_role``; removing an owner needs an owner, and the last owner cannot
    be removed (``LastOwner``)."""
    _require_manager(actor=actor, organization=organization)
    membership = _membership_locked(organization=organization, pk=pk)
    if membership.role == Role.OWNER and not _is_owner_here(actor=actor, organization=organization):
        raise RoleRequired(
            "Only an owner can remove an owner.",
            code="owner_role_required",
        )
    _refuse_last_owner(
        membership=membership,
        message="The organization needs an owner: make someone else owner first.",
    )
    user = membership.user
    role = membership.role
    membership.delete()
    publish_after_commit(
        EVENT_MEMBERSHIP_REMOVED,
        organization_id=organization.pk,
        actor_id=actor.pk,
        user_id=user.pk,
        email=user.email,
        role=str(role),
    )


@transaction.atomic
def invitation_withdraw(*, actor, organization: Organization, pk: object) -> Invitation:
    """Withdraw the pending invitation ``pk`` into ``organization`` or an organization below
    it: its link stops working at once (it expires now). For owners and account managers;
    an invitation that is no longer pending, or outside the tree, is
    ``InvitationNotFound``."""
    _require_manager(actor=actor, organization=organization)
    now = clock.now()
    try:
        invitation = (
            Invitation.objects.select_for_update()
            .filter(organization_visible_q(organization, prefix="organization__"))
            .get(pk=pk)
        )
    except (Invitation.DoesNotExist, ValueError, TypeError):
        raise InvitationNotFound(invitations.NOT_FOUND_MESSAGE) from None
    if not invitation.is_pending_at(now):
        raise InvitationNotFound(invitations.NOT_FOUND_MESSAGE)
    require_role(user=actor, organization=invitation.organization, roles=MANAGING_ROLES)
    invitation.expires_at = now
    invitation.save(update_fields=["expires_at"])
    publish_after_commit(
        EVENT_INVITATION_WITHDRAWN,
        **_invitation_payload(invitation=invitation, actor_id=actor.pk),
    )
    return invitation


# --- Acting as (staff of a reseller or provider inside an organization they serve) --------


@dataclass(frozen=True)
class ActingChoice:
    organization: Organization
    acting_from: Organization | None  # None: one of the user's own organizations


@transaction.atomic
def acting_as_start(*, user, pk: object) -> ActingChoice:
    """Choose the organization ``pk`` for ``user`` to act for (the caller keeps the choice,
    e.g. in the session, for ``current_organization``); return it with the organization
    the user acts from.

    Allowed for the organizations of ``acting_organization_list``; anything else is
    ``OrganizationNotFound``. Choosing one below a reseller or provider the user is staff
    of (not a member of it) is announced as ``tenancy.acting_as_started``: the target's
    event log records the user with the organization they act from."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        raise OrganizationNotFound("Organization not found.")
    try:
        organization = acting_organization_list(user=user).get(pk=pk)
    except (Organization.DoesNotExist, ValueError, TypeError):
        raise OrganizationNotFound("Organization not found.") from None
    acting_from = acting_from_organization(user=user, organization=organization)
    if acting_from is not None:
        publish_after_commit(
            EVENT_ACTING_AS_STARTED,
            organization_id=organization.pk,
            actor_id=user.pk,
            acting_from_id=acting_from.pk,
            acting_from_name=acting_from.name,
        )
    return ActingChoice(organization=organization, acting_from=acting_from)


# --- Authentication management ------------------------------------------------------------

EVENT_AUTHENTICATION_SETTINGS_CHANGED = "tenancy.authentication_settings_changed"


@transaction.atomic
def authentication_settings_set(
    *,
    actor,
    organization: Organization,
    allow_local: bool,
    allow_microsoft_personal: bool,
    allow_microsoft_work: bool,
    second_factor_required: bool,
):
    """Choose how the users of ``organization`` (a reseller, or the provider for its direct
    customers) sign in: *Settings → Authentication management*, for its owners and account
    managers. At least one sign-in method stays on; refused otherwise, nothing changes."""
    # Imported here: this section was appended without touching the module's imports.
    from seatwise.tenancy.models import AuthenticationSettings

    if actor is None or not getattr(actor, "is_authenticated", False):
        raise OrganizationNotFound("Organization not found.")
    if organization.kind == OrganizationKind.CUSTOMER:
        raise OrganizationNotFound("Organization not found.")
    require_role(user=actor, organization=organization, roles=MANAGING_ROLES)
    values = {
        "allow_local": bool(allow_local),
        "allow_microsoft_personal": bool(allow_microsoft_personal),
        "allow_microsoft_work": bool(allow_microsoft_work),
        "second_factor_required": bool(second_factor_required),
    }
    methods = ("allow_local", "allow_microsoft_personal", "allow_microsoft_work")
    if not any(values[field] for field in methods):
        raise ValidationError(
            "Offer at least one way to sign in.",
            code="authentication_method_required",
            details={"field": "allow_local"},
        )
    row = (
        AuthenticationSettings.objects.select_for_update().filter(organization=organization).first()
    )
    if row is None:
        row = AuthenticationSettings(organization=organization, **values, updated_at=clock.now())
        row.save(force_insert=True)
    elif all(getattr(row, field) == value for field, value in values.items()):
        return row  # nothing changed: no audit entry
    else:
        for field, value in values.items():
            setattr(row, field, value)
        row.updated_at = clock.now()
        row.save(update_fields=[*values, "updated_at"])
    publish_after_commit(
        EVENT_AUTHENTICATION_SETTINGS_CHANGED,
        organization_id=organization.pk,
        actor_id=actor.pk,
        setting="authentication",
        **values,
    )
    return row


# --- Self-registration of a customer (guide 2.3–2.5) ------------------------------------------

EVENT_ORGANIZATION_REGISTERED = "tenancy.organization_registered"
EVENT_AGREEMENT_ACCEPTED = "tenancy.agreement_accepted"


def registration_profile_clean(
    *,
    name: str,
    address_line1: str,
    address_line2: str = "",
    postal_code: str,
    city: str,
    country: str,
    phone: str,
    tax_number: str = "",
    new_tenant: bool = False,
) -> tuple[dict[str, str], dict[str, str]]:
    """The company details of a registration, cleaned, and one message per wrong field
    (empty when all is well). A new Microsoft tenant in a country where Microsoft requires
    it (``policies.REGISTRATION_NUMBER_COUNTRIES``) needs the registration number. Pure:
    reads no table."""
    values = {
        "name": " ".join(str(name or "").split()),
        "address_line1": str(address_line1 or "").strip(),
        "address_line2": str(address_line2 or "").strip(),
        "postal_code": str(postal_code or "").strip(),
        "city": str(city or "").strip(),
        "country": str(country or "").strip().upper(),
        "phone": str(phone or "").strip(),
        "tax_number": " ".join(str(tax_number or "").split()),
    }
    errors: dict[str, str] = {}
    if len(values["tax_number"]) > 50:
        errors["tax_number"] = _("Use at most %(max)d characters.") % {"max": 50}
    elif (
        new_tenant
        and not values["tax_number"]
        and values["country"] in REGISTRATION_NUMBER_COUNTRIES
    ):
        errors["tax_number"] = _(
            "Microsoft needs the company's registration number to create a tenant in this country."
        )
    for field in ("name", "address_line1", "postal_code", "city", "country", "phone"):
        if not values[field]:
            errors[field] = _("This field is required.")
    if "name" not in errors:
        try:
            validate_company_name(values["name"])
        except DjangoValidationError as exc:
            errors["name"] = " ".join(exc.messages)
        if len(values["name"]) > 200:
            errors["name"] = _("Use at most %(max)d characters.") % {"max": 200}
    for field, limit in (("address_line1", 200), ("address_line2", 200), ("city", 100)):
        if len(values[field]) > limit:
            errors[field] = _("Use at most %(max)d characters.") % {"max": limit}
    if len(values["postal_code"]) > 20:
        errors["postal_code"] = _("Use at most %(max)d characters.") % {"max": 20}
    if "country" not in errors and values["country"] not in countries:
        errors["country"] = _("Choose a country from the list.")
    if "phone" not in errors:
        try:
            number = phonenumbers.parse(values["phone"], None)
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            errors["phone"] = _(
                "Enter the phone number with its country code, e.g. +380 67 123 4567."
            )
        else:
            values["phone"] = phonenumbers.format_number(
                number, phonenumbers.PhoneNumberFormat.E164
            )
    return values, errors


@transaction.atomic
def organization_register(
    *,
    user,
    parent: Organization,
    name: str,
    address_line1: str,
    address_line2: str = "",
    postal_code: str,
    city: str,
    country: str,
    phone: str,
    tenant_choice: str,
    tenant_domain: str = "",
    agreement_version: str = "",
    ip: str | None = None,
    tax_number: str = "",
) -> OrganizationRegistration:
    """Register a customer organization under ``parent`` (an active reseller or provider)
    with ``user`` as its owner, and record the Microsoft tenant choice and, when given, the
    acceptance of the Microsoft Customer Agreement (``agreement_version``).

    ``tenant_domain`` (an already validated prefix, without ``.onmicrosoft.com``) is required
    for a new tenant and refused otherwise; so is the agreement. A user who already belongs
    to an organization gets ``AlreadyRegistered``. On any error nothing is written."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDeniedError(_("Sign in to register your company."))
    user = get_user_model()._default_manager.select_for_update().get(pk=user.pk)
    if Membership.objects.filter(user=user).exists():
        raise AlreadyRegistered(_("Your account already belongs to an organization."))
    if (
        parent is None
        or not parent.is_active
        or parent.kind not in (OrganizationKind.PROVIDER, OrganizationKind.RESELLER)
    ):
        raise InvalidOrganizationTree(_("This shop cannot take registrations now."))
    try:
        choice = TenantChoice(tenant_choice)
    except ValueError:
        raise ValidationError(
            _("Choose what to do about the Microsoft tenant."), details={"field": "tenant_choice"}
        ) from None
    tenant_domain = (tenant_domain or "").strip().lower() if choice == TenantChoice.NEW else ""
    if choice == TenantChoice.NEW and not tenant_domain:
        raise ValidationError(
            _("Enter a domain name."), details={"fields": {"domain": _("Enter a domain name.")}}
        )
    agreement_version = (agreement_version or "").strip() if choice != TenantChoice.NONE else ""
    if choice == TenantChoice.NEW and not agreement_version:
        message = _("Accept the Microsoft Customer Agreement to register a new tenant.")
        raise AgreementRequired(message, details={"fields": {"agreement": message}})
    values, errors = registration_profile_clean(
        name=name,
        address_line1=address_line1,
        address_line2=address_line2,
        postal_code=postal_code,
        city=city,
        country=country,
        phone=phone,
        tax_number=tax_number,
        new_tenant=choice == TenantChoice.NEW,
    )
    if errors:
        raise ValidationError(_("Please correct the marked fields."), details={"fields": errors})
    try:
        ip = str(ipaddress.ip_address(ip)) if ip else None
    except ValueError:
        ip = None
    company_name = values.pop("name")
    organization = organization_create(
        kind=OrganizationKind.CUSTOMER,
        name=company_name,
        parent=parent,
        legal_name=company_name,
        default_currency=parent.default_currency,
        **values,
    )
    now = clock.now()
    try:
        with transaction.atomic():
            registration = OrganizationRegistration.objects.create(
                organization=organization,
                registered_by=user,
                tenant_choice=choice,
                tenant_domain=tenant_domain,
                registered_at=now,
            )
    except IntegrityError:
        message = _("This domain name was taken meanwhile; choose another one.")
        raise ConflictError(
            message, code="tenant_domain_taken", details={"fields": {"domain": message}}
        ) from None
    membership_set(organization=organization, user=user, role=Role.OWNER, actor=user)
    if agreement_version:
        agreement_accept(
            organization=organization,
            user=user,
            agreement=AgreementType.MICROSOFT_CUSTOMER_AGREEMENT,
            version=agreement_version,
            ip=ip,
        )
    publish_after_commit(
        EVENT_ORGANIZATION_REGISTERED,
        organization_id=organization.pk,
        actor_id=user.pk,
        parent_id=parent.pk,
        tenant_choice=str(choice),
        tenant_domain=registration.tenant_domain_name,
        ip=ip,
    )
    return registration


@transaction.atomic
def agreement_accept(
    *,
    organization: Organization,
    user,
    agreement: str,
    version: str,
    ip: str | None,
    subject: str = "",
) -> AgreementAcceptance:
    """Record that ``user`` accepted ``version`` of ``agreement`` (of ``subject``, e.g. a
    vendor's terms) for ``organization`` (at registration, at checkout), and tell the event
    log."""
    acceptance = AgreementAcceptance.objects.create(
        organization=organization,
        user=user,
        agreement=agreement,
        subject=subject[:60],
        version=version,
        accepted_at=clock.now(),
        ip=ip,
    )
    publish_after_commit(
        EVENT_AGREEMENT_ACCEPTED,
        organization_id=organization.pk,
        actor_id=user.pk,
        user_id=user.pk,
        agreement=str(agreement),
        subject=subject[:60],
        version=version,
        ip=ip,
    )
    return acceptance


@transaction.atomic
def organization_tenant_record(
    *, organization: Organization, tenant_domain: str, registered_by=None
) -> OrganizationRegistration:
    """Record the Microsoft tenant ``<tenant_domain>.onmicrosoft.com`` created for a customer
    that was set up without the registration pages (by an operator, or the demo), as the
    registration of a new tenant would. Idempotent: a customer with a registration record
    is left as it is."""
    if organization.kind != OrganizationKind.CUSTOMER:
        raise ValidationError(_("Only a customer has a Microsoft tenant."))
    registration, _created = OrganizationRegistration.objects.get_or_create(
        organization=organization,
        defaults={
            "registered_by": registered_by,
            "tenant_choice": TenantChoice.NEW,
            "tenant_domain": tenant_domain.strip().lower()[:27],
            "registered_at": clock.now(),
        },
    )
    return registration


# --- Payment methods --------------------------------------------------------------------------

EVENT_PAYMENT_SETTINGS_CHANGED = "tenancy.payment_settings_changed"
BANK_DETAILS_MAX_LENGTH = 1000


@transaction.atomic
def payment_settings_set(
    *,
    actor,
    organization: Organization,
    allow_invoice: bool,
    bank_details: str = "",
):
    """*Settings → Payment methods* of ``organization`` (a reseller, or the provider for its
    direct customers), for its owners and account managers: whether customers without a
    contract may also pay by invoice, and the bank details printed on its invoices. A change
    is recorded in the event log; saving the same values records nothing."""
    from seatwise.tenancy.models import PaymentSettings

    if actor is None or not getattr(actor, "is_authenticated", False):
        raise OrganizationNotFound("Organization not found.")
    if organization.kind == OrganizationKind.CUSTOMER:
        raise OrganizationNotFound("Organization not found.")
    require_role(user=actor, organization=organization, roles=MANAGING_ROLES)
    bank_details = "\n".join(line.rstrip() for line in str(bank_details or "").strip().splitlines())
    if len(bank_details) > BANK_DETAILS_MAX_LENGTH:
        raise ValidationError(
            _("Keep the bank details under %(limit)s characters.")
            % {"limit": BANK_DETAILS_MAX_LENGTH},
            code="bank_details_too_long",
            details={"field": "bank_details"},
        )
    values = {"allow_invoice": bool(allow_invoice), "bank_details": bank_details}
    row = PaymentSettings.objects.select_for_update().filter(organization=organization).first()
    if row is None:
        row = PaymentSettings(organization=organization, **values, updated_at=clock.now())
        row.save(force_insert=True)
    elif all(getattr(row, field) == value for field, value in values.items()):
        return row  # nothing changed: no audit entry
    else:
        for field, value in values.items():
            setattr(row, field, value)
        row.updated_at = clock.now()
        row.save(update_fields=[*values, "updated_at"])
    publish_after_commit(
        EVENT_PAYMENT_SETTINGS_CHANGED,
        organization_id=organization.pk,
        actor_id=actor.pk,
        setting="payment_methods",
        allow_invoice=values["allow_invoice"],
        bank_details_set=bool(bank_details),
    )
    return row


# --- Address book ----------------------------------------------------------------------------


def _address_writer(*, actor, organization: Organization) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise OrganizationNotFound("Organization not found.")
    require_role(user=actor, organization=organization, roles=ADDRESS_ROLES)


@transaction.atomic
def address_add(
    *,
    actor,
    organization: Organization,
    name: str,
    address_line1: str,
    postal_code: str,
    city: str,
    country: str,
    contact_name: str = "",
    email: str = "",
    phone: str = "",
    address_line2: str = "",
    tax_number: str = "",
) -> Address:
    """Add an address to ``organization``'s book (a member but a read-only one, or staff
    acting inside it). The text is cleaned and checked (``AddressInvalid`` with one message
    per field, nothing written). An address the book already holds, field for field, is
    not added twice: that entry comes back. A full book (``MAX_ADDRESSES``) refuses more."""
    _address_writer(actor=actor, organization=organization)
    values = address_validate(
        {
            "name": name,
            "contact_name": contact_name,
            "email": email,
            "phone": phone,
            "address_line1": address_line1,
            "address_line2": address_line2,
            "postal_code": postal_code,
            "city": city,
            "country": country,
            "tax_number": tax_number,
        }
    )
    # Serialize the additions of one organization (the duplicate check and the limit).
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    book = Address.objects.filter(organization=organization)
    same = book.filter(**values).order_by("pk").first()
    if same is not None:
        return same
    if book.count() >= MAX_ADDRESSES:
        raise AddressBookFull(
            _("The address book holds at most %(limit)s addresses; remove one first.")
            % {"limit": MAX_ADDRESSES},
            details={"limit": MAX_ADDRESSES},
        )
    now = clock.now()
    address = Address.objects.create(
        organization=organization, created_by=actor, created_at=now, updated_at=now, **values
    )
    _address_announce(actor=actor, address=address, action="added")
    return address


EVENT_ADDRESS_BOOK_CHANGED = "tenancy.address_book_changed"


def _address_announce(*, actor, address: Address, action: str, fields=()) -> None:
    """Tell the event log (after commit) that an entry of the address book changed."""
    publish_after_commit(
        EVENT_ADDRESS_BOOK_CHANGED,
        organization_id=address.organization_id,
        actor_id=getattr(actor, "pk", None),
        action=action,
        address_id=address.pk,
        address_name=address.name,
        fields=list(fields),
    )


@transaction.atomic
def address_update(*, actor, organization: Organization, pk: object, **values: str) -> Address:
    """Change the fields given in ``values`` (of ``ADDRESS_FIELDS``) of the address ``pk``
    of ``organization``'s book. ``AddressNotFound`` for an id of another organization,
    ``AddressInvalid`` for wrong values; either way nothing is written. Saving the same
    values writes nothing."""
    unknown = sorted(set(values) - set(ADDRESS_FIELDS))
    if unknown:
        raise ValidationError(
            _("Unknown address fields: %(fields)s.") % {"fields": ", ".join(unknown)},
            details={"fields": unknown},
        )
    _address_writer(actor=actor, organization=organization)
    address = access_address(user=actor, organization=organization, pk=pk)
    address = Address.objects.select_for_update().get(pk=address.pk)
    current = {name: str(getattr(address, name) or "") for name in ADDRESS_FIELDS}
    clean = address_validate({**current, **values})
    changed = [name for name in ADDRESS_FIELDS if clean[name] != current[name]]
    if not changed:
        return address
    for name in changed:
        setattr(address, name, clean[name])
    address.updated_at = clock.now()
    address.save(update_fields=[*changed, "updated_at"])
    _address_announce(actor=actor, address=address, action="changed", fields=changed)
    return address


@transaction.atomic
def address_remove(*, actor, organization: Organization, pk: object) -> None:
    """Remove the address ``pk`` from ``organization``'s book (orders keep their copy).
    ``AddressNotFound`` for an id of another organization."""
    _address_writer(actor=actor, organization=organization)
    address = access_address(user=actor, organization=organization, pk=pk)
    Address.objects.filter(pk=address.pk).delete()
    _address_announce(actor=actor, address=address, action="removed")

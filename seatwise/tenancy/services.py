"""Writes for organizations and memberships."""

from __future__ import annotations

import hmac
import ipaddress

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Exists, OuterRef

from seatwise.core import clock
from seatwise.core.cache import CATALOG, generation_bump
from seatwise.core.errors import ConflictError, PermissionDeniedError, ValidationError
from seatwise.core.events import publish_after_commit
from seatwise.core.text import slug_from
from seatwise.tenancy import apikeys, invitations
from seatwise.tenancy.apikeys import API_KEY_ROLES, ApiCaller, ApiKeyNotFound
from seatwise.tenancy.enums import ALLOWED_PARENTS, MANAGING_ROLES, OrganizationKind, Role
from seatwise.tenancy.exceptions import (
    InvalidOrganizationTree,
    OrganizationNotFound,
    RoleRequired,
    TermsChanged,
    TermsNotFound,
    TermsTextRequired,
)
from seatwise.tenancy.invitations import AlreadyMember, InvitationEmailMismatch, InvitationNotFound
from seatwise.tenancy.models import (
    ApiKey,
    Invitation,
    Membership,
    Organization,
    OrganizationTerms,
    TermsAcceptance,
)
from seatwise.tenancy.selectors import access_api_key, require_role

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

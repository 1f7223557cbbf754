"""Sign-in with a Microsoft account, and the policy of *Settings → Authentication
management* (ALEF guide 1.2): which of *Account created here*, *Personal Microsoft account*
and *Work Microsoft account* a reseller (or the provider, for its direct customers) offers.

* ``SocialAccountAdapter`` (allauth.socialaccount): sign-up through Microsoft stays closed.
  A Microsoft account signs in the Seatwise user it is connected to, or else the one user
  whose *verified* address is the one Microsoft vouches for (see ``trusted_email``); the
  policy of that user's organizations must offer the provider. Refusals go back to the
  sign-in page with a message; nothing is connected then.
* ``LocalSignInPolicyStage`` (an allauth login stage, after the e-mail verification): a
  password (or e-mail code) sign-in is refused when every organization of the user is a
  customer whose policy turned local sign-in off, unless the user is an owner (the primary
  contact) of one of them.
* ``authentication_settings``: the settings page, for owners and account managers of a
  reseller or provider. See docs/adr/0012-microsoft-sign-in.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.account.stages import LoginStage
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.providers.base import AuthProcess
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from seatwise.core.errors import ApplicationError
from seatwise.tenancy.enums import OrganizationKind, Role
from seatwise.tenancy.exceptions import OrganizationNotFound
from seatwise.tenancy.selectors import (
    authentication_settings_for,
    authentication_settings_get,
    authentication_settings_own,
    authentication_settings_storefront,
    membership_list_for_user,
)
from seatwise.tenancy.services import authentication_settings_set
from seatwise.web.errors import render_error
from seatwise.web.shop import shop_for

STOREFRONT_RESELLER_SESSION_KEY = "storefront_reseller_id"


@dataclass(frozen=True)
class IdentityProvider:
    """One Microsoft button: the allauth provider id (``SocialAccount.provider``) and the
    ``AuthenticationSettings`` field that offers it."""

    provider_id: str
    field: str
    label: Promise


MICROSOFT_PERSONAL = IdentityProvider(
    "microsoft-personal", "allow_microsoft_personal", gettext_lazy("Personal Microsoft account")
)
MICROSOFT_WORK = IdentityProvider(
    "microsoft", "allow_microsoft_work", gettext_lazy("Work Microsoft account")
)
IDENTITY_PROVIDERS = (MICROSOFT_PERSONAL, MICROSOFT_WORK)
_BY_PROVIDER_ID = {provider.provider_id: provider for provider in IDENTITY_PROVIDERS}


@dataclass(frozen=True)
class SignInButton:
    provider_id: str
    label: str
    url: str


def configured_providers(request) -> list[IdentityProvider]:
    """The Microsoft sign-ins this installation has an app (a client id) for."""
    adapter = get_social_adapter(request)
    return [
        provider
        for provider in IDENTITY_PROVIDERS
        if adapter.list_apps(request, provider=provider.provider_id)
    ]


def _storefront_settings(request):
    session = getattr(request, "session", None)
    reseller_id = session.get(STOREFRONT_RESELLER_SESSION_KEY) if session is not None else None
    return authentication_settings_storefront(reseller_id=reseller_id)


def _buttons(request, providers, *, process: str, next_url: str = "") -> list[SignInButton]:
    adapter = get_social_adapter(request)
    buttons = []
    for provider in providers:
        login_url = adapter.get_provider(request, provider.provider_id).get_login_url(request)
        query = {"process": process}
        if next_url:
            query["next"] = next_url
        buttons.append(
            SignInButton(
                provider.provider_id, str(provider.label), f"{login_url}?{urlencode(query)}"
            )
        )
    return buttons


def sign_in_buttons(request, *, next_url: str = "") -> list[SignInButton]:
    """The Microsoft buttons of the sign-in page: configured here and offered by the
    storefront's owner (the reseller the visitor came through, else the provider)."""
    configured = configured_providers(request)
    if not configured:
        return []
    offered = _storefront_settings(request)
    providers = [provider for provider in configured if getattr(offered, provider.field)]
    return _buttons(request, providers, process=AuthProcess.LOGIN, next_url=next_url)


def connect_buttons(request) -> list[SignInButton]:
    """My account → Connected accounts: the Microsoft accounts a user may connect."""
    return _buttons(request, configured_providers(request), process=AuthProcess.CONNECT)


def provider_label(provider_id: str) -> str:
    provider = _BY_PROVIDER_ID.get(provider_id)
    return str(provider.label) if provider else provider_id


def _settings_in_force(user) -> list[tuple[object, object]]:
    """(membership, the authentication settings that apply to it) for each organization of
    ``user``. A provider's staff sign in by the provider's own settings."""
    found = []
    for membership in membership_list_for_user(user=user):
        organization = membership.organization
        if organization.kind == OrganizationKind.PROVIDER:
            settings = authentication_settings_own(organization=organization)
        else:
            settings = authentication_settings_for(organization=organization)
        found.append((membership, settings))
    return found


def local_sign_in_allowed(*, user) -> bool:
    """False only when every organization of ``user`` is a customer whose policy turned
    *Account created here* off and the user is an owner of none of them."""
    in_force = _settings_in_force(user)
    if not in_force:
        return True
    for membership, settings in in_force:
        if membership.organization.kind != OrganizationKind.CUSTOMER:
            return True
        if membership.role == Role.OWNER or settings.allow_local:
            return True
    return False


def provider_sign_in_allowed(*, user, provider: IdentityProvider, request=None) -> bool:
    """True when the policy of one of ``user``'s organizations offers ``provider``; for a
    user with no organization yet, the storefront's policy decides."""
    in_force = _settings_in_force(user)
    if not in_force:
        return bool(getattr(_storefront_settings(request), provider.field))
    return any(getattr(settings, provider.field) for _membership, settings in in_force)


def trusted_email(sociallogin) -> str:
    """The address Microsoft vouches for, or "".

    Work accounts (Graph): the ``userPrincipalName``, whose domain the account's tenant has
    verified; never ``mail``, which a tenant's administrator may set to any address (the
    "nOAuth" takeover). Guest principals (``#EXT#``) vouch for nothing. Personal accounts
    (OpenID Connect, the "consumers" authority): the ``email`` claim of the ID token, the
    account's own sign-in address, which Microsoft verified when the account was made.
    """
    provider_id = sociallogin.account.provider
    data = sociallogin.account.extra_data or {}
    if provider_id == MICROSOFT_WORK.provider_id:
        email = data.get("userPrincipalName") or ""
    elif provider_id == MICROSOFT_PERSONAL.provider_id:
        claims = data.get("id_token") or data.get("userinfo") or {}
        email = claims.get("email") or ""
    else:
        return ""
    email = email.strip()
    if "@" not in email or "#EXT#" in email.upper():
        return ""
    return email


def user_with_verified_email(email: str):
    """The one active user who verified ``email`` in Seatwise, or None."""
    if not email:
        return None
    addresses = list(
        EmailAddress.objects.filter(
            email__iexact=email, verified=True, user__is_active=True
        ).select_related("user")[:2]
    )
    return addresses[0].user if len(addresses) == 1 else None


def _refuse(request, message: str):
    messages.error(request, message)
    raise ImmediateHttpResponse(redirect("account_login"))


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False  # accounts are made by registration or invitation, never by Microsoft

    def pre_social_login(self, request, sociallogin) -> None:
        if sociallogin.state.get("process") == AuthProcess.CONNECT:
            return  # My account → Connected accounts: the signed-in user adds it
        provider = _BY_PROVIDER_ID.get(sociallogin.account.provider)
        if provider is None:
            _refuse(request, _("This way of signing in is not available."))
        if sociallogin.is_existing:
            user = sociallogin.user
        else:
            user = user_with_verified_email(trusted_email(sociallogin))
            if user is None:
                _refuse(
                    request,
                    _(
                        "There is no Seatwise account for this Microsoft account: register "
                        "first. If you have an account, sign in with your e-mail address "
                        "and connect the Microsoft account under My account → Connected "
                        "accounts."
                    ),
                )
        if not provider_sign_in_allowed(user=user, provider=provider, request=request):
            _refuse(
                request,
                _("Your organization does not offer signing in with “%(method)s”.")
                % {"method": provider.label},
            )
        if not sociallogin.is_existing:
            sociallogin.connect(request, user)


class LocalSignInPolicyStage(LoginStage):
    """Refuses a sign-in by password or e-mail code that the user's policy does not offer
    (sign-ins through Microsoft are checked by ``SocialAccountAdapter`` before this)."""

    key = "seatwise_sign_in_policy"

    def handle(self):
        if (self.login.signal_kwargs or {}).get("sociallogin") is not None or self.login.signup:
            return None, True
        user = self.login.user
        if user is None or local_sign_in_allowed(user=user):
            return None, True
        messages.error(
            self.request,
            _(
                "Your organization does not offer signing in with an account created here. "
                "Use the Microsoft account it offers."
            ),
        )
        return redirect(reverse("account_login")), False


# --- Settings → Authentication management -------------------------------------------------


def _messages() -> dict[str, str]:
    return {
        "role_required": _("Your role in this organization does not allow changing its settings."),
        "organization_not_found": _("This page does not exist for your organization."),
        "authentication_method_required": _("Offer at least one way to sign in."),
    }


_FIELDS = (
    "allow_local",
    "allow_microsoft_personal",
    "allow_microsoft_work",
    "second_factor_required",
)


@login_required
@require_http_methods(["GET", "POST"])
def authentication_settings(request):
    organization = shop_for(request).viewer
    try:
        if organization is None:
            raise OrganizationNotFound("No organization.")
        current = authentication_settings_get(user=request.user, organization=organization)
        values = {field: getattr(current, field) for field in _FIELDS}
        error = None
        status = 200
        if request.method == "POST":
            values = {field: request.POST.get(field) == "on" for field in _FIELDS}
            try:
                authentication_settings_set(actor=request.user, organization=organization, **values)
            except ApplicationError as exc:
                if exc.status != 400:
                    raise
                error = _messages().get(exc.code, exc.message)
                status = 400
            else:
                messages.success(request, _("The authentication settings are saved."))
                return redirect("web:authentication_settings")
        configured = {provider.field for provider in configured_providers(request)}
        methods = [
            {
                "field": "allow_local",
                "label": _("Account created here"),
                "help": _("An e-mail address and a password. The primary contact always keeps it."),
                "checked": values["allow_local"],
                "configured": True,
            },
            *(
                {
                    "field": provider.field,
                    "label": str(provider.label),
                    "help": (
                        _("Outlook.com, Hotmail, Live and other Microsoft accounts of people.")
                        if provider is MICROSOFT_PERSONAL
                        else _("Microsoft 365, Entra ID (Azure AD) and Partner Center accounts.")
                    ),
                    "checked": values[provider.field],
                    "configured": provider.field in configured,
                }
                for provider in IDENTITY_PROVIDERS
            ),
        ]
        return render(
            request,
            "web/settings/authentication.html",
            {
                "organization": organization,
                "methods": methods,
                "second_factor_required": values["second_factor_required"],
                "error": error,
            },
            status=status,
        )
    except ApplicationError as exc:
        return render_error(request, exc, _messages())

"""My account → Tenants: the customer's Microsoft tenants, a new one asked for (its name
checked live with Microsoft, free names offered when it is taken) and an existing one linked
(the reseller relationship link its Global Administrator opens and accepts, then *Check
now*). Every member reads; owners, account managers and technical staff (and reseller or
provider staff acting inside the customer) add and link. Thin views over
``subscriptions.services`` and ``subscriptions.selectors``; another organization's tenant is
a 404."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from seatwise.connectors.domains import MAX_LENGTH, SUFFIX
from seatwise.connectors.exceptions import ConnectorUnavailable, InvalidTenantDomain
from seatwise.connectors.selectors import tenant_domain_check
from seatwise.core.errors import ApplicationError
from seatwise.subscriptions.enums import AccountStatus
from seatwise.subscriptions.models import Subscription, VendorAccount
from seatwise.subscriptions.selectors import account_get, account_list, subscription_list
from seatwise.subscriptions.services import (
    TENANT_ROLES,
    tenant_link_check,
    tenant_link_start,
    tenant_request,
)
from seatwise.tenancy.enums import OrganizationKind
from seatwise.tenancy.exceptions import OrganizationNotFound
from seatwise.tenancy.selectors import organization_primary_contact, require_role
from seatwise.web.errors import render_error
from seatwise.web.ratelimits import rate_limit_message, rate_limit_wait
from seatwise.web.shop import shop_for
from seatwise.web.subscription_views import subscription_badge

# The reseller relationship link of each tenant the user started to link, by tenant id: the
# detail page shows it after the redirect (Microsoft's link is the partner's, not a secret).
LINKS_SESSION_KEY = "tenant_relationship_links"
LINKS_KEPT = 20

ACCOUNT_BADGES = {
    AccountStatus.REQUESTED: "text-bg-info",
    AccountStatus.ACTIVE: "text-bg-success",
    AccountStatus.LINK_PENDING: "text-bg-warning",
    AccountStatus.FAILED: "text-bg-danger",
}


def _messages() -> dict[str, str]:
    return {
        "organization_not_found": _("You do not act for an organization yet."),
        "tenant_not_found": _("This tenant does not exist or is not yours."),
        "role_required": _("Your role in this organization does not allow managing tenants."),
        "invalid_input": _("Only a customer has Microsoft tenants."),
    }


@dataclass(frozen=True)
class TenantRow:
    account: VendorAccount
    badge: str


@dataclass(frozen=True)
class SubscriptionRow:
    subscription: Subscription
    badge: str


@dataclass
class DomainForm:
    """A form of one field (the prefix of a new tenant, the domain of an existing one)."""

    value: str = ""
    error: str = ""
    suggestions: list[str] = field(default_factory=list)


def _organization(request):
    organization = shop_for(request).viewer
    if organization is None:
        raise OrganizationNotFound("No organization.")
    require_role(user=request.user, organization=organization)  # every member reads
    return organization


def _may_manage(request, organization) -> bool:
    if organization.kind != OrganizationKind.CUSTOMER:
        return False
    try:
        require_role(user=request.user, organization=organization, roles=TENANT_ROLES)
    except ApplicationError:
        return False
    return True


def _is_form_error(exc: ApplicationError) -> bool:
    """A refusal the user can correct in the form (a bad or taken name, Microsoft not
    answering now); anything else (a role, another organization) is an error page."""
    return isinstance(exc, ConnectorUnavailable) or exc.details.get("field") == "domain"


def _remember_link(request, pk: int, url: str) -> None:
    links = dict(request.session.get(LINKS_SESSION_KEY) or {})
    links.pop(str(pk), None)
    links[str(pk)] = url
    request.session[LINKS_SESSION_KEY] = dict(list(links.items())[-LINKS_KEPT:])


def _remembered_link(request, pk: int) -> str:
    links = request.session.get(LINKS_SESSION_KEY) or {}
    url = links.get(str(pk), "") if isinstance(links, dict) else ""
    # Microsoft's link is https; a sandbox's may be plain http. Never another scheme.
    return url if isinstance(url, str) and url.startswith(("https://", "http://")) else ""


def _page(request, organization, *, create=None, link=None, status: int = 200):
    return render(
        request,
        "web/subscriptions/tenants.html",
        {
            "organization": organization,
            "rows": [
                TenantRow(account=account, badge=ACCOUNT_BADGES.get(account.status, ""))
                for account in account_list(user=request.user, organization=organization)
            ],
            "is_customer": organization.kind == OrganizationKind.CUSTOMER,
            "may_manage": _may_manage(request, organization),
            "create": create or DomainForm(),
            "link": link or DomainForm(),
            "suffix": SUFFIX,
            "max_length": MAX_LENGTH,
        },
        status=status,
    )


@login_required
@require_GET
def tenants(request):
    try:
        organization = _organization(request)
    except ApplicationError as exc:
        return render_error(request, exc, _messages())
    return _page(request, organization)


@login_required
@require_POST
def tenant_create(request):
    """*Create new tenant*: asked for now, created by the worker; its admin sign-in goes
    to the primary contact by e-mail."""
    prefix = str(request.POST.get("prefix", "")).strip()[:100]
    try:
        organization = _organization(request)
        try:
            account = tenant_request(
                actor=request.user, organization=organization, prefix=prefix, request=request
            )
        except ApplicationError as exc:
            if not _is_form_error(exc):
                raise
            form = DomainForm(
                value=prefix,
                error=exc.message,
                suggestions=[str(s) for s in exc.details.get("suggestions") or []],
            )
            return _page(request, organization, create=form, status=exc.status)
    except ApplicationError as exc:
        return render_error(request, exc, _messages())
    contact = organization_primary_contact(organization=organization)
    if contact is not None and contact.email:
        text = _(
            "%(domain)s is being created. The administrator's sign-in will be e-mailed to "
            "%(email)s."
        ) % {"domain": account.domain, "email": contact.email}
    else:
        text = _(
            "%(domain)s is being created. The administrator's sign-in will be e-mailed to "
            "your organization's primary contact."
        ) % {"domain": account.domain}
    messages.success(request, text)
    return redirect("web:tenants")


@login_required
@require_POST
def tenant_link(request):
    """*Link an existing tenant*: recorded as awaiting the customer, then the detail page
    with the relationship link to accept."""
    domain = str(request.POST.get("domain", "")).strip()[:255]
    try:
        organization = _organization(request)
        try:
            start = tenant_link_start(
                actor=request.user, organization=organization, domain=domain, request=request
            )
        except ApplicationError as exc:
            if not _is_form_error(exc):
                raise
            form = DomainForm(value=domain, error=exc.message)
            return _page(request, organization, link=form, status=exc.status)
    except ApplicationError as exc:
        return render_error(request, exc, _messages())
    _remember_link(request, start.account.pk, start.url)
    return redirect("web:tenant_detail", pk=start.account.pk)


@login_required
@require_GET
def tenant_domain_status(request):
    """The live line under the new tenant's name (an HTMX fragment): free, or taken with free
    names to pick, or why it cannot be used."""
    raw = request.GET.get("prefix", "")
    context: dict = {"suffix": SUFFIX}
    organization = shop_for(request).viewer
    wait = rate_limit_wait(request, action="domain_check", scope=f"user:{request.user.pk}")
    if wait:
        # 200, so that htmx swaps the line in; the form's submit checks the name again.
        context.update(state="unavailable", message=rate_limit_message(wait))
    elif not raw.strip():
        context["state"] = "empty"
    else:
        country = str(getattr(organization, "country", "") or "")
        try:
            check = tenant_domain_check(prefix=raw, country=country)
        except InvalidTenantDomain as exc:
            context.update(state="invalid", message=exc.message)
        except ConnectorUnavailable:
            context.update(
                state="unavailable",
                message=_("We could not check the domain name now. Try again in a moment."),
            )
        else:
            context.update(state="available" if check.available else "taken", check=check)
    response = render(request, "web/register/company_domain_status.html", context)
    if wait:
        response["Retry-After"] = str(wait)
    response["Cache-Control"] = "no-store"
    return response


def _detail_context(request, organization, account: VendorAccount) -> dict:
    pending = account.status == AccountStatus.LINK_PENDING
    return {
        "organization": organization,
        "account": account,
        "badge": ACCOUNT_BADGES.get(account.status, ""),
        "pending": pending,
        "link_url": _remembered_link(request, account.pk) if pending else "",
        "may_manage": _may_manage(request, organization),
    }


@login_required
@require_GET
def tenant_detail(request, pk: int):
    try:
        organization = _organization(request)
        account = account_get(user=request.user, organization=organization, pk=pk)
        rows = [
            SubscriptionRow(subscription=s, badge=subscription_badge(s.status))
            for s in subscription_list(
                user=request.user, organization=organization, account=account
            )
        ]
    except ApplicationError as exc:
        return render_error(request, exc, _messages())
    return render(
        request,
        "web/subscriptions/tenant_detail.html",
        {**_detail_context(request, organization, account), "subscriptions": rows},
    )


@login_required
@require_POST
def tenant_link_check_view(request, pk: int):
    """*Check now*: whether the customer accepted the relationship (the periodic sweep asks
    too). With HTMX, the status panel; else back to the detail page."""
    try:
        organization = _organization(request)
        account = account_get(user=request.user, organization=organization, pk=pk)
    except ApplicationError as exc:
        return render_error(request, exc, _messages())
    notice, level = "", messages.INFO
    try:
        account = tenant_link_check(account_id=account.pk)
    except ConnectorUnavailable as exc:
        notice, level = exc.message, messages.ERROR
    else:
        if account.status == AccountStatus.ACTIVE:
            notice, level = _("The tenant is linked and active."), messages.SUCCESS
        elif account.status == AccountStatus.LINK_PENDING:
            notice = _(
                "Microsoft does not list the tenant yet: the relationship has not been "
                "accepted. Check again after accepting it."
            )
    if request.htmx:
        context = {**_detail_context(request, organization, account), "notice": notice}
        context["notice_level"] = "danger" if level == messages.ERROR else "info"
        if level == messages.SUCCESS:
            context["notice_level"] = "success"
        return render(request, "web/subscriptions/partials/tenant_status.html", context)
    if notice:
        messages.add_message(request, level, notice)
    return redirect("web:tenant_detail", pk=account.pk)
